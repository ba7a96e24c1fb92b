"""Quantified targets: every number a plan commits to reach, with the sentence it came from.

Precision comes first: a number becomes a target only if it is not a date, a document number,
an ordinal, a period, a standard code, a name or a past result, and if its clause carries a
commitment ("phấn đấu", "đạt", "tăng", "ít nhất", a goal section …). Every record keeps the
exact quote and its offsets in the normalised text, so an analyst can click back to it, plus
`decision_reason` (why it is a target) and `signals` (what each stage saw).

This module is the facade; the stages live in `pipelines.targets` (segments → mentions →
decisions → indicator → attributes → evidence). Which indicator a target measures is decided by
the catalog (data), the cue words by the vocabulary seed (data), never here.
"""

from __future__ import annotations

from pipelines.targets.catalog import Catalog
from pipelines.targets.model import Decision, PlanContext, SectionContext, Target
from pipelines.targets.pipeline import Extraction, extract
from pipelines.targets.sections import section_context

__all__ = [
    "Decision",
    "Extraction",
    "PlanContext",
    "SectionContext",
    "Target",
    "context_of",
    "explain_document",
    "extract_targets",
    "section_context",
    "targets_and_decisions",
    "targets_for_document",
]


def context_of(document: dict) -> PlanContext:
    """The plan's time frame as the metadata stage read it."""
    return PlanContext(document.get("period_start"), document.get("period_end"), document.get("issue_year"))


def targets_for_document(document: dict, catalog: Catalog) -> list[dict]:
    """Target records (dicts) of one document record from `documents.build_document`."""
    return [
        {"document_id": document["document_id"], **target.as_dict()}
        for target in extract_targets(document["text_normalized"], catalog, context_of(document))
    ]


def extract_targets(text: str, catalog: Catalog, context: PlanContext) -> list[Target]:
    """Every target in a normalised plan text, in document order."""
    return extract(text, catalog, context).targets


def targets_and_decisions(document: dict, catalog: Catalog) -> tuple[list[dict], list[Decision]]:
    """Target records as `targets_for_document` gives them, and a decision for every number read."""
    found = explain_document(document, catalog)
    records = [{"document_id": document["document_id"], **t.as_dict()} for t in found.targets]
    return records, found.decisions


def explain_document(document: dict, catalog: Catalog) -> Extraction:
    """Targets and a decision (kind, reason, catalog match) for every number of one document."""
    return extract(document["text_normalized"], catalog, context_of(document))
