"""The workbook's own words: the introduction sheet and the Vietnamese data dictionary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
from xlsxwriter.worksheet import Worksheet

from pipelines.publishing.workbook.model import (
    DICTIONARY_SHEET,
    FRACTION_COLUMNS,
    NO_NATIONAL_TARGET,
    NOT_STATED_CELL,
    NOT_STATED_VI,
    VALUE_COLUMNS,
    ColumnDoc,
    ModelDoc,
    SheetColumn,
    WorkbookContext,
    is_year_column,
)
from pipelines.publishing.workbook.sheets import (
    HEADER_STYLE,
    NOT_STATED_STYLE,
    STATED_STYLE,
    Formats,
    print_setup,
    write_text,
)
from pipelines.text.vietnamese import VN_TZ, sort_vietnamese

DICTIONARY_COLUMNS = ("sheet", "label_vi", "description", "unit", "group", "column", "source_model")
DICTIONARY_MACHINE_COLUMNS = frozenset({"column", "source_model"})
DICTIONARY_DOC = ModelDoc(
    "Từ điển dữ liệu của bảng tính.",
    {
        "sheet": ColumnDoc("Trang tính"),
        "column": ColumnDoc("Tên cột (máy)"),
        "label_vi": ColumnDoc("Tiêu đề tiếng Việt"),
        "description": ColumnDoc("Ý nghĩa"),
        "unit": ColumnDoc("Đơn vị"),
        "group": ColumnDoc("Nhóm cột"),
        "source_model": ColumnDoc("Mô hình nguồn"),
    },
)
# Sheets that are not one mart, with what they are for.
EXTRA_SHEETS = {
    "Kiểm tra": "Kiểm tra từng mục tiêu: chọn Xác nhận, Loại, Sửa hoặc Thêm, ghi tên và ghi chú, rồi lưu tệp "
    "vào data/raw/reviews/ để lần chạy sau áp dụng. Mục tiêu cần kiểm tra đứng đầu.",
}
PERSON_GROUP = "Cột đọc"
MACHINE_GROUP = "Cột mã (bên phải, chữ xám)"


def unit_hint(column: str, columns: Sequence[str]) -> str:
    """The unit of a column when its name or its table makes it evident, for the dictionary."""
    hints = {
        "latitude": "độ",
        "longitude": "độ",
        "issue_month": "tháng",
        "confidence": "0–1",
        "pii_score": "điểm (0–100)",
        "pii_rank": "hạng",
        "unit_pii_score": "điểm (0–100)",
        "unit_pii_rank": "hạng",
    }
    if column.endswith("_bn_vnd"):
        return "tỷ đồng"
    if column in VALUE_COLUMNS and "unit" in columns:
        return "theo cột Đơn vị (unit) của cùng dòng"
    if column in FRACTION_COLUMNS:
        return "tỷ lệ 0–1 (hiển thị %)"
    if column in hints:
        return hints[column]
    if column.endswith("_pct"):
        return "%"
    if is_year_column(column):
        return "năm"
    if column in {"char_count", "char_start", "char_end", "first_char_start"}:
        return "ký tự"
    return ""


def dictionary(sheets: Sequence[tuple[str, str, Sequence[SheetColumn]]], catalog: Mapping) -> pl.DataFrame:
    """One row per column of every data sheet, in the sheet's order: sheet, machine name,
    Vietnamese header, meaning (meta.description_vi), unit when evident, group, source model."""
    rows = []
    for mart, sheet, columns in sheets:
        names = [c.name for c in columns]
        for column in columns:
            if column.role == "indicator":
                unit = catalog.get(column.name, {}).get("unit") or ""
            else:
                unit = unit_hint(column.name.removesuffix("_vi"), names)
            group = MACHINE_GROUP if column.machine else PERSON_GROUP
            rows.append((sheet, column.label, column.meaning, unit, group, column.name, mart))
    return pl.DataFrame(rows, schema=dict.fromkeys(DICTIONARY_COLUMNS, pl.String), orient="row")


def intro_facts(
    tables: Mapping[str, pl.DataFrame], sheets: Sequence[tuple[str, str]], context: WorkbookContext
) -> list[tuple[str, str]]:
    """The introduction's (topic, text) lines: what the workbook is, when and from which plans it
    was built, how to read "not stated", where each number comes from."""
    built = context.built_at.astimezone(VN_TZ)
    provinces = sort_vietnamese(context.provinces)
    names = ", ".join(provinces)
    where = dict(sheets)
    facts = [
        (
            "Bảng tính này là gì",
            "Tổng hợp các chỉ tiêu, mục tiêu định lượng và văn bản căn cứ trong kế hoạch khoa học, công nghệ "
            "và đổi mới sáng tạo (KH,CN&ĐMST) do các tỉnh, thành phố ban hành. Số liệu được đọc tự động từ "
            "chính văn bản kế hoạch để so sánh giữa các tỉnh và với chỉ tiêu quốc gia, không chép tay.",
        ),
        ("Thời điểm lập", f"{built:%d/%m/%Y %H:%M} (giờ Việt Nam, Asia/Ho_Chi_Minh)"),
        ("Số văn bản kế hoạch", f"{context.document_count} văn bản"),
        ("Tỉnh, thành phố", f"{len(provinces)} tỉnh, thành phố: {names}" if names else "0"),
    ]
    rejected = tables.get("mart_rejected_documents")
    if rejected is not None:
        facts.append(
            ("Tệp bị loại", f"{rejected.height} tệp (xem trang “{where.get('mart_rejected_documents', '')}”)")
        )
    return [*facts, *reading_guide(where)]


def reading_guide(where: Mapping[str, str]) -> list[tuple[str, str]]:
    """How to read the workbook: “not stated”, evidence, national targets, ranking, numbers, headers."""
    return [
        (
            "Cách đọc “Không nêu”",
            f"“{NOT_STATED_VI}” (viết gọn “{NOT_STATED_CELL}”, ô nền xám chữ xám): kế hoạch của tỉnh không nêu "
            "gì về chỉ tiêu đó. Đây là một câu trả lời, KHÁC với giá trị 0: không được cộng, lấy trung bình hay "
            "xếp hạng như số 0. Ô nền xanh nhạt: kế hoạch có nêu mục tiêu.",
        ),
        (
            "Nguồn của mỗi con số",
            "Mỗi con số đều có câu trích nguyên văn (cột “Trích dẫn nguyên văn”) và vị trí trong kế hoạch "
            "(cột “Mục”) ngay bên cạnh, cùng số hiệu văn bản để tra lại bản gốc. Trên trang ma trận, di chuột "
            "vào một ô để xem câu trích dẫn.",
        ),
        (
            "Chỉ tiêu quốc gia",
            "Hàng tiêu đề thứ hai của trang ma trận: chỉ tiêu quốc gia của chỉ tiêu theo từng văn bản, ghi rõ "
            f"năm (trang “{where.get('dim_national_target', 'Chỉ tiêu quốc gia')}”). “{NO_NATIONAL_TARGET}”: "
            "chưa có chỉ tiêu quốc gia trong bảng tham chiếu. So sánh cao hơn / trong khoảng / thấp hơn chỉ "
            "khi cùng năm; khi năm khác nhau, chỉ tiêu quốc gia chỉ để tham khảo.",
        ),
        (
            "Xếp hạng và số liệu thực tế",
            f"Trang “{where.get('mart_indicator_ranking', 'Xếp hạng')}”: chỉ xếp hạng các mục tiêu so sánh được "
            "(cùng chỉ tiêu, loại mục tiêu, đơn vị và năm), hạng 1 là cam kết cao nhất; kèm trung bình vùng, "
            "thứ hạng và điểm PII, GRDP khi có số liệu đã công bố kèm nguồn. Số liệu không có nguồn để trống.",
        ),
        (
            "Cách viết mục tiêu và số",
            "Mục tiêu được viết thống nhất ở mọi trang: “1,2–1,5% GRDP (2025)”, “≥ 2 mô hình”, “+2 doanh "
            "nghiệp”, “≈ 5%”, “45.000 người”. Giá trị ghi đúng như trong kế hoạch, kèm cột Đơn vị: 1,5 với đơn "
            "vị “% GRDP” là 1,5 % GRDP. Năm dạng 2025; ngày dạng ngày/tháng/năm; giờ theo giờ Việt Nam; Có/Không "
            "cho giá trị đúng/sai. Tỉnh, thành phố xếp theo thứ tự chữ cái tiếng Việt.",
        ),
        (
            "Hai hàng tiêu đề, cột mã",
            "Hàng 1: tên cột tiếng Việt. Hàng 2 (chữ nhỏ màu xám): tên cột máy, giống tên cột trong các tệp "
            "CSV và Parquet cùng tên mô hình (thư mục data/marts/). Các cột mã (mã tỉnh, mã chỉ tiêu, mã loại …) "
            "nằm ở bên phải mỗi trang, tiêu đề xám, có thể thu gọn. Nghĩa của từng cột: trang "
            f"“{DICTIONARY_SHEET}”.",
        ),
    ]


def sheet_listing(
    tables: Mapping[str, pl.DataFrame],
    sheets: Sequence[tuple[str, str]],
    context: WorkbookContext,
    extra: Sequence[str] = (),
) -> list[tuple[str, str, int | None, str]]:
    """(sheet, Vietnamese one-liner, rows, source model) for every data sheet, the sheets that are
    not one mart (`extra`, such as the review sheet) and the dictionary."""
    listing: list[tuple[str, str, int | None, str]] = []
    for mart, title in sheets:
        doc = context.model(mart)
        blurb = doc.sheet_description or doc.description_vi or doc.description
        listing.append((title, blurb, tables[mart].height, mart))
    listing += [(name, EXTRA_SHEETS.get(name, ""), None, "") for name in extra]
    listing.append(
        (
            DICTIONARY_SHEET,
            "Mọi cột của mọi trang: tên máy, tiêu đề tiếng Việt, ý nghĩa, đơn vị, mô hình nguồn.",
            None,
            "",
        )
    )
    return listing


def _internal_link(sheet: str) -> str:
    return "internal:'{}'!A1".format(sheet.replace("'", "''"))


def write_intro_sheet(
    sheet: Worksheet,
    formats: Formats,
    facts: Sequence[tuple[str, str]],
    listing: Sequence[tuple[str, str, int | None, str]],
) -> None:
    """The first sheet: title, the facts, a colour legend, then the sheets with links."""
    wrap = {"text_wrap": True, "valign": "top"}
    for col, width in enumerate((28, 100, 10, 28)):
        sheet.set_column(col, col, width)
    title = "Bộ số liệu so sánh kế hoạch khoa học, công nghệ và đổi mới sáng tạo cấp tỉnh"
    sheet.write_string(0, 0, title, formats.get(bold=True, font_size=14))
    row = 2
    for topic, text in facts:
        sheet.write_string(row, 0, topic, formats.get(wrap, bold=True))
        write_text(sheet, row, 1, text, formats, wrap)
        row += 1
    sheet.write_string(row + 1, 0, "Chú giải màu", formats.get(wrap, bold=True))
    sheet.write_string(
        row + 1, 1, "1,2–1,5% GRDP (2025) — kế hoạch có nêu mục tiêu", formats.get(STATED_STYLE)
    )
    sheet.write_string(row + 2, 1, f"{NOT_STATED_CELL} — {NOT_STATED_VI}", formats.get(NOT_STATED_STYLE))
    row += 4
    sheet.write_string(row, 0, "Danh sách trang tính", formats.get(bold=True, font_size=12))
    row += 1
    for col, header in enumerate(("Trang tính", "Nội dung", "Số dòng", "Mô hình nguồn")):
        sheet.write_string(row, col, header, formats.get(HEADER_STYLE))
    link = formats.get({"font_color": "#0563C1", "underline": 1, "valign": "top"})
    for name, blurb, rows, mart in listing:
        row += 1
        sheet.write_url(row, 0, _internal_link(name), link, string=name)
        write_text(sheet, row, 1, blurb, formats, wrap)
        if rows is not None:
            sheet.write_number(row, 2, rows, formats.get(num_format="#,##0", valign="top"))
        write_text(sheet, row, 3, mart, formats, wrap)
    print_setup(sheet, title, 1)
    sheet.activate()
