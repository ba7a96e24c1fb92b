"""Extraction: documents → quantified targets with evidence, validated against the catalog."""

import hashlib
import json
import traceback

import dagster as dg
import polars as pl

from pipelines.khcn.catalog import load_catalog
from pipelines.khcn.schemas import rejected_frame, split_valid, target_schema
from pipelines.khcn.targets import targets_for_document

TARGET_SCHEMA = {
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
}


def target_rows(document: dict, records: list[dict]) -> list[dict]:
    """Warehouse rows: a stable id, components as JSON, and whether the quote is verbatim at its offsets."""
    text = document["text_normalized"]
    rows = []
    for record in records:
        key = f"{record['document_id']}:{record['char_start']}:{record['char_end']}:{record['indicator']}:{record['value_min']}"
        rows.append(
            {
                **record,
                "target_id": hashlib.sha256(key.encode()).hexdigest()[:16],
                "components": json.dumps(record["components"], ensure_ascii=False)
                if record["components"]
                else None,
                "quote_verified": text[record["char_start"] : record["char_end"]] == record["quote"],
            }
        )
    return rows


@dg.multi_asset(
    group_name="extract",
    compute_kind="python",
    outs={
        "targets": dg.AssetOut(
            description="Quantified targets with indicator, value, year and the exact quote."
        ),
        "rejected_targets": dg.AssetOut(
            description="Targets (or documents) that failed the target contract, with reasons."
        ),
    },
)
def targets(context: dg.AssetExecutionContext, documents: pl.DataFrame):
    """Extract every target of every document; one failing document is quarantined, not fatal."""
    catalog = load_catalog()
    rows: list[dict] = []
    failures: list[dict] = []
    for document in documents.iter_rows(named=True):
        try:
            rows += target_rows(document, targets_for_document(document, catalog))
        except Exception as exc:  # a bug on one document must not stop the others
            context.log.error(f"extraction failed on {document['file_name']}: {exc}")
            failures.append(
                {
                    "file_name": document["file_name"],
                    "document_id": document["document_id"],
                    "stage": "extract_targets",
                    "reason_code": "extractor_error",
                    "reason": f"{type(exc).__name__}: {exc} — {traceback.format_exc(limit=2).splitlines()[-1]}",
                }
            )
    frame = pl.DataFrame(rows, schema=TARGET_SCHEMA)
    valid, invalid = split_valid(frame, target_schema(catalog.codes))
    file_names = dict(documents.select("document_id", "file_name").iter_rows())
    failures += [
        {
            "file_name": file_names.get(row["document_id"]),
            "document_id": row["document_id"],
            "stage": "validate_target",
            "reason_code": "contract",
            "reason": f"{row['reason']} — quote: «{row['quote'][:120]}»",
        }
        for row in invalid.iter_rows(named=True)
    ]
    rejected = rejected_frame(failures)
    yield dg.Output(
        valid,
        output_name="targets",
        metadata={
            "targets": valid.height,
            "documents_with_targets": valid["document_id"].n_unique() if valid.height else 0,
            "by_indicator": dg.MetadataValue.json(dict(valid.group_by("indicator").len().iter_rows())),
            "catalog_fingerprint": catalog.fingerprint,
        },
    )
    yield dg.Output(rejected, output_name="rejected_targets", metadata={"rejected": rejected.height})
