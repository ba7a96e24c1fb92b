"""The analyst's workbook (data/marts/khcn_benchmark.xlsx): an introduction, the province ×
indicator matrix with the national target above each indicator, the benchmarking sheets, one sheet
per mart with Vietnamese headers (machine names in a small second row, codes grouped at the right),
and a Vietnamese data dictionary. Every sheet prints A4 landscape, one page wide.

`model` decides what is shown (columns, labels, order), `matrix` arranges the matrix, `sheets`
writes cells, `content` holds the workbook's own words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import xlsxwriter

from pipelines.publishing.workbook.content import (
    DICTIONARY_DOC,
    DICTIONARY_MACHINE_COLUMNS,
    dictionary,
    intro_facts,
    sheet_listing,
    write_intro_sheet,
)
from pipelines.publishing.workbook.matrix import (
    matrix_evidence,
    matrix_frame,
    matrix_values,
    national_target_texts,
    national_texts_of,
)
from pipelines.publishing.workbook.model import (
    DICTIONARY_SHEET,
    DOCUMENT_MART,
    EXCEL_CELL_MAX,
    INTRO_SHEET,
    MATRIX_MART,
    SHEETS,
    WORKBOOK_NAME,
    ColumnDoc,
    ModelDoc,
    SheetColumn,
    WorkbookContext,
    build_time,
    indicator_catalog,
    load_model_docs,
    model_docs,
    number_format,
    plan_sheets,
    present_table,
    sheet_name,
    sheet_titles,
    workbook_columns,
)
from pipelines.publishing.workbook.review_sheet import mark_matrix_review, write_review_sheet
from pipelines.publishing.workbook.sheets import (
    MATRIX_HEADER_ROWS,
    Formats,
    write_matrix_sheet,
    write_table_sheet,
)

__all__ = [
    "DICTIONARY_SHEET",
    "DOCUMENT_MART",
    "EXCEL_CELL_MAX",
    "INTRO_SHEET",
    "SHEETS",
    "WORKBOOK_NAME",
    "ColumnDoc",
    "ModelDoc",
    "WorkbookContext",
    "build_time",
    "load_model_docs",
    "model_docs",
    "national_target_texts",
    "number_format",
    "plan_sheets",
    "sheet_name",
    "sheet_titles",
    "workbook_columns",
    "write_workbook",
]

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
    "nan_inf_to_errors": True,
}


def _data_sheets(
    workbook: xlsxwriter.Workbook,
    formats: Formats,
    tables: Mapping[str, pl.DataFrame],
    context: WorkbookContext,
) -> list[tuple[str, str, list[SheetColumn]]]:
    """Write the matrix and one sheet per mart; returns (mart, sheet, columns) for the dictionary."""
    catalog = indicator_catalog(tables)
    written = []
    for mart, name in plan_sheets(list(tables), context.models):
        sheet = workbook.add_worksheet(name)
        doc = context.model(mart)
        if mart == MATRIX_MART:
            columns = write_matrix_sheet(
                sheet,
                formats,
                matrix_frame(tables[mart]),
                doc,
                catalog,
                national_texts_of(tables) or national_target_texts(context.national_targets),
                matrix_evidence(tables),
                matrix_values(tables),
                name,
            )
            mark_matrix_review(
                sheet, formats, matrix_frame(tables[mart]), columns, tables, MATRIX_HEADER_ROWS
            )
        else:
            frame, columns = present_table(tables[mart], doc, context.labels, mart)
            write_table_sheet(sheet, formats, frame, columns, name)
        written.append((mart, name, columns))
    written += [sheet for sheet in [write_review_sheet(workbook, formats, tables)] if sheet]  # "Kiểm tra"
    return written


def write_workbook(
    tables: Mapping[str, pl.DataFrame], path: Path, context: WorkbookContext | None = None
) -> list[str]:
    """The analyst's workbook; returns its sheet names in order. Strings are always written as text
    (`strings_to_formulas` off, `write_string`): a quote starting with "=" never becomes a formula."""
    context = context or WorkbookContext(built_at=build_time())
    sheets = plan_sheets(list(tables), context.models)
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    try:
        workbook.set_properties(
            {
                "title": "So sánh kế hoạch KH,CN&ĐMST cấp tỉnh",
                "author": "khcn-benchmark",
                "created": context.built_at.astimezone(dt.UTC).replace(tzinfo=None),
            }
        )
        formats = Formats(workbook)
        intro = workbook.add_worksheet(INTRO_SHEET)
        written = _data_sheets(workbook, formats, tables, context)
        entries = dictionary(written, indicator_catalog(tables))
        dictionary_columns = [
            SheetColumn(
                c, DICTIONARY_DOC.label(c), DICTIONARY_DOC.meaning(c), c in DICTIONARY_MACHINE_COLUMNS
            )
            for c in entries.columns
        ]
        write_table_sheet(
            workbook.add_worksheet(DICTIONARY_SHEET), formats, entries, dictionary_columns, DICTIONARY_SHEET
        )
        extra = [name for _, name, _ in written if name not in dict(sheets).values()]  # e.g. "Kiểm tra"
        write_intro_sheet(
            intro,
            formats,
            intro_facts(tables, sheets, context),
            sheet_listing(tables, sheets, context, extra),
        )
    finally:
        workbook.close()
    return [INTRO_SHEET, *(name for _, name, _ in written), DICTIONARY_SHEET]
