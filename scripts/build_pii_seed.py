"""Regenerate dbt_project/seeds/pii_published.csv from shared/reference/pii_published.csv.

    python scripts/build_pii_seed.py [path/to/pii_published.csv]

The reference file names provinces; the warehouse joins on codes, never on names. This script
looks each name up once, in the province seed of the row's unit scheme (63 pre-2025 provinces or
the 34 units from 1 July 2025), writes the code beside it, and refuses to write anything when a
name is not found. Every other value is copied as published, with its source URL: nothing is
derived (an empty score stays empty).
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = REPO_ROOT / "dbt_project" / "seeds"
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "pii_published.csv"
SCHEME_SEEDS = {"63": SEED_DIR / "provinces.csv", "34": SEED_DIR / "provinces_2025.csv"}
COLUMNS = (
    "edition",
    "unit_scheme",
    "province_code",
    "province_name",
    "rank",
    "score",
    "input_score",
    "output_score",
    "status",
    "source_url",
    "note",
)


def names_to_codes(seed: Path) -> dict[str, str]:
    """NFC name → code of one province seed."""
    with seed.open(encoding="utf-8") as handle:
        return {
            unicodedata.normalize("NFC", r["province_name"]): r["province_code"]
            for r in csv.DictReader(handle)
        }


def build(reference: Path) -> list[dict[str, str]]:
    """The seed rows; raises SystemExit naming every province it cannot place."""
    lookups = {scheme: names_to_codes(seed) for scheme, seed in SCHEME_SEEDS.items()}
    rows, missing = [], []
    with reference.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = unicodedata.normalize("NFC", row["province_name"].strip())
            code = lookups.get(row["unit_scheme"], {}).get(name)
            if code is None:
                missing.append(f"{row['edition']}/{row['unit_scheme']}: {name}")
                continue
            rows.append(
                {**{c: row.get(c, "") for c in COLUMNS}, "province_code": code, "province_name": name}
            )
    if missing:
        raise SystemExit("provinces not found in the seeds: " + "; ".join(missing))
    return rows


def main(argv: list[str]) -> int:
    reference = Path(argv[0]) if argv else DEFAULT_REFERENCE
    rows = build(reference)
    with (SEED_DIR / "pii_published.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {SEED_DIR / 'pii_published.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
