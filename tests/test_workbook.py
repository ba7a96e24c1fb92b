"""The analyst's workbook (data/marts/khcn_benchmark.xlsx), read back with openpyxl after the
session's one real `make run` (python -m pipelines.run in a subprocess on a temporary data folder
holding the seed plans and every bad input, tests/session_build.py): what the run prints, sheet order, Vietnamese headers over machine names,
print settings, the frozen province column, no machine code where a person reads, Vietnamese
alphabetical order, one way to write a target, the benchmarking marts, the dictionary, the e-mail
zip, and no formula injection."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.publishing.workbook import (
    DICTIONARY_SHEET,
    EXCEL_CELL_MAX,
    INTRO_SHEET,
    SHEETS,
    plan_sheets,
    sheet_name,
    workbook_columns,
    write_workbook,
)
from pipelines.publishing.workbook.model import number_format
from pipelines.publishing.workbook.review_sheet import NEEDS_REVIEW_STYLE
from pipelines.reviews import REVIEW_SHEET
from pipelines.store.build_state import stored_plans
from pipelines.text.vietnamese import collation_key, load_labels
from tests.session_build import REPO, SEED_NAMES, Build

MATRIX_SHEET = SHEETS["mart_indicator_matrix_wide"][0]
RANKING_SHEET = SHEETS["mart_indicator_ranking"][0]
TARGETS_SHEET = SHEETS["fct_indicator_target"][0]
DOCUMENTS_SHEET = SHEETS["dim_document"][0]
STATED_FILL = "FFE2EFDA"
NOT_STATED_FILL = "FFEDEDED"
PERSON_HEADER_FILL = "FFDDEBF7"
SEEDS = REPO / "dbt_project" / "seeds"


@pytest.fixture(scope="module")
def run(session_build: Build) -> dict:
    """The session's one `make run` (tests/session_build.py): its output and folders."""
    marts = session_build.marts
    return {
        "build": session_build,
        "data": session_build.data,
        "marts": marts,
        "output": session_build.output,
    }


@pytest.fixture(scope="module")
def book(run: dict) -> openpyxl.Workbook:
    return openpyxl.load_workbook(run["marts"] / "khcn_benchmark.xlsx")


@pytest.fixture(scope="module")
def parquet(run: dict) -> dict[str, pl.DataFrame]:
    return {path.stem: pl.read_parquet(path) for path in run["marts"].glob("*.parquet")}


def header(sheet, row: int) -> list:
    return [cell.value for cell in sheet[row]]


def column_of(sheet, machine_row: int, name: str) -> int:
    """1-based column of a machine name in the machine header row."""
    return header(sheet, machine_row).index(name) + 1


def machine_row_of(name: str) -> int:
    return 3 if name == MATRIX_SHEET else 2


def is_vietnamese(text: str) -> bool:
    """Text with Vietnamese letters (a tone or a modified letter), which English never has."""
    return "đ" in text.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def codes_from_seeds() -> tuple[set[str], tuple[str, ...]]:
    """Every machine code a person must never read: label codes, indicator and theme codes."""
    labels = pl.read_csv(SEEDS / "labels_vi.csv", infer_schema_length=0)
    exact = {c for c in labels["code"].to_list() if not c.endswith("*")}
    prefixes = tuple(c[:-1] for c in labels["code"].to_list() if c.endswith("*"))
    exact |= set(pl.read_csv(SEEDS / "indicators.csv", infer_schema_length=0)["code"].to_list())
    exact |= set(pl.read_csv(SEEDS / "themes.csv", infer_schema_length=0)["code"].to_list())
    return exact, prefixes


@pytest.mark.slow
def test_make_run_prints_a_short_report_ending_with_the_summary(run: dict) -> None:
    lines = run["output"].rstrip("\n").splitlines()
    assert len(lines) < 40, run["output"]
    assert "DEBUG" not in run["output"] and "Traceback" not in run["output"]
    # the run ends with the summary: after its title, only its own indented lines
    summary = next(i for i, line in enumerate(lines) if line.startswith("Tóm tắt"))
    assert lines[summary + 1 :] and all(line.startswith("  ") for line in lines[summary + 1 :]), lines
    stage_lines = [line for line in lines if line.lstrip().startswith("✓")]
    # each reason a file was refused for reads in Vietnamese, never as its code ("too_large")
    reasons = [m.group(1) for m in re.finditer(r"^ {6}- (.+): \d+$", run["output"], re.M)]
    assert reasons and not [r for r in reasons if re.fullmatch(r"[a-z0-9_]+", r)], reasons
    # every plan file that could be hashed was read and extracted once, and the report says how many
    extracted = run["build"].extracted
    assert extracted == len(stored_plans(run["data"] / "extracted")) > len(SEED_NAMES)
    assert any(f"Đọc và trích xuất: {extracted} trích xuất" in line for line in stage_lines), stage_lines
    assert all(re.search(r"\(\d+,\d s\)$", line) for line in stage_lines if "Kiểm tra" not in line)
    documents = pl.read_parquet(run["marts"] / "dim_document.parquet")
    assert f"Kế hoạch đã đọc     : {documents.height}" in run["output"]
    targets = pl.read_parquet(run["marts"] / "fct_indicator_target.parquet")
    assert f"Chỉ tiêu trích xuất : {targets.height}" in run["output"]
    # the two paths to open end the summary, and they exist; the full log is in the printed file
    opened = {
        m.group(1).strip() for m in re.finditer(r": (/\S+\.(?:html|xlsx|log|zip))$", run["output"], re.M)
    }
    assert str(run["marts"] / "dashboard" / "index.html") in opened
    assert str(run["marts"] / "khcn_benchmark.xlsx") in opened
    assert all(Path(path).exists() for path in opened)
    log = next(Path(p) for p in opened if p.endswith(".log"))
    assert log.parent == run["data"] / "logs" and "STEP_SUCCESS" in log.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_email_zip_holds_the_site_and_the_workbook(run: dict) -> None:
    with zipfile.ZipFile(run["marts"] / "khcn_benchmark_goi_email.zip") as archive:
        names = set(archive.namelist())
        assert "khcn_benchmark.xlsx" in names and "dashboard/index.html" in names
        site = run["marts"] / "dashboard"
        assert {
            f"dashboard/{p.relative_to(site).as_posix()}" for p in site.rglob("*") if p.is_file()
        } <= names
        assert archive.testzip() is None
    assert not list(run["marts"].glob(".share-*")), "no half-written zip left behind"


@pytest.mark.slow
def test_sheets_headers_and_evidence(book, parquet) -> None:
    names = book.sheetnames
    assert names[0] == INTRO_SHEET and names[1] == MATRIX_SHEET and names[-1] == DICTIONARY_SHEET
    assert len({n.lower() for n in names}) == len(names)
    sheets = dict(plan_sheets(list(parquet)))
    # one sheet per mart, plus the review loop's own sheet (not a mart) when it is there
    assert set(sheets.values()) == set(names) - {INTRO_SHEET, DICTIONARY_SHEET, REVIEW_SHEET}
    intro = "\n".join(str(c) for row in book[INTRO_SHEET].iter_rows(values_only=True) for c in row if c)
    documents = parquet["dim_document"]
    assert f"{documents.height} văn bản" in intro and "Asia/Ho_Chi_Minh" in intro
    assert all(name in intro for name in documents["province_name"].unique())
    assert all(name in intro for name in names[1:])
    for mart, name in sheets.items():
        sheet, frame = book[name], parquet[mart]
        if mart == "mart_indicator_matrix_wide":
            assert sheet.max_row - 3 == frame.height
            continue
        assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
        assert sheet.max_row - 2 == frame.height
        assert set(frame.columns) <= set(header(sheet, 2)), "every mart column is in the sheet"
    targets = book[TARGETS_SHEET]
    col = {name: column_of(targets, 2, name) for name in header(targets, 2)}
    assert col["quote"] - col["value_max"] <= 4, "the quote sits beside the numbers"
    row = next(
        r
        for r in targets.iter_rows(min_row=3)
        if r[col["province_name"] - 1].value == "Hưng Yên"
        and r[col["indicator_code"] - 1].value == "rd_spend_pct_grdp"
    )
    assert (row[col["value_min"] - 1].value, row[col["value_max"] - 1].value) == (1.2, 1.5)
    assert (
        "%" not in row[col["value_min"] - 1].number_format
        and row[col["target_year"] - 1].number_format == "0"
    )
    assert row[col["target_text_vi"] - 1].value == "1,2–1,5% GRDP (2025)"
    assert row[col["bound_vi"] - 1].value == "Trong khoảng" and row[col["bound"] - 1].value == "range"
    docs = book[DOCUMENTS_SHEET]
    issue = column_of(docs, 2, "issue_date")
    dated = [r[issue - 1] for r in docs.iter_rows(min_row=3) if r[issue - 1].value is not None]
    assert dated and all(c.is_date and c.number_format == "dd/mm/yyyy" for c in dated)


@pytest.mark.slow
def test_every_sheet_prints_landscape_one_page_wide_with_titles(book) -> None:
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0, name
        assert sheet.print_title_rows, name
        assert "&P" in (sheet.oddFooter.right.text or ""), name
        assert name in (sheet.oddHeader.left.text or "") or name == INTRO_SHEET
    assert book[MATRIX_SHEET].print_title_rows == "$1:$3"
    assert book[TARGETS_SHEET].print_title_rows == "$1:$2"


@pytest.mark.slow
def test_matrix_freezes_the_province_column_and_sorts_by_value(book, parquet) -> None:
    matrix = book[MATRIX_SHEET]
    assert matrix.freeze_panes == "B4" and matrix.print_title_cols == "$A:$A"
    assert matrix.cell(3, 1).value == "province_name" and matrix.cell(1, 1).value == "Tỉnh"
    assert all(matrix.row_dimensions[r].height for r in range(4, matrix.max_row + 1)), "row heights set"
    catalog = dict(parquet["dim_indicator"].select("indicator_code", "name_vi").iter_rows())
    spend = column_of(matrix, 3, "rd_spend_pct_grdp")
    assert matrix.cell(1, spend).value == catalog["rd_spend_pct_grdp"]
    national = parquet["dim_national_target"].filter(pl.col("indicator_code") == "rd_spend_pct_grdp")
    assert all(text in matrix.cell(2, spend).value for text in national["target_text_vi"].to_list())
    assert matrix.cell(3, spend + 1).value == "rd_spend_pct_grdp__so"
    rows = {r[0].value: r for r in matrix.iter_rows(min_row=4)}
    stated, number = rows["Hưng Yên"][spend - 1], rows["Hưng Yên"][spend]
    newest = parquet["fct_indicator_target"].join(
        parquet["mart_indicator_matrix"].filter("is_newest").select("target_id"), on="target_id"
    )
    expected = newest.filter(
        (pl.col("province_name") == "Hưng Yên") & (pl.col("indicator_code") == "rd_spend_pct_grdp")
    )
    # the one display text (the review loop may add the cell's review status on a second line)
    assert stated.value.split("\n")[0] == expected["target_text_vi"][0]
    assert (
        stated.fill.fgColor.rgb in {STATED_FILL, "FF" + NEEDS_REVIEW_STYLE["bg_color"].lstrip("#")}
        and stated.comment is not None
        and "GRDP" in stated.comment.text
    )
    assert number.data_type == "n" and number.value == expected["value_max"][0]
    not_stated = rows["Hà Nam"][spend - 1]
    assert not_stated.value == "Không nêu" and not_stated.fill.fgColor.rgb == NOT_STATED_FILL
    assert rows["Hà Nam"][spend].value is None, "not stated is never a 0"


@pytest.mark.slow
def test_no_machine_code_where_a_person_reads(book) -> None:
    exact, prefixes = codes_from_seeds()
    found = []
    for name in book.sheetnames[1:]:
        sheet = book[name]
        row = machine_row_of(name)
        for col in range(1, sheet.max_column + 1):
            head = sheet.cell(1, col)
            if head.fill.fgColor.rgb != PERSON_HEADER_FILL:
                continue  # a machine column: grey header, grouped at the right
            for cells in sheet.iter_rows(min_row=row + 1, min_col=col, max_col=col):
                value = cells[0].value
                if not isinstance(value, str):
                    continue
                # the dictionary's sentences name the codes they explain: only a whole cell counts there
                whole = name == DICTIONARY_SHEET
                tokens = {value} if whole else {value, *re.split(r"\s*[;,]\s*", value)}
                if tokens & exact or any(t.startswith(prefixes) for t in tokens if prefixes):
                    found.append((name, sheet.cell(row, col).value, value))
    assert not found, found[:20]
    # and machine columns sit to the right of every column a person reads
    for name in book.sheetnames[1:]:
        sheet = book[name]
        fills = [
            sheet.cell(1, c).fill.fgColor.rgb == PERSON_HEADER_FILL for c in range(1, sheet.max_column + 1)
        ]
        assert fills == sorted(fills, reverse=True), name


@pytest.mark.slow
def test_provinces_in_vietnamese_alphabetical_order(book) -> None:
    for name in (
        MATRIX_SHEET,
        DOCUMENTS_SHEET,
        SHEETS["mart_province_profile"][0],
        SHEETS["dim_province"][0],
    ):
        sheet = book[name]
        col = column_of(sheet, machine_row_of(name), "province_name")
        names = [
            r[0]
            for r in sheet.iter_rows(
                min_row=machine_row_of(name) + 1, min_col=col, max_col=col, values_only=True
            )
        ]
        assert names == sorted(names, key=collation_key), name
    assert names[:4] == ["An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang"], "ă after a"


def test_collation_agrees_with_icu_vietnamese() -> None:
    names = pl.read_csv(SEEDS / "provinces.csv", infer_schema_length=0)["province_name"].to_list()
    names += pl.read_csv(SEEDS / "provinces_2025.csv", infer_schema_length=0)["province_name"].to_list()
    names += ["Hà", "Hả", "Há", "Hạ", "Hã", "Hòa Bình", "Ân", "An", "Ăn", "Đắk Lắk", "Dak Nông"]
    icu = [
        r[0]
        for r in duckdb.sql(
            "select n from (select unnest($1) as n) order by n collate vi", params=[names]
        ).fetchall()
    ]
    assert sorted(names, key=collation_key) == icu


@pytest.mark.slow
def test_ranking_mart_ranks_comparable_targets(book, parquet) -> None:
    ranking = parquet["mart_indicator_ranking"]
    assert ranking.height > 0
    groups = ["indicator_code", "target_type", "unit", "target_year"]
    for _, group in ranking.group_by(groups):
        ordered = group.sort("rank")
        assert ordered["rank"][0] == 1 and ordered["provinces_compared"][0] == group.height
        assert ordered["rank_value"].to_list() == sorted(ordered["rank_value"].to_list(), reverse=True)
        assert group["province_key"].n_unique() == group.height, "one target per province and set"
        for _, region in group.group_by("region"):
            assert region["region_avg"][0] == pytest.approx(region["rank_value"].mean(), abs=1e-4)
    provinces = pl.read_csv(SEEDS / "provinces.csv", infer_schema_length=0)
    legacy = ranking.filter(~pl.col("province_key").str.ends_with("/2025")).join(
        provinces.select("province_code", pl.col("region").alias("seed_region")), on="province_code"
    )
    assert (legacy["region"] == legacy["seed_region"]).all(), "regions come from the province seed"
    # PII and GRDP beside a commitment only with a published source
    assert ranking.filter(pl.col("pii_rank").is_not_null() & pl.col("pii_source_url").is_null()).is_empty()
    assert ranking.filter(pl.col("grdp_bn_vnd").is_not_null() & pl.col("grdp_source").is_null()).is_empty()
    rollup = parquet["mart_unit_2025_rollup"]
    members = ranking.group_by("successor_code").agg(pl.col("province_key").n_unique().alias("n"))
    assert set(rollup["successor_code"]) == set(members["successor_code"])
    sheet = book[RANKING_SHEET]
    assert {"Hạng", "Trung bình vùng", "Chỉ tiêu quốc gia cùng năm"} <= set(header(sheet, 1))


@pytest.mark.slow
def test_the_dictionary_is_vietnamese_and_covers_every_column(book) -> None:
    dictionary = book[DICTIONARY_SHEET]
    machine = header(dictionary, 2)
    at = machine.index("column")
    entries = {(r[0], r[at]): r for r in dictionary.iter_rows(min_row=3, values_only=True)}
    for name in book.sheetnames[1:-1]:
        for column in header(book[name], machine_row_of(name)):
            assert (name, column) in entries, (name, column)
    meaning = machine.index("description")
    english = [key for key, row in entries.items() if not is_vietnamese(row[meaning] or "")]
    assert not english, english[:10]
    quote = entries[(TARGETS_SHEET, "quote")]
    assert quote[machine.index("label_vi")] == "Trích dẫn nguyên văn"


def test_document_text_is_never_a_formula(tmp_path: Path) -> None:
    risky = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']
    path = tmp_path / "book.xlsx"
    write_workbook({"bad": pl.DataFrame({"quote": risky, "note": risky})}, path)
    sheet = openpyxl.load_workbook(path)["bad"]
    cells = list(sheet.iter_rows(min_row=3))
    assert [row[0].value for row in cells] == [text.replace("\r", "\n") for text in risky]
    assert all(cell.data_type == "s" for row in cells for cell in row)
    prefixed = [cell.quotePrefix for row in cells for cell in row if not cell.value.startswith("\n")]
    assert len(prefixed) == 12 and all(prefixed), "re-entering the cell in Excel keeps it text"
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml


def test_codes_are_shown_by_their_label(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    frame = pl.DataFrame(
        {
            "province_name": ["Hà Nội", "An Giang"],
            "bound": ["ge", "range"],
            "flags": ["doc_number_blank, no_header", None],
        }
    )
    write_workbook({"t": frame}, path)
    sheet = openpyxl.load_workbook(path)["t"]
    assert header(sheet, 2) == ["province_name", "bound_vi", "flags_vi", "bound", "flags"]
    labels = load_labels()
    assert [c.value for c in sheet["A"][2:]] == ["An Giang", "Hà Nội"], "Vietnamese order"
    assert sheet["B3"].value == labels.label("bound", "range") and sheet["D3"].value == "range"
    assert sheet["C4"].value == "; ".join(labels.label("flags", c) for c in ("doc_number_blank", "no_header"))


def test_text_longer_than_an_excel_cell_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_workbook({"long": pl.DataFrame({"quote": ["ạ" * (EXCEL_CELL_MAX + 10), "ngắn"]})}, path)
    sheet = openpyxl.load_workbook(path)["long"]
    long, short = sheet["A3"].value, sheet["A4"].value
    assert len(long) == EXCEL_CELL_MAX and long.endswith("…") and short == "ngắn"


def test_sheet_names_are_short_unique_and_legal() -> None:
    taken: set[str] = set()
    names = [sheet_name(n, taken) for n in ["a/b:c*d?e[f]g\\h", "x" * 40, "X" * 40, "'quoted'", "Mục tiêu"]]
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") and not n.startswith("'") for n in names)
    planned = plan_sheets(["mart_new_thing", "fct_indicator_target", "Giới thiệu", "dim_document"])
    assert [mart for mart, _ in planned] == [
        "fct_indicator_target",
        "dim_document",
        "mart_new_thing",
        "Giới thiệu",
    ]
    assert INTRO_SHEET not in {name for _, name in planned}


def test_number_formats_keep_percentages_as_written() -> None:
    assert number_format(1.5, "number") == "#,##0.0"
    assert number_format(2.0, "number") == "#,##0"
    assert number_format(1234567.25, "number") == "#,##0.00"
    assert number_format(2025, "year") == "0"
    assert number_format(0.125, "fraction").endswith("%")
    assert workbook_columns(["value_min", "value_max", "x", "quote"]) == [
        "value_min",
        "value_max",
        "quote",
        "x",
    ]


def test_lists_of_provinces_in_a_cell_are_in_vietnamese_order(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_workbook({"t": pl.DataFrame({"province_names": ["Hải Dương, Hà Nam, Bắc Giang, Bạc Liêu"]})}, path)
    assert openpyxl.load_workbook(path)["t"]["A3"].value == "Bạc Liêu, Bắc Giang, Hà Nam, Hải Dương"


@pytest.mark.slow
def test_libreoffice_opens_the_workbook(run: dict, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "converted"
    converted = subprocess.run(
        # first sheet (the introduction) as UTF-8 CSV; a private profile so a running office is untouched
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(run["marts"] / "khcn_benchmark.xlsx"),
        ],
        capture_output=True,
        timeout=300,
    )
    assert converted.returncode == 0, converted.stderr
    text = (out / "khcn_benchmark.csv").read_text(encoding="utf-8")
    assert "Bộ số liệu so sánh kế hoạch" in text and "Không nêu" in text
