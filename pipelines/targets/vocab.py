"""The word lists target extraction reads: data (a dbt seed), not code.

Analysts extend `dbt_project/seeds/target_vocabulary.csv` (unit nouns, commitment and
past-tense cues, section words for goals and for results, table column words); the grammar
that combines them stays in code. Phrases are written with diacritics as they are printed;
cue lists are compiled on the diacritics-folded lower-case text, unit nouns on the text itself
(folded, "tầng" and "tăng" would collide).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.settings import seed
from pipelines.targets.catalog import fold_phrase
from pipelines.text.normalize import normalize_unicode

DEFAULT_VOCABULARY = seed("target_vocabulary")

LISTS = (
    "unit_noun",
    "commitment_cue",
    "action_cue",
    "past_cue",
    "forward_cue",
    "goal_heading",
    "report_heading",
    "results_heading",
    "forward_heading",
    "plan_column",
    "actual_column",
    "unit_column",
    "label_column",
    "cumulative_marker",
    "other_column",
    "norm_column",
    "budget_label",
    "admin_unit",
    "request_cue",
    "activity_noun",
    "duration_unit",
)


@dataclass(frozen=True)
class Vocabulary:
    """Compiled word lists; `fingerprint` changes whenever the seed does."""

    phrases: dict[str, tuple[str, ...]]
    fingerprint: str

    def folded(self, name: str) -> re.Pattern[str]:
        """`\\b(?:a|b|…)\\b` over the folded phrases of one list (longest first)."""
        return _alternation(tuple(fold_phrase(p) for p in self.phrases.get(name, ())))

    def cue(self, name: str) -> Cue:
        """The list as a `Cue`: folded matching, checked against the text as written."""
        return _cue(self.phrases.get(name, ()))

    def literal(self, name: str) -> tuple[str, ...]:
        return self.phrases.get(name, ())


@dataclass(frozen=True)
class Cue:
    """A cue list matched on folded text, then checked against the text as written.

    Folded, "năng" (năng lực) reads as "nâng" (raise), "giám" (giám đốc) as "giảm", "đất" (land)
    as "đạt": a match counts only if the words as written are one of the list's phrases, or are
    written without diacritics at all (a plan typed without them still reads).
    """

    pattern: re.Pattern[str]
    forms: dict[str, frozenset[str]]

    def finditer(self, folded: str, written: str | None = None) -> Iterator[re.Match[str]]:
        for match in self.pattern.finditer(folded):
            if written is None or self._accepts(match, written):
                yield match

    def search(self, folded: str, written: str | None = None) -> re.Match[str] | None:
        """The first accepted match (the loop of `finditer`, without a generator per call)."""
        for match in self.pattern.finditer(folded):
            if written is None or self._accepts(match, written):
                return match
        return None

    def _accepts(self, match: re.Match[str], written: str) -> bool:
        text = written[match.start() : match.end()].lower()
        return text.isascii() or text in self.forms.get(match.group(0), frozenset())


@lru_cache(maxsize=64)
def _cue(phrases: tuple[str, ...]) -> Cue:
    forms: dict[str, set[str]] = {}
    for phrase in phrases:
        forms.setdefault(fold_phrase(phrase), set()).add(normalize_unicode(phrase).lower())
    return Cue(_alternation(tuple(forms)), {k: frozenset(v) for k, v in forms.items()})


@lru_cache(maxsize=64)
def _alternation(phrases: tuple[str, ...]) -> re.Pattern[str]:
    if not phrases:
        return re.compile(r"(?!)")
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")


def load_vocabulary(path: Path = DEFAULT_VOCABULARY) -> Vocabulary:
    """Read the vocabulary seed (cached while the file is unchanged)."""
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> Vocabulary:
    raw = Path(path).read_bytes()
    lists: dict[str, list[str]] = {name: [] for name in LISTS}
    for row in csv.DictReader(raw.decode("utf-8-sig").splitlines()):
        name, phrase = (row.get("list") or "").strip(), (row.get("phrase") or "").strip()
        if not name or not phrase:
            continue
        if name not in lists:
            raise ValueError(f"{path}: unknown list '{name}' (known: {', '.join(LISTS)})")
        lists[name].append(phrase)
    return Vocabulary({k: tuple(v) for k, v in lists.items()}, hashlib.sha256(raw).hexdigest()[:12])


VOCAB = load_vocabulary()
