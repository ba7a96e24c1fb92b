"""Themes a plan covers (intellectual property, startups, digital transformation …), per section.

The lexicon is a dbt seed (`themes.csv`): patterns written without diacritics,
matched on folded text. A theme's weight in a plan is the share of the plan's
text that sits in paragraphs mentioning it, so a passing mention in a list of
many topics weighs less than a whole section about it.
"""

from __future__ import annotations

import csv
import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.settings import seed
from pipelines.text.normalize import fold_document
from pipelines.text.outline import Outline

DEFAULT_LEXICON = seed("themes")


@dataclass(frozen=True)
class Theme:
    code: str
    patterns: tuple[tuple[frozenset[str] | None, re.Pattern[str]], ...]  # (openings, the pattern)


_ZERO_WIDTH = {
    re._constants.AT,  # type: ignore[attr-defined]
    re._constants.ASSERT,  # type: ignore[attr-defined]
    re._constants.ASSERT_NOT,  # type: ignore[attr-defined]
}
_MAX_OPENINGS = 64
_MIN_SHARED = 4  # characters a shared opening needs to be searched instead of each


def openings(pattern: str) -> frozenset[str] | None:
    """The literal texts one of which every match of `pattern` starts with (None if not certain).

    Running ~180 lexicon patterns over every plan dominated extraction time: a pattern that opens
    with a word boundary or a look-behind ("\\bdao tao\\b") defeats the regex engine's own prefix
    scan, so it tries every position of the plan. Every match starts where one of these openings
    occurs (found with str.find, in C), so trying the pattern only there finds the same matches.
    """
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
    except Exception:  # an exotic pattern: just always run it
        return None
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None
    paths = _walk(list(parsed))
    if paths is None or any(not text for text, _ in paths):
        return None
    shared = _common_prefix([text for text, _ in paths])
    # one search for what all openings share ("thi truong " for ten of them) finds every start too;
    # a short one ("t" of "tien si|thac si") would be found everywhere, so each opening is searched
    return frozenset([shared] if len(shared.strip()) >= _MIN_SHARED else [text for text, _ in paths])


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
    return first[:size]


def _walk(items: list) -> list[tuple[str, bool]] | None:
    """(literal prefix, still open) for every way through `items`; None when there are too many."""
    constants = re._constants  # type: ignore[attr-defined]
    paths = [("", True)]
    for op, value in items:
        if not any(open_ for _, open_ in paths):
            break
        if op in _ZERO_WIDTH:
            continue
        if op is constants.LITERAL:
            ways: list[tuple[str, bool]] | None = [(chr(value), True)]
        elif op is constants.SUBPATTERN and not value[1] and not value[2]:
            ways = _walk(list(value[3]))
        elif op is constants.BRANCH:
            branches = [_walk(list(branch)) for branch in value[1]]
            ways = None if any(b is None for b in branches) else [w for b in branches for w in b]
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and value[:2] == (0, 1):
            inner = _walk(list(value[2]))
            ways = None if inner is None else [*inner, ("", True)]
        else:
            ways = [("", False)]
        if ways is None:
            return None
        paths = list(
            dict.fromkeys(
                (text + more, more_open) if open_ else (text, False)
                for text, open_ in paths
                for more, more_open in (ways if open_ else [("", False)])
            )
        )
        if len(paths) > _MAX_OPENINGS:
            return None
    return paths


@dataclass(frozen=True)
class Lexicon:
    themes: tuple[Theme, ...]
    fingerprint: str


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> Lexicon:
    raw = Path(path).read_bytes()
    themes = []
    for row in csv.DictReader(raw.decode("utf-8-sig").splitlines()):
        patterns = [p.strip() for p in (row.get("patterns") or "").split(" | ") if p.strip()]
        themes.append(Theme(row["code"].strip(), tuple((openings(p), re.compile(p)) for p in patterns)))
    return Lexicon(tuple(themes), hashlib.sha256(raw).hexdigest()[:12])


def _matches(pattern: re.Pattern[str], starts: frozenset[str] | None, text: str) -> list[re.Match[str]]:
    """Exactly `pattern.finditer(text)`, trying the pattern only where one of its openings occurs.

    finditer tries each position from where the last match ended; a position where no opening
    occurs cannot start a match, so skipping it changes nothing. Matches are never empty (every
    opening has a character), so the next try starts at the end of the last match.
    """
    if starts is None:
        return list(pattern.finditer(text))
    positions = set()
    for opening in starts:
        position = text.find(opening)
        while position != -1:
            positions.add(position)
            position = text.find(opening, position + 1)
    found, resume = [], 0
    for position in sorted(positions):
        if position < resume:
            continue
        match = pattern.match(text, position)  # look-behinds and \b still see the text before
        if match is not None:
            found.append(match)
            resume = match.end()
    return found


def theme_mentions(document_id: str, text: str, lexicon: Lexicon) -> list[dict]:
    """One row per (section, theme): how many mentions and how many characters of text they cover."""
    lines = text.split("\n")
    starts, sections, position = [], [], 0
    outline = Outline.start()
    for line in lines:
        starts.append(position)
        sections.append(outline.feed(line) or "0")
        position += len(line) + 1
    folded = fold_document(text)  # length-preserving: match offsets are offsets in `text`
    rows: dict[tuple[str, str], dict] = {}
    for theme in lexicon.themes:
        counted_lines: set[int] = set()
        matches = [m for starts, pattern in theme.patterns for m in _matches(pattern, starts, folded)]
        for match in matches:
            index = bisect_right(starts, match.start()) - 1
            row = rows.setdefault(
                (sections[index], theme.code),
                {
                    "document_id": document_id,
                    "section": sections[index],
                    "theme_code": theme.code,
                    "mentions": 0,
                    "chars": 0,
                },
            )
            row["mentions"] += 1
            if index not in counted_lines:
                counted_lines.add(index)
                row["chars"] += len(lines[index])
    return list(rows.values())
