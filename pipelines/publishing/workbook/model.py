"""What the workbook shows, before any cell is written: which sheets in which order, which columns
a person reads (in Vietnamese) and which hold codes for machines, in which row order, and what the
data dictionary says. Pure functions on Polars frames; the xlsx writing is in `sheets`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.settings import DBT_MANIFEST
from pipelines.text.vietnamese import VN_TZ, Labels, collation_key, collation_ranks, load_labels

WORKBOOK_NAME = "khcn_benchmark.xlsx"
EXCEL_SHEET_NAME_MAX = 31
EXCEL_CELL_MAX = 32_767

INTRO_SHEET = "Giới thiệu"
DICTIONARY_SHEET = "Từ điển dữ liệu"
MATRIX_MART = "mart_indicator_matrix_wide"
LONG_MATRIX_MART = "mart_indicator_matrix"
INDICATOR_MART = "dim_indicator"
DOCUMENT_MART = "dim_document"
NATIONAL_MART = "dim_national_target"
RANKING_MART = "mart_indicator_ranking"
NOT_STATED_CELL = "Không nêu"
NOT_STATED_VI = "Không nêu trong kế hoạch"
NO_NATIONAL_TARGET = "—"
VALUE_SUFFIX = "__so"  # the numeric column beside each matrix cell: "<indicator>__so"

# Row order: provinces in Vietnamese alphabetical order everywhere, after the columns a mart groups
# by (a ranking stays in rank order within each indicator). (column, descending) pairs.
SORT_BEFORE_PROVINCE: dict[str, tuple[tuple[str, bool], ...]] = {
    RANKING_MART: (
        ("indicator_code", False),
        ("target_type", False),
        ("unit", False),
        ("target_year", False),
        ("rank", False),
    ),
    "mart_indicator_comparison": (("indicator_code", False), ("target_year", False), ("target_type", False)),
    "mart_policy_alignment": (("citing_provinces", True), ("canonical", False)),
}
PROVINCE_SORT_COLUMNS = ("province_name", "successor_name", "region")

# Text columns that hold sentences (quotes, evidence, reasons, titles): wrapped, not cut off.
WRAP_MARKERS = ("quote", "evidence", "reason", "label", "title", "description", "definition", "note", "_vi")
YEAR_COLUMNS = frozenset(
    {"year", "period_start", "period_end", "period_from", "period_to", "issue_month", "edition"}
)
FRACTION_COLUMNS = frozenset({"text_share"})
VALUE_ANCHORS = ("value_min", "value_max", "unit", "target_year", "cell_text")
EVIDENCE_COLUMNS = ("target_text_vi", "quote", "section")
VALUE_COLUMNS = frozenset(
    {"value_min", "value_max", "range_min", "range_max", "national_min", "national_max", "baseline_value"}
)
# Columns for machines, not people: ids, codes, keys, hashes, offsets, English names. They are kept,
# grouped at the right of each sheet under a grey header, so files can still be joined.
MACHINE_SUFFIXES = ("_id", "_code", "_key", "_sha256", "_en")
# `definition` is the catalog's English definition: kept with the other English text at the right until
# the catalog has a Vietnamese one (`definition_vi`, shown where a person reads when it exists).
MACHINE_COLUMNS = frozenset(
    {
        "encoding",
        "char_start",
        "char_end",
        "first_char_start",
        "char_count",
        "reason",
        "cell_text",
        "name_en",
        "definition",
    }
)
JSON_COLUMNS = frozenset({"components"})
ENGLISH_COLUMNS = frozenset({"definition", "reason"})
# Lists of province names in one cell ("Hà Nam, Hải Dương"): shown in Vietnamese alphabetical order.
NAME_LIST_COLUMNS = frozenset({"province_names", "legacy_names"})


@dataclass(frozen=True)
class ColumnDoc:
    """What dbt says about one column: its Vietnamese header and description (meta.label_vi,
    meta.description_vi) and the English description."""

    label_vi: str | None = None
    description: str = ""
    description_vi: str | None = None


@dataclass(frozen=True)
class ModelDoc:
    """What dbt says about one model, as read from target/manifest.json."""

    description: str = ""
    columns: Mapping[str, ColumnDoc] = field(default_factory=dict)
    description_vi: str | None = None
    sheet_title: str | None = None
    sheet_description: str | None = None
    sheet_order: int | None = None

    def label(self, column: str) -> str:
        """The Vietnamese header, or the machine name when dbt has none (never a blank header)."""
        doc = self.columns.get(column)
        return (doc.label_vi if doc and doc.label_vi else None) or column

    def meaning(self, column: str) -> str:
        """The Vietnamese description, else the English one."""
        doc = self.columns.get(column)
        return (doc.description_vi or doc.description) if doc else ""


@dataclass(frozen=True, eq=False)
class WorkbookContext:
    """Everything the workbook needs besides the marts, kept small and typed so the export asset is
    the only place that knows about the warehouse and the dbt manifest."""

    built_at: dt.datetime
    document_count: int = 0
    provinces: tuple[str, ...] = ()
    national_targets: pl.DataFrame | None = None
    models: Mapping[str, ModelDoc] = field(default_factory=lambda: project_model_docs())
    labels: Labels = field(default_factory=load_labels)

    def model(self, name: str) -> ModelDoc:
        return self.models.get(name, ModelDoc())


@dataclass(frozen=True)
class SheetColumn:
    """One column as the workbook shows it: its machine name (row 2), Vietnamese header (row 1),
    meaning for the dictionary, and whether it is for machines (grouped at the right)."""

    name: str
    label: str
    meaning: str
    machine: bool = False
    role: str = ""  # on the matrix: "indicator" (target text) or "value" (its number)


def build_time() -> dt.datetime:
    """Now, in Vietnam's time zone: the analyst reads the build time as local time."""
    return dt.datetime.now(VN_TZ)


def model_docs(manifest: Mapping[str, Any], package: str = "khcn_benchmark") -> dict[str, ModelDoc]:
    """Model and column documentation from a parsed dbt manifest, keyed by model name. Newer dbt
    mirrors meta under `config.meta`, so both places are read."""
    docs: dict[str, ModelDoc] = {}
    for key, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") != "model" or not key.startswith(f"model.{package}."):
            continue
        columns = {}
        for name, column in node.get("columns", {}).items():
            meta = column.get("meta") or column.get("config", {}).get("meta") or {}
            description = (column.get("description") or "").strip()
            columns[name] = ColumnDoc(meta.get("label_vi"), description, meta.get("description_vi"))
        meta = node.get("meta") or node.get("config", {}).get("meta") or {}
        description = (node.get("description") or "").strip()
        docs[node["name"]] = ModelDoc(
            description,
            columns,
            meta.get("description_vi"),
            meta.get("sheet_title_vi"),
            meta.get("sheet_description_vi"),
            meta.get("sheet_order"),
        )
    return docs


def load_model_docs(manifest_path: Path) -> dict[str, ModelDoc]:
    """`model_docs` of the manifest file; empty (machine headers) when dbt has not parsed yet."""
    if not manifest_path.exists():
        return {}
    return dict(_read_model_docs(str(manifest_path), manifest_path.stat().st_mtime_ns))


@lru_cache(maxsize=2)
def _read_model_docs(path: str, _mtime: int) -> dict[str, ModelDoc]:
    """Parsed once per version of the file (the manifest is several MB)."""
    return model_docs(json.loads(Path(path).read_text(encoding="utf-8")))


def project_model_docs() -> dict[str, ModelDoc]:
    """The documentation in the checkout's own manifest (`make manifest`), for callers without a
    `WorkbookContext`; the export asset passes the manifest dagster-dbt runs with."""
    return load_model_docs(DBT_MANIFEST)


def sheet_titles(models: Mapping[str, ModelDoc]) -> dict[str, tuple[str, str]]:
    """Mart → (sheet name, what the sheet shows in one Vietnamese line), from each model's dbt meta
    (`sheet_title_vi`, `sheet_description_vi`, `sheet_order`; edit them in the mart's YAML). In
    `sheet_order`, then by name for a model without one; a model without a title is not listed
    (`plan_sheets` still gives it a sheet, named after it)."""
    titled = sorted(
        ((name, doc) for name, doc in models.items() if doc.sheet_title),
        key=lambda item: (item[1].sheet_order is None, item[1].sheet_order or 0, item[0]),
    )
    return {name: (str(doc.sheet_title), doc.sheet_description or "") for name, doc in titled}


class ProjectSheets(Mapping[str, tuple[str, str]]):
    """`sheet_titles` of the checkout's manifest, read on first use (not at import): the sheet names
    for code that has no manifest of its own, such as the tests."""

    def _titles(self) -> dict[str, tuple[str, str]]:
        return sheet_titles(project_model_docs())

    def __getitem__(self, mart: str) -> tuple[str, str]:
        return self._titles()[mart]

    def __iter__(self) -> Iterator[str]:
        return iter(self._titles())

    def __len__(self) -> int:
        return len(self._titles())


SHEETS: Mapping[str, tuple[str, str]] = ProjectSheets()


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel sheet name (≤ 31 chars, no []:*?/\\, no edge apostrophe), unique within the workbook
    (Excel compares sheet names case-insensitively)."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'")[:EXCEL_SHEET_NAME_MAX] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"~{n}"
        candidate = clean[: EXCEL_SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def plan_sheets(marts: Sequence[str], models: Mapping[str, ModelDoc] | None = None) -> list[tuple[str, str]]:
    """(mart, sheet name) in workbook order: marts with a sheet title in the models' meta in
    `sheet_order`, then any other mart, named after itself, so a new dbt model never disappears
    from the workbook. `models` defaults to the checkout's manifest. The introduction and
    dictionary names are reserved first so no mart can take them."""
    titles = sheet_titles(project_model_docs() if models is None else models)
    taken = {INTRO_SHEET, DICTIONARY_SHEET}
    known = [mart for mart in titles if mart in marts]
    others = [mart for mart in marts if mart not in titles]
    return [(mart, sheet_name(titles[mart][0] if mart in titles else mart, taken)) for mart in known + others]


def excel_text(value: str) -> str:
    """Text that fits in one Excel cell (cut at 32,767 characters, ending in "…"); carriage
    returns become line feeds, the only line break an Excel cell shows as one."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value if len(value) <= EXCEL_CELL_MAX else value[: EXCEL_CELL_MAX - 1] + "…"


def decimals(value: float, most: int = 4) -> int:
    """Decimal places a value actually has (up to `most`), so 1.2 shows "1,2" and 2.0 shows "2"."""
    return len(f"{abs(value):.{most}f}".rstrip("0").partition(".")[2])


def number_format(value: float, kind: str) -> str:
    """Excel number format for one cell. Percentages are stored as written (1.5 means 1,5 % and the
    unit column says "%"), so Excel's % format, which multiplies by 100, is only for true 0–1
    fractions. Excel shows the separators of the reader's locale (1.234,5 in Vietnamese Excel)."""
    if kind == "year":
        return "0"
    if kind == "fraction":
        places = decimals(value * 100, most=2)
        return "0%" if places == 0 else "0." + "0" * places + "%"
    places = decimals(value)
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def workbook_columns(columns: Sequence[str]) -> list[str]:
    """Column order: the quote (and section) moved right after the value columns, so the evidence
    sits beside every number. Parquet/CSV keep the dbt order."""
    columns = list(columns)
    anchors = [columns.index(c) for c in VALUE_ANCHORS if c in columns]
    evidence = [c for c in EVIDENCE_COLUMNS if c in columns]
    if not anchors or "quote" not in columns:
        return columns
    anchor = columns[max(anchors)]
    rest = [c for c in columns if c not in evidence]
    at = rest.index(anchor) + 1
    return rest[:at] + evidence + rest[at:]


def is_year_column(column: str) -> bool:
    return column in YEAR_COLUMNS or column.endswith("_year") or column.endswith("_edition")


def is_machine_column(column: str) -> bool:
    return column in MACHINE_COLUMNS or column.endswith(MACHINE_SUFFIXES)


def components_text(value: str | None) -> str | None:
    """A breakdown stored as JSON ([{"label": …, "value": …}]) as a person reads it:
    "nhãn hiệu tập thể: 32; chỉ dẫn địa lý: 1". Anything else is returned as it is."""
    if not value:
        return value
    try:
        parts = json.loads(value)
    except ValueError:
        return value
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        return value
    number = lambda v: f"{v:g}".replace(".", ",") if isinstance(v, int | float) else str(v)  # noqa: E731
    return "; ".join(f"{p.get('label', '')}: {number(p.get('value', ''))}".strip(": ") for p in parts)


def sorted_names(value: str | None) -> str | None:
    """ "Hải Dương, Hà Nam" → "Hà Nam, Hải Dương": a list of names in Vietnamese order."""
    if not value:
        return value
    return ", ".join(sorted((n.strip() for n in value.split(",")), key=collation_key))


def vocabulary_of(column: str, labels: Labels) -> str | None:
    """The labels vocabulary of a column of codes (named after the column), if any."""
    return column if column in labels.vocabularies else None


def sort_rows(frame: pl.DataFrame, mart: str) -> pl.DataFrame:
    """Rows with provinces (and regions) in Vietnamese alphabetical order, after the columns the
    mart groups by; the mart's own order breaks ties (stable sort)."""
    keys = [(c, d) for c, d in SORT_BEFORE_PROVINCE.get(mart, ()) if c in frame.columns]
    names = [c for c in PROVINCE_SORT_COLUMNS if c in frame.columns][:1]
    if not keys and not names:
        return frame
    collated = [collation_ranks(frame[c]).alias(f"__key_{c}") for c in names]
    by = [c for c, _ in keys] + [f"__key_{c}" for c in names]
    descending = [d for _, d in keys] + [False] * len(names)
    ordered = frame.with_columns(collated).sort(
        by, descending=descending, nulls_last=True, maintain_order=True
    )
    return ordered.drop([f"__key_{c}" for c in names])


def present_table(
    frame: pl.DataFrame, doc: ModelDoc, labels: Labels, mart: str = ""
) -> tuple[pl.DataFrame, list[SheetColumn]]:
    """The frame as a person reads it: each column of codes shown by its Vietnamese label (the code
    kept in a machine column at the right), JSON breakdowns as text, machine columns grouped at the
    right, rows in Vietnamese order. Returns the frame to write and its columns in order."""
    frame = sort_rows(frame, mart)
    person: list[SheetColumn] = []
    machine: list[SheetColumn] = []
    derived: list[pl.Expr] = []
    for column in workbook_columns(frame.columns):
        vocabulary = vocabulary_of(column, labels)
        if vocabulary and f"{column}_vi" not in frame.columns:
            shown = f"{column}_vi"
            derived.append(
                pl.col(column)
                .map_elements(lambda v, voc=vocabulary: labels.text(voc, v), return_dtype=pl.String)
                .alias(shown)
            )
            person.append(SheetColumn(shown, doc.label(column), doc.meaning(column)))
            machine.append(
                SheetColumn(column, machine_label(doc.label(column), column), doc.meaning(column), True)
            )
        elif (vocabulary and f"{column}_vi" in frame.columns) or is_machine_column(column):
            machine.append(
                SheetColumn(column, machine_label(doc.label(column), column), doc.meaning(column), True)
            )
        else:
            if column in JSON_COLUMNS and frame.schema[column] == pl.String:
                derived.append(pl.col(column).map_elements(components_text, return_dtype=pl.String))
            if column in NAME_LIST_COLUMNS and frame.schema[column] == pl.String:
                derived.append(pl.col(column).map_elements(sorted_names, return_dtype=pl.String))
            person.append(SheetColumn(column, doc.label(column), doc.meaning(column)))
    columns = person + machine
    shown = frame.with_columns(derived) if derived else frame
    return shown.select([c.name for c in columns]), columns


def machine_label(label: str, column: str = "") -> str:
    """Header of a machine column: the Vietnamese header marked as a code, or as English text."""
    if column in ENGLISH_COLUMNS or column.endswith("_en"):
        return label if "tiếng Anh" in label else f"{label} (tiếng Anh)"
    return label if label.lower().startswith(("mã", "khóa")) else f"{label} (mã)"


def indicator_catalog(tables: Mapping[str, pl.DataFrame]) -> dict[str, dict[str, Any]]:
    """Indicator code → its dim_indicator row (name_vi, unit, definition …)."""
    catalog = tables.get(INDICATOR_MART)
    if catalog is None or "indicator_code" not in catalog.columns:
        return {}
    return {row["indicator_code"]: row for row in catalog.iter_rows(named=True)}
