"""How province names are matched in running text: folding, one regex for every form, and the
rules that say a name found is something else.

Pure functions of strings, used by ``pipelines.gazetteer.units.Gazetteer``. Folding and tone
placement are the text module's, so a name matches here exactly when it matches everywhere else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.text.normalize import fold_diacritics, normalize_unicode

#: Rules of ``province_name_contexts.csv``: when a name found in text is not the province.
PROPER_NOUN_ONLY = "proper_noun_only"  # also an ordinary phrase: counts only written as a proper noun
NOT_FOLLOWED_BY = "not_followed_by"  # part of another name before this word ("Điện Biên Phủ")
NOT_PRECEDED_BY = "not_preceded_by"  # part of another name after this word ("Thái Bình Dương")
NEEDS_CITY_PREFIX = "needs_city_prefix"  # alone most often something else; counts after "thành phố"/"TP"
CONTEXT_RULES = frozenset({PROPER_NOUN_ONLY, NOT_FOLLOWED_BY, NOT_PRECEDED_BY, NEEDS_CITY_PREFIX})


@dataclass(frozen=True)
class NameContext:
    """A context in which the province name ``name`` found in text is something else."""

    name: str  # canonical name the rule is about
    rule: str  # one of CONTEXT_RULES
    word: str = ""  # the neighbouring word, for NOT_FOLLOWED_BY / NOT_PRECEDED_BY


# --------------------------------------------------------------------------- language rules

# What a NEEDS_CITY_PREFIX name must follow, on the folded text.
CITY_PREFIX_BEFORE = re.compile(r"(?:\bthanh\s+pho|\btp\.?|\bt\.\s?p\.?)\s*$")

# A province name right after a lower-level unit type names that commune, ward or district
# ("xã Hòa Bình", "huyện Điện Biên", "phường Thái Bình"), not the province. Checked on the
# lower-cased original (with diacritics): folded "xa"/"phuong" would also hit "vùng xa", "địa phương".
LOWER_UNIT_BEFORE = re.compile(r"(?<!\w)(?:xã|phường|huyện|quận|thị xã|thị trấn)\s+$")

# Leading words that say what kind of unit follows; stripped by ``lookup``.
PREFIX_TOKENS: tuple[tuple[str, ...], ...] = (("thanh", "pho"), ("tinh",), ("tp",), ("t", "p"))

# --------------------------------------------------------------------------- text folding

COMBINING = r"\u0300-\u036f"


def fold_same_length(text: str) -> str:
    """Length-preserving lower-case ASCII skeleton; offsets into the result are offsets into ``text``."""
    return fold_diacritics(text, keep_marks=True)


def word_tokens(text: str) -> list[str]:
    """ASCII word tokens of ``text`` after NFC and folding."""
    return re.findall(r"[a-z0-9]+", fold_same_length(unicodedata.normalize("NFC", text)))


def compact_key(text: str) -> str:
    """Separator-free folded key: "Bà Rịa-Vũng Tàu", "Ba Ria - Vung Tau" → "bariavungtau"."""
    return "".join(word_tokens(text))


def lookup_key(name: str) -> str:
    """``compact`` after dropping a leading unit type ("tỉnh", "thành phố", "TP.", "T.P")."""
    tokens = word_tokens(name)
    for prefix in PREFIX_TOKENS:
        if len(tokens) > len(prefix) and tuple(tokens[: len(prefix)]) == prefix:
            tokens = tokens[len(prefix) :]
            break
    return "".join(tokens)


# --------------------------------------------------------------------------- pattern building

SEPARATORS = {
    " ": r"\s+",
    "-": r"(?:\s*[-\u2010\u2011\u2012\u2013\u2014]\s*|\s+)",
    ".": r"\.?\s*",
}
_END = ""


def form_atoms(form: str) -> tuple[str, ...]:
    """A surface form as regex atoms: folded letters/digits, and " ", "-" or "." separators."""
    atoms: list[str] = []
    for chunk in re.findall(r"[a-z0-9]+|[^a-z0-9]+", fold_same_length(unicodedata.normalize("NFC", form))):
        if chunk[0].isascii() and chunk[0].isalnum():
            atoms.extend(chunk)
        elif atoms:  # separators only between words
            atoms.append("-" if re.search(r"[-\u2010-\u2014]", chunk) else "." if "." in chunk else " ")
    while atoms and atoms[-1] in SEPARATORS:
        atoms.pop()
    return tuple(atoms)


def trie_regex(forms: Iterable[tuple[str, ...]], tolerate_marks: bool) -> str:
    """One regex for many forms, shaped as a trie: at each text position the engine follows
    one branch per character instead of trying ~150 alternatives in turn.

    Longer forms win ("Thừa Thiên Huế" over a later "Huế") because the end-of-form branch
    is an optional group tried after the longer continuation.
    """
    trie: dict[str, dict] = {}
    for atoms in forms:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = {}

    marks = f"[{COMBINING}]*" if tolerate_marks else ""

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for atom in sorted(k for k in node if k != _END):
            piece = SEPARATORS.get(atom) or (re.escape(atom) + marks)
            branches.append(piece + emit(node[atom]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if _END in node else body

    return rf"(?<![\w{COMBINING}])" + emit(trie) + rf"(?![\w{COMBINING}])"


def context_patterns(
    contexts: Iterable[NameContext],
) -> dict[str, tuple[re.Pattern | None, re.Pattern | None]]:
    """Canonical name -> (pattern the folded text before must NOT end with, pattern the folded
    text after must NOT start with), from the NOT_PRECEDED_BY / NOT_FOLLOWED_BY rules."""
    words: dict[tuple[str, str], list[str]] = {}
    for context in contexts:
        if context.rule in (NOT_PRECEDED_BY, NOT_FOLLOWED_BY):
            word = r"\s+".join(
                re.escape(w) for w in fold_same_length(normalize_unicode(context.word)).split()
            )
            words.setdefault((context.name, context.rule), []).append(word)

    def compiled(name: str, rule: str, template: str) -> re.Pattern | None:
        found = words.get((name, rule))
        if not found:
            return None
        return re.compile(template.format(found[0] if len(found) == 1 else "(?:" + "|".join(found) + ")"))

    return {
        name: (compiled(name, NOT_PRECEDED_BY, r"\b{}\s+$"), compiled(name, NOT_FOLLOWED_BY, r"\s+{}\b"))
        for name in sorted({name for name, _ in words})
    }


def looks_proper(matched: str, words: tuple[str, ...]) -> bool:
    """True if ``matched`` is written like the proper noun ``words``: capitalised words, each
    with the form's diacritics (any tone placement) or none at all."""
    found = re.findall(r"[^\W_]+", normalize_unicode(matched))  # Eth as Đ, one tone placement
    if len(found) != len(words):
        return False
    for word, expected in zip(found, words, strict=True):
        if not word[0].isupper():
            return False
        if not (word.isascii() or word.lower() == expected):
            return False
    return True
