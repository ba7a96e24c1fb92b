"""The nightly rebuild: everything, at 02:00 Vietnam time."""

import dagster as dg

all_assets_job = dg.define_asset_job(
    "khcn_all",
    selection=dg.AssetSelection.all(),
    description="Ingest every plan, extract, load, build the marts with dbt and export them.",
    executor_def=dg.in_process_executor,
)

nightly_schedule = dg.ScheduleDefinition(
    name="khcn_nightly",
    job=all_assets_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
