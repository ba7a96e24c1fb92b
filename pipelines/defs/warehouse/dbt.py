"""The dbt project as Dagster assets: seeds, staging, intermediate and mart models built in this
run's warehouse file (made by raw.py), their tests as asset checks, published when all succeeded."""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.lib.resources import DUCKDB_POOL, Warehouse
from pipelines.project import dbt_project


class KhcnTranslator(DagsterDbtTranslator):
    """dbt sources are the raw.* assets above; models are grouped by their folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


translator = KhcnTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
)


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
    try:
        if not build.exists():
            if complete:
                raise dg.Failure(
                    f"no warehouse build for this run ({build.name}): materialize the raw tables in the same run"
                )
            warehouse.start_build(context.run.run_id, from_live=True)  # a subset: rebuilt on a copy
        # the build file goes to dbt as a var (profiles.yml), not through the process environment
        args = ["build", "--vars", json.dumps({"warehouse_path": str(build)})]
        yield from dbt.cli(args, context=context).stream()
        warehouse.publish(context.run.run_id)
    except BaseException:
        warehouse.discard(context.run.run_id)
        raise
    context.log.info(f"published {build.name} as {warehouse.path}")
