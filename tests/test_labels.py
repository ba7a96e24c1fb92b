"""The analysts' label files are themselves checked: well-formed, with verbatim quotes and real codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import PLANS, REPO

FIXTURES = REPO / "tests" / "fixtures"
# every labelled set, including the first-sight sets added later (docs/quality.md)
LABELS = sorted(p for d in FIXTURES.iterdir() if d.is_dir() for p in d.glob("*.json"))
TARGET_TYPES = {"level", "increase_by", "multiply_by", "annual_growth_pct"}
BOUNDS = {"eq", "ge", "gt", "le", "lt", "range", "approx"}
LEVELS = {"party_central", "national", "ministry", "province", "party_province"}


def plan_text(label_file: Path, label: dict) -> str:
    path = label_file.parent / label["file"]
    return (path if path.exists() else PLANS / label["file"]).read_bytes().decode("utf-8-sig")


@pytest.fixture(scope="module")
def indicator_codes() -> set[str]:
    with (REPO / "dbt_project" / "seeds" / "indicators.csv").open(encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize("label_file", LABELS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_label_file_is_well_formed(label_file: Path, indicator_codes: set[str]) -> None:
    label = json.loads(label_file.read_text(encoding="utf-8"))
    text = plan_text(label_file, label)
    document = label["document"]
    assert document["province_code"] is None or len(document["province_code"]) == 2
    for target in label["targets"]:
        assert target["quote"] in text, target["quote"]
        assert target["indicator"] in indicator_codes | {"other"}
        assert target["target_type"] in TARGET_TYPES and target["bound"] in BOUNDS
        if not target["qualitative"]:
            assert target["value_min"] <= target["value_max"]
    for citation in label["citations"]:
        assert citation["quote"] in text, citation["quote"]
        assert citation["issuer_level"] in LEVELS
