"""Fault injection on the build (issue 13): each test breaks something for real (a folder that is
gone, a plan that arrives mid-run, a SIGKILL, an open DuckDB writer, a hostile drop-in) and checks that
nothing is lost, nothing partial is published and nothing stale is called current.

Whole-pipeline runs are slow: tests read the session build (tests/session_build.py: the seed plans,
every bad input, hostile reference drop-ins and a file name that is a formula) or a private copy of
it (symbolic links kept), and run only the extra run they need."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.settings import Settings
from pipelines.store.build_state import build_is_current
from tests.session_build import REPO, Build, alive, copy_build, dbt_builds_under, launch_run, mart_tables

pytestmark = pytest.mark.slow


def run_in_process(data_dir: Path, instance: dg.DagsterInstance | None = None, **env: str):
    """`make run`'s in-process run against `data_dir` (env set only for the call)."""
    from pipelines.run import run_pipeline
    from pipelines.settings import Settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KHCN_DATA_DIR", str(data_dir))
        patch.setenv("KHCN_WAREHOUSE", str(data_dir / "warehouse.duckdb"))
        for name, value in env.items():
            patch.setenv(name, value)
        return run_pipeline(Settings(data_dir), instance or dg.DagsterInstance.ephemeral())


def wait_for(condition, process: subprocess.Popen | None = None, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exports(data_dir: Path) -> dict[str, str]:
    marts = data_dir / "marts"
    return {p.name: digest(p) for p in sorted(marts.iterdir()) if p.is_file()}


def leftovers(data_dir: Path) -> list[str]:
    found = [p.name for p in data_dir.glob("warehouse.building-*")]
    found += [p.name for p in (data_dir / "marts").glob(".staging-*")]
    generations = data_dir / ".marts"
    current = (data_dir / "marts").resolve()
    if generations.is_dir():
        found += [p.name for p in generations.iterdir() if p != current]
    return found


@pytest.fixture
def built(session_build: Build, tmp_path: Path) -> Path:
    """A private copy of the session build (the marts link stays relative, so it points into the copy)."""
    return copy_build(session_build, tmp_path / "built").data


# --------------------------------------------------------------------------- item 1


def test_missing_or_emptied_plan_folder_refuses_and_publishes_nothing(built: Path, tmp_path: Path) -> None:
    before = (exports(built), digest(built / "warehouse.duckdb"), sorted(os.listdir(built / "extracted")))
    plans = built / "raw" / "plans"
    plans.rename(built / "raw" / "plans_away")  # `mv data/raw/plans data/raw/plans_away`

    process = launch_run(built, tmp_path / "home", KHCN_FORCE="1")
    out, err = process.communicate(timeout=300)
    assert process.returncode == 1
    assert "không tồn tại" in err and "KHCN_ALLOW_EMPTY" in err
    assert "Traceback" not in err + out and "Stack Trace" not in err + out

    plans.mkdir()  # an empty (unmounted) folder: N plans to 0
    from pipelines.definitions import build_definitions
    from pipelines.settings import Settings

    with pytest.MonkeyPatch.context() as patch:  # a run from the UI or the nightly schedule
        patch.setenv("KHCN_WAREHOUSE", str(built / "warehouse.duckdb"))
        job = build_definitions(Settings(built)).resolve_job_def("khcn_refresh")
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert (
        failure.step_key == "plan_files" and "KHCN_ALLOW_EMPTY" in failure.step_failure_data.error.to_string()
    )
    assert (
        exports(built),
        digest(built / "warehouse.duckdb"),
        sorted(os.listdir(built / "extracted")),
    ) == before

    emptied = run_in_process(built, KHCN_ALLOW_EMPTY="1")  # emptying on purpose is allowed
    assert emptied.success
    assert mart_tables(built / "warehouse.duckdb")["dim_document"] == 0


# --------------------------------------------------------------------------- items 3, 17, 18


def test_killed_during_dbt_ends_dbt_then_next_run_cleans_up_and_records_what_it_read(
    built: Path, tmp_path: Path
) -> None:
    before, counts = exports(built), mart_tables(built / "warehouse.duckdb")
    stale_mart = built / "marts" / "mart_that_no_longer_exists.parquet"
    stale_mart.write_bytes(b"PAR1")
    plans = built / "raw" / "plans"
    new_plan = plans / "copy.txt"  # a new plan, so the killed run would have changed the outputs
    new_plan.write_bytes((plans / "003_ccaa3459958f884f.txt").read_bytes().replace(b"01 m", b"05 m"))
    process = launch_run(built, tmp_path / "home")
    dbt_pids: list[int] = []

    def dbt_started() -> bool:
        dbt_pids[:] = dbt_builds_under(process.pid)
        return bool(dbt_pids)

    assert wait_for(dbt_started, process), "dbt never started"
    process.send_signal(signal.SIGKILL)  # only the run's process, as the OOM killer would
    process.wait(timeout=60)
    process.stdout.close()
    process.stderr.close()
    assert wait_for(lambda: not any(alive(p) for p in dbt_pids), timeout=5), "dbt outlived its run"
    assert exports(built) == {**before, stale_mart.name: digest(stale_mart)}, "the previous good exports"
    assert mart_tables(built / "warehouse.duckdb") == counts, "the warehouse is the previous published build"
    assert any(name.startswith("warehouse.building-") for name in leftovers(built))

    # the next run: a plan is added and another removed while it runs (after it listed the folder)
    removed = plans / "004_a5daf25e3b3fc85b.txt"
    added = plans / "ke hoach them.txt"

    left = set(built.glob("warehouse.building-*.duckdb"))

    def change_folder_mid_run() -> None:  # once this run has listed the folder and loads it
        if wait_for(lambda: bool(set(built.glob("warehouse.building-*.duckdb")) - left), timeout=300):
            added.write_bytes((plans / "003_ccaa3459958f884f.txt").read_bytes().replace(b"01 m", b"07 m"))
            removed.unlink()

    watcher = threading.Thread(target=change_folder_mid_run)
    watcher.start()
    result = run_in_process(built)
    watcher.join()
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks["every_file_accounted_for"], "a file removed mid-run must not be unaccounted for"
    assert not leftovers(built), "leftovers of the killed run must be gone"
    assert not stale_mart.exists(), "files of marts that no longer exist are removed"
    assert (built / "marts" / "dim_document.parquet").exists()
    documents = pl.read_parquet(built / "marts" / "dim_document.parquet")
    assert removed.name in set(documents["file_name"]) and added.name not in set(documents["file_name"])
    assert new_plan.name in set(documents["file_name"]) and documents.height == counts["dim_document"] + 1
    assert not build_is_current(Settings(built)), "the plans changed after the run listed them: not current"
    assert "KHCN_DBT_DUCKDB_PATH" not in os.environ, "the warehouse path goes to dbt as a var"


def test_current_check_opens_the_outputs(built: Path) -> None:
    from pipelines.store.build_state import build_state_path, folder_fingerprint

    # as if nothing changed since the build (others may edit the code while this suite runs)
    state = json.loads(build_state_path(built).read_text(encoding="utf-8"))
    build_state_path(built).write_text(json.dumps({**state, "fingerprint": folder_fingerprint(built)}))
    assert build_is_current(Settings(built))
    workbook = built / "marts" / "khcn_benchmark.xlsx"
    saved = workbook.read_bytes()
    workbook.write_bytes(b"")
    assert not build_is_current(Settings(built)), "an empty workbook is not current"
    workbook.write_bytes(saved)
    (built / "warehouse.duckdb").write_bytes(b"")
    assert not build_is_current(Settings(built)), "a 0-byte warehouse is not current"


# --------------------------------------------------------------------------- item 4


def test_a_partial_run_publishes_a_complete_warehouse(built: Path) -> None:
    from pipelines.definitions import build_definitions
    from pipelines.defs.warehouse.raw import RAW_TABLES, raw_tables
    from pipelines.settings import Settings

    before = mart_tables(built / "warehouse.duckdb")
    selection = [dg.AssetKey(["raw", name]) for name in RAW_TABLES]
    selection += [k for k in raw_tables.dependency_keys if k != dg.AssetKey("documents")]  # its inputs
    # a seed whose tests need nothing else: a fresh file would hold only it and the raw tables
    selection += [dg.AssetKey(["reference", "themes"])]
    with pytest.MonkeyPatch.context() as patch:  # what "Materialize selected" in the UI runs
        patch.setenv("KHCN_WAREHOUSE", str(built / "warehouse.duckdb"))
        job = build_definitions(Settings(built)).resolve_job_def("khcn_refresh")
        result = job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), asset_selection=selection, raise_on_error=False
        )
    assert result.success
    assert mart_tables(built / "warehouse.duckdb") == before, "every mart must still be published"


# --------------------------------------------------------------------------- item 5


def test_reference_conflicts_are_chosen_in_order_and_quarantined(session_build: Build) -> None:
    data = session_build.data
    comparison = pl.read_parquet(data / "marts" / "mart_indicator_comparison.parquet")
    assert comparison.filter(pl.col("province_code") == "33")["grdp_bn_vnd"].is_null().all()
    assert 999999 not in comparison["grdp_bn_vnd"].to_list()
    records = pl.read_parquet(data / "marts" / "mart_rejected_records.parquet")
    reference = records.filter(pl.col("record_type") == "reference_statistic")
    flagged = {(r["file_name"], r["reason_code"]) for r in reference.iter_rows(named=True)}
    assert ("reference/bao_cao_tinh.csv", "reference_conflict") in flagged, flagged
    assert ("reference/bao_cao_tinh.csv", "reference_no_source") in flagged, flagged
    assert ("dbt_project/seeds/reference_statistics.csv", "reference_no_source") in flagged, flagged
    assert all(reference["reason"].str.len_chars() > 0)
    documents = pl.read_parquet(data / "marts" / "mart_rejected_documents.parquet")
    refused = set(documents.filter(pl.col("stage") == "reference")["file_name"])
    assert refused == {"reference/sai_cot.csv", "reference/sai_so.csv"}
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        chosen = conn.sql(
            "select province_code, statistic, year, value, origin from intermediate.int_reference_statistics "
            "where is_chosen"
        ).pl()
    by_key = {(r["province_code"], r["statistic"], r["year"]): r for r in chosen.iter_rows(named=True)}
    seed = pl.read_csv(REPO / "dbt_project" / "seeds" / "reference_statistics.csv", infer_schema_length=0)
    seeded = seed.filter((pl.col("province_code") == "30") & (pl.col("year") == "2022"))["value"].item()
    assert by_key[("30", "grdp_current_prices", 2022)]["value"] == float(seeded) != 999999, (
        "the seed keeps its figure"
    )
    assert by_key[("72", "population", 2022)]["origin"] == "nguon_a.csv", "a tie is broken by source"
    assert ("33", "grdp_current_prices", 2022) not in by_key, "a figure without a source is not used"
    assert ("33", "grdp_current_prices", 2023) not in by_key, "the seed's unsourced figure is not used"


# --------------------------------------------------------------------------- item 11


def test_no_csv_cell_starts_a_formula_and_numbers_stay_numbers(session_build: Build, tmp_path: Path) -> None:
    data = session_build.data
    starts = ("=", "+", "-", "@", "\t", "\r")
    for csv in (data / "marts").glob("*.csv"):
        frame = pl.read_csv(csv, infer_schema=False)
        types = pl.read_parquet_schema(csv.with_suffix(".parquet"))
        for column in [c for c in frame.columns if types[c] in (pl.String, pl.List(pl.String))]:
            cells = frame[column].drop_nulls()
            assert not cells.str.starts_with(starts[0]).any(), (csv.name, column)
            for prefix in starts[1:]:
                assert not cells.str.starts_with(prefix).any(), (csv.name, column, prefix)
    rejected = pl.read_csv(data / "marts" / "mart_rejected_documents.csv", infer_schema=False)
    assert "'=HYPERLINK(1+2).txt" in set(rejected["file_name"])

    from pipelines.publishing.exports import export_tables

    frame = pl.DataFrame({"change": [-5, 3], "note": ["-giảm 5", "+tăng"], "when": ["@home", "ok"]})
    export_tables({"mart_signs": frame}, tmp_path / "out")
    back = pl.read_csv(tmp_path / "out" / "mart_signs.csv")
    assert back["change"].dtype == pl.Int64 and back["change"].to_list() == [-5, 3]
    assert back["note"].to_list() == ["'-giảm 5", "'+tăng"] and back["when"].to_list() == ["'@home", "ok"]


# --------------------------------------------------------------------------- items 13, 17 (failure)


def test_an_open_writer_is_refused_and_the_failed_build_is_removed(built: Path, tmp_path: Path) -> None:
    live = built / "warehouse.duckdb"
    before, exported = mart_tables(live), exports(built)
    ready = tmp_path / "writer_ready"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time, pathlib\n"
            f"conn = duckdb.connect({str(live)!r})\n"
            "conn.execute('create table main.scratch as select 1 as x')\n"
            f"pathlib.Path({str(ready)!r}).touch()\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(ready.exists, writer, timeout=60)
        process = launch_run(built, tmp_path / "home", KHCN_FORCE="1", KHCN_PUBLISH_WAIT_SECONDS="2")
        out, err = process.communicate(timeout=600)
    finally:
        writer.communicate("", timeout=60)  # the analyst closes the session
    assert process.returncode == 1
    assert "read-write" in err and "read-only" in err, err[-2000:]
    assert "Stack Trace" not in out + err and "Traceback" not in out + err
    assert not list(built.glob("warehouse.building-*")), "a failed build must not keep the disk full"
    with duckdb.connect(str(live), read_only=True) as conn:  # readers open it once the writer is gone
        assert conn.execute("select count(*) from marts.dim_document").fetchone()[0] == before["dim_document"]
    assert mart_tables(live) == before and exports(built) == exported


def test_publish_never_strands_a_writers_wal(tmp_path: Path) -> None:
    from pipelines.lib.resources import Warehouse, WarehouseInUse

    live = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(live)) as conn:
        conn.execute("create table t as select 1 as x")
    warehouse = Warehouse(path=str(live), publish_wait_seconds=1)
    build = warehouse.start_build("feedfacecafe")
    with duckdb.connect(str(build)) as conn:
        conn.execute("create table t as select 2 as x")
    writer = duckdb.connect(str(live))  # an analyst's read-write session, in this process
    writer.execute("insert into t values (3)")
    try:
        # DuckDB's own lock is per process; the refusal must hold for another process's writer too
        with pytest.raises(WarehouseInUse):
            subprocess_publish(live, "feedfacecafe")
    finally:
        writer.close()
    warehouse.publish("feedfacecafe")
    with duckdb.connect(str(live), read_only=True) as conn:
        assert conn.execute("select max(x) from t").fetchone()[0] == 2


def subprocess_publish(live: Path, run_id: str) -> None:
    """Publish from another process, as a run does; re-raise its refusal here."""
    code = (
        "from pipelines.lib.resources import Warehouse, WarehouseInUse\n"
        f"w = Warehouse(path={str(live)!r}, publish_wait_seconds=1)\n"
        "try:\n"
        f"    w.publish({run_id!r})\n"
        "except WarehouseInUse:\n"
        "    raise SystemExit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    if done.returncode == 3:
        from pipelines.lib.resources import WarehouseInUse

        raise WarehouseInUse("refused")
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------- item 14


def test_every_asset_check_ran_in_the_build(session_build: Build) -> None:
    ran = {check for _, check in session_build.checks}
    assert {
        "targets_contract",
        "citations_contract",
        "plan_files_listed",
        "reference_statistics_sourced",
    } <= ran
    assert {"theme_mentions_columns", "citation_links_columns", "reference_statistics_columns"} <= ran


# --------------------------------------------------------------------------- item 15


def test_sensor_requests_again_when_the_folder_returns_to_an_earlier_state(built: Path) -> None:
    from pipelines.defs.ingest.sensors import plan_folder_sensor
    from pipelines.lib.resources import PlanFolder

    instance = dg.DagsterInstance.ephemeral()
    folder = PlanFolder(path=str(built / "raw" / "plans"), store_path=str(built / "extracted"))
    cursor: list[str | None] = [None]
    keys: list[str] = []

    def tick():
        context = dg.build_sensor_context(
            instance=instance, resources={"plan_folder": folder}, cursor=cursor[0]
        )
        result = plan_folder_sensor(context)
        if isinstance(result, dg.SensorResult):
            cursor[0] = result.cursor if result.cursor is not None else cursor[0]
            for request in result.dynamic_partitions_requests:
                if isinstance(request, dg.AddDynamicPartitionsRequest):
                    instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
                else:
                    for key in request.partition_keys:
                        instance.delete_dynamic_partition(request.partitions_def_name, key)
            keys.extend(r.run_key for r in result.run_requests)
        return result

    assert isinstance(tick(), dg.SensorResult)  # first sight: every plan added
    assert isinstance(tick(), dg.SkipReason)
    plan = built / "raw" / "plans" / "001_89d6121c4fcbc66d.txt"
    away = built / "plan_elsewhere.txt"
    plan.rename(away)
    assert isinstance(tick(), dg.SensorResult)  # removed
    away.rename(plan)  # restored, same bytes and mtime: the folder is as at first sight
    restored = tick()
    assert isinstance(restored, dg.SensorResult) and len(restored.run_requests) == 1
    assert len(keys) == len(set(keys)) == 3, f"a repeated run_key is skipped by Dagster: {keys}"
    assert isinstance(tick(), dg.SkipReason), "the same change is requested once"


def test_guarded_dbt_still_reports_its_version() -> None:
    from pipelines.lib.dbt_guard import guarded_dbt_executable

    done = subprocess.run(
        [guarded_dbt_executable(), "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "installed" in done.stdout + done.stderr


def test_reference_refusals_and_build_record_are_json(session_build: Build) -> None:
    data = session_build.data
    state = json.loads((data / ".last_build.json").read_text(encoding="utf-8"))
    assert state["marts"] and "dim_document" in state["marts"]
