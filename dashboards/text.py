"""Text a person reads: escaping, Vietnamese numbers and targets, local time, labels.

Everything here is written once and used by every page and chart, so the same target reads the
same way everywhere. Alphabetical order and Vietnam's time zone are the project's own
(pipelines.text.vietnamese), shared with the workbook.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from typing import Any

from pipelines.text.vietnamese import VN_TZ, load_labels

# The project's labels of codes (labels_vi.csv, read as the workbook reads it), so a code reads the
# same everywhere.
LABELS = load_labels()


def seed_pairs(vocabulary: str) -> dict[str, tuple[str, str]]:
    """Code -> (Vietnamese, English) of one vocabulary of the labels seed."""
    return LABELS.pairs(vocabulary)


# ---------------------------------------------------------------- vocabulary (one word per idea)

TARGET_TYPE = seed_pairs("target_type")  # code: (Vietnamese, English)
ISSUER_LEVEL = {code: vi for code, (vi, _) in seed_pairs("issuer_level").items()}  # who issued a plan
CITATION_TIER = {code: vi for code, (vi, _) in seed_pairs("citation_tier").items()}  # of a cited document
FLAGS = {code: vi for code, (vi, _) in seed_pairs("flags").items()}
# The comparison with the national target: the seed labels the verdicts of the marts; the two that
# only the dashboards reach (national.context: a national target of another year or kind) are here.
COMPARISON_COLOURS = {
    "above": "#2e7d32",
    "within": "#1f6fb2",
    "below": "#c62828",
    "other_year": "#7b8794",
    "other_kind": "#7b8794",
    "no_national_target": "#7b8794",
}
DASHBOARD_VERDICTS = {
    "other_year": ("chỉ tiêu quốc gia khác năm (để tham khảo)", "national target for another year"),
    "other_kind": ("chỉ tiêu quốc gia khác loại (để tham khảo)", "national target of another kind"),
}
COMPARISON = {  # code: (Vietnamese, English, colour)
    code: (*(seed_pairs("national_comparison") | DASHBOARD_VERDICTS)[code], colour)
    for code, colour in COMPARISON_COLOURS.items()
}
REVIEW = {  # review_status code: (Vietnamese, English)
    "checked": ("đã kiểm tra", "checked"),
    "needs_review": ("cần kiểm tra", "needs review"),
}
# The review loop's statuses (fct_indicator_target.review_status): a person verified, corrected or
# added the target; 'auto' (accepted by rule) and 'needs_review' still await a person.
CHECKED = frozenset({"verified", "corrected", "added", "checked"})


def review_state(status: str | None) -> str | None:
    """'checked' / 'needs_review' for a review status, None where the marts carry none."""
    if not status:
        return None
    return "checked" if status in CHECKED else "needs_review"


BOUND_SIGN = {"ge": "≥ ", "gt": "> ", "le": "≤ ", "lt": "< ", "approx": "≈ "}

# ---------------------------------------------------------------- escaping and wrapping


def esc(value: Any) -> str:
    """HTML-escaped text ('' for None); plotly and browsers both show it as the original text."""
    return "" if value is None else html.escape(str(value), quote=True)


def wrap(value: Any, width: int = 80) -> str:
    """Escaped text broken into <br>-separated lines for hover boxes."""
    if value is None:
        return ""
    return "<br>".join(esc(line) for line in textwrap.wrap(str(value), width) or [""])


def short(value: Any, width: int = 48) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------- numbers and targets


def fmt_num(value: float | None, digits: int = 4) -> str:
    """Vietnamese number format: 45.000; 1,5; 1.755,8 (dot for thousands, comma for decimals)."""
    if value is None:
        return ""
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def value_text(row: dict[str, Any]) -> str:
    """A target's value without its year: '1,2–1,5% GRDP', '≥ +2 doanh nghiệp', '×1,5 lần'.

    The mart's `value_text_vi` (computed once in dbt, macros/vietnamese.sql) wins when it is
    there (fct_indicator_target, the ranking, the national targets); otherwise this formatter,
    which writes exactly what that macro writes (tests/test_dashboards.py compares the two). The
    matrix and comparison marts do not carry the column yet, so their targets go through here.
    The caller shows the year.
    """
    if row.get("value_text_vi"):
        return str(row["value_text_vi"])
    low, high, bound, unit = (
        row.get("value_min"),
        row.get("value_max"),
        row.get("bound"),
        row.get("unit") or "",
    )
    if row.get("qualitative") or (low is None and high is None):
        return "định tính" + (f": {row['label']}" if row.get("label") else "")
    low, high = (low if low is not None else high), (high if high is not None else low)
    number = fmt_num(low) if low == high else f"{fmt_num(low)}–{fmt_num(high)}"
    prefix = {"increase_by": "+", "multiply_by": "×"}.get(row.get("target_type") or "", "")
    suffix = unit if unit.startswith("%") or not unit else f" {unit}"
    return f"{BOUND_SIGN.get(bound or '', '')}{prefix}{number}{suffix}"


def national_value_text(row: dict[str, Any]) -> str:
    """A national target (seed row) in the same words as a provincial one."""
    return value_text(
        {
            "value_text_vi": row.get("value_text_vi"),
            "value_min": row.get("value_min"),
            "value_max": row.get("value_max"),
            "bound": row.get("bound"),
            "target_type": row.get("target_type"),
            "unit": row.get("unit"),
        }
    )


def money_range(low: float | None, high: float | None) -> str:
    """'1.234,5' or '1.234,5–2.000' (billion VND, one decimal): a range only where the two differ
    as shown."""
    low_text, high_text = fmt_num(low, 1), fmt_num(high, 1)
    return low_text if low_text == high_text or not high_text else f"{low_text}–{high_text}"


def hover(*lines: Any) -> str:
    return "<br>".join(str(line) for line in lines if line)


def period_text(start: Any, end: Any, horizon: Any = None) -> str:
    """'2021–2025', or '2021–2025 (tầm nhìn 2030)' when the plan looks further ahead."""
    period = f"{start or ''}–{end or ''}".strip("–")
    return f"{period} (tầm nhìn {horizon})" if horizon and horizon != end else period


# ---------------------------------------------------------------- time


def local_time(moment: dt.datetime) -> str:
    """'01/12/2026 18:13 (giờ Việt Nam)': every time shown is Asia/Ho_Chi_Minh."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return f"{aware.astimezone(VN_TZ):%d/%m/%Y %H:%M} (giờ Việt Nam)"
