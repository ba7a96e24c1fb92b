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
one character, length preserving) and runs a single compiled regex. Which names are also
ordinary phrases ("cao bằng", "hòa bình") or parts of other names ("Điện Biên Phủ") is data too
(``province_name_contexts.csv``); what stays here is the language around any name: a lower-level
unit type before it ("xã Hòa Bình") or a "thành phố"/"TP" that a name may require.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipelines.gazetteer.matching import (
    CITY_PREFIX_BEFORE,
    CONTEXT_RULES,
    LOWER_UNIT_BEFORE,
    NEEDS_CITY_PREFIX,
    PROPER_NOUN_ONLY,
    SEPARATORS,
    NameContext,
    compact_key,
    context_patterns,
    fold_same_length,
    form_atoms,
    looks_proper,
    lookup_key,
    trie_regex,
)
from pipelines.text.normalize import fold_document, normalize_unicode

#: Day the 34-unit structure took effect (Nghị quyết 202/2025/QH15).
MERGER_EFFECTIVE_DATE = datetime.date(2025, 7, 1)

LEGACY = "legacy"
CURRENT = "current"
TINH = "tỉnh"
THANH_PHO = "thành phố"


# The only characters the two folds treat differently: `fold_same_length` keeps them, `fold_document` drops them.
_COMBINING_MARK = re.compile("[\u0300-\u036f]")


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
        contexts: Iterable[NameContext] = (),
    ) -> None:
        """Index the units.

        ``lookup_keywords`` maps a canonical name to further keys accepted by ``lookup`` only
        (compared folded and without separators: "HN", "tỉnh Hà Giang"); ``extra_forms`` maps
        a canonical name to further spellings accepted by ``lookup`` and ``find_mentions``;
        ``former_names`` are names in force before a rename (found in text, and given by
        ``name_on`` for earlier dates); ``contexts`` say when a name found in text is something
        else. Two different names folding to the same key would make matching ambiguous, so
        that raises, as does a context for a name that is not a unit's.
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
                self._add_key(compact_key(keyword), canonical)
        extra = [(form, canonical) for canonical, forms in (extra_forms or {}).items() for form in forms]
        for form, canonical in extra + self._index_former_names(former_names):
            self._add_form(form, canonical)

        unique_atoms = sorted(self._all_atoms)
        self._pattern = re.compile(trie_regex(unique_atoms, tolerate_marks=False))
        self._pattern_nfd = re.compile(trie_regex(unique_atoms, tolerate_marks=True))
        self._index_contexts(list(contexts))

    def _index_contexts(self, contexts: list[NameContext]) -> None:
        """Index the context rules by canonical name (by compact key for NEEDS_CITY_PREFIX: the
        name itself needs the prefix, its abbreviations do not)."""
        for context in contexts:
            if context.name not in self._legacy_by_name and context.name not in self._current_by_name:
                raise ValueError(f"name context for {context.name!r}, which is not a unit's name")
            if context.rule not in CONTEXT_RULES:
                raise ValueError(f"name context for {context.name!r}: unknown rule {context.rule!r}")
        self._proper_noun_only = frozenset(c.name for c in contexts if c.rule == PROPER_NOUN_ONLY)
        self._needs_city_prefix = frozenset(
            compact_key(c.name) for c in contexts if c.rule == NEEDS_CITY_PREFIX
        )
        self._context = context_patterns(contexts)

    def _add_key(self, key: str, canonical: str) -> None:
        """Accept ``key`` in ``lookup`` as ``canonical``; a key already taken by another name raises."""
        if not key:
            return
        previous = self._key_to_name.setdefault(key, canonical)
        if previous != canonical:
            raise ValueError(f"province names {previous!r} and {canonical!r} both fold to {key!r}")

    def _add_form(self, form: str, canonical: str) -> None:
        """Accept ``form`` as ``canonical`` in ``lookup`` and as a pattern for ``find_mentions``."""
        self._add_key(lookup_key(form), canonical)
        self._add_key(compact_key(form), canonical)
        atoms = form_atoms(form)
        if not atoms:
            return
        words = tuple(re.findall(r"[^\W_]+", normalize_unicode(form).lower()))
        key = "".join(a for a in atoms if a not in SEPARATORS)
        self._text_forms.setdefault(key, []).append(_Form(canonical, words))
        self._all_atoms.add(atoms)

    def _index_former_names(self, former_names: Iterable[FormerName]) -> list[tuple[str, str]]:
        """Index former names by unit (for ``name_on``) and by spelling; return each as a text
        form (former name, canonical name) of its unit, so text using it is still found."""
        by_key = {(p.code, p.era): p for p in [*self._legacy, *self._current]}
        self._former: dict[tuple[str, str], list[FormerName]] = {}
        self._spelling: dict[str, str] = {compact_key(p.name): p.name for p in by_key.values()}
        forms: list[tuple[str, str]] = []
        for former in sorted(former_names, key=lambda f: f.until):
            unit = by_key.get((former.code, former.era))
            if unit is None:
                raise ValueError(f"former name {former.name!r}: no {former.era} unit with code {former.code}")
            self._former.setdefault((former.code, former.era), []).append(former)
            self._spelling.setdefault(compact_key(former.name), former.name)
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
        canonical = self._key_to_name.get(lookup_key(name))
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
        return self._spelling.get(compact_key(matched))

    def find_mentions(self, text: str, *, document: bool = False) -> list[ProvinceMention]:
        """Every whole-word province name (either era) in ``text``, left to right, not overlapping.

        Offsets index the ``text`` given, whatever its Unicode form. The longest name wins
        where names overlap. A name is dropped where a context rule says it is something else
        (see ``NameContext``) or a lower-level unit type precedes it ("xã Hòa Bình").
        ``document``: ``text`` is a whole plan, whose fold the target and theme stages share
        (``fold_document``); without combining marks it is the same-length fold, so it is reused.
        """
        nfc = unicodedata.is_normalized("NFC", text)
        shared = document and nfc and _COMBINING_MARK.search(text) is None
        folded = fold_document(text) if shared else fold_same_length(text)
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
        if key in self._needs_city_prefix and not CITY_PREFIX_BEFORE.search(before_text):
            return None
        before, after = self._context.get(canonical, (None, None))
        if before is not None and before.search(before_text):
            return None
        if after is not None and after.match(folded, end):
            return None
        if LOWER_UNIT_BEFORE.search(normalize_unicode(text[max(0, start - 16) : start]).lower()):
            return None
        if canonical in self._proper_noun_only and not any(
            looks_proper(text[start:end], f.words) for f in forms
        ):
            return None
        return canonical
