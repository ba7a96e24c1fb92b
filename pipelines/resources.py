"""Every resource is built here, from one settings object, so tests can point the whole
pipeline at a temporary folder by setting KHCN_DATA_DIR (and nothing else)."""

from __future__ import annotations

import os
import sys
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
    def marts_dir(self) -> Path:
        return self.data_dir / "marts"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(default_data_dir().resolve())


class PlanFolder(dg.ConfigurableResource):
    """The folder analysts drop plans into."""

    path: str

    def root(self) -> Path:
        return Path(self.path)


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file. Only assets in the `duckdb` pool open it for writing."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(self.path, read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()


class MartsFolder(dg.ConfigurableResource):
    """Where exports for people are written (Parquet, CSV, the workbook)."""

    path: str

    def root(self) -> Path:
        return Path(self.path)


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    settings = settings or Settings.from_env()
    # dbt reads the warehouse path from the environment (profiles.yml); keep both in step.
    os.environ["KHCN_WAREHOUSE"] = str(settings.warehouse_path)
    return {
        "plan_folder": PlanFolder(path=str(settings.plan_dir)),
        "warehouse": Warehouse(path=str(settings.warehouse_path)),
        "marts_folder": MartsFolder(path=str(settings.marts_dir)),
        # The dbt next to this interpreter, so a non-activated .venv works too.
        "dbt": DbtCliResource(
            project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))
        ),
    }
