"""Shared fixtures. Nothing of ours is mocked: tests run the real library, Dagster, DuckDB and dbt."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "data" / "raw" / "plans"
GOLDEN = Path(__file__).parent / "fixtures" / "golden"


def golden_records() -> list[dict]:
    """The analyst's own labels of the seed plans (tests/fixtures/golden)."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob("*.json"))]


@pytest.fixture(scope="session")
def gazetteer():
    from pipelines.gazetteer.units import Gazetteer

    return Gazetteer.load()


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """dagster-dbt needs target/manifest.json at import time; `make test` runs `dbt parse`, this covers
    a bare `pytest` too."""
    manifest = REPO / "dbt_project" / "target" / "manifest.json"
    sources = list((REPO / "dbt_project").rglob("*.sql")) + list((REPO / "dbt_project").rglob("*.yml"))
    sources += list((REPO / "dbt_project" / "seeds").glob("*.csv"))
    if not manifest.exists() or manifest.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run(
            [str(dbt), "parse", "--project-dir", ".", "--profiles-dir", ".", "--quiet"],
            cwd=REPO / "dbt_project",
            check=True,
        )
    return manifest


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data/ folder with copies of the seed plans, and the pipeline pointed at it."""
    data = tmp_path / "data"
    shutil.copytree(PLANS, data / "raw" / "plans")
    monkeypatch.setenv("KHCN_DATA_DIR", str(data))
    monkeypatch.setenv("KHCN_WAREHOUSE", str(data / "warehouse.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    return data
