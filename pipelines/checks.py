"""Asset checks that re-assert the Pandera contracts on what was actually stored."""

import dagster as dg
import polars as pl

from pipelines.khcn.schemas import DocumentSchema, split_valid


@dg.asset_check(
    asset="documents", description="Every stored document satisfies the Pandera document contract."
)
def documents_contract(documents: pl.DataFrame) -> dg.AssetCheckResult:
    _, invalid = split_valid(documents, DocumentSchema)
    return dg.AssetCheckResult(
        passed=invalid.height == 0,
        metadata={"documents": documents.height, "violations": invalid.height},
    )


@dg.asset_check(
    asset="rejected_documents",
    description="Every quarantined file has a reason a person can act on (nothing is dropped silently).",
)
def rejections_have_reasons(rejected_documents: pl.DataFrame) -> dg.AssetCheckResult:
    missing = rejected_documents.filter(pl.col("reason").is_null() | (pl.col("reason").str.len_chars() == 0))
    return dg.AssetCheckResult(
        passed=missing.height == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rejected": rejected_documents.height, "without_reason": missing.height},
    )


@dg.asset_check(
    asset="plan_files",
    description="Every file in the plan folder ends up as a document or a rejection.",
    additional_ins={
        "documents": dg.AssetIn("documents"),
        "rejected_documents": dg.AssetIn("rejected_documents"),
    },
)
def every_file_accounted_for(
    plan_files: pl.DataFrame, documents: pl.DataFrame, rejected_documents: pl.DataFrame
) -> dg.AssetCheckResult:
    seen = set(documents["file_name"].to_list()) | set(rejected_documents["file_name"].to_list())
    missing = sorted(set(plan_files["file_name"].to_list()) - seen)
    return dg.AssetCheckResult(passed=not missing, metadata={"unaccounted": dg.MetadataValue.json(missing)})
