"""Unicode normalisation, decoding and PDF line-wrap repair."""

import unicodedata

import pytest

from pipelines.text import normalize
from pipelines.text.normalize import (
    fold_diacritics,
    fold_document,
    fold_span,
    normalize_unicode,
    repair_line_wraps,
)
from tests.conftest import PLANS


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Thuỷ lợi", "Thủy lợi"),
        ("UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
        ("sức khoẻ", "sức khỏe"),
        ("quý", "quý"),  # "qu" is a consonant: the tone stays on y
        ("hoàn thành", "hoàn thành"),  # a final consonant keeps the tone on a
        ("Thanh Hoá", "Thanh Hóa"),
    ],
)
def test_tone_marks_follow_one_convention(variant: str, canonical: str) -> None:
    assert normalize_unicode(variant) == canonical


def test_nfd_input_becomes_nfc_and_keeps_length_of_nfc() -> None:
    nfc = "Kế hoạch khoa học Hưng Yên"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert normalize_unicode(nfd) == nfc


def test_lookalike_eth_becomes_vietnamese_d() -> None:
    assert normalize_unicode("\u00d0ổi mới") == "Đổi mới"


def test_fold_diacritics_matches_misspelled_names() -> None:
    assert fold_diacritics("Hưng Yên") == fold_diacritics("Hung Yên") == "hung yen"
    assert fold_diacritics("Đắk Lắk") == "dak lak"


def test_token_broken_across_lines_is_joined_without_space() -> None:
    text = "theo Kế hoạch số 196/KH-\nUBND ngày 05/12/2022 của tỉnh."
    assert "196/KH-UBND ngày" in repair_line_wraps(text)


def test_sentence_wrapped_with_blank_lines_is_joined() -> None:
    text = "Thực hiện Quyết định số 2667/QĐ-BKHCN ngày 28/12/2022 của Bộ \n\ntrưởng Bộ Khoa học và Công nghệ."
    assert repair_line_wraps(text) == (
        "Thực hiện Quyết định số 2667/QĐ-BKHCN ngày 28/12/2022 của Bộ trưởng Bộ Khoa học và Công nghệ."
    )


def test_number_starting_next_line_is_joined() -> None:
    text = "Thực hiện Quyết định số\n569/QĐ-TTg ngày 11/5/2022 của Thủ tướng."
    assert repair_line_wraps(text) == "Thực hiện Quyết định số 569/QĐ-TTg ngày 11/5/2022 của Thủ tướng."


def test_headings_list_items_and_paragraphs_keep_their_breaks() -> None:
    text = (
        "I. MỤC TIÊU\n1. Mục tiêu tổng quát\nĐẩy mạnh nghiên cứu ứng dụng.\n"
        "a) Tăng đầu tư cho\nkhoa học;\nb) Phát triển doanh nghiệp.\n- Gạch đầu dòng\n+ Dấu cộng"
    )
    assert repair_line_wraps(text).split("\n") == [
        "I. MỤC TIÊU",
        "1. Mục tiêu tổng quát",
        "Đẩy mạnh nghiên cứu ứng dụng.",
        "a) Tăng đầu tư cho khoa học;",
        "b) Phát triển doanh nghiệp.",
        "- Gạch đầu dòng",
        "+ Dấu cộng",
    ]


def test_lone_pipe_lines_are_cell_breaks_and_header_lines_stay_apart() -> None:
    text = "Số: 4346/KH-UBND\n|\nHải Dương, ngày\n14 tháng 11 năm 2023\n|\nKẾ HOẠCH\nKHOA HỌC ĐẾN\nNĂM 2025\nThực hiện"
    assert repair_line_wraps(text).split("\n") == [
        "Số: 4346/KH-UBND",
        "Hải Dương, ngày 14 tháng 11 năm 2023",
        "KẾ HOẠCH KHOA HỌC ĐẾN NĂM 2025",
        "Thực hiện",
    ]


def test_clause_continued_after_semicolon_in_lowercase_is_joined() -> None:
    text = "c) Phát triển tài sản trí tuệ;\nphát triển thị trường KH&CN.\nd) Mục khác."
    assert repair_line_wraps(text).split("\n") == [
        "c) Phát triển tài sản trí tuệ; phát triển thị trường KH&CN.",
        "d) Mục khác.",
    ]


def _full_normalization(text: str) -> str:
    """The whole normalisation pass, with none of the shortcuts `normalize_unicode` takes."""
    decomposed = unicodedata.normalize("NFD", text.translate(normalize._CHAR_FIXES))
    return unicodedata.normalize("NFC", normalize._NEW_STYLE_TONE.sub(normalize._old_style_tone, decomposed))


@pytest.mark.parametrize(
    "text",
    [
        "hòa bình, xuất khẩu, hoạt động, trí tuệ, quý",  # old style: nothing to move
        "Thanh Hoá, UỶ BAN, khoẻ, thuỷ",  # new style: tones move
        unicodedata.normalize("NFD", "Hoà Bình và hoạt động"),  # decomposed input
        "ho\u00e4\u0323 and hoa\u0301\u0323",  # marks typed after a vowel, reordered by NFD
        "Ðổi\u00a0mới\u00adsáng\u200btạo\r",  # characters that are fixed, not normalised
        "",
    ],
)
def test_normalize_unicode_shortcuts_give_the_full_pass(text: str) -> None:
    assert normalize_unicode(text) == _full_normalization(text)


def test_normalize_unicode_shortcuts_on_the_seed_plans() -> None:
    for path in sorted(PLANS.iterdir()):
        raw = path.read_text(encoding="utf-8-sig")
        assert normalize_unicode(raw) == _full_normalization(raw), path.name


def test_document_fold_sliced_is_the_fold_of_the_slice() -> None:
    text = "Ủy ban ΣΟΦΙΑΣ tỉnh Hưng Yên; ΟΔΟΣ"
    folded = fold_document(text)
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            assert fold_span(text, folded, start, end) == fold_diacritics(text[start:end])


def test_theme_patterns_tried_at_their_openings_find_what_a_full_scan_finds() -> None:
    from pipelines.themes import _matches, load_lexicon, openings

    assert openings(r"\b(san )?giao dich cong nghe\b") == {"san giao dich cong nghe", "giao dich cong nghe"}
    assert openings(r"\bthi truong (khcn|cong nghe)\b") == {"thi truong "}
    assert openings(r"\b\w+ so\b") is None  # no literal opening: the pattern scans the whole text
    texts = [
        fold_document(normalize.normalize_text(p.read_text(encoding="utf-8-sig"))) for p in PLANS.iterdir()
    ]
    texts.append("co so du lieu so hoa; chuyen doi so hoa so huu tri tue (so huu tri tue)")
    for theme in load_lexicon().themes:
        for starts, pattern in theme.patterns:
            for text in texts:
                expected = [m.span() for m in pattern.finditer(text)]
                assert [m.span() for m in _matches(pattern, starts, text)] == expected, pattern.pattern
