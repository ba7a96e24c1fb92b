"""Every file format analysts drop, turned into trustworthy Unicode text or refused.

Plans arrive as plain text, Markdown, Word (.docx), PDF and web pages saved from
legal-document websites. Many still carry the legacy Vietnamese font encodings of
the 1990s and 2000s: text typed in a TCVN3 (ABC) font such as ".VnTime" or in a
VNI font is stored as Windows-1252 characters ("Céng hoµ x· héi", "Coäng hoøa
xaõ hoäi") that look like text to every program but are gibberish to a reader.

Two rules drive this module:

* The text we return must be the text a person sees in Word, Acrobat or a
  browser. Legacy font encodings are therefore converted (the tables below are
  the published TCVN 5712:1993 VN3 and VNI-Windows layouts), and only when the
  conversion turns gibberish into valid Vietnamese syllables.
* Anything we cannot read with confidence is refused with `UnreadableDocument`:
  a machine `code` for the quarantine table and a message that says what is
  wrong and what the analyst can do. A wrong guess would put mojibake or a
  half-read plan into the warehouse, which is worse than a clear rejection.

The module is pure: bytes in, text out, no file system and no global state
(pypdf's warnings are silenced only while a PDF is being read). Unicode
normalisation (NFC, tone placement) and line-wrap repair stay in `text.py`.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from pipelines.formats.containers import UnsafePackage, slim_docx_package

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
GARBLE_SAMPLE_CHARS = 3_000


class UnreadableDocument(ValueError):
    """A file that cannot become trustworthy text.

    `code` is stable and machine-readable (it becomes `reason_code` in the
    quarantine); `str(exc)` is for the analyst: what is wrong and what to do.
    Codes: empty_file, too_large, unsupported_format, binary, undecodable,
    legacy_font_encoding, not_a_docx, corrupt_docx, corrupt_pdf, encrypted_pdf,
    needs_ocr, empty_text.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ExtractedText:
    """Unicode text of one file, paragraphs separated by "\\n", before normalisation.

    `encoding` records how the bytes were read ("utf-8", "cp1258",
    "tcvn3→unicode", "docx", "pdf", "html:utf-8", …) so a surprising result can
    be traced back; `notes` lists anything the reader did that an analyst may
    want to check (a conversion, pages without text, a password removed).
    """

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def read_document_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedText:
    """Read one file's bytes into text, dispatching on the suffix of `name`.

    The suffix says what the analyst meant; the magic bytes are checked as well,
    because a renamed file (a PDF saved as ".docx", an old Word ".doc" renamed
    ".docx") must be refused with a message that names what it really is.
    Raises `UnreadableDocument` for anything that cannot be read with confidence.
    """
    size = len(data)
    if size > max_bytes:
        raise UnreadableDocument(
            "too_large",
            f"file is {_human_size(size)}, above the {_human_size(max_bytes)} limit; "
            "split the plan or remove embedded images and scans before adding it",
        )
    if size == 0:
        raise UnreadableDocument(
            "empty_file", "empty file (0 bytes): nothing to read; replace it with the full plan"
        )
    suffix = _suffix(name)
    if suffix in (".txt", ".md"):
        return _read_plain(data)
    if suffix == ".docx":
        return _read_docx(data, max_bytes)
    if suffix == ".pdf":
        return _read_pdf(data)
    if suffix in (".html", ".htm"):
        return _read_html(data)
    raise UnreadableDocument("unsupported_format", _unsupported_message(suffix))


# --------------------------------------------------------------------------- helpers


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


_SAVE_AS_HINTS = {
    ".doc": "an old Word 97-2003 document: open it in Word and use Save As → Word Document (.docx)",
    ".rtf": "Rich Text: open it in Word and use Save As → Word Document (.docx)",
    ".odt": "an OpenDocument text: save it as Word Document (.docx)",
    ".xls": "a spreadsheet: copy the plan text into a .docx, or save the sheet's table as text",
    ".xlsx": "a spreadsheet: copy the plan text into a .docx, or save the sheet's table as text",
    ".zip": "an archive: extract the plan files and add them one by one",
    ".rar": "an archive: extract the plan files and add them one by one",
    ".jpg": "an image: run OCR and add the resulting text or searchable PDF",
    ".jpeg": "an image: run OCR and add the resulting text or searchable PDF",
    ".png": "an image: run OCR and add the resulting text or searchable PDF",
    ".tif": "an image: run OCR and add the resulting text or searchable PDF",
    ".tiff": "an image: run OCR and add the resulting text or searchable PDF",
}


def _unsupported_message(suffix: str) -> str:
    shown = suffix or "(none)"
    hint = _SAVE_AS_HINTS.get(suffix, "save the plan as .docx, .pdf or UTF-8 .txt")
    return f"unsupported file type '{shown}' ({hint}); supported: {', '.join(SUPPORTED_SUFFIXES)}"


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def _sniff(data: bytes) -> str | None:
    """What a file really is, from its first bytes (None: nothing recognised)."""
    head = data[:1024].lstrip()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if b"%PDF-" in data[:1024]:  # PDF readers accept up to 1 KB of junk before the header
        return "pdf"
    lowered = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


_SNIFF_NAMES = {
    "pdf": "a PDF file: rename it to .pdf",
    "zip": "a ZIP package (a .docx/.xlsx or an archive): rename it to its real type",
    "ole": "an old Microsoft Office file (.doc/.xls) or a password-protected Office file: "
    "open it, remove any password and save it as .docx",
    "rtf": "a Rich Text (.rtf) file: open it in Word and save it as .docx",
    "html": "a web page: rename it to .html",
}


# --------------------------------------------------------------------------- finishing

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LETTER = re.compile(r"[^\W\d_]")


def _clean_lines(text: str) -> str:
    """One line-ending convention and no control characters.

    A classic-Mac file ("\\r" only) would otherwise be a single line, and page
    breaks (form feeds) from PDF or Word are paragraph breaks.
    """
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def _finish(
    text: str,
    encoding: str,
    notes: list[str],
    *,
    repair_legacy: bool = True,
    garbled_code: str = "legacy_font_encoding",
) -> ExtractedText:
    """Common last steps: clean, repair legacy-font lines, refuse empty or garbled text."""
    text = _clean_lines(text)
    if repair_legacy:
        text, note = repair_legacy_font_lines(text)
        if note:
            notes.append(note)
    if not _LETTER.search(text):
        raise UnreadableDocument(
            "empty_text",
            "the file contains no text (no letters at all); replace it with the full plan"
            + (" or run OCR if it is a scan" if encoding == "pdf" else ""),
        )
    # A sample is enough to tell a garbled text from a Vietnamese one, and keeps reading linear.
    score = vietnamese_score(text[:GARBLE_SAMPLE_CHARS])
    if score.considered >= 20 and score.share < 0.5:
        if garbled_code == "needs_ocr":
            message = (
                f"the PDF's text layer is garbled ({score.invalid} of {score.considered} accented words are not "
                "Vietnamese: its fonts have no usable Unicode map); run OCR on the PDF, or export it again "
                "from the original Word file"
            )
        else:
            message = (
                f"the text is garbled ({score.invalid} of {score.considered} accented words are not Vietnamese): "
                "it is probably typed in a legacy Vietnamese font encoding that could not be converted "
                "with confidence; convert it to Unicode (e.g. Unikey's converter) and save it again"
            )
        raise UnreadableDocument(garbled_code, message)
    return ExtractedText(text, encoding, tuple(notes))


# --------------------------------------------------------------------------- Vietnamese plausibility

_TONES = {"\u0300": "grave", "\u0301": "acute", "\u0303": "tilde", "\u0309": "hook", "\u0323": "dot"}
_INITIALS = (
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "th",
    "tr",
    "qu",
    *"bcdđghklmnprstvx",
    "",
)
_FINALS = ("ng", "nh", "ch", "c", "k", "m", "n", "p", "t", "")
_NUCLEI = frozenset(
    """a ă â e ê i o ô ơ u ư y
    ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê
    iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu""".split()
)
# Nuclei that never end a syllable ("ăn" but not "ă", "tiên" but not "tiê").
_NEEDS_FINAL = frozenset("ă â oă uâ iê yê uô ươ uyê".split())


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Is `word` (one syllable, any case, NFC or NFD) spelt like a Vietnamese syllable?

    A syllable is initial + vowel nucleus + final with at most one tone mark,
    and Vietnamese spelling forbids many combinations ("c" before "e", "gh"
    before "a", a grave/hook/tilde tone on a syllable ending in "c", "ch", "p",
    "t"). Legacy-font gibberish ("hoµ", "héi", "Keá") breaks these rules almost
    always, which is what lets us tell a good decoding from a bad one.
    """
    decomposed = unicodedata.normalize("NFD", word.lower().replace("ð", "đ"))
    tones = [_TONES[c] for c in decomposed if c in _TONES]
    if len(tones) > 1:
        return False
    tone = tones[0] if tones else None
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    for initial in _INITIALS:
        if not base.startswith(initial):
            continue
        rest = base[len(initial) :]
        for final in _FINALS:
            if len(rest) <= len(final) or not rest.endswith(final):
                continue
            nucleus = rest[: len(rest) - len(final)]
            if nucleus in _NUCLEI and _spelling_ok(initial, nucleus, final, tone):
                return True
    return False


def _spelling_ok(initial: str, nucleus: str, final: str, tone: str | None) -> bool:
    if final in ("c", "ch", "p", "t", "k") and tone in ("grave", "hook", "tilde"):
        return False
    if not final and nucleus in _NEEDS_FINAL:
        return False
    if final in ("ch", "nh") and nucleus[-1] not in "aêiy":
        return False
    first = nucleus[0]
    if initial == "c" and first in "eêiy":
        return False
    if initial in ("gh", "ngh") and first not in "eêi":
        return False
    return not (initial in ("g", "ng") and first in "eê")


@dataclass(frozen=True)
class VietnameseScore:
    """How many accented words of a text are valid Vietnamese syllables."""

    valid: int
    invalid: int

    @property
    def considered(self) -> int:
        return self.valid + self.invalid

    @property
    def share(self) -> float:
        return self.valid / self.considered if self.considered else 0.0

    @property
    def net(self) -> int:
        return self.valid - self.invalid


_TOKEN_PARTS = re.compile(r"[-/.,:;!?()\[\]{}\"'“”‘’«»…–—]+")


def vietnamese_score(text: str) -> VietnameseScore:
    """Count the non-ASCII words that are (in)valid Vietnamese syllables.

    Only words with a character outside ASCII are counted: ASCII words read the
    same in every encoding, so they cannot tell encodings apart. Words with
    digits (codes, "m²") are skipped.
    """
    valid = invalid = 0
    for token in text.split():
        if token.isascii():
            continue
        for part in _TOKEN_PARTS.split(token):
            word = _strip_symbols(unicodedata.normalize("NFC", part))
            if len(word) < 2 or word.isascii() or re.search(r"[0-9]", word) or _is_acronym(word):
                continue
            if all(_is_letter(c) for c in word) and is_vietnamese_syllable(word):
                valid += 1
            else:
                invalid += 1
    return VietnameseScore(valid, invalid)


def _is_acronym(word: str) -> bool:
    """Acronyms such as "QĐ", "HĐND", "KHCN&ĐMST" (capitals, Đ the only non-ASCII letter) are not syllables."""
    return word.isupper() and all(c.isascii() or c == "Đ" for c in word)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _strip_symbols(word: str) -> str:
    """Trim punctuation and symbols at both ends, keep anything letter-like inside."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] not in "LMN":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] not in "LMN":
        end -= 1
    return word[start:end]


# --------------------------------------------------------------------------- legacy font encodings

# TCVN 5712:1993 VN3 ("ABC"), the encoding of the ".Vn…" fonts (.VnTime, .VnArial).
# Keys are byte values; read as Windows-1252 these bytes are the familiar
# gibberish ("Céng hoµ x· héi chñ nghÜa ViÖt Nam"). VN3 has no code for capital
# letters with a tone: those were typed with the lowercase codes in a capitals
# font (".VnTimeH"), see `_restore_capitals`.
TCVN3_TO_UNICODE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VNI-Windows ("VNI-Times"): a base letter followed by a mark byte, plus a few
# precomposed letters. Mark bytes map to combining characters (circumflex U+0302,
# breve U+0306, then the tone); capital letters use the mark byte 0x20 lower.
_VNI_LOWER_MARKS: dict[int, str] = {
    0xF9: "\u0301", 0xF8: "\u0300", 0xFB: "\u0309", 0xF5: "\u0303", 0xEF: "\u0323",
    0xE2: "\u0302", 0xE1: "\u0302\u0301", 0xE0: "\u0302\u0300", 0xE5: "\u0302\u0309",
    0xE3: "\u0302\u0303", 0xE4: "\u0302\u0323",
    0xEA: "\u0306", 0xE9: "\u0306\u0301", 0xE8: "\u0306\u0300", 0xFA: "\u0306\u0309",
    0xFC: "\u0306\u0303", 0xEB: "\u0306\u0323",
}  # fmt: skip
VNI_MARKS: dict[int, str] = {
    **_VNI_LOWER_MARKS,
    **{byte - 0x20: marks for byte, marks in _VNI_LOWER_MARKS.items()},
}
VNI_LETTERS: dict[int, str] = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xF2: "ị", 0xF3: "ĩ", 0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xEE: "ỵ",
    0xD4: "Ơ", 0xD6: "Ư", 0xD1: "Đ", 0xD2: "Ị", 0xD3: "Ĩ", 0xCC: "Ì", 0xCD: "Í", 0xC6: "Ỉ", 0xCE: "Ỵ",
}  # fmt: skip

# All table bytes are >= 0xA0, where Windows-1252 and Latin-1 agree with the code
# point, so the tables apply to text that was decoded (or shown) as Windows-1252.
_VNI_MARK = re.compile(
    "(?<=[aeiouyAEIOUY\u00f4\u00f6\u00d4\u00d6])[" + "".join(chr(b) for b in sorted(VNI_MARKS)) + "]"
)


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) text, read as Windows-1252, to Unicode."""
    return _restore_capitals(unicodedata.normalize("NFC", text.translate(TCVN3_TO_UNICODE)))


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text, read as Windows-1252, to Unicode.

    A mark byte is a mark only after a vowel (or after "ô"/"ö", which are "ơ"/"ư"
    in VNI); elsewhere it is left as it is, so stray Latin-1 text is not bent.
    """
    marked = _VNI_MARK.sub(lambda m: VNI_MARKS[ord(m.group(0))], text)
    return unicodedata.normalize("NFC", marked.translate(VNI_LETTERS))


_ASCII_LOWER = re.compile(r"[a-z]")
_CAPITALS_WORD = re.compile(r"\b(?=\w*[A-Z]\w*[A-Z])(?=\w*[^\x00-\x7f])\w+")


def _restore_capitals(text: str) -> str:
    """Put a TCVN3 heading typed in a capitals font back in capitals.

    In ".VnTimeH" the lowercase codes are drawn as capitals, so "KẾ HOẠCH"
    converts to "KÕ HO¹CH" → "Kế HOạCH". A line whose ASCII letters are all
    capitals and that has a word like "HOạCH" (two ASCII capitals and an
    accented letter) was such a heading; other lines are left alone.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _ASCII_LOWER.search(line) or not _CAPITALS_WORD.search(line):
            continue
        if any(c.islower() for c in line):
            lines[index] = line.upper()
    return "\n".join(lines)


_LEGACY_CONVERTERS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("tcvn3", "TCVN3 (ABC, fonts such as .VnTime)", tcvn3_to_unicode),
    ("vni", "VNI (fonts such as VNI-Times)", vni_to_unicode),
)
# Latin-1 characters that never occur in Unicode Vietnamese (which uses only à á â ã è é ê ì í ò ó ô õ
# ù ú ý from that block): a text without any of them has no legacy-font line, and is not scored.
_VIETNAMESE_LATIN1 = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ"
_LEGACY_TELLTALE = re.compile(
    "[" + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1) + "]"
)
_LATIN1_HIGH = re.compile(r"[\u00a0-\u00ff]")


def repair_legacy_font_lines(text: str) -> tuple[str, str | None]:
    """Convert the lines of Unicode text that were typed in a TCVN3 or VNI font.

    Word, PDF and web pages keep the legacy bytes as Windows-1252 characters, and
    documents assembled by copy and paste mix such lines with real Unicode lines.
    Each line that contains Latin-1 letters is converted only if the conversion
    gives more valid Vietnamese syllables than it had (so "Tài chính", which is
    valid as it stands, is never touched). One encoding is chosen per document:
    the one that repairs more. When (nearly) every line that could be legacy was
    repaired, the document is legacy throughout, and the remaining lines that
    read either way ("Sè" is a valid syllable too) are converted as well.
    Returns the text and a note, or (text, None).
    """
    if not _LEGACY_TELLTALE.search(text):
        return text, None  # the common case, decided at C speed
    lines = text.split("\n")
    # Lines whose letters could all be legacy bytes, with a word that is not Vietnamese.
    legacy_like = [i for i, line in enumerate(lines) if _LATIN1_HIGH.search(line) and _cp1252_letters(line)]
    suspects = {i: score for i in legacy_like if (score := vietnamese_score(lines[i])).invalid}
    if not suspects:
        return text, None
    best: tuple[int, str, dict[int, str]] | None = None
    for _key, label, convert in _LEGACY_CONVERTERS:
        gain = 0
        changed: dict[int, str] = {}
        for i, before in suspects.items():
            converted = convert(lines[i])
            if converted == lines[i]:
                continue
            after = vietnamese_score(converted)
            if after.net > before.net and after.valid > before.valid:
                changed[i] = converted
                gain += after.net - before.net
        if changed and gain >= 2 and (best is None or gain > best[0]):
            best = (gain, label, changed)
    if best is None:
        return text, None
    _gain, label, changed = best
    convert = next(c for _k, lbl, c in _LEGACY_CONVERTERS if lbl == label)
    if len(changed) >= 0.9 * len(legacy_like):
        for i in legacy_like:
            if i in changed:
                continue
            converted = convert(lines[i])
            before, after = vietnamese_score(lines[i]), vietnamese_score(converted)
            if converted != lines[i] and after.invalid <= before.invalid and after.valid >= before.valid:
                changed[i] = converted
    for i, converted in changed.items():
        lines[i] = converted
    return "\n".join(lines), f"converted {len(changed)} line(s) typed in {label} to Unicode"


_CP1252_CHARS = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore"))


def _cp1252_letters(line: str) -> bool:
    """Could this line be legacy-font text shown as Windows-1252 (no letter outside it)?

    Unicode Vietnamese nearly always has letters Windows-1252 lacks (ư, ơ, đ,
    ạ, …), so this also keeps the scoring off the lines that need none.
    """
    return all(c < "\x80" or c in _CP1252_CHARS or not c.isalpha() for c in line)


# --------------------------------------------------------------------------- plain text


def _read_plain(data: bytes) -> ExtractedText:
    """A .txt/.md file: find its encoding, refusing anything we cannot recognise."""
    kind = _sniff(data)
    if kind == "html":
        extracted = _read_html(data)
        return ExtractedText(
            extracted.text,
            extracted.encoding,
            (*extracted.notes, "the text file holds a web page (HTML); read as HTML"),
        )
    if kind == "rtf":
        raise UnreadableDocument("unsupported_format", f"the text file is really {_SNIFF_NAMES['rtf']}")
    if kind in ("pdf", "zip", "ole"):
        raise UnreadableDocument("binary", f"the text file is really {_SNIFF_NAMES[kind]}")
    text, encoding, notes = _decode_text_bytes(data)
    return _finish(
        text, encoding, notes, repair_legacy=encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-8+cp1258")
    )


def _decode_text_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode text bytes: BOM, then UTF-8, then Vietnamese 8-bit encodings by plausibility."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict_decode(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8"), "utf-8-sig", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict_decode(data, "utf-16", "UTF-16"), "utf-16", []
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(
            "binary",
            "binary content (NUL bytes) in a text file: it is not plain text "
            "(UTF-16 text without a byte-order mark also looks like this); "
            "save the plan as UTF-8 text, .docx or .pdf",
        )
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\x0c") + sample.count(0x7F)
    if controls > 0.01 * len(sample):
        raise UnreadableDocument(
            "binary",
            "binary content (control bytes) in a text file: it is not plain text; "
            "save the plan as UTF-8 text, .docx or .pdf",
        )
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        return _decode_mixed_lines(data) or _decode_vietnamese_8bit(data, exc)


def _strict_decode(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(
            "undecodable",
            f"not valid {label} text (undecodable byte 0x{data[exc.start]:02x} at offset {exc.start}) "
            "although the file starts with a byte-order mark; open it in a text editor and save it as UTF-8",
        ) from exc


_C1_TO_CP1252 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _decode_cp1252(data: bytes) -> str:
    """Windows-1252 that never fails: the five undefined bytes keep their Latin-1 code points."""
    return data.decode("latin-1").translate(_C1_TO_CP1252)


def _decode_mixed_lines(data: bytes) -> tuple[str, str, list[str]] | None:
    """A file assembled from UTF-8 and 8-bit pieces (lines pasted from an old Windows-1258 file).

    Whole-file guesses fail on it: as UTF-8 some lines do not decode, as an 8-bit encoding the
    UTF-8 lines turn to gibberish, and the gibberish can score like VNI. So when the lines that
    are valid UTF-8 read as Vietnamese, each other line is decoded on its own, with the one
    8-bit encoding (Windows-1258, TCVN3 or VNI) under which those lines, together, read as
    Vietnamese and clearly better than under the others. Returns None when the file is not
    such a mix (then the whole-file detection decides); refuses it (`mixed_encoding`, with
    the line numbers) when the foreign lines read as none of them.
    """
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    for raw in lines:
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
    native = vietnamese_score(" ".join(t for t in decoded if t is not None and not t.isascii()))
    if native.considered < 3 or native.share < 0.8:
        return None  # the UTF-8 part is not Vietnamese text: not a mix, an 8-bit file
    foreign = [i for i, text in enumerate(decoded) if text is None]
    sample = b"\n".join(lines[i] for i in foreign)
    ranked = sorted(_eight_bit_candidates(sample), key=lambda c: (c[2].net, c[2].share), reverse=True)
    best, runner_up = ranked[0], ranked[1]
    encoding, label, convert = best[0], best[1], best[3]
    clear = best[2].share >= 0.8 and best[2].net > runner_up[2].net
    if best[2].considered and clear:  # and each foreign line must read as Vietnamese on its own
        scores = ((i, vietnamese_score(convert(lines[i]))) for i in foreign)
        foreign_bad = [i for i, score in scores if score.considered and score.share < 0.5]
    else:
        foreign_bad = foreign if best[2].considered else []
    if foreign_bad:
        shown = ", ".join(str(i + 1) for i in foreign_bad[:10]) + (" …" if len(foreign_bad) > 10 else "")
        raise UnreadableDocument(
            "mixed_encoding",
            f"the file mixes encodings: most of it is UTF-8, but {len(foreign_bad)} line(s) (line {shown}) "
            "are not, and do not read as Vietnamese in Windows-1258, TCVN3 or VNI either; open it in a "
            "text editor, retype or convert those lines (e.g. with Unikey's converter) and save it as UTF-8",
        )
    for i in foreign:
        decoded[i] = convert(lines[i])
    note = f"the file mixes encodings: {len(foreign)} line(s) read as {label}, the rest as UTF-8"
    return "\n".join(t or "" for t in decoded), f"utf-8+{encoding}", [note]


def _eight_bit_candidates(data: bytes) -> list[tuple[str, str, VietnameseScore, Callable[[bytes], str]]]:
    """(encoding, label, score, decoder) for each Vietnamese 8-bit encoding, applied to `data`."""

    def cp1258(raw: bytes) -> str:
        return raw.decode("cp1258", errors="replace")

    decoders: list[tuple[str, str, Callable[[bytes], str]]] = [("cp1258", "Windows-1258", cp1258)]
    for key, label, convert in _LEGACY_CONVERTERS:
        decoders.append((f"{key}→unicode", label, lambda raw, c=convert: c(_decode_cp1252(raw))))
    return [(key, label, vietnamese_score(decode(data)), decode) for key, label, decode in decoders]


def _decode_vietnamese_8bit(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str, list[str]]:
    """Pick Windows-1258, TCVN3 or VNI by how many words come out as Vietnamese.

    All three decode any byte string, so "it decodes" proves nothing; the
    decoding whose accented words are valid Vietnamese syllables is the right
    one. A text whose only non-ASCII bytes are punctuation (curly quotes, dashes)
    has no accented words and is read as Windows-1258, which agrees with
    Windows-1252 on punctuation.
    """
    candidates: list[tuple[str, str, VietnameseScore, str]] = []
    with contextlib.suppress(UnicodeDecodeError):
        text = data.decode("cp1258")
        candidates.append(("cp1258", "Windows-1258", vietnamese_score(text), text))
    as_cp1252 = _decode_cp1252(data)
    for key, label, convert in _LEGACY_CONVERTERS:
        text = convert(as_cp1252)
        candidates.append((f"{key}→unicode", label, vietnamese_score(text), text))
    # Most evidence first: a decoding with one lucky word must not beat one with many.
    best = max(candidates, key=lambda c: (c[2].net, c[2].share, c[0] == "cp1258"))
    encoding, label, score, text = best
    if score.considered == 0 and candidates[0][0] == "cp1258":
        encoding, label, score, text = candidates[0]
        return text, encoding, ["decoded as Windows-1258 (only punctuation outside ASCII)"]
    if score.considered and score.share >= 0.7:
        notes = [] if encoding == "cp1258" else [f"converted from {label} to Unicode"]
        return text, encoding, notes
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    non_ascii = sum(1 for c in replaced if ord(c) > 127)
    where = f"first bad byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}"
    if non_ascii and bad <= 0.05 * non_ascii:
        raise UnreadableDocument(
            "undecodable",
            f"mostly UTF-8 but {bad} byte(s) are not ({where}): the file mixes encodings; "
            "open it in a text editor, fix the garbled characters and save it as UTF-8",
        )
    if encoding != "cp1258" and score.share >= 0.4:
        raise UnreadableDocument(
            "legacy_font_encoding",
            f"the text looks like {label} but only {score.valid} of {score.considered} accented words "
            "convert to valid Vietnamese; convert it to Unicode (e.g. Unikey's converter) and save it as UTF-8",
        )
    raise UnreadableDocument(
        "undecodable",
        f"not UTF-8 ({where}) and not Vietnamese in Windows-1258, TCVN3 or VNI; "
        "open it in a text editor and save it as UTF-8",
    )


# --------------------------------------------------------------------------- tables (DOCX and HTML)


@dataclass
class _Cell:
    """One table cell: its lines, how many grid columns it spans, and whether it
    only continues a cell merged from the row above (then it prints as empty)."""

    lines: list[str] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    continuation: bool = False


def _render_table(rows: list[list[_Cell]]) -> list[str]:
    """Lines for one table: tab-separated rows, or text blocks for layout tables.

    Data tables (indicator appendices) become one line per row with one cell per
    grid column, so values stay under their header: a cell spanning several
    columns is written once and followed by empty cells, a cell merged from the
    row above is written as empty (never repeated). Multi-line cell text is
    joined with spaces. Vietnamese documents also use borderless two-column
    tables to lay out the issuing-body header and the signature block; those
    (at most two cells per row, some cell holding several lines) are written
    cell by cell as ordinary lines, as they read on paper.
    """
    rows = [row for row in rows if row]
    if not rows:
        return []
    widest = max(sum(1 for c in row if not c.continuation) for row in rows)
    multi_line = any(len([ln for ln in c.lines if ln.strip()]) > 1 for row in rows for c in row)
    if widest <= 1 or (widest <= 2 and multi_line):
        return [ln for row in rows for c in row if not c.continuation for ln in c.lines if ln.strip()]
    out: list[str] = []
    for row in rows:
        values: list[str] = []
        for cell in row:
            value = "" if cell.continuation else re.sub(r"\s+", " ", " ".join(cell.lines)).strip()
            values.append(value)
            values.extend([""] * (cell.colspan - 1))
        if any(values):
            out.append("\t".join(values))
    return out


def _fill_rowspans(rows: list[list[_Cell]]) -> list[list[_Cell]]:
    """Insert the continuation cells that HTML leaves out under a rowspan.

    Without them every value in the rows below a merged "STT" cell would shift
    one column to the left, under the wrong header.
    """
    pending: dict[int, tuple[int, int]] = {}  # grid column -> (rows still covered, colspan)
    filled: list[list[_Cell]] = []
    for row in rows:
        out: list[_Cell] = []
        column = 0
        queue = list(row)
        visited: set[int] = set()
        while queue or any(c >= column for c in pending):
            covered = pending.get(column)
            if covered is not None:
                out.append(_Cell(colspan=covered[1], continuation=True))
                visited.add(column)
                column += covered[1]
            elif queue:
                cell = queue.pop(0)
                out.append(cell)
                if cell.rowspan > 1:
                    pending[column] = (cell.rowspan, cell.colspan)  # decremented below, with this row
                    visited.add(column)
                column += cell.colspan
            else:
                out.append(_Cell())
                column += 1
        for c in list(pending):
            rows_left, colspan = pending[c]
            if c in visited or c < column:
                rows_left -= 1
            if rows_left <= 0:
                del pending[c]
            else:
                pending[c] = (rows_left, colspan)
        filled.append(out)
    return filled


# --------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}rPr", f"{_W}pPr", f"{_W}instrText", f"{_MC}Fallback"}


def _read_docx(data: bytes, max_bytes: int) -> ExtractedText:
    """A Word document: body paragraphs and tables in document order.

    Headers and footers are other parts of the package and are not read (they
    repeat page furniture, not plan content). Tracked insertions are kept and
    tracked deletions dropped, as Word shows them with "Final" markup.
    """
    kind = _sniff(data)
    if kind != "zip":
        what = _SNIFF_NAMES.get(kind or "", "")
        hint = f"it is really {what}" if what else "open it in Word and save it as Word Document (.docx)"
        raise UnreadableDocument("not_a_docx", f"the file is named .docx but is not a Word document; {hint}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:  # odd "ZIP version"
        raise UnreadableDocument(
            "corrupt_docx",
            f"the Word file is damaged ({exc}); it may be truncated by an interrupted download or copy: "
            "get the file again, or open it in Word (which can repair it) and save it again",
        ) from exc
    if "word/document.xml" not in names:
        raise UnreadableDocument("not_a_docx", _not_docx_message(archive, names))
    slim = _safe_docx_package(data)  # sizes checked and media left out before anything is unpacked
    import docx  # imported here: only Word files need python-docx and lxml
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(slim))
    except ValueError as exc:
        if "content type" not in str(exc):
            raise UnreadableDocument(
                "corrupt_docx", f"the Word file cannot be opened ({exc}); {_REPAIR}"
            ) from exc
        raise UnreadableDocument(
            "not_a_docx",
            f"the file is not a plain Word document ({exc}): probably a template or a macro-enabled "
            "document; open it in Word and save it as Word Document (.docx)",
        ) from exc
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise UnreadableDocument(
            "corrupt_docx", f"the Word file cannot be opened ({type(exc).__name__}: {exc}); {_REPAIR}"
        ) from exc
    except Exception as exc:  # lxml parse errors, zlib/CRC errors in damaged parts
        raise UnreadableDocument(
            "corrupt_docx", f"the Word file is damaged ({type(exc).__name__}: {exc}); {_REPAIR}"
        ) from exc
    reader = _DocxReader(document)
    lines = reader.blocks(document.element.body)
    return _finish("\n".join(lines), "docx", reader.notes)


_REPAIR = "open it in Word (which can repair it) and save it again"


def _safe_docx_package(data: bytes) -> bytes:
    """The package with only its text parts, after checking every declared size (see `containers`).

    Called before python-docx sees the file: a zip bomb is refused from the ZIP directory alone
    and images or embedded objects are never decompressed, whatever they declare.
    """
    try:
        return slim_docx_package(data)
    except UnsafePackage as exc:
        raise UnreadableDocument(exc.code, str(exc)) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise UnreadableDocument(
            "corrupt_docx", f"the Word file is damaged ({type(exc).__name__}: {exc}); {_REPAIR}"
        ) from exc


def _not_docx_message(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        what = "an Excel workbook (.xlsx)"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation (.pptx)"
    elif "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
        what = "an OpenDocument file (.odt/.ods)"
    else:
        what = "a ZIP archive without a Word document inside"
    return f"the file is named .docx but is {what}; save the plan as a Word Document (.docx)"


def _w(element: Any, path: str) -> str | None:
    """The w:val of the child at `path` ("numFmt", "pPr/numPr/numId"), or None."""
    if element is None:
        return None
    found = element.find("/".join(f"{_W}{step}" for step in path.split("/")))
    return None if found is None else found.get(f"{_W}val")


class _DocxReader:
    """Text of a Word body as Word shows it: paragraphs, tables, text boxes, list labels.

    python-docx gives the XML; walking it ourselves keeps tracked insertions and
    text boxes that `Paragraph.text` leaves out, and adds the automatic list
    labels ("1.", "a)", "I.", "-") that are not part of the text runs but are
    part of what a reader sees (and what `text.py` and the outline rely on).
    """

    def __init__(self, document: Any) -> None:
        self.part = document.part
        self.notes: list[str] = []
        try:
            self.numbering: _Numbering | None = _Numbering(document)
        except Exception:  # damaged numbering.xml: the text is still right, only labels are missing
            self.numbering = None
            self.notes.append("list numbering could not be read: automatic list labels are missing")

    def blocks(self, container: Any) -> list[str]:
        """Lines of a body, table cell or text box: paragraphs and tables in order."""
        lines: list[str] = []
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{_W}p":
                lines.extend(self.paragraph(child))
            elif tag == f"{_W}tbl":
                lines.extend(_render_table(self.table_rows(child)))
            elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"):
                lines.extend(self.blocks(child))
            elif tag == f"{_W}altChunk":
                lines.extend(self.alt_chunk(child))
        return lines

    def paragraph(self, paragraph: Any) -> list[str]:
        """A paragraph's text lines, then the lines of any text boxes anchored in it.

        Tabs inside a paragraph align two blocks side by side ("Số: 12/KH-UBND
        <tab> Hưng Yên, ngày …"); they become a wide space, which `text.py`
        splits into columns, so a tab in our output always separates table cells.
        """
        parts: list[str] = []
        boxes: list[Any] = []

        def walk(element: Any) -> None:
            for child in element.iterchildren():
                tag = child.tag
                if not isinstance(tag, str) or tag in _W_SKIP or (tag == f"{_W}r" and _hidden(child)):
                    continue
                if tag == f"{_W}t":
                    parts.append(child.text or "")
                elif tag in (f"{_W}tab", f"{_W}ptab"):
                    parts.append("    ")
                elif tag in (f"{_W}br", f"{_W}cr"):
                    parts.append("\n")
                elif tag == f"{_W}noBreakHyphen":
                    parts.append("-")
                elif tag == f"{_W}txbxContent":
                    boxes.append(child)
                else:
                    walk(child)

        walk(paragraph)
        label = self.numbering.label(paragraph) if self.numbering else ""
        lines = [ln.strip() for ln in "".join(parts).split("\n")]
        lines = [ln for ln in lines if ln]
        if lines and label:
            lines[0] = f"{label} {lines[0]}"
        for box in boxes:
            lines.extend(self.blocks(box))
        return lines

    def table_rows(self, table: Any) -> list[list[_Cell]]:
        rows: list[list[_Cell]] = []
        for tr in _docx_children(table, f"{_W}tr"):
            cells = [_Cell() for _ in range(_int(_w(tr, "trPr/gridBefore"), 0))]
            for tc in _docx_children(tr, f"{_W}tc"):
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                continuation = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
                colspan = max(1, _int(_w(tc, "tcPr/gridSpan"), 1))
                lines = [] if continuation else self.blocks(tc)
                cells.append(_Cell(lines=lines, colspan=colspan, continuation=continuation))
            rows.append(cells)
        return rows

    def alt_chunk(self, element: Any) -> list[str]:
        """Content imported as a whole file (web systems' "export to Word" embed an HTML page)."""
        relationship = element.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        part = self.part.related_parts.get(relationship) if relationship else None
        if part is None:
            self.notes.append("an embedded document (altChunk) is missing from the file and was not read")
            return []
        content_type = part.content_type.lower()
        blob = part.blob
        if content_type in ("message/rfc822", "multipart/related"):
            blob, content_type = _mht_html(blob), "text/html"
        if "html" in content_type and blob:
            markup, _charset = _decode_html_bytes(blob)
            return _html_lines(markup)
        if content_type == "text/plain":
            text, _encoding, _notes = _decode_text_bytes(blob)
            return _clean_lines(text).split("\n")
        self.notes.append(f"an embedded document of type {content_type} (altChunk) was not read")
        return []


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text: Word does not show or print it."""
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(f"{_W}val", "true").lower() not in ("0", "false", "off")


def _mht_html(blob: bytes) -> bytes:
    """The HTML part of a web archive (MHT), as Word's altChunk imports store it."""
    import email  # standard library; only this rare path needs it

    message = email.message_from_bytes(blob)
    for section in message.walk():
        if section.get_content_type() == "text/html":
            payload = section.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return b""


class _Numbering:
    """Word's automatic list labels, computed as Word does while reading in order.

    Definitions come from numbering.xml (abstract lists and their levels, with
    list instances that may restart them) and from paragraph styles that carry
    numbering (numbered headings). Counters belong to the abstract list, a
    level's counter restarts when a higher level advances, and "%1.%2." label
    templates are filled from the counters of the levels they name.
    """

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, bool]]] = {}
        self.style_levels: dict[tuple[str, str], int] = {}  # (abstract id, style id) -> level
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_numbering: dict[str, tuple[str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        numbering = _numbering_element(document)
        if numbering is not None:
            for abstract in numbering.iterchildren(f"{_W}abstractNum"):
                abstract_id = abstract.get(f"{_W}abstractNumId", "")
                levels = self.levels.setdefault(abstract_id, {})
                for level in abstract.iterchildren(f"{_W}lvl"):
                    index = _int(level.get(f"{_W}ilvl"), 0)
                    levels[index] = (
                        _w(level, "numFmt") or "decimal",
                        _w(level, "lvlText") or "",
                        _int(_w(level, "start"), 1),
                        level.find(f"{_W}isLgl") is not None,
                    )
                    style = _w(level, "pStyle")
                    if style:
                        self.style_levels[(abstract_id, style)] = index
            for instance in numbering.iterchildren(f"{_W}num"):
                starts = {
                    _int(override.get(f"{_W}ilvl"), 0): _int(_w(override, "startOverride"), 1)
                    for override in instance.iterchildren(f"{_W}lvlOverride")
                    if _w(override, "startOverride") is not None
                }
                self.instances[instance.get(f"{_W}numId", "")] = (_w(instance, "abstractNumId") or "", starts)
        styles = document.styles.element
        based_on: dict[str, str] = {}
        for style in styles.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId", "")
            num_id, level = _w(style, "pPr/numPr/numId"), _w(style, "pPr/numPr/ilvl")
            if num_id is not None:
                self.style_numbering[style_id] = (num_id, level)
            parent = _w(style, "basedOn")
            if parent:
                based_on[style_id] = parent
        for style_id in list(based_on):  # inherit numbering through "based on" chains
            current, seen = style_id, set()
            while current not in self.style_numbering and current in based_on and current not in seen:
                seen.add(current)
                current = based_on[current]
            if current in self.style_numbering and style_id not in self.style_numbering:
                self.style_numbering[style_id] = self.style_numbering[current]

    def label(self, paragraph: Any) -> str:
        """The label Word draws before this paragraph ("" for none); advances the counters."""
        properties = paragraph.find(f"{_W}pPr")
        num_id, level_text = _w(properties, "numPr/numId"), _w(properties, "numPr/ilvl")
        style = _w(properties, "pStyle")
        if num_id is None and style in self.style_numbering:
            num_id, style_level = self.style_numbering[style]
            level_text = level_text or style_level
        if num_id is None or num_id == "0" or num_id not in self.instances:
            return ""
        abstract_id, starts = self.instances[num_id]
        levels = self.levels.get(abstract_id, {})
        level = _int(level_text, self.style_levels.get((abstract_id, style or ""), 0))
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for restarted in starts:
                counters.pop(restarted, None)
        fmt, template, start, _legal = levels[level]
        counters[level] = counters[level] + 1 if level in counters else starts.get(level, start)
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt == "bullet":
            return template if template and template.isprintable() and not _private_use(template) else "•"

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            own_fmt, _t, own_start, _l = levels.get(index, ("decimal", "", 1, False))
            value = counters.get(index, starts.get(index, own_start))
            return _format_number(value, "decimal" if levels[level][3] else own_fmt)

        return re.sub(r"%([1-9])", number, template).strip()


def _numbering_element(document: Any) -> Any:
    try:
        return document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None


def _private_use(text: str) -> bool:
    return any(unicodedata.category(c) == "Co" for c in text)


# Word repeats the letter past "z" ("aa", "bbb"); a crafted start value of 10**12 would ask for a label of
# 38 billion letters. Beyond 30 rounds (no real list gets there) the counter is written as a number.
_MAX_LETTER_LABEL = 26 * 30


def _format_number(value: int, fmt: str) -> str:
    """A list counter in Word's number formats (decimal for the ones we do not draw)."""
    if fmt in ("lowerLetter", "upperLetter") and 0 < value <= _MAX_LETTER_LABEL:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        numerals = (
            (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
        )  # fmt: skip
        out = ""
        for amount, numeral in numerals:
            while value >= amount:
                out, value = out + numeral, value - amount
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _docx_children(element: Any, tag: str) -> Iterator[Any]:
    """Children with `tag`, looking through content controls that wrap rows or cells."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _docx_children(child, tag)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------- PDF

_EOF_WINDOW = 64 * 1024
_MIN_PAGE_LETTERS = 10


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings about harmless oddities of real-world PDFs while reading."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(previous)


def _read_pdf(data: bytes) -> ExtractedText:
    """A PDF with a text layer, page by page in reading order, line breaks kept.

    Scans without text are refused (`needs_ocr`) rather than returned empty,
    encrypted files are opened with the empty password when that is all they
    need (permission-only protection is common on official PDFs), and a file
    that ends before its end-of-file marker is refused because its last pages
    (signature, appendix tables) would be silently missing.
    """
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        kind = _sniff(data)
        what = f": it is really {_SNIFF_NAMES[kind]}" if kind and kind != "pdf" else ""
        raise UnreadableDocument(
            "corrupt_pdf",
            f"the file is named .pdf but has no PDF header{what}; get the original PDF again",
        )
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise UnreadableDocument(
            "corrupt_pdf",
            "the PDF is truncated (no end-of-file marker): it was cut short, e.g. by an interrupted "
            "download; get the complete file again",
        )
    from pypdf import PdfReader  # imported here: only PDFs need pypdf
    from pypdf.errors import DependencyError

    notes: list[str] = []
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data[start:]), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError as exc:
                    raise UnreadableDocument(
                        "encrypted_pdf",
                        f"the PDF is encrypted with a method this installation cannot open ({exc}); "
                        "print it to a new PDF or export it again without protection",
                    ) from exc
                if not opened:
                    raise UnreadableDocument(
                        "encrypted_pdf",
                        "the PDF is password-protected; ask the sender for an unprotected copy, "
                        "or open it with the password and save/print it as a new PDF",
                    )
                notes.append("PDF protection removed with the empty password (permissions-only protection)")
            page_count = len(reader.pages)
        except UnreadableDocument:
            raise
        except Exception as exc:  # pypdf raises many types on damaged files
            raise UnreadableDocument(
                "corrupt_pdf",
                f"the PDF is damaged and cannot be read ({type(exc).__name__}: {exc}); get the original file again",
            ) from exc
        if page_count == 0:
            raise UnreadableDocument("corrupt_pdf", "the PDF has no pages; get the original file again")
        pages: list[str] = []
        for number in range(page_count):
            try:
                pages.append(reader.pages[number].extract_text() or "")
            except Exception as exc:  # a damaged page must not silently drop out of the text
                raise UnreadableDocument(
                    "corrupt_pdf",
                    f"page {number + 1} of the PDF is damaged ({type(exc).__name__}: {exc}); "
                    "get the original file again, or print it to a new PDF",
                ) from exc
    empty = [i + 1 for i, text in enumerate(pages) if len(_LETTER.findall(text)) < _MIN_PAGE_LETTERS]
    if len(empty) * 2 > page_count:
        raise UnreadableDocument(
            "needs_ocr",
            f"scanned PDF without a text layer ({len(empty)} of {page_count} page(s) have no text): "
            "run OCR first (e.g. save it as a searchable PDF) or add the original Word file",
        )
    if empty:
        notes.append(
            f"page(s) {_page_list(empty)} have (almost) no text layer (scanned or blank pages?): "
            "check that nothing is missing"
        )
    # Pages without any text add nothing; the others keep their own line breaks.
    text = "\n".join(_clean_lines(page).strip("\n") for page in pages if page.strip())
    garbage = sum(1 for c in text if unicodedata.category(c) in ("Co", "Cn") or c == "\ufffd")
    if garbage > 0.05 * max(1, len(text.replace(" ", "").replace("\n", ""))):
        raise UnreadableDocument(
            "needs_ocr",
            "the PDF's text layer is garbled (its fonts have no Unicode map, so the characters are "
            "meaningless codes); run OCR on the PDF, or export it again from the original Word file",
        )
    return _finish(text, "pdf", notes, garbled_code="needs_ocr")


def _page_list(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:20])
    return shown + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")


# --------------------------------------------------------------------------- HTML

_CHROME_TAGS = frozenset(
    "script style noscript template title nav aside menu iframe svg "
    "button select textarea object embed canvas dialog".split()
)
# Elements that can be skipped because of their class/id: only those whose end tag
# is required, so a skipped region always ends ("<li class=share>" may never close).
# <form> is not chrome by itself: ASP.NET sites wrap the whole page in one.
_SKIPPABLE_BY_CLASS = frozenset(
    "div section ul ol dl span table nav aside header footer a figure menu".split()
)
_CHROME_WORDS = frozenset(
    "menu menus submenu megamenu nav navbar navigation topnav footer header topbar sidebar banner "
    "breadcrumb breadcrumbs share sharing social comment comments advert adverts advertisement ads ad "
    "cookie cookies popup".split()
)
# <header>/<footer> are the site's banner and footer only outside sectioning content:
# inside <article>, <main> or <section> they head or close the document itself.
_SECTIONING = frozenset({"article", "main", "section"})
_STATE_PREFIXES = ("has-", "with-", "no-", "is-", "show-", "hide-")
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
)
_BLOCK_TAGS = frozenset(
    "address article blockquote caption center dd div dl dt fieldset figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr li main ol p pre section ul br form".split()
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _read_html(data: bytes) -> ExtractedText:
    """A web page saved from a legal-document site: the document text without site chrome."""
    if data.startswith(codecs.BOM_UTF8):
        markup, charset = _strict_decode(data[3:], "utf-8", "UTF-8"), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        markup, charset = _strict_decode(data, "utf-16", "UTF-16"), "utf-16"
    else:
        markup, charset = _decode_html_bytes(data)
    return _finish("\n".join(_html_lines(markup)), f"html:{charset}", [])


def _html_lines(markup: str) -> list[str]:
    """The readable lines of a page; markup html.parser gives up on (a broken "<![" section or
    declaration raises AssertionError inside the standard library) is a refusal, not a crash."""
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as exc:
        raise UnreadableDocument(
            "corrupt_html",
            f"the web page's markup is broken ({exc}); open it in a browser and save it again "
            '("Web page, complete" or "HTML only"), or copy the plan text into a .docx',
        ) from exc
    return parser.finish()


def _decode_html_bytes(data: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes are UTF-8, else the declared charset, else Vietnamese 8-bit detection.

    Valid UTF-8 with non-ASCII bytes is almost never anything else, and pages
    often declare a charset they were not saved in, so the bytes win.
    """
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(
            "binary", "binary content (NUL bytes) in a web page file; save the page again"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii", "replace")).name
        except LookupError:
            codec = ""
        if codec and codec not in ("utf-8", "ascii"):
            try:
                text = data.decode(codec)
            except (UnicodeDecodeError, LookupError):  # LookupError: "base64", "zlib" … are not text codecs
                pass
            else:
                score = vietnamese_score(text)
                if not score.considered or score.share >= 0.7:
                    return text, codec
    text, encoding, _notes = _decode_vietnamese_8bit(data, utf8_error)
    return text, encoding


def _is_chrome_name(name: str) -> bool:
    """Does a class or id name mark site chrome ("main-menu", "navbar", "footerWrap")?"""
    lowered = name.lower()
    if lowered.startswith(_STATE_PREFIXES):
        return False
    words = re.split(r"[-_:.\s]+|(?<=[a-z])(?=[A-Z])", name)
    return any(word.lower() in _CHROME_WORDS for word in words) or lowered in _CHROME_WORDS


class _HtmlText(HTMLParser):
    """Collect the readable text of a page: blocks as lines, tables as rows.

    html.parser builds no tree and does not close implied elements, so the state
    is kept by hand: a skipped region (chrome) ends at the end tag matching the
    element that started it, and each table is collected as rows of cells and
    rendered at </table> with the same rules as Word tables.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # One line list per open container: the document, then each open cell.
        self._out: list[list[str]] = [[]]
        self._current: list[list[str]] = [[]]
        # One entry per open table: its rows, and whether it has a cell open.
        self._tables: list[list[list[_Cell]]] = []
        self._cell_open: list[bool] = []
        self._skip_tag: str | None = None
        self._skip_nesting = 0
        self._pre = 0
        self._sectioning = 0

    def _newline(self) -> None:
        raw = "".join(self._current[-1])
        parts = raw.split("\n") if self._pre else [re.sub(r"[ \t\n\r\f]+", " ", raw)]
        self._out[-1].extend(part.strip(" \t\r") for part in parts if part.strip(" \t\r"))
        self._current[-1] = []

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self._current[-1].append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_nesting += 1
            return
        if self._is_chrome(tag, dict(attrs)):
            if tag not in _VOID_TAGS:
                self._skip_tag, self._skip_nesting = tag, 1
            return
        if tag in _SECTIONING:
            self._sectioning += 1
        if tag == "pre":
            self._newline()
            self._pre += 1
        elif tag == "table":
            self._newline()
            self._tables.append([])
            self._cell_open.append(False)
        elif tag == "tr":
            self._ensure_table()
            self._close_cell()
            self._tables[-1].append([])
        elif tag in ("td", "th"):
            self._ensure_table()
            self._close_cell()
            if not self._tables[-1]:
                self._tables[-1].append([])
            attributes = dict(attrs)
            cell = _Cell(
                colspan=_positive(attributes.get("colspan")), rowspan=_positive(attributes.get("rowspan"))
            )
            self._tables[-1][-1].append(cell)
            self._out.append(cell.lines)
            self._current.append([])
            self._cell_open[-1] = True
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An XHTML "<x/>": a line break for <br/>, otherwise an empty element."""
        if self._skip_tag is None and tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_nesting -= 1
                if self._skip_nesting == 0:
                    self._skip_tag = None
            return
        if tag in _SECTIONING and self._sectioning:
            self._sectioning -= 1
        if tag == "pre" and self._pre:
            self._newline()
            self._pre -= 1
        elif tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag == "table" and self._tables:
            self._close_table()
        elif tag in _BLOCK_TAGS:
            self._newline()

    def _ensure_table(self) -> None:
        if not self._tables:  # a row or cell outside any <table>: treat it as one
            self._newline()
            self._tables.append([])
            self._cell_open.append(False)

    def _close_cell(self) -> None:
        if self._tables and self._cell_open[-1]:
            self._newline()
            self._out.pop()
            self._current.pop()
            self._cell_open[-1] = False

    def _close_table(self) -> None:
        self._close_cell()
        rows = self._tables.pop()
        self._cell_open.pop()
        self._newline()
        self._out[-1].extend(_render_table(_fill_rowspans(rows)))

    def _is_chrome(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in _CHROME_TAGS or (tag in ("header", "footer") and not self._sectioning):
            return True
        if tag not in _SKIPPABLE_BY_CLASS:
            return False
        if (attrs.get("role") or "").lower() in _CHROME_ROLES:
            return True
        style = (attrs.get("style") or "").replace(" ", "").lower()
        if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
            return True
        if "display:none" in style or "visibility:hidden" in style:
            return True
        names = (attrs.get("class") or "").split() + (attrs.get("id") or "").split()
        return any(_is_chrome_name(name) for name in names)

    def finish(self) -> list[str]:
        """All lines, closing whatever the page left open."""
        while self._tables:
            self._close_table()
        self._newline()
        return self._out[0]


def _positive(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
