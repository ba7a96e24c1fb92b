"""The province × indicator matrix sheet's content: which columns, the national target above each
indicator, the quotes behind each cell and the number beside it (so the sheet sorts by value).

Every target text here was written by dbt (macros/vietnamese.sql); this module only arranges it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from pipelines.publishing.workbook.model import (
    LONG_MATRIX_MART,
    NATIONAL_MART,
    VALUE_SUFFIX,
    ModelDoc,
    SheetColumn,
    excel_text,
    is_machine_column,
    sort_rows,
)

PROVINCE_NAME = "province_name"


def national_target_texts(national: pl.DataFrame | None) -> dict[str, str]:
    """Indicator code → its national targets, one line per source document, in date order:
    "569/QĐ-TTg: 1,2–1,5% GRDP (2025); 1,5–2% GRDP (2030)". Reads `target_text_vi` of the mart
    dim_national_target, so the national row reads exactly like the provincial cells."""
    if national is None or national.is_empty() or "target_text_vi" not in national.columns:
        return {}
    order = [
        c for c in ("indicator_code", "issue_date", "source_doc", "target_year") if c in national.columns
    ]
    lines: dict[str, dict[str, list[str]]] = {}
    for row in national.sort(order, nulls_last=True).iter_rows(named=True):
        source = row.get("source_doc") or ""
        lines.setdefault(row["indicator_code"], {}).setdefault(source, []).append(row["target_text_vi"] or "")
    return {
        code: "\n".join(
            f"{source}: {'; '.join(texts)}" if source else "; ".join(texts)
            for source, texts in by_source.items()
        )
        for code, by_source in lines.items()
    }


def national_texts_of(tables: Mapping[str, pl.DataFrame]) -> dict[str, str]:
    """`national_target_texts` of the national-targets mart, when the build has it."""
    return national_target_texts(tables.get(NATIONAL_MART))


def matrix_evidence(tables: Mapping[str, pl.DataFrame]) -> dict[tuple[str, str], str]:
    """(province key, indicator) → the quotes behind a matrix cell, for the cell's comment."""
    matrix = tables.get(LONG_MATRIX_MART)
    needed = {"province_key", "indicator_code", "status", "is_newest", "quote"}
    if matrix is None or not needed <= set(matrix.columns):
        return {}
    notes: dict[tuple[str, str], list[str]] = {}
    stated = matrix.filter((pl.col("status") == "stated") & pl.col("is_newest"))
    for row in stated.iter_rows(named=True):
        where = ", ".join(
            part
            for part in (
                f"năm {row['target_year']}" if row.get("target_year") is not None else "",
                f"kế hoạch {row['doc_number']}" if row.get("doc_number") else "",
                f"mục {row['section']}" if row.get("section") else "",
            )
            if part
        )
        quote = f"“{row['quote'] or ''}”"
        notes.setdefault((row["province_key"], row["indicator_code"]), []).append(
            f"{where}:\n{quote}" if where else quote
        )
    return {key: excel_text("\n\n".join(texts)) for key, texts in notes.items()}


def matrix_values(tables: Mapping[str, pl.DataFrame]) -> dict[tuple[str, str], float]:
    """(province key, indicator) → the number beside the cell: the upper value of the newest plan's
    target (the lower one when only that is stated), so the sheet can be sorted by value. Empty for
    "not stated" and for qualitative targets: never a 0 that nobody committed to."""
    matrix = tables.get(LONG_MATRIX_MART)
    needed = {"province_key", "indicator_code", "status", "is_newest", "value_min", "value_max"}
    if matrix is None or not needed <= set(matrix.columns):
        return {}
    stated = matrix.filter((pl.col("status") == "stated") & pl.col("is_newest"))
    values: dict[tuple[str, str], float] = {}
    for row in stated.sort("target_year", nulls_last=True).iter_rows(named=True):
        value = row["value_max"] if row["value_max"] is not None else row["value_min"]
        key = (row["province_key"], row["indicator_code"])
        if value is not None and key not in values:
            values[key] = float(value)
    return values


def matrix_layout(
    frame: pl.DataFrame, doc: ModelDoc, catalog: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], list[str], list[SheetColumn]]:
    """(identity columns a person reads, indicator columns, machine columns) of the wide matrix.
    The province name comes first (it is the frozen column), then the 2025 unit, then per
    indicator its text and its number, then the codes and keys."""
    indicators = [c for c in frame.columns if c in catalog] or [
        c for c in frame.columns if c not in doc.columns
    ]
    identity = [c for c in frame.columns if c not in indicators and not is_machine_column(c)]
    identity.sort(key=lambda c: c != PROVINCE_NAME)
    machine = [
        SheetColumn(c, doc.label(c), doc.meaning(c), True)
        for c in frame.columns
        if c not in indicators and is_machine_column(c)
    ]
    return identity, indicators, machine


def matrix_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The wide matrix rows in Vietnamese alphabetical order of province names."""
    return sort_rows(frame, "")


def value_column(indicator: str) -> str:
    """Machine name of the numeric column beside an indicator's text column."""
    return f"{indicator}{VALUE_SUFFIX}"
