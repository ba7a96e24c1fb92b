"""Where the gazetteer's units come from: the two maintained libraries, cross-checked, and
the former-names seed.

``vietnamadminunits`` gives the 63 legacy units (codes, names, alias keywords, coordinates)
and its 63 → 34 conversion table; ``vietnam_provinces`` gives the 34 current units and is the
authority for that era. A disagreement between them raises instead of building a gazetteer
that would mis-attribute plans. Names a unit bore before a rename are in the seed
``dbt_project/seeds/province_former_names.csv`` (neither library keeps them).
"""

from __future__ import annotations

import csv
import datetime
import functools
import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pipelines.gazetteer.units import (
    _EXTRA_FORMS,
    _REGIONS,
    CURRENT,
    LEGACY,
    THANH_PHO,
    TINH,
    FormerName,
    Gazetteer,
    Province,
    _official_tones,
)
from pipelines.settings import seed

#: Names units bore before a rename (hand-maintained; neither library keeps them).
FORMER_NAMES_SEED = seed("province_former_names")


def _vietnamadminunits_data_dir() -> Path:
    """The data directory of ``vietnamadminunits``, found without importing the package.

    Importing it costs ~1 s and pulls in shapely/geopy and an ArcGIS geocoder; we only
    need its SQLite dataset and conversion table.
    """
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass(frozen=True)
class _LibraryUnit:
    key: str
    code: str
    full_name: str
    name: str
    keywords: tuple[str, ...]
    latitude: float | None
    longitude: float | None


def _library_units(db: Path, table: str) -> dict[str, _LibraryUnit]:
    """Province-level rows of one ``vietnamadminunits`` table, keyed by the library's province key."""
    sql = (
        "SELECT DISTINCT provinceKey, provinceCode, province, provinceShort, provinceKeywords, "
        f"provinceLat, provinceLon FROM [{table}]"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(sql).fetchall()
    units: dict[str, _LibraryUnit] = {}
    for key, code, full_name, short, keywords, lat, lon in rows:
        if key in units:
            raise ValueError(f"vietnamadminunits {table}: province {key!r} has conflicting rows")
        units[key] = _LibraryUnit(
            key=key,
            code=f"{int(code):02d}",
            full_name=_official_tones(full_name),
            name=_official_tones(short),
            keywords=tuple(json.loads(keywords or "[]")),
            latitude=float(lat) if lat is not None else None,
            longitude=float(lon) if lon is not None else None,
        )
    return units


def _unit_type_from_full_name(full_name: str) -> str:
    """Unit type from a full name: "Thành phố Hà Nội" → "thành phố", "Tỉnh Hà Giang" → "tỉnh"."""
    lowered = full_name.lower()
    if lowered.startswith(THANH_PHO + " "):
        return THANH_PHO
    if lowered.startswith(TINH + " "):
        return TINH
    raise ValueError(f"cannot tell the unit type of {full_name!r}")


def _current_units_from_vietnam_provinces() -> dict[str, tuple[str, str]]:
    """code -> (name without "Thành phố", unit type) for the 34 units, from ``vietnam_provinces``."""
    from vietnam_provinces import Province as VPProvince
    from vietnam_provinces import VietNamDivisionType

    units: dict[str, tuple[str, str]] = {}
    for unit in VPProvince.iter_all():
        code = f"{int(unit.code):02d}"
        name = _official_tones(unit.name)
        if unit.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG:
            unit_type = THANH_PHO
            if name.lower().startswith(THANH_PHO + " "):
                name = name[len(THANH_PHO) + 1 :]
        elif unit.division_type == VietNamDivisionType.TINH:
            unit_type = TINH
        else:
            raise ValueError(f"vietnam_provinces: unexpected division type {unit.division_type!r} for {name}")
        units[code] = (name, unit_type)
    return units


def _build_from_libraries() -> Gazetteer:
    """Assemble both eras from the libraries, refusing to build if they disagree."""
    data_dir = _vietnamadminunits_data_dir()
    db = data_dir / "dataset.db"
    legacy_lib = _library_units(db, "admin_units_legacy")
    current_lib = _library_units(db, "admin_units")
    with open(data_dir / "converter_2025.json", encoding="utf-8") as fh:
        merger: dict[str, list[str]] = json.load(fh)["DICT_PROVINCE"]
    official = _current_units_from_vietnam_provinces()

    problems: list[str] = []
    if len(legacy_lib) != 63:
        problems.append(f"vietnamadminunits has {len(legacy_lib)} legacy provinces, expected 63")
    if len(official) != 34:
        problems.append(f"vietnam_provinces has {len(official)} provinces, expected 34")
    for unit in current_lib.values():
        if unit.code not in official:
            problems.append(
                f"vietnamadminunits current code {unit.code} ({unit.name}) unknown to vietnam_provinces"
            )
        elif official[unit.code][0] != unit.name:
            problems.append(
                f"code {unit.code}: name {official[unit.code][0]!r} in vietnam_provinces, "
                f"{unit.name!r} in vietnamadminunits"
            )
        elif official[unit.code][1] != _unit_type_from_full_name(unit.full_name):
            problems.append(
                f"code {unit.code}: unit type differs between vietnam_provinces and vietnamadminunits"
            )
    if {u.code for u in current_lib.values()} != set(official):
        problems.append("vietnamadminunits and vietnam_provinces list different current codes")

    successor_of: dict[str, str] = {}
    for new_key, old_keys in merger.items():
        for old_key in old_keys:
            if old_key in successor_of:
                problems.append(
                    f"converter_2025: {old_key} merged into both {successor_of[old_key]} and {new_key}"
                )
            successor_of[old_key] = new_key
    if set(successor_of) != set(legacy_lib):
        problems.append("converter_2025 does not map exactly the 63 legacy provinces")
    if set(merger) - set(current_lib):
        problems.append(f"converter_2025 targets unknown provinces {sorted(set(merger) - set(current_lib))}")
    if problems:
        raise ValueError("province library data is inconsistent:\n  " + "\n  ".join(problems))

    region_of = {code: region for region, codes in _REGIONS.items() for code in codes}
    current_by_code: dict[str, Province] = {}
    for unit in current_lib.values():
        name, unit_type = official[unit.code]
        current_by_code[unit.code] = Province(
            code=unit.code,
            name=name,
            unit_type=unit_type,
            era=CURRENT,
            successor_code=unit.code,
            successor_name=name,
            region=None,
            latitude=unit.latitude,
            longitude=unit.longitude,
        )
    legacy: list[Province] = []
    for unit in legacy_lib.values():
        successor = current_by_code[current_lib[successor_of[unit.key]].code]
        legacy.append(
            Province(
                code=unit.code,
                name=unit.name,
                unit_type=_unit_type_from_full_name(unit.full_name),
                era=LEGACY,
                successor_code=successor.code,
                successor_name=successor.name,
                region=region_of.get(unit.code),
                latitude=unit.latitude,
                longitude=unit.longitude,
            )
        )

    keywords: dict[str, list[str]] = {}
    for unit in [*legacy_lib.values(), *current_lib.values()]:
        keywords.setdefault(unit.name, []).extend(unit.keywords)
    return Gazetteer(
        legacy,
        current_by_code.values(),
        lookup_keywords=keywords,
        extra_forms=_EXTRA_FORMS,
        former_names=read_former_names(FORMER_NAMES_SEED),
    )


def read_former_names(path: Path) -> list[FormerName]:
    """Former names from the seed (``dbt_project/seeds/province_former_names.csv``).

    Hand-maintained because neither library keeps a unit's earlier names; each row cites
    the act that renamed the unit. A missing file means no former names, not an error.
    """
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            FormerName(
                code=row["province_code"].strip().zfill(2),
                era=row["era"].strip(),
                name=_official_tones(row["former_name"].strip()),
                unit_type=row["former_unit_type"].strip(),
                until=datetime.date.fromisoformat(row["name_until"].strip()),
            )
            for row in csv.DictReader(handle)
        ]


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Process-wide cached ``Gazetteer`` (immutable after construction, so sharing is safe)."""
    return _build_from_libraries()
