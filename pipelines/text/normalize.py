"""Decoding and normalising Vietnamese plan text.

Plans reach us as files copied from PDF, Word or web pages. The same word can be
written with precomposed or combining diacritics (NFC/NFD), with the tone mark on
either vowel ("Hòa"/"Hoà"), and with lines broken wherever the PDF page ended.
Every later step (metadata, targets, citations) reads the *normalised* text, and
every quote and offset we publish points into it, so normalisation must be
deterministic and must not depend on which province or file the text came from.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from pipelines.targets.flattened import rebuild_unseparated_tables

# --------------------------------------------------------------------------- characters

# Characters that look like Vietnamese letters or spaces but are not the standard ones.
_CHAR_FIXES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Icelandic Eth used for "Đ"
        "\u00f0": "\u0111",  # eth used for "đ"
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,  # stray BOM inside text
        "\u00ad": None,  # soft hyphen
        "\r": None,
    }
)

# Tone marks, as combining characters (NFD), and the vowels of the clusters whose
# tone placement varies between the "old" (official, e.g. "Hòa", "Thủy") and the
# "new" ("Hoà", "Thuỷ") conventions.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# "oa", "oe", "uy" at the end of a syllable: the old convention puts the tone on the
# first vowel. After "q" the "u" belongs to the consonant ("quý"), so it is left alone.
# The "not after q" test is made once the vowel is read (a look-behind over "q" + vowel), so the
# pattern opens with a character set and the regex engine skips to the next o/u by itself.
_NEW_STYLE_TONE = re.compile(
    rf"([oOuU])(?<![qQ][oOuU])([aAeEyY])([{_TONES}])(?![\w{_TONES}\u0302\u0306\u031b])"
)


def _old_style_tone(match: re.Match[str]) -> str:
    first, second, tone = match.group(1), match.group(2), match.group(3)
    pairs = {"o": "ae", "u": "y"}
    if second.lower() not in pairs[first.lower()]:
        return match.group(0)
    return first + tone + second


def _decomposing(test: Callable[[str], bool]) -> str:
    """A regex character class of the BMP characters whose NFD satisfies `test` ("(?!)" if none)."""
    chars = (chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000)
    found = "".join(re.escape(c) for c in chars if test(unicodedata.normalize("NFD", c)))
    return f"[{found}]" if found else "(?!)"


def _tone_then_free(d: str) -> bool:
    """A decomposition "a" + tone + a mark the tone rule's look-ahead lets through."""
    return d[1] in _TONES and d[2] not in _TONES + "\u0302\u0306\u031b"


_FIX_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _CHAR_FIXES) + "]")
# Where `_NEW_STYLE_TONE` can match once decomposed, as a test on the text before decomposition:
# "o"/"u" (not after "q") before "a"/"e"/"y" with a tone and no other mark ("hoá", "UỶ"), not before
# a letter; or before one with marks the rule lets through ("a" + tone + a free mark); or before
# "a"/"e"/"y" (plain or precomposed) followed by a combining mark, which NFD may reorder. Old-style
# precomposed text ("hòa", "xuất", "hoạt", "tuệ") has no such place: it is only recomposed.
_COMBINING = _decomposing(lambda d: unicodedata.combining(d[0]) != 0)
_MAY_MOVE_TONE = re.compile(
    r"(?<![qQ])"
    + _decomposing(lambda d: d[-1] in "oOuU")
    + "(?:"
    + _decomposing(lambda d: len(d) == 2 and d[0] in "aAeEyY" and d[1] in _TONES)
    + r"(?!\w)|"
    + _decomposing(lambda d: len(d) > 2 and d[0] in "aAeEyY" and _tone_then_free(d))
    + "|"
    + _decomposing(lambda d: d[0] in "aAeEyY")
    + _COMBINING
    + ")"
)


_FIXES = tuple((chr(code), "" if fixed is None else fixed) for code, fixed in _CHAR_FIXES.items())


def _fix_characters(text: str) -> str:
    """`text.translate(_CHAR_FIXES)` as one `str.replace` per character present (C speed, where
    translate looks every character up in a dict); no replacement is itself a character fixed."""
    for char, fixed in _FIXES:
        if char in text:
            text = text.replace(char, fixed)
    return text


def normalize_unicode(text: str) -> str:
    """NFC with one tone-mark convention (the official one: "Hòa", "Thủy", "Ủy ban").

    The tone move is length-preserving in NFC, so offsets computed on the result
    are stable whichever convention the source used. Fast where nothing is to be done (most
    text): the character fixes only when one of their characters occurs, the tone move only
    where `_MAY_MOVE_TONE` finds a place for it (elsewhere NFC of NFD is just NFC).
    """
    if _FIX_CHARS.search(text):
        text = _fix_characters(text)
    if not _MAY_MOVE_TONE.search(text):
        return unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFD", text)
    moved = _NEW_STYLE_TONE.sub(_old_style_tone, decomposed)
    return unicodedata.normalize("NFC", moved)


def _fold_table() -> dict[int, int | None]:
    """Every Latin letter with diacritics → its lower-case base letter; combining marks → removed."""
    # Đ has no decomposition; Eth (ð, Ð) is a common stand-in for it in copied text.
    table: dict[int, int | None] = {ord(c): ord("d") for c in "đĐðÐ"}
    for code in range(0xC0, 0x1F00):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char and base.isascii():
            table[code] = ord(base.lower())
    for code in range(0x300, 0x370):
        table[code] = None
    return table


_FOLD = _fold_table()
_FOLD_KEEPING_MARKS = {code: base for code, base in _FOLD.items() if base is not None}


def fold_diacritics(text: str, *, keep_marks: bool = False) -> str:
    """Lower-case ASCII skeleton of Vietnamese text ("Hưng Yên" → "hung yen").

    Used only for matching (never for display), so that a name typed without or
    with wrong diacritics still matches. One table lookup per character (it runs on
    every clause of every plan); length-preserving for NFC text, which is what the
    extractors rely on when they map positions back. ``keep_marks`` leaves combining
    marks in place, so the result is as long as any input, NFD included (the gazetteer
    reports offsets into text in whatever form the caller gave it).
    """
    return text.translate(_FOLD_KEEPING_MARKS if keep_marks else _FOLD).lower()


@lru_cache(maxsize=1)  # the plan being read, for all its stages; earlier plans are let go
def fold_document(text: str) -> str:
    """`fold_diacritics` of a whole plan text, computed once and shared by every stage.

    Targets fold each line and clause, themes the whole text: one fold per document, sliced
    with `fold_span`, replaces thousands of small ones (the cache holds the last text).
    """
    return fold_diacritics(text)


def fold_span(text: str, folded: str, start: int, end: int) -> str:
    """Exactly `fold_diacritics(text[start:end])`, read from `folded` (the fold of all of `text`).

    Folding is one character at a time, so a slice of the fold is the fold of the slice; the
    exception is "Σ", whose lower case depends on its neighbours (final sigma), folded afresh.
    """
    piece = folded[start:end]
    return fold_diacritics(text[start:end]) if "Σ" in text[start:end] else piece


# --------------------------------------------------------------------------- line wraps

_MARKER = re.compile(
    r"""^(?:
        [-+•*–—▪●○■□➢✓]\s              # bullets
      | \#{1,6}\s                       # markdown headings
      | \|                              # table rows
      | \*\*                            # bold heading
      | \d{1,2}(?:\.\d{1,2}){0,3}[.)]\s  # 1.  2.1.  3)
      | [IVXLC]{1,6}[.)]\s               # Roman numerals
      | [a-zđ][)]\s                      # a) b) đ)
      | [A-ZĐ][.)]\s                     # A. B)
      | (?:Điều|Chương|Mục|Phần|PHẦN|CHƯƠNG|Phụ\s+lục|PHỤ\s+LỤC)\s+[\dIVXLC]+
      | (?:Nơi\s+nhận|TM\.|KT\.|Q\.\s|TL\.|TUQ\.)
      | Số\s*:                           # document number line
      | [^\W\d][\w .]{0,40},\s*ngày\b    # place-and-date line
      | [-=_*~.\s]{3,}$                   # separator rule
    )""",
    re.VERBOSE,
)
_RULE = re.compile(r"^[-=_*~.\s]{3,}$")
_BODY_OPENER = re.compile(r"^(?:Căn cứ|Thực hiện|Xét đề nghị|Theo đề nghị)\b")
_SENTENCE_END = re.compile(r"""(?:[.:;!?…]|\./\.|[.:;!?]["”»)*_]+)$""")
_TOKEN_BREAK = re.compile(r"[\w&][-/]$")
_WORD_CHAR = re.compile(r"\w")


# A page number, or a running header/footer that ends with one ("Kế hoạch số 77/KH-UBND - Trang 2").
_PAGE_NUMBER = re.compile(
    r"^(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*-)?(?:\s*/\s*\d{1,3})?$|^.{0,80}[-–|]\s*Trang\s+\d{1,3}\s*$"
)


def _may_be_page_number(line: str) -> bool:
    """Can `_PAGE_NUMBER` match `line`? Both of its forms end in a digit, a dash or "Trang <n>"
    with spaces: the test is on the line's last character (and "Trang"), not a regex scanning
    80 characters of every line (a final newline aside, as `$` allows)."""
    end = line[:-1] if line.endswith("\n") else line
    return end[-1:].isdigit() or end.endswith("-") or "Trang" in line


def _is_upper_line(line: str) -> bool:
    """A heading in capitals (two words or more: a lone acronym like "KHCN&ĐMST" is not a heading)."""
    return line.isupper() and " " in line.strip()  # isupper: every cased character is upper case


def _starts_lower(line: str) -> bool:
    first = next((c for c in line if c.isalnum() or c in "(“\"'"), "")
    return first.islower() or first.isdigit() or first in "(“\"'"


_TAIL = 256  # characters of a paragraph's end that every end-of-line test looks at
_RULE_CHARS = re.compile(r"[-=_*~.\s]*")


class _Paragraph:
    """A paragraph being joined from physical lines, with what `_join_kind` asks of it kept current.

    Asking the joined paragraph each time (regexes anchored at its end, `isupper`, a tab
    anywhere) made wrap repair quadratic in paragraph length: a 400 k-character paragraph
    without a full stop took seconds. Each question is answered from the last `_TAIL` characters
    (enough for every end test: the longest one ends in a run of closing quotes or brackets) or
    from flags updated once per line, so repair is linear in the text.
    """

    def __init__(self, line: str) -> None:
        self.parts = [line]
        self.first = line
        self.tail = line[-_TAIL:]
        self.tab = "\t" in line
        self.rule_chars = _RULE_CHARS.fullmatch(line) is not None
        self.length = len(line)
        self.no_lower = (line + "A").isupper()  # no lower-case (or title-case) letter
        self.cased = line.isupper() or not self.no_lower
        self.spaces = line.lstrip().count(" ")  # spaces after the first non-blank character
        self.trailing_spaces = line[len(line.rstrip()) :].count(" ")

    def add(self, joiner: str, line: str) -> None:
        self.parts += [joiner, line]
        self.tail = (self.tail + joiner + line)[-_TAIL:]
        self.tab = self.tab or "\t" in line
        self.rule_chars = self.rule_chars and _RULE_CHARS.fullmatch(joiner + line) is not None
        self.length += len(joiner) + len(line)
        line_no_lower = (line + "A").isupper()
        self.cased = self.cased or line.isupper() or not line_no_lower
        self.no_lower = self.no_lower and line_no_lower
        self.spaces += joiner.count(" ") + line.count(" ")
        self.trailing_spaces = line[len(line.rstrip()) :].count(" ")

    @property
    def is_rule(self) -> bool:
        """Same as `_RULE.match(text)`: rule characters only, at least three."""
        return self.rule_chars and self.length >= 3

    @property
    def is_upper_line(self) -> bool:
        """Same as `_is_upper_line(text)`: capitals only, and a space inside."""
        return self.cased and self.no_lower and self.spaces > self.trailing_spaces

    def text(self) -> str:
        return "".join(self.parts)


_CLOSERS = '"”»)*_'


def _token_break(end: str) -> bool:
    """`_TOKEN_BREAK.search(end)`, trying only the last characters (where a `$` match can start)."""
    return _TOKEN_BREAK.search(end, max(0, len(end) - 3)) is not None


def _sentence_end(end: str) -> bool:
    """`_SENTENCE_END.search(end)` without trying every position of the tail (it runs per line).

    Without a line break in `end`, a match ends at its end: a final stop, or a stop followed by a
    run of closing quotes, brackets or emphasis marks.
    """
    if "\n" in end:
        return _SENTENCE_END.search(end) is not None
    bare = end.rstrip(_CLOSERS)
    if len(bare) == len(end):
        return end.endswith((".", ":", ";", "!", "?", "…"))
    return bare.endswith((".", ":", ";", "!", "?"))


def _join_kind(prev: _Paragraph, nxt: str, prev_is_marker_heading: bool) -> str | None:
    """How to join the next physical line to the paragraph so far, or None to keep the break.

    Returns "" (join without space: a token cut in two, "196/KH-" + "UBND"),
    " " (a sentence wrapped by the page width) or None (a real break).
    """
    end = prev.tail
    single = len(prev.parts) == 1
    if not nxt or nxt == "|" or (single and prev.first == "|"):
        return None
    if _MARKER.match(nxt) or prev.first.startswith(("|", "#")) or prev.tab or "\t" in nxt:
        return None
    if prev.is_rule or (_BODY_OPENER.match(nxt) and not end.endswith((",", "và", "của", "theo", "số"))):
        return None  # a separator rule, or the preamble "Căn cứ …"/"Thực hiện …" after a title
    if _token_break(end) and _WORD_CHAR.match(nxt):
        return ""
    if end.endswith((";", ",", ":")) and nxt[0].isalpha() and nxt[0].islower():
        # A list clause continued on the next page line, not a new item.
        return " "
    if _sentence_end(end):
        return None
    if end.endswith((",", "-", "–", "(", "và", "của", "các")):
        return " "
    prev_upper, next_upper = prev.is_upper_line, _is_upper_line(nxt)
    if prev_upper != next_upper:
        # A heading in capitals followed by prose (or the reverse) is a real break.
        return None
    if _starts_lower(nxt):
        return " "
    if prev_upper and next_upper:
        return " "  # a heading in capitals wrapped over two lines
    if prev_is_marker_heading:
        # "1. Mục tiêu tổng quát" followed by a capitalised paragraph.
        return None
    # Capitalised next line after an unfinished line (or a heading in capitals): Vietnamese
    # capitalises many proper nouns ("Quyết định", "Ủy ban"), so an unfinished line still wraps.
    return " "


_COLUMN_GAP = re.compile(r" {4,}")
_SPACE_RUN = re.compile(r"[ \u3000]+")


def _split_columns(line: str) -> list[str]:
    """Two blocks side by side (header, signature) are separated by a wide run of spaces."""
    stripped = line.strip(" ")
    if "    " not in stripped:  # one column (most lines): what the split below gives, without it
        return [stripped] if stripped else [""]
    parts = [p.strip(" ") for p in _COLUMN_GAP.split(stripped)]
    return [p for p in parts if p] or [""]


def _single_spaced(column: str) -> str:
    """Runs of spaces (and ideographic spaces) as one space; most lines have none to collapse."""
    return _SPACE_RUN.sub(" ", column) if "  " in column or "\u3000" in column else column


def _blank_lines_are_breaks(lines: list[str]) -> bool:
    """Do blank lines mark paragraphs here, or did PDF copy put one after every line?

    When most lines are followed by a blank line, blank lines carry no meaning and
    wraps must be judged on the text alone; when blank lines are rare, each one is
    a real paragraph break.
    """
    non_blank = sum(1 for ln in lines if ln.strip())
    blank_runs = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and not b.strip())
    return non_blank > 0 and blank_runs / non_blank < 0.3


_ROW_NUMBER = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,5})\.?$")


def rebuild_flattened_tables(lines: list[str]) -> list[str]:
    """Turn a table flattened to one cell per line, cells separated by lone "|" lines, back into rows.

    Word/PDF copies write "TT⏎|⏎Nội dung⏎|⏎ĐVT⏎…⏎Kế hoạch 2026⏎1⏎|⏎Tổng đầu tư…": cells of a
    row are separated by "|" lines, rows only by a line break, and a long cell may span lines.
    A segment between two "|" lines that ends in a row number ("1", "II") closes one row and
    opens the next. Rows are rebuilt as Markdown pipe rows so the table reader sees them;
    anything that does not form at least two rows of three cells or more is left as it was.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "|":
            out.append(lines[i])
            i += 1
            continue
        # collect the run of segments separated by lone "|" lines
        j = i
        segments: list[list[str]] = []
        while j < len(lines) and lines[j].strip() == "|":
            k = j + 1
            segment: list[str] = []
            while k < len(lines) and lines[k].strip() != "|":
                if lines[k].strip():
                    segment.append(lines[k].strip())
                k += 1
            segments.append(segment)
            j = k
        first_cell = out.pop() if out and out[-1].strip() else None
        rows = _rows_from_segments(first_cell, segments)
        if rows is None:
            if first_cell is not None:
                out.append(first_cell)
            out.extend(lines[i:j])
            i = j
            continue
        table_rows, leftover = rows
        out.extend("| " + " | ".join(cells) + " |" for cells in table_rows)
        out.extend(leftover)
        i = j
    return out


def _rows_from_segments(
    first_cell: str | None, segments: list[list[str]]
) -> tuple[list[list[str]], list[str]] | None:
    if first_cell is None or len(segments) < 4:
        return None
    rows: list[list[str]] = []
    current = [first_cell]
    for index, segment in enumerate(segments):
        if not segment:
            current.append("")
            continue
        last = index == len(segments) - 1
        if not last and len(segment) >= 2 and _ROW_NUMBER.match(segment[-1]):
            current.append(" ".join(segment[:-1]))
            rows.append(current)
            current = [segment[-1]]
        elif last:
            width = len(rows[0]) if rows else 0
            needed = max(width - len(current), 1)
            current.append(" ".join(segment[:needed]))
            rows.append(current)
            leftover = segment[needed:]
            break
        else:
            current.append(" ".join(segment))
    else:
        return None
    widths = {len(r) for r in rows}
    if len(rows) < 2 or len(widths) != 1 or widths.pop() < 3:
        return None
    return rows, leftover


def repair_line_wraps(text: str) -> str:
    """Join lines broken by PDF copy while keeping paragraph, heading and list breaks.

    The input must already be Unicode-normalised. The decision rests on how the
    previous line ends and how the next one starts; blank lines count as breaks
    only in texts where they are rare (see `_blank_lines_are_breaks`). Lone "|"
    lines (table cells flattened by copy) and page numbers are dropped; a line
    holding two columns side by side is split into its columns.
    """
    raw_lines = rebuild_unseparated_tables(rebuild_flattened_tables(text.split("\n")))
    blank_breaks = _blank_lines_are_breaks(raw_lines)
    paragraphs: list[str] = []
    current: _Paragraph | None = None
    current_is_marker_heading = False
    hard_break = True
    for raw in raw_lines:
        if not raw.strip():
            hard_break = hard_break or blank_breaks
            continue
        columns = _split_columns(raw) if "\t" not in raw else [raw.strip(" ")]
        for index, column in enumerate(columns):
            line = _single_spaced(column).strip(" ")
            if line == "|":
                hard_break = True
                continue
            if _may_be_page_number(line) and _PAGE_NUMBER.match(line):
                continue  # a page number left by PDF copy, possibly in the middle of a sentence
            if index > 0:
                hard_break = True
            joiner = (
                None
                if hard_break or current is None or not current.length
                else _join_kind(current, line, current_is_marker_heading)
            )
            hard_break = len(columns) > 1
            if joiner is None:
                if current is not None and current.length:
                    paragraphs.append(current.text())
                current = _Paragraph(line)
                current_is_marker_heading = bool(_MARKER.match(line)) and len(line) < 120
            else:
                current.add(joiner, line)
                current_is_marker_heading = False
    if current is not None and current.length:
        paragraphs.append(current.text())
    return "\n".join(paragraphs)


def normalize_text(raw: str) -> str:
    """The canonical text every extractor reads: normalised Unicode, wraps repaired."""
    return repair_line_wraps(normalize_unicode(raw))
