"""The columns of the warehouse's raw tables (schema `raw`), declared once, with their Polars types.

The raw-table builder writes exactly these frames, the Pandera contracts check them, the Dagster
column checks re-assert them on what was stored, and tests/test_raw_tables.py holds the dbt source
declaration (models/…/sources.yml) to the same lists, so a column is added in one place.
"""

from __future__ import annotations

import polars as pl

PolarsSchema = dict[str, pl.DataType | type[pl.DataType]]

DOCUMENT_COLUMNS: PolarsSchema = {
    "document_id": pl.String,
    "file_name": pl.String,
    "source_sha256": pl.String,
    "encoding": pl.String,
    "size_bytes": pl.Int64,
    "char_count": pl.Int64,
    "text_normalized": pl.String,
    "extractor_version": pl.String,
    "province_name": pl.String,
    "province_code": pl.String,
    "province_era": pl.String,
    "doc_type": pl.String,
    "doc_number": pl.String,
    "issue_date": pl.String,
    "issue_year": pl.Int64,
    "issue_month": pl.Int64,
    "issuer": pl.String,
    "issuer_level": pl.String,
    "title": pl.String,
    "period_start": pl.Int64,
    "period_end": pl.Int64,
    "horizon_year": pl.Int64,
    "signer": pl.String,
    "flags": pl.List(pl.String),
}
TARGET_COLUMNS: PolarsSchema = {
    "target_id": pl.String,
    "document_id": pl.String,
    "indicator": pl.String,
    "label": pl.String,
    "target_type": pl.String,
    "bound": pl.String,
    "value_min": pl.Float64,
    "value_max": pl.Float64,
    "unit": pl.String,
    "target_year": pl.Int64,
    "baseline_value": pl.Float64,
    "baseline_year": pl.Int64,
    "components": pl.String,
    "qualitative": pl.Boolean,
    "quote": pl.String,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
    "section": pl.String,
    "confidence": pl.Float64,
    "source": pl.String,
    "quote_verified": pl.Boolean,
    "rule_confidence": pl.Float64,
    "review_status": pl.String,
}
CITATION_COLUMNS: PolarsSchema = {
    "citation_id": pl.String,
    "document_id": pl.String,
    "canonical": pl.String,
    "number": pl.String,
    "year": pl.Int64,
    "doc_type": pl.String,
    "issuer_code": pl.String,
    "citation_tier": pl.String,
    "issue_date": pl.String,
    "quote": pl.String,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
    "quote_verified": pl.Boolean,
}
LINK_COLUMNS: PolarsSchema = {
    "citation_id": pl.String,
    "document_id": pl.String,
    "canonical": pl.String,
    "cited_document_id": pl.String,
    "link_method": pl.String,
    "link_evidence": pl.String,
}
THEME_COLUMNS: PolarsSchema = {
    "document_id": pl.String,
    "section": pl.String,
    "theme_code": pl.String,
    "mentions": pl.Int64,
    "chars": pl.Int64,
}
REJECTION_COLUMNS: PolarsSchema = {
    "file_name": pl.String,
    "document_id": pl.String,
    "stage": pl.String,
    "reason_code": pl.String,
    "reason": pl.String,
}
PLAN_FILE_COLUMNS: PolarsSchema = {
    "file_name": pl.String,
    "plan_key": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "modified_at": pl.Float64,
    "status": pl.String,
    "reason_code": pl.String,
    "reason": pl.String,
}


def raw_table_columns() -> dict[str, PolarsSchema]:
    """Every raw table and its columns, in the order they are written.

    The analysts' drop-ins (reference statistics, reviews) keep their columns beside their readers;
    they are imported here, not copied (late, because the review reader imports the contracts).
    """
    from pipelines.raw_tables.reference import REFERENCE_COLUMNS
    from pipelines.reviews import REJECTED_REVIEW_SCHEMA, REVIEW_SCHEMA

    return {
        "documents": DOCUMENT_COLUMNS,
        "targets": TARGET_COLUMNS,
        "citations": CITATION_COLUMNS,
        "citation_links": LINK_COLUMNS,
        "theme_mentions": THEME_COLUMNS,
        "rejected_documents": REJECTION_COLUMNS,
        "rejected_targets": REJECTION_COLUMNS,
        "rejected_citations": REJECTION_COLUMNS,
        "plan_files": PLAN_FILE_COLUMNS,
        "reference_statistics": REFERENCE_COLUMNS,
        "reviews": REVIEW_SCHEMA,
        "rejected_reviews": REJECTED_REVIEW_SCHEMA,
    }
