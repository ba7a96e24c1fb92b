"""Jobs and the nightly schedule (02:00 Vietnam time)."""

from pathlib import Path

import dagster as dg

from pipelines.defs.ingest.assets import documents, plan_files
from pipelines.lib.resources import PlanFolder, Warehouse
from pipelines.settings import Settings
from pipelines.store.build_state import build_is_current

all_assets_job = dg.define_asset_job(
    "khcn_all",
    selection=dg.AssetSelection.all(),
    description="Extract the plans of the run's partitions (unchanged ones are skipped), load, build the marts, export.",
    executor_def=dg.in_process_executor,
)

refresh_job = dg.define_asset_job(
    "khcn_refresh",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(documents),
    description="Rebuild the warehouse, marts and exports from the stored per-plan extractions (no plan is read).",
    executor_def=dg.in_process_executor,
)


extract_job = dg.define_asset_job(
    "khcn_extract",
    selection=dg.AssetSelection.assets(plan_files, documents),
    description="Extract the plans of the run's partition range into the per-plan store, each step in its "
    "own process. Several of these over partition ranges (a backfill; on dagster-k8s or dagster-celery "
    "one pod or worker each, the store on a shared volume) then one khcn_refresh run: the same marts "
    "as one khcn_all run (tests/test_scale_out.py).",
    executor_def=dg.multiprocess_executor,
)


@dg.schedule(
    name="khcn_nightly",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night: rebuild marts and exports (new or changed plans are extracted by the folder "
    "sensor); skipped when no plan, code, catalog or reference file changed since the last build.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext, plan_folder: PlanFolder, warehouse: Warehouse):
    if build_is_current(Settings(plan_folder.data_dir(), Path(warehouse.path))):
        return dg.SkipReason("nothing changed since the last build; the marts and exports are current")
    return dg.RunRequest()
