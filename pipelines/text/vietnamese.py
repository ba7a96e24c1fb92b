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
MULTI_VALUE_SEPARATORS = re.compile(r"\s*[;,]\s*")


def _letter(base: str, marks: str) -> str:
    """The Vietnamese letter of a base character and its non-tone marks (a + ̆ → ă)."""
    if not marks:
        return base
    return unicodedata.normalize("NFC", base + marks)


def collation_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key for Vietnamese alphabetical order: letters first (ă after a, đ after d, ơ after ô),
    tones only to break ties (Hà < Hả < Há), spaces and punctuation before any letter, so
    "Hà Nam" < "Hà Nội" < "Hải Dương" < "Hòa Bình". It agrees with the ICU `vi` collation that
    the marts use in SQL (`order by province_name collate vi`). None sorts last."""
    if text is None:
        return ((10_000,), ())
    primary: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text).lower():
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = next((TONE_RANK[m] for m in marks if m in TONE_RANK), 0)
        letter = _letter(base, "".join(m for m in marks if m in LETTER_MARKS))
        if letter in LETTER_RANK:
            primary.append(100 + LETTER_RANK[letter])
        elif letter.isdigit():
            primary.append(50 + int(letter))
        elif letter.isspace():
            primary.append(1)
        else:
            primary.append(2 + (ord(letter) % 40))
        tones.append(tone)
    return (tuple(primary), tuple(tones))


def sort_vietnamese(names: Iterable[str]) -> list[str]:
    """Names in Vietnamese alphabetical order."""
    return sorted(names, key=collation_key)


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

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> Labels:
        exact: dict[tuple[str, str], str] = {}
        prefixes: dict[str, list[tuple[str, str]]] = {}
        for row in frame.select("vocabulary", "code", "label_vi").iter_rows():
            vocabulary, code, label = row
            if code.endswith("*"):
                prefixes.setdefault(vocabulary, []).append((code[:-1], label))
            else:
                exact[(vocabulary, code)] = label
        return cls(exact, {v: tuple(sorted(p, key=lambda x: -len(x[0]))) for v, p in prefixes.items()})

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
