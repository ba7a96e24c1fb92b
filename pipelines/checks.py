"""Asset checks: the Pandera contracts re-asserted on what was stored, nothing lost, results current,
and marts fresh — so the UI shows what is wrong without reading logs."""

import datetime as dt

import dagster as dg
import polars as pl

from pipelines.assets.export import mart_exports
from pipelines.khcn.catalog import load_catalog
from pipelines.khcn.schemas import DocumentSchema, citation_schema, split_valid, target_schema
from pipelines.partitions import folder_state
from pipelines.resources import PlanFolder, Warehouse

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
    asset="documents", description="Every plan in the folder has an extraction result from the current code."
)
def extraction_is_current(
    context: dg.AssetCheckExecutionContext, plan_folder: PlanFolder
) -> dg.AssetCheckResult:
    state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
    return dg.AssetCheckResult(
        passed=not state.stale,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"plans": len(state.keys), "stale": dg.MetadataValue.json(state.stale[:50])},
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
    """The table was written with its expected columns (the other raw tables have no richer contract)."""

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


COLUMN_CHECKS = [
    _columns_check("theme_mentions", ("document_id", "section", "theme_code", "mentions")),
    _columns_check("citation_links", ("citation_id", "cited_document_id", "link_method", "link_evidence")),
    _columns_check("rejected_targets", ("file_name", "stage", "reason_code", "reason")),
    _columns_check("rejected_citations", ("file_name", "stage", "reason_code", "reason")),
    _columns_check("reference_statistics", ("province_code", "statistic", "year", "value", "source")),
]


@dg.asset_check(asset="plan_files", description="Every listed file has a name, and refused ones a reason.")
def plan_files_listed(plan_files: pl.DataFrame) -> dg.AssetCheckResult:
    bad = plan_files.filter(
        pl.col("file_name").is_null() | ((pl.col("status") == "refused") & pl.col("reason").is_null())
    )
    return dg.AssetCheckResult(
        passed=bad.height == 0, metadata={"files": plan_files.height, "bad_rows": bad.height}
    )


@dg.asset_check(
    asset="reference_statistics",
    description="Dropped-in statistics have a province code, a year and a source.",
)
def reference_statistics_sourced(reference_statistics: pl.DataFrame) -> dg.AssetCheckResult:
    bad = reference_statistics.filter(
        ~pl.col("province_code").str.contains(r"^\d{2}$")
        | pl.col("year").is_null()
        | pl.col("source").is_null()
    )
    return dg.AssetCheckResult(
        passed=bad.height == 0, metadata={"rows": reference_statistics.height, "bad_rows": bad.height}
    )


# The marts are rebuilt every night; older than a day and a bit means the night did not run.
marts_freshness = dg.build_last_update_freshness_checks(
    assets=[mart_exports], lower_bound_delta=dt.timedelta(hours=26)
)
freshness_sensor = dg.build_sensor_for_freshness_checks(freshness_checks=marts_freshness)

ALL_CHECKS = [
    documents_contract,
    rejections_have_reasons,
    every_file_accounted_for,
    extraction_is_current,
    *marts_freshness,
]
