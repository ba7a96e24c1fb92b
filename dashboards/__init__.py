"""Static dashboards for analysts, built from the mart Parquet files."""

from dashboards.site import build_site

__all__ = ["build_site"]
