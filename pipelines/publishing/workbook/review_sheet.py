"""The workbook's review sheet "Kiểm tra", and the review status on the matrix cells.

The sheet lists every target of `fct_indicator_target`: those that need review first, then the
automatic ones, then those already checked. The analyst picks a decision in the drop-down (Xác nhận /
Loại / Sửa / Thêm), fills the corrected indicator code, value(s) or year, their name and a note, and
saves the file into data/raw/reviews/; `pipelines.reviews.xlsx_rows` reads it back by the
machine names of row 2 (the same names as the CSV format). Empty rows at the bottom take targets the
extractor missed ("Thêm": document_id and the quote copied from the plan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipelines.publishing.workbook.model import SheetColumn
from pipelines.publishing.workbook.sheets import (
    HEADER_ROWS,
    MACHINE_CELL_STYLE,
    Formats,
    print_setup,
    write_headers,
    write_text,
    write_value,
)
from pipelines.reviews import DECISIONS_VI, REVIEW_SHEET

TARGET_MART = "fct_indicator_target"
INDICATOR_MART = "dim_indicator"
CODE_LIST = "indicator_code_list"
MATRIX_MART = "mart_indicator_matrix"
BLANK_ROWS = 50  # rows for targets the extractor missed
CHECKED = ("verified", "corrected", "added")
STATUS_ORDER = {"needs_review": 0, "auto": 1, "corrected": 2, "added": 3, "verified": 4}
STATUS_VI = {
    "needs_review": "Cần kiểm tra",
    "auto": "Tự động (độ tin cậy cao)",
    "verified": "Đã xác nhận",
    "corrected": "Đã sửa",
    "added": "Đã thêm",
}
CHECKED_VI, UNCHECKED_VI = "đã kiểm tra", "cần kiểm tra"
NEEDS_REVIEW_STYLE = {"bg_color": "#FCE4D6"}
ANALYST_STYLE = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#D9D9D9"}
ANALYST_HEADER = {"bold": True, "bg_color": "#FFD966", "border": 1, "text_wrap": True, "valign": "top"}
DECISIONS_SHOWN = [word[0].upper() + word[1:] for word in DECISIONS_VI]  # Xác nhận, Loại, Sửa, Thêm

# (machine name, Vietnamese header, meaning, width, kind): shown, then the analyst's, then machine columns
SHOWN = (
    ("review_status_shown", "Trạng thái", "Cần kiểm tra, tự động (độ tin cậy cao) hoặc đã kiểm tra.", 16),
    ("province_name", "Tỉnh", "Tỉnh của kế hoạch.", 14),
    ("document_shown", "Văn bản", "Số hiệu (hoặc tên) kế hoạch.", 22),
    ("section", "Mục", "Mục trong kế hoạch (theo đề mục của văn bản).", 9),
    ("quote", "Câu trích", "Câu trích nguyên văn; với dòng Thêm: chép đúng câu trong văn bản.", 60),
    ("indicator_name_vi", "Chỉ tiêu", "Chỉ tiêu đã nhận ra.", 28),
    ("value_text_vi", "Giá trị", "Giá trị như đã đọc.", 14),
    ("extracted_year", "Năm", "Năm mục tiêu như đã đọc.", 7),
    ("confidence", "Độ tin cậy", "Xác suất bản ghi đúng (0–1), hiệu chỉnh trên bộ kiểm tra lần đầu.", 9),
)
ANALYST = (
    ("decision", "Quyết định", "Chọn: Xác nhận, Loại, Sửa hoặc Thêm.", 12),
    (
        "indicator_code",
        "Chỉ tiêu sửa (mã)",
        "Mã chỉ tiêu đúng (xem trang Từ điển / chỉ tiêu) khi Sửa hoặc Thêm.",
        16,
    ),
    ("value_min", "Giá trị từ", "Giá trị đúng (cận dưới, hoặc giá trị duy nhất) khi Sửa hoặc Thêm.", 10),
    ("value_max", "Giá trị đến", "Cận trên khi là khoảng; để trống nếu một giá trị.", 10),
    ("target_year", "Năm sửa", "Năm mục tiêu đúng khi Sửa hoặc Thêm.", 8),
    ("reviewer", "Người kiểm tra", "Tên người kiểm tra.", 14),
    ("note", "Ghi chú", "Ghi chú của người kiểm tra.", 24),
)
MACHINE = (
    ("target_id", "Mã mục tiêu", "Mã mục tiêu (không sửa).", 17),
    ("document_id", "Mã văn bản", "Mã văn bản (không sửa; chép sang dòng Thêm).", 17),
    (
        CODE_LIST,
        "Mã chỉ tiêu (danh sách)",
        "Các mã chỉ tiêu hợp lệ: danh sách chọn của cột Chỉ tiêu sửa (mã).",
        24,
    ),
)


def review_rows(targets: pl.DataFrame) -> pl.DataFrame:
    """The sheet's rows: needs_review first (lowest confidence first), then auto, then checked ones."""
    if targets.is_empty() or "review_status" not in targets.columns:
        return pl.DataFrame()
    return (
        targets.with_columns(
            pl.col("review_status").replace_strict(STATUS_VI, default="").alias("review_status_shown"),
            pl.coalesce(pl.col("doc_number"), pl.col("document_title")).alias("document_shown"),
            pl.col("target_year").alias("extracted_year"),
            pl.col("review_status").replace_strict(STATUS_ORDER, default=9).alias("_order"),
        )
        .sort(["_order", "confidence", "province_name", "char_start"], nulls_last=True)
        .drop("_order")
    )


def write_review_sheet(
    workbook: Workbook, formats: Formats, tables: Mapping[str, pl.DataFrame]
) -> tuple[str, str, list[SheetColumn]] | None:
    """Add the "Kiểm tra" sheet (when the build has targets with a review status); returns
    (mart, sheet, columns) for the data dictionary, as the other sheets do."""
    rows = review_rows(tables.get(TARGET_MART, pl.DataFrame()))
    if rows.is_empty():
        return None
    sheet = workbook.add_worksheet(REVIEW_SHEET)
    spec = [*SHOWN, *ANALYST, *MACHINE]
    machine = {name for name, *_ in MACHINE}
    columns = [SheetColumn(n, label, meaning, machine=n in machine) for n, label, meaning, _ in spec]
    write_headers(sheet, formats, columns)
    analyst = {name for name, *_ in ANALYST}
    for col, (name, label, *_) in enumerate(spec):
        if name in analyst:
            sheet.write_string(0, col, label, formats.get(ANALYST_HEADER))
    for row_index, row in enumerate(rows.iter_rows(named=True), start=HEADER_ROWS):
        _write_row(sheet, formats, row_index, row, spec, analyst)
    last = HEADER_ROWS + rows.height + BLANK_ROWS - 1
    for row_index in range(HEADER_ROWS + rows.height, last + 1):
        for col, (name, *_) in enumerate(spec):
            sheet.write_blank(row_index, col, None, formats.get(ANALYST_STYLE if name in analyst else {}))
    codes = _write_code_list(sheet, formats, spec, tables.get(INDICATOR_MART))
    _validate(sheet, spec, last, codes)
    for col, (name, _, _, width) in enumerate(spec):
        wrap = formats.get({"text_wrap": True, "valign": "top"}) if name == "quote" else None
        sheet.set_column(col, col, width, wrap, {"level": 1} if name in machine else {})
    sheet.freeze_panes(HEADER_ROWS, 0)
    sheet.autofilter(HEADER_ROWS - 1, 0, last, len(spec) - 1)
    print_setup(sheet, REVIEW_SHEET, HEADER_ROWS)
    return TARGET_MART, REVIEW_SHEET, columns


def _write_row(
    sheet: Worksheet, formats: Formats, row_index: int, row: dict, spec: Sequence, analyst: set
) -> None:
    status = row.get("review_status")
    base = {"valign": "top", **(NEEDS_REVIEW_STYLE if status == "needs_review" else {})}
    for col, (name, *_) in enumerate(spec):
        if name in analyst:
            sheet.write_blank(row_index, col, None, formats.get(ANALYST_STYLE))
            continue
        value = row.get(name)
        style = {**base, **({"text_wrap": True} if name == "quote" else {})}
        if name in ("target_id", "document_id"):
            style.update(MACHINE_CELL_STYLE)
        if name == "confidence" and value is not None:
            sheet.write_number(row_index, col, float(value), formats.get(style, num_format="0.00"))
        elif name == "extracted_year":
            write_value(sheet, row_index, col, value, "year", formats, style)
        else:
            write_text(sheet, row_index, col, "" if value is None else str(value), formats, style)


def _write_code_list(
    sheet: Worksheet, formats: Formats, spec: Sequence, indicators: pl.DataFrame | None
) -> int:
    """The catalog's codes down the list column (the indicator drop-down reads them); returns how many."""
    if indicators is None or "indicator_code" not in indicators.columns:
        return 0
    col = [name for name, *_ in spec].index(CODE_LIST)
    codes = indicators["indicator_code"].drop_nulls().to_list()
    for offset, code in enumerate(codes):
        sheet.write_string(HEADER_ROWS + offset, col, code, formats.get(MACHINE_CELL_STYLE))
    return len(codes)


def _validate(sheet: Worksheet, spec: Sequence, last: int, codes: int) -> None:
    """The decision and indicator drop-downs, and numbers only in the value and year columns."""
    names = [name for name, *_ in spec]
    if codes:
        col, source = names.index("indicator_code"), names.index(CODE_LIST)
        first, end = (
            xl_rowcol_to_cell(HEADER_ROWS, source, True, True),
            xl_rowcol_to_cell(HEADER_ROWS + codes - 1, source, True, True),
        )
        sheet.data_validation(
            HEADER_ROWS,
            col,
            last,
            col,
            {"validate": "list", "source": f"={first}:{end}", "error_type": "warning"},
        )
    decision = names.index("decision")
    sheet.data_validation(
        HEADER_ROWS,
        decision,
        last,
        decision,
        {
            "validate": "list",
            "source": DECISIONS_SHOWN,
            "error_title": "Quyết định",
            "error_message": "Chọn Xác nhận, Loại, Sửa hoặc Thêm.",
        },
    )
    for name in ("value_min", "value_max"):
        col = names.index(name)
        sheet.data_validation(
            HEADER_ROWS,
            col,
            last,
            col,
            {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15},
        )
    year = names.index("target_year")
    sheet.data_validation(
        HEADER_ROWS,
        year,
        last,
        year,
        {"validate": "integer", "criteria": "between", "minimum": 1990, "maximum": 2100},
    )


def matrix_review_status(tables: Mapping[str, pl.DataFrame]) -> dict[tuple[str, str], str]:
    """(province key, indicator) → review status of the newest plan's target(s) behind a matrix cell:
    needs_review if any of them needs it, checked if all were checked, else auto."""
    matrix, targets = tables.get(MATRIX_MART), tables.get(TARGET_MART)
    if matrix is None or targets is None or "review_status" not in targets.columns:
        return {}
    needed = {"province_key", "indicator_code", "status", "is_newest", "target_id"}
    if not needed <= set(matrix.columns):
        return {}
    joined = matrix.filter((pl.col("status") == "stated") & pl.col("is_newest")).join(
        targets.select("target_id", "review_status"), on="target_id", how="inner"
    )
    out: dict[tuple[str, str], str] = {}
    for row in joined.iter_rows(named=True):
        key, status = (row["province_key"], row["indicator_code"]), row["review_status"]
        current = out.get(key)
        if current == "needs_review" or status == "needs_review":
            out[key] = "needs_review"
        elif current is None or (current in CHECKED and status not in CHECKED):
            out[key] = status
    return out


def mark_matrix_review(
    sheet: Worksheet,
    formats: Formats,
    frame: pl.DataFrame,
    columns: Sequence[SheetColumn],
    tables: Mapping[str, pl.DataFrame],
    first_row: int,
) -> None:
    """Rewrite each stated matrix cell with its review status as a second line ("đã kiểm tra" /
    "cần kiểm tra"); cells that need review get their own colour."""
    statuses = matrix_review_status(tables)
    if not statuses or "province_key" not in frame.columns:
        return
    indicator_cols = [(col, c.name) for col, c in enumerate(columns) if c.role == "indicator"]
    for row_index, row in enumerate(frame.iter_rows(named=True), start=first_row):
        for col, code in indicator_cols:
            status = statuses.get((row["province_key"], code))
            if status is None or not row.get(code):
                continue
            word = CHECKED_VI if status in CHECKED else UNCHECKED_VI
            colour = NEEDS_REVIEW_STYLE if status == "needs_review" else {"bg_color": "#E2EFDA"}
            style = {"valign": "top", "text_wrap": True, **colour}
            write_text(sheet, row_index, col, f"{row[code]}\n({word})", formats, style)
