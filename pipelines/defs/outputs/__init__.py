"""Outputs for people: the marts as Parquet and CSV, the Vietnamese workbook, the offline dashboard
site; a freshness check that turns red when a night did not run."""

import dagster as dg

from pipelines.defs.outputs.checks import freshness_sensor, marts_freshness
from pipelines.defs.outputs.dashboards import dashboard_site
from pipelines.defs.outputs.exports import mart_exports


def definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[mart_exports, dashboard_site], asset_checks=marts_freshness, sensors=[freshness_sensor]
    )
