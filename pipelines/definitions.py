"""The khcn-benchmark Dagster code location."""

import dagster as dg

from pipelines.assets import export, extract, ingest, warehouse
from pipelines.checks import documents_contract, every_file_accounted_for, rejections_have_reasons
from pipelines.resources import Settings, build_resources
from pipelines.schedules import all_assets_job, nightly_schedule


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Everything in one place; tests build it against a temporary data folder."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules([ingest, extract, warehouse, export]),
        asset_checks=[documents_contract, rejections_have_reasons, every_file_accounted_for],
        jobs=[all_assets_job],
        schedules=[nightly_schedule],
        resources=build_resources(settings),
    )


defs = build_definitions()
