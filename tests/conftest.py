"""Shared fixtures. Nothing of ours is mocked: tests run the real library, Dagster, DuckDB and dbt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.session_build import PLANS, REPO, Build, build_session, copy_build, load_build

GOLDEN = Path(__file__).parent / "fixtures" / "golden"


def golden_records() -> list[dict]:
    """The analyst's own labels of the seed plans (tests/fixtures/golden)."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob("*.json"))]


@pytest.fixture(scope="session")
def gazetteer():
    from pipelines.gazetteer.units import Gazetteer

    return Gazetteer.load()


DBT_OUTPUT_FOLDERS = {"target", "logs", "dbt_packages"}


def dbt_sources(project: Path) -> list[Path]:
    """The files `dbt parse` reads: SQL, YAML and seed CSVs, not what dbt writes (target/, logs/),
    whose compiled SQL would make the manifest look stale after every `dbt build`."""
    found = []
    for path in project.rglob("*"):
        relative = path.relative_to(project).parts
        if relative[0] in DBT_OUTPUT_FOLDERS or not path.is_file():
            continue
        if path.suffix in (".sql", ".yml") or (relative[0] == "seeds" and path.suffix == ".csv"):
            found.append(path)
    return found


def manifest_is_stale(project: Path) -> bool:
    manifest = project / "target" / "manifest.json"
    return not manifest.exists() or manifest.stat().st_mtime < max(
        p.stat().st_mtime for p in dbt_sources(project)
    )


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """dagster-dbt needs target/manifest.json at import time; `make test` runs `dbt parse`, this covers
    a bare `pytest` too."""
    project = REPO / "dbt_project"
    if manifest_is_stale(project):
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run(
            [str(dbt), "parse", "--project-dir", ".", "--profiles-dir", ".", "--quiet"],
            cwd=project,
            check=True,
        )
    return project / "target" / "manifest.json"


@pytest.fixture(scope="session")
def session_build(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Build:
    """ONE real `make run` over the seed plans plus every bad input the slow tests assert against
    (tests/session_build.py); read-only. Tests needing another state use `built_copy`."""
    reuse = os.environ.get("KHCN_TEST_REUSE_BUILD")  # a build of an earlier session, never in CI
    return load_build(Path(reuse)) if reuse else build_session(tmp_path_factory.mktemp("session_build"))


@pytest.fixture
def built_copy(session_build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Build:
    """A private, writable copy of the session build, and the pipeline pointed at it (as `data_dir`)."""
    copy = copy_build(session_build, tmp_path / "built")
    monkeypatch.setenv("KHCN_DATA_DIR", str(copy.data))
    monkeypatch.setenv("KHCN_WAREHOUSE", str(copy.data / "warehouse.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(copy.home))
    monkeypatch.delenv("KHCN_FORCE", raising=False)
    return copy


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the session build (directly or through `built_copy`) waits for a whole
    pipeline run: it is slow, whatever its module says, so `make test-fast` never starts the build."""
    for item in items:
        if "session_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
