"""Stage 1, segments: the lines of a plan, their clauses and sentences, and where the body ends.

Every function here is linear in the length of its line: sentence starts are found once per
line and looked up by bisection, so a plan whose text is one 100k-character line reads as
fast as the same plan with line breaks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_CLAUSE_SPLIT = re.compile(r";|\.\s+(?=[A-ZĐÀ-Ỹ])|\.$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-ZĐÀ-Ỹ])")
_SIGNATURE = re.compile(r"^[*_\s]*Nơi nhận\s*:?", re.MULTILINE)
_MARKER = re.compile(
    r"^[#*_\s]*(?:[IVXLC]{1,6}[.)]|\d{1,2}(?:\.\d{1,2}){0,3}[.)]|[a-zđ][)]|[-+•–])\s*"
    # the row number of a table row read as prose: "1\tNội dung …", "| 2 | Nội dung …"
    r"|^\s*(?:\d{1,3}(?:\.\d{1,2}){0,2}|[IVXLC]{1,5})\.?\t|^\s*\|\s*(?:\d{1,3}(?:\.\d{1,2}){0,2}|[IVXLC]{1,5})\.?\s*\|"
)


def body_end(text: str) -> int:
    """Where the signature block / distribution list starts: nothing after it is a target."""
    match = _SIGNATURE.search(text)
    return match.start() if match else len(text)


def lines_with_offsets(text: str) -> list[tuple[str, int]]:
    """(line, offset of its first character in `text`) for every line."""
    lines: list[tuple[str, int]] = []
    position = 0
    for line in text.split("\n"):
        lines.append((line, position))
        position += len(line) + 1
    return lines


def is_table_line(line: str) -> bool:
    """A Markdown pipe row or a tab-separated row (as copied from Word/Excel)."""
    return line.lstrip().startswith("|") or "\t" in line


def clauses(line: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a line, split at ";" and sentence ends."""
    spans, start = [], 0
    for match in _CLAUSE_SPLIT.finditer(line):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(line):
        spans.append((start, len(line)))
    return spans


@dataclass(frozen=True)
class Sentences:
    """Sentence starts of one line, found once (a capital after ". ", "! ", "? ")."""

    starts: tuple[int, ...]

    @classmethod
    def of(cls, line: str) -> Sentences:
        return cls((0, *(m.end() for m in _SENTENCE_BREAK.finditer(line))))

    def start_of(self, position: int) -> int:
        """Start of the sentence holding `position`."""
        index = bisect.bisect_right(self.starts, position) - 1
        return self.starts[max(index, 0)]


def marker_end(line: str) -> int:
    """End of the list marker that opens a line ("1.", "a)", "-", "II."): numbering, not a value."""
    match = _MARKER.match(line)
    return match.end() if match else 0


def without_parentheses(text: str) -> str:
    """Asides in parentheses ("(năm 2025 ước đạt 12,5%)") do not set the tense of what follows."""
    return re.sub(r"\([^()]*\)", " ", text)


def segment_kind(line: str) -> str:
    """What the line is, for the signals: a list item, a heading-less sentence or a table row."""
    if is_table_line(line):
        return "table_row"
    return "list_item" if marker_end(line) else "sentence"
