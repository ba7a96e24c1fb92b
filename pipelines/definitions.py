"""The khcn-benchmark Dagster code location."""

import dagster as dg

from pipelines.assets import dashboards, export, ingest, reviews, warehouse
from pipelines.assets.reviews import REVIEW_CHECKS
from pipelines.checks import ALL_CHECKS, freshness_sensor
from pipelines.resources import Settings, build_resources
from pipelines.schedules import all_assets_job, nightly_schedule, refresh_job
from pipelines.sensors import plan_folder_sensor


def build_definitions(
    settings: Settings | None = None, loggers: dict[str, dg.LoggerDefinition] | None = None
) -> dg.Definitions:
    """Everything in one place; tests build it against a temporary data folder (`make run` passes
    a console logger without stack traces)."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules([ingest, reviews, warehouse, export, dashboards]),
        asset_checks=[*ALL_CHECKS, *REVIEW_CHECKS],
        jobs=[all_assets_job, refresh_job],
        schedules=[nightly_schedule],
        sensors=[plan_folder_sensor, freshness_sensor],
        resources=build_resources(settings),
        loggers=loggers,
    )


defs = build_definitions()
