"""Every resource is built here, from one `Settings` (pipelines/settings.py): tests point the whole
pipeline at a temporary folder by passing `Settings(tmp_data_dir)`."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as package_version
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from pipelines.lib.dbt_guard import guarded_dbt_executable
from pipelines.project import dbt_project
from pipelines.settings import Settings

DUCKDB_POOL = "duckdb"


class KhcnDbtCli(DbtCliResource):
    """dagster-dbt's CLI resource without the two things it does before every `dbt build` that this
    project never uses: a `dbt --version` subprocess (a whole dbt start-up, 4.5 s CPU) to learn the
    version, and an in-process dbt adapter with every macro loaded (2.7 s CPU), which only row-count
    and column-metadata fetching read; on this shared machine the two took 30 s of wall time before
    dbt started. The version comes from the installed dbt-core package, the one dbt runs from."""

    @cached_property
    def _cli_version(self):
        from packaging.version import Version

        return Version(package_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]):
        return None  # no fetch_row_counts / fetch_column_metadata in this project


class PlanFolder(dg.ConfigurableResource):
    """The folder analysts drop plans into, and where per-plan extraction results are kept."""

    path: str
    store_path: str

    def root(self) -> Path:
        return Path(self.path)

    def store(self) -> Path:
        return Path(self.store_path)

    def data_dir(self) -> Path:
        """The data folder holding plans, store and build state (the store sits directly in it)."""
        return Path(self.store_path).parent


class WarehouseInUse(RuntimeError):
    """A read-write session holds the live warehouse; publishing now would strand its WAL."""


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse. Readers use the published file; each run builds its own next file
    (raw tables, then dbt) and publishes it with one atomic rename, so a crash at any moment loses at
    most that run and never leaves readers a half-built warehouse."""

    path: str
    publish_wait_seconds: float = 60.0

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

    def remove_leftovers(self, keep_prefixes: set[str] = frozenset()) -> list[Path]:
        """Build files of runs that are not running any more (killed or failed): a failed build on a
        full disk must not keep the disk full for the next run. The build lent to dbt (`dbt_path`)
        belongs to no run by name: it is kept while any run is going."""
        live = Path(self.path)
        lent = self.dbt_path().name
        removed = []
        for leftover in live.parent.glob(f"{live.stem}.building-*.duckdb*"):
            prefix = leftover.name.removeprefix(f"{live.stem}.building-")[:8]
            in_use = bool(keep_prefixes) if leftover.name.startswith(lent) else prefix in keep_prefixes
            if not in_use:
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
        return removed

    def dbt_path(self) -> Path:
        """The one name dbt sees every run's build under. dbt keeps what it parsed only while the
        profile (the warehouse path in it) and the vars stay the same; under this fixed name a run
        re-parses only the project files that changed (measured: 8 s CPU of a full parse saved)."""
        live = Path(self.path)
        return live.with_name(f"{live.stem}.building-dbt.duckdb")

    def partial_parse_cache(self) -> Path:
        """dbt's parse of the project for `dbt_path`, kept between runs beside the warehouse."""
        live = Path(self.path)
        return live.with_name(f".{live.stem}.dbt-partial-parse.msgpack")

    @contextmanager
    def lent_to_dbt(self, run_id: str) -> Iterator[Path]:
        """This run's build under `dbt_path` while dbt works on it, then under its own name again,
        with its write-ahead log if dbt left one. Only one dbt at a time opens the warehouse (the
        `duckdb` pool): a file under that name now is a killed run's, and so is a log beside it."""
        build, lent = self.build_path(run_id), self.dbt_path()
        for stale in (lent, Path(f"{lent}.wal")):
            stale.unlink(missing_ok=True)
        _move_with_log(build, lent)
        try:
            yield lent
        finally:
            _move_with_log(lent, build)

    def discard(self, run_id: str) -> None:
        """Remove this run's build (after a failure): nothing of it is published."""
        build = self.build_path(run_id)
        for path in (build, Path(f"{build}.wal")):
            path.unlink(missing_ok=True)

    def start_build(self, run_id: str, from_live: bool = False) -> Path:
        """This run's build file: fresh and empty, or (for a run that rebuilds only part of the
        warehouse) a copy of the live warehouse, so what is published is always complete."""
        self.discard(run_id)
        build = self.build_path(run_id)
        if from_live:
            live = Path(self.path)
            if not live.is_file():
                raise FileNotFoundError(
                    f"a partial build starts from the published warehouse, and there is none at {live}: "
                    "materialize every asset once"
                )
            with self._no_writer(live):
                shutil.copyfile(live, build)
        return build

    @contextmanager
    def _no_writer(self, live: Path) -> Iterator[None]:
        """Hold a shared lock on the live file while no read-write session has it open.

        DuckDB takes a POSIX write lock on a file opened read-write and a read lock on one opened
        read-only. A read lock of ours conflicts only with writers: while we hold it no session can
        open the old file for writing, so renaming over it cannot strand a writer's WAL beside the new
        file. Readers are not disturbed. Waits up to `publish_wait_seconds`, then refuses.
        """
        if not live.exists():
            yield
            return
        fd = os.open(live, os.O_RDONLY)
        try:
            deadline = time.monotonic() + self.publish_wait_seconds
            while True:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        raise WarehouseInUse(
                            f"{live} is open read-write in another session (a DuckDB client, a notebook?); "
                            f"waited {self.publish_wait_seconds:.0f} s. Close it, or open the warehouse "
                            "read-only (duckdb -readonly, read_only=True), and run again."
                        ) from None
                    time.sleep(0.5)
            yield
        finally:
            os.close(fd)  # releases the lock

    def publish(self, run_id: str) -> None:
        """Checkpoint the build and swap it in place of the live warehouse (atomic rename), never
        while a read-write session holds the live file."""
        build = self.build_path(run_id)
        with duckdb.connect(str(build)) as conn:
            conn.execute("checkpoint")
        live = Path(self.path)
        with self._no_writer(live):
            Path(f"{live}.wal").unlink(missing_ok=True)  # no writer: a WAL here is stale
            os.replace(build, live)


def _move_with_log(source: Path, target: Path) -> None:
    """Rename a DuckDB file and its write-ahead log (DuckDB finds the log by the file's name)."""
    os.replace(source, target)
    wal = Path(f"{source}.wal")
    if wal.exists():
        os.replace(wal, Path(f"{target}.wal"))


class MartsFolder(dg.ConfigurableResource):
    """Where exports for people are written (Parquet, CSV, the workbook, the dashboard site).

    `data/marts` is a symbolic link to one complete generation in `data/.marts/`. A run writes a new
    generation beside it and swaps the link in one rename, so readers see all of the new exports or
    none of them, and a mart that no longer exists leaves with its generation. Paths such as
    `data/marts/dim_document.parquet` work unchanged.
    """

    path: str

    def root(self) -> Path:
        return Path(self.path)

    def generations(self) -> Path:
        root = self.root()
        return root.with_name(f".{root.name}")

    def current(self) -> Path | None:
        root = self.root()
        return root.resolve() if root.is_symlink() and root.exists() else None

    def new_generation(self, run_id: str) -> Path:
        """An empty folder for this run's exports; the current site is linked in until the run
        rebuilds it, so swapping the exports never takes the dashboards away."""
        generation = self.generations() / f"{run_id[:8]}-{time.time_ns()}"
        generation.mkdir(parents=True)
        site = self.root() / "dashboard"
        if site.is_dir():
            shutil.copytree(site, generation / "dashboard", copy_function=os.link)
        return generation

    def publish_generation(self, generation: Path) -> None:
        """Point `data/marts` at `generation` (one atomic rename), then remove older generations."""
        root = self.root()
        if root.exists() and not root.is_symlink():  # the layout before generations: move it aside once
            os.replace(root, self.generations() / f"legacy-{time.time_ns()}")
        link = root.with_name(f".{root.name}.link-{generation.name}")
        link.unlink(missing_ok=True)
        os.symlink(Path(self.generations().name) / generation.name, link)
        os.replace(link, root)
        self.remove_leftovers()

    def remove_leftovers(self, keep_prefixes: set[str] = frozenset()) -> list[Path]:
        """Generations that are not published (older ones, or of a run that was killed or failed),
        except those of runs still going."""
        current = self.current()
        removed = []
        for path in self.generations().glob("*") if self.generations().is_dir() else []:
            if path == current or path.name[:8] in keep_prefixes:
                continue
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
        root = self.root()
        for link in root.parent.glob(f".{root.name}.link-*"):
            link.unlink(missing_ok=True)
        if root.is_dir() and not root.is_symlink():
            for stale in root.glob(".staging-*"):
                shutil.rmtree(stale, ignore_errors=True)
        return removed


# Runs that are going or about to: a run killed in any of these states stays in it for good.
UNFINISHED_RUN_STATUSES = (
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.NOT_STARTED,
)


def active_run_prefixes(instance: dg.DagsterInstance) -> set[str]:
    """Short ids of the runs that have not finished (or are being cancelled): their build files are
    in use."""
    statuses = [*UNFINISHED_RUN_STATUSES, dg.DagsterRunStatus.CANCELING]
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=statuses))
    return {record.dagster_run.run_id[:8] for record in records}


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    settings = settings or Settings.from_env()
    return {
        "plan_folder": PlanFolder(path=str(settings.plan_dir), store_path=str(settings.store_dir)),
        "warehouse": Warehouse(
            path=str(settings.warehouse_path),
            publish_wait_seconds=float(os.environ.get("KHCN_PUBLISH_WAIT_SECONDS") or 60),
        ),
        "marts_folder": MartsFolder(path=str(settings.marts_dir)),
        # The dbt next to this interpreter, so a non-activated .venv works too, started
        # through a wrapper that ends dbt with the run's process, even when the run is SIGKILLed
        "dbt": KhcnDbtCli(project_dir=dbt_project, dbt_executable=guarded_dbt_executable()),
    }
