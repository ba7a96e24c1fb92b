"""Document metadata read from the text: unit cases and the analyst's golden labels of the seeds."""

from __future__ import annotations

import sys
from dataclasses import fields
from pathlib import Path

import pytest

from pipelines.metadata.extract import (
    HEADER_LINES,
    DocumentMetadata,
    _header_lines,
    extract_metadata,
    read_doc_number,
    read_period,
    read_place_date,
    read_signer,
    sentence_case,
)
from pipelines.metadata.periods import read_horizon
from pipelines.store.plan_files import build_document
from pipelines.text.normalize import normalize_text
from tests.conftest import PLANS, golden_records

KHCN = Path(sys.executable).with_name("khcn")

INFORMATIONAL_FLAGS = {"doc_number_blank", "issue_day_blank", "period_not_stated"}


def test_place_date_with_blank_day_keeps_year_and_month() -> None:
    assert read_place_date("Số: /KH-SKHCN\nHung Yên, ngày tháng 02 năm 2024") == ("Hung Yên", None, 2, 2024)
    assert read_place_date("Hải Dương, ngày 14 tháng 11 năm 2023") == ("Hải Dương", 14, 11, 2023)


@pytest.mark.parametrize(
    "date", ["ngày 05-3-2024", "ngày 05.03.2024", "ngày 5/3/2024", "ngày 05 tháng 3 năm 2024"]
)
def test_place_date_separators(date: str) -> None:
    assert read_place_date(f"Hà Nội, {date}") == ("Hà Nội", 5, 3, 2024)


def test_doc_number_blank_or_spaced() -> None:
    assert read_doc_number(["Số: /KH-SKHCN"]) == (None, "KH", "SKHCN")
    assert read_doc_number(["Số: 2811 /KH-UBND"]) == ("2811/KH-UBND", "KH", "UBND")
    assert read_doc_number(["**Số: 45-KH/TU**"]) == ("45-KH/TU", "KH", "TU")


@pytest.mark.parametrize(
    ("title", "issue_year", "period"),
    [
        ("Hoạt động khoa học và công nghệ năm 2024", 2024, (2024, 2024)),
        ("Phát triển KH&CN tỉnh giai đoạn 2023 - 2025", None, (2023, 2025)),
        ("Khoa học, công nghệ và đổi mới sáng tạo đến năm 2025", 2023, (2023, 2025)),
        ("KHOA HỌC ĐẾN NĂM 2030", None, (None, 2030)),
        ("Phát triển tài sản trí tuệ giai đoạn 2021-2025, định hướng đến năm 2030", 2021, (2021, 2025)),
        ("Thực hiện Kết luận số 50-KL/TW ngày 30/5/2019", 2020, (None, None)),
    ],
)
def test_period_from_title(title: str, issue_year: int | None, period: tuple) -> None:
    assert read_period(title, issue_year) == period


def test_signer_is_the_name_under_the_signing_title() -> None:
    text = "Nơi nhận:\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n**Nguyễn Văn An**"
    assert read_signer(text) == "Nguyễn Văn An"
    assert read_signer("Nơi nhận:\n- Lưu: VT.\n**GIÁM ĐỐC**") is None


@pytest.mark.parametrize(
    "block",
    [
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nTrần Anh Thư",
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH PHÓ CHỦ TỊCH\n(Đã ký) Trần Anh Thư",
        "T/M BAN THƯỜNG VỤ\nBÍ THƯ\nĐã ký: Trần Anh Thư",
    ],
)
def test_signer_named_like_a_title_word_and_signature_marks(block: str) -> None:
    # "Thư" is a given name as well as the second half of "Bí thư"
    assert read_signer(f"Nơi nhận:\n- Như trên;\n- Lưu: VT.\n{block}") == "Trần Anh Thư"
    assert read_signer("Nơi nhận:\n- Lưu: VT.\nTM. BAN THƯỜNG VỤ\nPhó Bí Thư") is None


def test_title_in_a_capitals_line_joined_to_the_issuing_body(gazetteer) -> None:
    # blank lines after every line: normalising joins the header lines in capitals into one
    text = normalize_text(
        "ỦY BAN NHÂN DÂN\n\nTỈNH YÊN BÁI\n\nĐỀ ÁN\n\nPHÁT TRIỂN KINH TẾ SỐ TỈNH YÊN BÁI ĐẾN NĂM 2025, "
        "TẦM NHÌN ĐẾN NĂM 2030\n\nI. SỰ CẦN THIẾT\n\nKinh tế số là động lực.\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.doc_type, meta.title) == (
        "Đề án",
        "Phát triển kinh tế số tỉnh Yên Bái đến năm 2025, tầm nhìn đến năm 2030",
    )
    assert (meta.period_end, meta.horizon_year, meta.province_code) == (2025, 2030, "15")


def test_sentence_case_keeps_province_names(gazetteer) -> None:
    assert (
        sentence_case("KẾ HOẠCH KH&CN TỈNH HÀ NAM NĂM 2024", gazetteer)
        == "Kế hoạch KH&CN tỉnh Hà Nam năm 2024"
    )
    assert sentence_case("Mixed Case stays", gazetteer) == "Mixed Case stays"


def test_post_2025_document_gets_the_current_unit_code(gazetteer) -> None:
    text = normalize_text(
        "ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\nSố: 15/KH-UBND\nTây Ninh, ngày 10 tháng 9 năm 2025\n"
        "KẾ HOẠCH\nPhát triển khoa học, công nghệ năm 2026\nThực hiện Nghị quyết số 57-NQ/TW."
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.province_name, meta.province_code, meta.province_era) == ("Tây Ninh", "80", "current")
    assert (meta.issuer, meta.issuer_level) == ("UBND tỉnh", "province")
    assert (meta.period_start, meta.period_end) == (2026, 2026)


def test_misspelled_province_in_place_line_is_recognised(gazetteer) -> None:
    text = normalize_text(
        "Số: 12/KH-SKHCN\nHung Yen, ngày 03 tháng 4 năm 2024\nKẾ HOẠCH\nHoạt động năm 2024\nNội dung."
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.province_name, meta.province_code) == ("Hưng Yên", "33")
    assert meta.issue_date == "2024-04-03"
    assert meta.issuer_level == "department"


def test_text_without_any_province_has_none(gazetteer) -> None:
    meta = extract_metadata(
        normalize_text("KẾ HOẠCH\nHoạt động năm 2024\nNội dung không nêu địa phương."), gazetteer
    )
    assert meta.province_code is None


GOLDEN = golden_records()


@pytest.mark.parametrize("golden", GOLDEN, ids=[g["file"] for g in GOLDEN])
def test_seed_metadata_matches_golden_labels(golden: dict, gazetteer) -> None:
    document = build_document(golden["file"], (PLANS / golden["file"]).read_bytes(), gazetteer)
    expected = golden["document"]
    # every metadata field the analyst labelled; the title (case aside) and the flags are compared below
    labelled = [
        f for f in fields(DocumentMetadata) if f.name in expected and f.name not in ("title", "flags")
    ]
    assert len(labelled) >= 12
    for field in labelled:
        assert document[field.name] == expected[field.name], field.name
    assert document["title"].casefold() == expected["title"].casefold()
    assert set(expected["flags"]) <= set(document["flags"])
    assert set(document["flags"]) - set(expected["flags"]) <= INFORMATIONAL_FLAGS


# --------------------------------------------------------------------------- Party documents (issue 10.5)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Số 12-CTr/TU"], ("12-CTr/TU", "CTr", "TU")),
        (["**Số: 123-KH/TU**"], ("123-KH/TU", "KH", "TU")),
        (["Số -QĐ/TU"], (None, "QĐ", "TU")),
        (["Số -NQ/ĐU"], (None, "NQ", "ĐU")),
        (["TỈNH ỦY BẾN TRE", "*", "05-NQ/TU"], ("05-NQ/TU", "NQ", "TU")),
        (["09-CT/TU          Bến Tre, ngày 02 tháng 4 năm 2024"], ("09-CT/TU", "CT", "TU")),
        (["Số: 15/2024/NQ-HĐND"], ("15/2024/NQ-HĐND", "NQ", "HĐND")),
        (["Số: 123/KH–UBND"], ("123/KH-UBND", "KH", "UBND")),  # a typeset dash is the hyphen
        (["Số 12–CTr/TU"], ("12-CTr/TU", "CTr", "TU")),
        (["Số 5 - 10 nhiệm vụ"], (None, None, None)),  # no colon and no TYPE/ISSUER: not a number
        (["KẾ HOẠCH", "12-KH/TU"], (None, None, None)),  # a bare number only counts in the header
    ],
)
def test_party_and_state_numbers(lines: list[str], expected: tuple) -> None:
    assert read_doc_number(lines) == expected


PARTY_HEADER = (
    "{body}\n*\n{number}\n\nĐẢNG CỘNG SẢN VIỆT NAM\n\nTrà Vinh, ngày 05 tháng 3 năm 2024\n\n"
    "CHƯƠNG TRÌNH HÀNH ĐỘNG\nthực hiện Nghị quyết số 57-NQ/TW về phát triển khoa học, công nghệ\n\n"
    "I. MỤC TIÊU\n\nPhấn đấu đến năm 2030 đạt 2% GRDP.\n\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\n\nLê Văn Hải\n"
)


@pytest.mark.parametrize(
    ("body", "number", "issuer"),
    [
        ("TỈNH ỦY TRÀ VINH", "Số 12-CTr/TU", "Tỉnh ủy"),
        ("ĐẢNG BỘ TỈNH TRÀ VINH\nBAN CHẤP HÀNH", "12-CTr/TU", "Tỉnh ủy"),
        ("TỈNH ỦY TRÀ VINH\nBAN THƯỜNG VỤ", "Số: 12-CTr/TU", "Tỉnh ủy"),
        ("ĐẢNG BỘ TỈNH TRÀ VINH\nĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "Số 12-CTr/ĐU", "Đảng ủy"),
    ],
)
def test_party_programme_header(body: str, number: str, issuer: str, gazetteer) -> None:
    meta = extract_metadata(normalize_text(PARTY_HEADER.format(body=body, number=number)), gazetteer)
    assert meta.doc_number == number.removeprefix("Số").lstrip(": ")
    assert (meta.issuer, meta.issuer_level) == (issuer, "party")
    assert meta.doc_type == "Chương trình hành động"
    assert (meta.province_name, meta.issue_date, meta.signer) == ("Trà Vinh", "2024-03-05", "Lê Văn Hải")
    assert "doc_number_blank" not in meta.flags


def test_party_number_without_header_body_gives_the_issuer(gazetteer) -> None:
    text = normalize_text(
        "Số 21-KH/TU\nLong An, ngày 12 tháng 8 năm 2023\nKẾ HOẠCH\nvề chuyển đổi số năm 2024\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.doc_number, meta.doc_type, meta.issuer_level) == ("21-KH/TU", "Kế hoạch", "party")


# --------------------------------------------------------------------------- period, horizon, report-and-plan (issue 10.5)


@pytest.mark.parametrize(
    ("title", "issue_year", "period", "horizon"),
    [
        ("Phát triển KH&CN giai đoạn 2021 - 2025, định hướng đến năm 2030", 2021, (2021, 2025), 2030),
        ("Phát triển KH,CN&ĐMST đến năm 2030, tầm nhìn đến năm 2045", 2023, (2023, 2030), 2045),
        ("Chuyển đổi số giai đoạn 2026-2030 và định hướng đến năm 2035", 2025, (2026, 2030), 2035),
        ("Hoạt động KH&CN năm 2025, định hướng đến năm 2030", 2024, (2025, 2025), 2030),
        ("Phát triển thị trường KH&CN định hướng đến năm 2030", 2024, (2024, 2030), None),
        ("Kết quả thực hiện nhiệm vụ năm 2024 và phương hướng, nhiệm vụ năm 2025", 2024, (2025, 2025), None),
        ("Sơ kết 3 năm thực hiện Nghị quyết số 05-NQ/TU và kế hoạch năm 2026", 2025, (2026, 2026), None),
        ("Kết quả hoạt động khoa học và công nghệ năm 2024", 2024, (2024, 2024), None),
        ("Tổng kết giai đoạn 2021 - 2025; nhiệm vụ giai đoạn 2026 - 2030", 2025, (2026, 2030), None),
        ("Phát triển khoa học và công nghệ từ năm 2021 đến năm 2025", 2021, (2021, 2025), None),
        # an annual plan of a longer programme: its own year, before or after the programme's name
        (
            "Năm 2024 thực hiện Chương trình phát triển tài sản trí tuệ giai đoạn 2021 - 2030",
            2024,
            (2024, 2024),
            None,
        ),
        (
            "Triển khai thực hiện Đề án khởi nghiệp giai đoạn 2021 - 2025 trong năm 2023",
            2023,
            (2023, 2023),
            None,
        ),
        # … but a plan that implements a programme over its period takes that period
        ("Thực hiện Chương trình phát triển tài sản trí tuệ giai đoạn 2025 - 2030", 2025, (2025, 2030), None),
    ],
)
def test_period_and_horizon_from_title(
    title: str, issue_year: int, period: tuple, horizon: int | None
) -> None:
    assert read_period(title, issue_year) == period
    assert read_horizon(title, "", period[1]) == horizon


def test_horizon_from_a_vision_heading_in_the_body() -> None:
    body = (
        "II. MỤC TIÊU\n1. Mục tiêu đến năm 2030\n- Đạt 2% GRDP.\n2. Tầm nhìn đến năm 2045\n- Dẫn đầu vùng.\n"
    )
    assert read_horizon("Phát triển khoa học, công nghệ đến năm 2030", body, 2030) == 2045
    # a mention inside a sentence is not the plan's own horizon
    assert read_horizon("Năm 2025", "Thực hiện Chiến lược, tầm nhìn đến năm 2045, của tỉnh.", 2025) is None


def test_report_and_plan_document_has_its_plan_year_as_period(gazetteer) -> None:
    text = normalize_text(
        "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\n\nSố: 210/BC-UBND\n\nSóc Trăng, ngày 15 tháng 12 năm 2024\n\n"
        "BÁO CÁO\nKết quả thực hiện nhiệm vụ khoa học và công nghệ năm 2024 và phương hướng, nhiệm vụ năm 2025\n\n"
        "I. KẾT QUẢ THỰC HIỆN NĂM 2024\n\nNăm 2024, toàn tỉnh có 27 tổ chức khoa học và công nghệ.\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.doc_type, meta.period_start, meta.period_end) == ("Báo cáo", 2025, 2025)
    assert meta.horizon_year is None


def test_horizon_year_in_the_document_record(gazetteer) -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH HẬU GIANG\n\nSố: 88/KH-UBND\n\nHậu Giang, ngày 02 tháng 3 năm 2021\n\n"
        "KẾ HOẠCH\nPhát triển tài sản trí tuệ giai đoạn 2021 - 2025, định hướng đến năm 2030\n\nI. MỤC TIÊU\n"
    )
    document = build_document("plan.txt", text.encode(), gazetteer)
    assert (document["period_start"], document["period_end"], document["horizon_year"]) == (2021, 2025, 2030)


# --------------------------------------------------------------------------- province named as at the date (issue 10.5)


@pytest.mark.parametrize(
    ("header", "date_line", "expected"),
    [
        (
            "ỦY BAN NHÂN DÂN\nTỈNH THỪA THIÊN HUẾ",
            "Thừa Thiên Huế, ngày 10 tháng 4 năm 2019",
            ("Thừa Thiên Huế", "46", "legacy"),
        ),
        (
            "ỦY BAN NHÂN DÂN\nTỈNH THỪA THIÊN HUẾ",
            "Huế, ngày 30 tháng 12 năm 2024",
            ("Thừa Thiên Huế", "46", "legacy"),
        ),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ", "Huế, ngày 20 tháng 3 năm 2025", ("Huế", "46", "legacy")),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ", "Huế, ngày 20 tháng 9 năm 2025", ("Huế", "46", "current")),
    ],
)
def test_province_is_named_as_at_the_document_date(
    header: str, date_line: str, expected: tuple, gazetteer
) -> None:
    text = normalize_text(
        f"{header}\n\nSố: 45/KH-UBND\n\n{date_line}\n\nKẾ HOẠCH\nHoạt động khoa học và công nghệ\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.province_name, meta.province_code, meta.province_era) == expected


def test_title_keeps_the_former_name_as_printed(gazetteer) -> None:
    title = sentence_case("PHÁT TRIỂN KHOA HỌC TỈNH THỪA THIÊN HUẾ NĂM 2019", gazetteer)
    assert title == "Phát triển khoa học tỉnh Thừa Thiên Huế năm 2019"


@pytest.mark.parametrize(
    ("block", "issuer"),
    [
        ("UBND TỈNH BẠC LIÊU\nSỞ TÀI CHÍNH", "Sở Tài chính"),
        (
            "ỦY BAN NHÂN DÂN TỈNH BẠC LIÊU\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG\n-------",
            "Sở Thông tin và Truyền thông",
        ),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH BẠC LIÊU", "Sở Lao động - Thương binh và Xã hội"),
        ("UBND TỈNH BẠC LIÊU\nSỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ"),
    ],
)
def test_any_provincial_department_is_a_department_issuer(block: str, issuer: str, gazetteer) -> None:
    text = normalize_text(
        f"{block}\nSố: 45/KH-STC\nBạc Liêu, ngày 10 tháng 01 năm 2025\nKẾ HOẠCH\nChuyển đổi số năm 2025\n"
        "Căn cứ Quyết định số 749/QĐ-TTg.\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.issuer, meta.issuer_level, meta.province_code) == (issuer, "department", "95")


HEADER_AS_TABLE = {
    "pipe": (
        "| ỦY BAN NHÂN DÂN TỈNH LONG AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |\n|---|---|\n"
        "| Số: 88/KH-UBND | Long An, ngày 12 tháng 3 năm 2024 |\n\n"
    ),
    "tabs": (
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LONG AN\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 88/KH-UBND\tLong An, ngày 12 tháng 3 năm 2024\n"
    ),
    "motto_between": (
        "ỦY BAN NHÂN DÂN\nĐộc lập - Tự do - Hạnh phúc\nTỈNH LONG AN\nSố: 88/KH-UBND\nLong An, ngày 12 tháng 3 năm 2024\n"
    ),
}


@pytest.mark.parametrize("layout", sorted(HEADER_AS_TABLE))
def test_header_laid_out_as_a_table(layout: str, gazetteer) -> None:
    text = normalize_text(
        HEADER_AS_TABLE[layout]
        + "KẾ HOẠCH\nPhát triển khoa học và công nghệ năm 2024\nCăn cứ Luật Khoa học và Công nghệ.\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.doc_number, meta.issue_date, meta.doc_type) == ("88/KH-UBND", "2024-03-12", "Kế hoạch")
    assert (meta.province_code, meta.issuer, meta.title) == (
        "80",
        "UBND tỉnh",
        "Phát triển khoa học và công nghệ năm 2024",
    )


def test_action_plan_type_as_printed(gazetteer) -> None:
    text = normalize_text(
        "ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU\nSố: 19/KH-UBND\nCà Mau, ngày 02 tháng 02 năm 2024\n"
        "KẾ HOẠCH HÀNH ĐỘNG\nThực hiện Chiến lược phát triển khoa học, công nghệ và đổi mới sáng tạo đến năm 2030\n"
        "Căn cứ Quyết định số 569/QĐ-TTg.\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert meta.doc_type == "Kế hoạch hành động"
    assert (
        meta.title == "Thực hiện Chiến lược phát triển khoa học, công nghệ và đổi mới sáng tạo đến năm 2030"
    )
    assert (meta.period_start, meta.period_end) == (2024, 2030)


def test_date_line_without_a_place(gazetteer) -> None:
    text = normalize_text(
        "TỈNH ỦY SÓC TRĂNG\n*\nSố 07-CTr/TU\nngày 05 tháng 3 năm 2024\nCHƯƠNG TRÌNH\n"
        "về phát triển khoa học, công nghệ năm 2024\nCăn cứ Nghị quyết số 57-NQ/TW.\n"
    )
    meta = extract_metadata(text, gazetteer)
    assert (meta.issue_date, meta.province_code, meta.doc_number) == ("2024-03-05", "94", "07-CTr/TU")
    assert "no_header" not in meta.flags
    # a date further down, after the title, is not the issue date
    assert read_place_date("KẾ HOẠCH\nHoạt động năm 2024\nngày 05 tháng 3 năm 2024") == (
        None,
        None,
        None,
        None,
    )


def test_a_huge_table_line_gives_only_a_header_worth_of_cells() -> None:
    # one line of 100 000 cells (a flattened export): only the first cells can be the header
    lines = _header_lines("| Số: 12/KH-UBND | Hà Nội, ngày 05 tháng 3 năm 2024 |" + " x |" * 100_000)
    assert lines[:2] == ["Số: 12/KH-UBND", "Hà Nội, ngày 05 tháng 3 năm 2024"]
    assert len(lines) == 2 * HEADER_LINES


@pytest.mark.parametrize(
    "tail",
    [
        # a web page or a Word cell joins the block's lines: the name follows the title on its line
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Út",
        # the signature beside "Nơi nhận" in one table row
        "| Nơi nhận: - Như trên; - Lưu: VT. | TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH (Đã ký) Nguyễn Văn Út |",
        # a digital signature stamp
        "Nơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nKý bởi: Nguyễn Văn Út",
        # Party style without dots
        "Nơi nhận:\n- Lưu: VPTU.\nT/M BAN THƯỜNG VỤ\nNguyễn Văn Út",
        # a long appendix table follows the signature, without a "Nơi nhận"
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Út\nPHỤ LỤC\n" + "| 1 | Chỉ tiêu | 10 |\n" * 60,
    ],
)
def test_signer_in_joined_blocks_tables_and_stamps(tail: str) -> None:
    assert read_signer("I. MỤC TIÊU\nPhấn đấu đạt 10 doanh nghiệp.\n" + tail) == "Nguyễn Văn Út"


def test_a_name_in_a_sentence_is_not_a_signer() -> None:
    tail = "Nơi nhận:\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nGiao đồng chí Nguyễn Văn Út"
    assert read_signer(tail) is None


def test_header_below_the_text_of_a_saved_web_page(gazetteer) -> None:
    site = "".join(f"Văn bản liên quan số {i}: hướng dẫn chung về thủ tục hành chính.\n" for i in range(45))
    text = normalize_text(
        "Cơ sở dữ liệu văn bản\nTrang chủ › Văn bản › Khoa học công nghệ\n\n"
        "Số hiệu: 77/KH-UBND\nLoại văn bản: Kế hoạch\nNgày ban hành: 14/05/2024\n\n" + site + "\n"
        "ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG\n\nSố: 77/KH-UBND\n\nKiên Giang, ngày 14 tháng 5 năm 2024\n\n"
        "KẾ HOẠCH\nPhát triển khoa học và công nghệ năm 2024\n\nCăn cứ Luật Khoa học và Công nghệ.\n"
    )
    assert text.split("\n").index("Số: 77/KH-UBND") > HEADER_LINES  # below the first lines
    meta = extract_metadata(text, gazetteer)
    assert (meta.doc_number, meta.issue_date, meta.doc_type) == ("77/KH-UBND", "2024-05-14", "Kế hoạch")
    assert (meta.province_code, meta.issuer, meta.period_end) == ("91", "UBND tỉnh", 2024)
    assert "no_header" not in meta.flags


@pytest.mark.parametrize(
    ("block", "signer"),
    [
        ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNGUYỄN VĂN ÚT", "Nguyễn Văn Út"),
        ("T/M BAN THƯỜNG VỤ\nBÍ THƯ\n(Đã ký)\nVŨ THỊ THANH NHÀN", "Vũ Thị Thanh Nhàn"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nỦY BAN NHÂN DÂN TỈNH", None),  # a body, not a name
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nĐã ký\nBiểu mẫu\nDANH MỤC NHIỆM VỤ", None),  # a heading further down
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Út\nDANH MỤC NHIỆM VỤ", "Nguyễn Văn Út"),
    ],
)
def test_signer_printed_in_capitals(block: str, signer: str | None) -> None:
    assert read_signer(f"Nơi nhận:\n- Lưu: VT.\n{block}") == signer


@pytest.mark.parametrize(
    "printed", ["TS. Nguyễn Văn An", "PGS.TS Nguyễn Văn An", "ThS. Nguyễn Văn An", "PGS. TS. Nguyễn Văn An"]
)
def test_signer_without_the_degree_printed_before_the_name(printed: str) -> None:
    assert read_signer(f"Nơi nhận:\n- Lưu: VT.\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n{printed}") == "Nguyễn Văn An"
