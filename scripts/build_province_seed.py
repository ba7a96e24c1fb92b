"""Regenerate the dbt province seeds from the library data, checked against the reference list.

    python scripts/build_province_seed.py            # write both seeds (refuses on a disagreement)
    python scripts/build_province_seed.py --check    # only verify the committed seeds are current

The gazetteer (``pipelines.gazetteer``) reads the checked seeds ``provinces.csv`` and
``provinces_2025.csv``; this script is the only code that reads the libraries behind them:
``vietnamadminunits`` (the 63 legacy units with codes, names, alias keywords and coordinates,
and its 63 → 34 conversion table, from its private SQLite and JSON files) and
``vietnam_provinces`` (the 34 current units, the authority for that era). It refuses to write,
and exits non-zero, when

* the two libraries disagree on a current unit's code, name or type, or the conversion table
  does not map exactly the 63 legacy units onto known current units;
* a library keyword ("hn", "bariavungtau") does not find its unit in the gazetteer built from
  the seeds (add the spelling to ``province_aliases.csv``);
* a row differs from the independently checked ``shared/reference/provinces_2025.csv`` (when
  that file exists): a library upgrade that changes a code or a successor would silently
  re-attribute plans.

The region (six-region scheme, Nghị quyết 81/2023/QH15) is in neither library: it is kept by
hand in ``provinces.csv`` and carried over from the committed seed when it is rewritten.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import sqlite3
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from pipelines.gazetteer.sources import (
    ALIASES_SEED,
    CURRENT_SEED,
    FORMER_NAMES_SEED,
    LEGACY_SEED,
    build_gazetteer,
    gazetteer_from_seeds,
    read_aliases,
    read_former_names,
)
from pipelines.gazetteer.units import CURRENT, LEGACY, THANH_PHO, TINH, Gazetteer, Province
from pipelines.settings import PROJECT_DIR
from pipelines.text.normalize import normalize_unicode

REPO_ROOT = PROJECT_DIR
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "provinces_2025.csv"

LEGACY_COLUMNS = (
    "province_code",
    "province_name",
    "unit_type",
    "region",
    "successor_code",
    "successor_name",
    "successor_type",
    "latitude",
    "longitude",
    "source",
)
CURRENT_COLUMNS = ("province_code", "province_name", "unit_type", "latitude", "longitude", "source")

# --------------------------------------------------------------------------- the libraries


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
class LibraryUnit:
    """One province-level row of a ``vietnamadminunits`` table."""

    key: str
    code: str
    full_name: str
    name: str
    keywords: tuple[str, ...]
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class LibraryData:
    """Everything read from the two libraries, before any cross-check."""

    legacy: dict[str, LibraryUnit]  # vietnamadminunits admin_units_legacy, by province key
    current: dict[str, LibraryUnit]  # vietnamadminunits admin_units, by province key
    merger: dict[str, list[str]]  # converter_2025.json: current key -> legacy keys
    official: dict[str, tuple[str, str]]  # vietnam_provinces: code -> (name, unit type)


def _library_units(db: Path, table: str) -> dict[str, LibraryUnit]:
    """Province-level rows of one ``vietnamadminunits`` table, keyed by the library's province key."""
    sql = (
        "SELECT DISTINCT provinceKey, provinceCode, province, provinceShort, provinceKeywords, "
        f"provinceLat, provinceLon FROM [{table}]"
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(sql).fetchall()
    units: dict[str, LibraryUnit] = {}
    for key, code, full_name, short, keywords, lat, lon in rows:
        if key in units:
            raise ValueError(f"vietnamadminunits {table}: province {key!r} has conflicting rows")
        units[key] = LibraryUnit(
            key=key,
            code=f"{int(code):02d}",
            full_name=normalize_unicode(full_name),
            name=normalize_unicode(short),
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
        name = normalize_unicode(unit.name)
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


def read_libraries() -> LibraryData:
    """Read both libraries (``vietnamadminunits`` from its private data files)."""
    data_dir = _vietnamadminunits_data_dir()
    db = data_dir / "dataset.db"
    with open(data_dir / "converter_2025.json", encoding="utf-8") as fh:
        merger: dict[str, list[str]] = json.load(fh)["DICT_PROVINCE"]
    return LibraryData(
        legacy=_library_units(db, "admin_units_legacy"),
        current=_library_units(db, "admin_units"),
        merger=merger,
        official=_current_units_from_vietnam_provinces(),
    )


def _current_problems(data: LibraryData) -> list[str]:
    """Where the two libraries disagree on the current units."""
    official, problems = data.official, []
    if len(data.legacy) != 63:
        problems.append(f"vietnamadminunits has {len(data.legacy)} legacy provinces, expected 63")
    if len(official) != 34:
        problems.append(f"vietnam_provinces has {len(official)} provinces, expected 34")
    for unit in data.current.values():
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
    if {u.code for u in data.current.values()} != set(official):
        problems.append("vietnamadminunits and vietnam_provinces list different current codes")
    return problems


def _successors(data: LibraryData) -> tuple[dict[str, str], list[str]]:
    """Legacy key -> current key from the conversion table, and what is wrong with the table."""
    successor_of: dict[str, str] = {}
    problems: list[str] = []
    for new_key, old_keys in data.merger.items():
        for old_key in old_keys:
            if old_key in successor_of:
                problems.append(
                    f"converter_2025: {old_key} merged into both {successor_of[old_key]} and {new_key}"
                )
            successor_of[old_key] = new_key
    if set(successor_of) != set(data.legacy):
        problems.append("converter_2025 does not map exactly the 63 legacy provinces")
    unknown = sorted(set(data.merger) - set(data.current))
    if unknown:
        problems.append(f"converter_2025 targets unknown provinces {unknown}")
    return successor_of, problems


def library_problems(data: LibraryData) -> list[str]:
    """Every disagreement between or inside the libraries; empty when they can be trusted."""
    return _current_problems(data) + _successors(data)[1]


def library_units(data: LibraryData, regions: Mapping[str, str]) -> tuple[list[Province], list[Province]]:
    """(legacy, current) units from consistent library data; ``regions`` by legacy code."""
    successor_of, _ = _successors(data)
    current: dict[str, Province] = {}
    for unit in data.current.values():
        name, unit_type = data.official[unit.code]
        current[unit.code] = Province(
            unit.code, name, unit_type, CURRENT, unit.code, name, None, unit.latitude, unit.longitude
        )
    legacy = []
    for unit in data.legacy.values():
        successor = current[data.current[successor_of[unit.key]].code]
        legacy.append(
            Province(
                code=unit.code,
                name=unit.name,
                unit_type=_unit_type_from_full_name(unit.full_name),
                era=LEGACY,
                successor_code=successor.code,
                successor_name=successor.name,
                region=regions.get(unit.code),
                latitude=unit.latitude,
                longitude=unit.longitude,
            )
        )
    return legacy, list(current.values())


def keyword_problems(gazetteer: Gazetteer, data: LibraryData) -> list[str]:
    """Library keywords ("hn", "bariavungtau") that ``gazetteer.lookup`` does not resolve to their unit."""
    problems = []
    for unit in [*data.legacy.values(), *data.current.values()]:
        for keyword in unit.keywords:
            found = gazetteer.lookup(keyword)
            if found is None or found.name != unit.name:
                got = found.name if found else None
                problems.append(
                    f"keyword {keyword!r} of {unit.name} finds {got!r}; add it to {ALIASES_SEED.name}"
                )
    return problems


def seed_regions(path: Path) -> dict[str, str]:
    """Region by legacy code, as kept by hand in the committed ``provinces.csv``."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["province_code"]: row["region"] for row in csv.DictReader(fh) if row["region"]}


# --------------------------------------------------------------------------- the seed rows


def _coordinate(value: float | None) -> str:
    """Shortest round-trip text of a coordinate, empty when the library has none."""
    return "" if value is None else repr(value)


def _sources() -> tuple[str, str]:
    """Provenance strings for the two seeds, with the library versions that produced them."""
    vau = f"vietnamadminunits {version('vietnamadminunits')}"
    vp = f"vietnam-provinces {version('vietnam-provinces')}"
    legacy = (
        f"{vau} (admin_units_legacy: code, name, type, lat/lon; converter_2025.json: successor); "
        f"{vp} (successor code, name, type); region: NQ81/2023/QH15 six regions"
    )
    current = f"{vp} (code, name, type); {vau} (admin_units: lat/lon)"
    return legacy, current


def legacy_rows(gazetteer: Gazetteer) -> list[dict[str, str]]:
    """One seed row per legacy unit, ordered by code."""
    current: dict[str, Province] = {p.code: p for p in gazetteer.current()}
    source, _ = _sources()
    return [
        {
            "province_code": p.code,
            "province_name": p.name,
            "unit_type": p.unit_type,
            "region": p.region or "",
            "successor_code": p.successor_code,
            "successor_name": p.successor_name,
            "successor_type": current[p.successor_code].unit_type,
            "latitude": _coordinate(p.latitude),
            "longitude": _coordinate(p.longitude),
            "source": source,
        }
        for p in gazetteer.legacy()
    ]


def current_rows(gazetteer: Gazetteer) -> list[dict[str, str]]:
    """One seed row per current (2025) unit, ordered by code."""
    _, source = _sources()
    return [
        {
            "province_code": p.code,
            "province_name": p.name,
            "unit_type": p.unit_type,
            "latitude": _coordinate(p.latitude),
            "longitude": _coordinate(p.longitude),
            "source": source,
        }
        for p in gazetteer.current()
    ]


def render_csv(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    """CSV text exactly as written to the seed file (UTF-8, LF line endings, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value.strip())


def reference_disagreements(
    legacy: Sequence[dict[str, str]], current: Sequence[dict[str, str]], reference: Path
) -> list[str]:
    """Every difference between the seed rows and the reference CSV, as readable lines."""
    with reference.open(encoding="utf-8", newline="") as fh:
        ref_rows = {row["old_code"].strip(): row for row in csv.DictReader(fh)}
    problems: list[str] = []
    ours = {row["province_code"]: row for row in legacy}
    for code in sorted(set(ref_rows) - set(ours)):
        problems.append(f"{code}: in the reference, missing from the library data")
    for code in sorted(set(ours) - set(ref_rows)):
        problems.append(f"{code}: in the library data, missing from the reference")
    pairs = (
        ("province_name", "old_name"),
        ("unit_type", "old_type"),
        ("successor_code", "new_code"),
        ("successor_name", "new_name"),
        ("successor_type", "new_type"),
        ("region", "region"),
    )
    for code in sorted(set(ours) & set(ref_rows)):
        for ours_col, ref_col in pairs:
            mine, theirs = _nfc(ours[code][ours_col]), _nfc(ref_rows[code][ref_col])
            if mine != theirs:
                problems.append(f"{code} {ours_col}: library {mine!r} vs reference {theirs!r}")
    ref_current = {(_nfc(r["new_code"]), _nfc(r["new_name"]), _nfc(r["new_type"])) for r in ref_rows.values()}
    our_current = {(r["province_code"], r["province_name"], r["unit_type"]) for r in current}
    for unit in sorted(ref_current - our_current):
        problems.append(f"current unit {unit} in the reference only")
    for unit in sorted(our_current - ref_current):
        problems.append(f"current unit {unit} in the library data only")
    return problems


def library_gazetteer() -> tuple[Gazetteer | None, list[str]]:
    """The gazetteer built from the libraries (regions from the seed), and every problem found:
    inside or between the libraries (then no gazetteer), a unit without a region, a keyword the
    seeds miss."""
    data = read_libraries()
    problems = library_problems(data)
    if problems:
        return None, problems
    legacy, current = library_units(data, seed_regions(LEGACY_SEED))
    problems += [f"{p.code} {p.name}: no region in {LEGACY_SEED.name}" for p in legacy if p.region is None]
    problems += keyword_problems(gazetteer_from_seeds(), data)
    former, aliases = read_former_names(FORMER_NAMES_SEED), read_aliases(ALIASES_SEED)
    return build_gazetteer(legacy, current, former, aliases), problems


def _report(problems: Sequence[str], against: object) -> int:
    """Print the problems to stderr; 1 if there are any."""
    if problems:
        print(f"library data disagrees with {against}:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify the seeds are up to date; write nothing")
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="reference CSV to check against"
    )
    args = parser.parse_args(argv)

    gazetteer, problems = library_gazetteer()
    if _report(problems, "itself or the seeds") or gazetteer is None:
        return 1
    legacy, current = legacy_rows(gazetteer), current_rows(gazetteer)
    if args.reference.exists():
        if _report(reference_disagreements(legacy, current, args.reference), args.reference):
            return 1
        print(f"all {len(legacy)} rows agree with {args.reference}")
    else:
        print(f"reference {args.reference} not found; skipping the cross-check", file=sys.stderr)

    outputs = {
        LEGACY_SEED: render_csv(LEGACY_COLUMNS, legacy),
        CURRENT_SEED: render_csv(CURRENT_COLUMNS, current),
    }
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(
                f"{path.relative_to(REPO_ROOT)} is out of date; run scripts/build_province_seed.py",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
