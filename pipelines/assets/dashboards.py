"""Dashboards: the static site analysts open offline, built from the exported Parquet marts."""

import time

import dagster as dg

from dashboards import build_site
from pipelines.resources import MartsFolder


@dg.asset(group_name="export", kinds={"html", "plotly"}, deps=[dg.AssetKey("mart_exports")])
def dashboard_site(context: dg.AssetExecutionContext, marts_folder: MartsFolder) -> dg.MaterializeResult:
    """`<marts>/dashboard/`: overview, analysis pages and one page per province; swapped in atomically."""
    out_dir = marts_folder.root() / "dashboard"
    started = time.perf_counter()
    pages = build_site(marts_folder.root(), out_dir)
    seconds = round(time.perf_counter() - started, 2)
    context.log.info(f"wrote {len(pages)} pages to {out_dir} in {seconds} s")
    return dg.MaterializeResult(
        metadata={
            "pages": len(pages),
            "provinces": sum(p.name.startswith("province-") for p in pages),
            "path": dg.MetadataValue.path(str(out_dir)),
            "index": dg.MetadataValue.path(str(out_dir / "index.html")),
            "build_seconds": seconds,
        }
    )
