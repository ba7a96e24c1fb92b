"""Does a text read as Vietnamese? The test that tells a right decoding from a wrong one.

Every 8-bit encoding decodes any byte string, and legacy-font gibberish ("Céng hoµ x· héi")
is made of letters, so "it decodes" proves nothing. Vietnamese spelling is strict (initial +
vowel nucleus + final, at most one tone mark, many combinations forbidden), and gibberish
breaks it almost always: counting the accented words that are valid syllables is what lets the
decoders, the legacy-font repair and the garbled-text refusal decide with evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

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
    digits (codes, "m²") are skipped. A text repeats its words (a few hundred
    syllables make most of Vietnamese prose), so each distinct token is judged
    once (`Counter` counts them at C speed) and its verdict multiplied.
    """
    valid = invalid = 0
    for token, count in Counter(t for t in text.split() if not t.isascii()).items():
        token_valid, token_invalid = _token_score(token)
        valid += token_valid * count
        invalid += token_invalid * count
    return VietnameseScore(valid, invalid)


@lru_cache(maxsize=65536)
def _token_score(token: str) -> tuple[int, int]:
    """(valid, invalid) syllables of one whitespace-free token, split at punctuation."""
    valid = invalid = 0
    for part in _TOKEN_PARTS.split(token):
        word = _strip_symbols(unicodedata.normalize("NFC", part))
        if len(word) < 2 or word.isascii() or _DIGIT.search(word) or _is_acronym(word):
            continue
        if all(_is_letter(c) for c in word) and is_vietnamese_syllable(word):
            valid += 1
        else:
            invalid += 1
    return valid, invalid


_DIGIT = re.compile(r"[0-9]")


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
