"""A reviewed snapshot of the Dagster definitions: asset keys, checks, jobs and what they select,
schedules and sensors with their default status. Any change to the wiring shows up here as a diff
to review; `make update_snapshot` rewrites tests/snapshots/definitions.json after that review."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def describe_definitions() -> dict[str, Any]:
    """Everything the code location exposes, as sorted plain data."""
    from pipelines.definitions import build_definitions

    defs = build_definitions()
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    jobs = {}
    for job in sorted(repo.get_all_jobs(), key=lambda j: j.name):
        if job.name.startswith("__"):
            continue
        layer = job.asset_layer
        jobs[job.name] = {
            "assets": sorted(k.to_user_string() for k in layer.selected_asset_keys),
            "checks": sorted(
                f"{k.asset_key.to_user_string()}:{k.name}" for k in layer.asset_graph.asset_check_keys
            ),
        }
    return {
        "assets": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
        "asset_checks": sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys),
        "jobs": jobs,
        "schedules": {
            s.name: {
                "cron": s.cron_schedule,
                "timezone": s.execution_timezone,
                "job": s.job_name,
                "default_status": s.default_status.value,
            }
            for s in sorted(repo.schedule_defs, key=lambda s: s.name)
        },
        "sensors": {
            s.name: {
                "jobs": sorted(t.job_name for t in s.targets) if s.has_jobs else [],
                "minimum_interval_seconds": s.minimum_interval_seconds,
                "default_status": s.default_status.value,
            }
            for s in sorted(repo.sensor_defs, key=lambda s: s.name)
        },
    }


def render(description: dict[str, Any]) -> str:
    return json.dumps(description, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_definitions_match_the_reviewed_snapshot() -> None:
    current = render(describe_definitions())
    assert SNAPSHOT.exists(), "no snapshot yet: run `make update_snapshot` and review it"
    saved = SNAPSHOT.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(saved.splitlines(True), current.splitlines(True), "snapshot", "now"))
    assert current == saved, f"the definitions changed; review, then `make update_snapshot`:\n{diff}"


def defined_in_defs() -> dict[str, set[str]]:
    """Every asset, check and sensor object defined at module level anywhere under pipelines/defs/."""
    import importlib
    import pkgutil

    import dagster as dg

    import pipelines.defs

    found: dict[str, set[str]] = {"assets": set(), "checks": set(), "sensors": set()}
    for module_info in pkgutil.walk_packages(pipelines.defs.__path__, "pipelines.defs."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dg.AssetChecksDefinition):
                    found["checks"] |= {k.name for k in item.check_keys}
                elif isinstance(item, dg.AssetsDefinition):
                    found["assets"] |= {k.to_user_string() for k in item.keys}
                elif isinstance(item, dg.SensorDefinition):
                    found["sensors"].add(item.name)
    return found


def test_everything_defined_under_defs_is_registered() -> None:
    """A check, asset or sensor written in a stage folder but left out of its `definitions()` never
    runs; this finds it."""
    defined, described = defined_in_defs(), describe_definitions()
    registered_checks = {k.split(":")[-1] for k in described["asset_checks"]}
    assert defined["checks"] and defined["checks"] <= registered_checks, defined["checks"] - registered_checks
    assert defined["assets"] <= set(described["assets"]), defined["assets"] - set(described["assets"])
    assert defined["sensors"] <= set(described["sensors"]), defined["sensors"] - set(described["sensors"])


def test_the_folder_sensor_and_the_freshness_check_run_by_default() -> None:
    sensors = describe_definitions()["sensors"]
    assert all(s["default_status"] == "RUNNING" for s in sensors.values()), sensors


if __name__ == "__main__":  # `make update_snapshot`
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(render(describe_definitions()), encoding="utf-8")
    print(f"wrote {SNAPSHOT}; review `git diff {SNAPSHOT.relative_to(Path.cwd())}` before committing")
    sys.exit(0)
