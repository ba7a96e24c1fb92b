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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.khcn.catalog import fold_phrase
from pipelines.khcn.outline import Outline

DEFAULT_LEXICON = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "themes.csv"


@dataclass(frozen=True)
class Theme:
    code: str
    patterns: tuple[re.Pattern[str], ...]


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
        patterns = tuple(re.compile(p.strip()) for p in (row.get("patterns") or "").split(" | ") if p.strip())
        themes.append(Theme(row["code"].strip(), patterns))
    return Lexicon(tuple(themes), hashlib.sha256(raw).hexdigest()[:12])


def theme_mentions(document_id: str, text: str, lexicon: Lexicon) -> list[dict]:
    """One row per (section, theme): how many mentions and how many characters of text they cover."""
    outline = Outline.start()
    rows: dict[tuple[str, str], dict] = {}
    for line in text.split("\n"):
        section = outline.feed(line) or "0"
        folded = fold_phrase(line)
        for theme in lexicon.themes:
            count = sum(len(p.findall(folded)) for p in theme.patterns)
            if not count:
                continue
            row = rows.setdefault(
                (section, theme.code),
                {
                    "document_id": document_id,
                    "section": section,
                    "theme_code": theme.code,
                    "mentions": 0,
                    "chars": 0,
                },
            )
            row["mentions"] += count
            row["chars"] += len(line)
    return list(rows.values())
