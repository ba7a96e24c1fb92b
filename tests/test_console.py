"""What `make run` prints besides the pipeline itself: the progress bar (only on a real terminal),
the closing summary read from the exported marts, and the e-mail zip. The whole `make run` output
is tested on a real run in tests/test_workbook.py."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import polars as pl

import pipelines.lib.console as console
from pipelines.publishing.share import write_share_zip
from pipelines.text.vietnamese import load_labels


def drain(fd: int) -> str:
    """Everything written to the terminal so far."""
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_progress_bar_only_on_a_terminal_and_for_a_large_folder() -> None:
    master, slave = os.openpty()
    tty = os.fdopen(slave, "w", encoding="utf-8", buffering=1)
    try:
        console._terminal = console.Terminal(io.StringIO(), tty, tty.isatty())
        assert list(console.progress(range(25), 25)) == list(range(25))
        drawn = drain(master)
        assert "25/25" in drawn and "\r" in drawn and "#" * console.BAR_WIDTH in drawn
        assert list(console.progress(range(3), 3)) == [0, 1, 2]  # a small folder: no bar
        assert "3/3" not in drain(master)
        piped = io.StringIO()
        console._terminal = console.Terminal(io.StringIO(), piped, piped.isatty())
        assert list(console.progress(range(50), 50)) == list(range(50))
        assert piped.getvalue() == "", "a pipe or a log file gets no control characters"
    finally:
        console._terminal = None
        tty.close()
        os.close(master)


def test_summary_reads_the_exported_marts(tmp_path: Path) -> None:
    marts = tmp_path / "marts"
    marts.mkdir()
    pl.DataFrame({"document_id": ["a", "b", "c"], "province_key": ["33", "33", "35"]}).write_parquet(
        marts / "dim_document.parquet"
    )
    pl.DataFrame({"target_id": ["t1", "t2"], "confidence": [0.9, 0.5]}).write_parquet(
        marts / "fct_indicator_target.parquet"
    )
    pl.DataFrame(
        {"file_name": ["x.pdf", "y.pdf", "z.docx"], "reason_code": ["needs_ocr", "needs_ocr", "not_a_docx"]}
    ).write_parquet(marts / "mart_rejected_documents.parquet")
    lines = console.run_summary(marts, 12.34, tmp_path / "run.log", ok=True)
    text = "\n".join(lines)
    labels = load_labels()
    assert lines[1] == "Tóm tắt"
    assert "Kế hoạch đã đọc     : 3 (2 tỉnh, thành phố)" in text
    assert "Tệp bị loại         : 3" in text
    assert f"{labels.label('reason_code', 'needs_ocr')}: 2" in text and "needs_ocr" not in text
    assert "Chỉ tiêu trích xuất : 2" in text
    assert "Thời gian           : 12,3 s" in text
    assert lines[-3].endswith("index.html") and lines[-2].endswith("khcn_benchmark.xlsx")
    assert "Cần kiểm tra" not in text, "no review line before the review loop adds its column"
    assert "Kiểm tra không nhận" not in text, "no line while every decision was taken"
    pl.DataFrame(
        {
            "record_type": ["review", "review", "target"],
            "reason_code": ["wrong_columns", "review_orphan", "contract"],
        }
    ).write_parquet(marts / "mart_rejected_records.parquet")
    text = "\n".join(console.run_summary(marts, 1, None, ok=True))
    assert "Kiểm tra không nhận : 2" in text, "the analysts' refused decisions, not the extractor's"
    assert f"{labels.label('reason_code', 'wrong_columns')}: 1" in text and "wrong_columns" not in text
    pl.DataFrame(
        {"target_id": ["t1", "t2", "t3"], "review_status": ["verified", "needs_review", "auto"]}
    ).write_parquet(marts / "fct_indicator_target.parquet")
    assert "Cần kiểm tra        : 1" in "\n".join(console.run_summary(marts, 1, None, ok=False))


def test_extract_summary_counts_files_failures_and_targets() -> None:
    records = [{"targets": [{}, {}]}, {"error": "needs OCR: scanned"}, {"targets": [{}]}]
    lines = console.extract_summary(records, 2.0)
    assert lines[0].startswith("khcn extract: 3 tệp, 2 đọc được, 1 lỗi; 3 mục tiêu")
    assert lines[1] == "  - needs OCR: 1"


def test_email_zip_is_complete_and_replaced_atomically(tmp_path: Path) -> None:
    marts = tmp_path / "marts"
    (marts / "dashboard" / "data").mkdir(parents=True)
    (marts / "khcn_benchmark.xlsx").write_bytes(b"xlsx")
    (marts / "dashboard" / "index.html").write_text("<html>", encoding="utf-8")
    (marts / "dashboard" / "data" / "chart.csv").write_text("a,b\n", encoding="utf-8")
    (marts / "khcn_benchmark_goi_email.zip").write_bytes(b"old")
    path = write_share_zip(marts, "khcn_benchmark_goi_email.zip")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "dashboard/data/chart.csv",
            "dashboard/index.html",
            "khcn_benchmark.xlsx",
        ]
        assert archive.read("khcn_benchmark.xlsx") == b"xlsx"
    assert [p.name for p in marts.iterdir() if p.name.startswith(".share-")] == []


def test_every_asset_check_a_run_can_report_failed_reads_in_vietnamese() -> None:
    """`make run` prints a failed check as what it requires, in Vietnamese (labels_vi, vocabulary
    asset_check), its name in brackets: every check of the definitions (the reviewed snapshot, which
    tests/test_defs.py keeps equal to the definitions)."""
    snapshot = Path(__file__).parent / "snapshots" / "definitions.json"
    checks = json.loads(snapshot.read_text(encoding="utf-8"))["asset_checks"]
    assert len(checks) > 100, "the dbt tests are asset checks too"
    for key in checks:
        name = key.rsplit(":", 1)[1]
        text = console.check_text(name)
        assert text != name and any(ord(c) > 127 for c in text.split(" (")[0]), f"{key}: {text}"
    assert console.check_text("not_null_fct_indicator_target_target_id") == (
        "Cột không được để trống (fct_indicator_target_target_id)"
    )
    assert (
        console.check_text("rejections_have_reasons")
        == "Mọi tệp bị loại đều có lý do (rejections_have_reasons)"
    )
    assert console.check_text("a_check_added_later") == "a_check_added_later", "never an empty line"
