"""Unit tests of what the outputs share, without a pipeline run: the one Vietnamese collation
(pipelines.text.vietnamese) used by the workbook and the dashboards, checked against DuckDB's ICU
`vi` collation (the order the marts use in SQL), the workbook's row order built on it, and the
workbook's sheet titles and descriptions, read from the models' meta in the dbt manifest."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.publishing.workbook import INTRO_SHEET, SHEETS, WorkbookContext, write_workbook
from pipelines.publishing.workbook.model import (
    model_docs,
    plan_sheets,
    project_model_docs,
    sheet_titles,
    sort_rows,
    sorted_names,
)
from pipelines.settings import PROJECT_DIR as REPO
from pipelines.text.vietnamese import ALPHABET, collation_key, collation_ranks, sort_vietnamese

SEEDS = REPO / "dbt_project" / "seeds"


def icu_order(names: list[str]) -> list[str]:
    """The names as DuckDB's ICU collation for Vietnamese orders them."""
    query = "select n from (select unnest($1) as n) order by n collate vi"
    return [row[0] for row in duckdb.sql(query, params=[names]).fetchall()]


def seed_names() -> list[str]:
    """Every name column of every seed: provinces (63 and 34), former names, units, issuers …"""
    names: set[str] = set()
    for path in sorted(SEEDS.glob("*.csv")):
        frame = pl.read_csv(path, infer_schema_length=0)
        for column in frame.columns:
            if "name" in column and not column.endswith("_en"):
                names |= {v for v in frame[column].to_list() if v}
    return sorted(names)


def variants(names: list[str]) -> list[str]:
    """Each name lower-cased, upper-cased and with punctuation around a syllable: the tertiary
    (case) and punctuation levels, which province names alone never reach."""
    out = set(names)
    for name in names:
        first, _, rest = name.partition(" ")
        out |= {name.lower(), name.upper(), f"{first}-{rest}", f"{first}, {rest}", f"({first}) {rest}"}
        out |= {f"{first} {n}" for n in ("2", "10", "02")}
    return sorted(out)


def test_seed_names_sort_as_icu_vietnamese_does() -> None:
    names = seed_names()
    assert len(names) > 100  # the provinces alone are 63 + 34
    assert sorted(names, key=collation_key) == icu_order(names)


def test_case_punctuation_and_digits_sort_as_icu_does() -> None:
    names = variants(seed_names())
    assert sorted(names, key=collation_key) == icu_order(names)


def test_every_letter_tone_and_case_of_one_syllable_sorts_as_icu_does() -> None:
    """Letters first, tones second, case last, in every combination of a short syllable."""
    tones = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
    vowels = [unicodedata.normalize("NFC", v + t) for v in "aăâeêoôơuư" for t in tones]
    syllables = [f"{c}{v}" for c, v in itertools.product("bdđ", vowels)]
    syllables += [s.capitalize() for s in syllables] + [f"{s} {s}" for s in syllables[::7]]
    assert sorted(syllables, key=collation_key) == icu_order(syllables)


def test_letters_come_before_tones() -> None:
    """ă is a letter after a (Bạc < Bắc whatever the tones), đ after d; tones only break ties."""
    assert sort_vietnamese(["Bắc Giang", "Bạc Liêu", "Bà Rịa - Vũng Tàu"]) == [
        "Bà Rịa - Vũng Tàu",
        "Bạc Liêu",
        "Bắc Giang",
    ]
    assert sort_vietnamese(["Gia Lai", "Đà Nẵng", "Điện Biên", "Dak"]) == [
        "Dak",
        "Đà Nẵng",
        "Điện Biên",
        "Gia Lai",
    ]
    assert sort_vietnamese(["Hạ", "Há", "Hã", "Hả", "Hà", "Ha"]) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
    initials = [collation_key(letter)[0][0] for letter in ALPHABET]
    assert initials == sorted(initials)


def test_text_in_nfd_sorts_like_nfc_and_none_sorts_last() -> None:
    nfd = unicodedata.normalize("NFD", "Đắk Lắk")
    assert collation_key(nfd) == collation_key("Đắk Lắk")
    assert sorted(["Yên Bái", None, "An Giang"], key=collation_key) == ["An Giang", "Yên Bái", None]
    assert collation_key("²")[0] == collation_key("2")[0]  # a digit, not a crash


def test_collation_ranks_order_a_column_and_put_missing_names_last() -> None:
    names = pl.Series(["Đồng Nai", None, "Bắc Giang", "Bạc Liêu", "Đồng Nai"])
    ranks = collation_ranks(names).to_list()
    assert ranks == [2, 3, 1, 0, 2]


@pytest.mark.parametrize("column", ["province_name", "successor_name", "region"])
def test_workbook_rows_follow_the_collation(column: str) -> None:
    names = ["Hải Dương", "Hà Nội", "Hà Nam", "Hà 2", "Đồng Tháp", "Dak 2", "Dak 10", "An Giang", None]
    frame = pl.DataFrame({column: names, "n": range(len(names))})
    shown = sort_rows(frame, "any_mart")[column].to_list()
    assert shown == sorted(names, key=collation_key)
    assert shown[:-1] == icu_order(names[:-1])  # digits before letters, as ICU sorts them


def test_workbook_ranking_keeps_rank_order_before_province_order() -> None:
    frame = pl.DataFrame(
        {
            "indicator_code": ["b", "a", "a", "a"],
            "target_type": ["level"] * 4,
            "unit": ["%"] * 4,
            "target_year": [2030] * 4,
            "rank": [1, 2, 1, 1],
            "province_name": ["An Giang", "Bắc Giang", "Đồng Nai", "Bạc Liêu"],
        }
    )
    shown = sort_rows(frame, "mart_indicator_ranking")
    assert shown["province_name"].to_list() == ["Bạc Liêu", "Đồng Nai", "Bắc Giang", "An Giang"]


def test_a_list_of_names_in_one_cell_is_shown_in_vietnamese_order() -> None:
    assert sorted_names("Hải Dương, Hà Nam, Bắc Giang, Bạc Liêu") == "Bạc Liêu, Bắc Giang, Hà Nam, Hải Dương"
    assert sorted_names(None) is None


# ---------------------------------------------------------------- sheet titles from the dbt manifest


def manifest_node(name: str, meta: dict, in_config: bool = False) -> dict:
    """A model node as dbt writes it into manifest.json (newer dbt mirrors meta under config)."""
    node = {"resource_type": "model", "name": name, "description": "", "columns": {}}
    node.update({"config": {"meta": meta}} if in_config else {"meta": meta})
    return node


def test_sheet_titles_come_from_model_meta_in_sheet_order() -> None:
    manifest = {
        "nodes": {
            "model.khcn_benchmark.b": manifest_node(
                "b", {"sheet_title_vi": "Bê", "sheet_description_vi": "Trang B", "sheet_order": 2}
            ),
            "model.khcn_benchmark.a": manifest_node(
                "a", {"sheet_title_vi": "A", "sheet_description_vi": "Trang A", "sheet_order": 1}, True
            ),
            "model.khcn_benchmark.c": manifest_node("c", {"sheet_title_vi": "Xê"}),
            "model.khcn_benchmark.untitled": manifest_node("untitled", {"description_vi": "…"}),
            "model.other_package.d": manifest_node("d", {"sheet_title_vi": "D", "sheet_order": 0}),
        }
    }
    models = model_docs(manifest)
    assert sheet_titles(models) == {"a": ("A", "Trang A"), "b": ("Bê", "Trang B"), "c": ("Xê", "")}
    planned = plan_sheets(["untitled", "c", "b", "a"], models)
    assert planned == [("a", "A"), ("b", "Bê"), ("c", "Xê"), ("untitled", "untitled")]


def test_every_exported_mart_of_the_project_names_its_sheet() -> None:
    """The checkout's manifest (what `make manifest` writes) titles every mart in models/marts/."""
    marts = {p.stem for p in (REPO / "dbt_project" / "models" / "marts").rglob("*.sql")}
    titles = sheet_titles(project_model_docs())
    assert marts <= set(titles), marts - set(titles)
    assert dict(SHEETS) == titles
    orders = [project_model_docs()[m].sheet_order for m in titles]
    assert orders == sorted(orders)


def test_the_workbook_names_sheets_and_describes_them_from_the_manifest(tmp_path: Path) -> None:
    models = project_model_docs()
    tables = {
        "mart_not_in_dbt": pl.DataFrame({"note": ["x"]}),
        "dim_document": pl.DataFrame({"document_id": ["d1"], "title": ["Kế hoạch"]}),
    }
    path = tmp_path / "book.xlsx"
    names = write_workbook(tables, path, WorkbookContext(built_at=dt.datetime(2026, 1, 1), models=models))
    title, description = sheet_titles(models)["dim_document"]
    assert names[1:3] == [title, "mart_not_in_dbt"]
    intro = openpyxl.load_workbook(path)[INTRO_SHEET]
    cells = {c.value for row in intro.iter_rows() for c in row if c.value}
    assert description in cells and title in cells
