"""Ingest: plan files on disk → one partition per plan, read and extracted, results stored per plan."""

import dagster as dg
import polars as pl

from pipelines.khcn.extraction import ExtractionStore, code_fingerprint, extract_many, extraction_workers
from pipelines.partitions import folder_state, plans_partitions
from pipelines.resources import PlanFolder

PLAN_FILE_SCHEMA = {
    "file_name": pl.String,
    "plan_key": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "modified_at": pl.Float64,
    "status": pl.String,
    "reason_code": pl.String,
    "reason": pl.String,
}


@dg.asset(group_name="ingest", compute_kind="python")
def plan_files(context: dg.AssetExecutionContext, plan_folder: PlanFolder) -> pl.DataFrame:
    """Every file in the plan folder with its partition key and content hash; files we will not
    read (symbolic links, unsupported formats) are listed with a reason instead of being ignored."""
    state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
    rows = [
        {
            "file_name": k.plan.relative_path,
            "plan_key": k.key,
            "sha256": k.sha256,
            "size_bytes": k.plan.size_bytes,
            "modified_at": k.plan.modified_at,
            "status": "candidate",
            "reason_code": None,
            "reason": None,
        }
        for k in state.keyed
    ] + [
        {
            "file_name": r["file_name"],
            "status": "refused",
            "reason_code": r["reason_code"],
            "reason": r["reason"],
        }
        for r in state.refused
    ]
    frame = pl.DataFrame(rows, schema=PLAN_FILE_SCHEMA)
    context.add_output_metadata(
        {
            "files": len(state.keyed),
            "refused": len(state.refused),
            "stale": len(state.stale),
            "folder": str(plan_folder.root()),
        }
    )
    return frame


@dg.asset(
    group_name="ingest",
    compute_kind="python",
    partitions_def=plans_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[plan_files],
)
def documents(context: dg.AssetExecutionContext, plan_folder: PlanFolder) -> dg.MaterializeResult:
    """Read, normalise and extract each plan of the run's partitions (metadata, targets, citations,
    themes), storing one result per plan. A plan whose stored result comes from the same file content
    and the same code is not read again; a plan that cannot be read becomes a rejection, never a
    failure of the others."""
    store = ExtractionStore(plan_folder.store())
    state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
    by_key = {k.key: k for k in state.keyed}
    fingerprint = code_fingerprint()
    extracted, skipped, missing, todo = [], [], [], []
    for key in context.partition_keys:
        keyed = by_key.get(key)
        if keyed is None:
            missing.append(key)  # the file left the folder since the partition was added
        elif store.is_current(key, fingerprint):
            skipped.append(key)
        else:
            todo.append(keyed)
    workers = extraction_workers(len(todo))
    rejected = 0
    for record in extract_many(todo, fingerprint, workers):
        store.write(record)
        extracted.append(record["key"])
        if record["rejections"]:
            rejected += 1
            context.log.warning(f"{record['file_name']}: {record['rejections'][0]['reason']}")
    context.log.info(f"extracted {len(extracted)} plan(s), {len(skipped)} unchanged, {len(missing)} gone")
    return dg.MaterializeResult(
        metadata={
            "extracted": len(extracted),
            "unchanged_skipped": len(skipped),
            "gone": len(missing),
            "with_rejections": rejected,
            "worker_processes": workers,
            "code_fingerprint": fingerprint,
        }
    )


REFERENCE_COLUMNS = {
    "province_code": pl.String,
    "province_name": pl.String,
    "statistic": pl.String,
    "year": pl.Int64,
    "value": pl.Float64,
    "unit": pl.String,
    "status": pl.String,
    "source": pl.String,
    "source_url": pl.String,
    "origin": pl.String,
}


@dg.asset(group_name="ingest", compute_kind="python")
def reference_statistics(context: dg.AssetExecutionContext, plan_folder: PlanFolder) -> pl.DataFrame:
    """Official statistics analysts drop as CSV into data/raw/reference/ (files starting with "_" are
    templates). A file that cannot be read is logged and skipped; the checked seed is unaffected."""
    folder = plan_folder.root().parent / "reference"
    frames = []
    for path in sorted(folder.glob("*.csv")) if folder.exists() else []:
        if path.name.startswith("_"):
            continue
        try:
            frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
            missing = set(REFERENCE_COLUMNS) - {"origin"} - set(frame.columns)
            if missing:
                raise ValueError(f"missing columns {sorted(missing)}")
            frame = frame.with_columns(
                pl.col("year").cast(pl.Int64, strict=True),
                pl.col("value").str.replace_all(",", ".").cast(pl.Float64, strict=True),
                pl.col("province_code").str.zfill(2),
                pl.lit(path.name).alias("origin"),
            ).select(list(REFERENCE_COLUMNS))
            frames.append(frame)
        except Exception as exc:  # a bad drop-in must not stop the night
            context.log.error(f"reference file {path.name} skipped: {exc}")
    result = pl.concat(frames) if frames else pl.DataFrame(schema=REFERENCE_COLUMNS)
    context.add_output_metadata({"rows": result.height, "files": len(frames)})
    return result
