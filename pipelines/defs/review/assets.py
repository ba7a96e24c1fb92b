"""Reviews: the analysts' decisions on targets (data/raw/reviews/*.xlsx and *.csv), read with their
contract; the raw load writes them to raw.reviews / raw.rejected_reviews in the same warehouse build,
and dbt applies them (int_targets_reviewed, fct_target_review)."""

import dagster as dg
import polars as pl

from pipelines.lib.resources import PlanFolder
from pipelines.reviews import read_review_folder, review_contract, review_frame, split_review_frame
from pipelines.targets.catalog import load_catalog

REVIEWS_CONTRACT = dg.AssetCheckSpec(
    "reviews_contract", asset="reviews", description="Accepted decisions satisfy the review contract."
)
REVIEWS_ALL_ACCEPTED = dg.AssetCheckSpec(
    "reviews_all_accepted",
    asset="reviews",
    description="No review file or row was refused (each refusal has its reason).",
)


@dg.asset(group_name="ingest", compute_kind="python", check_specs=[REVIEWS_CONTRACT, REVIEWS_ALL_ACCEPTED])
def reviews(context: dg.AssetExecutionContext, plan_folder: PlanFolder):
    """Every decision row of every review file, typed and ordered (the later decision on a target wins);
    a file or row that cannot be used is kept as a refusal with its reason, never dropped."""
    folder = plan_folder.root().parent / "reviews"
    decisions, refused = read_review_folder(folder, load_catalog().codes)  # no folder: no decisions
    for row in refused.iter_rows(named=True):
        context.log.warning(f"{row['file_name']}:{row['row_number'] or '-'}: {row['reason']}")
    frame = review_frame(decisions, refused)
    yield dg.Output(
        frame, metadata={"decisions": decisions.height, "refused": refused.height, "folder": str(folder)}
    )
    # checked in this step: a frame already in memory is not worth a step of its own
    yield reviews_contract(frame)
    yield reviews_all_accepted(frame)


def reviews_contract(reviews: pl.DataFrame) -> dg.AssetCheckResult:
    accepted, _ = split_review_frame(reviews)
    errors = None
    try:
        review_contract(load_catalog().codes).validate(accepted, lazy=True)
    except Exception as exc:  # the check reports, it does not fail the run
        errors = str(exc)[:2000]
    return dg.AssetCheckResult(
        check_name=REVIEWS_CONTRACT.name,
        passed=errors is None,
        metadata={"decisions": accepted.height, "errors": errors or ""},
    )


def reviews_all_accepted(reviews: pl.DataFrame) -> dg.AssetCheckResult:
    _, refused = split_review_frame(reviews)
    reasons = [
        f"{r['file_name']}:{r['row_number'] or '-'} {r['reason']}" for r in refused.iter_rows(named=True)
    ]
    return dg.AssetCheckResult(
        check_name=REVIEWS_ALL_ACCEPTED.name,
        passed=refused.height == 0 and all(refused["reason"].is_not_null()),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"refused": refused.height, "reasons": "\n".join(reasons[:50])},
    )
