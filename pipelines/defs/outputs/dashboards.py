"""Dashboards: the static site analysts open offline, built from the exported Parquet marts."""

import time

import dagster as dg
import duckdb

from pipelines.lib.resources import MartsFolder, PlanFolder, Warehouse
from pipelines.publishing.marts import mart_names
from pipelines.store.build_state import record_build


def published_marts(warehouse: Warehouse) -> list[str] | None:
    """Names of the marts in the published warehouse (the current-check expects them there); None
    when it does not open read-only (then the build is not recorded and the next run rebuilds)."""
    try:
        with warehouse.connect(read_only=True) as conn:
            return mart_names(conn)
    except duckdb.Error:
        return None


@dg.asset(group_name="export", kinds={"html", "plotly"}, deps=[dg.AssetKey("mart_exports")])
def dashboard_site(
    context: dg.AssetExecutionContext,
    marts_folder: MartsFolder,
    plan_folder: PlanFolder,
    warehouse: Warehouse,
) -> dg.MaterializeResult:
    """`<marts>/dashboard/`: overview, analysis pages and one page per province; swapped in atomically."""
    from dashboards import build_site  # Plotly and the page templates: loaded by the step that uses them

    out_dir = marts_folder.root() / "dashboard"
    started = time.perf_counter()
    pages = build_site(marts_folder.root(), out_dir)
    seconds = round(time.perf_counter() - started, 2)
    context.log.info(f"wrote {len(pages)} pages to {out_dir} in {seconds} s")
    # the last output is in place: only now may the next run call the outputs current
    marts = published_marts(warehouse)
    if marts and record_build(plan_folder.data_dir(), context.run.run_id, marts):
        context.log.info("build recorded: the next run with nothing changed stops at once")
    else:
        context.log.warning(
            "build not recorded (a partial run, or the warehouse did not open): the next run rebuilds"
        )
    return dg.MaterializeResult(
        metadata={
            "pages": len(pages),
            "provinces": sum(p.name.startswith("province-") for p in pages),
            "path": dg.MetadataValue.path(str(out_dir)),
            "index": dg.MetadataValue.path(str(out_dir / "index.html")),
            "build_seconds": seconds,
        }
    )
