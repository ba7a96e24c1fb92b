"""The administrative vocabularies the readers share: document types, issuer codes, issuer levels, flags.

They are data, dbt seeds in dbt_project/seeds/ (document_types.csv, issuers.csv, issuer_levels.csv,
and the `flags` vocabulary of labels_vi.csv), read once here, so the metadata reader, the citation
reader, the raw-table contracts and the tests use one list: a type, an issuer or a flag is added in
the seed, never in code. The grammar that combines the words (where a number puts its type code,
which issuer tier a code of unknown issuer falls to) stays in the readers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.settings import seed
from pipelines.text.normalize import fold_diacritics

DOCUMENT_TYPES_SEED = seed("document_types")
ISSUERS_SEED = seed("issuers")
ISSUER_LEVELS_SEED = seed("issuer_levels")
LABELS_SEED = seed("labels_vi")
SEPARATOR = "|"

DOCUMENT_LEVEL_COLUMN = "documents.issuer_level"
CITATION_TIER_COLUMN = "citations.citation_tier"
PARTY_TIERS = frozenset({"party_central", "party_province"})
"""Citation tiers of Party bodies: their documents use the Party numbering ("52-NQ/TW")."""


def _rows(path: Path) -> list[dict[str, str]]:
    """A seed's rows with blank cells as "" (the seeds are small; csv keeps the library dependency-free)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _listed(value: str) -> tuple[str, ...]:
    """A "|"-separated cell as a tuple ("CTR|Ctr" → ("CTR", "Ctr"))."""
    return tuple(p.strip() for p in value.split(SEPARATOR) if p.strip())


def _true(value: str) -> bool:
    return value.lower() == "true"


# --------------------------------------------------------------------------- document types


@dataclass(frozen=True)
class DocumentType:
    """One kind of document: its code as printed in numbers ("CTr"), the other ways the code is
    written ("CTR", "Ctr"), its name ("Chương trình") and longer names that keep their own wording
    as a document type ("Chương trình hành động")."""

    code: str
    name_vi: str
    spellings: tuple[str, ...]
    longer_names: tuple[str, ...]
    in_number: bool  # the code is printed in document numbers (a Luật's number carries none)
    header_title: bool  # its name in capitals opens a plan's title in the header
    body_title: bool  # "ban hành <name> …" in the body names the plan when the header is lost

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_vi, *self.longer_names)

    @property
    def written(self) -> tuple[str, ...]:
        """Every spelling of the code a number may carry, the canonical one first."""
        return (self.code, *self.spellings) if self.in_number else ()


@lru_cache(maxsize=4)
def document_types(path: Path = DOCUMENT_TYPES_SEED) -> tuple[DocumentType, ...]:
    """The types in the seed's order, read once (the readers compile their patterns from them)."""
    return tuple(
        DocumentType(
            code=r["code"],
            name_vi=r["name_vi"],
            spellings=_listed(r["spellings"]),
            longer_names=_listed(r["longer_names"]),
            in_number=_true(r["in_number"]),
            header_title=_true(r["header_title"]),
            body_title=_true(r["body_title"]),
        )
        for r in _rows(path)
    )


@lru_cache(maxsize=4)
def _types_by_spelling(path: Path = DOCUMENT_TYPES_SEED) -> tuple[dict[str, DocumentType], ...]:
    """Two indexes of the written codes: by upper case, and by folded upper case (a copy without
    diacritics writes "QD" for "QĐ")."""
    upper: dict[str, DocumentType] = {}
    folded: dict[str, DocumentType] = {}
    for kind in document_types(path):
        for spelling in kind.written:
            upper.setdefault(spelling.upper(), kind)
            folded.setdefault(fold_diacritics(spelling).upper(), kind)
    return upper, folded


def document_type(written: str, path: Path = DOCUMENT_TYPES_SEED) -> DocumentType | None:
    """The type a code in a number stands for ("Qđ", "QD" → Quyết định), or None if unknown."""
    upper, folded = _types_by_spelling(path)
    return upper.get(written.upper()) or folded.get(fold_diacritics(written).upper())


def document_type_of_name(name: str | None, path: Path = DOCUMENT_TYPES_SEED) -> DocumentType | None:
    """The type a document's `doc_type` (a name, "Chương trình hành động") belongs to."""
    if not name:
        return None
    return next((kind for kind in document_types(path) if name in kind.names), None)


def type_spellings(path: Path = DOCUMENT_TYPES_SEED) -> set[str]:
    """Every code spelling a citation's number may carry (in upper case too: "CTR", "CTr")."""
    return {s for kind in document_types(path) for w in kind.written for s in (w, w.upper())}


def type_names(where: str | None = None, longer: bool = True, path: Path = DOCUMENT_TYPES_SEED) -> list[str]:
    """Names of the types (with their longer names unless not `longer`), longest first, so an
    alternation built from them prefers "Chương trình hành động" to "Chương trình". `where` =
    "header_title" or "body_title" keeps the types read as a plan's title there."""
    kinds = [k for k in document_types(path) if where is None or getattr(k, where)]
    names = {n for k in kinds for n in (k.names if longer else (k.name_vi,))}
    return sorted(names, key=lambda n: (-len(n), n))


# --------------------------------------------------------------------------- issuers


@dataclass(frozen=True)
class IssuerCode:
    """An issuer code of document numbers ("UBND", "TTg", "ĐU"): who it is, the tier of a citation
    it issued, and, for the bodies that issue provincial plans, the issuer and level of the plan."""

    code: str
    name_vi: str
    citation_tier: str
    document_issuer: str | None
    document_issuer_city: str | None  # the same body of a centrally governed city ("Thành ủy")
    document_level: str | None
    spelling_of: str | None  # another spelling of that code ("BKHVCN" of "BKHCN")


@lru_cache(maxsize=4)
def issuer_codes(path: Path = ISSUERS_SEED) -> tuple[IssuerCode, ...]:
    """The issuer codes in the seed's order, read once."""
    return tuple(
        IssuerCode(
            code=r["code"],
            name_vi=r["name_vi"],
            citation_tier=r["citation_tier"],
            document_issuer=r["document_issuer"] or None,
            document_issuer_city=r["document_issuer_city"] or None,
            document_level=r["document_level"] or None,
            spelling_of=r["spelling_of"] or None,
        )
        for r in _rows(path)
    )


def _issuer_key(code: str) -> str:
    """How a number's issuer code is compared: copies drop diacritics and "&" ("SKH&CN", "HDND")."""
    return fold_diacritics(code).upper().replace("&", "")


@lru_cache(maxsize=4)
def _issuers_by_key(path: Path = ISSUERS_SEED) -> dict[str, IssuerCode]:
    """Codes by their folded key; should two codes fold alike, the first row of the seed wins."""
    return {_issuer_key(i.code): i for i in reversed(issuer_codes(path))}


def issuer_by_code(code: str, path: Path = ISSUERS_SEED) -> IssuerCode | None:
    """The issuer a number's code names, matched without diacritics, case or "&" ("SKH&CN")."""
    return _issuers_by_key(path).get(_issuer_key(code))


def issuer_level_codes(column_name: str, path: Path = ISSUER_LEVELS_SEED) -> tuple[str, ...]:
    """The codes of one issuer-level column, in the seed's order: `DOCUMENT_LEVEL_COLUMN`
    (province, department, party) or `CITATION_TIER_COLUMN` (party_central … party_province)."""
    return tuple(r["code"] for r in _rows(path) if r["column_name"] == column_name)


# --------------------------------------------------------------------------- document flags


@lru_cache(maxsize=16)
def label_codes(vocabulary: str, path: Path = LABELS_SEED) -> frozenset[str]:
    """The codes the labels seed labels in one vocabulary (named after the column): the declared
    codes of that column wherever no seed of its own lists them (target_type, bound, flags)."""
    return frozenset(r["code"] for r in _rows(path) if r["vocabulary"] == vocabulary)


def flag_codes(path: Path = LABELS_SEED) -> frozenset[str]:
    """The document flags the labels seed names (vocabulary `flags`); a code ending in "*" is a
    family ("metadata_error_*")."""
    return label_codes("flags", path)


def is_known_flag(code: str, path: Path = LABELS_SEED) -> bool:
    """Whether a flag a reader raised is in the seed, exactly or by its family's prefix."""
    known = flag_codes(path)
    return code in known or any(k.endswith("*") and code.startswith(k[:-1]) for k in known)
