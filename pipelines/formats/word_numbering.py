"""Word's automatic list labels ("1.", "a)", "I.", "-"), computed as Word draws them.

The labels are not part of the text runs, but they are part of what a reader sees, and the
outline and the targets rely on them ("1. Phấn đấu đạt …" is the first target of a list).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pipelines.formats.word_xml import W, int_value, w_val


class Numbering:
    """Word's automatic list labels, computed as Word does while reading in order.

    Definitions come from numbering.xml (abstract lists and their levels, with
    list instances that may restart them) and from paragraph styles that carry
    numbering (numbered headings). Counters belong to the abstract list, a
    level's counter restarts when a higher level advances, and "%1.%2." label
    templates are filled from the counters of the levels they name.
    """

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, bool]]] = {}
        self.style_levels: dict[tuple[str, str], int] = {}  # (abstract id, style id) -> level
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_numbering: dict[str, tuple[str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        numbering = _numbering_element(document)
        if numbering is not None:
            self._read_lists(numbering)
        self._read_styles(document.styles.element)

    def _read_lists(self, numbering: Any) -> None:
        """The abstract lists with their levels, and the list instances (with their restarts)."""
        for abstract in numbering.iterchildren(f"{W}abstractNum"):
            abstract_id = abstract.get(f"{W}abstractNumId", "")
            levels = self.levels.setdefault(abstract_id, {})
            for level in abstract.iterchildren(f"{W}lvl"):
                index = int_value(level.get(f"{W}ilvl"), 0)
                levels[index] = (
                    w_val(level, "numFmt") or "decimal",
                    w_val(level, "lvlText") or "",
                    int_value(w_val(level, "start"), 1),
                    level.find(f"{W}isLgl") is not None,
                )
                style = w_val(level, "pStyle")
                if style:
                    self.style_levels[(abstract_id, style)] = index
        for instance in numbering.iterchildren(f"{W}num"):
            starts = {
                int_value(override.get(f"{W}ilvl"), 0): int_value(w_val(override, "startOverride"), 1)
                for override in instance.iterchildren(f"{W}lvlOverride")
                if w_val(override, "startOverride") is not None
            }
            self.instances[instance.get(f"{W}numId", "")] = (w_val(instance, "abstractNumId") or "", starts)

    def _read_styles(self, styles: Any) -> None:
        """The numbering paragraph styles carry (numbered headings), inherited along "based on"."""
        based_on: dict[str, str] = {}
        for style in styles.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId", "")
            num_id, level = w_val(style, "pPr/numPr/numId"), w_val(style, "pPr/numPr/ilvl")
            if num_id is not None:
                self.style_numbering[style_id] = (num_id, level)
            parent = w_val(style, "basedOn")
            if parent:
                based_on[style_id] = parent
        for style_id in list(based_on):  # inherit numbering through "based on" chains
            current, seen = style_id, set()
            while current not in self.style_numbering and current in based_on and current not in seen:
                seen.add(current)
                current = based_on[current]
            if current in self.style_numbering and style_id not in self.style_numbering:
                self.style_numbering[style_id] = self.style_numbering[current]

    def label(self, paragraph: Any) -> str:
        """The label Word draws before this paragraph ("" for none); advances the counters."""
        properties = paragraph.find(f"{W}pPr")
        num_id, level_text = w_val(properties, "numPr/numId"), w_val(properties, "numPr/ilvl")
        style = w_val(properties, "pStyle")
        if num_id is None and style in self.style_numbering:
            num_id, style_level = self.style_numbering[style]
            level_text = level_text or style_level
        if num_id is None or num_id == "0" or num_id not in self.instances:
            return ""
        abstract_id, starts = self.instances[num_id]
        levels = self.levels.get(abstract_id, {})
        level = int_value(level_text, self.style_levels.get((abstract_id, style or ""), 0))
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for restarted in starts:
                counters.pop(restarted, None)
        fmt, template, start, _legal = levels[level]
        counters[level] = counters[level] + 1 if level in counters else starts.get(level, start)
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt == "bullet":
            return template if template and template.isprintable() and not _private_use(template) else "•"

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            own_fmt, _t, own_start, _l = levels.get(index, ("decimal", "", 1, False))
            value = counters.get(index, starts.get(index, own_start))
            return _format_number(value, "decimal" if levels[level][3] else own_fmt)

        return re.sub(r"%([1-9])", number, template).strip()


def _numbering_element(document: Any) -> Any:
    try:
        return document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None


def _private_use(text: str) -> bool:
    return any(unicodedata.category(c) == "Co" for c in text)


# Word repeats the letter past "z" ("aa", "bbb"); a crafted start value of 10**12 would ask for a label of
# 38 billion letters. Beyond 30 rounds (no real list gets there) the counter is written as a number.
_MAX_LETTER_LABEL = 26 * 30


def _format_number(value: int, fmt: str) -> str:
    """A list counter in Word's number formats (decimal for the ones we do not draw)."""
    if fmt in ("lowerLetter", "upperLetter") and 0 < value <= _MAX_LETTER_LABEL:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        numerals = (
            (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
        )  # fmt: skip
        out = ""
        for amount, numeral in numerals:
            while value >= amount:
                out, value = out + numeral, value - amount
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)
