"""Pandera (polars backend) contracts for every hand-off, and row-level quarantine.

A contract violation in one row must not stop the run or hide the row: `split_valid`
returns the rows that pass and, for the others, a human-readable reason listing
every failed check, ready for a `rejected_*` table.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaError, SchemaErrors

from pipelines.metadata.vocabulary import (
    CITATION_TIER_COLUMN,
    DOCUMENT_LEVEL_COLUMN,
    issuer_level_codes,
    label_codes,
)
from pipelines.raw_tables.columns import REJECTION_COLUMNS

YEAR_MIN, YEAR_MAX = 1990, 2100
# The document issuer level and the citation tier each have their own vocabulary, declared once in
# the seed issuer_levels.csv.
DOCUMENT_LEVELS = list(issuer_level_codes(DOCUMENT_LEVEL_COLUMN))
CITATION_LEVELS = list(issuer_level_codes(CITATION_TIER_COLUMN))


def values_ordered(error: str) -> pa.Check:
    """value_min ≤ value_max where both are given: a range is written low to high (targets and
    analysts' review corrections share this check; `error` is the reader's language)."""
    return pa.Check(
        lambda data: data.lazyframe.select(
            pl.col("value_min").is_null()
            | pl.col("value_max").is_null()
            | (pl.col("value_min") <= pl.col("value_max"))
        ),
        error=error,
    )


class DocumentSchema(pa.DataFrameModel):
    """A plan that may enter the warehouse: identified, attributed to a province, dated sanely."""

    document_id: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$")
    file_name: str = pa.Field(str_length={"min_value": 1})
    text_normalized: str = pa.Field(str_length={"min_value": 1})
    province_name: str = pa.Field(nullable=False, str_length={"min_value": 2})
    province_code: str = pa.Field(nullable=False, str_matches=r"^\d{2}$")
    doc_type: str | None = pa.Field(nullable=True)
    doc_number: str | None = pa.Field(nullable=True, str_matches=r"^\d+[-/]\S+$")
    issue_date: str | None = pa.Field(nullable=True, str_matches=r"^\d{4}-\d{2}-\d{2}$")
    issue_year: int | None = pa.Field(nullable=True, in_range={"min_value": YEAR_MIN, "max_value": YEAR_MAX})
    issue_month: int | None = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 12})
    issuer_level: str | None = pa.Field(nullable=True, isin=DOCUMENT_LEVELS)
    period_start: int | None = pa.Field(
        nullable=True, in_range={"min_value": YEAR_MIN, "max_value": YEAR_MAX}
    )
    period_end: int | None = pa.Field(nullable=True, in_range={"min_value": YEAR_MIN, "max_value": YEAR_MAX})
    horizon_year: int | None = pa.Field(
        nullable=True, in_range={"min_value": YEAR_MIN, "max_value": YEAR_MAX}
    )

    @pa.dataframe_check(error="period_start must not be after period_end")
    def period_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("period_start").is_null()
            | pl.col("period_end").is_null()
            | (pl.col("period_start") <= pl.col("period_end"))
        )

    @pa.dataframe_check(error="horizon_year must lie after period_end (a horizon looks beyond the period)")
    def horizon_after_period(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("horizon_year").is_null()
            | pl.col("period_end").is_null()
            | (pl.col("horizon_year") > pl.col("period_end"))
        )

    class Config:
        strict = False
        coerce = False


def _describe(check: str, column: str | None, value: str | None) -> str:
    if column == "province_code" and value in (None, "None"):
        return "no province recognised in the text (header, place line or body); check the document is a provincial plan"
    if not column or column == "None":
        return f"row failed: {check}"
    return f"column '{column}' failed {check} (value: {value})"


def split_valid(
    df: pl.DataFrame, schema: type[pa.DataFrameModel] | pa.DataFrameSchema
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows that satisfy `schema`, and the others (same columns plus `reason`) listing every failed check.

    Schema-level problems (a missing column, a wrong dtype) are programming errors
    and are raised, not quarantined: they would reject every row for the same bug.
    """
    indexed = df.with_row_index("__row")
    try:
        schema.validate(df, lazy=True)
        return df, df.clear().with_columns(pl.lit(None, dtype=pl.String).alias("reason"))
    except SchemaErrors as exc:
        failures = exc.failure_cases
    except SchemaError as exc:  # pragma: no cover - lazy=True reports through SchemaErrors
        raise exc
    data_failures = failures.filter(pl.col("index").is_not_null())
    schema_failures = failures.filter(
        pl.col("index").is_null() & (pl.col("schema_context") != "DataFrameSchema")
    )
    if schema_failures.height and data_failures.height == 0:
        raise ValueError(f"{getattr(schema, '__name__', schema)} does not fit the data:\n{schema_failures}")
    reasons = (
        data_failures.with_columns(
            pl.struct(["check", "column", "failure_case"])
            .map_elements(
                lambda s: _describe(s["check"], s["column"], s["failure_case"]), return_dtype=pl.String
            )
            .alias("reason")
        )
        .group_by("index")
        .agg(pl.col("reason").unique().sort().str.join("; "))
        .rename({"index": "__row"})
        .with_columns(pl.col("__row").cast(pl.UInt32))
    )
    valid = indexed.join(reasons, on="__row", how="anti").drop("__row")
    invalid = indexed.join(reasons, on="__row", how="inner").drop("__row")
    return valid, invalid


def rejected_frame(rows: list[dict]) -> pl.DataFrame:
    """A rejection table with a fixed schema, even when empty."""
    return pl.DataFrame(rows, schema=REJECTION_COLUMNS)


def target_schema(indicator_codes: set[str]) -> pa.DataFrameSchema:
    """Contract for target records; the catalog's codes are data, so the schema is built from them."""
    return pa.DataFrameSchema(
        {
            "target_id": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{16}$"), unique=True),
            "document_id": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{16}$")),
            "indicator": pa.Column(str, pa.Check.isin(sorted(indicator_codes))),
            "review_status": pa.Column(str, pa.Check.isin(["auto", "needs_review"])),
            # the codes of these columns are declared once, with their labels (seed labels_vi)
            "target_type": pa.Column(str, pa.Check.isin(sorted(label_codes("target_type")))),
            "bound": pa.Column(str, pa.Check.isin(sorted(label_codes("bound")))),
            "value_min": pa.Column(float, nullable=True),
            "value_max": pa.Column(float, nullable=True),
            "target_year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX), nullable=True),
            "baseline_year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX), nullable=True),
            "quote": pa.Column(str, pa.Check.str_length(min_value=1)),
            "quote_verified": pa.Column(
                bool, pa.Check.eq(True), description="quote == text[char_start:char_end]"
            ),
            "confidence": pa.Column(float, pa.Check.in_range(0.0, 1.0)),
        },
        checks=[
            values_ordered("value_min must not exceed value_max"),
            pa.Check(
                lambda data: data.lazyframe.select(
                    ~(
                        (pl.col("target_type") == "level")
                        & pl.col("unit").fill_null("").str.starts_with("%")
                        & ((pl.col("value_min") < 0) | (pl.col("value_max") > 100))
                    ).fill_null(False)
                ),
                error="a level in percent must lie within 0-100",
            ),
            pa.Check(
                lambda data: data.lazyframe.select(pl.col("qualitative") | pl.col("value_min").is_not_null()),
                error="a quantified target needs a value",
            ),
        ],
        strict=False,
    )


def citation_schema() -> pa.DataFrameSchema:
    """Contract for citation records: a canonical number, a known tier, a verbatim quote."""
    return pa.DataFrameSchema(
        {
            "citation_id": pa.Column(str, unique=True),
            "document_id": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{16}$")),
            "canonical": pa.Column(str, pa.Check.str_matches(r"^\d{2,5}(?:/\d{4})?[-/]\S+$")),
            "citation_tier": pa.Column(str, pa.Check.isin(CITATION_LEVELS)),
            "year": pa.Column(int, pa.Check.in_range(1945, YEAR_MAX), nullable=True),
            "issue_date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), nullable=True),
            "quote_verified": pa.Column(bool, pa.Check.eq(True)),
        },
        strict=False,
    )
