"""Where everything lives: the one place that knows the project's folders and the data folder's layout.

The library never walks up the checkout to find its data: it takes paths as arguments, and the
defaults of those arguments come from here. Pure Python (no Dagster), so the library, the command
line, the Dagster definitions, the scripts and the tests all read the same answer.

The data folder is `KHCN_DATA_DIR` (default: the checkout's `data/`); the live warehouse is
`KHCN_WAREHOUSE` (default: `warehouse.duckdb` in the data folder). Both are read, never written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""The checkout: `pipelines/`, `dashboards/`, `dbt_project/`, `tests/` sit in it."""
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
"""What `dbt parse` writes (`make manifest`): the models' documentation and meta, read by the workbook."""
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DASHBOARDS_DIR = PROJECT_DIR / "dashboards"
LABELLED_SETS_DIR = PROJECT_DIR / "tests" / "fixtures"
"""The analysts' labelled plans (one folder per set), read by evaluation and the confidence fit."""
EXTRACTION_PACKAGES = ("formats", "text", "gazetteer", "metadata", "targets", "store")
"""Library packages (under pipelines/) whose code decides what is read from a plan; with the
modules in EXTRACTION_MODULES they make the code fingerprint of a stored extraction."""
EXTRACTION_MODULES = ("citations.py", "themes.py", "settings.py")


def seed(name: str) -> Path:
    """A dbt seed CSV by name (`seed("indicators")`): vocabularies and catalogs are data, kept there."""
    return SEEDS_DIR / f"{name}.csv"


LIBRARY_DIR = PROJECT_DIR / "pipelines"


def extraction_sources(library: Path = LIBRARY_DIR) -> list[Path]:
    """Every Python file whose change makes stored extractions stale."""
    files = [p for package in EXTRACTION_PACKAGES for p in (library / package).rglob("*.py")]
    files += [library / name for name in EXTRACTION_MODULES]
    return sorted(p for p in files if "__pycache__" not in p.parts)


def default_data_dir() -> Path:
    """`KHCN_DATA_DIR`, or the checkout's own `data/` folder."""
    env = os.environ.get("KHCN_DATA_DIR")
    return Path(env) if env else PROJECT_DIR / "data"


@dataclass(frozen=True)
class Settings:
    """The data folder's layout. One rule for every path, used by the build, the build-is-current
    check, the sensors and the tests alike."""

    data_dir: Path
    warehouse: Path | None = None

    @property
    def plan_dir(self) -> Path:
        return self.data_dir / "raw" / "plans"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "raw" / "reference"

    @property
    def reviews_dir(self) -> Path:
        return self.data_dir / "raw" / "reviews"

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse or self.data_dir / "warehouse.duckdb"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "extracted"

    @property
    def marts_dir(self) -> Path:
        return self.data_dir / "marts"

    @classmethod
    def from_env(cls) -> Settings:
        """The settings of this process: KHCN_DATA_DIR and KHCN_WAREHOUSE, or the defaults."""
        warehouse = os.environ.get("KHCN_WAREHOUSE")
        return cls(default_data_dir().resolve(), Path(warehouse).resolve() if warehouse else None)
