"""The raw tables: every plan's stored extraction loaded into this run's DuckDB build (schema raw),
which dbt (dbt.py) builds the marts in and then publishes."""

from collections.abc import Mapping

import dagster as dg
import polars as pl

from pipelines.defs.ingest.assets import documents, plan_files, reference_statistics
from pipelines.defs.ingest.partitions import plans_from_listing
from pipelines.defs.review.assets import reviews
from pipelines.defs.warehouse.checks import RAW_CHECK_SPECS, raw_check_results
from pipelines.lib.resources import DUCKDB_POOL, PlanFolder, Warehouse, active_run_prefixes
from pipelines.raw_tables.build import build_raw_tables
from pipelines.raw_tables.reference import REFERENCE_COLUMNS, REFERENCE_STAGE
from pipelines.reviews import split_review_frame
from pipelines.store.extraction import ExtractionStore
from pipelines.targets.catalog import load_catalog

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
# What each raw table holds, for the Dagster UI (every raw/* asset used to show the same text).
RAW_DESCRIPTIONS = {
    "documents": "One row per distinct plan: metadata read from its text (province, type, number, dates, "
    "issuer, period, flags) and the normalised text.",
    "targets": "Every quantified target a plan commits to, with indicator, bound, values, unit, year, the "
    "exact quote and its section.",
    "citations": "Every citation of a legal or Party document, one row per occurrence, in canonical spelling.",
    "citation_links": "Citations whose cited document is itself a plan in the warehouse, and how they matched.",
    "theme_mentions": "Mentions of the theme lexicon per plan and section.",
    "rejected_documents": "Files that did not become documents (unreadable, duplicate, not extracted …) "
    "with the step and the reason.",
    "rejected_targets": "Targets that failed their contract, with the reason.",
    "rejected_citations": "Citations that failed their contract, with the reason.",
    "plan_files": "The plan folder as listed for this run: every file, its partition key and size.",
    "reference_statistics": "Analysts' statistics dropped into data/raw/reference/ (GRDP, PII …) with sources.",
    "reviews": "Analysts' review decisions on extracted targets (data/raw/reviews/).",
    "rejected_reviews": "Review rows that could not be applied, with the reason.",
}


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
    check_specs=RAW_CHECK_SPECS,  # evaluated in this step, on the frames it writes
    specs=[
        dg.AssetSpec(
            dg.AssetKey([RAW_SCHEMA, name]),
            kinds={"duckdb"},
            description=RAW_DESCRIPTIONS.get(name),
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
    """Every plan of the run's folder listing, from its stored extraction, validated and de-duplicated,
    written to this run's warehouse build. Plans that left the folder are not loaded, so they leave
    the marts. A run that rebuilds only some of the dbt models starts from a copy of the live
    warehouse, so the published file always has every model."""
    keyed_plans, refused = plans_from_listing(plan_files, plan_folder.root())
    store = ExtractionStore(plan_folder.store())
    records, not_extracted = [], []
    for keyed in keyed_plans:
        record = store.read(keyed.key)
        if record is None:
            not_extracted.append(keyed.plan.relative_path)
            continue
        records.append(without_original_text(record))
    refused += [
        {
            "file_name": name,
            "document_id": None,
            "stage": "extract",
            "reason_code": "not_extracted",
            "reason": "the plan has not been extracted yet (its partition did not run); it will be on the next run",
        }
        for name in not_extracted
    ]
    statistics, refused_references = split_reference(reference_statistics)
    tables = build_raw_tables(records, refused + refused_references, load_catalog().codes).as_dict()
    del records  # the texts are in the frames now; keep peak memory to one copy
    tables["plan_files"] = plan_files
    tables["reference_statistics"] = statistics
    tables["reviews"], tables["rejected_reviews"] = split_review_frame(reviews)  # applied by dbt
    warehouse.remove_leftovers(active_run_prefixes(context.instance))
    build = warehouse.start_build(context.run.run_id, from_live=not runs_every_model(context))
    try:
        with warehouse.connect(path=build) as conn:
            replace_tables(conn, tables)
    except BaseException:
        warehouse.discard(context.run.run_id)
        raise
    pruned = store.prune({k.key for k in keyed_plans})
    context.log.info(f"raw tables written to {build.name}; {pruned} stored result(s) of removed plans pruned")
    for name in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey([RAW_SCHEMA, name]),
            metadata={"rows": tables[name].height, "table": f"{RAW_SCHEMA}.{name}"},
        )
    yield from raw_check_results(tables)  # what was written, checked without reading it back


def without_original_text(record: dict) -> dict:
    """The record as the raw tables read it: the warehouse keeps the normalised text every quote and
    offset refers to; the original text (about a third of a stored record) stays in the store, and out
    of the memory that holds every record of the run at once."""
    document = record.get("document")
    if document is not None:
        document.pop("text_original", None)
    return record


def split_reference(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
    """The statistics to load, and the refused reference files as quarantine rows."""
    refused = frame.filter(pl.col("reason_code").is_not_null())
    rows = [
        {
            "file_name": r["origin"],
            "document_id": None,
            "stage": REFERENCE_STAGE,
            "reason_code": r["reason_code"],
            "reason": r["reason"],
        }
        for r in refused.iter_rows(named=True)
    ]
    return frame.filter(pl.col("reason_code").is_null()).select(list(REFERENCE_COLUMNS)), rows


def runs_every_model(context: dg.AssetExecutionContext) -> bool:
    """Whether this run builds every dbt model (then its warehouse may start empty)."""
    selection = context.run.asset_selection
    from pipelines.defs.warehouse.dbt import khcn_dbt_assets  # dbt.py reads this module's keys

    return not selection or set(khcn_dbt_assets.keys) <= set(selection)  # empty: the whole job
