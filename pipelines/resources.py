"""Every resource is built here, from one settings object, so tests can point the whole
pipeline at a temporary folder by setting KHCN_DATA_DIR (and nothing else)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from pipelines.khcn.documents import default_data_dir
from pipelines.project import dbt_project

DUCKDB_POOL = "duckdb"
STALE_BUILD_SECONDS = 6 * 3600  # a build file older than this belongs to a run that died


@dataclass(frozen=True)
class Settings:
    """Where everything lives; derived from KHCN_DATA_DIR (default: the repo's data/)."""

    data_dir: Path

    @property
    def plan_dir(self) -> Path:
        return self.data_dir / "raw" / "plans"

    @property
    def warehouse_path(self) -> Path:
        return Path(os.environ.get("KHCN_WAREHOUSE") or self.data_dir / "warehouse.duckdb")

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "extracted"

    @property
    def marts_dir(self) -> Path:
        return self.data_dir / "marts"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(default_data_dir().resolve())


class PlanFolder(dg.ConfigurableResource):
    """The folder analysts drop plans into, and where per-plan extraction results are kept."""

    path: str
    store_path: str

    def root(self) -> Path:
        return Path(self.path)

    def store(self) -> Path:
        return Path(self.store_path)


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse. Readers use the published file; each run builds its own next file
    (raw tables, then dbt) and publishes it with one atomic rename, so a crash at any moment loses at
    most that run and never leaves readers a half-built warehouse."""

    path: str

    def build_path(self, run_id: str) -> Path:
        live = Path(self.path)
        return live.with_name(f"{live.stem}.building-{run_id[:8]}.duckdb")

    @contextmanager
    def connect(
        self, read_only: bool = False, path: Path | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        target = Path(path or self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(target), read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()

    def start_build(self, run_id: str) -> Path:
        """A fresh, empty build file for this run (leftovers of killed runs are removed)."""
        live = Path(self.path)
        for leftover in live.parent.glob(f"{live.stem}.building-*.duckdb*"):
            if time.time() - leftover.stat().st_mtime > STALE_BUILD_SECONDS or run_id[:8] in leftover.name:
                leftover.unlink(missing_ok=True)
        return self.build_path(run_id)

    def publish(self, run_id: str) -> None:
        """Checkpoint the build and swap it in place of the live warehouse (atomic rename)."""
        build = self.build_path(run_id)
        with duckdb.connect(str(build)) as conn:
            conn.execute("checkpoint")
        live = Path(self.path)
        Path(f"{live}.wal").unlink(missing_ok=True)
        os.replace(build, live)


class MartsFolder(dg.ConfigurableResource):
    """Where exports for people are written (Parquet, CSV, the workbook)."""

    path: str

    def root(self) -> Path:
        return Path(self.path)


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    settings = settings or Settings.from_env()
    return {
        "plan_folder": PlanFolder(path=str(settings.plan_dir), store_path=str(settings.store_dir)),
        "warehouse": Warehouse(path=str(settings.warehouse_path)),
        "marts_folder": MartsFolder(path=str(settings.marts_dir)),
        # The dbt next to this interpreter, so a non-activated .venv works too.
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))
        ),
    }
