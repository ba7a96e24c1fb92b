"""Checks on what the ingest stage read: the folder listing and the analysts' reference statistics.

They run inside the step of the asset they check (declared with `check_specs`, yielded after the
output): a check of a frame already in memory is not worth a step of its own, which in a run of
the seed plans cost more (a step, its events, loading the frame again) than the check itself."""

import dagster as dg
import polars as pl

PLAN_FILES_LISTED = dg.AssetCheckSpec(
    "plan_files_listed",
    asset="plan_files",
    description="Every listed file has a name, and refused ones a reason.",
)
REFERENCE_STATISTICS_SOURCED = dg.AssetCheckSpec(
    "reference_statistics_sourced",
    asset="reference_statistics",
    description="Dropped-in statistics have a province code, a year and a source.",
)


def plan_files_listed(plan_files: pl.DataFrame) -> dg.AssetCheckResult:
    bad = plan_files.filter(
        pl.col("file_name").is_null() | ((pl.col("status") == "refused") & pl.col("reason").is_null())
    )
    return dg.AssetCheckResult(
        check_name=PLAN_FILES_LISTED.name,
        passed=bad.height == 0,
        metadata={"files": plan_files.height, "bad_rows": bad.height},
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
        check_name=REFERENCE_STATISTICS_SOURCED.name,
        passed=bad.height == 0 and refused == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rows": rows.height, "bad_rows": bad.height, "files_refused": refused},
    )
