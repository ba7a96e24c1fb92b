"""The whole pipeline, for real, read from the session build (tests/session_build.py): one
`python -m pipelines.run` over the seed plans plus every bad input; Dagster materializes every asset
into a private DuckDB, dbt builds and tests the marts, and the exports land on disk."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from tests.session_build import ADDED_PLANS, REPO, SEED_NAMES, Build, mart_tables

pytestmark = pytest.mark.slow

# The provinces of the plans in the session folder (the seeds, Bắc Ninh, Nghệ An, Huế), and the
# 2025 unit each belongs to.
PROVINCES = {"33": "Hưng Yên", "30": "Hải Dương", "72": "Tây Ninh", "35": "Hà Nam", "27": "Bắc Ninh"}
PROVINCES |= {"40": "Nghệ An", "46": "Thừa Thiên Huế"}
SUCCESSORS = {"33": "33", "30": "31", "72": "80", "35": "37", "27": "24", "40": "40", "46": "46"}
SUCCESSOR_NAMES = {"30": "Hải Phòng", "33": "Hưng Yên", "35": "Ninh Bình", "72": "Tây Ninh"}
SUCCESSOR_NAMES |= {"27": "Bắc Ninh", "40": "Nghệ An", "46": "Huế"}


def materialize_all(data_dir: Path, instance=None):
    """Run the whole graph in-process, as `make run` does (partitions synced with the folder first)."""
    import dagster as dg

    from pipelines.run import run_pipeline
    from pipelines.settings import Settings

    return run_pipeline(Settings(data_dir), instance or dg.DagsterInstance.ephemeral())


def test_every_asset_materializes_and_exports_agree(session_build: Build) -> None:
    data, marts = session_build.data, session_build.marts
    failed = {key for key, passed in session_build.checks.items() if not passed}
    # only the two warnings that flag the folder's bad drop-ins: a reference figure without a source
    # and a refused review file (every other check, dbt's tests included, passes)
    assert len(session_build.checks) > 100
    assert failed == {
        ("reference_statistics", "reference_statistics_sourced"),
        ("reviews", "reviews_all_accepted"),
    }
    tables = mart_tables(data / "warehouse.duckdb")
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        provinces = dict(
            conn.execute("select province_code, province_name from marts.dim_document").fetchall()
        )
        rollup = dict(conn.execute("select province_code, successor_code from marts.dim_document").fetchall())
    assert {"dim_document", "dim_province", "dim_province_2025", "mart_rejected_documents"} <= set(tables)
    # every file of the folder is a document or a refusal, never both, never neither
    documents = set(pl.read_parquet(marts / "dim_document.parquet")["file_name"])
    rejected = pl.read_parquet(marts / "mart_rejected_documents.parquet")
    refused = set(rejected.filter(~pl.col("file_name").str.starts_with("reference/"))["file_name"])
    assert documents | refused == {p.name for p in session_build.plans.iterdir()}
    assert not documents & refused and tables["dim_document"] == len(documents)
    # every unit of the two schemes exactly once (the joins that fill them never fan out)
    for mart, seed in (("dim_province", "provinces"), ("dim_province_2025", "provinces_2025")):
        codes = pl.read_csv(REPO / "dbt_project" / "seeds" / f"{seed}.csv", infer_schema=False)[
            "province_code"
        ]
        built = pl.read_parquet(marts / f"{mart}.parquet")["province_code"]
        assert tables[mart] == built.n_unique() == codes.n_unique() and set(built) == set(codes), mart
    assert provinces == PROVINCES and rollup == SUCCESSORS

    for name, rows in tables.items():
        parquet = pl.read_parquet(marts / f"{name}.parquet")
        raw_csv = (marts / f"{name}.csv").read_bytes()
        assert raw_csv.startswith(b"\xef\xbb\xbf"), "CSV needs a BOM for Excel"
        csv = pl.read_csv(marts / f"{name}.csv", infer_schema=False)
        assert parquet.height == csv.height == rows
    # Vietnamese names come back from the CSV exactly as the warehouse holds them (UTF-8, NFC)
    for mart in ("dim_document", "dim_province"):
        names_in_csv = pl.read_csv(marts / f"{mart}.csv", infer_schema=False)["province_name"].to_list()
        names = pl.read_parquet(marts / f"{mart}.parquet")["province_name"].to_list()
        assert names_in_csv == names and all(n == unicodedata.normalize("NFC", n) for n in names), mart
    documents_csv = pl.read_csv(marts / "dim_document.csv", infer_schema=False)
    assert set(documents_csv["province_name"]) == set(PROVINCES.values())
    # the workbook opens and carries the same Vietnamese text (its layout is tested in test_workbook.py)
    workbook = openpyxl.load_workbook(marts / "khcn_benchmark.xlsx", read_only=True)
    cells = {
        c for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    }
    assert set(PROVINCES.values()) <= cells
    assert not any(p.name.startswith(".staging") for p in marts.iterdir()), "staging folder left behind"
    assert not list(data.glob("warehouse.building-*")), "the build file was published, not left behind"


def test_marts_tell_the_truth_on_the_seed_plans(session_build: Build) -> None:
    marts = session_build.marts
    matrix = pl.read_parquet(marts / "mart_indicator_matrix.parquet")
    catalog = pl.read_parquet(marts / "dim_indicator.parquet").filter(pl.col("indicator_code") != "other")
    provinces = matrix["province_code"].unique().to_list()
    # every province with a plan × every catalog indicator, "not stated" being a value of its own
    assert matrix.select("province_code", "indicator_code").unique().height == len(provinces) * catalog.height
    hanam = matrix.filter(pl.col("province_code") == "35")
    assert set(hanam["status"]) == {"not_stated"} and hanam["value_min"].is_null().all()
    assert set(hanam["status_vi"]) == {"Không nêu trong kế hoạch"}
    spend = matrix.filter(
        (pl.col("province_code") == "33") & (pl.col("indicator_code") == "rd_spend_pct_grdp")
    )
    stated = spend.filter(pl.col("status") == "stated")
    assert stated.select("value_min", "value_max", "unit", "target_year").row(0) == (1.2, 1.5, "% GRDP", 2025)
    # one newest target per stated (province, indicator)
    newest = matrix.filter(pl.col("is_newest")).group_by("province_code", "indicator_code").len()
    assert newest["len"].max() == 1

    profile = pl.read_parquet(marts / "mart_province_profile.parquet")
    hung_yen = profile.filter(pl.col("province_code") == "33").row(0, named=True)
    assert hung_yen["plans"] == 2 and "indicators_in_missing_appendix" in hung_yen["flags"]
    assert dict(profile.select("province_code", "successor_name").iter_rows()) == SUCCESSOR_NAMES

    alignment = pl.read_parquet(marts / "mart_policy_alignment.parquet")
    citing = {
        canonical: set(group["province_name"])
        for (canonical,), group in alignment.group_by("canonical")
        if canonical in {"2667/QĐ-BKHCN", "696/QĐ-TTg", "52-NQ/TW"}
    }
    assert citing == {
        "2667/QĐ-BKHCN": {"Hưng Yên", "Hải Dương"},
        "696/QĐ-TTg": {"Hà Nam", "Tây Ninh"},
        "52-NQ/TW": {"Hưng Yên", "Tây Ninh"},
    }
    assert alignment.filter(pl.col("canonical") == "2667/QĐ-BKHCN")["shared_backbone"].all()

    comparison = pl.read_parquet(marts / "mart_indicator_comparison.parquet")
    row = comparison.filter(
        (pl.col("indicator_code") == "rd_spend_pct_grdp") & (pl.col("province_code") == "33")
    ).row(0, named=True)
    assert row["national_comparison"] == "within"
    # Hưng Yên's GRDP has no source (in the seed, nor in the drop-in): not used, so no money figure
    assert row["grdp_year"] is None and row["money_min_bn_vnd"] is None
    converted = comparison.filter(pl.col("grdp_bn_vnd").is_not_null())
    assert converted.height > 0
    for item in converted.iter_rows(named=True):
        assert item["money_min_bn_vnd"] == pytest.approx(
            item["grdp_bn_vnd"] * item["value_min"] / 100, abs=0.1
        )

    documents = pl.read_parquet(marts / "dim_document.parquet")
    assert set(documents["file_name"]) == SEED_NAMES | ADDED_PLANS
    seeds = documents.filter(pl.col("file_name").is_in(list(SEED_NAMES)))
    headerless = seeds.filter(pl.col("flags").str.contains("no_header")).row(0, named=True)
    assert headerless["cited_as_number"] and headerless["cited_as_date"] is not None

    targets = pl.read_parquet(marts / "fct_indicator_target.parquet")
    assert targets.height > 0 and set(targets["document_id"]) <= set(documents["document_id"])


def undocumented_columns(manifest: dict, built: dict[str, list[str]]) -> dict[str, list[str]]:
    """Columns of built marts without a description in the manifest (by mart)."""
    docs = {
        node["name"]: node["columns"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    missing = {
        name: [c for c in columns if not docs.get(name, {}).get(c, {}).get("description")]
        for name, columns in built.items()
    }
    return {name: columns for name, columns in missing.items() if columns}


def test_every_built_mart_column_is_documented_in_the_manifest(session_build: Build) -> None:
    """What `dbt docs generate` proved, from the manifest alone: the columns the build really made
    (the warehouse's catalog) are each documented. The pivoted matrix follows the catalog seed."""
    manifest = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))
    with duckdb.connect(str(session_build.data / "warehouse.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name <> 'mart_indicator_matrix_wide' order by table_name, ordinal_position"
        ).fetchall()
    built: dict[str, list[str]] = {}
    for table, column in rows:
        built.setdefault(table, []).append(column)
    assert len(built) >= 15
    assert undocumented_columns(manifest, built) == {}
    # the check can fail: a column the manifest does not describe is found
    assert undocumented_columns(manifest, {"dim_document": ["column_nobody_wrote_down"]}) == {
        "dim_document": ["column_nobody_wrote_down"]
    }
