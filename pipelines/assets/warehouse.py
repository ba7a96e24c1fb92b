"""Warehouse: load the per-plan extraction results into a fresh DuckDB build (schema raw), let dbt
build the marts in it, then publish it in place of the live warehouse in one atomic rename."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
import polars as pl
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.assets.ingest import documents, plan_files, reference_statistics
from pipelines.assets.reviews import reviews
from pipelines.khcn.catalog import load_catalog
from pipelines.khcn.extraction import ExtractionStore
from pipelines.khcn.reviews import split_review_frame
from pipelines.khcn.tables import build_raw_tables
from pipelines.partitions import folder_state
from pipelines.project import dbt_project
from pipelines.resources import DUCKDB_POOL, PlanFolder, Warehouse

RAW_SCHEMA = "raw"
RAW_TABLES = (
    "documents",
    "targets",
    "citations",
    "citation_links",
    "theme_mentions",
    "rejected_documents",
    "rejected_targets",
    "rejected_citations",
    "plan_files",
    "reference_statistics",
    "reviews",
    "rejected_reviews",
)


def replace_tables(conn, tables: Mapping[str, pl.DataFrame]) -> None:
    """Create the raw tables in one transaction: all of them or none."""
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


@dg.multi_asset(
    group_name="warehouse",
    pool=DUCKDB_POOL,
    specs=[
        dg.AssetSpec(
            dg.AssetKey([RAW_SCHEMA, name]),
            kinds={"duckdb"},
            deps=[documents, plan_files, reference_statistics, reviews],
        )
        for name in RAW_TABLES
    ],
    ins={
        "plan_files": dg.AssetIn(plan_files.key),
        "reference_statistics": dg.AssetIn(reference_statistics.key),
        "reviews": dg.AssetIn(reviews.key),
    },
)
def raw_tables(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    plan_folder: PlanFolder,
    plan_files: pl.DataFrame,
    reference_statistics: pl.DataFrame,
    reviews: pl.DataFrame,
):
    """Every plan now in the folder, from its stored extraction, validated and de-duplicated, written to
    this run's warehouse build. Plans that left the folder are not loaded, so they leave the marts."""
    state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
    store = ExtractionStore(plan_folder.store())
    records, not_extracted = [], []
    for keyed in state.keyed:
        record = store.read(keyed.key)
        if record is None:
            not_extracted.append(keyed.plan.relative_path)
            continue
        records.append(record)
    refused = state.refused + [
        {
            "file_name": name,
            "document_id": None,
            "stage": "extract",
            "reason_code": "not_extracted",
            "reason": "the plan has not been extracted yet (its partition did not run); it will be on the next run",
        }
        for name in not_extracted
    ]
    tables = build_raw_tables(records, refused, load_catalog().codes).as_dict()
    del records  # the texts are in the frames now; keep peak memory to one copy
    tables["plan_files"] = plan_files
    tables["reference_statistics"] = reference_statistics
    tables["reviews"], tables["rejected_reviews"] = split_review_frame(reviews)  # applied by dbt
    pruned = store.prune({k.key for k in state.keyed})
    build = warehouse.start_build(context.run_id)
    with warehouse.connect(path=build) as conn:
        replace_tables(conn, tables)
    context.log.info(f"raw tables written to {build.name}; {pruned} stored result(s) of removed plans pruned")
    for name in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey([RAW_SCHEMA, name]),
            metadata={"rows": tables[name].height, "table": f"{RAW_SCHEMA}.{name}"},
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
def khcn_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """Seeds, staging views and mart tables built in this run's warehouse file, with their tests as
    asset checks; published in place of the live warehouse only when the whole build succeeded."""
    build = warehouse.build_path(context.run_id)
    if not build.exists():
        raise dg.Failure(
            f"no warehouse build for this run ({build.name}): materialize the raw tables in the same run"
        )
    os.environ["KHCN_DBT_DUCKDB_PATH"] = str(build)  # read by dbt_project/profiles.yml
    yield from dbt.cli(["build"], context=context).stream()
    warehouse.publish(context.run_id)
    context.log.info(f"published {build.name} as {warehouse.path}")
