"""Shared fixtures. Nothing of ours is mocked: tests run the real library, Dagster, DuckDB and dbt."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from tests.scheduling import uses_session_build
from tests.session_build import (
    PLANS,
    REPO,
    Build,
    copy_build,
    finish_session_build,
    load_build,
    point_at,
    start_session_build,
)

# The order tests run in and how pytest-xdist hands them to workers (longest first).
pytest_plugins = ["tests.scheduling"]

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


def session_build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite's one session build. Under pytest-xdist the workers share it: it lives in the parent
    of their temporary folders, and a lock beside it lets one of them start and finish it."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "session_build"


@pytest.fixture(scope="session", autouse=True)
def session_build_started(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, dbt_manifest
):
    """Start the session build at once, in the background, if any selected test needs it: the tests
    that don't run while it builds (`make test-fast` selects none that need it and starts nothing)."""
    if os.environ.get("KHCN_TEST_REUSE_BUILD") or not any(map(uses_session_build, request.session.items)):
        yield None
        return
    root = session_build_root(tmp_path_factory)
    process = None
    with FileLock(f"{root}.lock"):
        if not root.exists():
            root.mkdir()
            process = start_session_build(root)
    yield root
    if process is not None:  # started here: never leave it running after the suite
        try:
            process.wait(timeout=1200)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def session_build(session_build_started: Path | None) -> Build:
    """ONE real `make run` over the seed plans plus every bad input the slow tests assert against
    (tests/session_build.py); read-only. Tests needing another state use `built_copy`."""
    reuse = os.environ.get("KHCN_TEST_REUSE_BUILD")  # a build of an earlier session, never in CI
    if reuse:
        return load_build(Path(reuse))
    with FileLock(f"{session_build_started}.lock"):
        return finish_session_build(session_build_started)


@pytest.fixture
def built_copy(session_build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Build:
    """A private, writable copy of the session build, and the pipeline pointed at it (as `data_dir`)."""
    copy = copy_build(session_build, tmp_path / "built")
    point_at(monkeypatch, copy.data, copy.home)
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
