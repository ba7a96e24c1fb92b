"""Document metadata read from the text of a plan, never from its file name.

Vietnamese administrative documents follow a national template (Nghị định
30/2020/NĐ-CP): an issuing-body block, "Số: <number>/<type>-<issuer>", a
"<place>, ngày … tháng … năm …" line, the document type in capitals and its
subject, then the body and a signature block. Copies found in the wild lose parts
of that template (drafts leave the number and day blank; one copy starts in the
middle of the body), so every field falls back to what the body itself says,
and a field that cannot be read stays null rather than guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import TypeVar

from pipelines.gazetteer.units import Gazetteer
from pipelines.metadata.issuers import Issuer, read_issuer_from
from pipelines.metadata.periods import read_goal_horizon, read_horizon, read_period
from pipelines.metadata.signatures import ATTACHMENT as ATTACHMENT  # re-exported: the target stages use it
from pipelines.metadata.signatures import read_signer
from pipelines.metadata.vocabulary import document_type, type_names
from pipelines.text.markup import CELL as _CELL
from pipelines.text.markup import clean_markup as _clean_markup
from pipelines.text.markup import is_upper_text as _is_upper_text
from pipelines.text.normalize import fold_diacritics

T = TypeVar("T")

HEADER_LINES = 30


def _alternation(names: list[str]) -> str:
    """A regex alternation of names in capitals, longest first ("KẾ HOẠCH HÀNH ĐỘNG|…|KẾ HOẠCH")."""
    return "|".join(re.escape(n.upper()) for n in names)


# The document types (seed document_types.csv): names read as a title in the header, and in the body.
_HEADER_TYPE_NAMES = type_names("header_title")
_BODY_TYPE_NAMES = type_names("body_title", longer=False)
_DOC_TYPE_WORDS = {fold_diacritics(name): name for name in _HEADER_TYPE_NAMES + _BODY_TYPE_NAMES}

_NUMBER_LINE = re.compile(
    r"^[*_\s]*Số\s*(?:hiệu)?\s*(?P<colon>:)?\s*(?P<num>\d+)?\s*(?P<sep>[/-])\s*"
    r"(?P<code>[\wĐđ&.]+(?:\s*[-/]\s*[\wĐđ&.]+)*)",
    re.IGNORECASE,
)
# Party documents (Hướng dẫn 36-HD/VPTW) print "Số 12-CTr/TU" without a colon, and some copies keep
# only the number itself ("05-NQ/TU") on its own line of the header, or before the place-date.
_PARTY_NUMBER_LINE = re.compile(
    r"^[*_\s]*(?P<num>\d{1,5})\s*(?P<sep>-)\s*(?P<code>[A-ZĐ][A-Za-zĐđ]{0,5}\s*/\s*[A-ZĐ][\wĐđ]*(?:-[\wĐđ]+)*)"
    r"(?=[*_\s]*$|\s{2,}|\t)"
)
_PLACE_DATE = re.compile(
    r"(?P<place>[^\W\d][^\n,]{0,40}?)\s*,\s*ngày\s*(?P<day>\d{1,2})?\s*(?:tháng|[/.-])\s*(?P<month>\d{1,2})?"
    r"\s*(?:năm|[/.-])\s*(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(
    r"(?:^|(?<=\s))\(?\s*ngày\s*(?P<day>\d{1,2})?\s*(?:tháng|[/.-])\s*(?P<month>\d{1,2})?\s*(?:năm|[/.-])\s*"
    r"(?P<year>(?:19|20)\d{2})\s*\)?$",
    re.IGNORECASE,
)
_TITLE_HEAD = re.compile(rf"^[#*_\s]*(?P<kind>{_alternation(_HEADER_TYPE_NAMES)})\b(?P<rest>.*)$")
_BODY_TITLE = re.compile(
    r"(?:ban hành|xây dựng(?: và ban hành)?)\s+"
    rf"(?P<title>(?:{'|'.join(map(re.escape, _BODY_TYPE_NAMES))})\s+[^:;]{{10,300}}?)"
    r"\s+(?:với (?:những|các) nội dung|như sau|gồm các nội dung|cụ thể như sau)",
)
# A type name in capitals inside a line (a copy that lost its line breaks, see _title_after_issuing_body).
_TYPE_IN_CAPITALS = re.compile(rf"\s(?=(?:{_alternation(_HEADER_TYPE_NAMES)})\b)")
_ISSUING_BODY = re.compile(
    r"^(?:HỘI ĐỒNG NHÂN DÂN|ỦY BAN NHÂN DÂN|BAN CHẤP HÀNH|BAN THƯỜNG VỤ|TỈNH ỦY|THÀNH ỦY|CHỦ TỊCH|GIÁM ĐỐC)\b"
)
_BODY_START = re.compile(r"^(?:Thực hiện|Căn cứ|Triển khai|Để|Nhằm|Trên cơ sở|I\.\s)")


_APPENDIX_REFERENCE = re.compile(
    r"(?:chi tiết|cụ thể|danh mục|chỉ tiêu)[^.\n]{0,40}?(?:tại|theo|ở|trong)\s+(?:các\s+)?phụ lục",
    re.IGNORECASE,
)
_APPENDIX_PRESENT = re.compile(r"^[#*_\s]*PHỤ LỤC\b|^\|.*\|\s*$|\t.*\t", re.MULTILINE)


@dataclass
class DocumentMetadata:
    province_name: str | None = None
    province_code: str | None = None
    province_era: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    issue_date: str | None = None
    issue_year: int | None = None
    issue_month: int | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    title: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    horizon_year: int | None = None  # a year looked towards beyond the period ("tầm nhìn đến năm 2045")
    signer: str | None = None
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- small readers


_CELL_RULE = re.compile(r"[-:=\s]+")


# Lines that open a document's header: the motto column or the issuing body, in capitals.
_HEADER_ANCHOR = re.compile(
    r"^[#*_|\s]*(?:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐẢNG CỘNG SẢN VIỆT NAM|ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|"
    r"UBND (?:TỈNH|THÀNH PHỐ)|TỈNH ỦY|THÀNH ỦY|ĐẢNG BỘ|BAN CHẤP HÀNH)\b"
)
_SEARCH_LINES = 400


def _is_header_line(line: str, numbers: bool = True) -> bool:
    """A title or place-date line, or a number line if `numbers` (judged on its start: header
    lines are short)."""
    line = line[:1000]
    if numbers and _NUMBER_LINE.match(line):
        return True
    return bool(_TITLE_HEAD.match(line) or _PLACE_DATE.search(_clean_markup(line)))


@lru_cache(maxsize=4)  # asked by every header reader of the same text
def _header_start(text: str) -> int:
    """Where the document's header begins: the top, unless the first lines hold no place-date
    or title line while a header (issuing body or motto, then a number or date line) comes
    later, as when a saved web page keeps the site's text above the document (its attribute
    box, "Số hiệu: … / Ngày ban hành: …", is not the header)."""
    lines = text.split("\n", _SEARCH_LINES)[:_SEARCH_LINES]
    if any(_is_header_line(line, numbers=False) for line in lines[:HEADER_LINES]):
        return 0
    offset = 0
    for i, line in enumerate(lines):
        if _HEADER_ANCHOR.match(line) and any(_is_header_line(nxt) for nxt in lines[i + 1 : i + 12]):
            return offset
        offset += len(line) + 1
    return 0


def _header_lines(text: str) -> list[str]:
    """The first lines, with a header laid out as a table read cell by cell (see `_header_cells`).

    Five readers ask for them per plan: they are found once per text and each caller gets a copy.
    """
    return list(_header_cells(text))


@lru_cache(maxsize=1)  # the plan being read; a large plan must not keep earlier ones in memory
def _header_cells(text: str) -> tuple[str, ...]:
    """The first lines, with a header laid out as a table read cell by cell.

    Word and web copies put the two-column header in a table ("| Số: 12/KH-UBND | Long An,
    ngày … |", or cells joined by tabs); each cell is a header line of its own. A long table
    line gives many cells: only the first ones can be header, and only those are read.
    """
    limit = 2 * HEADER_LINES
    lines: list[str] = []
    start = _header_start(text)
    for line in text[start:].split("\n", HEADER_LINES)[:HEADER_LINES]:
        if line.lstrip().startswith("|") or "\t" in line:
            cells = (m.group().strip() for m in _CELL.finditer(line))
            lines += islice((c for c in cells if c and not _CELL_RULE.fullmatch(c)), limit - len(lines))
        else:
            lines.append(line)
        if len(lines) >= limit:
            break
    return tuple(lines)


_DASHES = re.compile(r"[\u2010-\u2014\u2212]")


def read_doc_number(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """The document's own number, its type code and its issuer code.

    "Số: 2811 /KH-UBND" → ("2811/KH-UBND", "KH", "UBND"); a blank number
    ("Số: /KH-SKHCN", a draft) gives (None, "KH", "SKHCN"): the codes still tell
    the type and the issuer.
    """
    before_title = True
    for raw in lines:
        line = _DASHES.sub("-", raw)  # "123/KH–UBND" from a copy that typeset the hyphen: one spelling
        before_title = before_title and not _TITLE_HEAD.match(line)
        match = _NUMBER_LINE.match(line) or (_PARTY_NUMBER_LINE.match(line) if before_title else None)
        if not match:
            continue
        code = re.sub(r"\s+", "", match.group("code")).strip(".")
        # the year inside a normative number (15/2024/NQ-HĐND) is neither the type nor the issuer
        parts = [p for p in re.split(r"[-/]", code) if p and not p.isdigit()]
        if not parts or not _plausible_code(parts, bool(match.groupdict().get("colon"))):
            continue
        # state style 4346/KH-UBND and party style 45-KH/TU both read type first, issuer last
        type_code, issuer_code = parts[0], parts[-1]
        number = f"{match.group('num')}{match.group('sep')}{code}" if match.group("num") else None
        return number, type_code, issuer_code
    return None, None, None


def _plausible_code(parts: list[str], colon: bool) -> bool:
    """Without the "Số:" colon a line is a number only if it reads TYPE/ISSUER ("Số 12-CTr/TU").

    That keeps a header line such as "Số 5 - 10 …" from passing for a document number.
    """
    if colon:
        return True
    return len(parts) >= 2 and all(p[:1].isalpha() and p[:1].isupper() for p in parts)


def read_place_date(text: str) -> tuple[str | None, int | None, int | None, int | None]:
    """Place and date from "<place>, ngày 14 tháng 11 năm 2023"; blanks stay None."""
    lines = _header_lines(text)
    for i, line in enumerate(lines):
        cleaned = _clean_markup(line)
        if re.search(r",\s*ngày\s*$", cleaned) and i + 1 < len(lines):
            # a draft's blank day is a wide gap, which normalising can turn into a line break
            cleaned = f"{cleaned} {_clean_markup(lines[i + 1])}"
        match = _PLACE_DATE.search(cleaned)
        if match:
            day = int(match.group("day")) if match.group("day") else None
            month = int(match.group("month")) if match.group("month") else None
            return match.group("place").strip(), day, month, int(match.group("year"))
    for line in lines:  # a copy that lost the place keeps "ngày 05 tháng 3 năm 2024" on its own line
        if _TITLE_HEAD.match(line):
            break
        cleaned = _clean_markup(line)
        match = _DATE_ONLY.search(cleaned)
        # the date alone, or after the number it was printed beside ("Số 07-CTr/TU ngày 05 tháng 3 năm 2024")
        before = cleaned[: match.start()].strip() if match else ""
        if match and (not before or _NUMBER_LINE.match(before) or _PARTY_NUMBER_LINE.match(before)):
            day, month = (int(match.group(k)) if match.group(k) else None for k in ("day", "month"))
            return None, day, month, int(match.group("year"))
    return None, None, None, None


def _strip_doc_type(title: str) -> str:
    """Drop a leading document-type word: the type has its own column."""
    folded = fold_diacritics(title)
    for name in sorted(_DOC_TYPE_WORDS, key=len, reverse=True):
        if folded.startswith(name + " "):
            return title[len(name) + 1 :].strip()
    return title


def sentence_case(title: str, gazetteer: Gazetteer | None = None) -> str:
    """Readable case for a title printed in capitals, keeping acronyms and province names.

    "KHOA HỌC, CÔNG NGHỆ … TỈNH HẢI DƯƠNG ĐẾN NĂM 2025" → "Khoa học, công nghệ … tỉnh Hải Dương
    đến năm 2025". Mixed-case titles are returned unchanged.
    """
    if not _is_upper_text(title):
        return title
    mentions = sorted(gazetteer.find_mentions(title), key=lambda m: m.start) if gazetteer else []
    pieces: list[str] = []
    cursor = 0
    for mention in mentions:
        # the name as written, officially spelt: a 2019 title's "THỪA THIÊN HUẾ" stays that name
        spelt = gazetteer.official_spelling(mention.matched) if gazetteer else None
        pieces += [_lower_words(title[cursor : mention.start]), spelt or mention.name]
        cursor = mention.end
    pieces.append(_lower_words(title[cursor:]))
    text = "".join(pieces)
    return text[:1].upper() + text[1:]


def _lower_words(text: str) -> str:
    """Lower-case words but keep acronyms with "&" or digits (KH&CN, 4.0)."""
    return " ".join(w if re.search(r"[&\d]", w) else w.lower() for w in text.split(" "))


def _title_after_issuing_body(line: str) -> re.Match[str] | None:
    """The document type inside a line in capitals that opens on the issuing body.

    A copy with a blank line after every line loses its line breaks in capitals, so
    "ỦY BAN NHÂN DÂN / TỈNH … / ĐỀ ÁN / PHÁT TRIỂN …" arrives as one line.
    """
    cleaned = _clean_markup(line)
    if not (_is_upper_text(cleaned) and _ISSUING_BODY.match(cleaned)):
        return None
    inner = _TYPE_IN_CAPITALS.search(cleaned)
    return _TITLE_HEAD.match(cleaned[inner.end() :]) if inner else None


def read_title(text: str, gazetteer: Gazetteer | None = None) -> tuple[str | None, str | None, bool]:
    """Title (without the document type word) and document type. Returns (title, doc_type, from_header)."""
    lines = _header_lines(text)
    for i, line in enumerate(lines):
        match = _TITLE_HEAD.match(line) or _title_after_issuing_body(line)
        if not match:
            continue
        kind = match.group("kind")
        parts = [_clean_markup(match.group("rest"))]
        for nxt in lines[i + 1 : i + 4]:
            stripped = _clean_markup(nxt)
            is_heading = nxt.lstrip().startswith(("#", "**")) or _is_upper_text(stripped)
            # A bare "KẾ HOẠCH" line is followed by its subject, whatever its case.
            is_subject = not any(parts) and len(stripped) < 300
            if not stripped or _ISSUING_BODY.match(stripped):
                break  # "HỘI ĐỒNG NHÂN DÂN TỈNH … KHÓA X, KỲ HỌP THỨ …" opens a resolution's preamble
            # The line right after a bare "KẾ HOẠCH" is its subject even when it opens with "Thực hiện…",
            # unless it reads like the preamble (a citation, or ending in "như sau:").
            preamble = stripped.endswith(":") or len(stripped) > 250 or re.search(r"\d+/[A-ZĐ]", stripped)
            if (
                _BODY_START.match(stripped)
                and not nxt.lstrip().startswith("#")
                and not (is_subject and not preamble)
            ):
                break
            if not (is_heading or is_subject):
                break
            parts.append(stripped)
        doc_type = _DOC_TYPE_WORDS.get(fold_diacritics(kind))
        title = " ".join(p for p in parts if p).strip(" :.-")
        if not title:
            return None, doc_type, True
        title = sentence_case(title, gazetteer)
        return title[:1].upper() + title[1:], doc_type, True
    match = _BODY_TITLE.search(text[:5000])
    if match:
        title = re.sub(r"\s+", " ", match.group("title")).strip(" ,")
        kind = next((name for name in _BODY_TYPE_NAMES if title.startswith(name)), None)
        rest = _strip_doc_type(title)
        return rest[:1].upper() + rest[1:], kind, False
    return None, None, False


_MOTTO = re.compile(r"\W*doc lap\W+tu do\W+hanh phuc\W*")


def _agency_block(text: str) -> list[str]:
    """The capitalised issuing-body lines at the very top ("ỦY BAN NHÂN DÂN / TỈNH HẢI DƯƠNG").

    Only lines in capitals before the number, date or title count, so a plan that
    starts mid-body (no header) has an empty block instead of borrowing body text.
    """
    block: list[str] = []
    for line in _header_lines(text)[:8]:
        cleaned = _clean_markup(line)
        if _NUMBER_LINE.match(line) or _PLACE_DATE.search(cleaned) or _TITLE_HEAD.match(line):
            break
        if _MOTTO.fullmatch(fold_diacritics(cleaned)):
            continue  # "Độc lập - Tự do - Hạnh phúc", the other column of the header
        if cleaned and not _is_upper_text(cleaned) and not re.fullmatch(r"[-=_.\s|]+", cleaned):
            break
        block.append(cleaned)
    return block


def read_issuer(text: str, issuer_code: str | None) -> Issuer | None:
    """Who issues the plan: header block, then number code, then body and signature (see `issuers`)."""
    return read_issuer_from(text, issuer_code, _agency_block(text))


def read_province(
    text: str, gazetteer: Gazetteer, place: str | None, title: str | None, on_date: date | None
) -> tuple[str | None, str | None, str | None]:
    """Province the plan is for, voted from place line, header, title and body.

    The place in "<place>, ngày …" and the issuing body in the header are the
    strongest evidence; in a plan without a header the body's "tỉnh <name>"
    mentions decide. Votes are on canonical names, so "Hung Yên" and "Hưng Yên"
    count together.
    """
    votes: dict[str, float] = defaultdict(float)
    if place:
        unit = gazetteer.lookup(place, on_date)
        if unit:
            votes[unit.name] += 10
    header_text = "\n".join(_header_lines(text)[:8])
    for mention in gazetteer.find_mentions(header_text):
        votes[mention.name] += 4
    if title:
        for mention in gazetteer.find_mentions(title):
            votes[mention.name] += 4
    body_votes: dict[str, float] = defaultdict(float)
    for mention in gazetteer.find_mentions(text, document=True):
        before = fold_diacritics(text[max(0, mention.start - 12) : mention.start])
        weight = 1.0 if re.search(r"(?:tinh|thanh pho|tp\.?)\s*$", before) else 0.25
        body_votes[mention.name] = min(body_votes[mention.name] + weight, 6.0)
    for name, weight in body_votes.items():
        votes[name] += weight
    if not votes:
        return None, None, None
    best = max(votes.items(), key=lambda kv: kv[1])
    if best[1] < 1.0:
        return None, None, None
    unit = gazetteer.lookup(best[0], on_date)
    if unit is None:
        return None, None, None
    return gazetteer.name_on(unit, on_date), unit.code, unit.era


# --------------------------------------------------------------------------- entry point


def checked_date(year: int | None, month: int | None, day: int | None) -> tuple[str | None, int | None, bool]:
    """(ISO date or None, the month if it is one, whether the printed date is possible).

    A header can print an impossible date ("ngày 10 tháng 13", "ngày 31 tháng 2", "ngày 00"):
    the date stays null and is flagged, and the year (and the month, when it is a month)
    are kept, as for a blank day. A blank part is not impossible, only unknown.
    """
    valid_month = month if month is not None and 1 <= month <= 12 else None
    possible = (month is None or valid_month is not None) and day != 0
    if year is None or valid_month is None or not day:
        return None, valid_month, possible
    try:
        return date(year, valid_month, day).isoformat(), valid_month, True
    except ValueError:
        return None, valid_month, False


def _reference_date(
    year: int | None, month: int | None, day: int | None, period_start: int | None
) -> date | None:
    """The day the province is resolved on: the issue date as far as it is known, else the period start."""
    if year is None:
        return date(period_start, 1, 1) if period_start else None
    try:
        return date(year, month or 1, day or 1)
    except ValueError:  # an impossible day: the month (or the year) is still good evidence
        return date(year, month or 1, 1)


def _guarded(meta: DocumentMetadata, step: str, read: Callable[[], T], default: T) -> T:
    """Run one reader; if it fails, flag `metadata_error_<step>` and keep the other fields.

    One unexpected text must never cost the document (or the run): the field stays null,
    the flag tells the analyst which one, and the rest of the metadata is still read.
    """
    try:
        return read()
    except Exception:  # any reader bug on one text is contained here
        meta.flags.append(f"metadata_error_{step}")
        return default


def extract_metadata(text: str, gazetteer: Gazetteer) -> DocumentMetadata:
    """All metadata fields of one normalised plan text; never raises for what the text says."""
    meta = DocumentMetadata()
    lines = _header_lines(text)
    number, type_code, issuer_code = _guarded(meta, "doc_number", lambda: read_doc_number(lines), (None,) * 3)
    meta.doc_number = number
    place, day, month, year = _guarded(meta, "issue_date", lambda: read_place_date(text), (None,) * 4)
    meta.issue_date, meta.issue_month, possible = checked_date(year, month, day)
    meta.issue_year = year
    if not possible:
        meta.flags.append("invalid_issue_date")
    title, title_type, from_header = _guarded(meta, "title", lambda: read_title(text, gazetteer), (None,) * 3)
    meta.title = title
    coded = document_type(type_code) if type_code else None
    meta.doc_type = title_type or (coded.name_vi if coded else None)
    if not from_header and number is None and type_code is None and place is None and year is None:
        meta.flags.append("no_header")
    if type_code and number is None:
        meta.flags.append("doc_number_blank")
    if year and day is None:
        meta.flags.append("issue_day_blank")
    _read_periods(meta, text, title, year)
    issuer = _guarded(meta, "issuer", lambda: read_issuer(text, issuer_code), None)
    if issuer:
        meta.issuer, meta.issuer_level = issuer.name, issuer.level
    meta.signer = _guarded(meta, "signer", lambda: read_signer(text), None)
    on_date = _reference_date(year, meta.issue_month, day, meta.period_start)
    meta.province_name, meta.province_code, meta.province_era = _guarded(
        meta, "province", lambda: read_province(text, gazetteer, place, title, on_date), (None,) * 3
    )
    if _APPENDIX_REFERENCE.search(text) and not _APPENDIX_PRESENT.search(text):
        meta.flags.append("indicators_in_missing_appendix")
    return meta


def _read_periods(meta: DocumentMetadata, text: str, title: str | None, year: int | None) -> None:
    """Period (from the title, else the goals) and the horizon beyond it."""
    period_start, period_end = _guarded(meta, "period", lambda: read_period(title, year), (None, None))
    if period_start is None and period_end is None:
        period_start, period_end = year, _guarded(meta, "period", lambda: read_goal_horizon(text), None)
        meta.flags.append("period_from_goals" if period_end else "period_not_stated")
    if period_start is not None and period_end is not None and period_start > period_end:
        period_start = None  # issued after the horizon its goals name (a late copy): the start is unknown
    meta.period_start, meta.period_end = period_start, period_end
    meta.horizon_year = _guarded(meta, "horizon", lambda: read_horizon(title, text, period_end), None)
