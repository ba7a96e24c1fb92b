"""The whole pipeline, for real: Dagster materializes every asset into a private DuckDB,
dbt builds and tests the marts, and the exports land on disk."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

pytestmark = pytest.mark.slow


def materialize_all(data_dir: Path):
    """Run the nightly job (every asset and check) in-process, as `make run` does."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.resources import Settings

    job = build_definitions(Settings(data_dir)).resolve_job_def("khcn_all")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def test_every_asset_materializes_and_exports_agree(data_dir: Path) -> None:
    result = materialize_all(data_dir)
    assert result.success
    checks = result.get_asset_check_evaluations()
    failed = [(c.asset_key.to_user_string(), c.check_name) for c in checks if not c.passed]
    assert checks and not failed

    marts = data_dir / "marts"
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        tables = {
            name: conn.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for (name,) in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        provinces = dict(
            conn.execute("select province_code, province_name from marts.dim_document").fetchall()
        )
        rollup = dict(conn.execute("select province_code, successor_code from marts.dim_document").fetchall())
    assert {"dim_document", "dim_province", "dim_province_2025", "mart_rejected_documents"} <= set(tables)
    assert tables["dim_document"] == len(list((data_dir / "raw" / "plans").iterdir()))
    assert tables["dim_province"] == 63 and tables["dim_province_2025"] == 34
    assert provinces == {"33": "Hưng Yên", "30": "Hải Dương", "72": "Tây Ninh", "35": "Hà Nam"}
    assert rollup == {"33": "33", "30": "31", "72": "80", "35": "37"}

    workbook = openpyxl.load_workbook(marts / "khcn_benchmark.xlsx", read_only=True)
    for name, rows in tables.items():
        parquet = pl.read_parquet(marts / f"{name}.parquet")
        raw_csv = (marts / f"{name}.csv").read_bytes()
        assert raw_csv.startswith(b"\xef\xbb\xbf"), "CSV needs a BOM for Excel"
        csv = pl.read_csv(marts / f"{name}.csv", infer_schema=False)
        sheet = workbook[name[:31]]
        assert parquet.height == csv.height == rows == sheet.max_row - 1
        assert [c.value for c in next(sheet.iter_rows(max_row=1))] == parquet.columns
    names_in_csv = pl.read_csv(marts / "dim_document.csv", infer_schema=False)["province_name"].to_list()
    assert "Hưng Yên" in names_in_csv and "Hải Dương" in names_in_csv
    sheet_names = [
        row[0] for row in workbook["dim_province"].iter_rows(min_row=2, max_col=2, values_only=True)
    ]
    assert len(sheet_names) == 63
    names = [row[1] for row in workbook["dim_province"].iter_rows(min_row=2, max_col=2, values_only=True)]
    assert "Bà Rịa - Vũng Tàu" in names or "Bà Rịa – Vũng Tàu" in names
    assert "Huế" in names and "Hòa Bình" in names and "Đắk Lắk" in names
    full = openpyxl.load_workbook(marts / "khcn_benchmark.xlsx")
    assert full["dim_document"].freeze_panes == "A2"
    assert full["dim_document"].auto_filter.ref
    assert not any(p.name.startswith(".staging") for p in marts.iterdir()), "staging folder left behind"
    assert os.environ["KHCN_WAREHOUSE"] == str(data_dir / "warehouse.duckdb")


def test_garbage_and_empty_files_are_quarantined_while_plans_load(data_dir: Path) -> None:
    plans = data_dir / "raw" / "plans"
    (plans / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    (plans / "empty.txt").write_bytes(b"")
    (plans / "blank.md").write_text("   \n\n  \n", encoding="utf-8")
    (plans / "latin1.txt").write_bytes("Kế hoạch tỉnh Hà Nam".encode()[:-3] + b"\xe9\xe8 caf\xe9")
    (plans / "no_province.txt").write_text(
        "KẾ HOẠCH\nHoạt động năm 2024\nNội dung chung.\n", encoding="utf-8"
    )
    (plans / "copy of plan.txt").write_bytes((plans / "002_c79b154f3d55b614.txt").read_bytes())
    (plans / "scan.pdf").write_bytes(b"%PDF-1.4 not supported yet")

    result = materialize_all(data_dir)
    assert result.success

    rejected = pl.read_parquet(data_dir / "marts" / "mart_rejected_documents.parquet")
    reasons = {row["file_name"]: row for row in rejected.iter_rows(named=True)}
    assert reasons["garbage.txt"]["reason_code"] == "undecodable"
    assert reasons["empty.txt"]["reason_code"] == "empty_file"
    assert reasons["blank.md"]["reason_code"] == "empty_text"
    assert reasons["latin1.txt"]["reason_code"] == "undecodable"
    assert "province" in reasons["no_province.txt"]["reason"]
    assert reasons["copy of plan.txt"]["reason_code"] == "duplicate_content"
    assert reasons["scan.pdf"]["reason_code"] == "unsupported_format"
    assert all(row["reason"] for row in rejected.iter_rows(named=True))

    documents = pl.read_parquet(data_dir / "marts" / "dim_document.parquet")
    assert documents.height == 5
    assert set(documents["province_code"]) == {"33", "30", "72", "35"}
