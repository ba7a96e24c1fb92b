"""What `make run` and `khcn extract` print: one line per stage with counts and seconds, a progress
bar while a large folder is extracted (stderr, only on a terminal), and a closing summary with the
two files to open. Everything else (Dagster's events, dbt's log, warnings) goes to a log file whose
path is printed, so nothing is lost and the terminal stays readable.

No Dagster import at module level: `khcn extract` uses the summary too.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from pipelines.text.vietnamese import VN_TZ, load_labels

T = TypeVar("T")
PROGRESS_MIN_ITEMS = 20  # below this a folder extracts in a blink: no bar
BAR_WIDTH = 30
SHARE_ZIP = "khcn_benchmark_goi_email.zip"
MAX_FAILURE_LINES = 4

# Dagster step → what the stage is, for a person. Steps not listed (asset checks) are summed up.
STAGES = {
    "plan_files": "Liệt kê tệp kế hoạch",
    "documents": "Đọc và trích xuất",
    "reference_statistics": "Số liệu tham chiếu",
    "raw_tables": "Nạp dữ liệu thô",
    "khcn_dbt_assets": "dbt build",
    "mart_exports": "Xuất Parquet, CSV, bảng tính",
    "dashboard_site": "Trang tổng quan (dashboard)",
}
# Materialization metadata worth a word, per key: (Vietnamese words, shown when zero too).
COUNTS = {
    "extracted": ("trích xuất", True),
    "unchanged_skipped": ("không đổi", False),
    "gone": ("đã xoá khỏi thư mục", False),
    "with_rejections": ("có lỗi", False),
    "files": ("tệp", True),
    "pages": ("trang", True),
    "rows": ("dòng", False),
}


@dataclass
class Terminal:
    """The terminal as it was before the run's output went to the log file."""

    out: IO[str]
    err: IO[str]
    tty: bool = False

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()


_terminal: Terminal | None = None


def terminal() -> Terminal:
    """Where a stage line goes: the saved terminal during a quiet run, else this process's stdout."""
    return _terminal or Terminal(sys.stdout, sys.stderr, sys.stderr.isatty())


def progress(items: Iterable[T], total: int, label: str = "trích xuất") -> Iterator[T]:
    """Yield `items`, drawing "label [#####.....] 12/500" on the terminal's stderr while they are
    consumed. Only on a terminal and for at least PROGRESS_MIN_ITEMS items: a log or a pipe gets
    no control characters."""
    term = terminal()
    show = term.tty and total >= PROGRESS_MIN_ITEMS
    done = 0
    for item in items:
        done += 1
        if show:
            filled = BAR_WIDTH * done // max(total, 1)
            term.err.write(f"\r  {label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")
            term.err.flush()
        yield item
    if show:
        term.err.write("\r" + " " * (BAR_WIDTH + len(label) + 24) + "\r")
        term.err.flush()


@contextmanager
def output_to_log(log_path: Path) -> Iterator[Terminal]:
    """Send everything written to file descriptors 1 and 2 (Python, Dagster, dbt's subprocess,
    worker processes) to `log_path`, and yield the saved terminal for the few lines meant for a
    person. The descriptors are restored afterwards, even on an exception."""
    global _terminal
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    tty = os.isatty(saved_err)
    with open(log_path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        out = os.fdopen(os.dup(saved_out), "w", encoding="utf-8", buffering=1)
        err = os.fdopen(os.dup(saved_err), "w", encoding="utf-8", buffering=1)
        _terminal = Terminal(out, err, tty)
        try:
            yield _terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            out.close()
            err.close()
            _terminal = None


def seconds(value: float) -> str:
    """1.234 → "1,2 s": Vietnamese decimal comma."""
    return f"{value:.1f}".replace(".", ",") + " s"


@dataclass
class StageReport:
    """Collects a run's Dagster events and prints one line per stage as each step ends."""

    say: Callable[[str], None]
    # step → asset key → its latest metadata counts (the partitions of one asset repeat the same)
    counts: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    materialized: Counter = field(default_factory=Counter)
    checks_passed: int = 0
    checks_failed: list[tuple[str, str]] = field(default_factory=list)  # (asset, check name)
    failures: list[str] = field(default_factory=list)

    def __call__(self, event: Any) -> None:
        """Dagster event-listener callback (`DagsterInstance.add_event_listener`)."""
        dagster_event = getattr(event, "dagster_event", None)
        if dagster_event is None:
            return
        kind, step = dagster_event.event_type_value, dagster_event.step_key or ""
        data = dagster_event.event_specific_data
        if kind == "ASSET_MATERIALIZATION":
            self.materialized[step] += 1
            asset = data.materialization.asset_key.to_user_string()
            numbers = {
                key: getattr(value, "value", value) for key, value in data.materialization.metadata.items()
            }
            self.counts.setdefault(step, {})[asset] = {
                key: number
                for key, number in numbers.items()
                if key in COUNTS and isinstance(number, int | float) and not isinstance(number, bool)
            }
        elif kind == "ASSET_CHECK_EVALUATION":
            if data.passed:
                self.checks_passed += 1
            else:
                self.checks_failed.append((data.asset_key.to_user_string(), data.check_name))
        elif kind == "STEP_SUCCESS" and step in STAGES:
            self.say(self.line(step, data.duration_ms / 1000))
        elif kind == "STEP_FAILURE":
            self.failures.append(step)
            if len(self.failures) <= MAX_FAILURE_LINES:
                self.say(f"  ✗ {STAGES.get(step, step)}: {error_text(getattr(data, 'error', None))}")
            elif len(self.failures) == MAX_FAILURE_LINES + 1:
                self.say("  ✗ … và các bước khác (xem nhật ký)")

    def line(self, step: str, elapsed: float) -> str:
        """ "  ✓ Đọc và trích xuất: 5 trích xuất, 0 không đổi (3,2 s)"."""
        counts: Counter = Counter()
        for numbers in self.counts.get(step, {}).values():
            counts.update(numbers)
        parts = [
            f"{int(counts[key]):,}".replace(",", ".") + f" {words}"
            for key, (words, always) in COUNTS.items()
            if key in counts and (always or counts[key])
        ]
        if not parts and self.materialized[step] > 1:
            parts.append(f"{self.materialized[step]} bảng, mô hình")
        detail = f": {', '.join(parts)}" if parts else ""
        return f"  ✓ {STAGES[step]}{detail} ({seconds(elapsed)})"


def error_text(error: Any, most: int = 140) -> str:
    """The message of the innermost user error (Dagster wraps it twice), on one short line."""
    wrappers = {"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"}
    while error is not None and getattr(error, "cause", None) is not None and error.cls_name in wrappers:
        error = error.cause
    message = (getattr(error, "message", "") or "").strip()
    line = next((part for part in message.splitlines() if part.strip()), "lỗi") if message else "lỗi"
    return line if len(line) <= most else line[: most - 1] + "…"


def _read(path: Path) -> Any:
    """A mart's Parquet export, or None when the run did not write it."""
    import polars as pl

    return pl.read_parquet(path) if path.exists() else None


def reasons_text(rejected: Any, vocabulary: str = "reason_code") -> list[str]:
    """ "Bản quét, cần nhận dạng chữ (OCR): 2" per reason, most frequent first."""
    if rejected is None or rejected.is_empty() or vocabulary not in rejected.columns:
        return []
    labels = load_labels()
    counts = Counter(rejected[vocabulary].fill_null("").to_list())
    return [
        f"{labels.label(vocabulary, code) or code or 'không rõ'}: {n}" for code, n in counts.most_common()
    ]


def check_text(check: str) -> str:
    """What a failed asset check requires, in Vietnamese (seed labels_vi, vocabulary `asset_check`),
    with the check's name in brackets to find it in the Dagster UI: "Mọi tệp bị loại đều có lý do
    (rejections_have_reasons)"; a dbt test's label ends with what its name adds to the kind of test:
    "Cột không được để trống (fct_indicator_target_target_id)"."""
    labels = load_labels()
    exact = labels.exact.get(("asset_check", check))
    if exact is not None:
        return f"{exact} ({check})"
    return labels.label("asset_check", check) or check


def review_refusals(rejected: Any) -> Any:
    """The analysts' decisions that were refused or could not apply (mart_rejected_records), so an
    analyst learns after `make run` that a review file was not taken, and why."""
    if rejected is None or "record_type" not in rejected.columns:
        return None
    import polars as pl

    return rejected.filter(pl.col("record_type") == "review")


def review_count(targets: Any) -> int | None:
    """Targets still waiting for a person, when the review loop has added its status column."""
    if targets is None:
        return None
    if "needs_review" in targets.columns:
        return int(targets["needs_review"].fill_null(True).sum())
    if "review_status" in targets.columns:  # the review loop's states: needs_review, auto, verified …
        return sum(1 for status in targets["review_status"].to_list() if status == "needs_review")
    return None


def run_summary(marts: Path, elapsed: float, log_path: Path | None, ok: bool) -> list[str]:
    """The closing lines of `make run`: plans read, files rejected and why, targets, what needs
    review, review decisions not taken and why, elapsed time, and the two files to open."""
    documents = _read(marts / "dim_document.parquet")
    targets = _read(marts / "fct_indicator_target.parquet")
    rejected = _read(marts / "mart_rejected_documents.parquet")
    lines = ["", "Tóm tắt" + ("" if ok else " (lần chạy KHÔNG thành công: kết quả cũ được giữ nguyên)")]
    if documents is not None:
        provinces = documents["province_key"].n_unique() if "province_key" in documents.columns else 0
        lines.append(f"  Kế hoạch đã đọc     : {documents.height} ({provinces} tỉnh, thành phố)")
    reasons = reasons_text(rejected)
    lines.append(f"  Tệp bị loại         : {0 if rejected is None else rejected.height}")
    lines += [f"      - {reason}" for reason in reasons[:5]]
    if targets is not None:
        lines.append(f"  Chỉ tiêu trích xuất : {targets.height}")
    if (waiting := review_count(targets)) is not None:
        lines.append(f"  Cần kiểm tra        : {waiting}")
    refused = review_refusals(_read(marts / "mart_rejected_records.parquet"))
    if refused is not None and refused.height:
        lines.append(f"  Kiểm tra không nhận : {refused.height}")
        lines += [f"      - {reason}" for reason in reasons_text(refused)[:5]]
    lines.append(f"  Thời gian           : {seconds(elapsed)}")
    lines.append(f"  Trang tổng quan     : {marts / 'dashboard' / 'index.html'}")
    lines.append(f"  Bảng tính           : {marts / 'khcn_benchmark.xlsx'}")
    if (marts / SHARE_ZIP).exists():
        lines.append(f"  Gói gửi e-mail      : {marts / SHARE_ZIP}")
    if log_path is not None:
        lines.append(f"  Nhật ký đầy đủ      : {log_path}")
    return lines


def log_file(data_dir: Path, now: dt.datetime | None = None) -> Path:
    """data/logs/run-<Vietnam time>.log."""
    stamp = (now or dt.datetime.now(VN_TZ)).astimezone(VN_TZ).strftime("%Y%m%d-%H%M%S")
    return data_dir / "logs" / f"run-{stamp}.log"


def run_quietly(run_pipeline: Callable[..., Any], data_dir: Path) -> Any:
    """`make run`: the whole pipeline with its output in a log file, a line per stage, a summary;
    returns Dagster's result. `run_pipeline(instance=…, run_id=…)` runs the job in-process
    (pipelines.run.run_pipeline)."""
    import dagster as dg

    from pipelines.publishing.share import write_share_zip

    started = time.monotonic()
    log_path = log_file(data_dir)
    terminal().say(f"Chạy toàn bộ quy trình (nhật ký đầy đủ: {log_path})")
    with output_to_log(log_path) as term:
        instance = dg.DagsterInstance.get()
        run_id = str(uuid.uuid4())  # known before the run starts, so its events can be followed
        report = StageReport(term.say)
        instance.add_event_listener(run_id, report)
        result = run_pipeline(instance=instance, run_id=run_id)
        marts = data_dir / "marts"
        if result.success and (marts / "khcn_benchmark.xlsx").exists():
            write_share_zip(marts, SHARE_ZIP)
        total = report.checks_passed + len(report.checks_failed)
        if total:
            term.say(f"  ✓ Kiểm tra dữ liệu: {report.checks_passed}/{total} đạt")
        for asset, check in report.checks_failed[:5]:
            term.say(f"  ✗ kiểm tra không đạt: {check_text(check)} — {asset}")
        for line in run_summary(marts, time.monotonic() - started, log_path, bool(result.success)):
            term.say(line)
    return result


def extract_summary(records: Sequence[Mapping[str, Any]], elapsed: float) -> list[str]:
    """`khcn extract` on many files, for stderr: files read, failed with reasons, targets."""
    failed = [r for r in records if "error" in r]
    targets = sum(len(r.get("targets", [])) for r in records)
    lines = [
        f"khcn extract: {len(records)} tệp, {len(records) - len(failed)} đọc được, {len(failed)} lỗi; "
        f"{targets} mục tiêu; {seconds(elapsed)}"
    ]
    reasons = Counter(str(r["error"]).split(":")[0][:80] for r in failed)
    lines += [f"  - {reason}: {n}" for reason, n in reasons.most_common(5)]
    return lines
