"""Ingest: the plan folder listed, one partition per plan read and extracted into the per-plan store,
the analysts' reference statistics read; the folder sensor keeps the partitions in step."""

import dagster as dg

from pipelines.defs.ingest.assets import documents, plan_files, reference_statistics
from pipelines.defs.ingest.sensors import plan_folder_sensor


def definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[plan_files, documents, reference_statistics],
        sensors=[plan_folder_sensor],
    )
