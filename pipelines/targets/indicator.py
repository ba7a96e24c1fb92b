"""Stage 4, indicator: which catalog indicator a number measures, read on its noun phrase.

The phrase is the text before the number in its clause (the label) and the noun phrase after
it, in either order. The short reading stops at the first comma or conjunction; when it names
no catalog indicator, the whole noun phrase up to the end of the clause is read, through "và"
and commas ("10 doanh nghiệp khoa học và công nghệ", "sản phẩm nông nghiệp chủ lực, sản phẩm
OCOP được hỗ trợ …"), but never past the next number. The catalog (data) decides the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.targets.catalog import OTHER, Catalog, fold_phrase
from pipelines.targets.vocab import VOCAB
from pipelines.text.normalize import fold_diacritics

ACTIVITY_NOUNS = frozenset(p.lower() for p in VOCAB.literal("activity_noun"))
DURATION_UNITS = frozenset(p.lower() for p in VOCAB.literal("duration_unit"))

_SHORT_END = re.compile(r"[,;:.()]|\s(?:và|hoặc|để|nhằm|trong đó|với|theo|so với|phấn đấu)\s")
# Where a noun phrase certainly ends: punctuation that closes a clause, or a word that opens a new one.
_PHRASE_BREAK = re.compile(
    r"[;:.()]|\s(?:hoặc|để|nhằm|trong đó|với|theo|so với|phấn đấu|đồng thời|góp phần|qua đó)\s|\d"
)
NOUN_PHRASE_LIMIT = 160

_BOUND_WORDS = re.compile(
    r"\s*\b(?:khong duoi|toi thieu|it nhat|khong thap hon|khong it hon|khong qua|toi da|khong vuot qua|tren|"
    r"duoi|hon|khoang|xap xi|gan|dat|tang|tang them|tang trung binh|tang binh quan|binh quan|trung binh|gap|"
    r"chiem|la|o muc|len|muc|phan dau|dat muc|bang|tu|voi|co|tro len)\s*$"
)
_LEAD = re.compile(
    r"^[\s,:\-–+•*]*(?:(?:và|hoặc|trong đó|đồng thời|phấn đấu|đến năm \d{4}|năm \d{4}|giai đoạn [\d\s\-–]+)[\s,:]*)*",
    re.IGNORECASE,
)
_NOUN = re.compile(
    r"\b(?:so|ty le|muc|gia tri|nguon|chi|dau tu|nhan luc|doanh nghiep|don|nhan hieu|"
    r"san pham|to chuc|nhiem vu|de tai|mo hinh|chi so|dong gop|kinh phi|tong)\b"
)


def phrase_end(line: str, position: int) -> int:
    """End of the short phrase after a value: the next punctuation or conjunction, at most 80 chars."""
    match = _SHORT_END.search(line, position, position + 80)
    return match.start() if match else min(position + 80, len(line))


def noun_phrase_end(line: str, position: int, limit: int) -> int:
    """End of the whole noun phrase after a value: through "và" and commas, up to the clause end,
    stopping before the next number and at a word that opens a new clause."""
    stop = min(limit, position + NOUN_PHRASE_LIMIT)
    match = _PHRASE_BREAK.search(line, position, stop)
    end = match.start() if match else stop
    if match and match.group(0).isdigit():
        # a number follows: end at the last comma or "và" before it (that number has its own noun)
        cut = max(line.rfind(",", position, end), _last_and(line, position, end))
        end = cut if cut > position else end
    return len(line[:end].rstrip(" ,–-"))


def _last_and(line: str, start: int, end: int) -> int:
    found = -1
    for match in re.finditer(r"\svà\s", line[start:end]):
        found = start + match.start()
    return found


def trim_label(line: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) to the indicator phrase: no leading conjunctions, no trailing cue words."""
    lead = _LEAD.match(line[start:end])
    start += lead.end() if lead else 0
    while end > start:
        segment = line[start:end].rstrip(" ,:-–")
        end = start + len(segment)
        match = _BOUND_WORDS.search(fold_diacritics(segment))  # length-preserving, so positions agree
        if not match or match.start() == match.end():
            break
        end = start + match.start()
    return start, end


def has_noun(phrase: str) -> bool:
    """Does the label name what is counted ("Số …", "Tỷ lệ …", "doanh nghiệp …")?"""
    return bool(_NOUN.search(fold_phrase(phrase)))


@dataclass(frozen=True)
class IndicatorReading:
    code: str
    source: str  # short_phrase | noun_phrase | none
    tail_end: int  # where the phrase read after the number ends (for the quote and the label)


def read_indicator(
    catalog: Catalog,
    line: str,
    label: tuple[int, int],
    unit: str | None,
    value_end: int,
    ends: tuple[int, int],
    level: bool = True,
) -> IndicatorReading:
    """The indicator of one number: the short phrase first (label, unit, phrase after, unit again:
    some catalog patterns key on the unit closing the phrase), then the noun phrase after the number
    lengthened one "và"/comma at a time (the shortest reading that names an indicator wins, so a name
    is not overridden by a word further on). The indicator must count what the number counts."""
    short_end, noun_end = ends
    before = line[label[0] : label[1]]
    unit_text = unit or ""
    code = catalog.match(f"{before} {unit_text} {line[value_end:short_end]} {unit_text}")
    if code != OTHER:
        if not compatible(unit, catalog.unit_of(code), level):
            return IndicatorReading(OTHER, "unit_mismatch", short_end)
        extended = noun_end > short_end and _continues_noun(line, short_end)
        if extended and catalog.match(f"{before} {unit_text} {line[value_end:noun_end]} {unit_text}") == code:
            return IndicatorReading(code, "short_phrase", noun_end)
        return IndicatorReading(code, "short_phrase", short_end)
    for end in _lengthenings(line, short_end, noun_end):
        code = catalog.match(f"{before} {unit_text} {line[value_end:end]} {unit_text}")
        if code != OTHER:
            if compatible(unit, catalog.unit_of(code), level):
                return IndicatorReading(code, "noun_phrase", noun_end)
            return IndicatorReading(OTHER, "unit_mismatch", short_end)
    return IndicatorReading(OTHER, "none", short_end)


def _lengthenings(line: str, short_end: int, noun_end: int) -> list[int]:
    """Ends of the noun phrase at each "và" or comma after the short phrase, then its full end."""
    if noun_end <= short_end:
        return []
    cuts = (short_end + m.start() for m in re.finditer(r",|\svà\s", line[short_end:noun_end]))
    return [*(end for end in cuts if end > short_end), noun_end]


_MONEY_UNITS = ("tỷ đồng", "triệu đồng", "nghìn đồng", "đồng")


def compatible(unit: str | None, catalog_unit: str | None, level: bool = True) -> bool:
    """Can a number in `unit` measure an indicator whose unit is `catalog_unit`? Workshops, days or a
    platform are not enterprises or money; a share of tasks (a level in %) is not a count of tasks
    (a rise in % of a count is)."""
    if unit is None or not catalog_unit:
        return True
    unit, catalog_unit = unit.lower(), catalog_unit.lower()
    if unit in ACTIVITY_NOUNS or unit.split("/")[0] in DURATION_UNITS:
        return _same_head(unit, catalog_unit)
    money = catalog_unit.startswith(_MONEY_UNITS)
    if money:
        return unit.startswith(("%", "lần")) or unit.split("/")[0] in _MONEY_UNITS
    if unit.startswith("%") and level and not catalog_unit.startswith("%"):
        return False
    return True


def _same_head(unit: str | None, catalog_unit: str | None) -> bool:
    """The counted noun after the number is what the indicator counts ("02 hội thảo … doanh nghiệp
    khởi nghiệp" counts workshops, not start-ups): the long reading needs the same head noun."""
    if unit is None or not catalog_unit:
        return unit is None
    if unit.startswith("%") or catalog_unit.startswith("%"):
        return unit.startswith("%") and catalog_unit.startswith("%")
    return unit.split("/")[0] == catalog_unit.split("/")[0]


def _continues_noun(line: str, short_end: int) -> bool:
    """The short phrase stopped at "và"/"," inside a name ("khoa học và công nghệ")."""
    return bool(re.match(r"\s*(?:,|và\s)", line[short_end : short_end + 5]))
