"""From per-plan extraction records to the warehouse's raw tables, with every contract applied.

This is the single hand-off into the warehouse: documents are de-duplicated by content,
every table is validated with its Pandera contract, and every row that fails (or whose
document failed) goes to a rejection table with its reason — never silently dropped.
The tables' columns are declared once, in `columns`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipelines.citations import link_citations
from pipelines.raw_tables.columns import (
    CITATION_COLUMNS,
    DOCUMENT_COLUMNS,
    LINK_COLUMNS,
    TARGET_COLUMNS,
    THEME_COLUMNS,
)
from pipelines.raw_tables.contracts import (
    DocumentSchema,
    citation_schema,
    rejected_frame,
    split_valid,
    target_schema,
)
from pipelines.reviews import assign_target_ids
from pipelines.targets.confidence import calibrate_targets

Row = dict[str, Any]


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


def build_raw_tables(records: list[Row], refused: list[Row], codes: set[str]) -> RawTables:
    """Assemble and validate the raw tables from extraction records (one per plan file).

    `refused` are files rejected before extraction (unsupported format, symbolic link …);
    `codes` are the catalog's indicator codes (the target contract checks against them).
    """
    kept, rejected_docs = _deduplicated(records)
    documents, kept, invalid_docs = _valid_documents(kept)
    rejected_docs = [*refused, *rejected_docs, *invalid_docs]
    target_rows, citation_rows, theme_rows = _record_rows(kept)
    targets, invalid_targets = split_valid(
        pl.DataFrame(target_rows, schema=TARGET_COLUMNS), target_schema(codes)
    )
    citations, invalid_citations = split_valid(
        pl.DataFrame(citation_rows, schema=CITATION_COLUMNS), citation_schema()
    )
    file_names = {r["document"]["document_id"]: r["file_name"] for r in kept}
    extraction_errors = [rej for r in kept for rej in r["rejections"] if rej["stage"] != "read"]
    links = link_citations(citations.to_dicts(), [r["document"] for r in kept])
    return RawTables(
        documents=documents,
        targets=targets,
        citations=citations,
        citation_links=pl.DataFrame(
            [{k: link[k] for k in LINK_COLUMNS} for link in links], schema=LINK_COLUMNS
        ),
        theme_mentions=pl.DataFrame(theme_rows, schema=THEME_COLUMNS),
        rejected_documents=rejected_frame(rejected_docs),
        rejected_targets=rejected_frame(
            [e for e in extraction_errors if e["stage"] != "extract_citations"]
            + _contract_rejections(invalid_targets, "validate_target", file_names)
        ),
        rejected_citations=rejected_frame(
            [e for e in extraction_errors if e["stage"] == "extract_citations"]
            + _contract_rejections(invalid_citations, "validate_citation", file_names)
        ),
    )


def _deduplicated(records: list[Row]) -> tuple[list[Row], list[Row]]:
    """The records with a document, each content once (first file name wins, in name order), and the
    rejections: files that could not be read, and copies of a document already kept."""
    rejected: list[Row] = []
    seen: dict[str, str] = {}
    kept: list[Row] = []
    for record in sorted(records, key=lambda r: r["file_name"]):
        rejected += [r for r in record["rejections"] if r["stage"] == "read"]
        document = record["document"]
        if document is None:
            continue
        first = seen.get(document["document_id"])
        if first is not None:
            rejected.append(
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
    return kept, rejected


def _valid_documents(kept: list[Row]) -> tuple[pl.DataFrame, list[Row], list[Row]]:
    """The documents that pass their contract, the records of those documents, and a rejection for
    each document that failed (its targets and citations go with it).

    The original text stays in the per-plan extraction result (data/extracted/<key>.json); the
    warehouse keeps the normalised text every quote and offset refers to (half the memory).
    """
    frame = pl.DataFrame(
        [{k: r["document"].get(k) for k in DOCUMENT_COLUMNS} for r in kept], schema=DOCUMENT_COLUMNS
    )
    documents, invalid = split_valid(frame, DocumentSchema)
    rejected = [
        {
            "file_name": row["file_name"],
            "document_id": row["document_id"],
            "stage": "validate",
            "reason_code": "contract",
            "reason": row["reason"],
        }
        for row in invalid.iter_rows(named=True)
    ]
    valid_ids = set(documents["document_id"].to_list())
    return documents, [r for r in kept if r["document"]["document_id"] in valid_ids], rejected


def _record_rows(kept: list[Row]) -> tuple[list[Row], list[Row], list[Row]]:
    """Target, citation and theme rows of the kept records, with their stable ids and whether each
    quote is verbatim at its offsets."""
    target_rows: list[Row] = []
    citation_rows: list[Row] = []
    theme_rows: list[Row] = []
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
    return target_rows, citation_rows, theme_rows


def _contract_rejections(invalid: pl.DataFrame, stage: str, file_names: dict[str, str]) -> list[Row]:
    """A rejection for each row that failed its contract, quoting the start of its evidence."""
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
