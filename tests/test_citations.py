"""Citations: canonical forms, variants that must meet, the plan's own number, links between plans."""

from __future__ import annotations

import json

import pytest

from pipelines.citations import canonical_form, citation_tier, extract_citations, link_citations
from pipelines.text.normalize import normalize_text
from tests.conftest import GOLDEN, PLANS, REPO


def canonicals(text: str, own: str | None = None) -> list[str]:
    return [c.canonical for c in extract_citations(normalize_text(text), own)]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Quyết định số 2667/QĐ-BKHCN ngày 28/12/2022", "2667/QĐ-BKHCN"),
        ("Nghị định 55/2011/NĐ-CP", "55/2011/NĐ-CP"),
        ("Nghị quyết số 52-NQ/TW ngày 27/9/2019", "52-NQ/TW"),
        ("Thông tư số 15/2022/TT-BKH&CN", "15/2022/TT-BKHCN"),
        ("Thông tư số 15/2022/TT-BKHCN", "15/2022/TT-BKHCN"),
        ("Nghị quyết số 50-NQ/CP ngày 17/4/2020", "50/NQ-CP"),
        ("Nghị quyết số 50/NQ-CP ngày 17/4/2020", "50/NQ-CP"),
        ("Kết luận số 50KL/TW", "50-KL/TW"),
        ("Kết luận số 50-KL/TW", "50-KL/TW"),
        ("Chương trình số 180-CTr/TU", "180-CTr/TU"),
        ("Chương trình hành động số 17/CTr-UBND", "17/CTr-UBND"),
        ("Nghị quyết số 6-NQ/TU", "06-NQ/TU"),
        ("Quyết định số 2667/QĐ - BKHCN", "2667/QĐ-BKHCN"),
    ],
)
def test_variants_meet_in_one_canonical_form(written: str, canonical: str) -> None:
    assert canonicals(f"Thực hiện {written} của cơ quan có thẩm quyền.") == [canonical]


def test_numbers_broken_across_lines_by_pdf_copy_are_rejoined() -> None:
    text = "Thực hiện Quyết định số 1234/QĐ-\nUBND ngày 15/5/2024 và Nghị quyết số 20/2024/\nNQ-HĐND ngày 12/7/2024."
    assert canonicals(text) == ["1234/QĐ-UBND", "20/2024/NQ-HĐND"]


def test_the_plans_own_number_is_metadata_not_a_citation() -> None:
    text = "Số: 4346/KH-UBND\nHải Dương, ngày 14 tháng 11 năm 2023\nKẾ HOẠCH\n(Kèm theo Kế hoạch số 4346/KH-UBND)"
    assert canonicals(text, own="4346/KH-UBND") == []


def test_date_tier_and_quote() -> None:
    (citation,) = extract_citations(
        normalize_text("căn cứ Quyết định số 696/QĐ-TTg ngày 25/5/2020 của Thủ tướng")
    )
    assert (citation.issue_date, citation.citation_tier, citation.doc_type) == (
        "2020-05-25",
        "national",
        "QĐ",
    )
    assert citation.quote == "Quyết định số 696/QĐ-TTg ngày 25/5/2020"


@pytest.mark.parametrize(
    ("issuer", "level"),
    [
        ("TW", "party_central"),
        ("TU", "party_province"),
        ("TTg", "national"),
        ("CP", "national"),
        ("BKHCN", "ministry"),
        ("UBND", "province"),
        ("HĐND", "province"),
    ],
)
def test_citation_tiers(issuer: str, level: str) -> None:
    assert citation_tier(issuer) == level


def test_canonical_form_keeps_year_and_party_style() -> None:
    assert canonical_form("55", 2011, "NĐ", "CP") == "55/2011/NĐ-CP"
    assert canonical_form("52", None, "NQ", "TW") == "52-NQ/TW"


def test_every_labelled_citation_is_found_with_no_extra(gazetteer) -> None:
    """Distinct canonical citations per plan against the analyst's labels (golden and synthetic)."""
    from pipelines.citations import citations_for_document
    from pipelines.store.plan_files import build_document

    labels = sorted(GOLDEN.glob("*.json")) + sorted(
        (REPO / "tests" / "fixtures" / "synthetic").glob("*.json")
    )
    for label_file in labels:
        label = json.loads(label_file.read_text(encoding="utf-8"))
        path = label_file.parent / label["file"]
        path = path if path.exists() else PLANS / label["file"]
        document = build_document(path.name, path.read_bytes(), gazetteer)
        found = {c["canonical"] for c in citations_for_document(document)}
        assert found == {c["canonical"] for c in label["citations"]}, label["file"]


def test_a_plan_without_header_is_linked_to_the_citation_that_names_it() -> None:
    cited = {
        "document_id": "b" * 16,
        "province_code": "33",
        "doc_number": None,
        "doc_type": "Kế hoạch",
        "issue_year": None,
        "title": "Phát triển khoa học, công nghệ và đổi mới sáng tạo tỉnh Hưng Yên giai đoạn 2023 - 2025",
        "text_normalized": "",
    }
    text = (
        "Căn cứ Kế hoạch số 95/KH-UBND ngày 07/6/2023 của UBND tỉnh về phát triển khoa học, công nghệ và đổi mới "
        "sáng tạo tỉnh Hưng Yên giai đoạn 2023-2025; Kế hoạch số 197/KH-UBND ngày 05/12/2022 về truy xuất nguồn gốc."
    )
    citing = {"document_id": "a" * 16, "province_code": "33", "doc_number": None, "text_normalized": text}
    other_province = {**cited, "document_id": "c" * 16, "province_code": "30"}
    records = [{"document_id": citing["document_id"], **c.as_dict()} for c in extract_citations(text)]
    links = link_citations(records, [citing, cited, other_province])
    assert [(link["canonical"], link["cited_document_id"]) for link in links] == [("95/KH-UBND", "b" * 16)]
    assert links[0]["link_method"].startswith("title")
    assert "giai đoạn 2023-2025" in links[0]["link_evidence"]
