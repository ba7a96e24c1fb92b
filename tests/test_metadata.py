"""Document metadata read from the text: unit cases and the analyst's golden labels of the seeds."""

from __future__ import annotations

import pytest

from pipelines.khcn.documents import build_document
from pipelines.khcn.metadata import (
    extract_metadata,
    read_doc_number,
    read_period,
    read_place_date,
    read_signer,
    sentence_case,
)
from pipelines.khcn.text import normalize_text
from tests.conftest import PLANS, golden_records

INFORMATIONAL_FLAGS = {"doc_number_blank", "issue_day_blank", "period_not_stated"}


def test_place_date_with_blank_day_keeps_year_and_month() -> None:
    assert read_place_date("Số: /KH-SKHCN\nHung Yên, ngày tháng 02 năm 2024") == ("Hung Yên", None, 2, 2024)
    assert read_place_date("Hải Dương, ngày 14 tháng 11 năm 2023") == ("Hải Dương", 14, 11, 2023)


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
    for field in (
        "province_name",
        "province_code",
        "doc_type",
        "doc_number",
        "issue_date",
        "issue_year",
        "issue_month",
        "issuer",
        "issuer_level",
        "period_start",
        "period_end",
        "signer",
    ):
        assert document[field] == expected[field], field
    assert document["title"].casefold() == expected["title"].casefold()
    assert set(expected["flags"]) <= set(document["flags"])
    assert set(document["flags"]) - set(expected["flags"]) <= INFORMATIONAL_FLAGS
