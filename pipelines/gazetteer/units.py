"""Vietnam's provincial units before and after the 2025 merger, and finding them in text.

Plans in this project were issued by the 63 provinces that existed until 30 June 2025,
but are compared and rolled up by the 34 units created by Nghị quyết 202/2025/QH15
(official codes from Quyết định 19/2025/QĐ-TTg, valid from 1 July 2025). Several names
exist in both eras with a different territory and sometimes a different code (Tây Ninh
was 72, is 80), so a name alone is not an identity: it needs a date.

The unit lists are *not* typed in here. They are the checked dbt seeds (read by
``pipelines.gazetteer.sources``): ``provinces.csv`` (the 63 legacy units, their region,
coordinates and 2025 successor), ``provinces_2025.csv`` (the 34 current units),
``province_former_names.csv`` and ``province_aliases.csv`` (other spellings and
abbreviations). ``scripts/build_province_seed.py`` regenerates the first two from the
maintained libraries ``vietnamadminunits`` and ``vietnam_provinces`` and refuses to write
when they disagree with each other or with ``shared/reference/provinces_2025.csv``.

Matching is diacritics-insensitive on purpose: plans are copied from PDFs and web
pages with missing, wrong or differently placed tone marks, in NFC or NFD. Folding and
tone placement are the text module's (``fold_diacritics``, ``normalize_unicode``), so a
name matches here exactly when it matches everywhere else. Because ``find_mentions`` must
report offsets into the caller's text, it folds keeping combining marks (one character to
one character, length preserving) and runs a single compiled regex; names whose folded or lower-case form is also an ordinary Vietnamese phrase
("cao bằng", "hòa bình", "thái bình") are only accepted when written like a proper noun.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipelines.text.normalize import fold_diacritics, normalize_unicode

#: Day the 34-unit structure took effect (Nghị quyết 202/2025/QH15).
MERGER_EFFECTIVE_DATE = datetime.date(2025, 7, 1)

LEGACY = "legacy"
CURRENT = "current"
TINH = "tỉnh"
THANH_PHO = "thành phố"


@dataclass(frozen=True)
class Province:
    """One provincial-level unit of one era.

    A legacy and a current unit with the same name are different objects: they cover
    different territory, and plans are attributed to the unit valid on their date.
    """

    code: str  # 2-digit GSO code, e.g. "33"
    name: str  # official name with diacritics, NFC, one tone-mark placement ("Hòa Bình")
    unit_type: str  # "tỉnh" | "thành phố"
    era: str  # "legacy" (valid before 2025-07-01) | "current" (from 2025-07-01)
    successor_code: str  # code of the 2025 unit it became part of (a current unit: its own code)
    successor_name: str
    region: str | None  # six-region scheme name for legacy units, None if unknown
    latitude: float | None  # representative point (from vietnamadminunits), None if absent
    longitude: float | None


@dataclass(frozen=True)
class FormerName:
    """A name a unit bore until ``until`` (inclusive) before it was renamed, code unchanged."""

    code: str
    era: str
    name: str
    unit_type: str
    until: datetime.date


@dataclass(frozen=True)
class ProvinceMention:
    """A province name found in a text; ``text[start:end] == matched``."""

    name: str  # canonical province name matched
    start: int
    end: int
    matched: str


# --------------------------------------------------------------------------- hand-maintained data

# Names whose lower-case or folded form is an ordinary Vietnamese word or phrase. In running
# text they only count when every word starts with a capital (or the text is upper case) and
# each word carries the right diacritics or none at all:
#   "nâng cao bằng cách" (cao bằng), "hòa bình" (peace), "Thái Bình Dương" / "thái bình",
#   "Việt Nam định hướng" (nam định), "bình định" (to pacify), "hải dương học" (oceanography),
#   "chuyển thành hóa đơn" (thanh hoa), "làng sơn mài" (lang son), "huệ"/"huề" (hue),
#   "sơn là" (son la), "nghe an…" (nghe an), "tham gia lại" (gia lai), "nông lâm đồng…",
#   "bình dương" (calm sea).
_PROPER_NOUN_ONLY = frozenset(
    {
        "Cao Bằng", "Hòa Bình", "Thái Bình", "Nam Định", "Bình Định", "Hải Dương", "Thanh Hóa",
        "Lạng Sơn", "Huế", "Sơn La", "Nghệ An", "Gia Lai", "Lâm Đồng", "Bình Dương",
    }
)  # fmt: skip

# Context that turns a whole-word match into something else, on the folded text:
# canonical name -> (pattern the text before must NOT end with, pattern the text after must NOT start with).
_NOT_A_PROVINCE_CONTEXT: dict[str, tuple[str | None, str | None]] = {
    "Hà Nam": (None, r"\s+ninh\b"),  # Hà Nam Ninh, the 1976-1991 province
    "Thái Bình": (None, r"\s+duong\b"),  # Thái Bình Dương, the Pacific Ocean
    "Bình Dương": (r"\bthai\s+$", None),  # ... and its second half
    "Nam Định": (r"\bviet\s+$", None),  # "Việt Nam Định hướng" in title case
    "Hải Dương": (None, r"\s+hoc\b"),  # "Viện Hải Dương Học"
    "Điện Biên": (None, r"\s+phu\b"),  # Điện Biên Phủ: the city or the 1954 battle
}

# "Hồ Chí Minh" alone is most often the person ("tư tưởng Hồ Chí Minh", "Giải thưởng Hồ Chí
# Minh"); in running text it counts only after "thành phố"/"TP". "HCM"/"TPHCM" always count.
_NEEDS_CITY_PREFIX = frozenset({"hochiminh"})
_CITY_PREFIX_BEFORE = re.compile(r"(?:\bthanh\s+pho|\btp\.?|\bt\.\s?p\.?)\s*$")

# A province name right after a lower-level unit type names that commune, ward or district
# ("xã Hòa Bình", "huyện Điện Biên", "phường Thái Bình"), not the province. Checked on the
# lower-cased original (with diacritics): folded "xa"/"phuong" would also hit "vùng xa", "địa phương".
_LOWER_UNIT_BEFORE = re.compile(r"(?<!\w)(?:xã|phường|huyện|quận|thị xã|thị trấn)\s+$")

# Leading words that say what kind of unit follows; stripped by ``lookup``.
_PREFIX_TOKENS: tuple[tuple[str, ...], ...] = (("thanh", "pho"), ("tinh",), ("tp",), ("t", "p"))

# --------------------------------------------------------------------------- text folding

_COMBINING = r"\u0300-\u036f"


def _fold(text: str) -> str:
    """Length-preserving lower-case ASCII skeleton; offsets into the result are offsets into ``text``."""
    return fold_diacritics(text, keep_marks=True)


def _tokens(text: str) -> list[str]:
    """ASCII word tokens of ``text`` after NFC and folding."""
    return re.findall(r"[a-z0-9]+", _fold(unicodedata.normalize("NFC", text)))


def _compact(text: str) -> str:
    """Separator-free folded key: "Bà Rịa-Vũng Tàu", "Ba Ria - Vung Tau" → "bariavungtau"."""
    return "".join(_tokens(text))


def _lookup_key(name: str) -> str:
    """``_compact`` after dropping a leading unit type ("tỉnh", "thành phố", "TP.", "T.P")."""
    tokens = _tokens(name)
    for prefix in _PREFIX_TOKENS:
        if len(tokens) > len(prefix) and tuple(tokens[: len(prefix)]) == prefix:
            tokens = tokens[len(prefix) :]
            break
    return "".join(tokens)


# --------------------------------------------------------------------------- pattern building

_SEPARATORS = {
    " ": r"\s+",
    "-": r"(?:\s*[-\u2010\u2011\u2012\u2013\u2014]\s*|\s+)",
    ".": r"\.?\s*",
}
_END = ""


def _atoms(form: str) -> tuple[str, ...]:
    """A surface form as regex atoms: folded letters/digits, and " ", "-" or "." separators."""
    atoms: list[str] = []
    for chunk in re.findall(r"[a-z0-9]+|[^a-z0-9]+", _fold(unicodedata.normalize("NFC", form))):
        if chunk[0].isascii() and chunk[0].isalnum():
            atoms.extend(chunk)
        elif atoms:  # separators only between words
            atoms.append("-" if re.search(r"[-\u2010-\u2014]", chunk) else "." if "." in chunk else " ")
    while atoms and atoms[-1] in _SEPARATORS:
        atoms.pop()
    return tuple(atoms)


def _trie_regex(forms: Iterable[tuple[str, ...]], tolerate_marks: bool) -> str:
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

    marks = f"[{_COMBINING}]*" if tolerate_marks else ""

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for atom in sorted(k for k in node if k != _END):
            piece = _SEPARATORS.get(atom) or (re.escape(atom) + marks)
            branches.append(piece + emit(node[atom]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if _END in node else body

    return rf"(?<![\w{_COMBINING}])" + emit(trie) + rf"(?![\w{_COMBINING}])"


@dataclass(frozen=True)
class _Form:
    """One way of writing a province name in running text."""

    canonical: str
    words: tuple[str, ...]  # lower-case NFC words with official tone placement, for proper-noun checks


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """The 63 legacy and 34 current units, name lookup by date, and mention finding."""

    def __init__(
        self,
        legacy: Iterable[Province],
        current: Iterable[Province],
        lookup_keywords: Mapping[str, Iterable[str]] | None = None,
        extra_forms: Mapping[str, Iterable[str]] | None = None,
        former_names: Iterable[FormerName] = (),
    ) -> None:
        """Index the units.

        ``lookup_keywords`` maps a canonical name to further keys accepted by ``lookup`` only
        (compared folded and without separators: "HN", "tỉnh Hà Giang"); ``extra_forms`` maps
        a canonical name to further spellings accepted by ``lookup`` and ``find_mentions``;
        ``former_names`` are names in force before a rename (found in text, and given by
        ``name_on`` for earlier dates). Two different names folding to the same key would
        make matching ambiguous, so that raises.
        """
        self._legacy = sorted(legacy, key=lambda p: p.code)
        self._current = sorted(current, key=lambda p: p.code)
        self._legacy_by_name = {p.name: p for p in self._legacy}
        self._current_by_name = {p.name: p for p in self._current}
        self._key_to_name: dict[str, str] = {}
        self._text_forms: dict[str, list[_Form]] = {}  # compact key of a surface form -> its forms
        self._all_atoms: set[tuple[str, ...]] = set()

        for unit in [*self._legacy, *self._current]:
            self._add_form(unit.name, unit.name)
        for canonical, keywords in (lookup_keywords or {}).items():
            for keyword in keywords:
                self._add_key(_compact(keyword), canonical)
        extra = [(form, canonical) for canonical, forms in (extra_forms or {}).items() for form in forms]
        for form, canonical in extra + self._index_former_names(former_names):
            self._add_form(form, canonical)

        unique_atoms = sorted(self._all_atoms)
        self._pattern = re.compile(_trie_regex(unique_atoms, tolerate_marks=False))
        self._pattern_nfd = re.compile(_trie_regex(unique_atoms, tolerate_marks=True))
        self._context = {
            name: (re.compile(before) if before else None, re.compile(after) if after else None)
            for name, (before, after) in _NOT_A_PROVINCE_CONTEXT.items()
        }

    def _add_key(self, key: str, canonical: str) -> None:
        """Accept ``key`` in ``lookup`` as ``canonical``; a key already taken by another name raises."""
        if not key:
            return
        previous = self._key_to_name.setdefault(key, canonical)
        if previous != canonical:
            raise ValueError(f"province names {previous!r} and {canonical!r} both fold to {key!r}")

    def _add_form(self, form: str, canonical: str) -> None:
        """Accept ``form`` as ``canonical`` in ``lookup`` and as a pattern for ``find_mentions``."""
        self._add_key(_lookup_key(form), canonical)
        self._add_key(_compact(form), canonical)
        atoms = _atoms(form)
        if not atoms:
            return
        words = tuple(re.findall(r"[^\W_]+", normalize_unicode(form).lower()))
        key = "".join(a for a in atoms if a not in _SEPARATORS)
        self._text_forms.setdefault(key, []).append(_Form(canonical, words))
        self._all_atoms.add(atoms)

    def _index_former_names(self, former_names: Iterable[FormerName]) -> list[tuple[str, str]]:
        """Index former names by unit (for ``name_on``) and by spelling; return each as a text
        form (former name, canonical name) of its unit, so text using it is still found."""
        by_key = {(p.code, p.era): p for p in [*self._legacy, *self._current]}
        self._former: dict[tuple[str, str], list[FormerName]] = {}
        self._spelling: dict[str, str] = {_compact(p.name): p.name for p in by_key.values()}
        forms: list[tuple[str, str]] = []
        for former in sorted(former_names, key=lambda f: f.until):
            unit = by_key.get((former.code, former.era))
            if unit is None:
                raise ValueError(f"former name {former.name!r}: no {former.era} unit with code {former.code}")
            self._former.setdefault((former.code, former.era), []).append(former)
            self._spelling.setdefault(_compact(former.name), former.name)
            forms.append((former.name, unit.name))
        return forms

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer built from the checked province seeds (built once per process)."""
        from pipelines.gazetteer.sources import load_gazetteer  # the sources need this module's classes

        return load_gazetteer()

    def legacy(self) -> list[Province]:
        """The 63 units valid before 2025-07-01, ordered by code."""
        return list(self._legacy)

    def current(self) -> list[Province]:
        """The 34 units valid from 2025-07-01, ordered by code."""
        return list(self._current)

    def lookup(self, name: str, on_date: datetime.date | None = None) -> Province | None:
        """The unit called ``name`` on ``on_date`` (None: before the merger), or None if unknown.

        Insensitive to case, Unicode form, tone placement and missing/wrong diacritics;
        a leading "tỉnh", "thành phố", "TP." is ignored. A name used in both eras
        ("Tây Ninh": 72 until 2025-06-30, 80 after) resolves by date; a name of one era
        only (Hải Dương) returns that era's unit whatever the date, so old names in new
        documents still resolve (follow ``successor_code`` to roll up).
        """
        canonical = self._key_to_name.get(_lookup_key(name))
        if canonical is None:
            return None
        legacy = self._legacy_by_name.get(canonical)
        current = self._current_by_name.get(canonical)
        if legacy is not None and current is not None:
            if isinstance(on_date, datetime.datetime):
                on_date = on_date.date()
            return legacy if on_date is None or on_date < MERGER_EFFECTIVE_DATE else current
        return legacy or current

    def name_on(self, unit: Province, on_date: datetime.date | None) -> str:
        """The unit's name in force on ``on_date``: "Thừa Thiên Huế" for code 46 in 2019, "Huế" in 2025.

        The unit seeds carry today's names only; a plan is named as at its own date, so that a
        2019 plan reads as the province that issued it. Without a date, today's name.
        """
        if isinstance(on_date, datetime.datetime):
            on_date = on_date.date()
        if on_date is None:
            return unit.name
        for former in self._former.get((unit.code, unit.era), []):  # ordered by end date
            if on_date <= former.until:
                return former.name
        return unit.name

    def official_spelling(self, matched: str) -> str | None:
        """The official spelling of a unit name (current or former) written in any case or
        diacritics ("THỪA THIÊN HUẾ" → "Thừa Thiên Huế"), or None when it is another form."""
        return self._spelling.get(_compact(matched))

    def find_mentions(self, text: str) -> list[ProvinceMention]:
        """Every whole-word province name (either era) in ``text``, left to right, not overlapping.

        Offsets index the ``text`` given, whatever its Unicode form. The longest name wins
        where names overlap. See the module notes for names that must look like proper
        nouns and for contexts that are not a province.
        """
        folded = _fold(text)
        nfc = unicodedata.is_normalized("NFC", text)
        pattern = self._pattern if nfc else self._pattern_nfd
        mentions: list[ProvinceMention] = []
        pos = 0
        while True:
            match = pattern.search(folded, pos)
            if match is None:
                return mentions
            start, end = match.span()
            canonical = self._accept(text, folded, start, end)
            if canonical is None:
                pos = start + 1  # a rejected match may hide a shorter name starting inside it
                continue
            mentions.append(ProvinceMention(canonical, start, end, text[start:end]))
            pos = end

    def _accept(self, text: str, folded: str, start: int, end: int) -> str | None:
        """Canonical name for the match ``text[start:end]``, or None if context says it is not one."""
        key = "".join(re.findall(r"[a-z0-9]+", folded[start:end]))
        forms = self._text_forms.get(key)
        if not forms:
            return None
        canonical = forms[0].canonical
        before_text = folded[max(0, start - 16) : start]
        if key in _NEEDS_CITY_PREFIX and not _CITY_PREFIX_BEFORE.search(before_text):
            return None
        before, after = self._context.get(canonical, (None, None))
        if before is not None and before.search(before_text):
            return None
        if after is not None and after.match(folded, end):
            return None
        if _LOWER_UNIT_BEFORE.search(normalize_unicode(text[max(0, start - 16) : start]).lower()):
            return None
        if canonical in _PROPER_NOUN_ONLY and not any(_looks_proper(text[start:end], f.words) for f in forms):
            return None
        return canonical


def _looks_proper(matched: str, words: tuple[str, ...]) -> bool:
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
