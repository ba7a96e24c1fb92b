"""The plan-folder sensor: new, changed and removed plans are picked up on their own."""

import hashlib

import dagster as dg

from pipelines.partitions import folder_state, partition_requests, plans_partitions, range_tags
from pipelines.resources import PlanFolder
from pipelines.schedules import all_assets_job, refresh_job


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
    state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
    if not state.changed:
        return dg.SkipReason(f"{len(state.keys)} plan(s), none new, changed or removed")
    order = next_partition_order(
        context.instance.get_dynamic_partitions(plans_partitions.name), state.added, state.removed
    )
    run_key = hashlib.sha256(f"{state.fingerprint}:{','.join(sorted(state.keys))}".encode()).hexdigest()[:16]
    if state.stale:
        first = min(order.index(k) for k in state.stale)
        request = dg.RunRequest(run_key=run_key, job_name=all_assets_job.name, tags=range_tags(order[first:]))
    else:  # only removals: rebuild without reading any plan
        request = dg.RunRequest(run_key=run_key, job_name=refresh_job.name)
    context.log.info(f"added {len(state.added)}, removed {len(state.removed)}, to extract {len(state.stale)}")
    return dg.SensorResult(run_requests=[request], dynamic_partitions_requests=partition_requests(state))
