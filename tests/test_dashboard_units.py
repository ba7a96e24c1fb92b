"""Unit tests of the dashboards without a pipeline run: what they read is declared once elsewhere.

- the indicators of the spending and IP pages are the catalog seed's `dashboard_group` column;
- every mart column the pages read is a column of that mart's dbt contract (or one the loader adds);
- the words of codes are the labels seed's.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from dashboards import figures
from dashboards.data import COLUMNS, LOADED_COLUMNS, indicator_group, load_marts
from dashboards.pages import ip_table, spending_table
from dashboards.text import CITATION_TIER, FLAGS, ISSUER_LEVEL, TARGET_TYPE, seed_pairs
from pipelines.settings import seed
from pipelines.targets.catalog import load_catalog
from tests.dbt_yaml import model_column_types, model_columns

CATALOG = seed("indicators")
PAGE_GROUPS = {figures.SPENDING_GROUP, figures.IP_GROUP}
DBT_TYPES = {  # dbt contract data_type -> the polars type the dashboards expect
    "varchar": pl.String,
    "integer": pl.Int64,
    "bigint": pl.Int64,
    "double": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
}


def catalog_rows(path: Path = CATALOG) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- indicator groups


def test_every_group_in_the_catalog_is_a_page_and_every_page_has_indicators() -> None:
    groups = {row["dashboard_group"] for row in catalog_rows()} - {""}
    assert groups == PAGE_GROUPS, "a group no page reads, or a page with no indicators"
    codes = {row["code"] for row in catalog_rows()}
    for group in PAGE_GROUPS:
        members = indicator_group(group)
        assert members and set(members) <= codes - {"other"}, group


def test_groups_follow_the_catalog_in_its_priority_order(tmp_path: Path) -> None:
    """An analyst moves an indicator to a page by editing the CSV: no code changes."""
    rows = catalog_rows()
    moved = next(r["code"] for r in rows if not r["dashboard_group"] and r["code"] != "other")
    edited = tmp_path / "indicators.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(
            {**r, "dashboard_group": figures.SPENDING_GROUP} if r["code"] == moved else r for r in rows
        )
    members = indicator_group(figures.SPENDING_GROUP, edited)
    assert moved in members and set(indicator_group(figures.SPENDING_GROUP)) < set(members)
    priority = {i.code: (i.priority, i.code) for i in load_catalog(edited).indicators}
    assert members == sorted(members, key=priority.get)


def write_marts(folder: Path, tables: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        pl.DataFrame(rows).write_parquet(folder / f"{name}.parquet")
    return folder


def target(code: str, province: str, name: str, quote: str) -> dict:
    return {
        "province_code": province,
        "province_name": name,
        "indicator_code": code,
        "indicator_name_vi": code,
        "status": "stated",
        "target_type": "level",
        "target_year": 2030,
        "value_min": 1.0,
        "value_max": 2.0,
        "unit": "%",
        "quote": quote,
    }


def test_the_spending_and_ip_pages_show_exactly_their_group(tmp_path: Path) -> None:
    spending = indicator_group(figures.SPENDING_GROUP)[0]
    ip = indicator_group(figures.IP_GROUP)[0]
    outside = next(r["code"] for r in catalog_rows() if not r["dashboard_group"] and r["code"] != "other")
    rows = [
        target(spending, "01", "Hà Nội", "trích dẫn chi"),
        target(ip, "31", "Hải Phòng", "trích dẫn sở hữu trí tuệ"),
        target(outside, "48", "Đà Nẵng", "trích dẫn ngoài nhóm"),
    ]
    marts = load_marts(
        write_marts(tmp_path / "marts", {"mart_indicator_comparison": rows, "mart_indicator_matrix": rows})
    )
    spending_page, ip_page = str(spending_table(marts)), str(ip_table(marts))
    assert "trích dẫn chi" in spending_page
    assert "trích dẫn sở hữu trí tuệ" not in spending_page and "trích dẫn ngoài nhóm" not in spending_page
    assert "trích dẫn sở hữu trí tuệ" in ip_page
    assert "trích dẫn chi" not in ip_page and "trích dẫn ngoài nhóm" not in ip_page


def test_no_dashboard_module_lists_indicator_codes() -> None:
    """The groups live in the catalog only: no code of a grouped indicator is written in dashboards/."""
    grouped = {r["code"] for r in catalog_rows() if r["dashboard_group"]}
    for module in sorted((Path(figures.__file__).parent).glob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert not [c for c in grouped if f'"{c}"' in text], module.name


# ---------------------------------------------------------------- mart columns


@pytest.fixture(scope="module")
def declared() -> dict[str, list[str]]:
    """Mart -> its declared (contract) columns, read once from the dbt YAML."""
    return model_columns()


@pytest.mark.parametrize("mart", sorted(COLUMNS))
def test_every_column_the_dashboards_read_is_in_the_mart_contract(
    mart: str, declared: dict[str, list[str]]
) -> None:
    assert mart in declared, f"{mart} is not a mart of the dbt project"
    types = model_column_types(mart)
    for column, dtype in COLUMNS[mart].items():
        if column not in declared[mart]:
            assert column in LOADED_COLUMNS, f"{mart}.{column} is neither in the contract nor added on load"
            continue
        assert DBT_TYPES.get((types[column] or "").lower()) == dtype, (mart, column, types[column], dtype)


def test_columns_added_on_load_are_not_silently_in_every_contract(declared: dict[str, list[str]]) -> None:
    """A column the loader adds is one some mart the pages read does not carry; once every mart
    carries it, it belongs in COLUMNS only."""
    for column in LOADED_COLUMNS:
        readers = [m for m, columns in COLUMNS.items() if column in columns]
        assert readers, column
        assert any(column not in declared[m] for m in readers), column


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("vocabulary", "words"),
    [
        ("target_type", TARGET_TYPE),
        ("issuer_level", ISSUER_LEVEL),
        ("citation_tier", CITATION_TIER),
        ("flags", FLAGS),
    ],
)
def test_the_words_of_codes_are_the_labels_seed(vocabulary: str, words: dict) -> None:
    seeded = seed_pairs(vocabulary)
    assert seeded and set(words) == set(seeded)
    for code, pair in seeded.items():
        assert words[code] in (pair, pair[0]), code


# ---------------------------------------------------------------- citation tiers


def test_the_national_tiers_the_pages_use_are_declared_citation_tiers() -> None:
    """The pages pick and order citations by tier; every tier they name is one the seed declares."""
    from dashboards.province import NATIONAL_ORDER
    from pipelines.metadata.vocabulary import CITATION_TIER_COLUMN, issuer_level_codes

    declared = set(issuer_level_codes(CITATION_TIER_COLUMN))
    assert set(figures.NATIONAL_LEVELS) <= set(NATIONAL_ORDER) == declared


# ---------------------------------------------------------------- same marts, same site


def test_two_units_of_one_name_always_list_in_the_same_order(tmp_path: Path) -> None:
    """Gia Lai before and after July 2025 share a name: the order of the sourced figures must not
    depend on the order of the mart's rows (nor on Polars' unordered unique)."""
    from dashboards.benchmark import actuals_table

    rows = [
        {
            "province_code": "64",
            "province_key": "64",
            "province_name": "Gia Lai",
            "pii_edition": 2024,
            "pii_rank": 61,
        },
        {
            "province_code": "52",
            "province_key": "52/2025",
            "province_name": "Gia Lai",
            "pii_edition": 2025,
            "pii_rank": 21,
        },
        {
            "province_code": "01",
            "province_key": "01",
            "province_name": "Hà Nội",
            "pii_edition": 2025,
            "pii_rank": 1,
        },
    ]
    pages = []
    for order in (rows, rows[::-1]):
        folder = write_marts(tmp_path / f"marts-{len(pages)}", {"mart_indicator_ranking": order})
        pages.append(str(actuals_table(load_marts(folder))))
    assert pages[0] == pages[1]
    assert (
        pages[0].index("province-52-2025.html")
        < pages[0].index("province-64.html")
        < pages[0].index("Hà Nội")
    )
