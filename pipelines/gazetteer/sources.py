"""Where the gazetteer's units come from: the checked province seeds in dbt_project/seeds/.

The seeds are data in the repository, reviewed like code, and the same rows the warehouse joins
on, so extraction and marts cannot disagree on a code or a name:

* ``provinces.csv`` — the 63 legacy units: code, name, type, six-region scheme, coordinates and
  the 2025 unit each became part of (the 63 → 34 merger);
* ``provinces_2025.csv`` — the 34 current units;
* ``province_former_names.csv`` — names a unit bore before a rename, with the date;
* ``province_aliases.csv`` — other spellings and abbreviations ("Đắc Lắc", "TP. HCM");
* ``province_name_contexts.csv`` — when a name found in text is something else ("hòa bình",
  "Điện Biên Phủ").

``scripts/build_province_seed.py`` regenerates the first two from the ``vietnamadminunits`` and
``vietnam_provinces`` libraries and refuses to write when the libraries disagree, so nothing here
reads a library's private files at run time. A seed that contradicts itself (a successor that is
not a current unit, an alias of an unknown unit) raises instead of building a gazetteer that
would mis-attribute plans.
"""

from __future__ import annotations

import csv
import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.gazetteer.units import (
    CONTEXT_RULES,
    CURRENT,
    LEGACY,
    THANH_PHO,
    TINH,
    FormerName,
    Gazetteer,
    NameContext,
    Province,
)
from pipelines.settings import seed
from pipelines.text.normalize import normalize_unicode

LEGACY_SEED = seed("provinces")
CURRENT_SEED = seed("provinces_2025")
FORMER_NAMES_SEED = seed("province_former_names")
ALIASES_SEED = seed("province_aliases")
CONTEXTS_SEED = seed("province_name_contexts")

#: Alias kinds found in running text and by ``lookup``; ``LOOKUP_ONLY`` aliases only by ``lookup``.
TEXT_KINDS = frozenset({"spelling", "abbreviation"})
LOOKUP_ONLY = "lookup_key"


@dataclass(frozen=True)
class Alias:
    """Another way of writing the name of unit ``code`` of ``era`` (a row of the aliases seed)."""

    code: str
    era: str
    alias: str
    kind: str


@dataclass(frozen=True)
class ContextRule:
    """A row of the name-contexts seed: when unit ``code`` of ``era``'s name in text is something else."""

    code: str
    era: str
    rule: str
    word: str


def _rows(path: Path) -> list[dict[str, str]]:
    """The rows of a seed CSV, values stripped."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _coordinate(value: str) -> float | None:
    return float(value) if value else None


def _unit_type(value: str, where: str) -> str:
    if value not in (TINH, THANH_PHO):
        raise ValueError(f"{where}: unit type {value!r} is neither {TINH!r} nor {THANH_PHO!r}")
    return value


def read_current_units(path: Path) -> list[Province]:
    """The 34 current units from ``provinces_2025.csv``; each is its own successor, without region."""
    units = []
    for row in _rows(path):
        code, name = row["province_code"].zfill(2), normalize_unicode(row["province_name"])
        unit_type = _unit_type(row["unit_type"], f"{path.name} {code}")
        lat, lon = _coordinate(row["latitude"]), _coordinate(row["longitude"])
        units.append(Province(code, name, unit_type, CURRENT, code, name, None, lat, lon))
    return units


def read_legacy_units(path: Path, current: Iterable[Province]) -> list[Province]:
    """The 63 legacy units from ``provinces.csv``, each pointing at a unit of ``current``.

    The successor's code must be a current unit and its name that unit's name: the seed repeats
    the name for readers of the CSV, and a copy that drifted would name plans wrongly.
    """
    current_by_code = {p.code: p for p in current}
    units = []
    for row in _rows(path):
        code = row["province_code"].zfill(2)
        successor = current_by_code.get(row["successor_code"].zfill(2))
        if successor is None:
            raise ValueError(f"{path.name} {code}: successor {row['successor_code']!r} is not a current unit")
        if normalize_unicode(row["successor_name"]) != successor.name:
            raise ValueError(
                f"{path.name} {code}: successor name {row['successor_name']!r} != {successor.name!r}"
            )
        units.append(
            Province(
                code=code,
                name=normalize_unicode(row["province_name"]),
                unit_type=_unit_type(row["unit_type"], f"{path.name} {code}"),
                era=LEGACY,
                successor_code=successor.code,
                successor_name=successor.name,
                region=row["region"] or None,
                latitude=_coordinate(row["latitude"]),
                longitude=_coordinate(row["longitude"]),
            )
        )
    return units


def read_former_names(path: Path) -> list[FormerName]:
    """Former names from the seed (``dbt_project/seeds/province_former_names.csv``).

    Hand-maintained because neither library keeps a unit's earlier names; each row cites
    the act that renamed the unit. A missing file means no former names, not an error.
    """
    if not path.exists():
        return []
    return [
        FormerName(
            code=row["province_code"].zfill(2),
            era=row["era"],
            name=normalize_unicode(row["former_name"]),
            unit_type=row["former_unit_type"],
            until=datetime.date.fromisoformat(row["name_until"]),
        )
        for row in _rows(path)
    ]


def read_aliases(path: Path) -> list[Alias]:
    """Aliases from the seed (``dbt_project/seeds/province_aliases.csv``); a missing file means none.

    Only spellings that folding cannot derive are listed: case, Unicode form, tone placement
    ("Hoà"/"Hòa") and missing diacritics are the text normaliser's, for every name alike.
    """
    if not path.exists():
        return []
    aliases = []
    for row in _rows(path):
        kind = row["kind"]
        if kind not in TEXT_KINDS and kind != LOOKUP_ONLY:
            raise ValueError(f"{path.name}: alias {row['alias']!r} has unknown kind {kind!r}")
        aliases.append(
            Alias(row["province_code"].zfill(2), row["era"], normalize_unicode(row["alias"]), kind)
        )
    return aliases


def read_name_contexts(path: Path) -> list[ContextRule]:
    """Context rules from the seed (``dbt_project/seeds/province_name_contexts.csv``); a missing
    file means none (every name found in text then counts)."""
    if not path.exists():
        return []
    rules = []
    for row in _rows(path):
        if row["rule"] not in CONTEXT_RULES:
            raise ValueError(f"{path.name}: unknown rule {row['rule']!r} for code {row['province_code']}")
        rules.append(ContextRule(row["province_code"].zfill(2), row["era"], row["rule"], row["word"]))
    return rules


def _unit(by_key: dict[tuple[str, str], Province], code: str, era: str, what: str) -> Province:
    unit = by_key.get((code, era))
    if unit is None:
        raise ValueError(f"{what}: no {era} unit with code {code}")
    return unit


def build_gazetteer(
    legacy: list[Province],
    current: list[Province],
    former_names: list[FormerName],
    aliases: list[Alias],
    contexts: Sequence[ContextRule] = (),
) -> Gazetteer:
    """The gazetteer of these units; ``lookup`` also accepts a name after its own unit type
    written solid ("tinhhagiang", "thanhphohanoi"), as the libraries' keywords do."""
    by_key = {(p.code, p.era): p for p in [*legacy, *current]}
    lookup_keys: dict[str, list[str]] = {}
    for unit in by_key.values():
        lookup_keys.setdefault(unit.name, []).append(f"{unit.unit_type} {unit.name}")
    text_forms: dict[str, list[str]] = {}
    for alias in aliases:
        unit = _unit(by_key, alias.code, alias.era, f"alias {alias.alias!r}")
        target = text_forms if alias.kind in TEXT_KINDS else lookup_keys
        target.setdefault(unit.name, []).append(alias.alias)
    name_contexts = [
        NameContext(_unit(by_key, c.code, c.era, f"name context {c.rule}").name, c.rule, c.word)
        for c in contexts
    ]
    return Gazetteer(
        legacy,
        current,
        lookup_keywords=lookup_keys,
        extra_forms=text_forms,
        former_names=former_names,
        contexts=name_contexts,
    )


def gazetteer_from_seeds(
    legacy_path: Path = LEGACY_SEED,
    current_path: Path = CURRENT_SEED,
    former_names_path: Path = FORMER_NAMES_SEED,
    aliases_path: Path = ALIASES_SEED,
    contexts_path: Path = CONTEXTS_SEED,
) -> Gazetteer:
    """Read the five province seeds and build the gazetteer from them."""
    current = read_current_units(current_path)
    legacy = read_legacy_units(legacy_path, current)
    former, aliases = read_former_names(former_names_path), read_aliases(aliases_path)
    return build_gazetteer(legacy, current, former, aliases, read_name_contexts(contexts_path))


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Process-wide cached ``Gazetteer`` (immutable after construction, so sharing is safe)."""
    return gazetteer_from_seeds()
