"""Operations, for real: incremental runs, the folder sensor, removed and renamed plans, and runs
killed by a real signal in the middle of the dbt and export steps."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.defs.ingest.partitions import plans_partitions
from pipelines.defs.ingest.sensors import plan_folder_sensor
from pipelines.lib.resources import PlanFolder, Warehouse
from pipelines.settings import Settings
from pipelines.store.build_state import build_is_current, stored_plans
from pipelines.store.extraction import ExtractionStore, code_fingerprint, plan_key
from tests.session_build import REPO, SEED_NAMES, Build, launch_run, mart_tables, skip_if_edited


def extracted_count(result) -> int:
    """Plans read and extracted by the run (one event per partition, all carrying the run's count)."""
    events = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("documents")]
    return events[0].materialization.metadata["extracted"].value if events else 0


def documents_in_marts(data_dir: Path) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "marts" / "dim_document.parquet")


def ingest_only(data_dir: Path, instance: dg.DagsterInstance):
    """The run's ingest steps alone (list the folder, read and extract), as `make run` starts them:
    partitions synced with the folder, one run over all of them. No dbt: the assertions are about
    what is read."""
    from pipelines.definitions import build_definitions
    from pipelines.defs.ingest.partitions import apply_partition_changes, folder_state, range_tags

    settings = Settings(data_dir)
    apply_partition_changes(instance, folder_state(instance, settings.plan_dir, settings.store_dir))
    keys = instance.get_dynamic_partitions(plans_partitions.name)
    job = build_definitions(settings).resolve_job_def("khcn_all")
    selection = [dg.AssetKey("plan_files"), dg.AssetKey("documents")]
    return job.execute_in_process(instance=instance, tags=range_tags(keys), asset_selection=selection)


def seed_plans(data_dir: Path) -> list[Path]:
    """The seed plans in a built folder (which holds bad inputs and other plans too), by name."""
    return sorted(data_dir / "raw" / "plans" / name for name in SEED_NAMES)


def test_unchanged_folder_is_not_re_extracted_and_one_changed_file_is(built_copy: Build) -> None:
    skip_if_edited(built_copy)
    # the session's make run extracted every plan; the same folder again (a new instance, even) none
    assert built_copy.extracted == len(stored_plans(built_copy.data / "extracted"))
    instance = dg.DagsterInstance.ephemeral()
    second = ingest_only(built_copy.data, instance)
    assert second.success and extracted_count(second) == 0
    partitions = set(instance.get_dynamic_partitions(plans_partitions.name))

    plan = seed_plans(built_copy.data)[3]
    plan.write_bytes(plan.read_bytes() + "\nPhấn đấu có thêm ít nhất 03 mô hình ứng dụng KH&CN.\n".encode())
    third = ingest_only(built_copy.data, instance)
    assert third.success and extracted_count(third) == 1
    # the changed file is the same one partition, under its new content key
    after = set(instance.get_dynamic_partitions(plans_partitions.name))
    assert len(after) == len(partitions) and len(after - partitions) == 1


# A removed and a renamed plan: tests/test_reviews.py (the review loop's last run removes a plan
# and renames another, in the instance of the build).


def sensor_ticks(instance: dg.DagsterInstance, data_dir: Path):
    settings = Settings(data_dir)
    folder = PlanFolder(path=str(settings.plan_dir), store_path=str(settings.store_dir))
    return lambda: plan_folder_sensor(
        dg.build_sensor_context(instance=instance, resources={"plan_folder": folder})
    )


def test_sensor_adds_partitions_launches_one_run_then_stays_quiet(data_dir: Path, built_copy: Build) -> None:
    first = sensor_ticks(dg.DagsterInstance.ephemeral(), data_dir)()  # a fresh folder: the seeds
    assert isinstance(first, dg.SensorResult)
    (request,) = first.run_requests
    (added,) = first.dynamic_partitions_requests
    assert request.job_name == "khcn_all" and len(added.partition_keys) == len(SEED_NAMES)

    # after the launched run (the session's make run, in the instance it ran in) nothing is launched
    skip_if_edited(built_copy)
    instance = dg.DagsterInstance.from_config(str(built_copy.home))
    tick = sensor_ticks(instance, built_copy.data)
    assert isinstance(tick(), dg.SkipReason), "an unchanged folder must not launch anything"

    new_plan = built_copy.plans / "ke hoach moi.txt"
    new_plan.write_bytes((REPO / "data" / "raw" / "plans" / "002_c79b154f3d55b614.txt").read_bytes() + b"\n")
    third = tick()
    (request,) = third.run_requests
    new_key = plan_key("ke hoach moi.txt", hashlib.sha256(new_plan.read_bytes()).hexdigest())
    assert request.tags["dagster/asset_partition_range_start"] == new_key
    assert request.tags["dagster/asset_partition_range_end"] == new_key
    instance.dispose()


def test_a_change_to_code_or_catalog_makes_every_stored_result_stale(tmp_path: Path) -> None:
    catalog = tmp_path / "indicators.csv"
    shutil.copy(REPO / "dbt_project" / "seeds" / "indicators.csv", catalog)
    before = code_fingerprint(catalog_path=catalog)
    store = ExtractionStore(tmp_path / "store")
    store.write({"key": "k", "fingerprint": before, "file_name": "k.txt", "document": None})
    assert store.is_current("k", before)
    with catalog.open("a", encoding="utf-8") as handle:
        handle.write('new_code,Chỉ tiêu mới,New indicator,đơn vị,output,500,chi tieu moi,"A new one."\n')
    os.utime(catalog, ns=(time.time_ns(), time.time_ns() + 10**9))
    after = code_fingerprint(catalog_path=catalog)
    assert after != before and not store.is_current("k", after)


# --------------------------------------------------------------------------- killed runs


def _run_and_kill_when(data_dir: Path, home: Path, condition, timeout: float = 240) -> int:
    """Start `python -m pipelines.run` as a user would, kill its process group when `condition(pid)`
    holds (`pid` is the run's own process: conditions look at its process tree, not the machine's)."""
    process = launch_run(data_dir, home, output=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if condition(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.05)
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def _fingerprint_outputs(data_dir: Path) -> dict[str, str]:
    marts = data_dir / "marts"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(marts.iterdir()) if p.is_file()
    }


def _building_the_site(logs: Path):
    """A condition for `_run_and_kill_when`: the run's dashboard step has started (a new log in `logs`
    says so), or its staging folder is there (it lives a fraction of a second, too short to catch on
    a busy machine alone)."""
    earlier = set(logs.glob("*.log"))

    def started(pid: int) -> bool:
        return any(
            "- dashboard_site - STEP_START -" in log.read_text(encoding="utf-8", errors="replace")
            for log in set(logs.glob("*.log")) - earlier
        ) or any((logs.parent / "marts").glob(".dashboard.new-*"))

    return started


@pytest.mark.runs_pipeline(2)
def test_runs_killed_while_exporting_then_building_the_site_keep_the_last_good_outputs_and_recover(
    built_copy: Build,
) -> None:
    """A run killed while it writes the exports leaves the previous exports; the next run recovers and
    publishes the new ones, and when it is killed in turn while it builds the site, the site stays the
    previous one and the folder is not current (so the next `make run` runs again).

    (Killed during dbt: tests/test_faults_build.py kills only the run's process there, the harder
    case where dbt must end by itself, and checks the previous outputs and the recovery the same way.)"""
    data_dir, home = built_copy.data, built_copy.home  # the session build is the previous good run
    outputs, counts = _fingerprint_outputs(data_dir), mart_tables(data_dir / "warehouse.duckdb")
    # a new plan, so the killed run would have changed the outputs
    (data_dir / "raw" / "plans" / "copy.txt").write_bytes(
        (data_dir / "raw" / "plans" / "003_ccaa3459958f884f.txt").read_bytes().replace(b"01 m", b"05 m")
    )
    generations = data_dir / ".marts"  # exports are written as a new generation beside the published one
    code = _run_and_kill_when(data_dir, home, lambda pid: len(list(generations.iterdir())) > 1)
    assert code == -signal.SIGKILL, "the run should have been killed mid-step"
    assert _fingerprint_outputs(data_dir) == outputs, "exports must be the previous good set"
    # killed after the new warehouse was published: readable, and already the new one
    assert mart_tables(data_dir / "warehouse.duckdb")["dim_document"] == counts["dim_document"] + 1

    site = data_dir / "marts" / "dashboard"
    site_before = {p.name: p.read_bytes() for p in site.glob("*.html")}
    code = _run_and_kill_when(data_dir, home, _building_the_site(data_dir / "logs"))
    assert code == -signal.SIGKILL, "the next run never reached the dashboard site"
    assert documents_in_marts(data_dir).height == counts["dim_document"] + 1, "it published the new exports"
    assert {p.name: p.read_bytes() for p in site.glob("*.html")} == site_before, "the previous site, whole"
    assert not build_is_current(Settings(data_dir)), "a run killed before its last output is not current"


def test_make_run_skips_when_nothing_changed_and_the_nightly_schedule_too(
    data_dir: Path, built_copy: Build
) -> None:
    from pipelines.defs.schedules import nightly_schedule

    assert not build_is_current(Settings(data_dir)), "a folder never built is not current"
    # after the session's make run, the folder is current
    skip_if_edited(built_copy)
    data = built_copy.data
    assert build_is_current(Settings(data))
    folder = PlanFolder(path=str(data / "raw" / "plans"), store_path=str(data / "extracted"))
    # the schedule asks the warehouse resource where the build is, as the build itself does
    resources = {"plan_folder": folder, "warehouse": Warehouse(path=str(Settings(data).warehouse_path))}
    context = dg.build_schedule_context(resources=resources)
    assert isinstance(nightly_schedule(context), dg.SkipReason)
    (data / "raw" / "reference" / "gso.csv").write_text(
        "province_code,province_name,statistic,year,value,unit,status,source,source_url\n"
        "35,Hà Nam,grdp_current_prices,2023,80000,tỷ đồng,official,test,\n",
        encoding="utf-8",
    )
    assert not build_is_current(Settings(data)), "a new reference file is a change"
    assert isinstance(nightly_schedule(dg.build_schedule_context(resources=resources)), dg.RunRequest)
