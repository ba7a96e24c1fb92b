"""Checks on what the ingest stage read: the folder listing and the analysts' reference statistics."""

import dagster as dg
import polars as pl


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
    """Rows without a source are not used (they stay missing in the marts); this makes them visible."""
    rows = reference_statistics.filter(pl.col("reason_code").is_null())
    bad = rows.filter(
        ~pl.col("province_code").str.contains(r"^\d{2}$")
        | pl.col("year").is_null()
        | pl.col("source").is_null()
    )
    refused = reference_statistics.height - rows.height
    return dg.AssetCheckResult(
        passed=bad.height == 0 and refused == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rows": rows.height, "bad_rows": bad.height, "files_refused": refused},
    )


INGEST_CHECKS = [plan_files_listed, reference_statistics_sourced]
