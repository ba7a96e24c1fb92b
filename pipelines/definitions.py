"""The khcn-benchmark Dagster code location: one `definitions()` per stage folder, merged."""

import dagster as dg

from pipelines.defs import ingest, outputs, review, warehouse
from pipelines.defs.schedules import all_assets_job, nightly_schedule, refresh_job
from pipelines.lib.resources import build_resources
from pipelines.settings import Settings


def build_definitions(
    settings: Settings | None = None, loggers: dict[str, dg.LoggerDefinition] | None = None
) -> dg.Definitions:
    """Tests build it against a temporary data folder; `make run` passes a console logger."""
    stages = [stage.definitions() for stage in (ingest, review, warehouse, outputs)]
    jobs = dg.Definitions(jobs=[all_assets_job, refresh_job], schedules=[nightly_schedule])
    return dg.Definitions.merge(
        *stages, jobs, dg.Definitions(resources=build_resources(settings), loggers=loggers)
    )


defs = build_definitions()
