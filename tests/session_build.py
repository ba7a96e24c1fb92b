"""The one data folder the slow tests share: the seed plans plus every bad input the pipeline,
bad-input, workbook, dashboard and fault tests assert against, built once by a real `make run`
(`python -m pipelines.run` in a subprocess, as an analyst starts it).

Tests read the built folder (it is made read-only, so a test that writes into it fails loudly);
a test that needs another state copies it with `copy_build` (the extraction store, the warehouse,
the published marts and the Dagster instance come along) and runs only the extra run it needs.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "data" / "raw" / "plans"
SEED = "002_c79b154f3d55b614.txt"  # a Hải Dương plan, copied and varied below
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

# A Bắc Ninh plan whose every string carries markup (tests/test_dashboards.py escapes it).
HOSTILE_PLAN = f"""

Số: 77/KH-UBND

Bắc Ninh, ngày 12 tháng 3 năm 2024

## KẾ HOẠCH

### Phát triển khoa học và công nghệ {SCRIPT} tỉnh Bắc Ninh năm 2024 {IMG}

Thực hiện Quyết định số 569/QĐ-TTg ngày 11/5/2022 của Thủ tướng Chính phủ {SCRIPT} ban hành Chiến lược phát triển khoa học, công nghệ và đổi mới sáng tạo đến năm 2030, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

#### I. MỤC TIÊU

1. Phấn đấu số doanh nghiệp KH&CN {SCRIPT} đạt 5 doanh nghiệp.

2. Đến năm 2025, phấn đấu số doanh nghiệp KH&CN tăng thêm 5 doanh nghiệp {SCRIPT} so với năm 2023.

3. Phấn đấu tổng chi cho nghiên cứu khoa học và phát triển công nghệ {IMG} đạt 1% GRDP đến năm 2025.

#### II. NHIỆM VỤ

1. Đẩy mạnh ứng dụng khoa học và công nghệ, đổi mới sáng tạo, chuyển đổi số trong doanh nghiệp {IMG}.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""
# A Huế plan of 2019 with a period and a horizon (tests/test_metadata_documents.py reads it).
DATED_PLAN = (
    "ỦY BAN NHÂN DÂN\nTỈNH THỪA THIÊN HUẾ\n\nSố: 101/KH-UBND\n\nThừa Thiên Huế, ngày 10 tháng 4 năm 2019\n\n"
    "KẾ HOẠCH\nPhát triển thị trường khoa học và công nghệ giai đoạn 2019 - 2025, định hướng đến năm 2030\n\n"
    "I. MỤC TIÊU\n\n1. Phấn đấu đến năm 2025 có 10 doanh nghiệp khoa học và công nghệ.\n\n"
    "Nơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nPhan Ngọc Thọ\n"
)
HEADER_ONLY = "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nNghệ An, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\n"

# Files refused before or while reading, and why (mart_rejected_documents.reason_code).
REFUSED = {
    "garbage.txt": "binary",
    "random.txt": "binary",
    "empty.txt": "empty_file",
    "blank.md": "empty_text",
    "latin1.txt": "undecodable",
    "huge.txt": "too_large",
    "scan.pdf": "corrupt_pdf",
    "truncated.pdf": "corrupt_pdf",
    "protected.pdf": "encrypted_pdf",
    "archive.docx": "not_a_docx",
    "copy of plan.txt": "duplicate_content",
    "same content.txt": "duplicate_content",
    "=HYPERLINK(1+2).txt": "duplicate_content",  # a file name that is a formula
    "link.txt": "symlink",
    "folder.txt": "not_a_file",
}
NO_PROVINCE = ("no_province.txt", "no province.txt")  # refused: the province cannot be told
# Files that are plans of their own, loaded beside the seeds.
ADDED_PLANS = {
    "Kế hoạch số 5 năm 2024 (bản sao).txt",  # a seed with another number: a new document
    "odd number.txt",  # a share above 100%: the plan loads, that target is quarantined
    "header only.txt",  # Nghệ An, a header and nothing else
    "<script>alert(1).txt",  # Bắc Ninh, markup everywhere
    f"{IMG}.txt",  # a Hải Dương plan with markup in its title and a target
    ".ke-hoach-an.txt",  # a hidden file is a plan like any other
    "ke_hoach_2019.txt",  # Thừa Thiên Huế, 2019-2025, towards 2030
}
SEED_NAMES = {p.name for p in PLANS.iterdir()}
REFERENCE_HEADER = "province_code,province_name,statistic,year,value,unit,status,source,source_url,note\n"
CONSOLE = "console.txt"  # what the session's make run printed
STARTED = "started.txt"  # when it started
REVIEW_FILE = "sai_cot.csv"  # a review file with the wrong columns: refused, the run goes on


def protected_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    from tests.test_readers import ASCII_SENTENCE, pdf_bytes, text_page

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes([text_page(ASCII_SENTENCE)]))))
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def not_a_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photos/ảnh.jpg", b"\xff\xd8\xff not really a jpeg")
    return out.getvalue()


def hostile_copy(seed: str) -> str:
    """The seed with markup in its title and one more target (another number: another document)."""
    text = seed.replace("4346/KH-UBND", "4399/KH-UBND").replace(
        "KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO TỈNH HẢI DƯƠNG ĐẾN",
        f"KHOA HỌC, CÔNG NGHỆ {SCRIPT} {IMG} TỈNH HẢI DƯƠNG ĐẾN",
    )
    return text + f"\nPhấn đấu số doanh nghiệp KH&CN {SCRIPT} đạt 5 doanh nghiệp.\n"


def write_bad_plans(plans: Path, outside: Path) -> None:
    """Every bad or odd file an analyst may drop into data/raw/plans/, beside the seed plans."""
    from pipelines.formats.errors import MAX_PLAN_BYTES
    from tests.test_readers import ASCII_SENTENCE, pdf_bytes, text_page

    seed = (plans / SEED).read_bytes()
    (plans / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    (plans / "random.txt").write_bytes(os.urandom(64 * 1024))
    (plans / "empty.txt").write_bytes(b"")
    (plans / "blank.md").write_text("   \n\n  \n", encoding="utf-8")
    (plans / "latin1.txt").write_bytes("Kế hoạch tỉnh Hà Nam".encode()[:-3] + b"\xe9\xe8 caf\xe9")
    with (plans / "huge.txt").open("wb") as handle:  # over the limit, as holes: refused by its size
        handle.truncate(MAX_PLAN_BYTES + 5 * 1024 * 1024)
    (plans / "scan.pdf").write_bytes(b"%PDF-1.4 not supported yet")
    (plans / "truncated.pdf").write_bytes(pdf_bytes([text_page(ASCII_SENTENCE)])[:300])
    (plans / "protected.pdf").write_bytes(protected_pdf())
    (plans / "archive.docx").write_bytes(not_a_docx())
    for name in ("copy of plan.txt", "same content.txt", "=HYPERLINK(1+2).txt"):
        (plans / name).write_bytes(seed)
    outside.write_bytes(seed)
    (plans / "link.txt").symlink_to(outside)
    (plans / "folder.txt").mkdir()
    (plans / "no_province.txt").write_text(
        "KẾ HOẠCH\nHoạt động năm 2024\nNội dung chung.\n", encoding="utf-8"
    )
    (plans / "no province.txt").write_text(
        "KẾ HOẠCH\nHoạt động khoa học năm 2024\nNội dung chung.\n", encoding="utf-8"
    )
    # a seed with another number, and a spending target in % GRDP for a province with a sourced GRDP
    spending = "hội giao. Phấn đấu đến năm 2025, đầu tư cho KH&CN đạt 1,5% GRDP. ".encode()
    copy = seed.replace(b"4346/KH", b"4347/KH").replace("hội giao. ".encode(), spending)
    (plans / "Kế hoạch số 5 năm 2024 (bản sao).txt").write_bytes(copy)
    odd = seed.replace(b"4346/KH", b"4348/KH").replace("đạt trên 15%".encode(), "đạt 250%".encode())
    (plans / "odd number.txt").write_bytes(odd)
    (plans / "header only.txt").write_text(HEADER_ONLY, encoding="utf-8")
    (plans / "ke_hoach_2019.txt").write_text(DATED_PLAN, encoding="utf-8")
    # File names cannot hold "/", so "<script>alert(1)" is whole only in a name without its end tag.
    (plans / "<script>alert(1).txt").write_text(HOSTILE_PLAN, encoding="utf-8")
    (plans / f"{IMG}.txt").write_text(hostile_copy(seed.decode("utf-8")), encoding="utf-8")
    (plans / ".ke-hoach-an.txt").write_bytes(seed.replace(b"4346/KH", b"4349/KH"))


def write_hostile_reference(folder: Path) -> None:
    """Drop-ins an analyst could really make: a conflicting figure for a seed key, a tie between two
    drop-ins, a figure without a source, a file with wrong columns and one with a non-numeric value."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bao_cao_tinh.csv").write_text(
        REFERENCE_HEADER
        # same key as the seed's Hải Dương row, same status: must not win silently
        + "30,Hải Dương,grdp_current_prices,2022,999999,tỷ đồng,estimate,Báo cáo khác,,\n"
        # the same figure twice from two sources with equal status: a tie, broken by source
        + "72,Tây Ninh,population,2022,1200000,người,official,Nguồn B,,\n"
        # no source: not used
        + "33,Hưng Yên,grdp_current_prices,2022,120000,tỷ đồng,official,,,\n",
        encoding="utf-8",
    )
    (folder / "nguon_a.csv").write_text(
        REFERENCE_HEADER + "72,Tây Ninh,population,2022,1100000,người,official,Nguồn A,,\n",
        encoding="utf-8",
    )
    (folder / "sai_cot.csv").write_text("tinh,nam,gia_tri\n33,2023,1\n", encoding="utf-8")
    (folder / "sai_so.csv").write_text(
        REFERENCE_HEADER
        + "33,Hưng Yên,grdp_current_prices,2023,khoảng 150 nghìn tỷ,tỷ đồng,official,GSO,,\n",
        encoding="utf-8",
    )


def write_bad_review(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / REVIEW_FILE).write_text("id,verdict\nabc,ok\n", encoding="utf-8")


@dataclass(frozen=True)
class Build:
    """A built data folder and what its run reported."""

    root: Path
    data: Path
    home: Path
    output: str
    checks: dict[tuple[str, str], bool] = field(default_factory=dict)  # (asset, check) → passed
    materialized: frozenset[str] = frozenset()
    extracted: int = 0  # plans read and extracted by the run (the `documents` asset's count)
    started: float = 0.0  # when the build started (time.time())

    @property
    def marts(self) -> Path:
        return self.data / "marts"

    @property
    def plans(self) -> Path:
        return self.data / "raw" / "plans"


def run_env(data: Path, home: Path) -> dict[str, str]:
    """The environment `make run` gives `python -m pipelines.run`, pointed at `data` and `home`."""
    env = {
        **os.environ,
        "KHCN_DATA_DIR": str(data),
        "KHCN_WAREHOUSE": str(data / "warehouse.duckdb"),
        "DAGSTER_HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for name in ("KHCN_FORCE", "KHCN_DBT_DUCKDB_PATH", "KHCN_ALLOW_EMPTY"):
        env.pop(name, None)
    return env


def point_at(patch, data: Path, home: Path) -> None:
    """This process, and the step processes and runs it starts (they inherit the environment), use
    the data folder `data` and the Dagster home `home` (`patch`: a pytest MonkeyPatch)."""
    patch.setenv("KHCN_DATA_DIR", str(data))
    patch.setenv("KHCN_WAREHOUSE", str(data / "warehouse.duckdb"))
    patch.setenv("DAGSTER_HOME", str(home))
    patch.delenv("KHCN_FORCE", raising=False)


def launch_run(data: Path, home: Path, output: int | None = subprocess.PIPE, **env: str) -> subprocess.Popen:
    """`python -m pipelines.run` as a user starts it, pointed at `data` and the Dagster home `home`
    (made with the project's instance settings if missing), in its own session so that a test can
    kill its whole process group; `env` adds to `make run`'s environment."""
    new_home(home)
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.run"],
        cwd=REPO,
        env={**run_env(data, home), **env},
        stdout=output,
        stderr=output,
        text=True,
        start_new_session=True,
    )


def new_home(home: Path) -> Path:
    """A Dagster home with the project's instance settings (pools, no telemetry)."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


def run_events(home: Path) -> tuple[dict[tuple[str, str], bool], frozenset[str], int]:
    """The last run's asset checks, materialized assets and extraction count, from its instance."""
    import dagster as dg
    import pytest

    with pytest.MonkeyPatch.context() as env:  # a storage may find its files through DAGSTER_HOME
        env.setenv("DAGSTER_HOME", str(home))
        return _run_events(dg.DagsterInstance.from_config(str(home)))


def _run_events(instance) -> tuple[dict[tuple[str, str], bool], frozenset[str], int]:
    import dagster as dg

    try:
        run = instance.get_runs(limit=1)[0]
        checks = {}
        for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = record.dagster_event.event_specific_data
            checks[(evaluation.asset_key.to_user_string(), evaluation.check_name)] = evaluation.passed
        materialized, extracted = set(), 0
        for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            materialization = record.dagster_event.event_specific_data.materialization
            materialized.add(materialization.asset_key.to_user_string())
            if materialization.asset_key == dg.AssetKey("documents"):
                extracted = materialization.metadata["extracted"].value
    finally:
        instance.dispose()
    return checks, frozenset(materialized), extracted


OUTPUT = "run_output.txt"  # stdout and stderr of the session's make run, as it goes
RETURN_CODE = "run_exit_code.txt"  # written when the run ends
DONE = "done.txt"  # the build is checked and read-only: any test may read it


def start_session_build(root: Path) -> subprocess.Popen:
    """Seeds plus every bad input, and one real `make run` over them started in the background (the
    unit tests run meanwhile). Its output and exit code go to files under `root`, so whichever
    process of the suite needs the build first can finish it (`finish_session_build`)."""
    data, home = root / "data", new_home(root / "dagster_home")
    (root / STARTED).write_text(repr(time.time()), encoding="utf-8")
    shutil.copytree(PLANS, data / "raw" / "plans")
    write_bad_plans(data / "raw" / "plans", root / "outside.txt")
    write_hostile_reference(data / "raw" / "reference")
    write_bad_review(data / "raw" / "reviews")
    script = '"$0" -m pipelines.run >"$1" 2>&1; echo $? >"$2.part" && mv "$2.part" "$2"'
    return subprocess.Popen(
        ["/bin/sh", "-c", script, sys.executable, str(root / OUTPUT), str(root / RETURN_CODE)],
        cwd=REPO,
        env=run_env(data, home),
        start_new_session=True,
    )


def finish_session_build(root: Path, timeout: float = 1200) -> Build:
    """Wait for the run `start_session_build` started; the first caller checks it and makes the
    folder read-only (callers hold the suite's lock, so one of them does it, once)."""
    if not (root / DONE).exists():
        deadline = time.monotonic() + timeout
        while not (root / RETURN_CODE).exists():
            assert time.monotonic() < deadline, "the session build did not end in time"
            time.sleep(0.2)
        output = (root / OUTPUT).read_text(encoding="utf-8")
        assert (root / RETURN_CODE).read_text().strip() == "0", output
        (root / CONSOLE).write_text(output, encoding="utf-8")
        (root / DONE).write_text("", encoding="utf-8")
        read_only(root)
    return load_build(root)


def load_build(root: Path) -> Build:
    """A build made by `build_session` (now, or earlier: KHCN_TEST_REUSE_BUILD, for working on tests)."""
    checks, materialized, extracted = run_events(root / "dagster_home")
    output = (root / CONSOLE).read_text(encoding="utf-8")
    started = float((root / STARTED).read_text(encoding="utf-8"))
    return Build(root, root / "data", root / "dagster_home", output, checks, materialized, extracted, started)


def edited_since(build: Build) -> list[str]:
    """Files the outputs depend on (library, dashboards, dbt project) changed after the build started."""
    folders = [REPO / "pipelines", REPO / "dashboards", REPO / "dbt_project"]
    files = [
        p
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file() and not {"__pycache__", "target", "logs"} & set(p.relative_to(REPO).parts)
    ]
    return sorted(str(p.relative_to(REPO)) for p in files if p.stat().st_mtime > build.started)


def skip_if_edited(build: Build) -> None:
    """A test of "nothing changed since the build" means nothing only if nobody edited the project
    while the suite ran (on a shared checkout); in CI nothing is edited and the test always runs."""
    import pytest

    edited = edited_since(build)
    if edited:
        pytest.skip(f"{len(edited)} project file(s) edited while the suite ran, e.g. {edited[0]}")


def _each_path(root: Path):
    for folder, dirs, files in os.walk(root):
        yield Path(folder)
        for name in files + dirs:
            path = Path(folder) / name
            if not path.is_symlink() and not path.is_dir():
                yield path


def read_only(root: Path) -> None:
    """No write bit anywhere under `root` (symbolic links are left alone)."""
    for path in _each_path(root):
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _copy_keeping_holes(src: str, dst: str) -> None:
    """shutil.copy2, except a file that is mostly holes is copied as holes (1 GB stays 0 bytes on disk)."""
    info = os.stat(src)
    if info.st_size > 1024 * 1024 and info.st_blocks * 512 < info.st_size // 8:
        with open(src, "rb") as source:
            assert not source.read(1024 * 1024).strip(b"\0"), "only all-zero sparse files are copied as holes"
        with open(dst, "wb") as handle:
            handle.truncate(info.st_size)
        shutil.copystat(src, dst)
    else:
        shutil.copy2(src, dst)


def copy_build(build: Build, root: Path) -> Build:
    """A private, writable copy of a build under `root`: data folder (symbolic links kept, so the
    published marts link points into the copy) and Dagster home."""
    data, home = root / "data", root / "dagster_home"
    shutil.copytree(build.data, data, symlinks=True, copy_function=_copy_keeping_holes)
    shutil.copytree(build.home, home, symlinks=True)
    for path in [*_each_path(data), *_each_path(home)]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return Build(
        root, data, home, build.output, build.checks, build.materialized, build.extracted, build.started
    )


def copy_inputs(build: Build, data: Path) -> None:
    """The build's inputs alone (raw/: plans, reference files, reviews), writable, in a new data folder."""
    shutil.copytree(build.data / "raw", data / "raw", symlinks=True, copy_function=_copy_keeping_holes)
    for path in _each_path(data):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def marts_by_content(warehouse: Path) -> dict[str, list[tuple]]:
    """Every marts.* table as its sorted rows (row order is not content), with its column names."""
    import duckdb

    from pipelines.publishing.marts import mart_names

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = {}
        for name in mart_names(conn):
            relation = conn.sql(f'select * from marts."{name}"')
            rows = sorted(relation.fetchall(), key=repr)
            tables[name] = [tuple(relation.columns), *rows]
    return tables


def mart_tables(warehouse: Path) -> dict[str, int]:
    """Row count of every table in schema marts."""
    import duckdb

    from pipelines.publishing.marts import mart_names

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {n: conn.execute(f'select count(*) from marts."{n}"').fetchone()[0] for n in mart_names(conn)}


def children(pid: int) -> list[int]:
    """Every descendant of `pid`, from /proc (only this run's processes, never another user's)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def dbt_builds_under(pid: int) -> list[int]:
    """The `dbt build` processes started by the run `pid` (its own process tree)."""
    return [p for p in children(pid) if "dbt" in cmdline(p) and " build" in cmdline(p)]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
