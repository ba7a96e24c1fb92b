"""Warehouse: the stored extractions loaded as raw tables into this run's DuckDB build, dbt builds and
tests the models in it, and the build is published in place of the live warehouse."""

import dagster as dg

from pipelines.defs.warehouse.checks import extraction_is_current
from pipelines.defs.warehouse.dbt import khcn_dbt_assets
from pipelines.defs.warehouse.raw import raw_tables


def definitions() -> dg.Definitions:
    # the raw checks are declared on raw_tables and run in its step (checks.RAW_CHECK_SPECS)
    return dg.Definitions(assets=[raw_tables, khcn_dbt_assets], asset_checks=[extraction_is_current])
