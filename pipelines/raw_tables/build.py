"""From per-plan extraction records to the warehouse's raw tables, with every contract applied.

This is the single hand-off into the warehouse: documents are de-duplicated by content,
every table is validated with its Pandera contract, and every row that fails (or whose
document failed) goes to a rejection table with its reason — never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipelines.citations import link_citations
from pipelines.raw_tables.contracts import (
    DocumentSchema,
    citation_schema,
    rejected_frame,
    split_valid,
    target_schema,
)
from pipelines.reviews import assign_target_ids
from pipelines.targets.confidence import calibrate_targets

DOCUMENT_SCHEMA = {
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
    "rule_confidence": pl.Float64,
    "review_status": pl.String,
}
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
THEME_SCHEMA = {
    "document_id": pl.String,
    "section": pl.String,
    "theme_code": pl.String,
    "mentions": pl.Int64,
    "chars": pl.Int64,
}


@dataclass
class RawTables:
    documents: pl.DataFrame
    targets: pl.DataFrame
    citations: pl.DataFrame
    citation_links: pl.DataFrame
    theme_mentions: pl.DataFrame
    rejected_documents: pl.DataFrame
    rejected_targets: pl.DataFrame
    rejected_citations: pl.DataFrame

    def as_dict(self) -> dict[str, pl.DataFrame]:
        return dict(self.__dict__)


def _stable_id(*parts: object) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _verified(text: str, record: dict) -> bool:
    return text[record["char_start"] : record["char_end"]] == record["quote"]


def build_raw_tables(
    records: list[dict[str, Any]], refused: list[dict[str, Any]], codes: set[str]
) -> RawTables:
    """Assemble and validate the raw tables from extraction records (one per plan file).

    `refused` are files rejected before extraction (unsupported format, symbolic link …);
    `codes` are the catalog's indicator codes (the target contract checks against them).
    """
    rejected_docs = list(refused)
    seen: dict[str, str] = {}
    kept: list[dict[str, Any]] = []
    for record in sorted(records, key=lambda r: r["file_name"]):
        rejected_docs += [r for r in record["rejections"] if r["stage"] == "read"]
        document = record["document"]
        if document is None:
            continue
        first = seen.get(document["document_id"])
        if first is not None:
            rejected_docs.append(
                {
                    "file_name": record["file_name"],
                    "document_id": document["document_id"],
                    "stage": "deduplicate",
                    "reason_code": "duplicate_content",
                    "reason": f"same content as '{first}' (document {document['document_id']}); loaded once",
                }
            )
            continue
        seen[document["document_id"]] = record["file_name"]
        kept.append(record)

    # The original text stays in the per-plan extraction result (data/extracted/<key>.json); the
    # warehouse keeps the normalised text every quote and offset refers to (half the memory).
    documents, invalid_documents = split_valid(
        pl.DataFrame(
            [{k: r["document"].get(k) for k in DOCUMENT_SCHEMA} for r in kept], schema=DOCUMENT_SCHEMA
        ),
        DocumentSchema,
    )
    rejected_docs += [
        {
            "file_name": row["file_name"],
            "document_id": row["document_id"],
            "stage": "validate",
            "reason_code": "contract",
            "reason": row["reason"],
        }
        for row in invalid_documents.iter_rows(named=True)
    ]
    valid_ids = set(documents["document_id"].to_list())
    kept = [r for r in kept if r["document"]["document_id"] in valid_ids]

    extraction_errors = [rej for r in kept for rej in r["rejections"] if rej["stage"] != "read"]
    target_rows, citation_rows, theme_rows = [], [], []
    for record in kept:
        text = record["document"]["text_normalized"]
        targets = calibrate_targets(record["targets"])  # calibrated confidence and review_status
        for t, target_id in zip(targets, assign_target_ids(targets), strict=True):
            target_rows.append(
                {
                    **t,
                    "target_id": target_id,  # stable: document, normalised quote, values (reviews.py)
                    "components": json.dumps(t["components"], ensure_ascii=False)
                    if t["components"]
                    else None,
                    "quote_verified": _verified(text, t),
                }
            )
        for c in record["citations"]:
            citation_rows.append(
                {
                    **c,
                    "citation_id": _stable_id(c["document_id"], c["char_start"], c["canonical"]),
                    "quote_verified": _verified(text, c),
                }
            )
        theme_rows += record["themes"]

    targets, invalid_targets = split_valid(
        pl.DataFrame(target_rows, schema=TARGET_SCHEMA), target_schema(codes)
    )
    citations, invalid_citations = split_valid(
        pl.DataFrame(citation_rows, schema=CITATION_SCHEMA), citation_schema()
    )
    file_names = {r["document"]["document_id"]: r["file_name"] for r in kept}

    def contract_rejections(invalid: pl.DataFrame, stage: str) -> list[dict[str, Any]]:
        return [
            {
                "file_name": file_names.get(row["document_id"]),
                "document_id": row["document_id"],
                "stage": stage,
                "reason_code": "contract",
                "reason": f"{row['reason']} — quote: «{row['quote'][:120]}»",
            }
            for row in invalid.iter_rows(named=True)
        ]

    links = link_citations(citations.to_dicts(), [r["document"] for r in kept])
    return RawTables(
        documents=documents,
        targets=targets,
        citations=citations,
        citation_links=pl.DataFrame(
            [{k: link[k] for k in LINK_SCHEMA} for link in links], schema=LINK_SCHEMA
        ),
        theme_mentions=pl.DataFrame(theme_rows, schema=THEME_SCHEMA),
        rejected_documents=rejected_frame(rejected_docs),
        rejected_targets=rejected_frame(
            [e for e in extraction_errors if e["stage"] != "extract_citations"]
            + contract_rejections(invalid_targets, "validate_target")
        ),
        rejected_citations=rejected_frame(
            [e for e in extraction_errors if e["stage"] == "extract_citations"]
            + contract_rejections(invalid_citations, "validate_citation")
        ),
    )
