"""The national reference beside a provincial number, in one place for every page and chart.

Where the national target has the same indicator, type, unit and year, the province's target is
classed above / within / below it (the same rule as dbt's int_target_vs_national). Where only
another year (or another kind of target) exists, it is shown as context with its year written
out ("quốc gia 2030: …"), never coloured as a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dashboards.data import Marts
from dashboards.text import national_value_text


@dataclass(frozen=True)
class NationalContext:
    text: str  # "quốc gia 2025: 1,2–1,5 % GRDP (569/QĐ-TTg)"; '' when the catalog has none
    code: str | None  # above / within / below / other_year / other_kind / None


def national_rows(marts: Marts, indicator: str | None) -> list[dict[str, Any]]:
    """Every national target of an indicator, one per (type, unit, year): the newest document's."""
    rows = marts.national.filter(pl.col("indicator_code") == indicator)
    rows = rows.unique(["target_type", "unit", "target_year"], keep="first", maintain_order=True)
    return rows.sort("target_year").to_dicts()


def national_line(row: dict[str, Any]) -> str:
    """'quốc gia 2030: 1,5–2 % GRDP (569/QĐ-TTg)': dbt's national_text_vi when the mart has it."""
    if row.get("national_text_vi"):
        return str(row["national_text_vi"])
    return f"quốc gia {row.get('target_year')}: {national_value_text(row)} ({row.get('source_doc')})"


def compare(target: dict[str, Any], national: dict[str, Any]) -> str | None:
    """above / within / below for the same year; None for a qualitative or unbounded target."""
    if target.get("national_comparison") in ("above", "within", "below"):
        return target["national_comparison"]
    low, high = target.get("value_min"), target.get("value_max")
    if target.get("qualitative") or low is None:
        return None
    high = low if high is None else high
    n_low = None if national.get("bound") in ("le", "lt") else national.get("value_min")
    n_high = None if national.get("bound") in ("ge", "gt") else national.get("value_max")
    if n_low is not None and high < n_low:
        return "below"
    if n_high is not None and low > n_high:
        return "above"
    return "within"


def context(marts: Marts, target: dict[str, Any]) -> NationalContext:
    """The national reference for one provincial target (a matrix, comparison or target row)."""
    rows = national_rows(marts, target.get("indicator_code"))
    if not rows:
        return NationalContext("", None)
    kind = [
        r
        for r in rows
        if r["target_type"] == (target.get("target_type") or "level") and r["unit"] == target.get("unit")
    ]
    same = [r for r in kind if r["target_year"] == target.get("target_year")]
    if same:
        return NationalContext(national_line(same[0]), compare(target, same[0]))
    if kind:
        return NationalContext("; ".join(national_line(r) for r in kind), "other_year")
    text = "; ".join(national_line(r) for r in rows)
    return NationalContext(f"{text} — khác loại chỉ tiêu, không so sánh trực tiếp", "other_kind")


def indicator_reference(marts: Marts, indicator: str | None) -> str:
    """Every national target of an indicator on one line, for a national row or column."""
    return "; ".join(national_line(r) for r in national_rows(marts, indicator))
