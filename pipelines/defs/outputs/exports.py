"""Export: every mart to data/marts/ as Parquet, CSV (Excel-ready) and one workbook."""

import datetime as dt
import shutil
from collections.abc import Mapping

import dagster as dg
import polars as pl

from pipelines.defs.warehouse.dbt import khcn_dbt_assets
from pipelines.lib.resources import DUCKDB_POOL, MartsFolder, Warehouse, active_run_prefixes
from pipelines.project import dbt_project
from pipelines.publishing.exports import (
    DOCUMENT_MART,
    WorkbookContext,
    build_time,
    export_tables,
    load_model_docs,
)
from pipelines.publishing.marts import MARTS_SCHEMA
from pipelines.publishing.marts import read_marts as marts_of

REFERENCE_SCHEMA = "reference"
NATIONAL_TARGETS = "national_targets"

MART_KEYS = [key for key, group in khcn_dbt_assets.group_names_by_key.items() if group == MARTS_SCHEMA]


def read_marts(warehouse: Warehouse) -> dict[str, pl.DataFrame]:
    """Every table dbt built in the marts schema (dims first, then facts, then marts)."""
    with warehouse.connect(read_only=True) as conn:
        return marts_of(conn)


def read_national_targets(warehouse: Warehouse) -> pl.DataFrame:
    """The dbt seed national_targets as dbt loaded it, so the workbook's national-target row shows
    what the comparison mart compared against. Empty when the seed is not in the warehouse."""
    with warehouse.connect(read_only=True) as conn:
        present = conn.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_name = ?",
            [REFERENCE_SCHEMA, NATIONAL_TARGETS],
        ).fetchall()
        if not present:
            return pl.DataFrame()
        return conn.sql(f"select * from {REFERENCE_SCHEMA}.{NATIONAL_TARGETS}").pl()


def workbook_context(
    tables: Mapping[str, pl.DataFrame], national_targets: pl.DataFrame, built_at: dt.datetime
) -> WorkbookContext:
    """What the workbook says about this build: plans, provinces, national targets and the dbt
    documentation (Vietnamese headers, descriptions) from the manifest dagster-dbt runs with."""
    documents = tables.get(DOCUMENT_MART, pl.DataFrame())
    # In GSO code order (north to south), the order ministry lists use.
    provinces = (
        tuple(
            documents.sort("province_code", nulls_last=True)["province_name"]
            .drop_nulls()
            .unique(maintain_order=True)
        )
        if {"province_code", "province_name"} <= set(documents.columns)
        else ()
    )
    return WorkbookContext(
        built_at=built_at,
        document_count=documents.height,
        provinces=provinces,
        national_targets=national_targets,
        models=load_model_docs(dbt_project.manifest_path),
    )


@dg.asset(group_name="export", kinds={"parquet", "csv", "excel"}, deps=MART_KEYS, pool=DUCKDB_POOL)
def mart_exports(
    context: dg.AssetExecutionContext, warehouse: Warehouse, marts_folder: MartsFolder
) -> dg.MaterializeResult:
    """Parquet + CSV per mart and the workbook `khcn_benchmark.xlsx`, written as a new generation
    of the marts folder and published all at once; marts that no longer exist leave with the old one."""
    tables = read_marts(warehouse)
    book = workbook_context(tables, read_national_targets(warehouse), build_time())
    marts_folder.remove_leftovers(active_run_prefixes(context.instance) - {context.run.run_id[:8]})
    generation = marts_folder.new_generation(context.run.run_id)
    try:
        paths = export_tables(tables, generation, book)
        marts_folder.publish_generation(generation)  # every export at once, or none
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    context.log.info(f"wrote {len(paths)} files to {marts_folder.root()}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(marts_folder.root())),
            "files": len(paths),
            "documents": book.document_count,
            "provinces": len(book.provinces),
            "built_at": book.built_at.isoformat(timespec="seconds"),
            "rows_by_mart": dg.MetadataValue.json({name: frame.height for name, frame in tables.items()}),
        }
    )
