"""Ingest: plan files on disk → one partition per plan, read and extracted, results stored per plan."""

import dagster as dg
import polars as pl

from pipelines.defs.ingest.checks import (
    PLAN_FILES_LISTED,
    REFERENCE_STATISTICS_SOURCED,
    plan_files_listed,
    reference_statistics_sourced,
)
from pipelines.defs.ingest.partitions import folder_state, plans_from_listing, plans_partitions
from pipelines.lib.console import progress
from pipelines.lib.resources import PlanFolder
from pipelines.raw_tables.columns import PLAN_FILE_COLUMNS as PLAN_FILE_SCHEMA
from pipelines.raw_tables.reference import REFERENCE_COLUMNS, read_reference_folder
from pipelines.store.build_state import PlanFolderGone, begin_build, check_plan_folder, remove_pending
from pipelines.store.extraction import ExtractionStore, code_fingerprint, extract_many, extraction_workers


@dg.asset(group_name="ingest", compute_kind="python", check_specs=[PLAN_FILES_LISTED])
def plan_files(context: dg.AssetExecutionContext, plan_folder: PlanFolder):
    """Every file in the plan folder with its partition key and content hash; files we will not
    read (symbolic links, unsupported formats) are listed with a reason instead of being ignored.

    This is the run's one listing of the folder: the other steps read it, and the build is recorded
    from it. A missing folder, or one emptied while plans were stored, stops the run here, before
    anything is pruned or published (KHCN_ALLOW_EMPTY=1 allows emptying)."""
    try:
        check_plan_folder(plan_folder.root(), plan_folder.store())
        state = folder_state(context.instance, plan_folder.root(), plan_folder.store())
        check_plan_folder(plan_folder.root(), plan_folder.store(), len(state.keyed))
    except PlanFolderGone as exc:
        raise dg.Failure(str(exc), allow_retries=False) from None
    remove_pending(plan_folder.data_dir(), keep_run_id=context.run.run_id)
    begin_build(
        plan_folder.data_dir(), context.run.run_id, state.keys, [r["file_name"] for r in state.refused]
    )
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
    metadata = {
        "files": len(state.keyed),
        "refused": len(state.refused),
        "stale": len(state.stale),
        "folder": str(plan_folder.root()),
    }
    yield dg.Output(frame, metadata=metadata)
    yield plan_files_listed(frame)


@dg.asset(
    group_name="ingest",
    compute_kind="python",
    partitions_def=plans_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    ins={"plan_files": dg.AssetIn(plan_files.key)},
)
def documents(
    context: dg.AssetExecutionContext, plan_folder: PlanFolder, plan_files: pl.DataFrame
) -> dg.MaterializeResult:
    """Read, normalise and extract each plan of the run's partitions (metadata, targets, citations,
    themes), storing one result per plan. A plan whose stored result comes from the same file content
    and the same code is not read again; a plan that cannot be read becomes a rejection, never a
    failure of the others."""
    store = ExtractionStore(plan_folder.store())
    keyed_plans, _ = plans_from_listing(plan_files, plan_folder.root())
    by_key = {k.key: k for k in keyed_plans}
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
    for record in progress(extract_many(todo, fingerprint, workers), len(todo)):  # a bar on a terminal
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


REFERENCE_OUTPUT = {**REFERENCE_COLUMNS, "reason_code": pl.String, "reason": pl.String}


@dg.asset(group_name="ingest", compute_kind="python", check_specs=[REFERENCE_STATISTICS_SOURCED])
def reference_statistics(context: dg.AssetExecutionContext, plan_folder: PlanFolder):
    """Official statistics analysts drop as CSV into data/raw/reference/ (files starting with "_" are
    templates). A file that cannot be read is refused whole: it comes out as one row with only
    `origin`, `reason_code` and `reason` set, which the raw load sends to the quarantine marts."""
    frame, refused = read_reference_folder(plan_folder.root().parent / "reference")
    rows = frame.with_columns(
        pl.lit(None, pl.String).alias("reason_code"), pl.lit(None, pl.String).alias("reason")
    )
    refusals = pl.DataFrame(
        [{"origin": r["file_name"], "reason_code": r["reason_code"], "reason": r["reason"]} for r in refused],
        schema=REFERENCE_OUTPUT,
    )
    for r in refused:
        context.log.error(f"{r['file_name']}: {r['reason']}")
    result = pl.concat([rows.select(list(REFERENCE_OUTPUT)), refusals])
    yield dg.Output(result, metadata={"rows": frame.height, "files_refused": len(refused)})
    yield reference_statistics_sourced(result)
