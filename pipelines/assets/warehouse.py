"""Warehouse: load the Python-built tables into DuckDB (schema raw), then dbt builds the rest."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
import polars as pl
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.project import dbt_project
from pipelines.resources import DUCKDB_POOL, Warehouse

RAW_SCHEMA = "raw"


def replace_tables(warehouse: Warehouse, tables: Mapping[str, pl.DataFrame]) -> None:
    """Replace raw tables in one transaction: readers see all the old tables or all the new ones."""
    with warehouse.connect() as conn:
        conn.execute(f"create schema if not exists {RAW_SCHEMA}")
        conn.execute("begin transaction")
        try:
            for name, frame in tables.items():
                conn.register("incoming", frame.to_arrow())
                conn.execute(f"create or replace table {RAW_SCHEMA}.{name} as select * from incoming")
                conn.unregister("incoming")
            conn.execute("commit")
        except Exception:
            conn.execute("rollback")
            raise


RAW_TABLES = (
    "documents",
    "rejected_documents",
    "plan_files",
    "targets",
    "rejected_targets",
    "citations",
    "citation_links",
    "rejected_citations",
    "theme_mentions",
    "reference_statistics",
)


@dg.multi_asset(
    group_name="warehouse",
    pool=DUCKDB_POOL,
    specs=[
        dg.AssetSpec(dg.AssetKey([RAW_SCHEMA, name]), kinds={"duckdb"}, deps=[dg.AssetKey(name)])
        for name in RAW_TABLES
    ],
    ins={name: dg.AssetIn(dg.AssetKey(name)) for name in RAW_TABLES},
)
def raw_tables(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    documents: pl.DataFrame,
    rejected_documents: pl.DataFrame,
    plan_files: pl.DataFrame,
    targets: pl.DataFrame,
    rejected_targets: pl.DataFrame,
    citations: pl.DataFrame,
    citation_links: pl.DataFrame,
    rejected_citations: pl.DataFrame,
    theme_mentions: pl.DataFrame,
    reference_statistics: pl.DataFrame,
):
    """Write every Python-built table to DuckDB `raw.*` for dbt, in one transaction."""
    tables = {
        "documents": documents,
        "rejected_documents": rejected_documents,
        "plan_files": plan_files,
        "targets": targets,
        "rejected_targets": rejected_targets,
        "citations": citations,
        "citation_links": citation_links,
        "rejected_citations": rejected_citations,
        "theme_mentions": theme_mentions,
        "reference_statistics": reference_statistics,
    }
    replace_tables(warehouse, tables)
    context.log.info(f"loaded raw tables into {warehouse.path}")
    for name, frame in tables.items():
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey([RAW_SCHEMA, name]),
            metadata={"rows": frame.height, "table": f"{RAW_SCHEMA}.{name}"},
        )


class KhcnTranslator(DagsterDbtTranslator):
    """dbt sources are the raw.* assets above; models are grouped by their folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


translator = KhcnTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=DUCKDB_POOL,
)
def khcn_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Seeds, staging views and mart tables, with their tests as asset checks."""
    yield from dbt.cli(["build"], context=context).stream()
