"""Every kind of bad input an analyst may drop: each is reported with a reason, nothing else breaks.

The pipeline part reads the session build (tests/session_build.py), whose folder holds every bad
input beside the seed plans."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.store.extraction import KeyedPlan, extract_plan
from pipelines.store.plan_files import PlanFile
from pipelines.targets.catalog import load_catalog
from pipelines.themes import load_lexicon
from tests.session_build import ADDED_PLANS, NO_PROVINCE, REFUSED, REVIEW_FILE, SEED_NAMES, Build


@pytest.mark.slow
def test_bad_inputs_are_quarantined_with_reasons_and_the_plans_still_load(session_build: Build) -> None:
    marts = session_build.marts
    rejected = {
        r["file_name"]: r
        for r in pl.read_parquet(marts / "mart_rejected_documents.parquet").iter_rows(named=True)
    }
    assert {name: rejected[name]["reason_code"] for name in REFUSED} == REFUSED
    for name in NO_PROVINCE:
        assert "province" in rejected[name]["reason"], name
    assert all(r["reason"] for r in rejected.values())
    assert not [name for name, r in rejected.items() if r["reason_code"] == "not_extracted"]
    # the copies name the file they copy, which is the one loaded
    assert all(
        "002_c79b154f3d55b614.txt" in rejected[n]["reason"]
        for n, c in REFUSED.items()
        if c == "duplicate_content"
    )

    documents = pl.read_parquet(marts / "dim_document.parquet")
    # the seeds and the new plans (a hidden file among them); a copy of a seed is a duplicate
    assert set(documents["file_name"]) == SEED_NAMES | ADDED_PLANS
    assert set(documents["province_code"]) == {"33", "30", "72", "35", "27", "40", "46"}

    records = pl.read_parquet(marts / "mart_rejected_records.parquet")
    quarantined = records.filter(pl.col("file_name") == "odd number.txt")
    assert quarantined.height == 1 and "0-100" in quarantined["reason"][0]
    # a review file with the wrong columns is refused with a reason, and the run went on
    reviews = records.filter(pl.col("record_type") == "review")
    assert "wrong_columns" in set(
        reviews.filter(pl.col("file_name").str.contains(REVIEW_FILE))["reason_code"]
    )
    assert reviews["reason"].null_count() == 0


def test_a_file_rewritten_while_being_read_is_not_half_read(tmp_path: Path, gazetteer) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"first content")
    keyed = KeyedPlan("plan-0000000000", PlanFile(path, "plan.txt", 13, 0.0), "0" * 64)
    record = extract_plan(keyed, gazetteer, load_catalog(), load_lexicon(), "f" * 16)
    assert record["document"] is None
    assert record["rejections"][0]["reason_code"] == "changed_while_reading"
