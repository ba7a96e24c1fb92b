"""Scale-out on Dagster's own engine: the `documents` partitions extracted by several separate runs,
each over a RANGE of partitions on the multiprocess executor (each step in its own process, as a
backfill with a single-run policy launches them, and as dagster-k8s or dagster-celery would run them
on other machines), all writing the per-plan store in one shared folder; then one refresh run builds
the warehouse. Its marts must equal, by content, those of one run over every partition made in
another folder with another Dagster instance: the session build, a `make run` over the same inputs
(the seed plans and every bad input, so refused files go through the ranges too).

Real components throughout: a Dagster instance in a temporary DAGSTER_HOME configured like the
project's (.dagster_home/dagster.yaml), `execute_job` on a reconstructable job, real extraction,
DuckDB and `dbt build`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.session_build import Build, copy_inputs, marts_by_content, new_home, point_at

pytestmark = [pytest.mark.slow, pytest.mark.runs_pipeline(3)]


def step_pids(instance, run_id: str) -> set[int]:
    """The processes the run's steps started in."""
    return {
        record.dagster_event.pid
        for record in instance.all_logs(run_id)
        if record.dagster_event is not None and record.dagster_event.event_type_value == "STEP_START"
    }


def test_partition_range_runs_on_the_multiprocess_executor_give_the_marts_of_one_run(
    session_build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import dagster as dg

    from pipelines.definitions import build_definitions, extraction_job
    from pipelines.defs.ingest.partitions import (
        apply_partition_changes,
        folder_state,
        plans_partitions,
        range_tags,
    )
    from pipelines.settings import Settings
    from pipelines.store.build_state import stored_plans

    expected = marts_by_content(session_build.data / "warehouse.duckdb")

    data = tmp_path / "shared" / "data"  # the shared folder: plans, per-plan store, warehouse
    copy_inputs(session_build, data)
    point_at(monkeypatch, data, new_home(tmp_path / "shared" / "dagster_home"))
    settings = Settings.from_env()
    with dg.DagsterInstance.get() as instance:
        apply_partition_changes(instance, folder_state(instance, settings.plan_dir, settings.store_dir))
        keys = instance.get_dynamic_partitions(plans_partitions.name)
        assert len(keys) >= 3, "the seed plans make at least three partitions"
        ranges = [keys[: len(keys) // 2], keys[len(keys) // 2 :]]  # two ranges, as a backfill splits them

        stored_before = 0
        for part in ranges:
            with dg.execute_job(
                dg.reconstructable(extraction_job), instance=instance, tags=range_tags(part)
            ) as result:
                assert result.success, [e.message for e in result.all_events if e.is_failure]
                extracted = {
                    e.partition
                    for e in result.get_asset_materialization_events()
                    if e.asset_key == dg.AssetKey("documents")
                }
                assert extracted == set(part), "a range run materializes exactly its partitions"
                assert os.getpid() not in step_pids(instance, result.run_id), (
                    "every step ran in a process of its own (the multiprocess executor)"
                )
            stored = stored_plans(settings.store_dir)
            assert len(stored) == stored_before + len(part), "each run adds its own range to the shared store"
            stored_before = len(stored)
        assert not settings.warehouse_path.exists(), "extraction runs do not touch the warehouse"

        refresh = build_definitions(settings).resolve_job_def("khcn_refresh")
        result = refresh.execute_in_process(instance=instance, raise_on_error=False)
        assert result.success
        refreshed = {e.asset_key for e in result.get_asset_materialization_events()}
        assert dg.AssetKey("documents") not in refreshed, (
            "the refresh run reads the store, it extracts nothing"
        )
        assert dg.AssetKey(["raw", "documents"]) in refreshed

    assert marts_by_content(data / "warehouse.duckdb") == expected
    # (a `make run` on a folder whose warehouse this project built takes the incremental path and
    # gives the same marts: tests/test_faults_ingest.py, test_a_real_run_re_extracts_a_damaged_store_entry)
