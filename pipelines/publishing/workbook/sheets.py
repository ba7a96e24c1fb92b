"""Writing the workbook's sheets with xlsxwriter: cells by kind, header rows, colours, print setup.

Strings are always written as text (`write_string`, with Excel's quote prefix on text starting with
= + - @), so a quote from a plan can never become a formula.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipelines.publishing.workbook.matrix import matrix_layout, value_column
from pipelines.publishing.workbook.model import (
    FRACTION_COLUMNS,
    NO_NATIONAL_TARGET,
    NOT_STATED_CELL,
    NOT_STATED_VI,
    VALUE_SUFFIX,
    WRAP_MARKERS,
    ModelDoc,
    SheetColumn,
    decimals,
    excel_text,
    is_year_column,
    number_format,
)
from pipelines.text.vietnamese import vietnam_time

MAX_COLUMN_WIDTH = 60
MATRIX_COLUMN_WIDTH = 30
MATRIX_VALUE_WIDTH = 9
MATRIX_ROW_HEIGHT = 45  # points: three lines of a wrapped cell
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
STATUS_COLUMNS = frozenset({"status", "status_vi"})
HEADER_ROWS = 2  # Vietnamese header, machine names
MATRIX_HEADER_ROWS = 3  # Vietnamese header, national target, machine codes
A4 = 9

HEADER_STYLE = {
    "bold": True,
    "bg_color": "#DDEBF7",
    "border": 1,
    "border_color": "#9BC2E6",
    "text_wrap": True,
    "valign": "top",
}
MACHINE_HEADER_STYLE = {
    **HEADER_STYLE,
    "bg_color": "#EDEDED",
    "border_color": "#D9D9D9",
    "font_color": "#595959",
}
MACHINE_STYLE = {
    "font_size": 8,
    "font_color": "#808080",
    "bg_color": "#F2F2F2",
    "border": 1,
    "border_color": "#D9D9D9",
    "valign": "top",
}
MACHINE_CELL_STYLE = {"font_color": "#808080", "font_size": 9}
NATIONAL_STYLE = {
    "font_size": 9,
    "bg_color": "#FFF2CC",
    "border": 1,
    "border_color": "#D9D9D9",
    "text_wrap": True,
    "valign": "top",
}
STATED_STYLE = {"bg_color": "#E2EFDA"}
NOT_STATED_STYLE = {"bg_color": "#EDEDED", "font_color": "#808080"}


class Formats:
    """xlsxwriter formats, one per distinct style: a workbook allows ~64,000, so never one per cell."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple, Format] = {}

    def get(self, *styles: Mapping[str, Any], **extra: Any) -> Format:
        props: dict[str, Any] = {}
        for style in styles:
            props.update(style)
        props.update(extra)
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]


def looks_like_formula(value: str) -> bool:
    """Text that a spreadsheet could take for a formula if a user re-enters the cell."""
    return value.startswith(FORMULA_PREFIXES)


def column_kind(frame: pl.DataFrame, column: str) -> str:
    """How a column is shown: bool, date, datetime, year, int, fraction, number, wrap, list, text."""
    dtype = frame.schema[column]
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.Date:
        return "date"
    if dtype.is_temporal():
        return "datetime"
    if dtype.is_integer():
        return "year" if is_year_column(column) else "int"
    if dtype.is_float():
        return "fraction" if column in FRACTION_COLUMNS else "number"
    if isinstance(dtype, pl.List):
        return "list"
    if any(marker in column for marker in WRAP_MARKERS) and not column.endswith("_code"):
        return "wrap"
    if dtype == pl.String and not frame.is_empty():
        longest = frame[column].str.len_chars().max() or 0
        if int(longest) > MAX_COLUMN_WIDTH:
            return "wrap"
    return "text"


def write_text(sheet: Worksheet, row: int, col: int, value: str, formats: Formats, style: Mapping) -> int:
    """Always as text, never a formula; returns the display width of the longest line."""
    text = excel_text(value)
    extra = {"quote_prefix": True} if looks_like_formula(text) else {}
    sheet.write_string(row, col, text, formats.get(style, **extra))
    return max((len(line) for line in text.splitlines()), default=0)


def write_value(
    sheet: Worksheet, row: int, col: int, value: Any, kind: str, formats: Formats, style: Mapping
) -> int:
    """Write one cell in the way its column is shown; returns its display width. Times are shown in
    Vietnam's time (Asia/Ho_Chi_Minh)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, formats.get(style))
        return 0
    if isinstance(value, bool):
        return write_text(sheet, row, col, "Có" if value else "Không", formats, style)
    if isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, vietnam_time(value), formats.get(style, num_format="dd/mm/yyyy hh:mm"))
        return 16
    if isinstance(value, dt.date):
        day = dt.datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, day, formats.get(style, num_format="dd/mm/yyyy"))
        return 10
    if isinstance(value, int | float) and not math.isinf(value):
        sheet.write_number(row, col, value, formats.get(style, num_format=number_format(float(value), kind)))
        return len(f"{value}") if kind == "year" else len(f"{float(value):,.{decimals(float(value))}f}") + 1
    if isinstance(value, list):
        return write_text(sheet, row, col, ", ".join(str(v) for v in value), formats, style)
    return write_text(sheet, row, col, str(value), formats, style)


def kind_style(kind: str) -> dict[str, Any]:
    style: dict[str, Any] = {"valign": "top"}
    if kind == "wrap":
        style["text_wrap"] = True
    return style


def status_style(value: Any) -> Mapping[str, Any]:
    if value in ("not_stated", NOT_STATED_VI, NOT_STATED_CELL) or value is None:
        return NOT_STATED_STYLE
    return STATED_STYLE


def column_width(kind: str, label: str, column: str, longest: int, cap: int = MAX_COLUMN_WIDTH) -> float:
    """Wide enough for the data and the machine name; the Vietnamese header wraps if longer."""
    if kind == "wrap":
        return min(max(longest, 20), cap)
    header = max(min(len(label), 24), math.ceil(len(column) * 0.75))
    return min(max(header, longest, 6) + 2, cap)


def print_setup(sheet: Worksheet, title: str, header_rows: int, title_columns: int = 0) -> None:
    """Print as a ministry sends it: A4 landscape, one page wide (as many pages down as needed), the
    header rows (and the province column) repeated on every page, the sheet's title and the page
    number in the page header and footer."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_rows - 1)
    if title_columns:
        sheet.repeat_columns(0, title_columns - 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    heading = title.replace("&", "&&")[:200]
    sheet.set_header(f'&L&"-,Bold"{heading}&RIn ngày &D')
    sheet.set_footer("&LSo sánh kế hoạch KH,CN&&ĐMST cấp tỉnh&RTrang &P/&N")


def write_headers(sheet: Worksheet, formats: Formats, columns: Sequence[SheetColumn]) -> None:
    """Row 1: the Vietnamese header (grey for machine columns); row 2: the machine name."""
    for col, column in enumerate(columns):
        style = MACHINE_HEADER_STYLE if column.machine else HEADER_STYLE
        sheet.write_string(0, col, excel_text(column.label), formats.get(style))
        sheet.write_string(1, col, column.name, formats.get(MACHINE_STYLE))


def write_table_sheet(
    sheet: Worksheet, formats: Formats, frame: pl.DataFrame, columns: Sequence[SheetColumn], title: str
) -> None:
    """One mart as presented (`model.present_table`): two header rows, frozen header, autofilter,
    formats; machine columns grouped (outline level 1) at the right."""
    names = [c.name for c in columns]
    kinds = [column_kind(frame, name) for name in names]
    write_headers(sheet, formats, columns)
    status_at = [i for i, name in enumerate(names) if name in STATUS_COLUMNS]
    longest = [0] * len(names)
    for row_index, row in enumerate(frame.iter_rows(), start=HEADER_ROWS):
        status = status_style(row[status_at[0]]) if status_at else {}
        for col, value in enumerate(row):
            style = {**kind_style(kinds[col]), **(status if names[col] in STATUS_COLUMNS else {})}
            if columns[col].machine:
                style.update(MACHINE_CELL_STYLE)
            longest[col] = max(
                longest[col], write_value(sheet, row_index, col, value, kinds[col], formats, style)
            )
    for col, column in enumerate(columns):
        options = {"level": 1} if column.machine else {}
        width = column_width(kinds[col], column.label, column.name, longest[col])
        sheet.set_column(col, col, width, None, options)
    sheet.freeze_panes(HEADER_ROWS, 0)
    if names:
        sheet.autofilter(HEADER_ROWS - 1, 0, HEADER_ROWS - 1 + frame.height, len(names) - 1)
    print_setup(sheet, title, HEADER_ROWS)


def _matrix_headers(
    sheet: Worksheet,
    formats: Formats,
    identity: Sequence[str],
    indicators: Sequence[str],
    machine: Sequence[SheetColumn],
    doc: ModelDoc,
    catalog: Mapping[str, Mapping[str, Any]],
    national: Mapping[str, str],
) -> list[SheetColumn]:
    """The three header rows of the matrix; returns every column in order (for the dictionary)."""
    columns: list[SheetColumn] = [SheetColumn(c, doc.label(c), doc.meaning(c)) for c in identity]
    for code in indicators:
        indicator = catalog.get(code, {})
        name, unit = indicator.get("name_vi") or code, indicator.get("unit") or ""
        meaning = (
            f"Mục tiêu của kế hoạch mới nhất của tỉnh cho chỉ tiêu này, hoặc “{NOT_STATED_CELL}”. "
            + (indicator.get("definition_vi") or "")
        ).strip()
        columns.append(SheetColumn(code, name, meaning, role="indicator"))
        columns.append(
            SheetColumn(
                value_column(code),
                f"số ({unit})" if unit else "số",
                "Con số của ô bên trái để sắp xếp, lọc: giá trị đến (cận trên) của mục tiêu; trống khi "
                "không nêu hoặc định tính. Chỉ so sánh được khi cùng năm, cùng loại mục tiêu: xem trang Xếp hạng.",
                role="value",
            )
        )
    columns += list(machine)
    for col, column in enumerate(columns):
        style = MACHINE_HEADER_STYLE if column.machine else HEADER_STYLE
        sheet.write_string(0, col, excel_text(column.label), formats.get(style))
        sheet.write_string(2, col, column.name, formats.get(MACHINE_STYLE))
        if column.role == "indicator":
            sheet.write_string(
                1, col, national.get(column.name, NO_NATIONAL_TARGET), formats.get(NATIONAL_STYLE)
            )
        elif col == len(identity) - 1:
            sheet.write_string(
                1, col, "Chỉ tiêu quốc gia →", formats.get(NATIONAL_STYLE, bold=True, align="right")
            )
        else:
            sheet.write_blank(1, col, None, formats.get(NATIONAL_STYLE))
    return columns


def write_matrix_sheet(
    sheet: Worksheet,
    formats: Formats,
    frame: pl.DataFrame,
    doc: ModelDoc,
    catalog: Mapping[str, Mapping[str, Any]],
    national: Mapping[str, str],
    evidence: Mapping[tuple[str, str], str],
    values: Mapping[tuple[str, str], float],
    title: str,
) -> list[SheetColumn]:
    """The province × indicator matrix: indicator name, national target and code as three header
    rows; per indicator the target text (light green, its quote as a comment; "Không nêu" grey)
    and a number beside it for sorting; the province name frozen on screen and repeated in print."""
    identity, indicators, machine = matrix_layout(frame, doc, catalog)
    columns = _matrix_headers(sheet, formats, identity, indicators, machine, doc, catalog, national)
    sheet.set_row(0, 48)
    lines = max((len(text.splitlines()) for text in national.values()), default=1)
    sheet.set_row(1, min(15 * lines + 6, 120))
    longest = [0] * len(columns)
    for row_index, row in enumerate(frame.iter_rows(named=True), start=MATRIX_HEADER_ROWS):
        sheet.set_row(row_index, MATRIX_ROW_HEIGHT)
        key = row.get("province_key")
        for col, column in enumerate(columns):
            if column.role == "indicator":
                style = {"valign": "top", "text_wrap": True, **status_style(row[column.name])}
                longest[col] = max(
                    longest[col], write_text(sheet, row_index, col, row[column.name], formats, style)
                )
                if note := evidence.get((key, column.name)):
                    sheet.write_comment(
                        row_index, col, note, {"x_scale": 3, "y_scale": 3, "author": "khcn-benchmark"}
                    )
            elif column.role == "value":
                value = values.get((key, column.name.removesuffix(VALUE_SUFFIX)))
                write_value(
                    sheet, row_index, col, value, "number", formats, {"valign": "top", "font_size": 9}
                )
            else:
                style = {"valign": "top", **(MACHINE_CELL_STYLE if column.machine else {})}
                longest[col] = max(
                    longest[col], write_value(sheet, row_index, col, row[column.name], "text", formats, style)
                )
    for col, column in enumerate(columns):
        if column.role == "indicator":
            sheet.set_column(col, col, min(max(longest[col], 14) + 2, MATRIX_COLUMN_WIDTH))
        elif column.role == "value":
            sheet.set_column(col, col, MATRIX_VALUE_WIDTH)
        else:
            width = column_width("text", column.label, column.name, longest[col])
            sheet.set_column(col, col, width, None, {"level": 1} if column.machine else {})
    sheet.freeze_panes(MATRIX_HEADER_ROWS, 1)
    if columns:
        sheet.autofilter(MATRIX_HEADER_ROWS - 1, 0, MATRIX_HEADER_ROWS - 1 + frame.height, len(columns) - 1)
    print_setup(sheet, title, MATRIX_HEADER_ROWS, title_columns=1)
    return columns
