"""Who issued a plan, and at which level: the provincial People's Committee or Council, a
department (Sở), or a Party committee.

The header's issuing-body block is the strongest evidence ("ỦY BAN NHÂN DÂN / TỈNH …",
"TỈNH ỦY …", "UBND TỈNH … / SỞ TÀI CHÍNH"); then the issuer code of the number ("/KH-UBND",
"-CTr/TU", "-NQ/ĐU"); then what the body and the signature say ("TM. BAN THƯỜNG VỤ").
Levels follow the document vocabulary of the warehouse (seed issuer_levels.csv, column
documents.issuer_level): province, department, party. The issuer codes, the names and levels they
stand for and the names a centrally governed city uses are the seed issuers.csv; the phrases of the
header and the signature are grammar and stay here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.metadata.vocabulary import issuer_by_code, issuer_codes
from pipelines.text.markup import is_upper_text as _is_upper_text
from pipelines.text.normalize import fold_diacritics


@dataclass(frozen=True)
class Issuer:
    name: str
    level: str  # a code of documents.issuer_level (seed issuer_levels.csv): province | department | party


def issuer_of_code(code: str) -> Issuer | None:
    """The plan issuer a number's issuer code names ("UBND" → UBND tỉnh), if the seed gives one."""
    known = issuer_by_code(code)
    if known is None or not known.document_issuer or not known.document_level:
        return None
    return Issuer(known.document_issuer, known.document_level)


def _seeded(code: str) -> Issuer:
    issuer = issuer_of_code(code)
    if issuer is None:  # pragma: no cover - a seed edit that removed a body the grammar names
        raise ValueError(f"issuers.csv gives no plan issuer for {code!r}")
    return issuer


ISSUER_UBND = _seeded("UBND")
ISSUER_HDND = _seeded("HĐND")
ISSUER_PARTY = _seeded("TU")
ISSUER_PARTY_COMMITTEE = _seeded("ĐU")  # a Đảng ủy below the Tỉnh ủy ("-NQ/ĐU")
ISSUER_DOST = _seeded("SKHCN")
# The same bodies of a centrally governed city: "UBND thành phố", "HĐND thành phố", "Thành ủy".
_CITY_NAMES = {
    i.document_issuer: i.document_issuer_city
    for i in issuer_codes()
    if i.document_issuer and i.document_issuer_city
}


def read_issuer_from(text: str, issuer_code: str | None, block: list[str]) -> Issuer | None:
    """Who issues the plan: the issuing-body `block` of the header, then the number's issuer
    code, then the body and the signature.

    A centrally governed city's bodies are "UBND thành phố", "HĐND thành phố", "Thành ủy".
    """
    issuer = _read_issuer(text, issuer_code, block)
    folded = fold_diacritics(" ".join(block))
    if (
        issuer is not None
        and re.search(r"\bthanh pho\b|\bthanh uy\b", folded)
        and "tinh" not in folded.split()
    ):
        return Issuer(_CITY_NAMES.get(issuer.name, issuer.name), issuer.level)
    return issuer


_DEPARTMENT = re.compile(
    r"(?:^|\s)SỞ\s+(?P<field>[^\W\d][^,;:()]*?)(?:\s+(?:TỈNH|THÀNH PHỐ|TP\.?)\s.*|\s*-{2,}.*|\s+CỘNG HÒA\b.*)?$"
)


def _department(block: list[str]) -> Issuer | None:
    """Another provincial department ("SỞ TÀI CHÍNH" → "Sở Tài chính"), level department.

    Official names capitalise the first word of each field they join ("Sở Kế hoạch và Đầu tư",
    "Sở Lao động - Thương binh và Xã hội").
    """
    for line in block:
        match = _DEPARTMENT.search(line)
        if not match or not _is_upper_text(match.group("field")):
            continue
        words = match.group("field").lower().split()
        named = [w.capitalize() if i == 0 or words[i - 1] in {"và", "-"} else w for i, w in enumerate(words)]
        return Issuer("Sở " + " ".join(named), "department")
    return None


def _read_issuer(text: str, issuer_code: str | None, block: list[str]) -> Issuer | None:
    header = fold_diacritics(" ".join(block))
    if "so khoa hoc va cong nghe" in header:
        return ISSUER_DOST
    if re.search(r"\bdang uy\b", header):
        return ISSUER_PARTY_COMMITTEE
    # the provincial Party committee: "TỈNH ỦY", "BAN THƯỜNG VỤ TỈNH ỦY", "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH"
    if re.search(r"\b(?:tinh|thanh) uy\b|\bban thuong vu\b|\bdang bo (?:tinh|thanh pho)\b", header):
        return ISSUER_PARTY
    if "hoi dong nhan dan" in header:
        return ISSUER_HDND
    department = _department(block)
    if department is not None:
        return department
    if "uy ban nhan dan" in header:
        return ISSUER_UBND
    coded = issuer_of_code(issuer_code) if issuer_code else None
    if coded is not None:
        return coded
    body = fold_diacritics(text[:6000])
    if re.search(r"(?:uy ban nhan dan|ubnd) (?:tinh|thanh pho)(?: [a-z]+){0,3} ban hanh", body):
        return ISSUER_UBND
    if re.search(r"so khoa hoc va cong nghe[^.]{0,80}(?:xay dung|ban hanh)", body):
        return ISSUER_DOST
    tail = fold_diacritics(text[-1500:])
    if "tm. uy ban nhan dan" in tail or "tm. ubnd" in tail:
        return ISSUER_UBND
    if re.search(r"t/?m\.? (?:ban thuong vu|ban chap hanh|tinh uy|thanh uy)", tail):
        return ISSUER_PARTY
    return None
