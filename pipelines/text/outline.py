"""The outline of a plan, from its own numbering: "II.2.b" for item b) of 2. under II.

Vietnamese plans number sections with Roman numerals (I., II.), Arabic numbers
(1., 2., 2.1.), letters (a), b), … đ)), then "-" and "+" bullets. A section
path lets an analyst find a quote in the printed plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = re.compile(
    r"^(?:(?:PHẦN|Phần)\s+(?P<part>[IVXLC]{1,6})\b[.:)]?|(?P<label>[IVXLC]{1,6})[.)](?=\s|$))"
)
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<label>\d{1,3})\b[.:]?")
_ARABIC = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+(?=\S)")
_LETTER = re.compile(r"^(?P<label>[a-zđ])[)]\s")

_RANK = {"roman": 0, "article": 0, "arabic": 1, "letter": 2}


_MARKUP = re.compile(r"^[#*_\s]+")
_BARE = re.compile(r"(?:(?:PHẦN|Phần|Điều|ĐIỀU)\s+)?[\dIVXLC]{1,6}[.:)]?")


def _strip_markup(line: str) -> str:
    """The line without the Markdown marks and blanks it opens with (most lines open with neither)."""
    if not line or not (line[0] in "#*_" or line[0].isspace()):
        return line
    return _MARKUP.sub("", line)


@dataclass
class Outline:
    """Tracks the current section path while lines are read in order."""

    stack: list[tuple[str, str, str]]  # (kind, label, heading text)

    @classmethod
    def start(cls) -> Outline:
        return cls([])

    def feed(self, line: str) -> str | None:
        """Update with one line; return the path of the section this line belongs to."""
        text = _strip_markup(line).rstrip("*_ ")
        kind, label = self._marker(text)
        if kind is not None:
            while self.stack and _RANK[self.stack[-1][0]] >= _RANK[kind]:
                self.stack.pop()
            self.stack.append((kind, label, text[:160]))
        elif self.stack and self._bare(self.stack[-1][2]) and text:
            # "Phần I" / "Điều 3" alone on its line: the next line is that heading's title.
            kind, label, heading = self.stack[-1]
            self.stack[-1] = (kind, label, f"{heading} {text}"[:160])
        return self.path()

    @staticmethod
    def _bare(heading: str) -> bool:
        return bool(_BARE.fullmatch(heading.strip()))

    def path(self) -> str | None:
        if not self.stack:
            return None
        return ".".join(label for _, label, _ in self.stack)

    def headings(self) -> list[str]:
        """Texts of the numbered headings (Roman and Arabic levels) the current line sits under."""
        return [text for kind, _, text in self.stack if kind in ("roman", "article", "arabic")]

    @staticmethod
    def _marker(text: str) -> tuple[str | None, str]:
        match = _ROMAN.match(text)
        if match and not text[match.end() :].startswith(("/", "-")):
            return "roman", match.group("part") or match.group("label")
        match = _ARTICLE.match(text)
        if match:
            return "article", f"Đ{match.group('label')}"
        match = _ARABIC.match(text)
        if match and ("." in text[: match.end()] or ")" in text[: match.end()]):
            # "2.1" carries its parent already, so it replaces "2" on the stack: path "I.2.1".
            return "arabic", match.group("label")
        match = _LETTER.match(text)
        if match:
            return "letter", match.group("label")
        return None, ""
