"""Reading numbers the way Vietnamese administrative texts write them.

"1,5" is one and a half (decimal comma), "45.000" is forty-five thousand
(thousands dot), "02" is two (leading zero kept by convention), "1,2%-1,5%",
"10 - 12%" and "từ 5 đến 10" are ranges, and small counts are sometimes
written as words ("ít nhất một công chức").
"""

from __future__ import annotations

import re

# A number token: thousands-dotted ("45.000", "1.234,5") or plain with an optional decimal comma.
NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
NUMBER_RE = re.compile(NUMBER)

# Count words, only ever read right after a bound word ("ít nhất một"): "năm" (five)
# is left out on purpose because it is also "year".
NUMBER_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}


def parse_number(token: str) -> float:
    """Value of one Vietnamese number token.

    >>> parse_number("1,5"), parse_number("45.000"), parse_number("02"), parse_number("1.234,5")
    (1.5, 45000.0, 2.0, 1234.5)
    """
    token = token.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):
        token = token.replace(".", "")
    token = token.replace(",", ".")
    return float(token)


def as_int_if_whole(value: float | None) -> float | int | None:
    """1.0 → 1 for display; keeps real decimals."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def parse_range(text: str) -> tuple[float, float] | None:
    """A number or a range in a table cell: "12", "1,5", "10-12", "10 - 12", "từ 5 đến 10", "5 ÷ 7"."""
    cleaned = text.strip().replace("%", " ").strip()
    match = re.fullmatch(rf"(?:từ\s+)?({NUMBER})\s*(?:(?:-|–|—|÷|đến|tới)\s*({NUMBER}))?\s*", cleaned)
    if not match:
        return None
    low = parse_number(match.group(1))
    high = parse_number(match.group(2)) if match.group(2) else low
    return (low, high) if low <= high else (high, low)


_CELL_BOUNDS = (
    ("ge", r"≥|>=|tối thiểu|ít nhất|không dưới|từ\s+(?=\S+\s*$)|trên\s+hoặc\s+bằng"),
    ("le", r"≤|<=|tối đa|không quá|top|tốp|trong nhóm|nhóm"),
    ("gt", r">|trên|hơn"),
    ("lt", r"<|dưới"),
    ("approx", r"~|≈|khoảng|xấp xỉ"),
)


def parse_cell(text: str) -> tuple[float, float, str] | None:
    """A table cell read as (low, high, bound): "12", "10-12" (range), "≥ 40" (ge), ">30" (gt), "~5"."""
    cleaned = text.strip()
    bound = None
    for name, pattern in _CELL_BOUNDS:
        match = re.match(rf"^(?:{pattern})\s*", cleaned, re.IGNORECASE)
        if match:
            bound, cleaned = name, cleaned[match.end() :]
            break
    if re.search(r"\btrở lên\s*$", cleaned):
        bound, cleaned = "ge", re.sub(r"\s*trở lên\s*$", "", cleaned)
    values = parse_range(cleaned)
    if values is None:
        return None
    low, high = values
    if bound is None:
        bound = "range" if low != high else "eq"
    return low, high, bound
