"""The `khcn` console script, run as a user would (a real subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PLANS, golden_records

KHCN = Path(sys.executable).with_name("khcn")


def run_khcn(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KHCN), *args], capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_extract_prints_one_json_line_per_plan_with_golden_metadata() -> None:
    files = sorted(str(p) for p in PLANS.iterdir())
    result = run_khcn("extract", *files)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == files
    golden = {g["file"]: g["document"] for g in golden_records()}
    for line in lines:
        expected = golden[Path(line["file"]).name]
        document = line["document"]
        for key in (
            "province_name",
            "province_code",
            "doc_number",
            "issue_date",
            "period_start",
            "period_end",
        ):
            assert document[key] == expected[key], (line["file"], key)
        assert set(line) == {
            "file",
            "document",
            "targets",
            "citations",
            "themes",
        }  # themes added, none dropped


def test_unreadable_file_is_reported_and_others_still_processed(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)))
    missing = tmp_path / "missing.txt"
    plan = sorted(PLANS.iterdir())[2]
    result = run_khcn("extract", str(garbage), str(missing), str(plan))
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert "error" in records[0] and "binary" in records[0]["error"]
    assert "error" in records[1] and "cannot read" in records[1]["error"]
    assert records[2]["document"]["province_code"] == "30"
