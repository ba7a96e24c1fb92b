"""Tables of indicators: each target column gives a record with its own year.

Layouts read: `STT | Chỉ tiêu | ĐVT | Thực hiện 2024 | Kế hoạch 2025`, several target columns
(`Năm 2020 | Năm 2025 | Năm 2030`, `Ước TH 2024 | KH 2025 | Định hướng 2030`), and a merged
"Mục tiêu" cell over "2025 | 2030" (two header rows; the merged cell is written once and
followed by empty cells, as formats/tables.py writes Word tables). Plan columns give targets, the
latest actual or estimate column (or a year column before the plan) gives the baseline, the
unit column the unit; group rows, empty, "-" and "x" cells have no value and give nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipelines.targets.attributes import SHARE_OF_GRDP
from pipelines.targets.catalog import OTHER, Catalog, fold_phrase
from pipelines.targets.cues import (
    ACTUAL_COLUMN,
    BUDGET_LABEL,
    CUMULATIVE,
    LABEL_COLUMN,
    NORM_COLUMN,
    OTHER_COLUMN,
    PLAN_COLUMN,
    UNIT_COLUMN,
)
from pipelines.targets.indicator import compatible
from pipelines.targets.model import Decision, PlanContext, Target
from pipelines.text.numerals import parse_cell

_YEAR = re.compile(r"(?:19|20)\d{2}")
_SEPARATOR = re.compile(r":?-{2,}:?|")


def cells(line: str) -> list[str]:
    """The cells of a pipe row or a tab-separated row, stripped."""
    if line.lstrip().startswith("|"):
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") else body
        return [c.strip() for c in body.split("|")]
    return [c.strip() for c in line.split("\t")]


def cell_spans(line: str) -> list[tuple[int, int]]:
    """Offsets of each cell's text within the line (for exact quotes)."""
    separator = "|" if line.lstrip().startswith("|") else "\t"
    spans, start = [], 0
    parts = line.split(separator)
    if separator == "|":
        parts = parts[1:-1] if line.rstrip().endswith("|") else parts[1:]
        start = line.index("|") + 1
    for part in parts:
        stripped_left = len(part) - len(part.lstrip())
        spans.append((start + stripped_left, start + len(part.rstrip())))
        start += len(part) + 1
    return spans


@dataclass(frozen=True)
class Column:
    index: int
    year: int | None


@dataclass(frozen=True)
class Layout:
    label: int
    unit: int | None
    stt: int | None
    plans: tuple[Column, ...]
    actual: Column | None


def merge_headers(rows: list[list[str]]) -> list[str]:
    """One header from one or two header rows: a merged cell ("Mục tiêu" over "2025 | 2030",
    written once then empty) reaches right over the empty cells under which the second row has text."""
    first = rows[0]
    if len(rows) == 1:
        return first
    second = rows[1] + [""] * (len(first) - len(rows[1]))
    merged, spanning = [], ""
    for index, cell in enumerate(first):
        spanning = cell or (spanning if second[index] else "")
        merged.append(f"{spanning} {second[index]}".strip())
    return merged


def is_second_header(row: list[str], label: int) -> bool:
    """A header continuation row: no label, no value, and some cell a year or a column word
    ("Ước thực hiện | Kế hoạch | So sánh (%)" under "Năm 2025 | Năm 2026")."""
    filled = [c for i, c in enumerate(row) if c and i != label]
    if (label < len(row) and row[label]) or not filled:
        return False
    named = [
        c
        for c in filled
        if _YEAR.search(c) or PLAN_COLUMN.search(fold_phrase(c)) or ACTUAL_COLUMN.search(fold_phrase(c))
    ]
    values = [c for c in filled if parse_cell(c) is not None and not re.fullmatch(r"(?:19|20)\d{2}", c)]
    return bool(named) and not values


def layout(header: list[str], context: PlanContext) -> Layout | None:
    """Column roles of a table of indicators, or None when the header is not one."""
    folded = [fold_phrase(c) for c in header]
    label = next((i for i, c in enumerate(folded) if LABEL_COLUMN.search(c)), None)
    if label is None:
        return None
    unit = next((i for i, c in enumerate(folded) if i != label and UNIT_COLUMN.search(c)), None)
    stt = next((i for i, c in enumerate(folded) if re.fullmatch(r"(?:stt|tt|so tt)", c)), None)
    plans, actuals = [], []
    for index, cell in enumerate(folded):
        if index in (label, unit, stt):
            continue
        years = _YEAR.findall(cell)
        year = int(years[-1]) if years else None  # "Mục tiêu giai đoạn 2026-2030": its end
        if ACTUAL_COLUMN.search(cell):
            actuals.append(Column(index, year))
        elif PLAN_COLUMN.search(cell):
            plans.append(Column(index, year))
        elif year is not None and _year_only(cell):
            before_plan = context.start_year is not None and year < context.start_year
            (actuals if before_plan else plans).append(Column(index, year))
    bare = [c for c in plans if _year_only(folded[c.index])]
    if context.start_year is None and not actuals and len(bare) >= 2:
        actuals.append(bare[0])  # "Năm 2020 | Năm 2025 | Năm 2030" of an undated plan: the first is the base
        plans.remove(bare[0])
    if not plans:
        return None
    actual = max(actuals, key=lambda c: (c.year or 0, c.index)) if actuals else None
    return Layout(label, unit, stt, tuple(plans), actual)


def _year_only(cell: str) -> bool:
    """A header that names only a year ("Năm 2024", "Đến năm 2030", "2025 (số liệu hai tỉnh)"): its role is
    set by the year. A comparison column ("So sánh 2025/2024", "Tỷ lệ % 2025") is not one."""
    if not 1 <= len(_YEAR.findall(cell)) <= 2 or OTHER_COLUMN.search(cell):
        return False
    bare = re.sub(r"\([^()]*\)", " ", cell)
    year = r"(?:19|20)\d{2}"
    return bool(
        re.fullmatch(rf"\s*(?:(?:den|toi|vao)\s+)?(?:nam\s+)?{year}\s*", bare)
        or re.fullmatch(rf"\s*(?:giai doan|thoi ky|nhiem ky)?\s*{year}\s*[-–]\s*{year}\s*", bare)
    )


def _header(rows: list[list[str]], context: PlanContext) -> tuple[Layout | None, int]:
    """The layout and how many rows (separators included) the header takes, from the first rows."""
    content = [(i, r) for i, r in enumerate(rows[:6]) if not all(_SEPARATOR.fullmatch(c) for c in r)]
    for position, (index, row) in enumerate(content[:3]):
        label = next((i for i, c in enumerate(row) if LABEL_COLUMN.search(fold_phrase(c))), None)
        if label is None:
            continue
        header_rows, last = [row], index
        following = content[position + 1] if position + 1 < len(content) else None
        if following and is_second_header(following[1], label):
            header_rows.append(following[1])
            last = following[0]
        found = layout(merge_headers(header_rows), context)
        if found is not None:
            return found, last + 1
    return None, 0


def is_norm_table(rows: list[tuple[str, int]]) -> bool:
    """A table of support rates and caps ("Nội dung hỗ trợ | Mức hỗ trợ | Mức tối đa"): norms, no targets."""
    head = [fold_phrase(c) for line, _ in rows[:3] for c in cells(line)]
    return any(NORM_COLUMN.search(c) for c in head)


def norm_decisions(rows: list[tuple[str, int]], section: str) -> list[Decision]:
    """A `norm` decision for every number of a norms table (so `khcn explain` lists them)."""
    from pipelines.targets.mentions import read_mentions

    return [
        Decision(
            offset + m.start,
            offset + m.end,
            line[m.start : m.end],
            "norm",
            "norm_table",
            None,
            section,
            m.low,
            m.high,
        )
        for line, offset in rows
        for m in read_mentions(line)
    ]


def table_targets(
    rows: list[tuple[str, int]], catalog: Catalog, context: PlanContext, section_prefix: str
) -> tuple[list[Target], list[Decision]] | None:
    """Targets of a table of indicators, or None when the block is not one (read it as prose)."""
    parsed = [cells(line) for line, _ in rows]
    found, start = _header(parsed, context)
    if found is None:
        return None
    records: list[Target] = []
    decisions: list[Decision] = _header_numbers(rows[:start], section_prefix)
    for (line, offset), row in zip(rows[start:], parsed[start:], strict=True):
        if all(_SEPARATOR.fullmatch(c) for c in row) or len(row) <= found.label:
            continue
        for column in found.plans:
            if column.index >= len(row):
                continue
            target, decision = _cell_target(
                line, offset, row, column, found, catalog, context, section_prefix
            )
            decisions.append(decision)
            if target is not None:
                records.append(target)
        decisions += _other_cells(line, offset, row, found, section_prefix)
    return records, decisions


def _header_numbers(rows: list[tuple[str, int]], section: str) -> list[Decision]:
    """The years of the header ("KH 2026") are column names: decided, never values."""
    from pipelines.targets.mentions import read_mentions

    return [
        Decision(
            offset + m.start,
            offset + m.end,
            line[m.start : m.end],
            "table_cell",
            "column_header",
            None,
            section,
        )
        for line, offset in rows
        for m in read_mentions(line)
    ]


def _other_cells(line: str, offset: int, row: list[str], found: Layout, section: str) -> list[Decision]:
    """A decision for the numbers of the cells that are not target cells: the baseline column, the row
    number, the label and comparison columns (so `khcn explain` accounts for every number)."""
    from pipelines.targets.mentions import read_mentions

    plan_columns = {c.index for c in found.plans}
    roles = {found.stt: ("list_number", "row_number"), found.label: ("name", "in_indicator_name")}
    if found.actual is not None:
        roles[found.actual.index] = ("baseline", "table_actual_column")
    out = []
    for index, (start, end) in enumerate(cell_spans(line)):
        if index in plan_columns or index >= len(row):
            continue
        kind, reason = roles.get(index, ("table_cell", "other_column"))
        for m in read_mentions(line[start:end]):
            text = line[start + m.start : start + m.end]
            out.append(
                Decision(
                    offset + start + m.start,
                    offset + start + m.end,
                    text,
                    kind,
                    reason,
                    None,
                    section,
                    m.low,
                    m.high,
                )
            )
    return out


@dataclass(frozen=True)
class _Row:
    line: str
    offset: int
    cells: list[str]
    spans: list[tuple[int, int]]


def _cell_target(
    line: str,
    offset: int,
    row: list[str],
    column: Column,
    found: Layout,
    catalog: Catalog,
    context: PlanContext,
    section_prefix: str,
) -> tuple[Target | None, Decision]:
    """The record of one plan cell of one row (or the reason it gives none)."""
    spans = cell_spans(line)
    span = spans[column.index] if column.index < len(spans) else (0, len(line))
    plan_cell = row[column.index]
    change = re.match(r"^\s*(?P<verb>tăng|giảm)\s+(?:thêm\s+)?", plan_cell, re.IGNORECASE)
    value = cell_value(plan_cell[change.end() :] if change else plan_cell, _is_rank_row(row, found))
    kind, reason = "target", "table_plan_column"
    if value is None:
        kind, reason = "table_cell", ("no_value" if plan_cell.strip(" -x") else "empty_cell")
    elif context.start_year is not None and column.year is not None and column.year < context.start_year:
        kind, reason = "past_result", "past_plan_column"
    elif _is_budget_row(row, found):
        kind, reason = "budget", "budget_row"  # "Kinh phí sự nghiệp … được giao | tỷ đồng": an allocation
    low, high = (value[0], value[1]) if value else (None, None)
    decision = Decision(
        offset + span[0], offset + span[1], plan_cell, kind, reason, None, section_prefix, low, high
    )
    if kind != "target":
        return None, decision
    target = _record(
        _Row(line, offset, row, spans), column, found, catalog, context, section_prefix, change, value
    )
    return target, replace(decision, indicator=target.indicator, section=target.section, target=target)


def _record(
    row: _Row,
    column: Column,
    found: Layout,
    catalog: Catalog,
    context: PlanContext,
    section_prefix: str,
    change: re.Match[str] | None,
    value: tuple[float, float, str],
) -> Target:
    """The target of one plan cell: label, unit and baseline from their columns, quote of the row."""
    cells, spans, plan_cell = row.cells, row.spans, row.cells[column.index]
    label = cells[found.label]
    unit = cells[found.unit] if found.unit is not None and found.unit < len(cells) else None
    unit, cumulative = _clean_unit(unit, label, plan_cell)
    indicator = _table_indicator(catalog, label, unit, level=change is None)
    baseline = _baseline(cells, found)
    low, high, cell_bound = value
    target_type = "level"
    if change:  # "Tăng 10%": a change against the actual column, not a level
        target_type = "increase_by"
        unit = "%" if "%" in plan_cell else unit
        if change.group("verb").lower() == "giảm":
            low, high = -high, -low
    own = spans[column.index] if column.index < len(spans) else (0, len(row.line))
    quote_start = spans[0][0] if spans else 0
    quote_end = spans[-1][1] if len(found.plans) == 1 and spans else own[1]
    stt = cells[found.stt] if found.stt is not None and found.stt < len(cells) else None
    return Target(
        indicator=indicator,
        label=label,
        target_type=target_type,
        bound=cell_bound,
        value_min=low,
        value_max=high,
        unit=unit or None,
        target_year=column.year or context.default_year,
        baseline_value=baseline,
        baseline_year=found.actual.year if baseline is not None and found.actual else None,
        components=None,
        qualitative=False,
        quote=row.line[quote_start:quote_end],
        char_start=row.offset + quote_start,
        char_end=row.offset + quote_end,
        section=f"{section_prefix}.{stt}" if stt and section_prefix.startswith("PL") else section_prefix,
        confidence=0.9,
        source="table",
        decision_reason="table_plan_column",
        signals=_signals(indicator, column, baseline, cumulative, found),
    )


_HEAD_END = re.compile(r"\s(?:của|cho|thuộc|tại|trong|đối với|trên địa bàn)\s|,")


def _table_indicator(catalog: Catalog, label: str, unit: str | None, level: bool) -> str:
    """The indicator of a row: its label's head first ("Hợp đồng chuyển giao công nghệ của doanh nghiệp
    KH&CN" counts contracts), then the whole label; it must count what the unit counts."""
    head = _HEAD_END.search(label)
    for phrase in ([label[: head.start()]] if head else []) + [label]:
        code = catalog.match(f"{phrase} {unit or ''}")
        if code != OTHER:
            return code if compatible(unit, catalog.unit_of(code), level) else OTHER
    return OTHER


def _clean_unit(unit: str | None, label: str, plan_cell: str) -> tuple[str | None, bool]:
    """The unit cell without "(lũy kế)", "%" from the cell, "% GRDP" for shares of GRDP."""
    cumulative = bool(CUMULATIVE.search(fold_phrase(f"{label} {unit or ''}")))
    if unit:
        unit = re.sub(r"\s*\((?:lũy kế|luỹ kế|cộng dồn)\)\s*", " ", unit, flags=re.IGNORECASE).strip() or None
    if "%" in plan_cell and not unit:
        unit = "%"
    if unit == "%" and SHARE_OF_GRDP.search(fold_phrase(label)):
        unit = "% GRDP"
    if unit and re.fullmatch(r"(?:thu|xep)\s+hang|hang", fold_phrase(unit)):
        unit = "hạng"  # "Thứ hạng", "Xếp hạng": the unit of a rank
    if unit and re.fullmatch(
        r"nguoi\s*(?:/|tren)\s*(?:1\s*|mot\s+)?(?:van|10\.?000)\s*dan", fold_phrase(unit)
    ):
        unit = "người/10.000 dân"
    return unit, cumulative


_RANK_CELL = re.compile(
    r"^(?:(?P<group>nhóm|top|tốp)\s*)?(?P<rank>\d{1,3})(?:\s*/\s*\d{1,3})?$", re.IGNORECASE
)
_RANK_ROW = re.compile(r"\b(?:hang|thu hang|xep hang|vi tri)\b")


_MONEY = re.compile(r"\b(?:ty|trieu|nghin|ngan) dong\b")


def _is_budget_row(row: list[str], found: Layout) -> bool:
    """A row of money allocated or estimated (a budget), not a spending target."""
    unit = row[found.unit] if found.unit is not None and found.unit < len(row) else ""
    label = fold_phrase(row[found.label])
    return bool(_MONEY.search(fold_phrase(unit) + " " + label) and BUDGET_LABEL.search(label))


def _is_rank_row(row: list[str], found: Layout) -> bool:
    unit = row[found.unit] if found.unit is not None and found.unit < len(row) else ""
    return bool(_RANK_ROW.search(fold_phrase(unit)) or _RANK_ROW.search(fold_phrase(row[found.label])))


def cell_value(cell: str, rank_row: bool = False) -> tuple[float, float, str] | None:
    """A table cell read as (low, high, bound); in a rank row also "35/63" (35 of 63, eq) and
    "Nhóm 20/34" (within the first 20, le)."""
    value = parse_cell(cell)
    if value is not None or not rank_row:
        return value
    match = _RANK_CELL.match(cell.strip())
    if not match:
        return None
    rank = float(match.group("rank"))
    return rank, rank, "le" if match.group("group") else "eq"


def _baseline(row: list[str], found: Layout) -> float | None:
    if found.actual is None or found.actual.index >= len(row):
        return None
    actual = cell_value(row[found.actual.index], _is_rank_row(row, found))
    return actual[0] if actual and actual[0] == actual[1] else None


def _signals(indicator: str, column: Column, baseline: float | None, cumulative: bool, found: Layout) -> dict:
    return {
        "segment": "table_cell",
        "indicator_matched": indicator != "other",
        "indicator_source": "table_label",
        "commitment_cue": None,
        "action_cue": None,
        "goal_section": False,
        "year_source": "table_header" if column.year is not None else "plan_period",
        "unit_source": "table_column" if found.unit is not None else "cell",
        "table_row": True,
        "table_plan_columns": len(found.plans),
        "number_form": "digits",
        "number_words": False,
        "past_cue_nearby": False,
        "baseline_found": baseline is not None,
        "cumulative": cumulative,
    }
