"""Asset checks on the raw tables: the Pandera contracts re-asserted on what was stored, nothing lost,
results current — so the UI shows what is wrong without reading logs."""

import dagster as dg
import polars as pl

from pipelines.defs.ingest.partitions import plans_from_listing
from pipelines.lib.resources import PlanFolder, Warehouse
from pipelines.raw_tables.columns import raw_table_columns
from pipelines.raw_tables.contracts import DocumentSchema, citation_schema, split_valid, target_schema
from pipelines.store.extraction import ExtractionStore, code_fingerprint
from pipelines.targets.catalog import load_catalog

RAW_DOCUMENTS = dg.AssetKey(["raw", "documents"])
RAW_REJECTED = dg.AssetKey(["raw", "rejected_documents"])
RAW_PLAN_FILES = dg.AssetKey(["raw", "plan_files"])


def _read(context: dg.AssetCheckExecutionContext, warehouse: Warehouse, query: str) -> pl.DataFrame:
    """Read this run's warehouse build if it exists (checks run before publication), else the live one."""
    build = warehouse.build_path(context.run.run_id)
    with warehouse.connect(read_only=True, path=build if build.exists() else None) as conn:
        return conn.sql(query).pl()


@dg.asset_check(
    asset=RAW_DOCUMENTS, description="Every stored document satisfies the Pandera document contract."
)
def documents_contract(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    frame = _read(context, warehouse, "select * from raw.documents")
    _, invalid = split_valid(frame, DocumentSchema)
    return dg.AssetCheckResult(
        passed=invalid.height == 0, metadata={"documents": frame.height, "violations": invalid.height}
    )


@dg.asset_check(asset=RAW_REJECTED, description="Every quarantined file has a reason a person can act on.")
def rejections_have_reasons(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    frame = _read(context, warehouse, "select * from raw.rejected_documents")
    missing = frame.filter(pl.col("reason").is_null() | (pl.col("reason").str.len_chars() == 0))
    return dg.AssetCheckResult(
        passed=missing.height == 0, metadata={"rejected": frame.height, "without_reason": missing.height}
    )


@dg.asset_check(
    asset=RAW_PLAN_FILES,
    description="Every file in the plan folder is a document, a duplicate or a rejection.",
)
def every_file_accounted_for(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    files = _read(context, warehouse, "select file_name from raw.plan_files")
    seen = _read(
        context,
        warehouse,
        "select file_name from raw.documents union select file_name from raw.rejected_documents",
    )
    missing = sorted(set(files["file_name"]) - set(seen["file_name"]))
    return dg.AssetCheckResult(passed=not missing, metadata={"unaccounted": dg.MetadataValue.json(missing)})


@dg.asset_check(
    asset="documents",
    description="Every plan in the run's folder listing has an extraction result from the current code.",
    additional_ins={"plan_files": dg.AssetIn("plan_files")},
)
def extraction_is_current(
    context: dg.AssetCheckExecutionContext, plan_folder: PlanFolder, plan_files: pl.DataFrame
) -> dg.AssetCheckResult:
    keyed, _ = plans_from_listing(plan_files, plan_folder.root())
    store, fingerprint = ExtractionStore(plan_folder.store()), code_fingerprint()
    stale = [k.key for k in keyed if not store.is_current(k.key, fingerprint)]
    return dg.AssetCheckResult(
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"plans": len(keyed), "stale": dg.MetadataValue.json(stale[:50])},
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "targets"]), description="Stored targets satisfy the Pandera target contract."
)
def targets_contract(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    frame = _read(context, warehouse, "select * from raw.targets")
    _, invalid = split_valid(frame, target_schema(load_catalog().codes))
    return dg.AssetCheckResult(
        passed=invalid.height == 0, metadata={"targets": frame.height, "violations": invalid.height}
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "citations"]), description="Stored citations satisfy the citation contract."
)
def citations_contract(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    frame = _read(context, warehouse, "select * from raw.citations")
    _, invalid = split_valid(frame, citation_schema())
    return dg.AssetCheckResult(
        passed=invalid.height == 0, metadata={"citations": frame.height, "violations": invalid.height}
    )


def _columns_check(table: str, columns: tuple[str, ...]) -> dg.AssetChecksDefinition:
    """The table was written with every column it declares (the other raw tables have no richer contract)."""

    @dg.asset_check(
        asset=dg.AssetKey(["raw", table]),
        name=f"{table}_columns",
        description=f"raw.{table} has its columns.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        frame = _read(context, warehouse, f"select * from raw.{table} limit 0")
        missing = sorted(set(columns) - set(frame.columns))
        return dg.AssetCheckResult(
            passed=not missing, metadata={"missing_columns": dg.MetadataValue.json(missing)}
        )

    return _check


# The raw tables without a richer contract: their columns are the one declaration in raw_tables.columns.
COLUMN_CHECKED_TABLES = (
    "theme_mentions",
    "citation_links",
    "rejected_targets",
    "rejected_citations",
    "reference_statistics",
)
COLUMN_CHECKS = [_columns_check(table, tuple(raw_table_columns()[table])) for table in COLUMN_CHECKED_TABLES]


WAREHOUSE_CHECKS = [
    documents_contract,
    targets_contract,
    citations_contract,
    rejections_have_reasons,
    every_file_accounted_for,
    extraction_is_current,
    *COLUMN_CHECKS,
]
