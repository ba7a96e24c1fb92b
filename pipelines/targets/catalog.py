"""The indicator catalog: data (a dbt seed), read by the extractor.

Analysts add indicators by adding rows to `dbt_project/seeds/indicators.csv`;
no code changes. Each row has regex patterns written without diacritics, tried
in `priority` order against the folded indicator phrase of a target.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.settings import seed
from pipelines.text.normalize import fold_diacritics

DEFAULT_CATALOG = seed("indicators")
OTHER = "other"


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    unit: str
    priority: int
    patterns: tuple[re.Pattern[str], ...]
    dashboard_group: str = ""  # the dashboard page that gathers it (`spending`, `ip_enterprises`), or ""


@dataclass(frozen=True)
class Catalog:
    indicators: tuple[Indicator, ...]
    fingerprint: str

    @property
    def codes(self) -> set[str]:
        return {i.code for i in self.indicators}

    def match(self, phrase: str) -> str:
        """Catalog code for an indicator phrase (label plus unit), or `other`."""
        folded = fold_phrase(phrase)
        for indicator in self.indicators:
            if any(p.search(folded) for p in indicator.patterns):
                return indicator.code
        return OTHER

    def unit_of(self, code: str) -> str | None:
        return next((i.unit for i in self.indicators if i.code == code), None)

    def group(self, name: str) -> list[str]:
        """The codes of one dashboard group, in catalog (priority) order."""
        return [i.code for i in self.indicators if i.dashboard_group == name]


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def fold_phrase(text: str) -> str:
    """Lower-case, diacritics removed, whitespace collapsed: what catalog patterns are written for.

    Cached: the stages fold the same headings and labels again for every line under them (the
    section context of each line folds all its headings), and a pure function of a short string
    is cheaper to look up than to fold.
    """
    return _SPACES.sub(" ", fold_diacritics(text)).strip()


def load_catalog(path: Path = DEFAULT_CATALOG) -> Catalog:
    """Read the catalog CSV; the fingerprint changes whenever the file does (re-extraction trigger)."""
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> Catalog:
    raw = Path(path).read_bytes()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    indicators = []
    for row in rows:
        patterns = tuple(re.compile(p.strip()) for p in (row.get("patterns") or "").split(" | ") if p.strip())
        indicators.append(
            Indicator(
                code=row["code"].strip(),
                name_vi=row["name_vi"].strip(),
                unit=(row.get("unit") or "").strip(),
                priority=int(row.get("priority") or 500),
                patterns=patterns,
                dashboard_group=(row.get("dashboard_group") or "").strip(),
            )
        )
    indicators.sort(key=lambda i: (i.priority, i.code))
    return Catalog(tuple(indicators), hashlib.sha256(raw).hexdigest()[:12])
