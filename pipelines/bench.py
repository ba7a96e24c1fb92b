"""`make bench`: how fast and how big, measured on this machine; prints a table, writes data/bench/latest.json.

Not a test: it measures and reports. Figures:
1. a generated corpus of N plans (N = 50, 500, 5 000) made deterministically from the plans in
   data/raw/plans (province, years, numbers, document numbers and layout varied);
2. per N: extraction throughput (plans/s, MB/s) on one process, the full pipeline's wall time and
   peak memory (ingest → extract → load → dbt build → exports, as `make run` runs it), and the
   scaling exponent k (time ∝ N^k) between sizes;
3. a floor on the same bytes (read, NFC, one regular-expression scan) and extraction as a multiple;
4. orchestration overhead: the Dagster run on the seed plans against the same steps called directly;
5. a no-change run and a one-file-changed run after a cold run, as ratios of the cold run, the
   one-changed marts compared by content with those of a cold run on the changed folder, and where
   the cold and one-changed runs spent their time (steps, events, dbt nodes);
6. fan-out: extracting the largest corpus with 2 worker processes against 1, with identical results.

Usage: python -m pipelines.bench [--sizes 50,500,5000] [--out data/bench/latest.json]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from pipelines.settings import PROJECT_DIR

REPO = PROJECT_DIR
SEEDS = REPO / "data" / "raw" / "plans"
DAGSTER_YAML = REPO / ".dagster_home" / "dagster.yaml"


# --------------------------------------------------------------------------- corpus


def _wrap(text: str, width: int) -> str:
    """Hard-wrap every paragraph at `width` columns, as PDF copy does."""
    out = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "\n".join(out)


def generate_corpus(n: int, out_dir: Path, seed: int = 20251121) -> int:
    """Write `n` plan files made from the seed plans; returns the bytes written. Deterministic."""
    from pipelines.gazetteer.units import Gazetteer

    gazetteer = Gazetteer.load()
    provinces = [p.name for p in gazetteer.legacy()]
    templates = [
        p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.suffix in {".txt", ".md"}
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        rng = random.Random(seed + i)
        text = templates[i % len(templates)]
        # another province: every mention of a province becomes the chosen one
        province = provinces[rng.randrange(len(provinces))]
        for mention in sorted(gazetteer.find_mentions(text), key=lambda m: m.start, reverse=True):
            text = text[: mention.start] + province + text[mention.end :]
        shift = rng.randrange(-3, 4)
        text = re.sub(r"\b(20[12]\d)\b", lambda m, s=shift: str(int(m.group(1)) + s), text)
        text = re.sub(r"(Số:\s*)(\d+)", lambda m, r=rng: f"{m.group(1)}{r.randrange(10, 9999)}", text)
        text = re.sub(
            r"\b(\d{1,2})(%| doanh nghiệp| mô hình| nhiệm vụ)",
            lambda m, r=rng: f"{max(1, int(m.group(1)) + r.randrange(-2, 3)):02d}{m.group(2)}",
            text,
        )
        layout = i % 4
        if layout == 1:
            text = _wrap(text, 76)  # PDF-wrapped
        elif layout == 2:
            text = unicodedata.normalize("NFD", text).replace("\n", "\r\n")  # NFD, Windows line ends
        data = text.encode("utf-8-sig" if layout == 3 else "utf-8")
        (out_dir / f"plan_{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


# --------------------------------------------------------------------------- measurements


def floor_seconds(folder: Path) -> float:
    """The least any reader must do: read the bytes, normalise to NFC, scan once with a regex."""
    pattern = re.compile(r"\d+(?:[.,]\d+)*\s*%?")
    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8-sig"))
        pattern.findall(text)
    return time.perf_counter() - started


def extraction_seconds(folder: Path, workers: int) -> tuple[float, dict[str, str]]:
    """Time to extract every plan (library functions only), and a digest of each result."""
    from pipelines.store.extraction import code_fingerprint, extract_many, key_plans
    from pipelines.store.plan_files import discover_plan_files

    files, _ = discover_plan_files(folder)
    keyed, _ = key_plans(files, Path(tempfile.mkdtemp()))
    fingerprint = code_fingerprint()
    started = time.perf_counter()
    digests = {
        r["key"]: hashlib.sha256(json.dumps(r, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        for r in extract_many(keyed, fingerprint, workers)
    }
    return time.perf_counter() - started, digests


def timed_process(command: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Run a command; return (wall seconds, exit code, peak RSS in MB of the largest process it ran)."""
    probe = (
        "import resource, subprocess, sys, json;"
        "code = subprocess.run(sys.argv[1:]).returncode;"
        "print(json.dumps([code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", probe, *command],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    code, peak_kb = json.loads(result.stdout.strip().splitlines()[-1])
    return wall, code, peak_kb // 1024


def pipeline_env(data_dir: Path) -> dict[str, str]:
    home = data_dir.parent / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(DAGSTER_YAML, home / "dagster.yaml")
    env = {**child_env(dict(os.environ), data_dir.parent.parent), "KHCN_DATA_DIR": str(data_dir)}
    env["DAGSTER_HOME"] = str(home)
    env.pop("KHCN_WAREHOUSE", None)
    return env


def mart_digests(folder: Path) -> dict[str, str]:
    """A digest of every mart's rows (Parquet), to compare two builds; row order is not content."""
    import polars as pl

    return {
        p.stem: hashlib.sha256(pl.read_parquet(p).sort(pl.all()).write_csv().encode()).hexdigest()
        for p in sorted(folder.glob("*.parquet"))
    }


def run_pipeline(data_dir: Path, extra_env: dict[str, str] | None = None) -> tuple[float, int]:
    """`make run`'s step (python -m pipelines.run) on a data folder; (wall seconds, peak MB)."""
    env = {**pipeline_env(data_dir), **(extra_env or {})}
    wall, code, peak = timed_process([sys.executable, "-m", "pipelines.run"], env)
    if code != 0:
        raise RuntimeError(f"pipeline run failed on {data_dir} (exit {code})")
    return wall, peak


def direct_steps(data_dir: Path) -> None:
    """The same steps as the Dagster run, called directly: list and extract, read the reference and
    review folders, load the same raw tables, one `dbt build`, export."""
    import duckdb
    import polars as pl

    from pipelines.lib.dbt_state import dbt_threads
    from pipelines.publishing.exports import WorkbookContext, build_time, export_tables, load_model_docs
    from pipelines.publishing.marts import read_marts
    from pipelines.raw_tables.build import build_raw_tables
    from pipelines.raw_tables.columns import PLAN_FILE_COLUMNS
    from pipelines.raw_tables.reference import REFERENCE_COLUMNS, read_reference_folder
    from pipelines.reviews import read_review_folder, review_frame, split_review_frame
    from pipelines.store.extraction import code_fingerprint, extract_many, extraction_workers, key_plans
    from pipelines.store.plan_files import discover_plan_files
    from pipelines.targets.catalog import load_catalog

    files, refused = discover_plan_files(data_dir / "raw" / "plans")
    keyed, _ = key_plans(files, data_dir / "extracted")
    records = list(extract_many(keyed, code_fingerprint(), extraction_workers(len(keyed))))
    tables = build_raw_tables(records, refused, load_catalog().codes).as_dict()
    tables["plan_files"] = pl.DataFrame(
        [
            {"file_name": k.plan.relative_path, "plan_key": k.key, "sha256": k.sha256, "status": "candidate"}
            for k in keyed
        ],
        schema=PLAN_FILE_COLUMNS,
    )
    statistics, _ = read_reference_folder(data_dir / "raw" / "reference")
    tables["reference_statistics"] = statistics.select(list(REFERENCE_COLUMNS))
    decisions, refused_reviews = read_review_folder(data_dir / "raw" / "reviews", load_catalog().codes)
    tables["reviews"], tables["rejected_reviews"] = split_review_frame(
        review_frame(decisions, refused_reviews)
    )
    warehouse = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema if not exists raw")
        for name, frame in tables.items():
            conn.register("incoming", frame.to_arrow())
            conn.execute(f"create or replace table raw.{name} as select * from incoming")
            conn.unregister("incoming")
    env = {**os.environ, "KHCN_DBT_DUCKDB_PATH": str(warehouse)}
    dbt = Path(sys.executable).with_name("dbt")
    threads = str(dbt_threads())  # the run's dbt command: one build, as many threads
    subprocess.run(
        [str(dbt), "build", "--quiet", "--project-dir", ".", "--profiles-dir", ".", "--threads", threads],
        cwd=REPO / "dbt_project",
        env=env,
        check=True,
    )
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        marts = read_marts(conn)
    context = WorkbookContext(
        built_at=build_time(), models=load_model_docs(REPO / "dbt_project" / "target" / "manifest.json")
    )
    export_tables(marts, data_dir / "marts", context)


def profile_of(data_dir: Path) -> dict:
    """`run_profile` in a process whose DAGSTER_HOME is the run's (the event log follows it)."""
    env = {**os.environ, "DAGSTER_HOME": str(data_dir.parent / "dagster_home")}
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.bench", "--profile", str(data_dir)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_profile(data_dir: Path) -> dict:
    """Where the last run on `data_dir` spent its time: seconds per step from the Dagster event log
    (asset checks that still run as steps of their own summed as one line), the events written,
    and dbt's own time for its nodes (run_results.json of that run's dbt invocation)."""
    import dagster as dg

    from pipelines.settings import DBT_PROJECT_DIR

    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME: `profile_of` sets it for this process
        run = instance.get_runs(limit=1)[0]
        records = instance.all_logs(run.run_id)
    started, steps = {}, {}
    for record in records:
        event = record.dagster_event
        if event is None or record.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[record.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and record.step_key in started:
            steps[record.step_key] = round(record.timestamp - started[record.step_key], 2)
    top = {"plan_files", "reference_statistics", "reviews", "documents", "raw_tables"}
    top |= {"khcn_dbt_assets", "mart_exports", "dashboard_site"}
    profile = {k: v for k, v in steps.items() if k in top}
    profile["check_steps"] = {
        "steps": len(steps) - len(profile),
        "s": round(sum(steps.values()) - sum(profile.values()), 2),
    }
    profile["run_s"] = round(records[-1].timestamp - records[0].timestamp, 1)
    profile["events"] = len(records)
    results = sorted(DBT_PROJECT_DIR.glob(f"target/khcn_dbt_assets-{run.run_id[:7]}-*/run_results.json"))
    if results:
        dbt = json.loads(results[-1].read_text(encoding="utf-8"))
        kinds: dict[str, int] = {}
        for node in dbt["results"]:
            kind = node["unique_id"].split(".")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        profile["dbt_nodes_s"] = round(dbt["elapsed_time"], 1)
        profile["dbt_nodes"] = kinds
    return profile


def child_env(base: dict[str, str], work: Path) -> dict[str, str]:
    """The environment of a measured process. Python caches compiled modules unless
    PYTHONDONTWRITEBYTECODE says not to; where it is set (some sandboxes do) every process compiles
    its ~3 800 modules (Dagster, dbt) from source, 20 s of wall time a run on a loaded machine, and a
    Dagster run imports more modules than the direct steps. Measured runs then cache them in the
    bench's own folder (PYTHONPYCACHEPREFIX), as a default Python would beside the sources."""
    env = dict(base)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    return math.log(t2 / t1) / math.log(n2 / n1)


# --------------------------------------------------------------------------- report


def size_figures(work: Path, n: int) -> dict:
    """One corpus of `n` plans: its floor, one-process extraction and whole-pipeline figures."""
    data = work / f"n{n}" / "data"
    size = generate_corpus(n, data / "raw" / "plans")
    floor = floor_seconds(data / "raw" / "plans")
    extract, _ = extraction_seconds(data / "raw" / "plans", workers=1)
    wall, peak = run_pipeline(data)
    return {
        "bytes": size,
        "floor_s": round(floor, 3),
        "extract_1proc_s": round(extract, 2),
        "docs_per_s": round(n / extract, 1),
        "mb_per_s": round(size / 1e6 / extract, 3),
        "extract_over_floor": round(extract / floor, 1),
        "pipeline_s": round(wall, 1),
        "peak_mb": peak,
    }


def fan_out_figures(largest: Path, n: int, per_core_s: float) -> dict:
    """Extraction and the pipeline on the largest corpus with one worker and with one per core:
    the speed-up, and identical extractions and marts."""
    one, digests_one = extraction_seconds(largest / "raw" / "plans", workers=1)
    two, digests_two = extraction_seconds(largest / "raw" / "plans", workers=2)
    marts_two = mart_digests(largest / "marts")  # the pipeline above ran with one worker per core
    shutil.rmtree(largest / "extracted")
    single_wall, _ = run_pipeline(largest, {"KHCN_WORKERS": "1", "KHCN_FORCE": "1"})
    return {
        "documents": n,
        "extract_workers_1_s": round(one, 2),
        "extract_workers_2_s": round(two, 2),
        "extract_speedup": round(one / two, 2),
        "identical_extractions": digests_one == digests_two,
        "pipeline_workers_1_s": round(single_wall, 1),
        "pipeline_workers_per_core_s": per_core_s,
        "identical_marts": marts_two == mart_digests(largest / "marts"),
    }


def seed_plan_figures(work: Path) -> dict:
    """On the seed plans: a cold run against the same steps called directly (orchestration), a run
    with nothing changed, and one after one plan changed, whose marts must equal a full rebuild's."""
    seeds = work / "seeds" / "data"
    shutil.copytree(SEEDS, seeds / "raw" / "plans")
    cold, _ = run_pipeline(seeds)
    cold_profile = profile_of(seeds)
    unchanged, _ = run_pipeline(seeds)
    first = sorted((seeds / "raw" / "plans").iterdir())[0]
    first.write_bytes(first.read_bytes() + "\nPhấn đấu có ít nhất 01 mô hình mới.\n".encode())
    one_changed, _ = run_pipeline(seeds)
    one_changed_profile = profile_of(seeds)
    rebuilt = work / "rebuilt" / "data"  # the changed folder built from nothing: the marts to match
    shutil.copytree(seeds / "raw" / "plans", rebuilt / "raw" / "plans")
    run_pipeline(rebuilt)
    direct_dir = work / "direct" / "data"
    shutil.copytree(SEEDS, direct_dir / "raw" / "plans")
    direct, code, _ = timed_process(
        [sys.executable, "-m", "pipelines.bench", "--direct", str(direct_dir)],
        child_env(dict(os.environ), work),
    )
    if code != 0:
        raise RuntimeError("direct steps failed")
    return {
        "dagster_cold_s": round(cold, 1),
        "direct_s": round(direct, 1),
        "orchestration_ratio": round(cold / direct, 2),
        "no_change_s": round(unchanged, 1),
        "no_change_ratio": round(unchanged / cold, 2),
        "one_changed_s": round(one_changed, 1),
        "one_changed_ratio": round(one_changed / cold, 2),
        "one_changed_marts_identical_to_full_rebuild": mart_digests(seeds / "marts")
        == mart_digests(rebuilt / "marts"),
        "cold_profile": cold_profile,
        "one_changed_profile": one_changed_profile,
    }


def bench_report(sizes: list[int], work: Path) -> dict:
    """Every figure of `make bench`, measured in the scratch folder `work`."""
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "sizes": {}}
    report["machine"]["bytecode_cache"] = (
        "in the bench folder (PYTHONDONTWRITEBYTECODE was set)"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else "python default"
    )
    for n in sizes:
        report["sizes"][n] = size_figures(work, n)
        print(f"N={n}: {report['sizes'][n]}", flush=True)
    keys = sorted(report["sizes"])
    report["scaling_exponent"] = {
        f"{a}->{b}": round(
            exponent(a, report["sizes"][a]["pipeline_s"], b, report["sizes"][b]["pipeline_s"]), 3
        )
        for a, b in itertools.pairwise(keys)
    }
    largest = keys[-1]
    report["fan_out"] = fan_out_figures(
        work / f"n{largest}" / "data", largest, report["sizes"][largest]["pipeline_s"]
    )
    report["seed_plans"] = seed_plan_figures(work)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipelines.bench")
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "bench" / "latest.json")
    parser.add_argument(
        "--direct", type=Path, help=argparse.SUPPRESS
    )  # internal: run direct_steps on a data dir
    parser.add_argument("--profile", type=Path, help=argparse.SUPPRESS)  # internal: see profile_of
    args = parser.parse_args(argv)
    if args.direct:
        direct_steps(args.direct)
        return 0
    if args.profile:
        print(json.dumps(run_profile(args.profile)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="khcn-bench-"))
    try:
        report = bench_report([int(s) for s in args.sizes.split(",")], work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print_table(report)
    print(f"\nwritten to {args.out}")
    return 0


def print_table(report: dict) -> None:
    print(
        f"\n{'N':>6} {'MB':>7} {'floor s':>8} {'extract s':>10} {'docs/s':>8} {'MB/s':>7} {'×floor':>7} {'pipeline s':>11} {'peak MB':>8}"
    )
    for n, row in sorted(report["sizes"].items()):
        print(
            f"{n:>6} {row['bytes'] / 1e6:>7.1f} {row['floor_s']:>8.2f} {row['extract_1proc_s']:>10.2f} {row['docs_per_s']:>8.1f} "
            f"{row['mb_per_s']:>7.2f} {row['extract_over_floor']:>7.1f} {row['pipeline_s']:>11.1f} {row['peak_mb']:>8}"
        )
    print(f"scaling exponent k (pipeline time ∝ N^k): {report.get('scaling_exponent')}")
    print(f"fan-out: {report.get('fan_out')}")
    print(f"seed plans: {report.get('seed_plans')}")


if __name__ == "__main__":
    sys.exit(main())
