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


# Letters that IGNORECASE matches to a letter of a number word but that lower() leaves alone or
# turns into two characters: dotless ı and long ſ (i, s), and İ (lower() gives "i" + a dot).
_CASE_ODDITIES = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0130": "i"})


def number_word_key(matched: str) -> str:
    """The dictionary key of a number word matched case-insensitively ("HAİ", "ſáu" -> "hai", "sáu").

    A pattern with IGNORECASE matches these letters, `str.lower` alone does not give the key back,
    so the key is folded the way the match was made; a word without them is only lower-cased.
    """
    return matched.translate(_CASE_ODDITIES).lower()


_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def parse_number(token: str) -> float:
    """Value of one Vietnamese number token.

    >>> parse_number("1,5"), parse_number("45.000"), parse_number("02"), parse_number("1.234,5")
    (1.5, 45000.0, 2.0, 1234.5)
    """
    token = token.strip()
    if _DOTTED.fullmatch(token):
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
        # "25 doanh nghiệp", "2,5 lần": a value followed by its unit word
        unit_word = re.match(
            rf"^((?:từ\s+)?{NUMBER}(?:\s*[-–÷]\s*{NUMBER})?\s*%?)\s+[^\W\d][^\d]{{0,30}}$", cleaned
        )
        values = parse_range(unit_word.group(1)) if unit_word else None
    if values is None:
        return None
    low, high = values
    if bound is None:
        bound = "range" if low != high else "eq"
    return low, high, bound


# --------------------------------------------------------------------------- numbers in words

_DIGIT_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
# Forms that only exist inside a compound: "hai mươi mốt", "mười lăm", "ba mươi tư".
_AFTER_TENS = {"mốt": 1, "lăm": 5, "nhăm": 5, "tư": 4}
_SCALES = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
# Every word a number in words is made of (a compound needs two of them).
NUMBER_WORD_FORMS = (
    "một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|mười|mươi|mốt|lăm|nhăm|tư|trăm|linh|lẻ|nghìn|ngàn|triệu"
).split("|")
_NUMBER_WORD_TOKEN = re.compile(r"(?i)\b(?:" + "|".join(NUMBER_WORD_FORMS) + r")\b")


def read_number_words(text: str, start: int = 0) -> tuple[float, int, int] | None:
    """A compound number in words at `start` or later: (value, start, end), or None.

    Only compounds are read here ("mười lăm" 15, "ba mươi" 30, "một trăm hai mươi" 120,
    "hai mươi mốt" 21, "năm mươi" 50): a single word is ambiguous ("một số", "năm 2025")
    and is read only where a bound word or a unit noun makes it a count (see mentions).
    """
    for match in _NUMBER_WORD_TOKEN.finditer(text, start):
        parsed = _compound_at(text, match.start())
        if parsed is not None:
            return parsed
    return None


_GAP = re.compile(r"[ \t]+")


def _tokens_at(text: str, position: int) -> list[tuple[str, int, int]]:
    tokens: list[tuple[str, int, int]] = []
    while True:
        match = _NUMBER_WORD_TOKEN.match(text, position)
        if not match:
            return tokens
        tokens.append((number_word_key(match.group(0)), match.start(), match.end()))
        gap = _GAP.match(text, match.end())
        if not gap:
            return tokens
        position = gap.end()


def _compound_at(text: str, position: int) -> tuple[float, int, int] | None:
    tokens = _tokens_at(text, position)
    best: tuple[float, int] | None = None
    for length in range(len(tokens), 1, -1):
        value = words_value([t for t, _, _ in tokens[:length]])
        if value is not None:
            best = (value, length)
            break
    if best is None:
        return None
    return float(best[0]), tokens[0][1], tokens[best[1] - 1][2]


def words_value(words: list[str]) -> int | None:
    """Value of a sequence of number words, or None if it is not a well-formed compound."""
    total, group, pending, previous = 0, 0, None, ""
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        five_years = (
            word == "năm" and following not in {"mươi", "trăm", *_SCALES} and previous not in {"linh", "lẻ"}
        )
        if word in _DIGIT_WORDS and not five_years:
            if word == "năm" and previous in {"mười", "mươi"}:
                return None
            if pending is not None:
                return None
            pending = _DIGIT_WORDS[word]
        elif word in _AFTER_TENS:
            tens_before = previous in {"mươi", "mười"} or (word == "tư" and previous in {"linh", "lẻ"})
            if pending is not None or not tens_before:
                return None
            pending = _AFTER_TENS[word]
        elif word == "mười" and pending is None and group % 100 == 0:
            group += 10
        elif word == "mươi" and pending is not None and pending > 1:
            group, pending = group + pending * 10, None
        elif word == "trăm" and pending is not None and group == 0:
            group, pending = pending * 100, None
        elif word in {"linh", "lẻ"} and previous == "trăm":
            pass
        elif word in _SCALES and (pending is not None or group):
            total, group, pending = total + (group + (pending or 0)) * _SCALES[word], 0, None
        else:
            return None
        previous = word
    if previous in {"linh", "lẻ"}:
        return None
    return total + group + (pending or 0)


# "một nửa" (half), "một phần tư" (a quarter), "hai phần ba": a share of a whole.
_FRACTION_WORDS = re.compile(
    r"(?i)\b(?P<num>một|hai|ba|bốn)\s+(?:nửa\b|phần\s+(?P<den>hai|ba|tư|bốn|năm|mười)\b)"
)


def read_fraction_words(text: str) -> list[tuple[float, int, int]]:
    """Shares written in words, as percentages: "một nửa" 50, "một phần tư" 25, "hai phần ba" 66.67."""
    found = []
    denominators = {"hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "mười": 10}
    for match in _FRACTION_WORDS.finditer(text):
        numerator = _DIGIT_WORDS[number_word_key(match.group("num"))]
        denominator = denominators[number_word_key(match.group("den"))] if match.group("den") else 2
        if numerator < denominator:
            found.append((round(100 * numerator / denominator, 2), match.start(), match.end()))
    return found
