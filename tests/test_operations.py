"""Operations, for real: incremental runs, the folder sensor, removed and renamed plans, and runs
killed by a real signal in the middle of the dbt and export steps."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.defs.ingest.partitions import plans_partitions
from pipelines.defs.ingest.sensors import plan_folder_sensor
from pipelines.lib.resources import PlanFolder
from pipelines.settings import Settings
from pipelines.store.extraction import ExtractionStore, code_fingerprint, plan_key
from tests.conftest import REPO
from tests.test_pipeline import materialize_all

pytestmark = pytest.mark.slow


def extracted_count(result) -> int:
    """Plans read and extracted by the run (one event per partition, all carrying the run's count)."""
    events = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("documents")]
    return events[0].materialization.metadata["extracted"].value if events else 0


def documents_in_marts(data_dir: Path) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "marts" / "dim_document.parquet")


def test_unchanged_folder_is_not_re_extracted_and_one_changed_file_is(data_dir: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    first = materialize_all(data_dir, instance)
    assert first.success and extracted_count(first) == 5

    second = materialize_all(data_dir, instance)
    assert second.success and extracted_count(second) == 0

    plan = sorted((data_dir / "raw" / "plans").iterdir())[3]
    plan.write_bytes(plan.read_bytes() + "\nPhấn đấu có thêm ít nhất 03 mô hình ứng dụng KH&CN.\n".encode())
    third = materialize_all(data_dir, instance)
    assert third.success and extracted_count(third) == 1
    assert documents_in_marts(data_dir).height == 5


def test_removed_plan_leaves_the_marts_and_a_renamed_plan_is_the_same_document(data_dir: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert materialize_all(data_dir, instance).success
    before = dict(documents_in_marts(data_dir).select("file_name", "document_id").iter_rows())
    plans = sorted((data_dir / "raw" / "plans").iterdir())
    removed = plans[0]
    removed.unlink()
    renamed = plans[1]
    renamed.rename(renamed.with_name("Kế hoạch đổi tên.txt"))

    result = materialize_all(data_dir, instance)
    assert result.success
    after = dict(documents_in_marts(data_dir).select("file_name", "document_id").iter_rows())
    assert before[removed.name] not in after.values()
    assert after["Kế hoạch đổi tên.txt"] == before[renamed.name]
    assert len(instance.get_dynamic_partitions(plans_partitions.name)) == 4
    stored = {p.stem for p in (data_dir / "extracted").glob("*.json") if not p.name.startswith("_")}
    assert len(stored) == 4


def test_sensor_adds_partitions_launches_one_run_then_stays_quiet(data_dir: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    settings = Settings(data_dir)
    folder = PlanFolder(path=str(settings.plan_dir), store_path=str(settings.store_dir))

    def tick():
        return plan_folder_sensor(
            dg.build_sensor_context(instance=instance, resources={"plan_folder": folder})
        )

    first = tick()
    assert isinstance(first, dg.SensorResult)
    (request,) = first.run_requests
    (added,) = first.dynamic_partitions_requests
    assert request.job_name == "khcn_all" and len(added.partition_keys) == 5

    assert materialize_all(data_dir, instance).success  # what the launched run does
    assert isinstance(tick(), dg.SkipReason), "an unchanged folder must not launch anything"

    new_plan = settings.plan_dir / "ke hoach moi.txt"
    new_plan.write_bytes((REPO / "data" / "raw" / "plans" / "002_c79b154f3d55b614.txt").read_bytes() + b"\n")
    third = tick()
    (request,) = third.run_requests
    new_key = plan_key("ke hoach moi.txt", hashlib.sha256(new_plan.read_bytes()).hexdigest())
    assert request.tags["dagster/asset_partition_range_start"] == new_key
    assert request.tags["dagster/asset_partition_range_end"] == new_key


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
    """Start `python -m pipelines.run` as a user would, kill its process group when `condition()` holds."""
    env = {**os.environ, "KHCN_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    env.pop("KHCN_WAREHOUSE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if condition():
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


def _mart_counts(data_dir: Path) -> dict[str, int]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "select table_name from information_schema.tables where table_schema='marts'"
            ).fetchall()
        ]
        return {n: conn.execute(f'select count(*) from marts."{n}"').fetchone()[0] for n in names}


def _dbt_running() -> bool:
    return subprocess.run(["pgrep", "-f", "dbt build"], capture_output=True).returncode == 0


@pytest.mark.parametrize("step", ["dbt", "export"])
def test_a_run_killed_mid_step_leaves_the_previous_outputs_and_the_next_run_recovers(
    data_dir: Path, tmp_path: Path, step: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    first = _run_and_kill_when(data_dir, home, lambda: False)
    assert first == 0
    outputs, counts = _fingerprint_outputs(data_dir), _mart_counts(data_dir)
    # a new plan, so the killed run would have changed the outputs
    (data_dir / "raw" / "plans" / "copy.txt").write_bytes(
        (data_dir / "raw" / "plans" / "003_ccaa3459958f884f.txt").read_bytes().replace(b"01 m", b"05 m")
    )
    if step == "dbt":
        condition = _dbt_running
    else:
        generations = data_dir / ".marts"  # exports are written as a new generation beside the published one
        condition = lambda: len(list(generations.iterdir())) > 1  # noqa: E731
    code = _run_and_kill_when(data_dir, home, condition)
    assert code == -signal.SIGKILL, "the run should have been killed mid-step"
    assert _fingerprint_outputs(data_dir) == outputs, "exports must be the previous good set"
    if step == "dbt":
        assert _mart_counts(data_dir) == counts, "the warehouse must be the previous published build"
    else:  # killed after the new warehouse was published: readable, and already the new one
        assert _mart_counts(data_dir)["dim_document"] == counts["dim_document"] + 1
    assert _run_and_kill_when(data_dir, home, lambda: False) == 0
    assert documents_in_marts(data_dir).height == 6


def test_make_run_skips_when_nothing_changed_and_the_nightly_schedule_too(data_dir: Path) -> None:
    from pipelines.defs.schedules import nightly_schedule
    from pipelines.store.build_state import build_is_current

    assert not build_is_current(Settings(data_dir))
    assert materialize_all(data_dir).success
    assert build_is_current(Settings(data_dir))
    folder = PlanFolder(path=str(data_dir / "raw" / "plans"), store_path=str(data_dir / "extracted"))
    context = dg.build_schedule_context(resources={"plan_folder": folder})
    assert isinstance(nightly_schedule(context), dg.SkipReason)
    (data_dir / "raw" / "reference").mkdir(parents=True, exist_ok=True)
    (data_dir / "raw" / "reference" / "gso.csv").write_text(
        "province_code,province_name,statistic,year,value,unit,status,source,source_url\n"
        "35,Hà Nam,grdp_current_prices,2023,80000,tỷ đồng,official,test,\n",
        encoding="utf-8",
    )
    assert not build_is_current(Settings(data_dir)), "a new reference file is a change"
    assert isinstance(
        nightly_schedule(dg.build_schedule_context(resources={"plan_folder": folder})), dg.RunRequest
    )
