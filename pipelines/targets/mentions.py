"""Stage 2, mentions: every number of a clause as written, read to a value or a range.

Digits the Vietnamese way ("1,5", "45.000", "02", "10 - 12%", "từ 5 đến 10"), counts in
words after a bound word or before a unit noun ("ít nhất hai", "hai khóa"), compound number
words anywhere ("mười lăm", "một trăm hai mươi"), multiples ("gấp đôi") and shares written
as fractions ("một nửa", "một phần tư", "2/3 số xã"). One pass per pattern over the clause.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.targets.cues import UNIT_RE
from pipelines.targets.model import Mention
from pipelines.text.numerals import (
    NUMBER,
    NUMBER_WORD_FORMS,
    NUMBER_WORDS,
    number_word_key,
    parse_number,
    read_fraction_words,
    read_number_words,
)

_VALUE = re.compile(
    rf"(?P<from>\btừ\s+)?(?P<v1>{NUMBER})(?P<p1>\s?%)?"
    rf"(?:\s*(?:-|–|—|÷|(?(from)(?:\bđến\b|\btới\b)|(?!)))\s*(?P<v2>{NUMBER})(?P<p2>\s?%)?)?"
)
_WORD_VALUE = re.compile(
    r"(?i)\b(?:ít nhất|tối thiểu|không dưới|không ít hơn|không thấp hơn|từ)\s+(?P<word>"
    + "|".join(NUMBER_WORDS)
    + r")\s+(?=[^\W\d])"
)
# A count word other than "một" (also "a"/"one") directly before a unit noun: "tổ chức hai khóa đào tạo".
_WORD_COUNT = re.compile(r"(?i)\b(?P<word>" + "|".join(w for w in NUMBER_WORDS if w != "một") + r")\s+(?=\S)")
_MULTIPLE = re.compile(r"(?i)\bgấp\s+(?P<word>đôi|rưỡi|hai|ba|bốn|năm|mười)\b(?:\s+lần\b)?")
_MULTIPLES = {"đôi": 2, "rưỡi": 1.5, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "mười": 10}
# "2/3 số xã": a share of a whole (not a date "ngày 2/3", not a rank "20/34").
_DIGIT_FRACTION = re.compile(
    r"(?<![\d/.,])(?P<num>[1-9])\s*/\s*(?P<den>[2-9]|10)(?![\d/])(?=\s+(?:số|tổng số|diện tích|dân số)\b)"
)
_DIGITS_IN_PARENS = re.compile(r"^\s*\(\s*\d")


# What each family of mentions needs somewhere in the clause, tested once on the lower-cased clause
# (without IGNORECASE, which makes every alternation slow): a digit; a count word (the bound-word,
# count, range and fraction families start with one, and a range may run it into "đến"/"tới"); two
# number words in a row (a compound); "gấp" (a multiple). Most clauses have none of them, most
# others only digits, so most of the nine passes below are skipped.
_DIGIT = re.compile(r"\d")


def _word_at_boundary(words: list[str]) -> str:
    """`\\b(?:w1|w2|…)` written so that each alternative opens with its first letter.

    `c(?<!\\wc)` is `\\bc` for a letter c; a pattern whose alternatives all open with a letter lets
    the regex engine skip to the next such letter instead of trying every position (these run on
    every line of a plan). Only for existence tests: the alternatives are grouped by first letter.
    """
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    return (
        "(?:"
        + "|".join(f"{first}(?<!\\w{first})(?:{'|'.join(rests)})" for first, rests in by_first.items())
        + ")"
    )


_COUNT_WORD = re.compile(_word_at_boundary(list(NUMBER_WORDS)) + r"(?:\b|đến|tới)")
_FORM = "(?:" + "|".join(sorted(NUMBER_WORD_FORMS, key=len, reverse=True)) + ")"
_WORD_PAIR = re.compile(_word_at_boundary(NUMBER_WORD_FORMS) + rf"\b[ \t]+{_FORM}\b")
# Letters IGNORECASE matches that lower() does not give: dotless ı and long ſ (i, s), and İ, which
# lower() turns into two characters. A clause with one of them runs every family.
_CASE_ODDITIES = re.compile("[\u0131\u017f\u0130]")


@lru_cache(maxsize=64)
def _families(text: str) -> tuple[bool, bool, bool, bool]:
    """Which families can find a mention in `text`: (digits, count words, compounds, multiples).

    Cached: a line is asked about by the document loop, by the prose stage and, when it is one
    clause, once more for its mentions.
    """
    if _CASE_ODDITIES.search(text):
        return True, True, True, True
    lowered = text.lower()
    return (
        _DIGIT.search(text) is not None,
        _COUNT_WORD.search(lowered) is not None,
        _WORD_PAIR.search(lowered) is not None,
        "gấp" in lowered,
    )


def has_number(text: str) -> bool:
    """Could `text`, or any clause of it, hold a number mention? (False: surely not.)

    Clauses are split at ";" and full stops, never inside a word, so a clause's word boundaries
    are the line's: a line without a match has no clause with one.
    """
    return any(_families(text))


def read_mentions(clause: str) -> list[Mention]:
    """Every number mention of a clause, in reading order, without overlaps.

    A family that cannot match is not run; the others run in the same order, so ties in
    `_without_overlaps` resolve as before.
    """
    digits, words, compounds, multiples = _families(clause)
    if not (digits or words or compounds or multiples):
        return []
    found = _digit_mentions(clause) if digits else []
    found += _word_range_mentions(clause) if words else []
    found += _multiple_mentions(clause) if multiples else []
    found += _fraction_mentions(clause, digits, words)
    found += _compound_word_mentions(clause) if compounds else []
    found += _single_word_mentions(clause) if words else []
    return _without_overlaps(found)


def _digit_mentions(clause: str) -> list[Mention]:
    found = []
    for match in _VALUE.finditer(clause):
        low = parse_number(match.group("v1"))
        high = parse_number(match.group("v2")) if match.group("v2") else low
        end, scale = match.end(), 1
        scaled = _SCALE.match(clause, end) if not match.group("p1") and not match.group("p2") else None
        if scaled:  # "2 nghìn lượt", "1,5 triệu lượt", "10 nghìn tỷ đồng"
            end, scale = scaled.end(), _SCALES[number_word_key(scaled.group("scale"))]
        found.append(
            Mention(
                match.start("v1"),
                end,
                min(low, high) * scale,
                max(low, high) * scale,
                bool(match.group("v2")),
            )
        )
    return found


_SCALE = re.compile(r"\s+(?P<scale>nghìn|ngàn|vạn|triệu)\b(?!\s+(?:đồng|USD|dân)\b)", re.IGNORECASE)
_SCALES = {"nghìn": 1000, "ngàn": 1000, "vạn": 10_000, "triệu": 1_000_000}
# "từ hai đến ba mô hình", "hai - ba lớp": a range written in words.
_WORD_RANGE = re.compile(
    r"(?i)(?:\btừ\s+)?\b(?P<a>"
    + "|".join(NUMBER_WORDS)
    + r")\s*(?:đến|tới|-|–)\s*(?P<b>"
    + "|".join(NUMBER_WORDS)
    + r")\b(?=\s+[^\W\d])"
)


def _word_range_mentions(clause: str) -> list[Mention]:
    found = []
    for match in _WORD_RANGE.finditer(clause):
        low, high = (
            NUMBER_WORDS[number_word_key(match.group("a"))],
            NUMBER_WORDS[number_word_key(match.group("b"))],
        )
        if low < high:
            found.append(Mention(match.start("a"), match.end("b"), low, high, True, word=True, form="words"))
    return found


def _multiple_mentions(clause: str) -> list[Mention]:
    """ "gấp đôi", "gấp ba lần": a multiple written in words (the unit is "lần")."""
    found = []
    for match in _MULTIPLE.finditer(clause):
        value = float(_MULTIPLES[number_word_key(match.group("word"))])
        found.append(
            Mention(
                match.start("word"), match.end(), value, value, False, word=True, form="multiple", unit="lần"
            )
        )
    return found


def _fraction_mentions(clause: str, digits: bool = True, words: bool = True) -> list[Mention]:
    """ "một nửa", "hai phần ba" (words) and "2/3 số xã" (digits), each only if the clause has such."""
    found = [
        Mention(start, end, value, value, False, word=True, form="fraction", unit="%")
        for value, start, end in (read_fraction_words(clause) if words else [])
    ]
    for match in _DIGIT_FRACTION.finditer(clause) if digits else ():
        numerator, denominator = int(match.group("num")), int(match.group("den"))
        if numerator < denominator:
            value = round(100 * numerator / denominator, 2)
            found.append(
                Mention(match.start(), match.end("den"), value, value, False, form="fraction", unit="%")
            )
    return found


_PERCENT_WORDS = re.compile(r"^\s+phần\s+trăm\b")


def _compound_word_mentions(clause: str) -> list[Mention]:
    """ "mười lăm", "ba mươi", "một trăm hai mươi": unless the digits follow in brackets."""
    found, position = [], 0
    while True:
        parsed = read_number_words(clause, position)
        if parsed is None:
            return found
        value, start, end = parsed
        position = end
        tail = clause[end : end + 40]
        percent = _PERCENT_WORDS.match(tail)
        if _DIGITS_IN_PARENS.match(tail[percent.end() if percent else 0 :]):
            continue  # "một trăm phần trăm (100%)": the digits are read instead
        if percent:
            found.append(
                Mention(start, end + percent.end(), value, value, False, word=True, form="words", unit="%")
            )
        else:
            found.append(Mention(start, end, value, value, False, word=True, form="words"))


def _single_word_mentions(clause: str) -> list[Mention]:
    found = []
    for match in _WORD_VALUE.finditer(clause):
        value = float(NUMBER_WORDS[number_word_key(match.group("word"))])
        found.append(
            Mention(match.start("word"), match.end("word"), value, value, False, word=True, form="words")
        )
    for match in _WORD_COUNT.finditer(clause):
        if UNIT_RE.match(clause[match.end("word") : match.end("word") + 60]):
            value = float(NUMBER_WORDS[number_word_key(match.group("word"))])
            found.append(
                Mention(match.start("word"), match.end("word"), value, value, False, word=True, form="words")
            )
    return found


def _without_overlaps(found: list[Mention]) -> list[Mention]:
    """Longest mention first wins a span; the result is in reading order."""
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept
