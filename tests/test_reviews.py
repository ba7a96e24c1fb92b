"""The review loop end to end, with real pipeline runs (Dagster, DuckDB, dbt), on a copy of the
session build (tests/session_build.py: the seed plans and every bad input):

build → fill "Kiểm tra" with openpyxl (confirm, reject, correct twice, add) into data/raw/reviews/,
and a CSV with more decisions (one re-deciding a target the workbook corrected) and rows to refuse →
one run that re-extracts every plan (forced) → marts, audit and workbook show every decision, applied
to targets extracted anew → a plan removed → its decisions are orphans. Two whole-pipeline runs after
the session's build, shared by every test of the module.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.metadata.vocabulary import label_codes
from pipelines.reviews import CSV_COLUMNS, REVIEW_SHEET, target_id
from tests.session_build import SEED_NAMES, Build, copy_build, point_at

# The loop below is one module fixture of two runs: under pytest-xdist its tests go to one worker
# (tests/conftest.py, ONE_WORKER_FILES).
pytestmark = pytest.mark.runs_pipeline(2)

RISKY_REVIEWER = '<script>alert("x")</script> Lan'


def run(data: Path, force: bool = False) -> dict[str, bool]:
    """One whole pipeline run, in the instance of the build (DAGSTER_HOME); returns the review asset
    checks' outcomes."""
    from pipelines.run import run_pipeline
    from pipelines.settings import Settings

    if force:
        os.environ["KHCN_FORCE"] = "1"
    try:
        instance = dg.DagsterInstance.get()
        result = run_pipeline(Settings(data), instance)
        instance.dispose()
    finally:
        os.environ.pop("KHCN_FORCE", None)
    assert result.success
    return {
        c.check_name: c.passed
        for c in result.get_asset_check_evaluations()
        if c.asset_key.to_user_string() == "reviews"
    }


def query(data: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        return conn.sql(sql).pl()


def newest_targets(data: Path) -> pl.DataFrame:
    """Targets behind a matrix cell (newest plan of a province, catalog indicator), fewest first."""
    return query(
        data,
        """select t.*, m.province_key from marts.fct_indicator_target t
           join marts.mart_indicator_matrix m using (target_id)
           where m.is_newest and m.status = 'stated' order by t.document_id, t.char_start""",
    )


def targets_of(data: Path, document_id: str) -> pl.DataFrame:
    """Every target of one plan, those behind a matrix cell (newest plan, stated) first."""
    return query(
        data,
        f"""select t.*, coalesce(m.newest, false) as newest from marts.fct_indicator_target t
            left join (select target_id, true as newest from marts.mart_indicator_matrix
                       where is_newest and status = 'stated') m using (target_id)
            where t.document_id = '{document_id}' order by newest desc, t.char_start""",
    )


def missed_span(data: Path, document_id: str) -> tuple[str, float]:
    """A phrase with a number in the document that no extracted target covers (the one an analyst adds)."""
    text = query(
        data, f"select text_normalized from raw.documents where document_id = '{document_id}'"
    ).item()
    spans = query(
        data, f"select char_start, char_end from raw.targets where document_id = '{document_id}'"
    ).rows()
    for match in re.finditer(r"[^\n.;:]{12,60}?\b(\d{2,3})\b[^\n.;:]{3,30}", text):
        if all(match.end() <= s or match.start() >= e for s, e in spans) and text.count(match.group(0)) == 1:
            return match.group(0).strip(), float(match.group(1))
    raise AssertionError("no uncovered number in the document")


@pytest.fixture(scope="module")
def loop(session_build: Build, tmp_path_factory: pytest.TempPathFactory) -> dict:
    built = copy_build(session_build, tmp_path_factory.mktemp("reviews"))  # 1. the session's build
    data = built.data
    patch = pytest.MonkeyPatch()
    point_at(patch, data, built.home)
    state: dict = {"data": data, "stages": {}}
    try:
        state["stages"]["built"] = snapshot(data)
        targets = newest_targets(data)
        by_doc = targets.group_by("document_id").len().sort("len", descending=True)
        big = by_doc["document_id"][0]  # the plan with most targets: its targets are decided on
        mine = targets_of(data, big)  # those behind a matrix cell first
        assert mine.height >= 7, "the seed plans should give one plan with seven targets"
        assert mine["newest"][:3].all(), "the workbook's decisions land in matrix cells"
        picks = mine.rows(named=True)
        # the workbook corrects two targets; a later CSV row re-decides the second
        xlsx = {"confirm": picks[0], "reject": picks[1], "correct": picks[2], "superseded": picks[6]}
        state["xlsx"] = xlsx
        state["add_quote"], state["add_value"] = missed_span(data, big)
        state["document_id"] = big
        state["file_of_doc"] = query(
            data, f"select file_name from raw.documents where document_id = '{big}'"
        ).item()
        kept = built.root / "kept"  # the plan leaves the folder below; a copy under its own name stays
        kept.mkdir()
        state["plan_copy"] = kept / state["file_of_doc"]
        state["plan_copy"].write_bytes((data / "raw" / "plans" / state["file_of_doc"]).read_bytes())
        fill_workbook(data, state)
        state["eval"] = eval_against_reviews(data)  # the workbook's decisions alone (no run needed)
        write_csv_decisions(data, state, picks[3:6], xlsx["superseded"])
        store = sorted((data / "extracted").glob("*.json"))
        before = {p.name: p.stat().st_mtime_ns for p in store}
        state["checks"] = run(data, force=True)  # 2. both files' decisions, on a forced re-extraction
        state["reextracted"] = sum(
            p.stat().st_mtime_ns != before.get(p.name) for p in (data / "extracted").glob("*.json")
        )
        state["stages"]["reviewed"] = snapshot(data)
        plans = data / "raw" / "plans"
        renamed = next(plans / n for n in sorted(SEED_NAMES) if n != state["file_of_doc"])
        state["before_removal"] = folder_record(data)
        (plans / state["file_of_doc"]).unlink()
        renamed.rename(plans / "Kế hoạch đổi tên.txt")  # and another plan is renamed
        state["renamed"] = renamed.name
        run(data)  # 3. the plan is removed
        state["stages"]["removed"] = snapshot(data)
        state["after_removal"] = folder_record(data)
    finally:
        patch.undo()
    return state


def folder_record(data: Path) -> dict:
    """What the instance and the store know of the folder, and the documents by file name."""
    from pipelines.defs.ingest.partitions import plans_partitions
    from pipelines.store.build_state import stored_plans

    instance = dg.DagsterInstance.get()
    partitions = len(instance.get_dynamic_partitions(plans_partitions.name))
    instance.dispose()
    documents = pl.read_parquet(data / "marts" / "dim_document.parquet")
    return {
        "partitions": partitions,
        "stored": len(stored_plans(data / "extracted")),
        "documents": dict(documents.select("file_name", "document_id").iter_rows()),
    }


def snapshot(data: Path) -> dict:
    """What the tests read after each run: marts as exported, the workbook's review and matrix sheets."""
    marts = data / "marts"
    tables = {p.stem: pl.read_parquet(p) for p in marts.glob("*.parquet")}
    book = openpyxl.load_workbook(marts / "khcn_benchmark.xlsx")
    sheets = {}
    for name in (REVIEW_SHEET, "Ma trận chỉ tiêu"):
        if name in book.sheetnames:
            sheets[name] = [[c for c in row] for row in book[name].iter_rows(values_only=True)]
    fills = {}
    if REVIEW_SHEET in book.sheetnames:
        sheet = book[REVIEW_SHEET]
        fills = {cell.row: cell.fill.fgColor.rgb for cell in sheet["A"] if cell.row > 2 and cell.value}
    targets_raw = pl.DataFrame()
    if (data / "warehouse.duckdb").exists():
        targets_raw = query(data, "select target_id, quote, value_min, value_max from raw.targets")
    return {
        "tables": tables,
        "sheets": sheets,
        "fills": fills,
        "raw_targets": targets_raw,
        "book": book.sheetnames,
    }


def fill_workbook(data: Path, state: dict) -> None:
    """As an analyst does it: open the built workbook, choose decisions, save it into data/raw/reviews/."""
    book = openpyxl.load_workbook(data / "marts" / "khcn_benchmark.xlsx")
    sheet = book[REVIEW_SHEET]
    names = [c.value for c in sheet[2]]
    col = {name: names.index(name) + 1 for name in names if name}
    rows = {sheet.cell(r, col["target_id"]).value: r for r in range(3, sheet.max_row + 1)}
    choices = {"confirm": "Xác nhận", "reject": "Loại", "correct": "Sửa", "superseded": "Sửa"}
    for decision, target in state["xlsx"].items():
        r = rows[target["target_id"]]
        sheet.cell(r, col["decision"]).value = choices[decision]
        sheet.cell(r, col["reviewer"]).value = RISKY_REVIEWER
        if choices[decision] == "Sửa":
            sheet.cell(r, col["value_min"]).value = float(target["value_max"]) + 1
            sheet.cell(r, col["note"]).value = "=sai số? đã sửa theo văn bản"[1:]
    empty = next(r for r in range(3, sheet.max_row + 2) if not sheet.cell(r, col["target_id"]).value)
    for name, value in {
        "document_id": state["document_id"],
        "quote": state["add_quote"],
        "decision": "Thêm",
        "indicator_code": "other",
        "value_min": state["add_value"],
        "target_year": 2025,
        "reviewer": "Minh",
    }.items():
        sheet.cell(empty, col[name]).value = value
    reviews = data / "raw" / "reviews"
    reviews.mkdir(parents=True, exist_ok=True)
    book.save(reviews / "kiem_tra_lan_1.xlsx")


def write_csv_decisions(data: Path, state: dict, picks: list[dict], recorrect: dict) -> None:
    """The same four decisions through the CSV format, one of them re-deciding the corrected target,
    plus rows that must be refused (formula, unknown decision, a value that is not a number)."""
    confirm, reject, correct = picks
    text = query(
        data, f"select text_normalized from raw.documents where document_id = '{state['document_id']}'"
    ).item()
    add_quote = next(
        m.group(0).strip()
        for m in re.finditer(r"[^\n.;:]{12,60}?\b(\d{1,3})\b[^\n.;:]{3,30}", text)
        if m.group(0).strip() != state["add_quote"] and text.count(m.group(0)) == 1
    )
    add_value = float(re.search(r"\b(\d{1,3})\b", add_quote).group(1))
    state["csv"] = {"confirm": confirm, "reject": reject, "correct": correct, "recorrect": recorrect}
    state["csv_add"] = (add_quote, add_value)
    later = "2099-01-01T00:00:00"
    rows = [
        {"target_id": confirm["target_id"], "decision": "confirm", "reviewer": "Hà"},
        {"target_id": reject["target_id"], "decision": "reject", "reviewer": "Hà", "note": "kết quả cũ"},
        {"target_id": correct["target_id"], "decision": "correct", "target_year": "2030", "reviewer": "Hà"},
        {"target_id": recorrect["target_id"], "decision": "correct", "value_min": "7,5", "decided_at": later},
        {
            "document_id": state["document_id"],
            "quote": add_quote,
            "decision": "add",
            "indicator_code": "other",
            "value_min": str(add_value).replace(".", ","),
            "target_year": "2025",
        },
        {"target_id": confirm["target_id"], "decision": "approve"},
        {"target_id": confirm["target_id"], "decision": "correct", "value_min": "mười"},
        {"target_id": confirm["target_id"], "decision": "confirm", "note": '=HYPERLINK("http://x")'},
        {"target_id": "0000000000000000", "decision": "confirm"},
        {
            "document_id": state["document_id"],
            "quote": "câu không có trong văn bản 12",
            "decision": "add",
            "indicator_code": "other",
            "value_min": "12",
        },
    ]
    with (data / "raw" / "reviews" / "kiem_tra.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*CSV_COLUMNS, "decided_at"])
        writer.writeheader()
        writer.writerows(rows)
    (data / "raw" / "reviews" / "wrong_columns.csv").write_text("id,verdict\nabc,ok\n", encoding="utf-8")
    time.sleep(0.01)


def eval_against_reviews(data: Path) -> dict:
    import contextlib
    import io

    from pipelines.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(
            [
                "eval",
                "--reviews",
                str(data / "raw" / "reviews"),
                "--plans",
                str(data / "raw" / "plans"),
                "--json",
            ]
        )
    return json.loads(out.getvalue())


def status_of(stage: dict, tid: str) -> str | None:
    fct = stage["tables"]["fct_indicator_target"].filter(pl.col("target_id") == tid)
    return fct["review_status"].item() if fct.height else None


def test_workbook_decisions_apply(loop: dict) -> None:
    stage, picks = loop["stages"]["reviewed"], loop["xlsx"]
    fct = stage["tables"]["fct_indicator_target"]
    assert status_of(stage, picks["confirm"]["target_id"]) == "verified"
    assert status_of(stage, picks["correct"]["target_id"]) == "corrected"
    corrected = fct.filter(pl.col("target_id") == picks["correct"]["target_id"]).row(0, named=True)
    assert corrected["value_min"] == float(picks["correct"]["value_max"]) + 1
    added_id = target_id(loop["document_id"], loop["add_quote"], loop["add_value"], loop["add_value"])
    added = fct.filter(pl.col("target_id") == added_id)
    assert added["review_status"].to_list() == ["added"] and added["value_min"].item() == loop["add_value"]
    # the rejected target leaves every mart that has target ids, and stays in the audit
    rejected = picks["reject"]["target_id"]
    for name, table in stage["tables"].items():
        if "target_id" in table.columns and name != "fct_target_review":
            assert rejected not in table["target_id"].to_list(), name
    audit = stage["tables"]["fct_target_review"].filter(pl.col("review_file") == "kiem_tra_lan_1.xlsx")
    assert sorted(audit["decision"].to_list()) == ["add", "confirm", "correct", "correct", "reject"]
    outcomes = dict(audit.select("target_id", "review_outcome").iter_rows())
    later = picks["superseded"]["target_id"]  # the CSV re-decides it, later
    assert outcomes.pop(later) == "superseded" and set(outcomes.values()) == {"applied"}
    row = audit.filter(pl.col("target_id") == picks["correct"]["target_id"]).row(0, named=True)
    assert (
        row["old_value_min"] == picks["correct"]["value_min"]
        and row["new_value_min"] == corrected["value_min"]
    )
    assert row["reviewer"] == RISKY_REVIEWER and row["review_file"] == "kiem_tra_lan_1.xlsx"
    statuses = set(fct["review_status"].to_list())
    assert {"verified", "corrected", "added"} <= statuses and statuses & {"auto", "needs_review"}


def test_workbook_shows_statuses(loop: dict) -> None:
    built, reviewed = loop["stages"]["built"], loop["stages"]["reviewed"]
    sheet = built["sheets"][REVIEW_SHEET]
    statuses = [row[0] for row in sheet[2:] if row[0]]
    # needs_review first, then auto
    order = ["Cần kiểm tra", "Tự động (độ tin cậy cao)"]
    assert statuses == sorted(statuses, key=order.index)
    needs = [r for r, fill in built["fills"].items() if sheet[r - 1][0] == "Cần kiểm tra"]
    others = [r for r, fill in built["fills"].items() if sheet[r - 1][0] != "Cần kiểm tra"]
    assert needs and {built["fills"][r] for r in needs}.isdisjoint({built["fills"][r] for r in others})
    shown = {row[0] for row in reviewed["sheets"][REVIEW_SHEET][2:] if row[0]}
    assert {"Đã xác nhận", "Đã sửa", "Đã thêm"} <= shown
    matrix_text = " ".join(str(c) for row in reviewed["sheets"]["Ma trận chỉ tiêu"] for c in row if c)
    assert "(đã kiểm tra)" in matrix_text and "(cần kiểm tra)" in matrix_text
    # the reviewer's name is text in every sheet, never markup or a formula
    audit = reviewed["tables"]["fct_target_review"]
    assert RISKY_REVIEWER in audit["reviewer"].to_list()


def test_decisions_survive_forced_reextraction_and_csv_round_trip(loop: dict) -> None:
    assert loop["reextracted"] >= 5  # every stored plan was extracted again
    before, forced = loop["stages"]["built"], loop["stages"]["reviewed"]
    assert set(before["raw_targets"]["target_id"]) == set(forced["raw_targets"]["target_id"])
    x, c = loop["xlsx"], loop["csv"]
    assert status_of(forced, x["confirm"]["target_id"]) == "verified"
    assert status_of(forced, x["reject"]["target_id"]) is None
    assert status_of(forced, c["confirm"]["target_id"]) == "verified"
    assert status_of(forced, c["reject"]["target_id"]) is None
    fct = forced["tables"]["fct_indicator_target"]
    year = fct.filter(pl.col("target_id") == c["correct"]["target_id"])["target_year"].item()
    assert year == 2030
    # two decisions on one target: the later (decided_at) wins, both stay in the audit
    twice = c["recorrect"]["target_id"]
    assert fct.filter(pl.col("target_id") == twice)["value_min"].item() == 7.5
    audit = forced["tables"]["fct_target_review"]
    outcomes = audit.filter(pl.col("target_id") == twice).sort("decision_order")["review_outcome"].to_list()
    assert outcomes == ["superseded", "applied"]
    quote, value = loop["csv_add"]
    added = target_id(loop["document_id"], quote, value, value)
    assert status_of(forced, added) == "added"
    # bad rows and files are refused with a reason, and the rest went on
    rejected = forced["tables"]["mart_rejected_records"].filter(pl.col("record_type") == "review")
    codes = set(rejected["reason_code"].to_list())
    assert {"unknown_decision", "not_a_number", "formula", "wrong_columns", "review_orphan"} <= codes
    assert "review_quote_not_found" in codes
    assert codes <= label_codes("reason_code"), "every refusal has its Vietnamese label"
    assert rejected["reason"].null_count() == 0
    # the reviews asset's checks: accepted rows keep their contract; the refusals are flagged (a warning)
    assert loop["checks"] == {"reviews_contract": True, "reviews_all_accepted": False}


def test_removed_plan_decisions_are_orphans(loop: dict) -> None:
    removed = loop["stages"]["removed"]
    audit = removed["tables"]["fct_target_review"]
    decided = {t["target_id"] for t in [*loop["xlsx"].values(), *loop["csv"].values()]}
    decided |= {
        target_id(loop["document_id"], q, v, v)
        for q, v in [(loop["add_quote"], loop["add_value"]), loop["csv_add"]]
    }
    mine = audit.filter(pl.col("target_id").is_in(list(decided)))
    assert mine.height >= 9 and set(mine["review_outcome"].to_list()) == {"orphan"}
    assert mine["outcome_reason"].null_count() == 0
    assert loop["document_id"] not in removed["tables"]["fct_indicator_target"]["document_id"].to_list()
    orphans = removed["tables"]["mart_rejected_records"].filter(pl.col("reason_code") == "review_orphan")
    assert orphans.height >= mine.height


def test_eval_scores_the_extractor_against_decisions(loop: dict) -> None:
    score = loop["eval"]  # the workbook: one confirmed, one rejected, two values corrected, one added
    assert (score["confirmed"], score["rejected"], score["corrected"], score["added"]) == (1, 1, 2, 1)
    assert score["corrected_attributes"] == {"indicator": 0, "value": 2, "target_year": 0}
    # right = confirmed + corrected = 3 of 4 reviewed; 3 of the 4 targets the plan has were found
    assert score["precision"] == pytest.approx(3 / 4, abs=1e-3) and score["recall"] == pytest.approx(
        3 / 4, abs=1e-3
    )


def test_extract_json_gives_id_confidence_and_status(loop: dict) -> None:
    from pipelines.cli import extract_file
    from pipelines.gazetteer.units import Gazetteer
    from pipelines.targets.catalog import load_catalog
    from pipelines.targets.confidence import load_model

    record = extract_file(str(loop["plan_copy"]), Gazetteer.load(), load_catalog())
    threshold = load_model().review_threshold
    raw = loop["stages"]["built"]["raw_targets"]
    assert {t["target_id"] for t in record["targets"]} <= set(raw["target_id"].to_list())
    for t in record["targets"]:
        assert 0 <= t["confidence"] <= 1
        assert t["review_status"] == ("auto" if t["confidence"] >= threshold else "needs_review")


def test_removed_plan_leaves_the_marts_and_a_renamed_plan_is_the_same_document(loop: dict) -> None:
    before, after = loop["before_removal"], loop["after_removal"]
    removed = before["documents"][loop["file_of_doc"]]
    assert removed == loop["document_id"] and removed not in after["documents"].values()
    assert after["documents"]["Kế hoạch đổi tên.txt"] == before["documents"][loop["renamed"]]
    assert len(after["documents"]) == len(before["documents"]) - 1
    # the removed plan's partition and stored result are gone (the renamed one's moved to its new key)
    assert after["partitions"] == before["partitions"] - 1
    assert after["stored"] == before["stored"] - 1
