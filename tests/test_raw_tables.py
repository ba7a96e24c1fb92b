"""The raw tables' columns are declared once (pipelines/raw_tables/columns.py): the builder writes
them, the contracts and checks read them, and the dbt source declaration must say the same."""

from __future__ import annotations

import shutil
from dataclasses import fields

import pandera.polars as pa
import polars as pl
import pytest

from pipelines.metadata.extract import DocumentMetadata
from pipelines.raw_tables.build import build_raw_tables
from pipelines.raw_tables.columns import TARGET_COLUMNS, raw_table_columns
from pipelines.raw_tables.contracts import DocumentSchema, citation_schema, split_valid, target_schema
from pipelines.reviews import review_contract
from pipelines.store.extraction import extract_plan, key_plans
from pipelines.store.plan_files import discover_plan_files
from pipelines.targets.catalog import load_catalog
from pipelines.themes import load_lexicon
from tests.conftest import PLANS
from tests.dbt_yaml import source_column_types, source_columns

# How DuckDB names the Polars types the raw tables are written with (a source column may say it).
DUCKDB_TYPES = {
    pl.String: "varchar",
    pl.Int64: "bigint",
    pl.Float64: "double",
    pl.Boolean: "boolean",
    pl.List(pl.String): "varchar[]",
    pl.Datetime("us"): "timestamp",
}


def test_the_dbt_source_names_every_raw_table() -> None:
    assert set(source_columns("raw")) == set(raw_table_columns())


def test_a_column_the_dbt_source_names_is_one_the_raw_table_has() -> None:
    declared = raw_table_columns()
    for table, columns in source_columns("raw").items():
        assert set(columns) <= set(declared[table]), (table, sorted(set(columns) - set(declared[table])))


def test_the_dbt_source_declares_exactly_the_python_columns() -> None:
    declared = {table: list(columns) for table, columns in raw_table_columns().items()}
    assert source_columns("raw") == declared


def test_every_metadata_field_is_a_documents_column() -> None:
    """The builder keeps only declared columns: a new metadata field must be declared to arrive."""
    assert {f.name for f in fields(DocumentMetadata)} <= set(raw_table_columns()["documents"])


@pytest.mark.parametrize(
    ("table", "contract"),
    [
        ("documents", DocumentSchema.to_schema()),
        ("targets", target_schema({"other"})),
        ("citations", citation_schema()),
        ("reviews", review_contract({"other"})),
    ],
    ids=["documents", "targets", "citations", "reviews"],
)
def test_every_contract_column_is_declared_with_its_type(table: str, contract: pa.DataFrameSchema) -> None:
    """The Pandera contracts check declared columns only, with the declared Polars type."""
    declared = raw_table_columns()[table]
    for name, column in contract.columns.items():
        assert name in declared, (table, name)
        assert str(column.dtype) == str(declared[name]), (table, name)


def test_every_declared_type_has_a_warehouse_name() -> None:
    for table, columns in raw_table_columns().items():
        for column, dtype in columns.items():
            assert dtype in DUCKDB_TYPES, (table, column, dtype)


def test_a_type_the_dbt_source_gives_is_the_python_type() -> None:
    declared = raw_table_columns()
    for table, columns in source_column_types("raw").items():
        for column, data_type in columns.items():
            if data_type is not None and column in declared[table]:
                assert data_type.lower() == DUCKDB_TYPES[declared[table][column]], (table, column)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, gazetteer) -> dict[str, pl.DataFrame]:
    """Two real plans and a copy of one through extraction and the builder, plus the plan listing."""
    tmp_path = tmp_path_factory.mktemp("raw")
    plans = tmp_path / "plans"
    plans.mkdir()
    for path in sorted(PLANS.glob("*"))[:2]:
        shutil.copy(path, plans / path.name)
    shutil.copy(sorted(PLANS.glob("*"))[0], plans / "copy_of_the_first.txt")  # a duplicate: a rejection
    files, _ = discover_plan_files(plans)
    keyed, _ = key_plans(files, tmp_path / "store")
    records = [extract_plan(k, gazetteer, load_catalog(), load_lexicon(), "test") for k in keyed]
    tables = build_raw_tables(records, [], load_catalog().codes).as_dict()
    listing = [{"file_name": f.relative_path, "status": "listed"} for f in files]
    tables["plan_files"] = pl.DataFrame(listing, schema=raw_table_columns()["plan_files"])
    tables["reference_statistics"] = pl.DataFrame(schema=raw_table_columns()["reference_statistics"])
    return tables


def test_the_built_tables_have_exactly_the_declared_columns(built: dict[str, pl.DataFrame]) -> None:
    """Real plans through extraction and the builder: every table written as declared, in order."""
    assert built["documents"].height == 2 and built["rejected_documents"].height == 1
    assert built["targets"].height and built["citations"].height
    declared = raw_table_columns()
    for name, frame in built.items():
        assert dict(frame.schema) == declared[name], name


def test_the_raw_checks_pass_on_good_tables_and_name_what_is_wrong(built: dict[str, pl.DataFrame]) -> None:
    from pipelines.defs.warehouse.checks import RAW_CHECK_SPECS, raw_check_results

    results = raw_check_results(built)
    assert [r.check_name for r in results] == [s.name for s in RAW_CHECK_SPECS]
    assert all(r.passed for r in results), [r.check_name for r in results if not r.passed]
    broken = {
        **built,
        "theme_mentions": built["theme_mentions"].drop("chars"),
        "plan_files": pl.concat(
            [built["plan_files"], built["plan_files"].head(1).with_columns(file_name=pl.lit("lost.txt"))]
        ),
    }
    failed = {r.check_name: r.metadata for r in raw_check_results(broken) if not r.passed}
    assert set(failed) == {"theme_mentions_columns", "every_file_accounted_for"}
    assert failed["theme_mentions_columns"]["missing_columns"].data == ["chars"]
    assert failed["every_file_accounted_for"]["unaccounted"].data == ["lost.txt"]


def _targets(pairs: list[tuple[float, float]]) -> pl.DataFrame:
    rows = [
        {
            "target_id": f"{i:016x}",
            "document_id": "a" * 16,
            "indicator": "other",
            "target_type": "level",
            "bound": "range",
            "value_min": low,
            "value_max": high,
            "qualitative": False,
            "quote": "từ 5 đến 10 doanh nghiệp",
            "quote_verified": True,
            "confidence": 0.9,
            "review_status": "auto",
        }
        for i, (low, high) in enumerate(pairs)
    ]
    return pl.DataFrame(rows, schema=TARGET_COLUMNS)


def test_targets_and_review_corrections_share_the_value_order_check() -> None:
    _, invalid = split_valid(_targets([(5, 10), (10, 5)]), target_schema({"other"}))
    assert (
        invalid["value_min"].to_list() == [10]
        and "value_min must not exceed value_max" in invalid["reason"][0]
    )
    reviews = pl.DataFrame(
        {
            "target_id": ["b" * 16, "c" * 16],
            "document_id": ["a" * 16] * 2,
            "decision": ["correct"] * 2,
            "indicator_code": ["other"] * 2,
            "value_min": [5.0, 10.0],
            "value_max": [10.0, 5.0],
            "target_year": [2025, 2025],
            "reviewer": [None, None],
            "note": [None, None],
        },
        schema_overrides={"reviewer": pl.String, "note": pl.String},
    )
    _, invalid = split_valid(reviews, review_contract({"other"}))
    assert invalid["target_id"].to_list() == ["c" * 16]
    assert "value_min không được lớn hơn value_max" in invalid["reason"][0]
