"""What the last complete build was made from, so a run with nothing new can stop in a second.

A build is recorded in two steps. At the start of a run, from the folder listing the run itself
uses, the fingerprint of everything it reads is written as a *pending* record of that run. Only
after the last output (the dashboard site) is in place is the pending record promoted to
`data/.last_build.json`. A plan added during the run therefore differs from the recorded listing
and is picked up by the next run, and a run killed after the exports but before the site never
claims to be current. The current-check also opens the outputs: a warehouse that does not open
read-only or lacks its marts, an empty workbook or a missing site index is not current.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from pipelines.settings import DASHBOARDS_DIR, DBT_PROJECT_DIR, Settings
from pipelines.store.extraction import code_fingerprint, key_plans, write_json_atomic

WORKBOOK_NAME = "khcn_benchmark.xlsx"
ALLOW_EMPTY_ENV = "KHCN_ALLOW_EMPTY"


class PlanFolderGone(RuntimeError):
    """The plan folder is missing, or emptied while plans were stored: refuse to publish nothing."""


def check_plan_folder(plan_dir: Path, store_dir: Path, readable_plans: int | None = None) -> None:
    """Refuse a run that would empty the marts by accident.

    A missing or unmounted folder looks exactly like "every plan was removed"; so does a folder
    that went from N stored plans to none. Both stop the run before anything is pruned or
    published, unless KHCN_ALLOW_EMPTY=1 says emptying is intended. A fresh install with an
    empty folder and nothing stored has nothing to lose and runs.
    """
    if os.environ.get(ALLOW_EMPTY_ENV) == "1":
        return
    if not plan_dir.is_dir():
        raise PlanFolderGone(
            f"thư mục kế hoạch {plan_dir} không tồn tại hoặc không phải là thư mục (chưa gắn ổ đĩa?); "
            f"không có gì bị thay đổi. Hãy khôi phục thư mục, hoặc đặt {ALLOW_EMPTY_ENV}=1 nếu muốn xuất bảng rỗng."
        )
    if readable_plans == 0:
        stored = stored_plans(store_dir)
        if stored:
            raise PlanFolderGone(
                f"thư mục kế hoạch {plan_dir} không còn kế hoạch nào đọc được, trong khi trước đó đã nạp "
                f"{len(stored)} kế hoạch; không có gì bị thay đổi. Nếu cố ý gỡ mọi kế hoạch, hãy đặt "
                f"{ALLOW_EMPTY_ENV}=1 rồi chạy lại."
            )


def stored_plans(store_dir: Path) -> list[str]:
    """Names of the per-plan results in the store (internal files start with "_" or ".")."""
    if not store_dir.is_dir():
        return []
    return sorted(p.name for p in store_dir.iterdir() if not p.name.startswith(("_", ".")))


def build_state_path(data_dir: Path) -> Path:
    return data_dir / ".last_build.json"


def pending_path(data_dir: Path, run_id: str) -> Path:
    return data_dir / f".pending_build-{run_id[:8]}.json"


def _input_files(data_dir: Path) -> list[Path]:
    """Every file besides the plans that decides the outputs: dbt project, reference data, dashboards."""
    inputs = [
        p
        for folder in ("models", "seeds", "macros", "tests")
        for p in (DBT_PROJECT_DIR / folder).rglob("*")
        if p.is_file()
    ]
    inputs += [DBT_PROJECT_DIR / "dbt_project.yml", *sorted(Settings(data_dir).reference_dir.glob("*.csv"))]
    # the analysts' review decisions (issue 11) change the marts without touching a plan
    inputs += sorted(
        p for p in Settings(data_dir).reviews_dir.glob("*") if p.suffix.lower() in (".csv", ".xlsx")
    )
    # the dashboard code builds the site: a change to it is a change to the outputs
    inputs += [p for p in DASHBOARDS_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(inputs)


def build_fingerprint(data_dir: Path, plan_keys: Iterable[str], refused_names: Iterable[str]) -> str:
    """Everything a build depends on: the plans as listed (by content key), the files refused, the
    extraction code and catalogs, the dbt project, the reference statistics and the dashboard code.
    Equal fingerprints, equal outputs."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for key in sorted(plan_keys):
        digest.update(b"plan:" + key.encode())
    for name in sorted(refused_names):
        digest.update(b"refused:" + name.encode())
    for path in _input_files(data_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def folder_fingerprint(data_dir: Path) -> str:
    """The fingerprint a build made from the folder as it is now would have."""
    from pipelines.store.plan_files import discover_plan_files

    settings = Settings(data_dir)
    files, refused = discover_plan_files(settings.plan_dir)
    keyed, unreadable = key_plans(files, settings.store_dir)
    names = [r["file_name"] for r in refused + unreadable]
    return build_fingerprint(data_dir, [k.key for k in keyed], names)


def begin_build(data_dir: Path, run_id: str, plan_keys: Iterable[str], refused_names: Iterable[str]) -> str:
    """Note what this run read (called where the run lists the folder); returns the fingerprint."""
    fingerprint = build_fingerprint(data_dir, plan_keys, refused_names)
    write_json_atomic(pending_path(data_dir, run_id), {"fingerprint": fingerprint, "run_id": run_id})
    return fingerprint


def record_build(data_dir: Path, run_id: str, marts: Iterable[str]) -> bool:
    """Called after the last output is in place: the run's pending record becomes the last build.

    Returns False when the run has no pending record (a partial run that did not list the folder):
    nothing is recorded and the next run rebuilds.
    """
    pending = pending_path(data_dir, run_id)
    try:
        state = json.loads(pending.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    state["marts"] = sorted(marts)
    write_json_atomic(build_state_path(data_dir), state)
    pending.unlink(missing_ok=True)
    return True


def remove_pending(data_dir: Path, keep_run_id: str | None = None) -> None:
    """Pending records of runs that ended without finishing (called at the start of a run)."""
    for path in data_dir.glob(".pending_build-*.json"):
        if keep_run_id is None or keep_run_id[:8] not in path.name:
            path.unlink(missing_ok=True)


def outputs_open(settings: Settings, marts: Iterable[str]) -> bool:
    """The published outputs are there and open: the warehouse read-only with every recorded mart,
    a non-empty workbook and a non-empty site index."""
    import duckdb

    from pipelines.publishing.marts import mart_names

    marts_dir = settings.marts_dir
    for path in (marts_dir / WORKBOOK_NAME, marts_dir / "dashboard" / "index.html"):
        if not path.is_file() or path.stat().st_size == 0:
            return False
    warehouse = settings.warehouse_path
    if not warehouse.is_file() or warehouse.stat().st_size == 0:
        return False
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            present = set(mart_names(conn))
    except duckdb.Error:
        return False
    wanted = set(marts)
    return bool(present) and wanted <= present


def build_is_current(settings: Settings) -> bool:
    """True when nothing a build depends on changed since the last complete build, and its outputs open
    (the warehouse where the build writes it: the same `Settings` rule)."""
    data_dir = settings.data_dir
    try:
        state = json.loads(build_state_path(data_dir).read_text(encoding="utf-8"))
        saved, marts = state["fingerprint"], state.get("marts", [])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return outputs_open(settings, marts) and saved == folder_fingerprint(data_dir)
