"""Small readers of how a line is laid out: Markdown marks, capitals, table cells.

Shared by the metadata readers (header, issuer, signature): PDF→Markdown converters add
emphasis marks, Word and web copies put header and signature blocks in table cells, and
Vietnamese headings and signing titles are printed in capitals.
"""

from __future__ import annotations

import re

CELL = re.compile(r"[^\t|]+")  # one cell of a pipe- or tab-separated line


_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def clean_markup(line: str) -> str:
    """Strip Markdown emphasis/heading marks that PDF→Markdown converters add."""
    line = _TAG.sub("", line) if "<" in line else line
    return _SPACES.sub(" ", line.replace("*", " ").replace("#", " ").replace("_", " ")).strip()


def is_upper_text(text: str) -> bool:
    """True when every letter is a capital (and there is at least one letter).

    The metadata readers ask it of every header line; the character loop runs in C (filter, map).
    """
    letters = "".join(filter(str.isalpha, text))
    return bool(letters) and all(map(str.isupper, letters))
