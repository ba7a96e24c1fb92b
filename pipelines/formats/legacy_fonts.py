"""The legacy Vietnamese font encodings (TCVN3/ABC and VNI), converted to Unicode.

Text typed in a TCVN3 font such as ".VnTime" or in a VNI font is stored as Windows-1252
characters ("Céng hoµ x· héi", "Coäng hoøa xaõ hoäi") that look like text to every program but
are gibberish to a reader. The tables below are the published TCVN 5712:1993 VN3 and
VNI-Windows layouts; a line is converted only when the conversion turns gibberish into valid
Vietnamese syllables (see `syllables`), so Unicode text is never bent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from pipelines.formats.syllables import vietnamese_score

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


LEGACY_CONVERTERS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
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
    for _key, label, convert in LEGACY_CONVERTERS:
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
    convert = next(c for _k, lbl, c in LEGACY_CONVERTERS if lbl == label)
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
