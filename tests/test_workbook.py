"""The analyst's workbook (data/marts/khcn_benchmark.xlsx), read back with openpyxl from a real
pipeline run: sheet order, Vietnamese headers over machine names, formats, evidence beside every
number, the national-target row, status colours, the data dictionary, and no formula injection."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.khcn.exports import (
    DICTIONARY_SHEET,
    EXCEL_CELL_MAX,
    INTRO_SHEET,
    SHEETS,
    national_target_texts,
    number_format,
    plan_sheets,
    sheet_name,
    workbook_columns,
    write_workbook,
)
from tests.conftest import REPO
from tests.test_pipeline import materialize_all

MATRIX_SHEET = SHEETS["mart_indicator_matrix_wide"][0]
TARGETS_SHEET = SHEETS["fct_indicator_target"][0]
DOCUMENTS_SHEET = SHEETS["dim_document"][0]
STATED_FILL = "FFE2EFDA"
NOT_STATED_FILL = "FFEDEDED"


def header(sheet, row: int) -> list:
    return [cell.value for cell in sheet[row]]


def width_of(sheet, column: int) -> float:
    """Width of a 1-based column; openpyxl keys a run of equal widths by its first column."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.min <= column <= dimension.max:
            return dimension.width
    return 0.0


def column_of(sheet, machine_row: int, name: str) -> int:
    """1-based column of a machine name in the machine header row."""
    return header(sheet, machine_row).index(name) + 1


@pytest.mark.slow
def test_workbook_from_a_real_run(data_dir: Path) -> None:
    result = materialize_all(data_dir)
    assert result.success
    marts = data_dir / "marts"
    parquet = {path.stem: pl.read_parquet(path) for path in marts.glob("*.parquet")}
    book = openpyxl.load_workbook(marts / "khcn_benchmark.xlsx")

    # sheet order and names
    names = book.sheetnames
    assert names[0] == INTRO_SHEET and names[1] == MATRIX_SHEET and names[-1] == DICTIONARY_SHEET
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    sheets = dict(plan_sheets(list(parquet)))
    assert set(sheets.values()) == set(names) - {INTRO_SHEET, DICTIONARY_SHEET}

    # introduction: what, when, from which plans, how to read "not stated", the sheet list
    intro = "\n".join(str(c) for row in book[INTRO_SHEET].iter_rows(values_only=True) for c in row if c)
    documents = parquet["dim_document"]
    assert f"{documents.height} văn bản" in intro
    assert all(name in intro for name in documents["province_name"].unique())
    assert "Asia/Ho_Chi_Minh" in intro and "Không nêu trong kế hoạch" in intro and "khác" in intro.lower()
    assert all(name in intro for name in names[1:])

    # every mart sheet: Vietnamese header, machine row, frozen panes, autofilter, every row
    for mart, name in sheets.items():
        sheet = book[name]
        frame = parquet[mart]
        if mart == "mart_indicator_matrix_wide":
            assert sheet.max_row - 3 == frame.height
            continue
        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref.startswith("A2:")
        assert header(sheet, 2) == workbook_columns(frame.columns)
        assert sheet.max_row - 2 == frame.height
        assert sheet.cell(2, 1).font.sz == 8
    targets = book[TARGETS_SHEET]
    assert "Trích dẫn nguyên văn" in header(targets, 1) and "Năm đạt" in header(targets, 1)
    assert "quote" in header(targets, 2)

    # a known value and its quote on the same row, the quote beside the numbers
    col = {name: column_of(targets, 2, name) for name in header(targets, 2)}
    assert col["quote"] - col["value_max"] <= 3
    rows = [
        list(row)
        for row in targets.iter_rows(min_row=3)
        if row[col["province_name"] - 1].value == "Hưng Yên"
        and row[col["indicator_code"] - 1].value == "rd_spend_pct_grdp"
    ]
    assert rows
    row = rows[0]
    value_min, value_max = row[col["value_min"] - 1], row[col["value_max"] - 1]
    assert (value_min.value, value_max.value) == (1.2, 1.5)
    assert "GRDP" in row[col["quote"] - 1].value
    assert row[col["quote"] - 1].alignment.wrap_text
    # percentages stay as written (1.2 means 1,2 %): thousands/decimals, never Excel's % format
    assert value_min.number_format.startswith("#,##0") and "%" not in value_min.number_format
    assert row[col["target_year"] - 1].number_format == "0"
    years = [r[col["issue_year"] - 1] for r in targets.iter_rows(min_row=3) if r[col["issue_year"] - 1].value]
    assert years and all(c.number_format == "0" for c in years)
    assert 20 <= width_of(targets, col["quote"]) <= 61, "quotes wrap in a readable width"
    answers = {r[col["qualitative"] - 1].value for r in targets.iter_rows(min_row=3)}
    assert answers <= {"Có", "Không", None} and answers & {"Có", "Không"}, "booleans read Có/Không"

    # dates as dd/mm/yyyy
    docs = book[DOCUMENTS_SHEET]
    issue = column_of(docs, 2, "issue_date")
    dated = [r[issue - 1] for r in docs.iter_rows(min_row=3) if r[issue - 1].value is not None]
    assert dated and all(c.is_date and c.number_format == "dd/mm/yyyy" for c in dated)

    # the matrix: indicator names, national targets, machine codes; coloured status
    matrix = book[MATRIX_SHEET]
    assert matrix.freeze_panes == "C4"
    assert matrix.auto_filter.ref.startswith("A3:")
    catalog = dict(parquet["dim_indicator"].select("indicator_code", "name_vi").iter_rows())
    spend = column_of(matrix, 3, "rd_spend_pct_grdp")
    assert matrix.cell(1, spend).value == catalog["rd_spend_pct_grdp"]
    assert "1,2–1,5% GRDP (2025); 1,5–2% GRDP (2030)" in matrix.cell(2, spend).value
    assert matrix.cell(1, column_of(matrix, 3, "province_name")).value == "Tỉnh"
    name_column = column_of(matrix, 3, "province_name") - 1
    by_province = {r[name_column].value: r for r in matrix.iter_rows(min_row=4)}
    stated = by_province["Hưng Yên"][spend - 1]
    assert stated.value.startswith("1,2–1,5% GRDP") and stated.fill.fgColor.rgb == STATED_FILL
    assert stated.comment is not None and "GRDP" in stated.comment.text
    not_stated = by_province["Hà Nam"][spend - 1]
    assert not_stated.value == "Không nêu" and not_stated.fill.fgColor.rgb == NOT_STATED_FILL
    assert not_stated.font.color.rgb == "FF808080"

    # the data dictionary covers every column of every sheet
    dictionary = book[DICTIONARY_SHEET]
    assert header(dictionary, 2) == ["sheet", "column", "label_vi", "description", "unit", "source_model"]
    entries = {(r[0], r[1]): r for r in dictionary.iter_rows(min_row=3, values_only=True)}
    for name in sheets.values():
        machine_row = 3 if name == MATRIX_SHEET else 2
        for column in header(book[name], machine_row):
            assert (name, column) in entries, (name, column)
    quote = entries[(TARGETS_SHEET, "quote")]
    assert quote[2] == "Trích dẫn nguyên văn" and quote[3] and quote[5] == "fct_indicator_target"
    assert entries[(MATRIX_SHEET, "rd_spend_pct_grdp")][4]
    assert len(entries) == sum(len(frame.columns) for mart, frame in parquet.items() if mart in sheets), (
        "one dictionary row per column"
    )


@pytest.mark.slow
def test_libreoffice_opens_the_workbook(data_dir: Path, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    assert materialize_all(data_dir).success
    out = tmp_path / "converted"
    workbook = data_dir / "marts" / "khcn_benchmark.xlsx"
    run = subprocess.run(
        # first sheet (the introduction) as UTF-8 CSV; a private profile so a running office is untouched
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    text = (out / "khcn_benchmark.csv").read_text(encoding="utf-8")
    assert "Bộ số liệu so sánh kế hoạch" in text and "Không nêu" in text


def test_document_text_is_never_a_formula(tmp_path: Path) -> None:
    risky = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']
    path = tmp_path / "book.xlsx"
    write_workbook({"bad": pl.DataFrame({"quote": risky, "note": risky})}, path)
    sheet = openpyxl.load_workbook(path)["bad"]
    cells = [row for row in sheet.iter_rows(min_row=3)]
    # a carriage return is shown as a line break, the rest comes back exactly
    assert [row[0].value for row in cells] == [text.replace("\r", "\n") for text in risky]
    assert all(cell.data_type == "s" for row in cells for cell in row)
    prefixed = [cell.quotePrefix for row in cells for cell in row if not cell.value.startswith("\n")]
    assert len(prefixed) == 12 and all(prefixed), "re-entering the cell in Excel keeps it text"
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml


def test_text_longer_than_an_excel_cell_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_workbook({"long": pl.DataFrame({"quote": ["ạ" * (EXCEL_CELL_MAX + 10), "ngắn"]})}, path)
    sheet = openpyxl.load_workbook(path)["long"]
    long, short = sheet["A3"].value, sheet["A4"].value
    assert len(long) == EXCEL_CELL_MAX and long.endswith("…") and short == "ngắn"


def test_sheet_names_are_short_unique_and_legal() -> None:
    taken: set[str] = set()
    names = [sheet_name(n, taken) for n in ["a/b:c*d?e[f]g\\h", "x" * 40, "X" * 40, "'quoted'", "Mục tiêu"]]
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") and not n.startswith("'") for n in names)
    planned = plan_sheets(["mart_new_thing", "fct_indicator_target", "Giới thiệu", "dim_document"])
    assert [mart for mart, _ in planned] == [
        "fct_indicator_target",
        "dim_document",
        "mart_new_thing",
        "Giới thiệu",
    ]
    assert INTRO_SHEET not in {name for _, name in planned}


def test_number_formats_keep_percentages_as_written() -> None:
    assert number_format(1.5, "number") == "#,##0.0"
    assert number_format(2.0, "number") == "#,##0"
    assert number_format(1234567.25, "number") == "#,##0.00"
    assert number_format(2025, "year") == "0"
    assert number_format(0.125, "fraction").endswith("%")


def test_national_targets_read_like_the_matrix_cells() -> None:
    seed = pl.read_csv(REPO / "dbt_project" / "seeds" / "national_targets.csv", try_parse_dates=True)
    texts = national_target_texts(seed)
    assert "569/QĐ-TTg: 1,2–1,5% GRDP (2025); 1,5–2% GRDP (2030)" in texts["rd_spend_pct_grdp"]
    assert "57-NQ/TW: 2% GRDP (2030)" in texts["rd_spend_pct_grdp"]
