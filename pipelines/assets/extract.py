"""Extraction: documents → quantified targets with evidence, validated against the catalog."""

import hashlib
import json

import dagster as dg
import polars as pl

from pipelines.khcn.catalog import load_catalog
from pipelines.khcn.citations import citations_for_document, link_citations
from pipelines.khcn.schemas import citation_schema, rejected_frame, split_valid, target_schema
from pipelines.khcn.targets import targets_for_document
from pipelines.khcn.themes import load_lexicon
from pipelines.khcn.themes import theme_mentions as theme_mentions_of

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
            failures.append(_failure(document, "extract_targets", exc))
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


CITATION_SCHEMA = {
    "citation_id": pl.String,
    "document_id": pl.String,
    "canonical": pl.String,
    "number": pl.String,
    "year": pl.Int64,
    "doc_type": pl.String,
    "issuer_code": pl.String,
    "issuer_level": pl.String,
    "issue_date": pl.String,
    "quote": pl.String,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
    "quote_verified": pl.Boolean,
}
LINK_SCHEMA = {
    "citation_id": pl.String,
    "document_id": pl.String,
    "canonical": pl.String,
    "cited_document_id": pl.String,
    "link_method": pl.String,
    "link_evidence": pl.String,
}


@dg.multi_asset(
    group_name="extract",
    compute_kind="python",
    outs={
        "citations": dg.AssetOut(
            description="Every citation of another legal or Party document, canonical form."
        ),
        "citation_links": dg.AssetOut(
            description="Citations that point at a plan that is itself in the warehouse."
        ),
        "rejected_citations": dg.AssetOut(
            description="Citations that failed the citation contract, with reasons."
        ),
    },
)
def citations(context: dg.AssetExecutionContext, documents: pl.DataFrame):
    """Citations per document, then links between plans (by number, or by title for a copy without header)."""
    rows: list[dict] = []
    failures: list[dict] = []
    records = list(documents.iter_rows(named=True))
    for document in records:
        try:
            found = citations_for_document(document)
        except Exception as exc:  # a bug on one document must not stop the others
            context.log.error(f"citation extraction failed on {document['file_name']}: {exc}")
            failures.append(_failure(document, "extract_citations", exc))
            continue
        text = document["text_normalized"]
        for citation in found:
            key = f"{citation['document_id']}:{citation['char_start']}:{citation['canonical']}"
            rows.append(
                {
                    **citation,
                    "citation_id": hashlib.sha256(key.encode()).hexdigest()[:16],
                    "quote_verified": text[citation["char_start"] : citation["char_end"]]
                    == citation["quote"],
                }
            )
    frame = pl.DataFrame(rows, schema=CITATION_SCHEMA)
    valid, invalid = split_valid(frame, citation_schema())
    failures += [
        {
            "file_name": None,
            "document_id": row["document_id"],
            "stage": "validate_citation",
            "reason_code": "contract",
            "reason": f"{row['reason']} — quote: «{row['quote'][:120]}»",
        }
        for row in invalid.iter_rows(named=True)
    ]
    links = pl.DataFrame(
        [{k: link[k] for k in LINK_SCHEMA} for link in link_citations(valid.to_dicts(), records)],
        schema=LINK_SCHEMA,
    )
    yield dg.Output(
        valid,
        output_name="citations",
        metadata={
            "citations": valid.height,
            "distinct_documents_cited": valid["canonical"].n_unique() if valid.height else 0,
        },
    )
    yield dg.Output(links, output_name="citation_links", metadata={"links": links.height})
    yield dg.Output(
        rejected_frame(failures), output_name="rejected_citations", metadata={"rejected": len(failures)}
    )


THEME_SCHEMA = {
    "document_id": pl.String,
    "section": pl.String,
    "theme_code": pl.String,
    "mentions": pl.Int64,
    "chars": pl.Int64,
}


@dg.asset(group_name="extract", compute_kind="python")
def theme_mentions(context: dg.AssetExecutionContext, documents: pl.DataFrame) -> pl.DataFrame:
    """Mentions of each lexicon theme per document section, with the characters of text they cover."""
    lexicon = load_lexicon()
    rows: list[dict] = []
    for document in documents.iter_rows(named=True):
        try:
            rows += theme_mentions_of(document["document_id"], document["text_normalized"], lexicon)
        except Exception as exc:  # keep the other documents
            context.log.error(f"theme matching failed on {document['file_name']}: {exc}")
    frame = pl.DataFrame(rows, schema=THEME_SCHEMA)
    context.add_output_metadata({"rows": frame.height, "lexicon_fingerprint": lexicon.fingerprint})
    return frame


def _failure(document: dict, stage: str, exc: Exception) -> dict:
    return {
        "file_name": document["file_name"],
        "document_id": document["document_id"],
        "stage": stage,
        "reason_code": "extractor_error",
        "reason": f"{type(exc).__name__}: {exc}",
    }
