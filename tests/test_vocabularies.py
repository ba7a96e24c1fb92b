"""The administrative vocabularies are data, declared once: document types, issuer codes and levels,
document flags (seeds in dbt_project/seeds/, read by pipelines/metadata/vocabulary.py), and both the
metadata reader and the citation reader answer from them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipelines.citations import citation_tier, extract_citations, link_citations, normalize_type
from pipelines.metadata import issuers
from pipelines.metadata.extract import extract_metadata
from pipelines.metadata.vocabulary import (
    CITATION_TIER_COLUMN,
    DOCUMENT_LEVEL_COLUMN,
    document_type,
    document_types,
    flag_codes,
    is_known_flag,
    issuer_codes,
    issuer_level_codes,
)
from pipelines.store.plan_files import build_document
from pipelines.text.normalize import fold_diacritics, normalize_text
from tests.conftest import PLANS, REPO

SEEDS = REPO / "dbt_project" / "seeds"
FIXTURES = REPO / "tests" / "fixtures"
PLAN_SUFFIXES = {".txt", ".md", ".docx", ".html", ".htm", ".pdf"}


def labels(vocabulary_name: str) -> set[str]:
    with (SEEDS / "labels_vi.csv").open(encoding="utf-8") as handle:
        return {r["code"] for r in csv.DictReader(handle) if r["vocabulary"] == vocabulary_name}


def fixture_plans() -> list[Path]:
    """Every plan of the labelled sets and of the seed plan folder (labels and READMEs left out)."""
    found = [p for p in FIXTURES.glob("*/*") if p.suffix in PLAN_SUFFIXES and p.name != "README.md"]
    return sorted(found) + sorted(PLANS.glob("*"))


# --------------------------------------------------------------------------- document types


def test_every_written_type_code_names_one_type() -> None:
    """No spelling of a code (nor its folded form) stands for two types, and names are unique."""
    upper: dict[str, str] = {}
    folded: dict[str, str] = {}
    for kind in document_types():
        for written in kind.written:
            assert upper.setdefault(written.upper(), kind.code) == kind.code, written
            assert folded.setdefault(fold_diacritics(written).upper(), kind.code) == kind.code, written
    names = [n for kind in document_types() for n in kind.names]
    assert len(names) == len(set(names))


def test_every_spelling_of_a_type_code_finds_its_type() -> None:
    """In any case, with or without its diacritics, a written code finds its type in the one table
    that both plan numbers and citations read ("CTR" → CTr, "QD" → QĐ)."""
    for kind in document_types():
        for written in kind.written:
            for spelling in (written, written.upper(), written.lower(), fold_diacritics(written).upper()):
                assert document_type(spelling) == kind, spelling
                assert normalize_type(spelling) == kind.code, spelling


def test_a_plan_numbered_with_a_type_code_only_gets_the_types_name(gazetteer) -> None:
    """A headerless draft keeps only "Số: /TTr-SKHCN": the type comes from the same table citations use."""
    meta = extract_metadata(
        normalize_text("Số: /TTr-SKHCN\nNội dung tờ trình về khoa học năm 2024."), gazetteer
    )
    assert meta.doc_type == "Tờ trình"
    (citation,) = extract_citations(normalize_text("Căn cứ Tờ trình số 56/TTr-SKHCN ngày 10/3/2025 của Sở."))
    assert citation.doc_type == "TTr" and citation.quote.startswith("Tờ trình số 56/TTr-SKHCN")


def test_a_citation_links_to_an_action_programme_of_the_same_type() -> None:
    """A document typed "Chương trình hành động" is a CTr: a citation of a CTr may name it by title."""
    title = "Thực hiện chuyển đổi số và phát triển khoa học công nghệ tỉnh giai đoạn 2021 - 2025"
    cited = {"document_id": "b" * 16, "province_code": "33", "doc_number": None, "issue_year": None}
    cited |= {"doc_type": "Chương trình hành động", "title": title, "text_normalized": ""}
    text = f"Căn cứ Chương trình số 12/CTr-UBND ngày 05/3/2021 của UBND tỉnh về {title.lower()}; các nội dung khác."
    citing = {"document_id": "a" * 16, "province_code": "33", "doc_number": None, "text_normalized": text}
    records = [{"document_id": citing["document_id"], **c.as_dict()} for c in extract_citations(text)]
    links = link_citations(records, [citing, cited])
    assert [link["cited_document_id"] for link in links] == ["b" * 16]


# --------------------------------------------------------------------------- issuers and their levels


def test_each_issuer_level_column_has_one_vocabulary_with_labels() -> None:
    documents = issuer_level_codes(DOCUMENT_LEVEL_COLUMN)
    citations = issuer_level_codes(CITATION_TIER_COLUMN)
    assert documents and citations
    assert len(set(documents)) == len(documents) and len(set(citations)) == len(citations)
    # each column is labelled from the labels vocabulary named after it, and from no other
    assert set(documents) == labels("issuer_level")
    assert set(citations) == labels("citation_tier")


def test_issuer_seed_uses_only_declared_levels() -> None:
    documents = set(issuer_level_codes(DOCUMENT_LEVEL_COLUMN))
    citations = set(issuer_level_codes(CITATION_TIER_COLUMN))
    codes = {i.code for i in issuer_codes()}
    assert len(codes) == len(issuer_codes())
    for issuer in issuer_codes():
        assert issuer.citation_tier in citations, issuer.code
        assert (issuer.document_level is None) == (issuer.document_issuer is None), issuer.code
        assert issuer.document_level is None or issuer.document_level in documents, issuer.code
        assert issuer.spelling_of is None or issuer.spelling_of in codes, issuer.code
    for constant in (issuers.ISSUER_UBND, issuers.ISSUER_HDND, issuers.ISSUER_PARTY, issuers.ISSUER_DOST):
        assert constant.level in documents


# codes the issuer seed does not list, one for each numbering rule: "…TW", "QH…", "B…", anything else
UNLISTED_ISSUERS = ["BKTTW", "QH16", "BTC", "X"]


def test_every_citation_tier_is_a_declared_code() -> None:
    """A listed issuer gets the seed's tier; an unlisted one a tier of the same declared vocabulary."""
    tiers = issuer_level_codes(CITATION_TIER_COLUMN)
    for issuer in issuer_codes():
        assert citation_tier(issuer.code) == issuer.citation_tier, issuer.code
    listed = {issuer.code for issuer in issuer_codes()}
    for code in UNLISTED_ISSUERS:
        assert code not in listed, f"{code} is listed: pick a code that exercises the rule"
        assert citation_tier(code) in tiers, code


@pytest.mark.parametrize("code", ["BTV", "BCH", "TUTW"])
def test_party_bodies_of_the_province_are_party_for_plans_and_citations(code: str, gazetteer) -> None:
    """Ban Thường vụ ("/BTV") is the Tỉnh ủy for a plan's issuer and a Party tier for a citation."""
    meta = extract_metadata(
        normalize_text(f"Số: 12-KH/{code}\nKẾ HOẠCH\nPhát triển khoa học năm 2024"), gazetteer
    )
    assert (meta.issuer, meta.issuer_level) == ("Tỉnh ủy", "party")
    assert citation_tier(code) == "party_province"
    (citation,) = extract_citations(normalize_text(f"Thực hiện Kế hoạch số 12-KH/{code} ngày 05/3/2024."))
    assert citation.canonical == f"12-KH/{code}"  # Party numbering


def test_another_spelling_of_an_issuer_meets_its_code() -> None:
    written = "Căn cứ Quyết định số 15/QĐ-BKHVCN và Kế hoạch số 7/KH-SKHVCN của Sở."
    assert [c.canonical for c in extract_citations(normalize_text(written))] == ["15/QĐ-BKHCN", "07/KH-SKHCN"]


# --------------------------------------------------------------------------- document flags

_APPENDED = re.compile(r"flags\.append\((?P<arg>[^\n]*)\)")
_LITERAL = re.compile(r"""f?"([a-z_]+)(\{)?""")


def flags_in_code() -> set[str]:
    """The flag codes the library's source appends ("…_{step}" as the family "…_*")."""
    found: set[str] = set()
    for path in (REPO / "pipelines").rglob("*.py"):
        for call in _APPENDED.finditer(path.read_text(encoding="utf-8")):
            found |= {code + ("*" if brace else "") for code, brace in _LITERAL.findall(call["arg"])}
    return found


def test_every_flag_the_code_appends_is_in_the_seed() -> None:
    """Every flags.append call of the source is read (so none escapes the check), and its codes are seeded."""
    source = [p.read_text(encoding="utf-8") for p in (REPO / "pipelines").rglob("*.py")]
    calls = [call["arg"] for text in source for call in _APPENDED.finditer(text)]
    assert calls and all(_LITERAL.findall(arg) for arg in calls), [
        a for a in calls if not _LITERAL.findall(a)
    ]
    in_code = flags_in_code()
    assert in_code <= flag_codes(), sorted(in_code - flag_codes())


def test_every_seeded_flag_is_raised_somewhere() -> None:
    """A flag the seed labels but no code raises would be a label of nothing."""
    assert flag_codes() <= flags_in_code(), sorted(flag_codes() - flags_in_code())


def test_every_flag_raised_on_the_labelled_plans_is_in_the_seed(gazetteer) -> None:
    raised: set[str] = set()
    for path in fixture_plans():
        try:
            document = build_document(path.name, path.read_bytes(), gazetteer)
        except Exception:  # a plan that is refused on purpose (a fault fixture) raises no flag
            continue
        raised |= set(document["flags"])
    assert raised, "no labelled plan raised a flag: the check below would pass on nothing"
    assert all(is_known_flag(code) for code in raised), sorted(c for c in raised if not is_known_flag(c))


def test_a_reader_error_flag_belongs_to_the_seeded_family() -> None:
    """A family ("metadata_error_*") knows its members and no other code that starts alike."""
    families = [code[:-1] for code in flag_codes() if code.endswith("*")]
    assert families
    for prefix in families:
        assert is_known_flag(f"{prefix}title") and not is_known_flag(prefix.rstrip("_") + "s")


def test_the_flags_the_readers_know_are_the_labelled_ones() -> None:
    """The workbook labels flags from labels_vi (vocabulary `flags`): the readers know exactly those."""
    assert flag_codes() == labels("flags")
