"""Exports for tools and people: every mart as Parquet and as Excel-friendly CSV, plus the
workbook (pipelines.publishing.workbook).

Parquet and CSV keep the machine column names, for tools. Every file is written beside its final
name and renamed into place only when all of them are complete, so a failed or killed run leaves
the previous good set readable instead of a half-written file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import polars as pl

# The workbook moved to its own package; these names stay importable from here for callers.
from pipelines.publishing.workbook import (  # noqa: F401
    DICTIONARY_SHEET,
    DOCUMENT_MART,
    EXCEL_CELL_MAX,
    INTRO_SHEET,
    SHEETS,
    WORKBOOK_NAME,
    WorkbookContext,
    build_time,
    load_model_docs,
    model_docs,
    write_workbook,
)
from pipelines.publishing.workbook.sheets import FORMULA_PREFIXES


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as it goes into a CSV for Excel: lists joined, and text that Excel would run as a
    formula (starting with =, +, -, @, tab or CR) prefixed with an apostrophe, as the workbook does.
    Only text columns change: a column of negative numbers stays numbers."""
    joined = frame.with_columns(pl.col(pl.List(pl.String)).list.join(", "))
    pattern = "^[" + "".join(re.escape(p) for p in FORMULA_PREFIXES) + "]"
    return joined.with_columns(
        pl.when(pl.col(pl.String).str.contains(pattern))
        .then(pl.lit("'") + pl.col(pl.String))
        .otherwise(pl.col(pl.String))
        .name.keep()
    )


def export_tables(
    tables: Mapping[str, pl.DataFrame], out_dir: Path, context: WorkbookContext | None = None
) -> list[Path]:
    """Write every table as Parquet and CSV (UTF-8 with BOM), plus the workbook.

    Returns the final paths. Files are staged in a temporary folder inside `out_dir` (same file
    system) and renamed in one by one: each file is whole, but a crash between two renames leaves
    some files new and some old. Readers see one consistent set only because the caller writes
    into a fresh generation folder and publishes it with one rename (`MartsFolder`).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        stage = Path(staging)
        for name, frame in tables.items():
            parquet = stage / f"{name}.parquet"
            frame.write_parquet(parquet)
            csv = stage / f"{name}.csv"
            csv_safe(frame).write_csv(csv, include_bom=True)
            staged += [(parquet, out_dir / parquet.name), (csv, out_dir / csv.name)]
        workbook = stage / WORKBOOK_NAME
        write_workbook(tables, workbook, context)
        staged.append((workbook, out_dir / WORKBOOK_NAME))
        for source, target in staged:
            os.replace(source, target)
    return [target for _, target in staged]
