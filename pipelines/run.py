"""`make run`: bring the partitions in step with the plan folder, then run everything once, in-process.

Usage: python -m pipelines.run
"""

import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.khcn.documents import default_data_dir
from pipelines.khcn.extraction import build_is_current

if TYPE_CHECKING:  # Dagster takes seconds to import: only a real run pays for it
    import dagster as dg

    from pipelines.resources import Settings


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


LAUNCHER_TAG = "khcn/launcher"
LAUNCHER = "pipelines.run"


def recover_killed_runs(instance: "dg.DagsterInstance", log=print) -> list[str]:
    """Mark runs of this launcher that a kill interrupted as failed and free their pool slots.

    Called while holding the run lock, so no run of this launcher can still be alive. A killed
    in-process run never releases its `duckdb` pool slot; without this the next run would wait
    for it forever.
    """
    import dagster as dg

    records = instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=[
                dg.DagsterRunStatus.STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.NOT_STARTED,
            ],
            tags={LAUNCHER_TAG: LAUNCHER},
        )
    )
    for record in records:
        run = record.dagster_run
        instance.report_run_failed(run, "the process running it was killed; recovered by the next run")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log(f"run {run.run_id[:8]} was killed before finishing: marked failed, its warehouse slot freed")
    return [r.dagster_run.run_id for r in records]


def run_pipeline(settings: "Settings | None" = None, instance: "dg.DagsterInstance | None" = None):
    """Sync partitions with the folder and execute the whole graph in this process."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.partitions import apply_partition_changes, folder_state, plans_partitions, range_tags
    from pipelines.resources import Settings

    settings = settings or Settings.from_env()
    instance = instance or dg.DagsterInstance.get()
    definitions = build_definitions(settings)
    with run_lock(settings.data_dir):
        recover_killed_runs(instance)
        state = folder_state(instance, settings.plan_dir, settings.store_dir)
        apply_partition_changes(instance, state)
        keys = instance.get_dynamic_partitions(plans_partitions.name)
        job = definitions.resolve_job_def("khcn_all" if keys else "khcn_refresh")
        tags = {**range_tags(keys), LAUNCHER_TAG: LAUNCHER}
        return job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)


def main() -> int:
    if not os.environ.get("KHCN_FORCE") and build_is_current(default_data_dir().resolve()):
        print(
            "Nothing changed since the last build (plans, code, catalogs, dbt project, reference data): outputs are current."
        )
        print("Set KHCN_FORCE=1 to rebuild anyway.")
        return 0
    result = run_pipeline()
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
