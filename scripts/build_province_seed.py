"""Regenerate the dbt province seeds from the library data, checked against the reference list.

    python scripts/build_province_seed.py            # write both seeds (refuses on a disagreement)
    python scripts/build_province_seed.py --check    # only verify the committed seeds are current

The seeds are a snapshot of what ``pipelines.gazetteer.units`` builds from
``vietnamadminunits`` and ``vietnam_provinces``, so the warehouse and the extraction code
agree on codes and names. A library upgrade that changes a code or a successor would
silently re-attribute plans, so every row is compared with the independently checked
``shared/reference/provinces_2025.csv`` (when that file exists) and the script exits
non-zero instead of writing anything that disagrees.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from pipelines.gazetteer.units import Gazetteer, Province

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = REPO_ROOT / "dbt_project" / "seeds"
LEGACY_SEED = SEED_DIR / "provinces.csv"
CURRENT_SEED = SEED_DIR / "provinces_2025.csv"
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify the seeds are up to date; write nothing")
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="reference CSV to check against"
    )
    args = parser.parse_args(argv)

    gazetteer = Gazetteer.load()
    legacy, current = legacy_rows(gazetteer), current_rows(gazetteer)
    if args.reference.exists():
        problems = reference_disagreements(legacy, current, args.reference)
        if problems:
            print(f"library data disagrees with {args.reference}:", file=sys.stderr)
            for line in problems:
                print(f"  {line}", file=sys.stderr)
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
