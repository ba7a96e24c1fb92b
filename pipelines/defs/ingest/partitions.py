"""One dynamic partition per plan file, kept in step with the plan folder."""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.store.extraction import ExtractionStore, KeyedPlan, code_fingerprint, key_plans
from pipelines.store.plan_files import PlanFile, discover_plan_files

plans_partitions = dg.DynamicPartitionsDefinition(name="plans")


@dataclass(frozen=True)
class FolderState:
    """What the plan folder holds now, against what the instance and the extraction store know."""

    keyed: list[KeyedPlan]
    refused: list[dict]
    added: list[str]
    removed: list[str]
    stale: list[str]  # current keys whose stored extraction is missing or from other code
    fingerprint: str

    @property
    def keys(self) -> list[str]:
        return [k.key for k in self.keyed]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.stale)


def folder_state(instance: dg.DagsterInstance, plan_dir: Path, store_dir: Path) -> FolderState:
    files, refused = discover_plan_files(plan_dir)
    keyed, unreadable = key_plans(files, store_dir)
    existing = set(instance.get_dynamic_partitions(plans_partitions.name))
    current = [k.key for k in keyed]
    fingerprint = code_fingerprint()
    store = ExtractionStore(store_dir)
    return FolderState(
        keyed=keyed,
        refused=refused + unreadable,
        added=[k for k in current if k not in existing],
        removed=sorted(existing - set(current)),
        stale=[k for k in current if not store.is_current(k, fingerprint)],
        fingerprint=fingerprint,
    )


def plans_from_listing(listing: pl.DataFrame, plan_dir: Path) -> tuple[list[KeyedPlan], list[dict]]:
    """The plans and refusals of the run's one folder listing (the `plan_files` asset), so every step
    of a run sees the same folder: a file removed mid-run is "gone", never unaccounted for."""
    keyed = [
        KeyedPlan(
            row["plan_key"],
            PlanFile(plan_dir / row["file_name"], row["file_name"], row["size_bytes"], row["modified_at"]),
            row["sha256"],
        )
        for row in listing.filter(pl.col("status") == "candidate").iter_rows(named=True)
    ]
    refused = [
        {
            "file_name": row["file_name"],
            "document_id": None,
            "stage": "discover",
            "reason_code": row["reason_code"],
            "reason": row["reason"],
        }
        for row in listing.filter(pl.col("status") == "refused").iter_rows(named=True)
    ]
    return keyed, refused


def partition_requests(state: FolderState) -> list:
    """Add the new plans' partitions and delete those of plans that left the folder."""
    requests = []
    if state.added:
        requests.append(plans_partitions.build_add_request(state.added))
    if state.removed:
        requests.append(plans_partitions.build_delete_request(state.removed))
    return requests


def apply_partition_changes(instance: dg.DagsterInstance, state: FolderState) -> None:
    """Same as `partition_requests`, applied directly (for `make run` and tests)."""
    if state.added:
        instance.add_dynamic_partitions(plans_partitions.name, state.added)
    for key in state.removed:
        instance.delete_dynamic_partition(plans_partitions.name, key)


def range_tags(keys: list[str]) -> dict[str, str]:
    """Tags that make one run cover a range of partitions (the assets use a single-run backfill)."""
    if not keys:
        return {}
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
