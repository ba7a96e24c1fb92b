"""Citations of other legal and Party documents, in one canonical spelling.

Vietnamese document numbers follow two conventions (Nghị định 30/2020/NĐ-CP and the
Party's Quy định 66-QĐ/TW): State documents are "number[/year]/TYPE-ISSUER"
("2667/QĐ-BKHCN", "55/2011/NĐ-CP"), Party documents "number-TYPE/ISSUER"
("52-NQ/TW"). Copies mix them up ("50-NQ/CP"), drop the hyphen ("50KL/TW"),
spell issuers differently ("BKH&CN") or break a number across lines; all of
these must meet in one canonical form so plans can be compared by what they cite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

from pipelines.metadata.vocabulary import (
    PARTY_TIERS,
    document_type,
    document_type_of_name,
    issuer_codes,
    type_names,
    type_spellings,
)
from pipelines.text.normalize import fold_diacritics

# Issuer codes and their tiers (seed issuers.csv), and document type codes (seed document_types.csv).
PARTY_ISSUERS = frozenset(i.code for i in issuer_codes() if i.citation_tier in PARTY_TIERS)
_TIERS = {i.code: i.citation_tier for i in issuer_codes()}
# Both keyed as normalize_issuer compares a code: folded, upper case.
_ALIASES = {fold_diacritics(i.code).upper(): i.spelling_of for i in issuer_codes() if i.spelling_of}
_MIXED_CASE = {fold_diacritics(i.code).upper(): i.code for i in issuer_codes() if i.code != i.code.upper()}

_TYPE_ALTERNATION = "|".join(sorted({re.escape(s) for s in type_spellings()}, key=len, reverse=True))
# First part may be mixed case (TTg); further parts are upper-case codes (LHH-KHCN), so a running
# header "77/KH-UBND - Trang 2" does not swallow "Trang".
_ISSUER = r"[A-ZĐ][A-Za-zĐđ&]*(?:\s?-\s?[A-ZĐ][A-ZĐ&0-9]*\b)*"

# State style: 2667/QĐ-BKHCN, 55/2011/NĐ-CP, 2667/QĐ - BKHCN; also a Party-styled State number 50-NQ/CP.
_STATE = re.compile(
    rf"(?<![\d/])(?P<num>\d{{1,5}})\s?/\s?(?:(?P<year>(?:19|20)\d{{2}})\s?/\s?)?(?P<type>{_TYPE_ALTERNATION})\s?[-–]\s?(?P<issuer>{_ISSUER})"
)
_PARTY = re.compile(
    rf"(?<![\d/])(?P<num>\d{{1,5}})\s?[-–]?\s?(?P<type>{_TYPE_ALTERNATION})\s?/\s?(?P<issuer>{_ISSUER})"
)
_NATIONAL_ASSEMBLY = re.compile(
    r"(?<![\d/])(?P<num>\d{1,4})\s?/\s?(?P<year>(?:19|20)\d{2})\s?/\s?(?P<issuer>QH\d{1,2})\b"
)
_DATE_AFTER = re.compile(
    r"^\s*,?\s*(?:ban hành\s+)?ngày\s+(?P<d>\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(?P<m>\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*(?P<y>(?:19|20)\d{2})"
)
# The names of the document types, and "Văn bản" (a document of any type), before a number.
_TYPE_WORDS = re.compile(
    rf"(?:{'|'.join(map(re.escape, [*type_names(), 'Văn bản']))})(?:\s+số)?\s*$", re.IGNORECASE
)


# The header label of the plan's own number, right before it: "Số: 12/KH-UBND", "**Số:** 12/…",
# "Số hiệu: …". Looked for just before each match (never from the line start: a plan laid out on one
# line would otherwise lose every citation), so it costs the same wherever the number sits.
_OWN_NUMBER_LABEL = re.compile(r"(?<!\w)Số\s*(?:hiệu)?\s*:[*_\s]*$")


@dataclass
class Citation:
    canonical: str
    number: str
    year: int | None
    doc_type: str
    issuer_code: str
    citation_tier: str
    issue_date: str | None
    quote: str
    char_start: int
    char_end: int

    def as_dict(self) -> dict:
        """The record (every field is a scalar: what `asdict` gives, without its deep copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def normalize_issuer(raw: str) -> str:
    """One spelling per issuer: "BKH&CN" → "BKHCN", "Ttg" → "TTg", spaces and "&" removed."""
    issuer = re.sub(r"\s+", "", raw).replace("&", "").strip("-–")
    issuer = issuer.replace("–", "-")
    upper = fold_diacritics(issuer).upper()
    if upper in _MIXED_CASE:  # "Ttg", "TTG" → "TTg"
        return _MIXED_CASE[upper]
    if upper in _ALIASES:  # another spelling of a known code: "BKHVCN" → "BKHCN"
        return _ALIASES[upper]
    # Keep Vietnamese letters (Đ) but make the rest upper case, as printed in official numbers.
    return "".join(c.upper() if c.isalpha() else c for c in issuer).replace("ĐĐ", "Đ")


def normalize_type(raw: str) -> str:
    """The canonical code of a type code as written ("Ctr", "CTR" → "CTr"); an unknown one as written."""
    kind = document_type(raw)
    return kind.code if kind else raw


def citation_tier(issuer: str) -> str:
    """Which tier issued it (a code of citations.citation_tier, seed issuer_levels.csv).

    A code the seed lists has its tier; otherwise the numbering rules decide: a code ending in
    "TW" is a central Party body, "QH…" the National Assembly, "B…" a ministry (Bộ), anything
    else a provincial body.
    """
    parts = issuer.split("-")
    head = parts[-1] if parts[-1] in PARTY_ISSUERS else parts[0]
    if head in _TIERS:
        return _TIERS[head]
    if head.endswith("TW"):
        return "party_central"
    if head.startswith("QH"):
        return "national"
    if head.startswith("B") and len(head) >= 2:
        return "ministry"
    return "province"


def canonical_form(number: str, year: int | None, doc_type: str, issuer: str) -> str:
    """The one spelling used to compare citations across plans."""
    if citation_tier(issuer) in PARTY_TIERS:
        return f"{_number(number)}-{doc_type}/{issuer}"
    middle = f"{year}/" if year else ""
    return f"{_number(number)}/{middle}{doc_type}-{issuer}"


def _number(number: str) -> str:
    """Numbers below 10 are printed with a leading zero ("01/NQ-CP", "06-NQ/TU"); "6" and "06" meet there."""
    return f"{int(number):02d}"


def _quote_start(text: str, start: int) -> int:
    """Extend a quote back over "Quyết định số " so the evidence names the kind of document."""
    window = text[max(0, start - 45) : start]
    match = _TYPE_WORDS.search(window)
    return start - (len(window) - match.start()) if match else start


def extract_citations(text: str, own_number: str | None = None) -> list[Citation]:
    """Every citation in a normalised text, in order; the plan's own number is not one."""
    found: list[Citation] = []
    taken_until = 0  # matches are visited by start, so one overlaps a kept one iff it starts before this
    own = _canonical_of_own(own_number)
    matches = [(m, "state") for m in _STATE.finditer(text)] + [(m, "party") for m in _PARTY.finditer(text)]
    matches += [(m, "law") for m in _NATIONAL_ASSEMBLY.finditer(text)]
    matches.sort(key=lambda pair: (pair[0].start(), -(pair[0].end() - pair[0].start())))
    for match, style in matches:
        if match.start() < taken_until:
            continue
        if _OWN_NUMBER_LABEL.search(text, max(0, match.start() - 40), match.start()):
            continue  # the plan's own number in its header ("Số: 12/KH-UBND")
        issuer = normalize_issuer(match.group("issuer"))
        if style == "law":
            # National Assembly numbers carry no type code: "Luật … số 29/2013/QH13", "Nghị quyết số 202/2025/QH15"
            before = text[max(0, match.start() - 80) : match.start()]
            doc_type = "NQ" if re.search(r"Nghị quyết[^.;]{0,60}$", before) else "Luật"
            number, year = match.group("num"), int(match.group("year"))
            canonical = f"{_number(number)}/{year}/{issuer}"
        else:
            doc_type = normalize_type(match.group("type"))
            if style == "party" and match.group(0).count("/") != 1:
                continue
            year = int(match.group("year")) if style == "state" and match.group("year") else None
            number = match.group("num")
            canonical = canonical_form(number, year, doc_type, issuer)
        if own and canonical == own:
            continue
        end = match.end()
        issue = None
        date_match = _DATE_AFTER.match(text[end : end + 40])
        if date_match:
            try:
                issue = date(
                    int(date_match.group("y")), int(date_match.group("m")), int(date_match.group("d"))
                ).isoformat()
                end += date_match.end()
            except ValueError:
                issue = None
        start = _quote_start(text, match.start())
        taken_until = max(taken_until, match.end())
        found.append(
            Citation(
                canonical=canonical,
                number=number,
                year=year,
                doc_type=doc_type,
                issuer_code=issuer,
                citation_tier=citation_tier(issuer),
                issue_date=issue,
                quote=text[start:end],
                char_start=start,
                char_end=end,
            )
        )
    return sorted(found, key=lambda c: c.char_start)


def _canonical_of_own(own_number: str | None) -> str | None:
    if not own_number:
        return None
    citations = [m for m in _STATE.finditer(own_number)] or [m for m in _PARTY.finditer(own_number)]
    if not citations:
        return None
    m = citations[0]
    year = int(m.group("year")) if "year" in m.groupdict() and m.group("year") else None
    return canonical_form(
        m.group("num"), year, normalize_type(m.group("type")), normalize_issuer(m.group("issuer"))
    )


def citations_for_document(document: dict) -> list[dict]:
    """Citation records (dicts) for one document record."""
    return [
        {"document_id": document["document_id"], **c.as_dict()}
        for c in extract_citations(document["text_normalized"], document.get("doc_number"))
    ]


# --------------------------------------------------------------------------- links between plans


def _fold_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold_diacritics(text))


def _context_after(text: str, citation: dict, starts: list[int], limit: int) -> str:
    """What the plan says right after a citation (its subject), up to the next citation or clause end."""
    end = min([s for s in starts if s > citation["char_start"]] + [citation["char_end"] + limit])
    context = text[citation["char_end"] : end]
    cut = re.search(r";|\.\s|\n", context)
    return context[: cut.start()] if cut else context


def link_citations(citations: list[dict], documents: list[dict], context_chars: int = 300) -> list[dict]:
    """Point citations at documents that are themselves in the warehouse.

    By number when the cited plan's copy has its number; otherwise (a copy that
    lost its header) by the cited title written after the citation, within the
    same province and document type. The method and the matched words are kept
    as evidence.
    """
    by_id = {d["document_id"]: d for d in documents}
    # a plan of another province is never "the same document": candidates are the citing plan's
    # province's (in document order), not every document (5 000 plans x 100 000 citations otherwise)
    by_province: dict[object, list[dict]] = {}
    for d in documents:
        by_province.setdefault(d.get("province_code"), []).append(d)
    starts: dict[str, list[int]] = {}
    for c in citations:
        starts.setdefault(c["document_id"], []).append(c["char_start"])
    links = []
    for citation in citations:
        citing = by_id.get(citation["document_id"])
        if citing is None:
            continue
        for candidate in by_province.get(citing.get("province_code"), []):
            if candidate["document_id"] != citing["document_id"]:
                link = _link(
                    citation, citing, candidate, starts.get(citation["document_id"], []), context_chars
                )
                if link is not None:
                    links.append(link)
    return links


def _link(
    citation: dict, citing: dict, candidate: dict, starts: list[int], context_chars: int
) -> dict | None:
    """The link of one citation to one candidate plan, by its number or else by its title, or None."""
    own = _canonical_of_own(candidate.get("doc_number"))
    if own is not None:  # a numbered plan is linked by its number or not at all
        if own != citation["canonical"]:
            return None
        return {
            **citation,
            "cited_document_id": candidate["document_id"],
            "link_method": "doc_number",
            "link_evidence": citation["quote"],
        }
    title = candidate.get("title")
    kind = document_type_of_name(candidate.get("doc_type"))
    if not title or kind is None or kind.code != citation["doc_type"]:
        return None
    if (
        candidate.get("issue_year")
        and citation.get("issue_date")
        and int(citation["issue_date"][:4]) != candidate["issue_year"]
    ):
        return None
    text = citing["text_normalized"]
    context = _context_after(text, citation, starts, context_chars)
    title_words = _fold_words(title)
    context_words = set(_fold_words(context))
    overlap = sum(1 for w in title_words if w in context_words) / max(len(title_words), 1)
    if len(title_words) < 5 or overlap < 0.9:
        return None
    return {
        **citation,
        "cited_document_id": candidate["document_id"],
        "link_method": f"title ({overlap:.0%} of title words)",
        "link_evidence": text[citation["char_start"] : citation["char_end"] + len(context)],
    }
