"""Static dashboards for analysts, built from the mart Parquet files (see `build_site`)."""

from dashboards.build import build_site

__all__ = ["build_site"]
