"""Exports for people: Parquet, Excel-friendly CSV and one formatted workbook.

Every file is written beside its final name and renamed into place only when
all of them are complete, so a failed or killed run leaves the previous good
set readable instead of a half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import xlsxwriter

WORKBOOK_NAME = "khcn_benchmark.xlsx"
EXCEL_SHEET_NAME_MAX = 31
MAX_COLUMN_WIDTH = 60


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel sheet name (≤ 31 chars, no []:*?/\\), unique within the workbook."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:EXCEL_SHEET_NAME_MAX]
    candidate, n = clean, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"~{n}"
        candidate = clean[: EXCEL_SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def _column_width(frame: pl.DataFrame, column: str) -> float:
    header = len(column)
    if frame.is_empty():
        return header + 2
    longest = frame[column].cast(pl.String).str.len_chars().max() or 0
    return min(max(header, int(longest)) + 2, MAX_COLUMN_WIDTH)


def write_workbook(tables: Mapping[str, pl.DataFrame], path: Path) -> None:
    """One sheet per table: bold frozen header, autofilter, readable widths.

    Strings are always written as text (`strings_to_formulas` off): a quote from a
    plan that starts with "=" or "+" must never become a formula.
    """
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    try:
        header_format = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        taken: set[str] = set()
        for name, frame in tables.items():
            sheet = workbook.add_worksheet(sheet_name(name, taken))
            for col, column in enumerate(frame.columns):
                sheet.write_string(0, col, column, header_format)
                sheet.set_column(col, col, _column_width(frame, column))
            for row_index, row in enumerate(frame.iter_rows(), start=1):
                for col, value in enumerate(row):
                    _write_cell(sheet, row_index, col, value, date_format)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
    finally:
        workbook.close()


def _write_cell(sheet, row: int, col: int, value, date_format) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(
            row,
            col,
            value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day),
            date_format,
        )
    elif isinstance(value, list):
        sheet.write_string(row, col, ", ".join(str(v) for v in value))
    else:
        sheet.write_string(row, col, str(value))


def export_tables(tables: Mapping[str, pl.DataFrame], out_dir: Path) -> list[Path]:
    """Write every table as Parquet and CSV (UTF-8 with BOM), plus the workbook; all or nothing.

    Returns the final paths. Files are staged in a temporary folder inside
    `out_dir` (same file system, so the final `os.replace` is atomic per file).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        stage = Path(staging)
        for name, frame in tables.items():
            parquet = stage / f"{name}.parquet"
            frame.write_parquet(parquet)
            csv = stage / f"{name}.csv"
            frame.with_columns(pl.col(pl.List(pl.String)).list.join(", ")).write_csv(csv, include_bom=True)
            staged += [(parquet, out_dir / parquet.name), (csv, out_dir / csv.name)]
        workbook = stage / WORKBOOK_NAME
        write_workbook(tables, workbook)
        staged.append((workbook, out_dir / WORKBOOK_NAME))
        for source, target in staged:
            os.replace(source, target)
    return [target for _, target in staged]
