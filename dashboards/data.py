"""Loading: the mart Parquet files into one immutable bundle of polars frames.

A mart that is missing, or lacks a column the pages use, still loads: it becomes a frame
with the expected columns and no rows (or null columns), so every page can be built from
sparse data and says "Chưa có dữ liệu" instead of crashing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.settings import seed
from pipelines.targets.catalog import DEFAULT_CATALOG, load_catalog
from pipelines.text.vietnamese import collation_key, collation_ranks

S, INT, F, B, D = pl.String, pl.Int64, pl.Float64, pl.Boolean, pl.Date

# province_key is the code qualified by its scheme ("24" before July 2025, "24/2025" after): codes were
# reused, so every grouping uses it. Marts without it fall back to province_code.
PROVINCE = {
    "province_code": S,
    "province_key": S,
    "province_name": S,
    "successor_code": S,
    "successor_name": S,
}

# Columns a page uses that a mart does not have to carry: added while loading, so no page has to check.
# Every other column below is one of the mart's dbt contract (tests/test_dashboard_units.py).
LOADED_COLUMNS = {
    "province_key": "the mart's province_code where it has no scheme-qualified key (dim_province)",
    "review_status": "copied by target_id from fct_indicator_target (with_review_status)",
    "value_text_vi": "null where the mart has none; dashboards.text.value_text then writes it as the dbt macro does",
}

# Mart -> the columns the pages read, with the type a missing one gets.
COLUMNS: dict[str, dict[str, type[pl.DataType]]] = {
    "mart_indicator_matrix": {
        **PROVINCE,
        "indicator_code": S,
        "indicator_name_vi": S,
        "indicator_name_en": S,
        "pillar": S,
        "status": S,
        "status_vi": S,
        "target_id": S,
        "document_id": S,
        "doc_number": S,
        "issue_year": INT,
        "target_type": S,
        "bound": S,
        "value_min": F,
        "value_max": F,
        "unit": S,
        "target_year": INT,
        "qualitative": B,
        "cell_text": S,
        "quote": S,
        "section": S,
        "is_newest": B,
        "value_text_vi": S,
        "review_status": S,
    },
    "mart_indicator_comparison": {
        **PROVINCE,
        "indicator_code": S,
        "target_year": INT,
        "target_type": S,
        "unit": S,
        "target_id": S,
        "document_id": S,
        "doc_number": S,
        "bound": S,
        "value_min": F,
        "value_max": F,
        "qualitative": B,
        "is_newest": B,
        "national_source_doc": S,
        "national_min": F,
        "national_max": F,
        "national_comparison": S,
        "grdp_year": INT,
        "grdp_bn_vnd": F,
        "money_min_bn_vnd": F,
        "money_max_bn_vnd": F,
        "quote": S,
        "value_text_vi": S,
        "review_status": S,
    },
    "mart_policy_alignment": {
        **PROVINCE,
        "document_id": S,
        "citing_doc_number": S,
        "canonical": S,
        "doc_type": S,
        "issuer_code": S,
        "citation_tier": S,
        "issue_date": D,
        "occurrences": INT,
        "citing_plans": INT,
        "citing_provinces": INT,
        "province_names": S,
        "shared_backbone": B,
        "first_quote": S,
    },
    "mart_theme_coverage": {
        **PROVINCE,
        "theme_code": S,
        "theme_name_vi": S,
        "theme_name_en": S,
        "mentions": INT,
        "sections": INT,
        "plans_mentioning": INT,
        "plans": INT,
        "text_share": F,
    },
    "mart_province_profile": {
        **PROVINCE,
        "plans": INT,
        "period_from": INT,
        "period_to": INT,
        "horizon_year": INT,
        "targets": INT,
        "indicators_stated": INT,
        "catalog_size": INT,
        "distinct_citations": INT,
        "national_citations": INT,
        "flags": S,
    },
    "dim_document": {
        **PROVINCE,
        "document_id": S,
        "file_name": S,
        "doc_type": S,
        "doc_number": S,
        "title": S,
        "issue_date": D,
        "issue_year": INT,
        "issuer": S,
        "issuer_level": S,
        "signer": S,
        "period_start": INT,
        "period_end": INT,
        "horizon_year": INT,
        "flags": S,
    },
    "fct_indicator_target": {
        **PROVINCE,
        "target_id": S,
        "document_id": S,
        "doc_number": S,
        "indicator_code": S,
        "indicator_name_vi": S,
        "indicator_name_en": S,
        "label": S,
        "target_type": S,
        "bound": S,
        "value_min": F,
        "value_max": F,
        "unit": S,
        "target_year": INT,
        "qualitative": B,
        "quote": S,
        "section": S,
        "confidence": F,
        "value_text_vi": S,
        "review_status": S,
    },
    "fct_citation": {
        **PROVINCE,
        "document_id": S,
        "citing_doc_number": S,
        "canonical": S,
        "doc_type": S,
        "citation_tier": S,
        "issue_date": D,
        "occurrences": INT,
        "first_quote": S,
    },
    "dim_province": {**PROVINCE, "region": S, "latitude": F, "longitude": F, "plan_count": INT},
    "dim_province_2025": {"province_code": S, "province_name": S, "latitude": F, "longitude": F},
    "dim_indicator": {"indicator_code": S, "name_vi": S, "name_en": S, "unit": S, "pillar": S},
    "mart_rejected_documents": {"file_name": S, "reason_code": S, "reason": S},
    "dim_national_target": {
        "indicator_code": S,
        "target_type": S,
        "unit": S,
        "target_year": INT,
        "bound": S,
        "value_min": F,
        "value_max": F,
        "source_doc": S,
        "issue_date": D,
        "value_text_vi": S,
        "national_text_vi": S,
    },
    "mart_indicator_ranking": {
        **PROVINCE,
        "indicator_code": S,
        "indicator_name_vi": S,
        "target_type": S,
        "unit": S,
        "target_year": INT,
        "provinces_compared": INT,
        "rank": INT,
        "region": S,
        "value_min": F,
        "value_max": F,
        "rank_value": F,
        "region_avg": F,
        "value_text_vi": S,
        "national_context_vi": S,
        "national_comparison": S,
        "pii_edition": INT,
        "pii_rank": INT,
        "pii_score": F,
        "pii_source_url": S,
        "grdp_year": INT,
        "grdp_bn_vnd": F,
        "grdp_source": S,
        "doc_number": S,
        "target_id": S,
        "review_status": S,
    },
    "fct_target_review": {
        "target_id": S,
        "document_id": S,
        "decision_vi": S,
        "review_outcome": S,
        "review_outcome_vi": S,
        "outcome_reason": S,
        "quote": S,
        "reviewer": S,
        "note": S,
        "review_file": S,
        "review_row": INT,
    },
    "mart_region_benchmark": {
        "indicator_code": S,
        "target_type": S,
        "unit": S,
        "target_year": INT,
        "region": S,
        "provinces_stating": INT,
        "region_avg": F,
    },
    "mart_unit_2025_rollup": {
        "successor_code": S,
        "successor_name": S,
        "indicator_code": S,
        "indicator_name_vi": S,
        "target_year": INT,
        "provinces_stating": INT,
        "members_total": INT,
        "member_targets_vi": S,
        "national_same_year_vi": S,
        "unit_pii_edition": INT,
        "unit_pii_rank": INT,
        "unit_pii_score": F,
    },
}
# The national targets are a dbt seed; until a mart exports them, the seed file itself is read.
NATIONAL_SEED = seed("national_targets")


@dataclass(frozen=True)
class Marts:
    """Every mart the pages read, plus when the site was built."""

    matrix: pl.DataFrame
    comparison: pl.DataFrame
    alignment: pl.DataFrame
    themes: pl.DataFrame
    profile: pl.DataFrame
    documents: pl.DataFrame
    targets: pl.DataFrame
    citations: pl.DataFrame
    provinces: pl.DataFrame
    provinces_2025: pl.DataFrame
    indicators: pl.DataFrame
    rejected: pl.DataFrame
    national: pl.DataFrame
    ranking: pl.DataFrame
    region_benchmark: pl.DataFrame
    rollup: pl.DataFrame
    reviews: pl.DataFrame
    built_at: dt.datetime


def read_mart(marts_dir: Path, name: str) -> pl.DataFrame:
    """One mart with at least the expected columns; an empty frame if the file is missing."""
    columns = COLUMNS[name]
    path = marts_dir / f"{name}.parquet"
    if path.exists():
        frame = pl.read_parquet(path)
    elif name == "dim_national_target" and NATIONAL_SEED.exists():
        frame = read_national_seed(NATIONAL_SEED)
    else:
        frame = pl.DataFrame(schema=columns)
    missing = [pl.lit(None, dtype=dtype).alias(col) for col, dtype in columns.items() if col not in frame]
    frame = frame.with_columns(missing)
    if "province_key" in columns:
        frame = frame.with_columns(pl.coalesce("province_key", "province_code").alias("province_key"))
    return frame


FIELDS = {
    "matrix": "mart_indicator_matrix",
    "comparison": "mart_indicator_comparison",
    "alignment": "mart_policy_alignment",
    "themes": "mart_theme_coverage",
    "profile": "mart_province_profile",
    "documents": "dim_document",
    "targets": "fct_indicator_target",
    "citations": "fct_citation",
    "provinces": "dim_province",
    "provinces_2025": "dim_province_2025",
    "indicators": "dim_indicator",
    "rejected": "mart_rejected_documents",
    "national": "dim_national_target",
    "ranking": "mart_indicator_ranking",
    "region_benchmark": "mart_region_benchmark",
    "rollup": "mart_unit_2025_rollup",
    "reviews": "fct_target_review",
}


def read_national_seed(path: Path) -> pl.DataFrame:
    """The seed of national targets, typed as the mart would be (codes as text)."""
    return pl.read_csv(
        path,
        infer_schema_length=0,
        columns=[
            "indicator_code",
            "target_type",
            "unit",
            "target_year",
            "bound",
            "value_min",
            "value_max",
            "source_doc",
            "issue_date",
        ],
    ).with_columns(
        pl.col("target_year").cast(pl.Int64),
        pl.col("value_min").cast(pl.Float64),
        pl.col("value_max").cast(pl.Float64),
    )


def with_review_status(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The review status of each target (fct_indicator_target.review_status, when the review loop
    has added it) copied by target_id onto the marts that show targets but do not carry it."""
    targets = frames["targets"]
    if not has_column(targets, "review_status"):
        return {}
    status = targets.select("target_id", pl.col("review_status").alias("_status")).drop_nulls("target_id")
    status = status.unique("target_id", keep="first", maintain_order=True)
    out = {}
    for field in ("matrix", "comparison", "ranking"):
        frame = frames[field]
        if "target_id" not in frame.columns or has_column(frame, "review_status"):
            continue
        joined = frame.join(status, on="target_id", how="left")
        out[field] = joined.with_columns(pl.col("_status").alias("review_status")).drop("_status")
    return out


def load_marts(marts_dir: Path, built_at: dt.datetime | None = None) -> Marts:
    """Every mart the pages read, with the national targets newest document first."""
    frames = {field: read_mart(marts_dir, name) for field, name in FIELDS.items()}
    frames.update(with_review_status(frames))
    national = frames["national"].with_columns(pl.col("issue_date").cast(pl.String))
    frames["national"] = national.sort("issue_date", descending=True, nulls_last=True)
    return Marts(**frames, built_at=built_at or dt.datetime.now(dt.UTC))


def province_label(key: str, name: str | None) -> str:
    """'Tây Ninh', or 'Tây Ninh (từ 7/2025)' for a unit of the 2025 scheme."""
    name = name or key
    return f"{name} (từ 7/2025)" if key.endswith("/2025") else name


def plan_provinces(marts: Marts) -> list[tuple[str, str]]:
    """(province_key, label) of every province with at least one plan, by label."""
    frames = [marts.documents, marts.profile, marts.matrix]
    pairs = pl.concat([f.select("province_key", "province_name") for f in frames])
    pairs = pairs.drop_nulls("province_key").unique("province_key", keep="first", maintain_order=True)
    labelled = [(key, province_label(key, name)) for key, name in pairs.iter_rows()]
    return sorted(labelled, key=lambda row: (collation_key(row[1]), row[0]))


def indicator_group(group: str, catalog: Path = DEFAULT_CATALOG) -> list[str]:
    """The indicator codes of one dashboard group, in catalog order: the catalog seed's
    `dashboard_group` column says which page gathers which indicators."""
    return load_catalog(catalog).group(group)


def page_name(key: str) -> str:
    """province-33.html, province-80-2025.html: one page per province key."""
    safe = "".join(c if c.isalnum() else "-" for c in key)
    return f"province-{safe}.html"


def vi_order(frame: pl.DataFrame, column: str = "province_name") -> pl.DataFrame:
    """The frame with `_vi`, the Vietnamese alphabetical rank of `column`, to sort by (polars
    sorts by code point, which puts 'Đ' after 'Z')."""
    return frame.with_columns(collation_ranks(frame[column]).alias("_vi"))


def has_column(frame: pl.DataFrame, name: str) -> bool:
    """True when the mart carries the column with at least one value (not only our null filler)."""
    return name in frame.columns and frame[name].null_count() < frame.height


def national_for(
    marts: Marts, indicator: str | None, target_type: str | None, unit: str | None
) -> list[dict]:
    """National targets for an indicator of the same type and unit, one per year (newest document)."""
    rows = marts.national.filter(
        (pl.col("indicator_code") == indicator)
        & (pl.col("target_type") == (target_type or "level"))
        & (pl.col("unit") == unit)
    )
    return rows.unique("target_year", keep="first", maintain_order=True).sort("target_year").to_dicts()


def matrix_cells(marts: Marts) -> pl.DataFrame:
    """One row per (province, indicator): the newest stated target, else the 'not stated' row."""
    return (
        marts.matrix.filter(pl.col("indicator_code") != "other")
        .with_columns(pl.col("status").eq("stated").fill_null(False).alias("_stated"))
        .sort(["_stated", "is_newest"], descending=True, nulls_last=True)
        .unique(["province_key", "indicator_code"], keep="first", maintain_order=True)
        .drop("_stated")
    )
