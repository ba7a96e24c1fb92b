"""Who issued a plan, and at which level: the provincial People's Committee or Council, a
department (Sở), or a Party committee.

The header's issuing-body block is the strongest evidence ("ỦY BAN NHÂN DÂN / TỈNH …",
"TỈNH ỦY …", "UBND TỈNH … / SỞ TÀI CHÍNH"); then the issuer code of the number ("/KH-UBND",
"-CTr/TU", "-NQ/ĐU"); then what the body and the signature say ("TM. BAN THƯỜNG VỤ").
Levels follow the document vocabulary of the warehouse: province, department, party.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.text.markup import is_upper_text as _is_upper_text
from pipelines.text.normalize import fold_diacritics


@dataclass(frozen=True)
class Issuer:
    name: str
    level: str  # province | department | party


ISSUER_UBND = Issuer("UBND tỉnh", "province")
ISSUER_HDND = Issuer("HĐND tỉnh", "province")
ISSUER_PARTY = Issuer("Tỉnh ủy", "party")
ISSUER_PARTY_COMMITTEE = Issuer("Đảng ủy", "party")  # a Đảng ủy below the Tỉnh ủy ("-NQ/ĐU")
ISSUER_DOST = Issuer("Sở Khoa học và Công nghệ", "department")


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
        city = {"UBND tỉnh": "UBND thành phố", "HĐND tỉnh": "HĐND thành phố", "Tỉnh ủy": "Thành ủy"}
        return Issuer(city.get(issuer.name, issuer.name), issuer.level)
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
    if issuer_code:
        code = fold_diacritics(issuer_code).upper()
        if code in {"UBND", "UB"}:
            return ISSUER_UBND
        if code in {"TU", "TUTW", "BTV", "BCH"}:
            return ISSUER_PARTY
        if code == "DU":
            return ISSUER_PARTY_COMMITTEE
        if code == "HDND":
            return ISSUER_HDND
        if code in {"KHCN", "SKHCN", "SKH&CN", "KH&CN", "SKHVCN"}:
            return ISSUER_DOST
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
