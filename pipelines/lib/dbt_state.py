"""Which dbt project built a warehouse file, recorded inside the file itself.

A run whose dbt project is the one that built the published warehouse has nothing to do for the
parts of dbt that read only the project: the seeds (CSV files of the project) and the unit tests
(fixtures and SQL of the project). Such a run starts its build from a copy of the published
warehouse, where those seeds already are, and builds every model and data test again; the marts
are the ones a full build would make. The record sits in the warehouse (schema `pipeline`), so it
is published by the same atomic rename as what it describes and can never disagree with it.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

STATE_SCHEMA = "pipeline"
STATE_TABLE = f"{STATE_SCHEMA}.dbt_build"
PROJECT_FOLDERS = ("models", "seeds", "macros", "tests", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml")


def dbt_project_fingerprint(project: Path = DBT_PROJECT_DIR) -> str:
    """Every file dbt reads to build (not what it writes in target/ or logs/), and dbt's versions."""
    digest = hashlib.sha256()
    for package in ("dbt-core", "dbt-duckdb"):
        digest.update(f"{package}={version(package)}\n".encode())
    files = [p for folder in PROJECT_FOLDERS for p in (project / folder).rglob("*") if p.is_file()]
    files += [project / name for name in PROJECT_FILES if (project / name).is_file()]
    for path in sorted(files):
        digest.update(str(path.relative_to(project)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def dbt_threads() -> int:
    """dbt nodes built at once (KHCN_DBT_THREADS, default 4). Most of a node's time on a DuckDB file is
    waiting (its commit, dbt's own bookkeeping), so four overlap well even on two cores: measured on
    the seed plans, 56 s of dbt nodes with one thread, 24-43 s with four, the same results."""
    return max(1, int(os.environ.get("KHCN_DBT_THREADS") or 4))


def record_dbt_build(conn, fingerprint: str, run_id: str) -> None:
    """Note in the build file (open read-write in `conn`) which dbt project built it."""
    conn.execute(f"create schema if not exists {STATE_SCHEMA}")
    conn.execute(
        f"create or replace table {STATE_TABLE} as "
        "select ?::varchar as dbt_project_fingerprint, ?::varchar as run_id, now() as built_at",
        [fingerprint, run_id],
    )


def built_with(warehouse: Path) -> str | None:
    """The fingerprint of the dbt project that built `warehouse`; None when it is missing, does not
    open read-only (a writer holds it) or predates the record."""
    import duckdb

    if not warehouse.is_file():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            row = conn.execute(f"select dbt_project_fingerprint from {STATE_TABLE}").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None
