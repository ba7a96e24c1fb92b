"""Exports for people: Parquet, Excel-friendly CSV and one workbook an analyst can read.

Parquet and CSV keep the machine column names, for tools. The workbook is for a ministry
analyst: an introduction sheet, the province × indicator matrix with the national target
above each indicator, one sheet per mart with Vietnamese headers (the machine name kept
in a small second header row), and a data dictionary.

Every file is written beside its final name and renamed into place only when all of them
are complete, so a failed or killed run leaves the previous good set readable instead of
a half-written file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

WORKBOOK_NAME = "khcn_benchmark.xlsx"
EXCEL_SHEET_NAME_MAX = 31
EXCEL_CELL_MAX = 32_767
MAX_COLUMN_WIDTH = 60
MATRIX_COLUMN_WIDTH = 30
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

INTRO_SHEET = "Giới thiệu"
DICTIONARY_SHEET = "Từ điển dữ liệu"
MATRIX_MART = "mart_indicator_matrix_wide"
LONG_MATRIX_MART = "mart_indicator_matrix"
INDICATOR_MART = "dim_indicator"
DOCUMENT_MART = "dim_document"
NOT_STATED_CELL = "Không nêu"
NOT_STATED_VI = "Không nêu trong kế hoạch"
NO_NATIONAL_TARGET = "—"

# Mart → (sheet name, what the sheet shows in one Vietnamese line). The order here is the
# order of the sheets after the introduction; a mart not listed here still gets a sheet
# (named after the mart) after these, so a new dbt model never disappears from the workbook.
SHEETS: dict[str, tuple[str, str]] = {
    MATRIX_MART: (
        "Ma trận chỉ tiêu",
        "Mỗi tỉnh một dòng, mỗi chỉ tiêu một cột: mục tiêu của kế hoạch mới nhất hoặc “Không nêu”; "
        "hàng tiêu đề thứ hai là mục tiêu quốc gia; di chuột vào ô để xem câu trích dẫn.",
    ),
    "mart_province_profile": (
        "Hồ sơ tỉnh",
        "Mỗi tỉnh một dòng: số kế hoạch, giai đoạn, số mục tiêu, số chỉ tiêu có nêu, "
        "văn bản được trích dẫn, chủ đề nổi bật, lưu ý.",
    ),
    "mart_indicator_comparison": (
        "So sánh quốc gia",
        "Từng mục tiêu của tỉnh so với mục tiêu quốc gia cùng năm, khoảng giá trị giữa các tỉnh, "
        "quy đổi % GRDP ra tỷ đồng.",
    ),
    "fct_indicator_target": (
        "Mục tiêu",
        "Mỗi mục tiêu định lượng trong kế hoạch một dòng, kèm câu trích nguyên văn và vị trí trong văn bản.",
    ),
    LONG_MATRIX_MART: (
        "Ma trận chi tiết",
        "Mỗi tỉnh × mỗi chỉ tiêu: có nêu (mọi mục tiêu, đánh dấu kế hoạch mới nhất) hoặc không nêu.",
    ),
    "mart_policy_alignment": (
        "Liên kết chính sách",
        "Kế hoạch × văn bản trung ương được trích dẫn, và số tỉnh cùng trích dẫn (khung chính sách chung).",
    ),
    "fct_citation": (
        "Trích dẫn",
        "Mỗi cặp (kế hoạch, văn bản được trích dẫn): số lần, cấp ban hành, ngày, "
        "liên kết tới kế hoạch có trong kho.",
    ),
    "mart_theme_coverage": (
        "Chủ đề",
        "Tỉnh × chủ đề: số lần nhắc đến, số mục, tỷ trọng nội dung kế hoạch.",
    ),
    DOCUMENT_MART: (
        "Văn bản",
        "Mỗi kế hoạch một dòng: số hiệu, ngày, cơ quan ban hành, trích yếu, giai đoạn, lưu ý.",
    ),
    INDICATOR_MART: (
        "Danh mục chỉ tiêu",
        "Danh mục chỉ tiêu dùng để đối chiếu: tên, đơn vị, định nghĩa, số tỉnh có nêu.",
    ),
    "dim_province": (
        "Tỉnh (63)",
        "63 tỉnh, thành phố trước 1/7/2025 và đơn vị hành chính mới mà mỗi tỉnh thuộc về.",
    ),
    "dim_province_2025": (
        "Đơn vị 2025",
        "34 đơn vị hành chính cấp tỉnh từ 1/7/2025 và các tỉnh cũ hợp nhất vào mỗi đơn vị.",
    ),
    "mart_rejected_documents": (
        "Loại bỏ - văn bản",
        "Tệp không được đưa vào kho dữ liệu, lý do và cách xử lý.",
    ),
    "mart_rejected_records": (
        "Loại bỏ - bản ghi",
        "Mục tiêu và trích dẫn bị loại trong quá trình trích xuất, kèm lý do.",
    ),
}

# Text columns that hold sentences (quotes, evidence, reasons, titles): wrapped, not cut off.
WRAP_MARKERS = ("quote", "evidence", "reason", "label", "title", "description", "definition", "note")
# Integer columns holding a year (or month): shown "2025", never "2.025".
YEAR_COLUMNS = frozenset({"year", "period_start", "period_end", "period_from", "period_to", "issue_month"})
# Floats that are true 0–1 fractions; every other percentage is stored as written (1.5 = 1,5 %).
FRACTION_COLUMNS = frozenset({"text_share"})
# In these marts the value columns come first and the quote far right; the workbook moves the
# quote (and section) right after the values so the evidence sits beside every number.
VALUE_ANCHORS = ("value_min", "value_max", "unit", "target_year", "cell_text")
EVIDENCE_COLUMNS = ("quote", "section")
STATUS_COLUMNS = frozenset({"status", "status_vi"})
VALUE_COLUMNS = frozenset(
    {"value_min", "value_max", "range_min", "range_max", "national_min", "national_max", "baseline_value"}
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HEADER_STYLE = {
    "bold": True,
    "bg_color": "#DDEBF7",
    "border": 1,
    "border_color": "#9BC2E6",
    "text_wrap": True,
    "valign": "top",
}
MACHINE_STYLE = {
    "font_size": 8,
    "font_color": "#808080",
    "bg_color": "#F2F2F2",
    "border": 1,
    "border_color": "#D9D9D9",
    "valign": "top",
}
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
HEADER_ROWS = 2  # Vietnamese header, machine names
MATRIX_HEADER_ROWS = 3  # Vietnamese header, national target, machine codes


@dataclass(frozen=True)
class ColumnDoc:
    """What dbt says about one column: its Vietnamese header (meta.label_vi) and description."""

    label_vi: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ModelDoc:
    """What dbt says about one model, as read from target/manifest.json."""

    description: str = ""
    columns: Mapping[str, ColumnDoc] = field(default_factory=dict)

    def label(self, column: str) -> str:
        """The Vietnamese header, or the machine name when dbt has none (never a blank header)."""
        doc = self.columns.get(column)
        return (doc.label_vi if doc and doc.label_vi else None) or column


@dataclass(frozen=True, eq=False)
class WorkbookContext:
    """Everything the workbook needs besides the marts: kept small and typed so the export
    asset is the only place that knows about the warehouse and the dbt manifest."""

    built_at: dt.datetime
    document_count: int = 0
    provinces: tuple[str, ...] = ()
    national_targets: pl.DataFrame | None = None
    models: Mapping[str, ModelDoc] = field(default_factory=dict)

    def model(self, name: str) -> ModelDoc:
        return self.models.get(name, ModelDoc())


def build_time() -> dt.datetime:
    """Now, in Vietnam's time zone: the analyst reads the build time as local time."""
    return dt.datetime.now(VN_TZ)


def model_docs(manifest: Mapping[str, Any], package: str = "khcn_benchmark") -> dict[str, ModelDoc]:
    """Model and column documentation from a parsed dbt manifest, keyed by model name.

    The Vietnamese headers live in column meta `label_vi`; newer dbt also mirrors meta under
    `config.meta`, so both places are read.
    """
    docs: dict[str, ModelDoc] = {}
    for key, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") != "model" or not key.startswith(f"model.{package}."):
            continue
        columns = {}
        for name, column in node.get("columns", {}).items():
            meta = column.get("meta") or column.get("config", {}).get("meta") or {}
            columns[name] = ColumnDoc(meta.get("label_vi"), (column.get("description") or "").strip())
        docs[node["name"]] = ModelDoc((node.get("description") or "").strip(), columns)
    return docs


def load_model_docs(manifest_path: Path) -> dict[str, ModelDoc]:
    """`model_docs` of the manifest file; empty (machine headers) when dbt has not parsed yet."""
    if not manifest_path.exists():
        return {}
    return model_docs(json.loads(manifest_path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------
# Pure helpers: names, text, numbers
# ---------------------------------------------------------------------------------------------


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel sheet name (≤ 31 chars, no []:*?/\\, no edge apostrophe), unique within the workbook
    (Excel compares sheet names case-insensitively)."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'")[:EXCEL_SHEET_NAME_MAX] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"~{n}"
        candidate = clean[: EXCEL_SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def plan_sheets(marts: Sequence[str]) -> list[tuple[str, str]]:
    """(mart, sheet name) in workbook order: known marts in `SHEETS` order, then any other mart.

    The introduction and the data dictionary names are reserved first so no mart can take them.
    """
    taken = {INTRO_SHEET, DICTIONARY_SHEET}
    known = [mart for mart in SHEETS if mart in marts]
    others = [mart for mart in marts if mart not in SHEETS]
    return [(mart, sheet_name(SHEETS[mart][0] if mart in SHEETS else mart, taken)) for mart in known + others]


def excel_text(value: str) -> str:
    """Text that fits in one Excel cell: longer than 32,767 characters is cut, ending in "…".
    Carriage returns become line feeds, the only line break an Excel cell shows as one."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value if len(value) <= EXCEL_CELL_MAX else value[: EXCEL_CELL_MAX - 1] + "…"


def looks_like_formula(value: str) -> bool:
    """Text that a spreadsheet could take for a formula if a user re-enters the cell."""
    return value.startswith(FORMULA_PREFIXES)


def vn_number(value: float) -> str:
    """1.5 → "1,5", 2.0 → "2": how the plans and the matrix cells write numbers."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def decimals(value: float, most: int = 4) -> int:
    """Decimal places a value actually has (up to `most`), so 1.2 shows "1,2" and 2.0 shows "2"."""
    return len(f"{abs(value):.{most}f}".rstrip("0").partition(".")[2])


def number_format(value: float, kind: str) -> str:
    """Excel number format for one cell.

    Percentages are stored as written (1.5 means 1,5 % and the unit column says "%"), so
    Excel's % format, which multiplies by 100, is used only for true 0–1 fractions.
    Excel shows the separators of the reader's locale (1.234,5 in Vietnamese Excel).
    """
    if kind == "year":
        return "0"
    if kind == "fraction":
        places = decimals(value * 100, most=2)
        return "0%" if places == 0 else "0." + "0" * places + "%"
    places = decimals(value)
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def target_text(
    value_min: float | None,
    value_max: float | None,
    bound: str | None,
    target_type: str | None,
    unit: str | None,
    year: int | None,
) -> str:
    """A target as an analyst writes it, "1,2–1,5% GRDP (2025)"; the same rules as the dbt
    model int_target_cells, so national and provincial targets read alike."""
    prefix = {"increase_by": "+", "multiply_by": "×"}.get(target_type or "", "")
    prefix += {"ge": "≥ ", "gt": "> ", "le": "≤ ", "lt": "< ", "approx": "~"}.get(bound or "", "")
    low = value_min if value_min is not None else value_max
    high = value_max if value_max is not None else value_min
    if low is None or high is None:
        number = ""
    elif low == high:
        number = vn_number(low)
    else:
        number = f"{vn_number(low)}–{vn_number(high)}"
    suffix = "" if not unit else unit if unit.startswith("%") else f" {unit}"
    when = f" ({year})" if year is not None else ""
    return f"{prefix}{number}{suffix}{when}".strip()


def national_target_texts(national: pl.DataFrame | None) -> dict[str, str]:
    """Indicator code → its national targets, one line per source document, e.g.
    "569/QĐ-TTg: 1,2–1,5% GRDP (2025); 1,5–2% GRDP (2030)". Sources are in date order."""
    if national is None or national.is_empty():
        return {}
    order = [
        c for c in ("indicator_code", "issue_date", "source_doc", "target_year") if c in national.columns
    ]
    lines: dict[str, dict[str, list[str]]] = {}
    for row in national.sort(order, nulls_last=True).iter_rows(named=True):
        text = target_text(
            row.get("value_min"),
            row.get("value_max"),
            row.get("bound"),
            row.get("target_type"),
            row.get("unit"),
            row.get("target_year"),
        )
        source = row.get("source_doc") or ""
        lines.setdefault(row["indicator_code"], {}).setdefault(source, []).append(text)
    return {
        code: "\n".join(
            f"{source}: {'; '.join(texts)}" if source else "; ".join(texts)
            for source, texts in by_source.items()
        )
        for code, by_source in lines.items()
    }


def workbook_columns(columns: Sequence[str]) -> list[str]:
    """Column order for the workbook: the quote (and section) moved right after the value
    columns, so the evidence sits beside every number. Parquet/CSV keep the dbt order."""
    columns = list(columns)
    anchors = [columns.index(c) for c in VALUE_ANCHORS if c in columns]
    evidence = [c for c in EVIDENCE_COLUMNS if c in columns]
    if not anchors or "quote" not in columns:
        return columns
    anchor = columns[max(anchors)]
    rest = [c for c in columns if c not in evidence]
    at = rest.index(anchor) + 1
    return rest[:at] + evidence + rest[at:]


def is_year_column(column: str) -> bool:
    return column in YEAR_COLUMNS or column.endswith("_year")


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


def unit_hint(column: str, columns: Sequence[str]) -> str:
    """The unit of a column when its name or its table makes it evident, for the dictionary."""
    if column.endswith("_bn_vnd"):
        return "tỷ đồng"
    if column in VALUE_COLUMNS and "unit" in columns:
        return "theo cột Đơn vị (unit) của cùng dòng"
    if column in FRACTION_COLUMNS:
        return "tỷ lệ 0–1 (hiển thị %)"
    if column.endswith("_pct"):
        return "%"
    if column in {"latitude", "longitude"}:
        return "độ"
    if column == "issue_month":
        return "tháng"
    if is_year_column(column):
        return "năm"
    if column == "confidence":
        return "0–1"
    if column in {"char_count", "char_start", "char_end", "first_char_start"}:
        return "ký tự"
    return ""


def indicator_catalog(tables: Mapping[str, pl.DataFrame]) -> dict[str, dict[str, Any]]:
    """Indicator code → its dim_indicator row (name_vi, unit, definition …)."""
    catalog = tables.get(INDICATOR_MART)
    if catalog is None or "indicator_code" not in catalog.columns:
        return {}
    return {row["indicator_code"]: row for row in catalog.iter_rows(named=True)}


def matrix_evidence(tables: Mapping[str, pl.DataFrame]) -> dict[tuple[str, str], str]:
    """(province, indicator) → the quotes behind a matrix cell, for the cell's comment."""
    matrix = tables.get(LONG_MATRIX_MART)
    needed = {"province_code", "indicator_code", "status", "is_newest", "quote"}
    if matrix is None or not needed <= set(matrix.columns):
        return {}
    notes: dict[tuple[str, str], list[str]] = {}
    stated = matrix.filter((pl.col("status") == "stated") & pl.col("is_newest"))
    for row in stated.iter_rows(named=True):
        where = ", ".join(
            part
            for part in (
                f"năm {row['target_year']}" if row.get("target_year") is not None else "",
                f"kế hoạch {row['doc_number']}" if row.get("doc_number") else "",
                f"mục {row['section']}" if row.get("section") else "",
            )
            if part
        )
        notes.setdefault((row["province_code"], row["indicator_code"]), []).append(
            f"{where}:\n“{row['quote'] or ''}”" if where else f"“{row['quote'] or ''}”"
        )
    return {key: excel_text("\n\n".join(texts)) for key, texts in notes.items()}


def dictionary(
    tables: Mapping[str, pl.DataFrame], sheets: Sequence[tuple[str, str]], context: WorkbookContext
) -> pl.DataFrame:
    """One row per column of every data sheet: sheet, machine name, Vietnamese header,
    meaning (dbt description), unit when evident, source model."""
    catalog = indicator_catalog(tables)
    rows = []
    for mart, sheet in sheets:
        doc = context.model(mart)
        columns = workbook_columns(tables[mart].columns)
        for column in columns:
            if mart == MATRIX_MART and column in catalog:
                indicator = catalog[column]
                label = indicator.get("name_vi") or column
                meaning = (
                    "Mục tiêu của kế hoạch mới nhất của tỉnh cho chỉ tiêu này, hoặc “Không nêu”. "
                    + (indicator.get("definition") or indicator.get("name_en") or "")
                ).strip()
                unit = indicator.get("unit") or ""
            else:
                label = doc.label(column)
                meaning = doc.columns[column].description if column in doc.columns else ""
                unit = unit_hint(column, columns)
            rows.append(
                {
                    "sheet": sheet,
                    "column": column,
                    "label_vi": label,
                    "description": meaning,
                    "unit": unit,
                    "source_model": mart,
                }
            )
    schema = dict.fromkeys(("sheet", "column", "label_vi", "description", "unit", "source_model"), pl.String)
    return pl.DataFrame(rows, schema=schema)


DICTIONARY_DOC = ModelDoc(
    "Từ điển dữ liệu của bảng tính.",
    {
        "sheet": ColumnDoc("Trang tính"),
        "column": ColumnDoc("Tên cột (máy)"),
        "label_vi": ColumnDoc("Tiêu đề tiếng Việt"),
        "description": ColumnDoc("Ý nghĩa (mô tả trong dbt)"),
        "unit": ColumnDoc("Đơn vị"),
        "source_model": ColumnDoc("Mô hình nguồn"),
    },
)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


class _Formats:
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


def _write_text(sheet: Worksheet, row: int, col: int, value: str, formats: _Formats, style: Mapping) -> int:
    """Always as text, never a formula: `write_string`, with Excel's quote prefix on text
    starting with = + - @ so re-entering the cell in Excel keeps it text too."""
    text = excel_text(value)
    extra = {"quote_prefix": True} if looks_like_formula(text) else {}
    sheet.write_string(row, col, text, formats.get(style, **extra))
    return max((len(line) for line in text.splitlines()), default=0)


def _write_value(
    sheet: Worksheet, row: int, col: int, value: Any, kind: str, formats: _Formats, style: Mapping
) -> int:
    """Write one cell in the way its column is shown; returns its display width."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, formats.get(style))
        return 0
    if isinstance(value, bool):
        return _write_text(sheet, row, col, "Có" if value else "Không", formats, style)
    if isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, formats.get(style, num_format="dd/mm/yyyy hh:mm"))
        return 16
    if isinstance(value, dt.date):
        sheet.write_datetime(
            row,
            col,
            dt.datetime(value.year, value.month, value.day),
            formats.get(style, num_format="dd/mm/yyyy"),
        )
        return 10
    if isinstance(value, int | float) and not math.isinf(value):
        fmt = number_format(float(value), kind)
        sheet.write_number(row, col, value, formats.get(style, num_format=fmt))
        return len(f"{value}") if kind == "year" else len(f"{float(value):,.{decimals(float(value))}f}") + 1
    if isinstance(value, list):
        return _write_text(sheet, row, col, ", ".join(str(v) for v in value), formats, style)
    return _write_text(sheet, row, col, str(value), formats, style)


def _kind_style(kind: str) -> dict[str, Any]:
    style: dict[str, Any] = {"valign": "top"}
    if kind == "wrap":
        style["text_wrap"] = True
    return style


def _status_style(value: Any) -> Mapping[str, Any]:
    if value in ("not_stated", NOT_STATED_VI, NOT_STATED_CELL) or value is None:
        return NOT_STATED_STYLE
    return STATED_STYLE


def _column_width(kind: str, label: str, column: str, longest: int, cap: int = MAX_COLUMN_WIDTH) -> float:
    """Wide enough for the data and the machine name; the Vietnamese header wraps if longer."""
    if kind == "wrap":
        return min(max(longest, 20), cap)
    header = max(min(len(label), 24), math.ceil(len(column) * 0.75))
    return min(max(header, longest, 6) + 2, cap)


def write_table_sheet(sheet: Worksheet, formats: _Formats, frame: pl.DataFrame, doc: ModelDoc) -> None:
    """One mart: Vietnamese header, machine names below it, frozen header, autofilter, formats."""
    columns = workbook_columns(frame.columns)
    frame = frame.select(columns)
    kinds = [column_kind(frame, column) for column in columns]
    labels = [doc.label(column) for column in columns]
    for col, (label, column) in enumerate(zip(labels, columns, strict=True)):
        sheet.write_string(0, col, excel_text(label), formats.get(HEADER_STYLE))
        sheet.write_string(1, col, column, formats.get(MACHINE_STYLE))
    status_at = columns.index("status") if "status" in columns else None
    longest = [0] * len(columns)
    for row_index, row in enumerate(frame.iter_rows(), start=HEADER_ROWS):
        status = _status_style(row[status_at]) if status_at is not None else {}
        for col, value in enumerate(row):
            style = {**_kind_style(kinds[col]), **(status if columns[col] in STATUS_COLUMNS else {})}
            longest[col] = max(
                longest[col], _write_value(sheet, row_index, col, value, kinds[col], formats, style)
            )
    for col, column in enumerate(columns):
        sheet.set_column(col, col, _column_width(kinds[col], labels[col], column, longest[col]))
    sheet.freeze_panes(HEADER_ROWS, 0)
    if columns:
        sheet.autofilter(HEADER_ROWS - 1, 0, HEADER_ROWS - 1 + frame.height, len(columns) - 1)


def write_matrix_sheet(
    sheet: Worksheet,
    formats: _Formats,
    frame: pl.DataFrame,
    doc: ModelDoc,
    catalog: Mapping[str, Mapping[str, Any]],
    national: Mapping[str, str],
    evidence: Mapping[tuple[str, str], str],
) -> None:
    """The province × indicator matrix: indicator name, national target and code as three
    header rows; stated cells light green with their quote as a comment, "Không nêu" grey."""
    columns = frame.columns
    indicators = {c for c in columns if c in catalog} or {c for c in columns if c not in doc.columns}
    ids = [c for c in columns if c not in indicators]
    for col, column in enumerate(columns):
        label = (
            (catalog.get(column, {}).get("name_vi") or column) if column in indicators else doc.label(column)
        )
        sheet.write_string(0, col, excel_text(label), formats.get(HEADER_STYLE))
        sheet.write_string(2, col, column, formats.get(MACHINE_STYLE))
        if column in indicators:
            sheet.write_string(1, col, national.get(column, NO_NATIONAL_TARGET), formats.get(NATIONAL_STYLE))
        elif col == len(ids) - 1:
            sheet.write_string(
                1, col, "Mục tiêu quốc gia →", formats.get(NATIONAL_STYLE, bold=True, align="right")
            )
        else:
            sheet.write_blank(1, col, None, formats.get(NATIONAL_STYLE))
    longest = [0] * len(columns)
    for row_index, row in enumerate(frame.iter_rows(named=True), start=MATRIX_HEADER_ROWS):
        for col, column in enumerate(columns):
            value = row[column]
            if column in indicators:
                style = {"valign": "top", "text_wrap": True, **_status_style(value)}
                note = evidence.get((row.get("province_code"), column))
            else:
                style, note = {"valign": "top"}, None
            longest[col] = max(
                longest[col], _write_value(sheet, row_index, col, value, "text", formats, style)
            )
            if note:
                sheet.write_comment(
                    row_index, col, note, {"x_scale": 3, "y_scale": 3, "author": "khcn-benchmark"}
                )
    for col, column in enumerate(columns):
        if column in indicators:
            sheet.set_column(col, col, min(max(longest[col], 14) + 2, MATRIX_COLUMN_WIDTH))
        else:
            sheet.set_column(col, col, _column_width("text", doc.label(column), column, longest[col]))
    sheet.freeze_panes(MATRIX_HEADER_ROWS, min(len(ids), 2))
    if columns:
        sheet.autofilter(MATRIX_HEADER_ROWS - 1, 0, MATRIX_HEADER_ROWS - 1 + frame.height, len(columns) - 1)


def intro_facts(
    tables: Mapping[str, pl.DataFrame], sheets: Sequence[tuple[str, str]], context: WorkbookContext
) -> list[tuple[str, str]]:
    """The introduction's (topic, Vietnamese text) lines: what the workbook is, when and from
    which plans it was built, how to read "not stated", where each number comes from."""
    built = context.built_at.astimezone(VN_TZ)
    names = ", ".join(context.provinces)
    national = context.national_targets
    sources: list[str] = []
    if national is not None and "source_doc" in national.columns:
        sources = list(dict.fromkeys(s for s in national["source_doc"].to_list() if s))
    facts = [
        (
            "Bảng tính này là gì",
            "Tổng hợp các chỉ tiêu, mục tiêu định lượng và văn bản căn cứ trong kế hoạch khoa học, công nghệ "
            "và đổi mới sáng tạo (KH,CN&ĐMST) do các tỉnh, thành phố ban hành. Số liệu được đọc tự động từ "
            "chính văn bản kế hoạch để so sánh giữa các tỉnh và với mục tiêu quốc gia, không chép tay.",
        ),
        ("Thời điểm lập", f"{built:%d/%m/%Y %H:%M} (giờ Việt Nam, Asia/Ho_Chi_Minh)"),
        ("Số văn bản kế hoạch", f"{context.document_count} văn bản"),
        ("Tỉnh, thành phố", f"{len(context.provinces)} tỉnh, thành phố: {names}" if names else "0"),
    ]
    rejected = tables.get("mart_rejected_documents")
    if rejected is not None:
        where = dict(sheets).get("mart_rejected_documents", "")
        facts.append(("Tệp bị loại", f"{rejected.height} tệp (xem trang “{where}”)"))
    return [
        *facts,
        (
            "Cách đọc “Không nêu”",
            f"“{NOT_STATED_VI}” (viết gọn “{NOT_STATED_CELL}”, ô nền xám chữ xám; tình trạng not_stated): "
            "kế hoạch của tỉnh không nêu gì về chỉ tiêu đó. Đây là một câu trả lời, KHÁC với giá trị 0: "
            "không được cộng, lấy trung bình hay xếp hạng như số 0. Ô nền xanh nhạt: kế hoạch có nêu mục tiêu.",
        ),
        (
            "Nguồn của mỗi con số",
            "Mỗi con số đều có câu trích nguyên văn (cột “Trích dẫn nguyên văn”) và vị trí trong kế hoạch "
            "(cột “Mục”) ngay bên cạnh, cùng mã và số hiệu văn bản để tra lại bản gốc. Trên trang ma trận, "
            "di chuột vào một ô để xem câu trích dẫn.",
        ),
        (
            "Mục tiêu quốc gia",
            "Hàng tiêu đề thứ hai của trang ma trận: mục tiêu quốc gia của chỉ tiêu, theo từng văn bản"
            + (f" ({', '.join(sources)})" if sources else "")
            + f", như đã công bố. “{NO_NATIONAL_TARGET}”: chưa có mục tiêu quốc gia trong bảng tham chiếu.",
        ),
        (
            "Đơn vị và định dạng số",
            "Giá trị được ghi đúng như trong kế hoạch, kèm cột Đơn vị: 1,5 với đơn vị “% GRDP” nghĩa là "
            "1,5 % GRDP (không nhân 100). Năm ghi dạng 2025; ngày dạng ngày/tháng/năm; Có/Không cho giá trị "
            "đúng/sai. Dấu phân cách hàng nghìn và thập phân theo cài đặt vùng của máy.",
        ),
        (
            "Hai hàng tiêu đề",
            "Hàng 1: tên cột tiếng Việt. Hàng 2 (chữ nhỏ màu xám): tên cột máy, giống tên cột trong các tệp "
            "CSV và Parquet cùng tên mô hình (thư mục data/marts/). Nghĩa của từng cột: trang "
            f"“{DICTIONARY_SHEET}”.",
        ),
    ]


def sheet_listing(
    tables: Mapping[str, pl.DataFrame], sheets: Sequence[tuple[str, str]], context: WorkbookContext
) -> list[tuple[str, str, int | None, str, str]]:
    """(sheet, Vietnamese one-liner, rows, source model, dbt description) for every data sheet
    and the dictionary; a mart without a Vietnamese one-liner shows its dbt description."""
    listing: list[tuple[str, str, int | None, str, str]] = []
    for mart, title in sheets:
        description = context.model(mart).description
        blurb = SHEETS[mart][1] if mart in SHEETS else description
        listing.append((title, blurb, tables[mart].height, mart, description))
    listing.append(
        (
            DICTIONARY_SHEET,
            "Mọi cột của mọi trang: tên máy, tiêu đề tiếng Việt, ý nghĩa, đơn vị, mô hình nguồn.",
            None,
            "",
            "",
        )
    )
    return listing


def _internal_link(sheet: str) -> str:
    return "internal:'{}'!A1".format(sheet.replace("'", "''"))


def write_intro_sheet(
    sheet: Worksheet,
    formats: _Formats,
    facts: Sequence[tuple[str, str]],
    listing: Sequence[tuple[str, str, int | None, str, str]],
) -> None:
    """The first sheet: title, the facts, a colour legend, then the sheets with links."""
    wrap = {"text_wrap": True, "valign": "top"}
    for col, width in enumerate((28, 90, 10, 28, 60)):
        sheet.set_column(col, col, width)
    title = "Bộ số liệu so sánh kế hoạch khoa học, công nghệ và đổi mới sáng tạo cấp tỉnh"
    sheet.write_string(0, 0, title, formats.get(bold=True, font_size=14))
    row = 2
    for topic, text in facts:
        sheet.write_string(row, 0, topic, formats.get(wrap, bold=True))
        _write_text(sheet, row, 1, text, formats, wrap)
        row += 1
    sheet.write_string(row + 1, 0, "Chú giải màu", formats.get(wrap, bold=True))
    sheet.write_string(
        row + 1, 1, "1,2–1,5% GRDP (2025) — kế hoạch có nêu mục tiêu", formats.get(STATED_STYLE)
    )
    sheet.write_string(row + 2, 1, f"{NOT_STATED_CELL} — {NOT_STATED_VI}", formats.get(NOT_STATED_STYLE))
    row += 4
    sheet.write_string(row, 0, "Danh sách trang tính", formats.get(bold=True, font_size=12))
    row += 1
    for col, header in enumerate(("Trang tính", "Nội dung", "Số dòng", "Mô hình nguồn", "Mô tả (dbt)")):
        sheet.write_string(row, col, header, formats.get(HEADER_STYLE))
    link = formats.get({"font_color": "#0563C1", "underline": 1, "valign": "top"})
    for name, blurb, rows, mart, description in listing:
        row += 1
        sheet.write_url(row, 0, _internal_link(name), link, string=name)
        _write_text(sheet, row, 1, blurb, formats, wrap)
        if rows is not None:
            sheet.write_number(row, 2, rows, formats.get(num_format="#,##0", valign="top"))
        _write_text(sheet, row, 3, mart, formats, wrap)
        _write_text(sheet, row, 4, description, formats, wrap)
    sheet.activate()


def write_workbook(
    tables: Mapping[str, pl.DataFrame], path: Path, context: WorkbookContext | None = None
) -> list[str]:
    """The analyst's workbook; returns its sheet names in order.

    Sheets: introduction, the indicator matrix, one sheet per mart, the data dictionary.
    Strings are always written as text (`strings_to_formulas` off, `write_string`): a quote
    from a plan that starts with "=" or "+" must never become a formula.
    """
    context = context or WorkbookContext(built_at=build_time())
    sheets = plan_sheets(list(tables))
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "nan_inf_to_errors": True,
        },
    )
    try:
        workbook.set_properties(
            {
                "title": "So sánh kế hoạch KH,CN&ĐMST cấp tỉnh",
                "author": "khcn-benchmark",
                "created": context.built_at.astimezone(dt.UTC).replace(tzinfo=None),
            }
        )
        formats = _Formats(workbook)
        intro = workbook.add_worksheet(INTRO_SHEET)
        catalog = indicator_catalog(tables)
        for mart, name in sheets:
            sheet = workbook.add_worksheet(name)
            if mart == MATRIX_MART:
                write_matrix_sheet(
                    sheet,
                    formats,
                    tables[mart],
                    context.model(mart),
                    catalog,
                    national_target_texts(context.national_targets),
                    matrix_evidence(tables),
                )
            else:
                write_table_sheet(sheet, formats, tables[mart], context.model(mart))
        write_table_sheet(
            workbook.add_worksheet(DICTIONARY_SHEET),
            formats,
            dictionary(tables, sheets, context),
            DICTIONARY_DOC,
        )
        write_intro_sheet(
            intro, formats, intro_facts(tables, sheets, context), sheet_listing(tables, sheets, context)
        )
    finally:
        workbook.close()
    return [INTRO_SHEET, *(name for _, name in sheets), DICTIONARY_SHEET]


def export_tables(
    tables: Mapping[str, pl.DataFrame], out_dir: Path, context: WorkbookContext | None = None
) -> list[Path]:
    """Write every table as Parquet and CSV (UTF-8 with BOM), plus the workbook; all or nothing.

    Returns the final paths. Files are staged in a temporary folder inside
    `out_dir` (same file system, so the final `os.replace` is atomic per file).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        stage = Path(staging)
        for name, frame in tables.items():
            parquet = stage / f"{name}.parquet"
            frame.write_parquet(parquet)
            csv = stage / f"{name}.csv"
            frame.with_columns(pl.col(pl.List(pl.String)).list.join(", ")).write_csv(csv, include_bom=True)
            staged += [(parquet, out_dir / parquet.name), (csv, out_dir / csv.name)]
        workbook = stage / WORKBOOK_NAME
        write_workbook(tables, workbook, context)
        staged.append((workbook, out_dir / WORKBOOK_NAME))
        for source, target in staged:
            os.replace(source, target)
    return [target for _, target in staged]
