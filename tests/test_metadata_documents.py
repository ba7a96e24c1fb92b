"""Whole documents: an impossible header date flagged through extraction, the warehouse contract
and the command line; a reader failure costing one field; metadata scoring in `khcn eval`; metadata
reaching the marts. (Field readers are tested in tests/test_metadata.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.cli import main
from pipelines.evaluation.metadata import evaluate_metadata, format_metadata_report
from pipelines.metadata.extract import DocumentMetadata, _guarded, checked_date, extract_metadata
from pipelines.raw_tables.build import build_raw_tables
from pipelines.store.extraction import extract_plan, key_plans
from pipelines.store.plan_files import build_document, discover_plan_files
from pipelines.targets.catalog import load_catalog
from pipelines.text.normalize import normalize_text
from pipelines.themes import load_lexicon
from tests.session_build import Build

# --------------------------------------------------------------------------- impossible header dates (issue 13.7)

IMPOSSIBLE_DATES = [
    ("ngày 10 tháng 13 năm 2024", None),  # no 13th month: the month is dropped too
    ("ngày 31 tháng 2 năm 2024", 2),  # no 31 February: the month is still a month
    ("ngày 00 tháng 5 năm 2024", 5),  # day zero
]


def _plan_with_date(date_line: str) -> str:
    """A complete small plan whose header prints `date_line`; the rest is ordinary."""
    return (
        "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\n\nSố: 77/KH-UBND\n\n"
        f"Ninh Bình, {date_line}\n\nKẾ HOẠCH\nPhát triển khoa học và công nghệ năm 2025\n\n"
        "Thực hiện Quyết định số 569/QĐ-TTg ngày 11/5/2022 của Thủ tướng Chính phủ.\n\n"
        "I. MỤC TIÊU\n\n1. Phấn đấu đạt 12 đơn đăng ký sáng chế trong năm 2025.\n\n"
        "Nơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Văn Minh\n"
    )


@pytest.mark.parametrize(("date_line", "month"), IMPOSSIBLE_DATES, ids=[d for d, _ in IMPOSSIBLE_DATES])
def test_impossible_issue_date_is_flagged_and_the_plan_goes_on(
    date_line: str, month: int | None, tmp_path: Path, gazetteer
) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "bad_date.txt").write_text(_plan_with_date(date_line), encoding="utf-8")
    (plans / "good.txt").write_text(_plan_with_date("ngày 14 tháng 11 năm 2024"), encoding="utf-8")
    files, _ = discover_plan_files(plans)
    keyed, _ = key_plans(files, tmp_path / "store")
    records = [extract_plan(k, gazetteer, load_catalog(), load_lexicon(), "test") for k in keyed]
    bad, good = sorted(records, key=lambda r: r["file_name"])
    assert bad["rejections"] == [] and good["rejections"] == []
    doc = bad["document"]
    assert "invalid_issue_date" in doc["flags"]
    assert (doc["issue_date"], doc["issue_year"], doc["issue_month"]) == (None, 2024, month)
    assert (doc["province_code"], doc["doc_number"], doc["signer"]) == ("37", "77/KH-UBND", "Trần Văn Minh")
    assert [t["value_min"] for t in bad["targets"]] == [12]
    assert good["document"]["issue_date"] == "2024-11-14"
    assert "invalid_issue_date" not in good["document"]["flags"]
    # the plan with the impossible date passes the document contract into the warehouse
    tables = build_raw_tables(records, [], load_catalog().codes)
    assert tables.documents.height == 2, tables.rejected_documents.to_dicts()


def test_impossible_issue_date_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`khcn extract` (its entry point, in this process; tests/test_cli.py runs the installed command)."""
    bad = tmp_path / "bad_date.txt"
    bad.write_text(_plan_with_date("ngày 10 tháng 13 năm 2024"), encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(
        _plan_with_date("ngày 14 tháng 11 năm 2024").replace(
            "năm 2025\n", "giai đoạn 2025 - 2027, định hướng đến năm 2035\n", 1
        ),
        encoding="utf-8",
    )
    assert main(["extract", str(bad), str(good)]) == 0
    first, second = (json.loads(line)["document"] for line in capsys.readouterr().out.splitlines())
    assert first["issue_date"] is None and "invalid_issue_date" in first["flags"]
    assert first["province_name"] == "Ninh Bình"
    # the next plan is read as usual, and the record carries the new field beside the old ones
    assert (second["issue_date"], second["period_end"], second["horizon_year"]) == ("2024-11-14", 2027, 2035)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((2024, 11, 14), ("2024-11-14", 11, True)),
        ((2024, 2, None), (None, 2, True)),  # a blank day is unknown, not impossible
        ((2024, 2, 29), ("2024-02-29", 2, True)),
        ((2023, 2, 29), (None, 2, False)),
        ((2024, 0, 5), (None, None, False)),
        ((2024, 4, 31), (None, 4, False)),
        ((None, None, None), (None, None, True)),
    ],
)
def test_checked_date(parts: tuple, expected: tuple) -> None:
    assert checked_date(*parts) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Số:",
        "Số: /",
        "Hà Nội, ngày 99 tháng 99 năm 2024",
        "KẾ HOẠCH\n" * 40,
        "Nơi nhận:\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n" + "Nguyễn Văn A\n" * 50,
        "giai đoạn 2030 - 2020, định hướng đến năm 2010",
        "Hà Nội, ngày 05 tháng 3 năm 2027\nKẾ HOẠCH\nChuyển đổi số\nI. MỤC TIÊU\nMục tiêu đến năm 2025: 10 doanh nghiệp.",
    ],
)
def test_metadata_never_raises_on_odd_text(text: str, gazetteer) -> None:
    meta = extract_metadata(normalize_text(text) if text else text, gazetteer)
    assert isinstance(meta, DocumentMetadata)
    assert meta.period_start is None or meta.period_end is None or meta.period_start <= meta.period_end
    assert meta.horizon_year is None or meta.period_end is None or meta.horizon_year > meta.period_end


def test_a_failing_reader_costs_its_field_only() -> None:
    meta = DocumentMetadata()

    def broken() -> str:
        raise IndexError("a reader bug")

    assert _guarded(meta, "signer", broken, None) is None
    assert meta.flags == ["metadata_error_signer"]
    assert _guarded(meta, "title", lambda: "Tiêu đề", None) == "Tiêu đề"


# --------------------------------------------------------------------------- metadata scoring in `khcn eval`


def _labelled_plan(folder: Path, name: str, document: dict) -> Path:
    """A composed plan with a label file beside it (the label format of tests/fixtures)."""
    (folder / f"{name}.txt").write_text(
        _plan_with_date("ngày 14 tháng 11 năm 2024").replace(
            "năm 2025\n", "giai đoạn 2025 - 2027, tầm nhìn đến năm 2035\n", 1
        ),
        encoding="utf-8",
    )
    label = folder / f"{name}.json"
    label.write_text(
        json.dumps({"file": f"{name}.txt", "document": document, "targets": []}), encoding="utf-8"
    )
    return label


RIGHT = {
    "province_code": "37",
    "province_name": "Ninh Bình",
    "doc_type": "Kế hoạch",
    "doc_number": "77/KH-UBND",
    "issue_date": "2024-11-14",
    "issuer": "UBND tỉnh",
    "issuer_level": "province",
    "period_start": 2025,
    "period_end": 2027,
    "signer": "Trần Văn Minh",
}


def test_metadata_scoring_counts_each_field_and_lists_disagreements(tmp_path: Path, gazetteer) -> None:
    labels = [
        _labelled_plan(tmp_path, "a", {**RIGHT, "horizon_year": 2035}),
        _labelled_plan(tmp_path, "b", {**RIGHT, "signer": "Người Khác", "period_end": 2030}),
    ]
    score = evaluate_metadata(labels, [], lambda p: build_document(p.name, p.read_bytes(), gazetteer))
    accuracy = score.accuracy()
    assert accuracy["province_code"] == accuracy["doc_number"] == accuracy["issue_date"] == 1.0
    assert accuracy["signer"] == accuracy["period_end"] == 0.5
    assert (accuracy["horizon_year"], score.totals["horizon_year"]) == (1.0, 1)  # only where labelled
    assert {(d["file"], d["field"]) for d in score.diffs} == {("b.txt", "signer"), ("b.txt", "period_end")}
    assert "signer" in format_metadata_report(score) and "0.500" in format_metadata_report(score)


def test_khcn_eval_prints_metadata_accuracy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`khcn eval` (its entry point, in this process) reports metadata beside the target scores."""
    label = _labelled_plan(tmp_path, "a", {**RIGHT, "issuer_level": "party"})
    assert main(["eval", "--json", str(label), "--plans", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"precision", "recall", "plans"} <= set(report)  # the target report is unchanged
    assert report["metadata"]["accuracy"]["issuer_level"] == 0.0
    assert report["metadata"]["accuracy"]["signer"] == 1.0
    main(["eval", str(label), "--plans", str(tmp_path)])
    text = capsys.readouterr().out
    assert "metadata accuracy (1 plans)" in text and "issuer_level" in text


# --------------------------------------------------------------------------- into the warehouse


def test_horizon_and_dated_name_reach_the_marts(session_build: Build) -> None:
    """A real run (the session build holds a 2019 Thừa Thiên Huế plan, tests/session_build.py
    DATED_PLAN): the raw table, its contract, stg_documents, dim_document and the province profile."""
    documents = pl.read_parquet(session_build.marts / "dim_document.parquet")
    row = documents.filter(pl.col("doc_number") == "101/KH-UBND").row(0, named=True)
    assert (row["province_code"], row["province_name"]) == ("46", "Thừa Thiên Huế")
    assert (row["period_start"], row["period_end"], row["horizon_year"]) == (2019, 2025, 2030)
    assert documents.filter(pl.col("doc_number") != "101/KH-UBND")["horizon_year"].is_null().all()
    profile = pl.read_parquet(session_build.marts / "mart_province_profile.parquet").filter(
        pl.col("province_code") == "46"
    )
    assert profile.select("province_name", "period_from", "period_to", "horizon_year").row(0) == (
        "Thừa Thiên Huế",
        2019,
        2025,
        2030,
    )
