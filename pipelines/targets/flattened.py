"""Tables a web copy flattened to one cell per line, with no separator at all, rebuilt as rows.

"STT⏎Chỉ tiêu⏎ĐVT⏎Năm 2025⏎Năm 2030⏎1⏎Số doanh nghiệp KH&CN⏎Doanh nghiệp⏎20⏎35⏎…": the header
is a run of short lines that opens with "STT"/"TT" and names an indicator column and a year or
plan column; its length is the row width. Each row then opens with a row number ("1", "1.1",
"II"); a group row (number and name only, the next line a row number) is padded with empty
cells. The rows are written back as Markdown pipe rows so the table reader sees them (the line
wraps repair would otherwise glue the cells into one sentence and drop the lone numbers as page
numbers). Anything that does not form a header and at least one full row is left as it was.
Linear: each line is looked at a bounded number of times.
"""

from __future__ import annotations

import re

_STT = re.compile(r"^(?:STT|TT|Số\s+TT|Số\s+thứ\s+tự)\.?$", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2}|[IVXLC]{1,5}|[A-Z])\.?$")
_MAX_CELL = 160
_MAX_HEADER = 10


def _column_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(label column words, plan/actual column words) from the vocabulary seed (imported late:
    the text module imports this one, and the vocabulary imports the text module)."""
    from pipelines.targets.vocab import VOCAB

    columns = (*VOCAB.literal("plan_column"), *VOCAB.literal("actual_column"))
    return VOCAB.folded("label_column"), _words(columns)


def _words(phrases: tuple[str, ...]) -> re.Pattern[str]:
    from pipelines.targets.catalog import fold_phrase

    ordered = sorted({fold_phrase(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b|(?:19|20)\d{2}")


def _cells_from(lines: list[str], start: int) -> list[tuple[str, int]]:
    """Non-blank stripped lines from `start` on, with their indexes (a bounded look-ahead)."""
    found, index = [], start
    while index < len(lines) and len(found) < 4 * _MAX_HEADER:
        text = lines[index].strip()
        if text:
            if len(text) > _MAX_CELL:
                break
            found.append((text, index))
        index += 1
    return found


def _header(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """Header cells and the index of the line after them, if `start` opens a flattened header."""
    if not _STT.match(lines[start].strip()):
        return None
    from pipelines.targets.catalog import fold_phrase

    label_words, column_words = _column_words()
    cells = [lines[start].strip()]
    following = _cells_from(lines, start + 1)
    for text, index in following:
        if _ROW_NUMBER.match(text) or len(cells) > _MAX_HEADER or len(text) > 60:
            folded = [fold_phrase(c) for c in cells[1:]]
            has_label = any(label_words.search(c) for c in folded)
            if _ROW_NUMBER.match(text) and has_label and any(column_words.search(c) for c in folded):
                return cells, index
            return None
        cells.append(text)
    return None


def _rows(lines: list[str], start: int, width: int) -> tuple[list[list[str]], int]:
    """Rows of `width` cells from `start`, each opening with a row number; where they end."""
    rows: list[list[str]] = []
    index = start
    while index < len(lines):
        window = _cells_from(lines, index)[: width + 2]
        if not window or not _ROW_NUMBER.match(window[0][0]):
            break
        row = [window[0][0]]
        end = window[0][1] + 1
        for offset, (text, position) in enumerate(window[1:width], start=1):
            after = window[offset + 1][0] if offset + 1 < len(window) else ""
            if _is_group_row(row, text, after):
                break
            row.append(text)
            end = position + 1
        if len(row) < 2:
            break
        rows.append(row + [""] * (width - len(row)))
        index = end
    return rows, index


def _is_group_row(row: list[str], next_text: str, after: str) -> bool:
    """Number and name only, then the next row's number and name: "I⏎Nhóm chỉ tiêu⏎1⏎Số …"."""
    numeric = re.compile(r"[\d.,%\s\-x]*")
    return (
        len(row) == 2
        and not numeric.fullmatch(row[1])
        and bool(_ROW_NUMBER.match(next_text))
        and bool(after)
        and not numeric.fullmatch(after)
    )


def rebuild_unseparated_tables(lines: list[str]) -> list[str]:
    """The lines with every flattened table written back as pipe rows."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        found = _header(lines, index) if len(lines[index]) < 20 else None
        if found is not None:
            header, after = found
            rows, end = _rows(lines, after, len(header))
            if rows and any(len([c for c in r if c]) > 2 for r in rows):
                out.append("| " + " | ".join(header) + " |")
                out.extend("| " + " | ".join(row) + " |" for row in rows)
                index = end
                continue
        out.append(lines[index])
        index += 1
    return out
