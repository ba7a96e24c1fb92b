"""Reviews: the analysts' decisions on targets (data/raw/reviews/*.xlsx and *.csv), read with their
contract; the raw load writes them to raw.reviews / raw.rejected_reviews in the same warehouse build,
and dbt applies them (int_targets_reviewed, fct_target_review)."""

import dagster as dg
import polars as pl

from pipelines.lib.resources import PlanFolder
from pipelines.reviews import read_review_folder, review_contract, review_frame, split_review_frame
from pipelines.targets.catalog import load_catalog


@dg.asset(group_name="ingest", compute_kind="python")
def reviews(context: dg.AssetExecutionContext, plan_folder: PlanFolder) -> pl.DataFrame:
    """Every decision row of every review file, typed and ordered (the later decision on a target wins);
    a file or row that cannot be used is kept as a refusal with its reason, never dropped."""
    folder = plan_folder.root().parent / "reviews"
    decisions, refused = read_review_folder(folder, load_catalog().codes)  # no folder: no decisions
    for row in refused.iter_rows(named=True):
        context.log.warning(f"{row['file_name']}:{row['row_number'] or '-'}: {row['reason']}")
    context.add_output_metadata(
        {"decisions": decisions.height, "refused": refused.height, "folder": str(folder)}
    )
    return review_frame(decisions, refused)


@dg.asset_check(asset=reviews, description="Accepted decisions satisfy the review contract.")
def reviews_contract(reviews: pl.DataFrame) -> dg.AssetCheckResult:
    accepted, _ = split_review_frame(reviews)
    errors = None
    try:
        review_contract(load_catalog().codes).validate(accepted, lazy=True)
    except Exception as exc:  # the check reports, it does not fail the run
        errors = str(exc)[:2000]
    return dg.AssetCheckResult(
        passed=errors is None, metadata={"decisions": accepted.height, "errors": errors or ""}
    )


@dg.asset_check(asset=reviews, description="No review file or row was refused (each refusal has its reason).")
def reviews_all_accepted(reviews: pl.DataFrame) -> dg.AssetCheckResult:
    _, refused = split_review_frame(reviews)
    reasons = [
        f"{r['file_name']}:{r['row_number'] or '-'} {r['reason']}" for r in refused.iter_rows(named=True)
    ]
    return dg.AssetCheckResult(
        passed=refused.height == 0 and all(refused["reason"].is_not_null()),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"refused": refused.height, "reasons": "\n".join(reasons[:50])},
    )


REVIEW_CHECKS = [reviews_contract, reviews_all_accepted]
