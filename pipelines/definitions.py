"""The khcn-benchmark Dagster code location: one `definitions()` per stage folder, merged."""

import dagster as dg

from pipelines.defs import ingest, outputs, review, warehouse
from pipelines.defs.schedules import all_assets_job, extract_job, nightly_schedule, refresh_job
from pipelines.lib.resources import build_resources
from pipelines.settings import Settings


def build_definitions(
    settings: Settings | None = None, loggers: dict[str, dg.LoggerDefinition] | None = None
) -> dg.Definitions:
    """Tests build it against a temporary data folder; `make run` passes a console logger."""
    stages = [stage.definitions() for stage in (ingest, review, warehouse, outputs)]
    jobs = dg.Definitions(jobs=[all_assets_job, refresh_job, extract_job], schedules=[nightly_schedule])
    return dg.Definitions.merge(
        *stages, jobs, dg.Definitions(resources=build_resources(settings), loggers=loggers)
    )


def extraction_job() -> dg.JobDefinition:
    """`khcn_extract` resolved against this process's settings (KHCN_DATA_DIR): what
    `dg.reconstructable` points the multiprocess executor's step processes at."""
    return build_definitions().resolve_job_def(extract_job.name)


defs = build_definitions()
