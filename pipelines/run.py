"""`make run`: bring the partitions in step with the plan folder, then run everything once, in-process.

Usage: python -m pipelines.run
"""

import fcntl
import logging
import os
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.settings import Settings
from pipelines.store.build_state import PlanFolderGone, build_is_current, check_plan_folder

if TYPE_CHECKING:  # Dagster takes seconds to import: only a real run pays for it
    import dagster as dg


@contextmanager
def run_lock(data_dir: Path, log=print):
    """One pipeline run per data folder at a time (in-process runs bypass the Dagster run queue)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".run.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"another run holds {data_dir / '.run.lock'}; waiting for it to finish")
            started = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            log(f"waited {time.monotonic() - started:.1f} s; starting")
        yield


STACK_TRACE = re.compile(r"\n*Stack Trace:\n(?:  .*(?:\n|$))*")


class NoStackTraces(logging.Filter):
    """Dagster's console log without Python stack traces: a failed step says which error, in one
    block, and the run ends with a summary (the traces stay in the run's event log and the UI)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Stack Trace:" in message:
            record.msg, record.args = STACK_TRACE.sub("\n", message).rstrip(), ()
        return True


def concise_console_logger(init_context) -> logging.Logger:
    """The console logger `make run` uses (INFO and up, no stack traces)."""
    from dagster._loggers import create_console_logger  # the logger Dagster uses by default

    log = create_console_logger(name="khcn", level=logging.INFO)
    for handler in log.handlers:
        if not any(isinstance(f, NoStackTraces) for f in handler.filters):
            handler.addFilter(NoStackTraces())
    return log


LAUNCHER_TAG = "khcn/launcher"
LAUNCHER = "pipelines.run"


def recover_killed_runs(instance: "dg.DagsterInstance", log=print) -> list[str]:
    """Mark runs of this launcher that a kill interrupted as failed and free their pool slots.

    Called while holding the run lock, so no run of this launcher can still be alive. A killed
    in-process run never releases its `duckdb` pool slot; without this the next run would wait
    for it forever.
    """
    import dagster as dg

    from pipelines.lib.resources import UNFINISHED_RUN_STATUSES

    records = instance.get_run_records(
        filters=dg.RunsFilter(statuses=list(UNFINISHED_RUN_STATUSES), tags={LAUNCHER_TAG: LAUNCHER})
    )
    for record in records:
        run = record.dagster_run
        instance.report_run_failed(run, "the process running it was killed; recovered by the next run")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log(f"run {run.run_id[:8]} was killed before finishing: marked failed, its warehouse slot freed")
    return [r.dagster_run.run_id for r in records]


def remove_leftovers(settings: "Settings", instance: "dg.DagsterInstance", log=print) -> None:
    """What killed or failed runs left behind: build files, unpublished export folders, pending build
    records. Called under the run lock, so only runs of other launchers (the daemon) can be going."""
    from pipelines.lib.resources import MartsFolder, Warehouse, active_run_prefixes
    from pipelines.store.build_state import remove_pending

    active = active_run_prefixes(instance)
    removed = Warehouse(path=str(settings.warehouse_path)).remove_leftovers(active)
    removed += MartsFolder(path=str(settings.marts_dir)).remove_leftovers(active)
    remove_pending(settings.data_dir)
    if removed:
        log(f"removed {len(removed)} leftover(s) of earlier runs: {', '.join(p.name for p in removed)}")


def run_pipeline(
    settings: "Settings | None" = None,
    instance: "dg.DagsterInstance | None" = None,
    concise: bool = False,
    run_id: str | None = None,
):
    """Sync partitions with the folder and execute the whole graph in this process."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.defs.ingest.partitions import (
        apply_partition_changes,
        folder_state,
        plans_partitions,
        range_tags,
    )

    settings = settings or Settings.from_env()
    instance = instance or dg.DagsterInstance.get()
    loggers = {"console": dg.LoggerDefinition(concise_console_logger)} if concise else None
    definitions = build_definitions(settings, loggers=loggers)
    with run_lock(settings.data_dir):
        recover_killed_runs(instance)
        remove_leftovers(settings, instance)
        check_plan_folder(settings.plan_dir, settings.store_dir)
        state = folder_state(instance, settings.plan_dir, settings.store_dir)
        check_plan_folder(settings.plan_dir, settings.store_dir, len(state.keyed))
        apply_partition_changes(instance, state)
        keys = instance.get_dynamic_partitions(plans_partitions.name)
        job = definitions.resolve_job_def("khcn_all" if keys else "khcn_refresh")
        tags = {**range_tags(keys), LAUNCHER_TAG: LAUNCHER}
        return job.execute_in_process(
            instance=instance,
            tags=tags,
            raise_on_error=False,
            run_id=run_id,
            asset_selection=selection_to_run(job, settings),
        )


def selection_to_run(job: "dg.JobDefinition", settings: Settings) -> "list[dg.AssetKey] | None":
    """Everything (None), or everything but the dbt seeds when the published warehouse was built by
    this very dbt project: its seeds are then current, and the build starts from a copy of it
    (pipelines/lib/dbt_state.py). Models, data tests, exports and the site are always rebuilt."""
    from pipelines.defs.warehouse.dbt import seed_keys
    from pipelines.lib.dbt_state import built_with, dbt_project_fingerprint

    if built_with(settings.warehouse_path) != dbt_project_fingerprint():
        return None
    return sorted(set(job.asset_layer.selected_asset_keys) - seed_keys())


def main() -> int:
    if not os.environ.get("KHCN_FORCE") and build_is_current(Settings.from_env()):
        print(
            "Không có gì thay đổi kể từ lần dựng trước (kế hoạch, mã nguồn, danh mục, dự án dbt, số liệu tham chiếu, "
            "quyết định kiểm tra): kết quả đang là mới nhất."
        )
        print("Đặt KHCN_FORCE=1 để dựng lại dù vậy.")
        return 0
    try:
        from pipelines.lib.console import run_quietly  # a line per stage and a summary; the log in a file

        data_dir = Settings.from_env().data_dir
        result = run_quietly(lambda **hooks: run_pipeline(concise=True, **hooks), data_dir)
    except PlanFolderGone as exc:
        print(f"Từ chối chạy: {exc}", file=sys.stderr)
        return 1
    if result.success:
        return 0
    print(failure_summary(result), file=sys.stderr)
    return 1


def failure_summary(result) -> str:
    """Which steps failed and why, in a few lines (the run's log has the details)."""
    lines = ["Lần chạy thất bại; các kết quả tốt gần nhất vẫn giữ nguyên."]
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name in {
                "DagsterExecutionStepExecutionError",
                "DagsterUserCodeExecutionError",
            }:
                error = error.cause
            message = error.message.strip().splitlines()[-1] if error.message.strip() else error.cls_name
            lines.append(f"  bước {event.step_key}: {message}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
