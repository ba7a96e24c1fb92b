"""The plan-folder sensor: new, changed and removed plans are picked up on their own."""

import hashlib
import json

import dagster as dg

from pipelines.defs.ingest.partitions import (
    FolderState,
    folder_state,
    partition_requests,
    plans_partitions,
    range_tags,
)
from pipelines.defs.schedules import all_assets_job, refresh_job
from pipelines.lib.resources import PlanFolder
from pipelines.store.build_state import PlanFolderGone, check_plan_folder


def next_partition_order(existing: list[str], added: list[str], removed: list[str]) -> list[str]:
    """Partition keys in the instance's order once the add/delete requests are applied."""
    gone = set(removed)
    return [k for k in existing if k not in gone] + list(added)


@dg.sensor(
    jobs=[all_assets_job, refresh_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds a partition per new plan file, removes those of deleted files, and launches one run "
    "that extracts only new or changed plans (or all, after a change to the code or catalog).",
)
def plan_folder_sensor(context: dg.SensorEvaluationContext, plan_folder: PlanFolder):
    try:
        check_plan_folder(plan_folder.root(), plan_folder.store())
        state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
        check_plan_folder(plan_folder.root(), plan_folder.store(), len(state.keyed))
    except PlanFolderGone as exc:  # never delete every partition because a share is not mounted
        return dg.SkipReason(str(exc))
    if not state.changed:
        return dg.SkipReason(f"{len(state.keys)} plan(s), none new, changed or removed")
    change = change_signature(state)
    sequence, last = read_cursor(context.cursor)
    if change == last:
        return dg.SkipReason("this change was already requested; waiting for its run")
    order = next_partition_order(
        context.instance.get_dynamic_partitions(plans_partitions.name), state.added, state.removed
    )
    # keyed on the n-th change seen, so a folder returning to an earlier state (a plan deleted, then
    # restored) is a new request instead of a repeat that Dagster would skip
    run_key = f"{sequence + 1}-{change}"
    if state.stale:
        first = min(order.index(k) for k in state.stale)
        request = dg.RunRequest(run_key=run_key, job_name=all_assets_job.name, tags=range_tags(order[first:]))
    else:  # only removals: rebuild without reading any plan
        request = dg.RunRequest(run_key=run_key, job_name=refresh_job.name)
    context.log.info(f"added {len(state.added)}, removed {len(state.removed)}, to extract {len(state.stale)}")
    return dg.SensorResult(
        run_requests=[request],
        dynamic_partitions_requests=partition_requests(state),
        cursor=json.dumps({"sequence": sequence + 1, "change": change}),
    )


def change_signature(state: FolderState) -> str:
    """What this change is: the code, the plans now listed, and which are new, stale or removed."""
    text = "|".join(
        [
            state.fingerprint,
            ",".join(sorted(state.keys)),
            ",".join(sorted(state.stale)),
            ",".join(state.removed),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_cursor(cursor: str | None) -> tuple[int, str | None]:
    """(number of changes requested so far, signature of the last one) from the sensor's cursor."""
    try:
        saved = json.loads(cursor or "{}")
        return int(saved.get("sequence", 0)), saved.get("change")
    except (ValueError, TypeError, AttributeError):
        return 0, None
