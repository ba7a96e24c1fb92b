"""The dbt project as Dagster assets: seeds, staging, intermediate and mart models built in this
run's warehouse file (made by raw.py), their tests as asset checks, published when all succeeded."""

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.lib.dbt_state import built_with, dbt_project_fingerprint, dbt_threads, record_dbt_build
from pipelines.lib.resources import DUCKDB_POOL, Warehouse
from pipelines.project import dbt_project
from pipelines.settings import DBT_PROJECT_DIR

SEED_GROUP = "reference"
PARTIAL_PARSE = "partial_parse.msgpack"


class KhcnTranslator(DagsterDbtTranslator):
    """dbt sources are the raw.* assets above; models are grouped by their folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return SEED_GROUP
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


translator = KhcnTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)


def seed_keys() -> set[dg.AssetKey]:
    """The dbt seeds' asset keys: a run whose dbt project built the published warehouse leaves them
    out (pipelines/lib/dbt_state.py)."""
    return {key for key, group in khcn_dbt_assets.group_names_by_key.items() if group == SEED_GROUP}


def target_with_parse(warehouse: Warehouse, run_id: str) -> Path:
    """This invocation's own dbt target folder (as dagster-dbt names them), holding the parse kept
    by the last run on this warehouse, so dbt re-parses only what changed since."""
    target = DBT_PROJECT_DIR / "target" / f"khcn_dbt_assets-{run_id[:7]}-{uuid.uuid4().hex[:7]}"
    target.mkdir(parents=True)
    cache = warehouse.partial_parse_cache()
    if cache.is_file():
        shutil.copyfile(cache, target / PARTIAL_PARSE)
    return target


def keep_parse(target: Path, warehouse: Warehouse) -> None:
    """Keep dbt's parse for the next run (replaced whole, so a reader never sees half of it)."""
    parsed = target / PARTIAL_PARSE
    if parsed.is_file():
        cache = warehouse.partial_parse_cache()
        tmp = cache.with_name(f"{cache.name}.{uuid.uuid4().hex[:8]}")
        shutil.copyfile(parsed, tmp)
        os.replace(tmp, cache)


def dbt_args(build_path: str, same_project: bool, copied: bool) -> list[str]:
    """One `dbt build` for the whole selection; the build file goes to dbt as a var (profiles.yml),
    not through the process environment. On a copy of the published warehouse built by this same
    project the unit tests are left out (they read only the project's SQL and fixtures, and passed
    on it); on a copy built by another project the seeds are dropped and loaded again
    (`--full-refresh`: a seed that gained a column cannot be loaded into its old table)."""
    args = ["build", "--vars", json.dumps({"warehouse_path": build_path}), "--threads", str(dbt_threads())]
    if same_project:
        return [*args, "--exclude", "resource_type:unit_test"]
    return [*args, "--full-refresh"] if copied else args


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=DUCKDB_POOL,
)
def khcn_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """Seeds, staging views and mart tables built in this run's warehouse file, with their tests as
    asset checks; published in place of the live warehouse only when the whole build succeeded."""
    build = warehouse.build_path(context.run.run_id)
    complete = set(context.selected_asset_keys) >= set(khcn_dbt_assets.keys)
    fingerprint = dbt_project_fingerprint()
    try:
        if not build.exists():
            if complete:
                raise dg.Failure(
                    f"no warehouse build for this run ({build.name}): materialize the raw tables in the same run"
                )
            warehouse.start_build(context.run.run_id, from_live=True)  # a subset: rebuilt on a copy
        copied = not complete  # raw.py copies the published warehouse for a subset
        args = dbt_args(str(warehouse.dbt_path()), copied and built_with(build) == fingerprint, copied)
        with warehouse.lent_to_dbt(context.run.run_id):
            target = target_with_parse(warehouse, context.run.run_id)
            yield from dbt.cli(args, context=context, target_path=target).stream()
            keep_parse(target, warehouse)
        with warehouse.connect(path=build) as conn:
            record_dbt_build(conn, fingerprint, context.run.run_id)
        warehouse.publish(context.run.run_id)
    except BaseException:
        warehouse.discard(context.run.run_id)
        raise
    context.log.info(f"published {build.name} as {warehouse.path}")
