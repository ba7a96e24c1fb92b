"""Dashboards: the static site analysts open offline, built from the exported Parquet marts."""

import dagster as dg

from dashboards import build_site
from pipelines.assets.export import mart_exports
from pipelines.resources import MartsFolder


@dg.asset(group_name="export", kinds={"html", "plotly"}, deps=[mart_exports])
def dashboard_site(context: dg.AssetExecutionContext, marts_folder: MartsFolder) -> dg.MaterializeResult:
    """data/marts/dashboard/: an overview page (plotly.js inline) and one page per province."""
    pages = build_site(marts_folder.root(), marts_folder.root() / "dashboard")
    context.log.info(f"wrote {len(pages)} pages")
    return dg.MaterializeResult(
        metadata={
            "pages": len(pages),
            "index": dg.MetadataValue.path(str(marts_folder.root() / "dashboard" / "index.html")),
        }
    )
