"""Asset checks on the raw tables: the Pandera contracts re-asserted on what was stored, nothing lost,
results current — so the UI shows what is wrong without reading logs.

Each raw check is written once, as a pure function of the raw frames (`RAW_CHECKS`). Today each runs
as its own Dagster check reading the stored build (`WAREHOUSE_CHECKS`); the `raw_tables` step can
instead declare `RAW_CHECK_SPECS` and yield `raw_check_results(tables)` over the frames it writes
(same check names, so the UI and the definitions snapshot keep them).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import dagster as dg
import polars as pl

from pipelines.defs.ingest.partitions import plans_from_listing
from pipelines.lib.resources import PlanFolder, Warehouse
from pipelines.raw_tables.columns import raw_table_columns
from pipelines.raw_tables.contracts import DocumentSchema, citation_schema, split_valid, target_schema
from pipelines.store.extraction import ExtractionStore, KeyedPlan, code_fingerprint
from pipelines.targets.catalog import load_catalog

Tables = Mapping[str, pl.DataFrame]
Outcome = tuple[bool, dict]


@dataclass(frozen=True)
class RawCheck:
    """One check of the raw tables: on which table it reports, which columns of which tables it
    reads (None: every column), and the verdict over those frames."""

    name: str
    table: str
    description: str
    reads: Mapping[str, tuple[str, ...] | None]
    evaluate: Callable[[Tables], Outcome]

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey(["raw", self.table])


def _contract(table: str, schema: Callable[[], object]) -> Callable[[Tables], Outcome]:
    def evaluate(tables: Tables) -> Outcome:
        frame = tables[table]
        _, invalid = split_valid(frame, schema())  # type: ignore[arg-type]
        return invalid.height == 0, {table: frame.height, "violations": invalid.height}

    return evaluate


def _rejections_have_reasons(tables: Tables) -> Outcome:
    frame = tables["rejected_documents"]
    missing = frame.filter(pl.col("reason").is_null() | (pl.col("reason").str.len_chars() == 0))
    return missing.height == 0, {"rejected": frame.height, "without_reason": missing.height}


def _every_file_accounted_for(tables: Tables) -> Outcome:
    seen = set(tables["documents"]["file_name"]) | set(tables["rejected_documents"]["file_name"])
    missing = sorted(set(tables["plan_files"]["file_name"]) - seen)
    return not missing, {"unaccounted": dg.MetadataValue.json(missing)}


def _has_columns(table: str) -> Callable[[Tables], Outcome]:
    def evaluate(tables: Tables) -> Outcome:
        missing = sorted(set(raw_table_columns()[table]) - set(tables[table].columns))
        return not missing, {"missing_columns": dg.MetadataValue.json(missing)}

    return evaluate


# The raw tables without a richer contract: their columns are the one declaration in raw_tables.columns.
COLUMN_CHECKED_TABLES = (
    "theme_mentions",
    "citation_links",
    "rejected_targets",
    "rejected_citations",
    "reference_statistics",
)
RAW_CHECKS = [
    RawCheck(
        "documents_contract",
        "documents",
        "Every stored document satisfies the Pandera document contract.",
        {"documents": None},
        _contract("documents", DocumentSchema.to_schema),
    ),
    RawCheck(
        "targets_contract",
        "targets",
        "Stored targets satisfy the Pandera target contract.",
        {"targets": None},
        _contract("targets", lambda: target_schema(load_catalog().codes)),
    ),
    RawCheck(
        "citations_contract",
        "citations",
        "Stored citations satisfy the citation contract.",
        {"citations": None},
        _contract("citations", citation_schema),
    ),
    RawCheck(
        "rejections_have_reasons",
        "rejected_documents",
        "Every quarantined file has a reason a person can act on.",
        {"rejected_documents": None},
        _rejections_have_reasons,
    ),
    RawCheck(
        "every_file_accounted_for",
        "plan_files",
        "Every file in the plan folder is a document, a duplicate or a rejection.",
        {"plan_files": ("file_name",), "documents": ("file_name",), "rejected_documents": ("file_name",)},
        _every_file_accounted_for,
    ),
    *(
        RawCheck(
            f"{table}_columns",
            table,
            f"raw.{table} has its columns.",
            {table: None},
            _has_columns(table),
        )
        for table in COLUMN_CHECKED_TABLES
    ),
]
RAW_CHECK_SPECS = [
    dg.AssetCheckSpec(check.name, asset=check.asset_key, description=check.description)
    for check in RAW_CHECKS
]


def raw_check_results(tables: Tables) -> list[dg.AssetCheckResult]:
    """Every raw check over the frames the raw tables are written from (pure: reads nothing else)."""
    return [_result(check, tables) for check in RAW_CHECKS]


def _result(check: RawCheck, tables: Tables) -> dg.AssetCheckResult:
    passed, metadata = check.evaluate(tables)
    return dg.AssetCheckResult(
        asset_key=check.asset_key, check_name=check.name, passed=passed, metadata=metadata
    )


def _read(context: dg.AssetCheckExecutionContext, warehouse: Warehouse, check: RawCheck) -> Tables:
    """The tables a check reads, from this run's warehouse build if it exists (checks run before
    publication), else the live one."""
    build = warehouse.build_path(context.run.run_id)
    with warehouse.connect(read_only=True, path=build if build.exists() else None) as conn:
        return {
            table: conn.sql(f"select {', '.join(columns) if columns else '*'} from raw.{table}").pl()
            for table, columns in check.reads.items()
        }


def _stored_check(check: RawCheck) -> dg.AssetChecksDefinition:
    """The check as its own Dagster step over the stored build."""

    @dg.asset_check(asset=check.asset_key, name=check.name, description=check.description)
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        passed, metadata = check.evaluate(_read(context, warehouse, check))
        return dg.AssetCheckResult(passed=passed, metadata=metadata)

    return _check


def extraction_is_current_result(
    keyed: list[KeyedPlan], store: ExtractionStore, fingerprint: str
) -> dg.AssetCheckResult:
    """Whether every listed plan has a stored result from the current code (a warning otherwise)."""
    stale = [k.key for k in keyed if not store.is_current(k.key, fingerprint)]
    return dg.AssetCheckResult(
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"plans": len(keyed), "stale": dg.MetadataValue.json(stale[:50])},
    )


@dg.asset_check(
    asset="documents",
    description="Every plan in the run's folder listing has an extraction result from the current code.",
    additional_ins={"plan_files": dg.AssetIn("plan_files")},
)
def extraction_is_current(
    context: dg.AssetCheckExecutionContext, plan_folder: PlanFolder, plan_files: pl.DataFrame
) -> dg.AssetCheckResult:
    keyed, _ = plans_from_listing(plan_files, plan_folder.root())
    return extraction_is_current_result(keyed, ExtractionStore(plan_folder.store()), code_fingerprint())


WAREHOUSE_CHECKS = [*(_stored_check(check) for check in RAW_CHECKS), extraction_is_current]
