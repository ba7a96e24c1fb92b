"""Tables of Word documents and web pages, written as lines the extractors can read.

Both readers collect a table as rows of cells (with their column and row spans) and render it
here with the same rules, so an indicator appendix reads the same from a .docx and an .html.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Cell:
    """One table cell: its lines, how many grid columns it spans, and whether it
    only continues a cell merged from the row above (then it prints as empty)."""

    lines: list[str] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    continuation: bool = False


def render_table(rows: list[list[Cell]]) -> list[str]:
    """Lines for one table: tab-separated rows, or text blocks for layout tables.

    Data tables (indicator appendices) become one line per row with one cell per
    grid column, so values stay under their header: a cell spanning several
    columns is written once and followed by empty cells, a cell merged from the
    row above is written as empty (never repeated). Multi-line cell text is
    joined with spaces. Vietnamese documents also use borderless two-column
    tables to lay out the issuing-body header and the signature block; those
    (at most two cells per row, some cell holding several lines) are written
    cell by cell as ordinary lines, as they read on paper.
    """
    rows = [row for row in rows if row]
    if not rows:
        return []
    widest = max(sum(1 for c in row if not c.continuation) for row in rows)
    multi_line = any(len([ln for ln in c.lines if ln.strip()]) > 1 for row in rows for c in row)
    if widest <= 1 or (widest <= 2 and multi_line):
        return [ln for row in rows for c in row if not c.continuation for ln in c.lines if ln.strip()]
    out: list[str] = []
    for row in rows:
        values: list[str] = []
        for cell in row:
            value = "" if cell.continuation else re.sub(r"\s+", " ", " ".join(cell.lines)).strip()
            values.append(value)
            values.extend([""] * (cell.colspan - 1))
        if any(values):
            out.append("\t".join(values))
    return out


def fill_rowspans(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Insert the continuation cells that HTML leaves out under a rowspan.

    Without them every value in the rows below a merged "STT" cell would shift
    one column to the left, under the wrong header.
    """
    pending: dict[int, tuple[int, int]] = {}  # grid column -> (rows still covered, colspan)
    filled: list[list[Cell]] = []
    for row in rows:
        out: list[Cell] = []
        column = 0
        queue = list(row)
        visited: set[int] = set()
        while queue or any(c >= column for c in pending):
            covered = pending.get(column)
            if covered is not None:
                out.append(Cell(colspan=covered[1], continuation=True))
                visited.add(column)
                column += covered[1]
            elif queue:
                cell = queue.pop(0)
                out.append(cell)
                if cell.rowspan > 1:
                    pending[column] = (cell.rowspan, cell.colspan)  # decremented below, with this row
                    visited.add(column)
                column += cell.colspan
            else:
                out.append(Cell())
                column += 1
        for c in list(pending):
            rows_left, colspan = pending[c]
            if c in visited or c < column:
                rows_left -= 1
            if rows_left <= 0:
                del pending[c]
            else:
                pending[c] = (rows_left, colspan)
        filled.append(out)
    return filled
