"""Stage 5, attributes: unit, bound, target type, year, baseline and components of a target.

All functions read a bounded window after or before the number (at most a few hundred
characters), so the cost per number does not grow with the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.targets.cues import UNIT_RE
from pipelines.targets.model import Mention
from pipelines.text.numerals import NUMBER, as_int_if_whole, parse_number

WINDOW = 300

_PER_POPULATION = re.compile(
    r"^\s*(?P<unit>người\s*(?:/|trên|trong)\s*(?:một\s+vạn|1\s*vạn|10\.000|vạn)\s+dân)", re.IGNORECASE
)
SHARE_OF_GRDP = re.compile(r"\b(?:trong|so voi|tren|cua)\s+(?:tong\s+)?(?:grdp|gdp)\b|/\s*grdp")


def unit_after(tail: str) -> tuple[str | None, int, bool]:
    """Unit right after a number: ("%/năm", consumed chars, is_growth_per_year) etc."""
    match = re.match(r"^\s?%\s*/\s*năm", tail)
    if match:
        return "%/năm", match.end(), True
    match = re.match(r"^\s?%(?:\s*(?P<base>GRDP|GDP))?", tail)
    if match:
        return ("% GRDP" if match.group("base") else "%"), match.end(), False
    match = re.match(r"^\s*lần\b", tail)
    if match:
        return "lần", match.end(), False
    match = re.match(r"^\s*phần\s+trăm\b", tail, re.IGNORECASE)
    if match:  # "đạt 100 phần trăm"
        return "%", match.end(), False
    match = _PER_POPULATION.match(tail)
    if match:
        return "người/10.000 dân", match.end(), False
    match = UNIT_RE.match(tail)
    if match:
        unit = match.group("unit").lower()
        per_year = re.match(r"^\s*/\s*năm", tail[match.end() :])
        if per_year:
            return f"{unit}/năm", match.end() + per_year.end(), False
        return unit, match.end(), False
    return None, 0, False


def value_unit(line: str, m: Mention) -> tuple[str | None, int, bool]:
    """Unit of a value and where the value ends: "%" / "%/năm" / "% GRDP" win over a noun after them."""
    after = line[m.end : m.end + WINDOW]
    if m.unit is not None and m.unit != "%":
        return m.unit, m.end, False
    raw = line[m.start : m.end]
    if raw.rstrip().endswith("%") or m.unit == "%" or (m.is_range and re.match(r"^\s?%", after)):
        has_percent = raw.rstrip().endswith("%") or m.unit == "%"
        percent = 0 if has_percent else re.match(r"^\s?%", after).end()
        per_year = re.match(r"^\s*/\s*năm\b", after[percent:])
        if per_year:
            return "%/năm", m.end + percent + per_year.end(), True
        base = re.match(r"^\s*(?:GRDP|GDP)\b", after[percent:])
        if base:
            return "% GRDP", m.end + percent + base.end(), False
        return "%", m.end + percent, False
    markup = re.match(r"^[*_]{1,3}(?=\s)", after)  # "**40** dự án": bold or italic around the number
    skip = markup.end() if markup else 0
    unit, length, per_year = unit_after(after[skip:])
    return unit, m.end + (skip + length if unit else 0), per_year


# A counted noun the unit list does not know ("không dưới 60 gian hàng", "hình thành 01 sàn …") is read
# only right after a bound word or a verb that governs a count; never a function word or a name.
_GOVERNED = re.compile(
    r"(?:\b(?:khong duoi|toi thieu|it nhat|khong it hon|khong thap hon|tren|hon|khoang|them)\s*$)"
)
_NOT_A_NOUN = frozenset(
    "trong của và với cho là các những được đã sẽ đến tới từ so trên dưới tại theo về hoặc nhằm để mà thì "
    "năm tháng quý tuần giờ phút lần trở này đó nào mỗi cùng".split()
)


def counted_noun(text: str, value_end: int, prefix_folded: str, prefix_written: str) -> str | None:
    """The word after a number as its unit, when a bound word or a count-governing verb precedes it."""
    from pipelines.targets.cues import ACTION_CUES

    near_folded, near_written = prefix_folded[-40:], prefix_written[-40:]
    action = next(
        (m for m in ACTION_CUES.finditer(near_folded, near_written) if not near_folded[m.end() :].strip()),
        None,
    )
    per_unit = re.search(r"\bmoi\b", near_folded) and re.search(r"\bco\s*$", near_folded)
    if not (_GOVERNED.search(near_folded) or action or per_unit):
        return None  # "mỗi xã có 01 tổ …": a per-unit minimum
    word = re.match(r"[ \t]+([a-zà-ỹđ]+)\b(?![/\d])", text[value_end : value_end + 30])
    if not word or word.group(1) in _NOT_A_NOUN:
        return None
    return word.group(1)


_YEARLY = re.compile(r"(?<!\w)(?:hằng|hàng|mỗi)\s+năm(?!\w)", re.IGNORECASE)
_EACH = re.compile(r"(?<!\w)mỗi\s+(?P<noun>[^\W\d]+(?:\s+[^\W\d]+){0,3})", re.IGNORECASE)
_LEVEL_OF = re.compile(r"\bcấp\s+(?P<level>huyện|xã|tỉnh)\b", re.IGNORECASE)


def unit_per(unit: str | None, written_before: str, written_after: str) -> str | None:
    """A count per year or per unit: "hằng năm tổ chức 02 cuộc thi" → "cuộc thi/năm", "mỗi huyện bố trí
    01 công chức" → "công chức/huyện" ("mỗi năm" and "hằng năm" after the phrase count too)."""
    if unit is None or "/" in unit or unit.startswith("%") or unit in {"lần", "hạng", "bậc"}:
        return unit
    each = next(reversed(list(_EACH.finditer(written_before))), None)
    if each is not None and not each.group("noun").lower().startswith("năm"):
        noun = each.group("noun")
        level = _LEVEL_OF.search(noun)
        known = UNIT_RE.match(noun)
        per = level.group("level") if level else (known.group("unit") if known else noun.split()[0])
        return f"{unit}/{per.lower()}"
    if _YEARLY.search(written_before) or _YEARLY.search(written_after):
        return f"{unit}/năm"
    return unit


_BOUNDS = (
    (
        "ge",
        re.compile(r"\b(?:khong duoi|toi thieu(?: la)?|it nhat(?: la)?|khong thap hon|khong it hon)\s*$"),
    ),
    ("le", re.compile(r"\b(?:khong qua|toi da(?: la)?|khong vuot qua|khong cao hon|khong nhieu hon)\s*$")),
    ("lt", re.compile(r"\b(?:duoi|thap hon|it hon)\s*$")),
    ("gt", re.compile(r"\b(?:tren|hon|vuot|cao hon|nhieu hon)\s*$")),
    ("approx", re.compile(r"\b(?:khoang|xap xi|gan|du kien|chung)\s*$")),
)


def bound(prefix_folded: str, is_range: bool, tail_folded: str, raw_prefix: str | None = None) -> str:
    """eq / ge / le / lt / gt / approx / range from the words right before (or "trở lên" after).
    "từ 5" (from 5) is read on the text with diacritics: folded, it is the "tư" of "đầu tư"."""
    if is_range:
        return "range"
    if re.match(r"^\s*tro len\b", tail_folded):
        return "ge"
    if raw_prefix is None and re.search(r"\btu\s*$", prefix_folded[-30:]):
        return "ge"  # no text with diacritics given: the folded reading
    if raw_prefix is not None and re.search(r"(?<!\w)từ\s*$", raw_prefix[-10:], re.IGNORECASE):
        return "ge"
    for name, pattern in _BOUNDS:
        if pattern.search(prefix_folded[-30:]):
            return name
    return "eq"


# Words whose folded form collides with a cue of bound or type: only the written form on the right is the
# cue ("năng lực" is not "nâng", "giám đốc" not "giảm", "đất" not "đạt", "gắn" not "gần").
_FALSE_FRIENDS = {
    "nang": "nâng",
    "giam": "giảm",
    "dat": "đạt",
    "tang": "tăng",
    "gap": "gấp",
    "len": "lên",
    "con": "còn",
    "gan": "gần",
    "hon": "hơn",
    "duoi": "dưới",
    "tren": "trên",
}
_WORD = re.compile(r"\w+")


def disambiguate(folded: str, written: str) -> str:
    """`folded` with the words that only look like a cue once folded blanked out (same length)."""
    if len(folded) != len(written):
        return folded
    pieces, last = [], 0
    for match in _WORD.finditer(folded):
        cue = _FALSE_FRIENDS.get(match.group(0))
        as_written = written[match.start() : match.end()].lower()
        if cue and as_written != cue and not as_written.isascii():
            pieces += [folded[last : match.start()], "_" * len(match.group(0))]
            last = match.end()
    return "".join(pieces) + folded[last:]


def target_type(prefix_folded: str, unit: str | None, per_year: bool, after_folded: str = "") -> str:
    """level, increase_by, multiply_by or annual_growth_pct, from the verb before the number (and a
    comparison after it: "tăng … lên 30% so với năm 2024" is a rise of 30%, not a level of 30%)."""
    near = prefix_folded[-40:]
    if (
        (unit or "").startswith("%")
        and re.search(r"\btang\b", prefix_folded[-80:])
        and re.match(r"^\s*so voi\b", after_folded)
    ):
        return "increase_by"
    increase = re.search(r"\b(?:tang|tang them|them|nang|gap)\b(?!.*\b(?:dat|len|chiem)\b)", near)
    if unit == "lần" and (increase or re.search(r"\bgap\b", near)):
        return "multiply_by"
    if per_year or (
        unit == "%" and re.search(r"\b(?:binh quan|trung binh)\b[^,;]{0,20}$", near) and increase
    ):
        return "annual_growth_pct"
    if re.search(r"\b(?:xuong con|xuong|con|xuong muc|len muc)\s*$", near):
        return "level"  # "giảm xuống còn 15 ngày", "nâng lên mức 30": the level reached
    if re.search(r"\bgiam\b(?!.*\bdat\b)", near):
        return "increase_by"
    if increase and not re.search(r"\b(?:dat|len)\s*$", near):
        return "increase_by"
    return "level"


YEAR_MENTION = re.compile(
    r"(?:\b(?:den|toi|vao|trong|nam|cuoi)\s+(?:nam\s+)?|\bgiai doan\s+(?:19|20)\d{2}\s*-\s*)(?P<year>(?:19|20)\d{2})\b"
)
COMPARE_YEAR = re.compile(
    r"so voi (?:nam |cuoi nam |cung ky nam |giai doan (?:(?:19|20)\d{2}\s*-\s*)?)?(?P<year>(?:19|20)\d{2})"
)


def year_before(folded: str, position: int) -> int | None:
    """The last target year named before `position` ("đến năm 2030"), not a comparison year."""
    best = None
    for match in YEAR_MENTION.finditer(folded[:position]):
        if COMPARE_YEAR.search(folded[max(0, match.start() - 12) : match.end()]):
            continue
        best = int(match.group("year"))
    return best


_YEAR_AFTER = re.compile(
    r"^[^\d;,()]{0,30}?\b(?:vao|den|toi|trong)\s+(?:nam\s+)?(?P<year>(?:19|20)\d{2})\b|^\s*(?:vao\s+)?nam\s+(?P<bare>(?:19|20)\d{2})\b"
)


def year_after(folded_after: str) -> int | None:
    """A target year written right after the value: "đạt 20% vào năm 2027", "30 doanh nghiệp đến năm 2030"."""
    match = _YEAR_AFTER.match(folded_after)
    if not match:
        return None
    return int(match.group("year") or match.group("bare"))


# "(năm 2024: 35 hồ sơ)", "(năm 2024 đã kiểm định 11.530)": the past value a target is set against.
_PAREN_BASELINE = re.compile(
    rf"^[^()]{{0,60}}?\(\s*(?:năm|so với năm|cùng kỳ năm|giai đoạn\s+(?:19|20)\d{{2}}\s*[-–]\s*)\s*(?P<year>(?:19|20)\d{{2}})[^()\d]{{0,40}}?(?P<value>{NUMBER})[^()]*\)",
    re.IGNORECASE,
)
# "…, tăng 3 nhiệm vụ so với năm 2024" right after a level: the change, not another target.
_DELTA_AFTER = re.compile(
    rf"^[^,;()\d]{{0,80}}?,?\s*(?P<verb>tăng|giảm)\s+(?:thêm\s+)?(?P<delta>{NUMBER})(?![\d%])[^,;.()]{{0,30}}?\bso với\s+(?:năm\s+)?(?P<year>(?:19|20)\d{{2}})",
    re.IGNORECASE,
)


def trailing_baseline(
    line: str, value_end: int, phrase_end: int, clause_end: int, value: float, kind: str
) -> tuple[float, int, int] | None:
    """A past value written right after a target: "(năm 2024: 35 hồ sơ)", "(năm 2024 đạt 26)", or a level
    followed by its change ", tăng 3 nhiệm vụ so với năm 2024" (baseline 18 − 3). Returns the baseline,
    its year and where the aside ends (its numbers are not targets)."""
    for start in (phrase_end, value_end):
        match = _PAREN_BASELINE.match(line[start : min(clause_end, start + WINDOW)])
        if match:
            return parse_number(match.group("value")), int(match.group("year")), start + match.end()
    match = _DELTA_AFTER.match(line[phrase_end : min(clause_end, phrase_end + WINDOW)])
    if match and kind == "level":
        delta = parse_number(match.group("delta"))
        baseline = value - delta if match.group("verb").lower() == "tăng" else value + delta
        return baseline, int(match.group("year")), phrase_end + match.end()
    return None


@dataclass(frozen=True)
class Rises:
    starting_values: set[int]  # positions of the "from" values
    baselines: dict[int, tuple[float, int | None]]  # position of the "to" value → (from value, its year)


_RISE = re.compile(
    rf"\btừ\s+(?P<start>{NUMBER})(?P<between>[^;]{{0,60}}?)\b(?:lên|tới)\s+(?:mức\s+)?(?P<end>{NUMBER})",
    re.IGNORECASE,
)


def rises(line: str, start: int, end: int) -> Rises:
    """ "tăng từ 45 doanh nghiệp năm 2024 lên 52 doanh nghiệp": the target is 52, 45 (2024) its baseline."""
    starting: set[int] = set()
    baselines: dict[int, tuple[float, int | None]] = {}
    for match in _RISE.finditer(line, start, end):
        year = re.search(r"\bnăm\s+((?:19|20)\d{2})\b", match.group("between"))
        starting.add(match.start("start"))
        baselines[match.start("end")] = (
            parse_number(match.group("start")),
            int(year.group(1)) if year else None,
        )
    return Rises(starting, baselines)


def components(line: str, position: int) -> tuple[list[dict] | None, int]:
    """ "33 (trong đó 32 nhãn hiệu tập thể, 01 chỉ dẫn địa lý)": the parts of one target."""
    match = re.match(
        r"^\s*\(\s*(?:trong đó|gồm|bao gồm)\s*:?\s*(?P<body>[^()]*)\)",
        line[position : position + WINDOW],
        re.IGNORECASE,
    )
    if not match:
        return None, position
    parts = []
    for part in re.split(r"[,;]|\bvà\b", match.group("body")):
        number = re.match(rf"^\s*(?P<n>{NUMBER})\s+(?P<label>.+?)\s*$", part)
        if number:
            parts.append(
                {"label": number.group("label"), "value": as_int_if_whole(parse_number(number.group("n")))}
            )
    return (parts or None), position + match.end()


_SPLIT = re.compile(r"^\s*,?\s*trong đó\s*(?:có\s*)?:?\s*", re.IGNORECASE)


def inline_components(
    text: str, position: int, clause_end: int, unit: str | None, total: float
) -> tuple[list[dict] | None, int]:
    """ "30 nhiệm vụ, trong đó 12 nhiệm vụ mở mới và 18 nhiệm vụ chuyển tiếp": a split of the same unit
    that adds up to the total is one target with components (a single subset, or a share in another
    unit, stays a target of its own)."""
    lead = _SPLIT.match(text[position : min(clause_end, position + WINDOW)])
    if lead is None or unit is None:
        return None, position
    start = position + lead.end()
    body = text[start : min(clause_end, start + WINDOW)]
    parts, end = [], start
    for piece in re.finditer(r"[^,]+?(?=\s+và\s+|,|$)", body):
        number = re.match(
            rf"^\s*(?:và\s+)?(?P<n>{NUMBER})\s+(?P<label>{re.escape(unit)}\b.*?)\s*$", piece.group(0)
        )
        if not number:
            break
        parts.append(
            {"label": number.group("label"), "value": as_int_if_whole(parse_number(number.group("n")))}
        )
        end = start + piece.end()
    if len(parts) < 2 or abs(sum(float(p["value"]) for p in parts) - total) > 1e-9:
        return None, position
    return parts, end
