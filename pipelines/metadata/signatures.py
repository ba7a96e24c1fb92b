"""Who signed a plan: the name under (or beside) the signing title at the end of the document.

Vietnamese documents end with "Nơi nhận:" (the distribution list) and a signature block:
the capacity ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "T/M BAN THƯỜNG VỤ"), the title
("PHÓ CHỦ TỊCH", "BÍ THƯ") and the signer's name. Copies join the block's lines, put it in a
table cell beside "Nơi nhận", add "(Đã ký)" or a digital-signature stamp, or attach a
programme or an appendix after it; the name is read in each of those layouts.
"""

from __future__ import annotations

import re

from pipelines.text.markup import CELL as _CELL
from pipelines.text.markup import clean_markup as _clean_markup
from pipelines.text.markup import is_upper_text as _is_upper_text

# A document attached after the signature ("CHƯƠNG TRÌNH …", "(Ban hành kèm theo Quyết định số …)").
ATTACHMENT = re.compile(
    r"^[#*_\s]*(?:(?:CHƯƠNG TRÌNH|KẾ HOẠCH|ĐỀ ÁN|QUY ĐỊNH|QUY CHẾ|PHỤ LỤC)\b|\(?\s*(?:Ban hành\s+)?[Kk]èm theo\b)",
    re.MULTILINE,
)

SIGNATURE_LINES = 40

_SIGNATURE_TITLES = re.compile(
    r"\b(?:CHỦ TỊCH|GIÁM ĐỐC|BÍ THƯ|TRƯỞNG BAN|THỦ TRƯỞNG|TỔNG GIÁM ĐỐC|VIỆN TRƯỞNG|CHÁNH VĂN PHÒNG|TM\.|KT\.)"
    r"|(?<!\w)(?:T/M|K/T|TM|KT)(?=\s+[A-ZĐ])"
)
_SIGNED_MARK = re.compile(r"\(\s*(?:đã\s+)?ký\b[^)]*\)|^\s*(?:đã\s+)?ký(?:\s+bởi)?\b\s*:?", re.IGNORECASE)
_DEGREE = re.compile(
    r"(?<!\w)(?:GS|PGS|TS|TSKH|ThS|Ths|KS|BS|CN|NCS)\.?(?:\s*[,.]?\s*(?:TS|TSKH|BS|KS)\.?)?(?=\s)"
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][a-zà-ỹđ]+$")
# Title-case lines that are titles, not names. Phrases, not words: "Thư", "Lưu", "Trưởng" are names too.
_NOT_A_NAME = re.compile(
    r"\b(?:bí thư|chủ tịch|giám đốc|nơi nhận|trưởng ban|trưởng phòng|chánh văn phòng|viện trưởng)\b|^(?:phó|nơi)\b"
)


def _main_part(text: str) -> str:
    """The document without what is attached after its signature (a decision's programme, appendices)."""
    signature = re.search(r"^[*_\s]*Nơi nhận\s*:?", text, re.MULTILINE)
    if not signature:
        return text
    attachment = ATTACHMENT.search(text, signature.end())
    return text[: attachment.start()] if attachment else text


def _cells(line: str) -> list[str]:
    """A table line's cells (pipes or tabs: a signature block laid out beside "Nơi nhận"), else the line."""
    if "|" not in line and "\t" not in line:
        return [line]
    return [c.strip() for c in _CELL.findall(line) if c.strip()]


def _signature_name(line: str, title_first: bool) -> str | None:
    """The person's name a signature line ends with, or None.

    The whole line must be the name, unless `title_first`: then the name may follow the
    signing title in capitals on the same line ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn An"),
    as web pages and Word cells join the block's lines.
    """
    # "(Đã ký)", "(Ký, ghi rõ họ tên)", "Ký bởi:" mark a signature in copies and may share the name's line;
    # a degree before the name ("TS. Nguyễn Văn An") is not part of it
    words = _DEGREE.sub(" ", _SIGNED_MARK.sub(" ", line)).split()
    run = 0
    while run < len(words) and _NAME_WORD.match(words[len(words) - 1 - run]):
        run += 1
    head = words[: len(words) - run]
    if not 2 <= run <= 5 or (head and not (title_first and _is_upper_text(" ".join(head)))):
        return None
    name = " ".join(words[len(words) - run :])
    return None if _NOT_A_NAME.search(name.lower()) else name


def _signer_after_titles(lines: list[str]) -> str | None:
    """The last name under (or beside) a signing title in `lines`."""
    title_seen = False
    signer = in_capitals = None
    since_title = 0
    for line in lines:
        cleaned = _clean_markup(line)
        is_title = bool(_SIGNATURE_TITLES.search(cleaned))
        title_seen = title_seen or is_title
        since_title = 0 if is_title else since_title + 1
        if title_seen:
            signer = _signature_name(cleaned, title_first=is_title) or signer
        if title_seen and 1 <= since_title <= 2:  # a name in capitals sits right under its title
            in_capitals = _name_in_capitals(cleaned) or in_capitals
    return signer or in_capitals


# Phrases of bodies and capacities printed in capitals in a signature block, never in a name
# (phrases, not words: "Nhân", "Thành", "Văn", "Vũ" are parts of names).
_BLOCK_PHRASES = re.compile(
    r"ủy ban|nhân dân|hội đồng|\btỉnh\b|thành phố|\bsở\b|chủ tịch|giám đốc|bí thư|thường trực|thường vụ|"
    r"\bđảng\b|cộng hòa|việt nam|văn phòng|\bban (?:chấp|thường|chỉ|quản)|trưởng ban|\bphó\b"
)


def _name_in_capitals(line: str) -> str | None:
    """A name printed in capitals ("NGUYỄN VĂN AN" → "Nguyễn Văn An"), used only when no name in
    ordinary case is found: two to five words of letters, none a word of a body or capacity."""
    words = _SIGNED_MARK.sub(" ", line).split()
    if not 2 <= len(words) <= 5 or not all(w.isalpha() and w.isupper() for w in words):
        return None
    if _BLOCK_PHRASES.search(" ".join(words).lower()):
        return None
    return " ".join(w.capitalize() for w in words)


def _is_signing_title(line: str) -> bool:
    """A line in capitals naming a signing capacity ("TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC")."""
    return bool(_SIGNATURE_TITLES.search(line)) and _is_upper_text(line)


def read_signer(text: str) -> str | None:
    """Name under the signature block: the last person-name line after a signing title.

    The block is looked for at the end of the document proper; when something long follows
    it there without a "Nơi nhận" (an appendix table), the last signing title is used instead.
    """
    lines = [c for ln in _main_part(text).split("\n") if ln.strip() for c in _cells(ln)]
    signer = _signer_after_titles(lines[-SIGNATURE_LINES:])
    if signer is None:
        titles = [i for i, ln in enumerate(lines) if len(ln) < 120 and _is_signing_title(_clean_markup(ln))]
        if titles:
            signer = _signer_after_titles(lines[titles[-1] : titles[-1] + 10])
    return signer
