"""Static dashboards for analysts, built from the mart Parquet files (see `build_site`).

`build_site` is imported on first use, so a module run as a command (`python -m dashboards.pdf`) or
read alone (`dashboards.text`) does not load the whole site builder and plotly first."""

from __future__ import annotations

from typing import Any

__all__ = ["build_site"]


def __getattr__(name: str) -> Any:
    if name == "build_site":
        from dashboards.build import build_site

        return build_site
    raise AttributeError(f"module 'dashboards' has no attribute {name!r}")
