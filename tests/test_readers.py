"""Every input format, good and bad, through `read_document_bytes`.

Fixtures are generated here with the real libraries (python-docx, pypdf) or as
raw bytes, so each test shows exactly what goes in. The legacy-font tests use
both our own encoders (built by inverting the module's tables, to prove the
tables are complete and consistent) and well-known gibberish strings as found
in real documents (to prove the tables themselves are right).
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import random
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader, PdfWriter

from pipelines.formats.containers import MAX_MEMBERS
from pipelines.formats.dispatch import SUPPORTED_SUFFIXES, read_document_bytes
from pipelines.formats.errors import MAX_PLAN_BYTES, UnreadableDocument, too_large_message
from pipelines.formats.legacy_fonts import (
    TCVN3_TO_UNICODE,
    VNI_LETTERS,
    VNI_MARKS,
    repair_legacy_font_lines,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from pipelines.formats.result import ExtractedText
from pipelines.formats.syllables import is_vietnamese_syllable
from pipelines.gazetteer.units import Gazetteer
from pipelines.settings import SEEDS_DIR
from pipelines.store.plan_files import PlanFile, read_document, read_plan_bytes

SENTENCE = "Kế hoạch phát triển khoa học và công nghệ tỉnh Hưng Yên năm 2024"
ASCII_SENTENCE = "Ke hoach khoa hoc va cong nghe nam 2024 tinh Ha Nam"
TONES = "\u0300\u0301\u0303\u0309\u0323"
# Every Vietnamese letter with a diacritic, lower and upper case (134 letters).
VOWEL_MODIFIERS = {"a": "\u0306\u0302", "e": "\u0302", "i": "", "o": "\u0302\u031b", "u": "\u031b", "y": ""}
VIETNAMESE_LETTERS = sorted(
    {
        unicodedata.normalize("NFC", base + mod + tone)
        for base, mods in VOWEL_MODIFIERS.items()
        for mod in ("", *mods)
        for tone in ("", *TONES)
        if mod or tone
    }
    | {"đ"}
)
VIETNAMESE_LETTERS += [c.upper() for c in VIETNAMESE_LETTERS]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read(name: str, data: bytes) -> ExtractedText:
    return read_document_bytes(name, data)


def rejected(name: str, data: bytes) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as info:
        read_document_bytes(name, data)
    assert str(info.value), "every rejection explains itself"
    return info.value


# --------------------------------------------------------------------------- encoders for the tests


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes. Capitals with a tone have no code: typed as lowercase, like .VnTime."""
    inverse = {char: byte for byte, char in TCVN3_TO_UNICODE.items()}
    out = bytearray()
    for char in nfc(text):
        if char in inverse:
            out.append(inverse[char])
        elif char.lower() in inverse:
            out.append(inverse[char.lower()])
        else:
            out += char.encode("cp1252")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Unicode → VNI-Windows bytes: base letter + one mark byte (capitals use the capital mark)."""
    letters = {char: byte for byte, char in VNI_LETTERS.items()}
    marks = {mark: byte for byte, mark in VNI_MARKS.items() if byte >= 0xE0}
    out = bytearray()
    for char in nfc(text):
        if char in letters:
            out.append(letters[char])
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 1:
            out += char.encode("cp1252")
            continue
        base, rest = decomposed[0], "".join(sorted(decomposed[1:], key=lambda c: c in TONES))
        if "\u031b" in rest:  # horn: ơ/ư are single letters in VNI, the tone follows
            out.append(letters[nfc(base + "\u031b")])
            rest = rest.replace("\u031b", "")
        else:
            out += base.encode("ascii")
        if rest:
            out.append(marks[rest] - (0x20 if base.isupper() else 0))
    return bytes(out)


def encode_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258 as Vietnamese Windows wrote it: base letter + combining tone byte."""
    out = bytearray()
    for char in nfc(text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base = nfc("".join(c for c in decomposed if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in decomposed if c in TONES).encode("cp1258")
    return bytes(out)


# --------------------------------------------------------------------------- plain text


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def test_utf8_text_is_returned_as_is() -> None:
    result = read("plan.txt", (SENTENCE + "\n").encode())
    assert result == ExtractedText(SENTENCE + "\n", "utf-8", ())


def test_utf8_with_bom_and_markdown_suffix_in_any_case() -> None:
    result = read("PLAN.MD", codecs.BOM_UTF8 + SENTENCE.encode())
    assert (result.text, result.encoding) == (SENTENCE, "utf-8-sig")


def test_nfd_utf8_is_decoded_and_left_for_text_py_to_normalise() -> None:
    decomposed = unicodedata.normalize("NFD", SENTENCE)
    result = read("plan.txt", decomposed.encode())
    assert result.text == decomposed
    assert nfc(result.text) == SENTENCE


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    result = read("plan.txt", bom + SENTENCE.encode(codec))
    assert (result.text, result.encoding) == (SENTENCE, "utf-16")


def test_windows_1258_is_decoded_when_it_reads_as_vietnamese() -> None:
    data = encode_cp1258(SENTENCE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read("plan.txt", data)
    assert result.encoding == "cp1258"
    assert nfc(result.text) == SENTENCE


def test_windows_punctuation_in_otherwise_ascii_text() -> None:
    result = read("plan.txt", b"\x93Ke hoach\x94 \x96 2024")
    assert (result.text, result.encoding) == ("“Ke hoach” – 2024", "cp1258")


def test_tcvn3_bytes_are_converted() -> None:
    data = encode_tcvn3(SENTENCE)
    assert data.decode("cp1252") == "KÕ ho¹ch ph¸t triÓn khoa häc vµ c«ng nghÖ tØnh H\xadng Yªn n¨m 2024"
    result = read("plan.txt", data)
    assert result.encoding == "tcvn3→unicode"
    assert result.text == SENTENCE
    assert result.notes == ("converted from TCVN3 (ABC, fonts such as .VnTime) to Unicode",)


def test_vni_bytes_are_converted() -> None:
    data = encode_vni(SENTENCE)
    assert (
        data.decode("cp1252") == "Keá hoaïch phaùt trieån khoa hoïc vaø coâng ngheä tænh Höng Yeân naêm 2024"
    )
    result = read("plan.txt", data)
    assert result.encoding == "vni→unicode"
    assert result.text == SENTENCE
    assert result.notes == ("converted from VNI (fonts such as VNI-Times) to Unicode",)


@pytest.mark.parametrize(
    ("gibberish", "encoding", "expected"),
    [
        # As they appear in real documents, independent of our encoders.
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3→unicode", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "tcvn3→unicode", "Độc lập - Tự do - Hạnh phúc"),
        ("Uû ban nh©n d©n tØnh QuyÕt ®Þnh", "tcvn3→unicode", "Uỷ ban nhân dân tỉnh Quyết định"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni→unicode", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "vni→unicode", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "vni→unicode", "Độc lập - Tự do - Hạnh phúc"),
    ],
)
def test_real_world_legacy_strings(gibberish: str, encoding: str, expected: str) -> None:
    result = read("plan.txt", gibberish.encode("cp1252"))
    assert (result.text, result.encoding) == (expected, encoding)


def test_every_vietnamese_letter_round_trips_through_vni() -> None:
    text = " ".join(f"x{letter}" for letter in VIETNAMESE_LETTERS)
    assert len(VIETNAMESE_LETTERS) == 134
    assert vni_to_unicode(encode_vni(text).decode("latin-1")) == text


def test_every_lowercase_letter_round_trips_through_tcvn3() -> None:
    lowercase = [c for c in VIETNAMESE_LETTERS if c.islower()]
    assert len(lowercase) == 67
    assert set(lowercase) <= set(TCVN3_TO_UNICODE.values())
    assert len(set(TCVN3_TO_UNICODE.values())) == len(TCVN3_TO_UNICODE) == 74
    text = " ".join(lowercase)
    assert tcvn3_to_unicode(encode_tcvn3(text).decode("latin-1")) == text


def test_tcvn3_heading_in_a_capitals_font_is_put_back_in_capitals() -> None:
    data = encode_tcvn3("KẾ HOẠCH PHÁT TRIỂN KHOA HỌC\nSố: 12/KH-UBND\nHưng Yên, ngày 5 tháng 1 năm 2024")
    assert read("plan.txt", data).text == (
        "KẾ HOẠCH PHÁT TRIỂN KHOA HỌC\nSố: 12/KH-UBND\nHưng Yên, ngày 5 tháng 1 năm 2024"
    )


def test_a_longer_tcvn3_and_vni_plan_converts_line_for_line() -> None:
    plan = "\n".join(
        [
            "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN",
            "Số: 123/KH-UBND",
            "KẾ HOẠCH",
            SENTENCE,
            "Căn cứ Nghị quyết số 20/NQ-HĐND; thực hiện nhiệm vụ đổi mới sáng tạo, chuyển đổi số.",
            "STT\tChỉ tiêu\tĐơn vị tính\tThực hiện năm 2023\tKế hoạch năm 2024",
            "1\tSố doanh nghiệp khoa học và công nghệ\tDoanh nghiệp\t38\t45",
        ]
    )
    assert read("p.txt", encode_vni(plan)).text == plan
    assert read("p.txt", encode_tcvn3(plan)).text == plan


def test_legacy_lines_inside_unicode_text_are_repaired_one_by_one() -> None:
    mojibake = encode_tcvn3(SENTENCE).decode("cp1252")
    text = f"Tài chính và kế hoạch\n{mojibake}\nỦy ban nhân dân tỉnh"
    result = read("plan.txt", text.encode("utf-8"))
    assert result.text == f"Tài chính và kế hoạch\n{SENTENCE}\nỦy ban nhân dân tỉnh"
    assert result.encoding == "utf-8"
    assert result.notes == ("converted 1 line(s) typed in TCVN3 (ABC, fonts such as .VnTime) to Unicode",)


def test_valid_latin1_vietnamese_is_never_reinterpreted() -> None:
    text = "Tài chính công. Hà Nội. Cà Mau. Bà Rịa"
    assert repair_legacy_font_lines(text) == (text, None)


def test_empty_file() -> None:
    assert rejected("plan.txt", b"").code == "empty_file"


def test_only_blanks_is_empty_text() -> None:
    error = rejected("plan.txt", b" \n\t\r\n  ")
    assert error.code == "empty_text"


def test_too_large_reports_the_size() -> None:
    error = rejected("plan.txt", b"x" * (MAX_PLAN_BYTES + 3 * 1024 * 1024))
    assert error.code == "too_large"
    assert "23.0 MB" in str(error) and "20.0 MB limit" in str(error)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_random_binary(suffix: str) -> None:
    data = random.Random(6).randbytes(4096)
    assert rejected(f"plan{suffix}", data).code == "binary"


def test_random_binary_without_nul_bytes() -> None:
    rng = random.Random(7)
    data = bytes(rng.choice([b for b in range(1, 256)]) for _ in range(4096))
    assert rejected("plan.txt", data).code == "binary"


def test_ascii_range_binary_is_binary_although_it_is_valid_utf8() -> None:
    data = bytes(random.Random(8).randrange(1, 128) for _ in range(4096))
    data.decode("utf-8")
    assert rejected("plan.txt", data).code == "binary"


def test_latin1_text_that_is_not_vietnamese_is_undecodable() -> None:
    data = "Le développement économique régional à Genève, où l'été était très chaud.".encode("latin-1")
    error = rejected("plan.txt", data)
    assert error.code == "undecodable"
    assert "save it as UTF-8" in str(error)


def test_mostly_utf8_with_a_stray_byte_is_undecodable_with_its_offset() -> None:
    data = (SENTENCE * 5).encode() + b" \x96 " + SENTENCE.encode()
    error = rejected("plan.txt", data)
    assert error.code == "undecodable"
    assert "mostly UTF-8" in str(error) and "0x96" in str(error)


def test_classic_mac_line_endings_become_newlines() -> None:
    assert read("plan.txt", b"Dong mot\rDong hai\r\nDong ba").text == "Dong mot\nDong hai\nDong ba"


def test_a_pdf_renamed_txt_is_binary_with_a_hint() -> None:
    error = rejected("plan.txt", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n")
    assert error.code == "binary"
    assert "rename it to .pdf" in str(error)


def test_html_saved_as_txt_is_read_as_html() -> None:
    result = read("plan.txt", b"<!DOCTYPE html><html><body><p>Ke hoach</p><script>x=1</script></body></html>")
    assert result.text == "Ke hoach"
    assert result.encoding == "html:utf-8"
    assert "read as HTML" in result.notes[-1]


@pytest.mark.parametrize("name", ["plan.doc", "plan.xlsx", "plan", "plan.rtf"])
def test_unsupported_formats(name: str) -> None:
    error = rejected(name, b"anything")
    assert error.code == "unsupported_format"
    assert "supported: .txt, .md, .docx, .pdf, .html, .htm" in str(error)


def test_unsupported_old_word_suggests_save_as_docx() -> None:
    assert ".docx" in str(rejected("plan.doc", b"\xd0\xcf\x11\xe0"))


# --------------------------------------------------------------------------- Vietnamese syllables


@pytest.mark.parametrize(
    "word",
    [
        "Kế",
        "hoạch",
        "NGHIÊNG",
        "khuyến",
        "người",
        "Quảng",
        "giữa",
        "gì",
        "Đắk",
        "thuở",
        "Hoà",
        "Hòa",
        "khuỷu",
    ],
)
def test_valid_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)
    assert is_vietnamese_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize("word", ["hoµ", "Céng", "héi", "Keá", "hoaïch", "ghà", "hoàch", "tiê", "ngẹ"])
def test_invalid_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


# --------------------------------------------------------------------------- DOCX


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx() -> docx.document.Document:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Đầu trang: không phải nội dung"
    document.sections[0].footer.paragraphs[0].text = "Chân trang 1/3"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph(SENTENCE)
    document.add_paragraph("")  # spacing paragraph: dropped
    table = document.add_table(rows=4, cols=5)
    header = ["STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện năm 2023", "Kế hoạch năm 2024"]
    rows = [
        ["I", "Chỉ tiêu về doanh nghiệp", "", "", ""],
        ["1", "Số doanh nghiệp khoa học và công nghệ", "Doanh nghiệp", "38", "45"],
        ["2", "Số sáng chế được cấp", "Bằng", "12", "15"],
    ]
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    # Merging joins the cells' paragraphs; set the merged cells' text afterwards.
    table.cell(1, 1).merge(table.cell(1, 4)).text = "Chỉ tiêu về doanh nghiệp"  # spans four columns
    table.cell(2, 2).merge(table.cell(3, 2)).text = "Doanh nghiệp"  # one unit for two rows
    document.add_paragraph("Tổ chức thực hiện: Sở Khoa học và Công nghệ chủ trì.")
    return document


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    result = read("plan.docx", docx_bytes(plan_docx()))
    assert result.encoding == "docx"
    assert result.text.split("\n") == [
        "KẾ HOẠCH",
        SENTENCE,
        "STT\tChỉ tiêu\tĐơn vị tính\tThực hiện năm 2023\tKế hoạch năm 2024",
        "I\tChỉ tiêu về doanh nghiệp\t\t\t",
        "1\tSố doanh nghiệp khoa học và công nghệ\tDoanh nghiệp\t38\t45",
        "2\tSố sáng chế được cấp\t\t12\t15",
        "Tổ chức thực hiện: Sở Khoa học và Công nghệ chủ trì.",
    ]
    assert "Đầu trang" not in result.text and "Chân trang" not in result.text


def test_docx_layout_tables_read_cell_by_cell() -> None:
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    header.cell(0, 0).add_paragraph("TỈNH HƯNG YÊN")
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    header.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    header.cell(1, 0).text = "Số: 123/KH-UBND"
    header.cell(1, 1).text = "Hưng Yên, ngày 14 tháng 11 năm 2023"
    document.add_paragraph("KẾ HOẠCH")
    assert read("plan.docx", docx_bytes(document)).text.split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH HƯNG YÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 123/KH-UBND",
        "Hưng Yên, ngày 14 tháng 11 năm 2023",
        "KẾ HOẠCH",
    ]


def test_docx_tracked_changes_hidden_text_tabs_and_breaks() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:t xml:space="preserve">Số: 12/KH-UBND</w:t><w:tab/>'
            "<w:t>Hưng Yên, ngày 5 tháng 1 năm 2024</w:t><w:br/><w:t>Dòng sau ngắt</w:t></w:r>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t xml:space="preserve"> chèn thêm</w:t></w:r></w:ins>'
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText> đã xoá</w:delText></w:r></w:del>'
        )
    )
    paragraph._p.append(
        parse_xml(f"<w:r {nsdecls('w')}><w:rPr><w:vanish/></w:rPr><w:t> văn bản ẩn</w:t></w:r>")
    )
    text = read("plan.docx", docx_bytes(document)).text
    assert text == "Số: 12/KH-UBND    Hưng Yên, ngày 5 tháng 1 năm 2024\nDòng sau ngắt chèn thêm"


def test_docx_list_labels_from_word_styles() -> None:
    document = docx.Document()
    document.add_paragraph("Mục tiêu chung", style="List Number")
    document.add_paragraph("Mục tiêu cụ thể", style="List Number")
    document.add_paragraph("Nhiệm vụ thứ nhất", style="List Bullet")
    assert read("plan.docx", docx_bytes(document)).text.split("\n") == [
        "1. Mục tiêu chung",
        "2. Mục tiêu cụ thể",
        "• Nhiệm vụ thứ nhất",
    ]


def test_docx_multilevel_numbering_restarts_like_word() -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = (("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"), ("bullet", "-"))
    abstract = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{abstract}</w:abstractNum>')
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    outline = [
        (90, 0, "MỤC TIÊU"),
        (90, 1, "Mục tiêu chung"),
        (90, 2, "Phát triển tiềm lực"),
        (90, 2, "Đổi mới sáng tạo"),
        (90, 3, "gạch đầu dòng"),
        (90, 1, "Chỉ tiêu"),
        (90, 0, "NHIỆM VỤ"),
        (90, 1, "Nhiệm vụ trọng tâm"),
        (91, 0, "PHỤ LỤC MỚI"),
    ]
    for num_id, level, text in outline:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
            )
        )
    assert read("plan.docx", docx_bytes(document)).text.split("\n") == [
        "I. MỤC TIÊU",
        "1. Mục tiêu chung",
        "a) Phát triển tiềm lực",
        "b) Đổi mới sáng tạo",
        "- gạch đầu dòng",
        "2. Chỉ tiêu",
        "II. NHIỆM VỤ",
        "1. Nhiệm vụ trọng tâm",
        "I. PHỤ LỤC MỚI",
    ]


def test_docx_alt_chunk_html_is_read_in_place() -> None:
    document = docx.Document()
    document.add_paragraph("Trước phần nhúng")
    html = (
        "<html><body><nav>Trang chủ</nav><p>Nội dung nhúng</p><table><tr><td>A</td><td>B</td><td>C</td></tr>"
    )
    part = Part(PackURI("/word/afchunk1.htm"), "text/html", html.encode(), document.part.package)
    relationship = document.part.relate_to(part, RELATIONSHIP_TYPE.A_F_CHUNK)
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{relationship}"/>'))
    document.add_paragraph("Sau phần nhúng")
    assert (
        read("plan.docx", docx_bytes(document)).text
        == "Trước phần nhúng\nNội dung nhúng\nA\tB\tC\nSau phần nhúng"
    )


def test_docx_typed_in_a_tcvn3_font_is_converted() -> None:
    document = docx.Document()
    document.add_paragraph(encode_tcvn3(SENTENCE).decode("cp1252"))
    document.add_paragraph("Ủy ban nhân dân tỉnh Hưng Yên")
    result = read("plan.docx", docx_bytes(document))
    assert result.text == f"{SENTENCE}\nỦy ban nhân dân tỉnh Hưng Yên"
    assert result.notes and "TCVN3" in result.notes[0]


def test_docx_in_an_unknown_legacy_font_is_refused() -> None:
    document = docx.Document()
    document.add_paragraph(" ".join(["Çéèêë ÿþýü àÐÞ ßøæ"] * 10))
    error = rejected("plan.docx", docx_bytes(document))
    assert error.code == "legacy_font_encoding"
    assert "Unicode" in str(error)


def test_docx_without_text_is_empty_text() -> None:
    assert rejected("plan.docx", docx_bytes(docx.Document())).code == "empty_text"


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_of_something_else_is_not_a_docx() -> None:
    error = rejected("plan.docx", zip_bytes({"notes.txt": b"hello"}))
    assert error.code == "not_a_docx"
    assert "ZIP archive" in str(error)


def test_an_excel_workbook_renamed_docx_is_named() -> None:
    error = rejected("plan.docx", zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}))
    assert (error.code, "Excel" in str(error)) == ("not_a_docx", True)


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
        (b"plain words, not a package", "save it as Word Document"),
    ],
)
def test_non_zip_docx(data: bytes, hint: str) -> None:
    error = rejected("plan.docx", data)
    assert error.code == "not_a_docx"
    assert hint in str(error)


def test_truncated_docx_is_corrupt() -> None:
    data = docx_bytes(plan_docx())
    assert rejected("plan.docx", data[: len(data) // 2]).code == "corrupt_docx"


def test_macro_enabled_document_is_not_a_plain_docx() -> None:
    good = zipfile.ZipFile(io.BytesIO(docx_bytes(plan_docx())))
    files = {name: good.read(name) for name in good.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    error = rejected("plan.docx", zip_bytes(files))
    assert error.code == "not_a_docx"
    assert "macro-enabled" in str(error)


def test_docx_with_broken_xml_is_corrupt() -> None:
    good = zipfile.ZipFile(io.BytesIO(docx_bytes(plan_docx())))
    files = {name: good.read(name) for name in good.namelist()}
    files["word/document.xml"] = files["word/document.xml"][:200]
    assert rejected("plan.docx", zip_bytes(files)).code == "corrupt_docx"


# --------------------------------------------------------------------------- PDF


def pdf_bytes(page_streams: list[bytes], font: list[bytes] | None = None) -> bytes:
    """A minimal valid PDF by hand: catalog, pages, the font objects (object 3 is /F1), then pages."""
    fonts = font or [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    objects: dict[int, bytes] = {3 + i: body for i, body in enumerate(fonts)}
    number = 3 + len(fonts)
    kids = []
    for content in page_streams:
        objects[number] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
        objects[number + 1] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % number
        )
        kids.append(number + 1)
        number += 2
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i in range(1, number):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, objects[i])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % number
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (number, xref)
    return bytes(out)


def text_page(*lines: str) -> bytes:
    shown = b" 0 -16 Td ".join(b"(" + line.encode("latin-1") + b") Tj" for line in lines)
    return b"BT /F1 12 Tf 72 720 Td " + shown + b" ET"


def unicode_font_pdf(text: str) -> bytes:
    """A Type0 (Identity-H) font with a ToUnicode map, as Word writes Vietnamese PDFs."""
    cmap = b"\n".join(
        [
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
            b"%d beginbfchar" % len(set(text)),
            *(b"<%04X> <%04X>" % (ord(c), ord(c)) for c in sorted(set(text))),
            b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    )
    fonts = [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H "
        b"/DescendantFonts [5 0 R] /ToUnicode 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Arial /CIDToGIDMap /Identity "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    hex_text = "".join(f"{ord(c):04X}" for c in text).encode()
    return pdf_bytes([b"BT /F1 12 Tf 72 720 Td <" + hex_text + b"> Tj ET"], fonts)


def test_pdf_text_layer_page_by_page_with_line_breaks() -> None:
    data = pdf_bytes([text_page(ASCII_SENTENCE, "Muc tieu chung"), text_page("Trang hai: nhiem vu")])
    result = read("plan.pdf", data)
    assert result == ExtractedText(f"{ASCII_SENTENCE}\nMuc tieu chung\nTrang hai: nhiem vu", "pdf", ())


def test_pdf_with_a_unicode_font_keeps_vietnamese() -> None:
    assert read("plan.pdf", unicode_font_pdf(SENTENCE)).text == SENTENCE


def test_pdf_typed_in_a_tcvn3_font_is_converted() -> None:
    data = pdf_bytes([text_page(encode_tcvn3(SENTENCE).decode("latin-1"))])
    result = read("plan.pdf", data)
    assert result.text == SENTENCE
    assert "TCVN3" in result.notes[0]


def test_pdf_without_text_needs_ocr() -> None:
    drawing = b"0.5 g 72 72 451 698 re f"  # a scanned page is an image: no text operators
    error = rejected("scan.pdf", pdf_bytes([drawing, drawing]))
    assert error.code == "needs_ocr"
    assert "run OCR" in str(error)


def test_pdf_with_a_few_scanned_pages_is_read_with_a_note() -> None:
    data = pdf_bytes([text_page(ASCII_SENTENCE), b"0 g 0 0 10 10 re f", text_page("Trang ba cua ke hoach")])
    result = read("plan.pdf", data)
    assert result.text == f"{ASCII_SENTENCE}\nTrang ba cua ke hoach"
    assert result.notes == (
        "page(s) 2 have (almost) no text layer (scanned or blank pages?): check that nothing is missing",
    )


def test_truncated_pdf_is_corrupt() -> None:
    data = pdf_bytes([text_page(ASCII_SENTENCE)])
    error = rejected("plan.pdf", data[: len(data) // 2])
    assert error.code == "corrupt_pdf"
    assert "truncated" in str(error)


def test_pdf_with_garbage_after_the_header_is_corrupt() -> None:
    assert rejected("plan.pdf", b"%PDF-1.4\n" + random.Random(1).randbytes(3000) + b"\n%%EOF\n").code == (
        "corrupt_pdf"
    )


@pytest.mark.parametrize("data", [b"<html><body>404 Not Found</body></html>", b"PK\x03\x04rest"])
def test_a_file_without_pdf_header_is_corrupt_pdf(data: bytes) -> None:
    error = rejected("plan.pdf", data)
    assert error.code == "corrupt_pdf"
    assert "no PDF header" in str(error)


def encrypt(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf_is_refused() -> None:
    data = encrypt(pdf_bytes([text_page(ASCII_SENTENCE)]), "user-secret")
    error = rejected("plan.pdf", data)
    assert error.code == "encrypted_pdf"
    assert "password" in str(error)


def test_pdf_protected_only_by_an_owner_password_is_read() -> None:
    data = encrypt(pdf_bytes([text_page(ASCII_SENTENCE)]), "")
    result = read("plan.pdf", data)
    assert result.text == ASCII_SENTENCE
    assert result.notes == ("PDF protection removed with the empty password (permissions-only protection)",)


def test_pdf_with_an_unreadable_text_layer_needs_ocr() -> None:
    garbled = " ".join(["Çéèêë ÿþýü àÐÞ ßøæ"] * 10)
    error = rejected("plan.pdf", pdf_bytes([text_page(garbled)]))
    assert error.code == "needs_ocr"
    assert "garbled" in str(error)


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Thư viện pháp luật - Kế hoạch 12</title>
<style>p { color: red }</style><script>var menu = "Trang chủ";</script></head>
<body class="has-sidebar">
<form id="form1" method="post" action="./van-ban.aspx">
<header><a href="/">Trang chủ</a> Đăng nhập</header>
<nav><ul><li>Văn bản mới</li><li>Tiếng Anh</li></ul></nav>
<div class="breadcrumb">Trang chủ &gt; Văn bản &gt; Khoa học</div>
<div id="main-menu"><a href="#">Tin tức</a></div>
<div class="content">
<h1>KẾ HOẠCH</h1>
<p>Kế hoạch phát triển khoa học và công nghệ<br>tỉnh Hưng Yên năm 2024</p>
<p>Mục tiêu: &quot;đổi mới&quot; &amp; sáng tạo</p>
<ul><li>Nhiệm vụ một</li><li>Nhiệm vụ hai</ul>
<table border="1">
<tr><th>STT</th><th>Chỉ tiêu</th><th>Đơn vị tính</th><th>Thực hiện năm 2024</th><th>Kế hoạch năm 2025</th></tr>
<tr><td rowspan="2"><p>1</p></td><td><p>Số doanh nghiệp</p><p>khoa học và công nghệ</p></td>
<td>Doanh nghiệp</td><td>38</td><td>45</td>
<tr><td>Số sáng chế</td><td>Bằng</td><td>12</td><td>15</td></tr>
<tr><td>II</td><td colspan="4">Chỉ tiêu khác</td></tr>
</table>
<div class="social-share">Chia sẻ Facebook</div>
<div style="display: none">Nội dung ẩn</div>
</div>
<aside>Văn bản liên quan</aside>
<div class="comments"><p>Bình luận của bạn đọc</p></div>
<footer>Bản quyền © 2024</footer>
</form>
</body></html>
"""


def test_html_keeps_only_the_content_with_tables_as_rows() -> None:
    result = read("plan.html", PAGE.encode("utf-8"))
    assert result.encoding == "html:utf-8"
    assert result.text.split("\n") == [
        "KẾ HOẠCH",
        "Kế hoạch phát triển khoa học và công nghệ",
        "tỉnh Hưng Yên năm 2024",
        'Mục tiêu: "đổi mới" & sáng tạo',
        "Nhiệm vụ một",
        "Nhiệm vụ hai",
        "STT\tChỉ tiêu\tĐơn vị tính\tThực hiện năm 2024\tKế hoạch năm 2025",
        "1\tSố doanh nghiệp khoa học và công nghệ\tDoanh nghiệp\t38\t45",
        "\tSố sáng chế\tBằng\t12\t15",
        "II\tChỉ tiêu khác\t\t\t",
    ]


def test_html_charset_from_meta_for_windows_1258_pages() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>'
    data = page.encode("ascii") + b"<body><p>" + encode_cp1258(SENTENCE) + b"</p></body></html>"
    result = read("plan.htm", data)
    assert (nfc(result.text), result.encoding) == (SENTENCE, "html:cp1258")


def test_html_in_a_vni_font_is_converted() -> None:
    data = b'<html><body><p><font face="VNI-Times">' + encode_vni(SENTENCE) + b"</font></p></body></html>"
    assert read("plan.html", data).text == SENTENCE


def test_html_header_of_the_article_is_content_but_the_site_header_is_not() -> None:
    page = (
        "<body><header>Cổng thông tin</header><main><article><header><h1>KẾ HOẠCH số 12</h1></header>"
        "<p>Nội dung kế hoạch</p><footer>Nơi nhận: UBND tỉnh</footer></article></main>"
        "<footer>Liên hệ</footer></body>"
    )
    assert read("plan.html", page.encode()).text == "KẾ HOẠCH số 12\nNội dung kế hoạch\nNơi nhận: UBND tỉnh"


def test_html_with_only_chrome_is_empty_text() -> None:
    page = "<html><body><nav>Trang chủ</nav><footer>Liên hệ</footer><script>x()</script></body></html>"
    assert rejected("plan.html", page.encode()).code == "empty_text"


def test_html_nested_layout_table_and_unclosed_cells() -> None:
    page = (
        "<table><tr><td><p>ỦY BAN NHÂN DÂN</p><p>TỈNH HƯNG YÊN</p><td>Số: 12/KH-UBND</table>"
        "<table><tr><td>Mã<td>Tên<td>Giá trị<tr><td>A<td>Một<td>1</table>"
    )
    assert read("plan.html", page.encode()).text.split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH HƯNG YÊN",
        "Số: 12/KH-UBND",
        "Mã\tTên\tGiá trị",
        "A\tMột\t1",
    ]


# --------------------------------------------------------------------------- the seed plans in every format

SEED_PLANS = sorted((Path(__file__).resolve().parents[1] / "data" / "raw" / "plans").glob("*.txt"))


@pytest.mark.parametrize("plan", SEED_PLANS, ids=lambda path: path.stem[:3])
def test_seed_plans_read_the_same_from_every_format(plan: Path) -> None:
    text = plan.read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]

    assert nfc(read("p.txt", encode_cp1258(text)).text) == nfc(text)
    assert read("p.txt", encode_vni(text)).text == nfc(text)
    # TCVN3 has no capitals with a tone ("Ủy" is typed "ủy"): compare ignoring case.
    assert read("p.txt", encode_tcvn3(text)).text.lower() == nfc(text).lower()

    page = "<html><body><div class='content'>" + "".join(f"<p>{html.escape(ln)}</p>" for ln in lines)
    assert read("p.html", page.encode()).text.split("\n") == lines

    for encode in (None, encode_vni):
        document = docx.Document()
        for line in lines:
            document.add_paragraph(encode(line).decode("cp1252") if encode else line)
        assert read("p.docx", docx_bytes(document)).text.split("\n") == lines


# --------------------------------------------------------------------------- one refusal, one limit


def over_many_members() -> bytes:
    """A "Word file" with more parts than any document has: refused from the ZIP directory alone."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<x/>")
        for number in range(MAX_MEMBERS):
            archive.writestr(f"word/media/part{number}.bin", b"")
    return buffer.getvalue()


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


# One real bad file per reason code a reader raises (built when its test runs: one is 20 MB).
BAD_FILES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "empty_file": lambda: ("plan.txt", b""),
    "empty_text": lambda: ("plan.txt", b" \n\t\r\n  "),
    "binary": lambda: ("plan.txt", random.Random(6).randbytes(4096)),
    "undecodable": lambda: ("plan.txt", "Le développement économique régional à Genève".encode("latin-1")),
    "mixed_encoding": lambda: ("plan.txt", f"{SENTENCE}\n".encode() * 3 + bytes(range(0xC0, 0xFF)) * 3),
    "legacy_font_encoding": lambda: ("plan.txt", " ".join(["Çéèêë ÿþýü àÐÞ ßøæ"] * 10).encode()),
    "unsupported_format": lambda: ("plan.doc", b"\xd0\xcf\x11\xe0"),
    "not_a_docx": lambda: ("plan.docx", zip_bytes({"notes.txt": b"hello"})),
    "corrupt_docx": lambda: ("plan.docx", half(docx_bytes(plan_docx()))),
    "zip_bomb": lambda: ("plan.docx", over_many_members()),
    "corrupt_pdf": lambda: ("plan.pdf", half(pdf_bytes([text_page(ASCII_SENTENCE)]))),
    "encrypted_pdf": lambda: ("plan.pdf", encrypt(pdf_bytes([text_page(ASCII_SENTENCE)]), "user-secret")),
    "needs_ocr": lambda: ("scan.pdf", pdf_bytes([b"0.5 g 72 72 451 698 re f"] * 2)),
    "corrupt_html": lambda: ("page.html", b"<html><body><p>Ke hoach <![ x</p></body></html>"),
    "too_large": lambda: ("plan.txt", b"x" * (MAX_PLAN_BYTES + 1)),
}


def quarantine_labels() -> dict[str, str]:
    """The Vietnamese label of each quarantine reason code, from the seed the quarantine marts use."""
    with (SEEDS_DIR / "labels_vi.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: row["label_vi"]
            for row in csv.DictReader(handle)
            if row["vocabulary"] == "reason_code"
        }


@pytest.mark.parametrize("code", sorted(BAD_FILES))
def test_every_reader_refuses_with_the_one_exception_and_a_labelled_reason_code(code: str) -> None:
    name, data = BAD_FILES[code]()
    with pytest.raises(Exception) as info:
        read_document_bytes(name, data)
    error = info.value
    assert type(error) is UnreadableDocument, f"{type(error).__name__}: {error}"
    assert error.code == code
    assert len(str(error).split()) >= 8, "the message says, in a sentence, what is wrong and what to do"
    assert code in quarantine_labels(), "every reason code has its Vietnamese label in the quarantine"


def sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes that costs no disk (holes): reading it whole would cost `size` bytes."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def file_refusals(root: Path) -> dict[str, Path]:
    """A real path per reason code that reading a plan file from disk raises."""
    (root / "folder.txt").mkdir()
    (root / "link.txt").symlink_to(sparse_file(root / "target.txt", 10))
    return {
        "symlink": root / "link.txt",
        "not_a_file": root / "folder.txt",
        "unreadable": root / "vanished.txt",
        "too_large": sparse_file(root / "export gone wrong.txt", MAX_PLAN_BYTES + 1),
    }


def test_reading_a_plan_file_refuses_with_the_same_exception_and_labelled_codes(tmp_path: Path) -> None:
    for code, path in file_refusals(tmp_path).items():
        with pytest.raises(Exception) as info:
            read_plan_bytes(path)
        assert type(info.value) is UnreadableDocument and info.value.code == code, (code, info.value)
        assert code in quarantine_labels()


def test_the_one_size_limit_is_the_plan_limit_the_quarantine_label_states() -> None:
    assert MAX_PLAN_BYTES == 20 * 1024 * 1024
    assert f"{MAX_PLAN_BYTES // (1024 * 1024)} MB" in quarantine_labels()["too_large"]
    assert rejected("plan.txt", b"x" * (MAX_PLAN_BYTES + 1)).code == "too_large"  # the default of the readers
    assert rejected("plan.txt", b"\0" * MAX_PLAN_BYTES).code == "binary"  # at the limit: read, not refused


def test_a_file_over_the_limit_is_too_large_before_reading_in_the_pipeline_and_the_cli(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    over = sparse_file(tmp_path / "export gone wrong.txt", MAX_PLAN_BYTES + 1)
    at_limit = sparse_file(tmp_path / "at the limit.txt", MAX_PLAN_BYTES)
    message = too_large_message(MAX_PLAN_BYTES + 1)
    assert "20.0 MB" in message and "without reading" in message

    info = over.lstat()  # the pipeline: store.plan_files reads one listed plan
    with pytest.raises(UnreadableDocument) as error:
        read_document(PlanFile(over, over.name, info.st_size, info.st_mtime), gazetteer)
    assert (error.value.code, str(error.value)) == ("too_large", message)

    result = subprocess.run(  # the CLI, run as a user would
        [str(Path(sys.executable).with_name("khcn")), "extract", str(over), str(at_limit)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["reason_code"]) for r in records] == [
        (str(over), "too_large"),
        (str(at_limit), "binary"),
    ]
    assert records[0]["error"] == message
