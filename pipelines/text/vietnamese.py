"""What a Vietnamese reader needs besides the words themselves: alphabetical order, the labels of
codes, and local time.

The labels are data (dbt_project/seeds/labels_vi.csv, loaded by dbt as reference.labels_vi), so
the workbook, the marts and the dashboards show the same word for the same code.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.settings import seed

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LABELS_SEED = seed("labels_vi")

# The Vietnamese alphabet: ă, â, đ, ê, ô, ơ, ư are letters of their own, sorted after their base.
# f, j, w, z (foreign words, names) sit where the Latin alphabet puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Combining marks that make a separate letter (a + breve = ă …) and the five tone marks, in the
# dictionary order of tones: none, huyền, hỏi, ngã, sắc, nặng.
LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Primary weights, in the order ICU's `vi` collation uses: spaces, then punctuation and symbols,
# digits, the Vietnamese alphabet, then letters of other scripts (by code point). The punctuation a
# plan uses sorts as ICU's root collation orders it (read from DuckDB's `collate vi`); any other
# symbol follows, by code point. A None sorts after every text.
PUNCTUATION_ORDER = "_-–—,;:!?.…·'‘’\"“”«»()[]{}§@*/\\&#%•`^+<=>|~$№"
CODE_POINTS = 0x110000
PUNCTUATION_WEIGHT = 1
DIGIT_WEIGHT = PUNCTUATION_WEIGHT + len(PUNCTUATION_ORDER) + CODE_POINTS
LETTER_WEIGHT = DIGIT_WEIGHT + 10
OTHER_LETTER_WEIGHT = LETTER_WEIGHT + len(ALPHABET)
NONE_WEIGHT = OTHER_LETTER_WEIGHT + CODE_POINTS
MULTI_VALUE_SEPARATORS = re.compile(r"\s*[;,]\s*")

CollationKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _letter(base: str, marks: str) -> str:
    """The Vietnamese letter of a base character and its non-tone marks (a + ̆ → ă)."""
    if not marks:
        return base
    return unicodedata.normalize("NFC", base + marks)


def _primary(letter: str) -> int:
    """The primary weight of one (lower-case, tone-less) letter, digit, space or symbol."""
    if letter in LETTER_RANK:
        return LETTER_WEIGHT + LETTER_RANK[letter]
    if letter.isspace():
        return 0
    digit = unicodedata.digit(letter, None)
    if digit is not None:
        return DIGIT_WEIGHT + digit
    if letter.isalpha():
        return OTHER_LETTER_WEIGHT + ord(letter)
    if letter in PUNCTUATION_ORDER:
        return PUNCTUATION_WEIGHT + PUNCTUATION_ORDER.index(letter)
    return PUNCTUATION_WEIGHT + len(PUNCTUATION_ORDER) + ord(letter)


def collation_key(text: str | None) -> CollationKey:
    """Sort key for Vietnamese alphabetical order, the one every output uses (workbook, dashboards).

    Letters first (ă after a, đ after d, ơ after ô), tones only to break ties (Hà < Hả < Há), case
    last (lower before upper); spaces and punctuation before digits, digits before letters, so
    "Hà Nam" < "Hà Nội" < "Hải Dương" < "Hòa Bình" and "Bạc Liêu" < "Bắc Giang". It agrees with the
    ICU `vi` collation that the marts use in SQL (`order by province_name collate vi`). None sorts
    last; Python's own order would put "Đ" after "Z" and "Ả" after every plain letter."""
    if text is None:
        return ((NONE_WEIGHT,), (), ())
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for original in unicodedata.normalize("NFC", text):
        lower = original.lower()
        cases.append(int(lower != original))
        for char in lower:
            decomposed = unicodedata.normalize("NFD", char)
            base, marks = decomposed[0], decomposed[1:]
            tones.append(next((TONE_RANK[m] for m in marks if m in TONE_RANK), 0))
            primary.append(_primary(_letter(base, "".join(m for m in marks if m in LETTER_MARKS))))
    return (tuple(primary), tuple(tones), tuple(cases))


def sort_vietnamese(names: Iterable[str]) -> list[str]:
    """Names in Vietnamese alphabetical order."""
    return sorted(names, key=collation_key)


def collation_ranks(names: pl.Series) -> pl.Series:
    """The Vietnamese alphabetical rank of each name (0 first, a missing name last), a column to
    sort a frame by: Polars sorts text by code point, which puts "Đ" after "Z"."""
    ordered = sorted({n for n in names.to_list() if n is not None}, key=collation_key)
    rank = {name: i for i, name in enumerate(ordered)}
    return names.replace_strict(rank, default=len(rank), return_dtype=pl.Int64)


def vietnam_time(value: dt.datetime) -> dt.datetime:
    """A time as read in Vietnam. A naive time is taken as UTC, which is how DuckDB and Dagster
    store timestamps; the result is naive again, because Excel cells carry no time zone."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(VN_TZ).replace(tzinfo=None)


@dataclass(frozen=True)
class Labels:
    """Code → Vietnamese label, per vocabulary (named after the column it labels). A code ending
    in "*" labels every code with that prefix (flags `metadata_error_<field>`)."""

    exact: Mapping[tuple[str, str], str] = field(default_factory=dict)
    prefixes: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    english: Mapping[tuple[str, str], str] = field(default_factory=dict)  # for the dashboards' EN view

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> Labels:
        exact: dict[tuple[str, str], str] = {}
        english: dict[tuple[str, str], str] = {}
        prefixes: dict[str, list[tuple[str, str]]] = {}
        if "label_en" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("label_en"))
        for row in frame.select("vocabulary", "code", "label_vi", "label_en").iter_rows():
            vocabulary, code, label, label_en = row
            if code.endswith("*"):
                prefixes.setdefault(vocabulary, []).append((code[:-1], label))
            else:
                exact[(vocabulary, code)] = label
                english[(vocabulary, code)] = label_en or label
        by_length = {v: tuple(sorted(p, key=lambda x: -len(x[0]))) for v, p in prefixes.items()}
        return cls(exact, by_length, english)

    def pairs(self, vocabulary: str) -> dict[str, tuple[str, str]]:
        """Code → (Vietnamese, English) of one vocabulary, in the seed's order (prefix codes left
        out); the English label is the Vietnamese one where the seed has none."""
        return {
            code: (label, self.english.get((vocab, code)) or label)
            for (vocab, code), label in self.exact.items()
            if vocab == vocabulary
        }

    @property
    def vocabularies(self) -> frozenset[str]:
        return frozenset(v for v, _ in self.exact) | frozenset(self.prefixes)

    @property
    def codes(self) -> frozenset[str]:
        """Every code of every vocabulary (the prefix codes without their "*")."""
        return frozenset(c for _, c in self.exact) | frozenset(
            p for group in self.prefixes.values() for p, _ in group
        )

    def label(self, vocabulary: str, code: str) -> str | None:
        """The label of one code, or None when the seed has none."""
        if (vocabulary, code) in self.exact:
            return self.exact[(vocabulary, code)]
        for prefix, label in self.prefixes.get(vocabulary, ()):
            if code.startswith(prefix):
                return f"{label} ({code[len(prefix) :]})" if code[len(prefix) :] else label
        return None

    def text(self, vocabulary: str, value: str | list | None) -> str | None:
        """What a person reads for a cell of codes: one label, or the labels of a list of codes
        ("a; b", "a, b" or a list), joined by "; ". An unknown code is kept as written, so nothing
        is lost (the workbook test lists it)."""
        if value is None:
            return None
        if isinstance(value, str) and (qualified := self._qualified(vocabulary, value)):
            return qualified
        codes = value if isinstance(value, list) else MULTI_VALUE_SEPARATORS.split(value.strip())
        texts = [self.label(vocabulary, code) or code for code in codes if code]
        return "; ".join(texts) if texts else None

    def _qualified(self, vocabulary: str, value: str) -> str | None:
        """A code with a note in brackets, "title (100% of title words)": the label, with only the
        note's figures kept ("Theo trích yếu (100%)"), since the note itself is not Vietnamese."""
        code, bracket, note = value.partition(" (")
        label = self.label(vocabulary, code) if bracket else None
        if label is None:
            return None
        figures = re.findall(r"\d+(?:[.,]\d+)?%?", note)
        return f"{label} ({', '.join(figures)})" if figures else label


def load_labels(path: Path = LABELS_SEED) -> Labels:
    """The labels seed as a `Labels`; empty when the file is missing (codes then stay visible)."""
    if not path.exists():
        return Labels()
    return Labels.from_frame(pl.read_csv(path, infer_schema_length=0))
