"""Text a person reads: escaping, Vietnamese numbers and targets, local time, labels.

Everything here is written once and used by every page and chart, so the same target reads the
same way everywhere. Alphabetical order and Vietnam's time zone are the project's own
(pipelines.text.vietnamese), shared with the workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import textwrap
from pathlib import Path
from typing import Any

from pipelines.settings import seed
from pipelines.text.vietnamese import VN_TZ

# The project's labels of codes (the workbook reads the same file), so a code reads the same
# everywhere; the defaults below only cover codes the seed does not (yet) have.
LABELS_SEED = seed("labels_vi")


def seed_labels(path: Path = LABELS_SEED) -> dict[tuple[str, str], tuple[str, str]]:
    """(vocabulary, code) -> (Vietnamese, English) from the labels seed; empty when it is missing."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {
            (r["vocabulary"], r["code"]): (r["label_vi"], r.get("label_en") or r["label_vi"])
            for r in csv.DictReader(handle)
        }


def with_seed(vocabulary: str, defaults: dict) -> dict:
    """The defaults, with the seed's words for every code the seed labels."""
    seed = {code: pair for (vocab, code), pair in SEED.items() if vocab == vocabulary}
    merged = dict(defaults)
    for code, (vi, en) in seed.items():
        old = defaults.get(code)
        if isinstance(old, tuple):
            merged[code] = (vi, en, *old[2:])
        elif old is not None or vocabulary in ("issuer_level", "flags"):
            merged[code] = vi
    return merged


SEED = seed_labels()

# ---------------------------------------------------------------- vocabulary (one word per idea)

TARGET_TYPE = {  # code: (Vietnamese, English)
    "level": ("Mức cần đạt", "Level to reach"),
    "increase_by": ("Tăng thêm so với kỳ gốc", "Increase by"),
    "multiply_by": ("Gấp số lần so với kỳ gốc", "Multiply by"),
    "annual_growth_pct": ("Tăng trưởng bình quân mỗi năm", "Annual growth"),
}
ISSUER_LEVEL = {
    "national": "Chính phủ, Thủ tướng, Quốc hội",
    "ministry": "Bộ, ngành Trung ương",
    "party_central": "Trung ương Đảng",
    "province": "UBND, HĐND tỉnh",
    "party_province": "Tỉnh ủy",
    "department": "Sở",
    "party": "Cơ quan Đảng",
}
COMPARISON = {  # code: (Vietnamese, English, colour)
    "above": ("cao hơn chỉ tiêu quốc gia", "above the national target", "#2e7d32"),
    "within": ("trong khoảng chỉ tiêu quốc gia", "within the national target", "#1f6fb2"),
    "below": ("thấp hơn chỉ tiêu quốc gia", "below the national target", "#c62828"),
    "other_year": (
        "chỉ tiêu quốc gia khác năm (để tham khảo)",
        "national target for another year",
        "#7b8794",
    ),
    "other_kind": (
        "chỉ tiêu quốc gia khác loại (để tham khảo)",
        "national target of another kind",
        "#7b8794",
    ),
    "no_national_target": ("không có chỉ tiêu quốc gia để so sánh", "no national target", "#7b8794"),
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


FLAGS = {
    "no_header": "không có phần đầu văn bản",
    "doc_number_blank": "số hiệu để trống",
    "issue_day_blank": "ngày ban hành để trống",
    "period_not_stated": "không nêu giai đoạn",
    "period_from_goals": "giai đoạn suy ra từ mục tiêu",
    "indicators_in_missing_appendix": "chỉ tiêu nằm ở phụ lục không có trong tệp",
    "read_with_conversion": "đọc qua chuyển mã phông chữ",
}
TARGET_TYPE = with_seed("target_type", TARGET_TYPE)
ISSUER_LEVEL = with_seed("issuer_level", ISSUER_LEVEL)
FLAGS = with_seed("flags", FLAGS)
COMPARISON = with_seed("national_comparison", COMPARISON)
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
    there; otherwise this formatter, which writes exactly what that macro writes (marts built
    before the column existed, or a mart that does not carry it). The caller shows the year.
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
