"""Export: every mart to data/marts/ as Parquet, CSV (Excel-ready) and one workbook."""

import dagster as dg
import polars as pl

from pipelines.assets.warehouse import khcn_dbt_assets
from pipelines.khcn.exports import export_tables
from pipelines.resources import DUCKDB_POOL, MartsFolder, Warehouse

MARTS_SCHEMA = "marts"

MART_KEYS = [key for key, group in khcn_dbt_assets.group_names_by_key.items() if group == MARTS_SCHEMA]


def read_marts(warehouse: Warehouse) -> dict[str, pl.DataFrame]:
    """Every table dbt built in the marts schema, in name order (dims first, then facts, then marts)."""
    order = {"dim": 0, "fct": 1, "mart": 2}
    with warehouse.connect(read_only=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "select table_name from information_schema.tables where table_schema = ? order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        names.sort(key=lambda n: (order.get(n.split("_")[0], 3), n))
        return {name: conn.sql(f'select * from {MARTS_SCHEMA}."{name}"').pl() for name in names}


@dg.asset(group_name="export", kinds={"parquet", "csv", "excel"}, deps=MART_KEYS, pool=DUCKDB_POOL)
def mart_exports(
    context: dg.AssetExecutionContext, warehouse: Warehouse, marts_folder: MartsFolder
) -> dg.MaterializeResult:
    """Parquet + CSV per mart and the workbook `khcn_benchmark.xlsx`, replaced atomically."""
    tables = read_marts(warehouse)
    paths = export_tables(tables, marts_folder.root())
    context.log.info(f"wrote {len(paths)} files to {marts_folder.root()}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(marts_folder.root())),
            "files": len(paths),
            "rows_by_mart": dg.MetadataValue.json({name: frame.height for name, frame in tables.items()}),
        }
    )
