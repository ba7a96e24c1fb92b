"""Scoring document metadata against an analyst's labels: accuracy per field.

Each label file (tests/fixtures/*/*.json) has a `document` object with the
metadata an analyst read from the plan. Target scoring (`evaluate`) says nothing
about whether the plan was attributed to the right province, date or period, yet
a wrong province puts every target in the wrong row of the matrix; so the fields
are scored here one by one, and every disagreement is listed.

A field the label does not carry (older label sets have no `horizon_year`) is not
scored for that plan rather than counted as a miss.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.text.normalize import normalize_unicode

METADATA_FIELDS = (
    "province_code",
    "province_name",
    "doc_type",
    "doc_number",
    "issue_date",
    "issuer",
    "issuer_level",
    "period_start",
    "period_end",
    "horizon_year",
    "signer",
)


@dataclass
class MetadataScore:
    """Per-field hits and totals over the scored plans, and each disagreement."""

    hits: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    diffs: list[dict] = field(default_factory=list)
    plans: int = 0

    def accuracy(self) -> dict[str, float]:
        """Share of plans whose field agrees with the label, for each field some label carries."""
        return {f: self.hits.get(f, 0) / self.totals[f] for f in METADATA_FIELDS if self.totals.get(f)}

    def as_dict(self) -> dict:
        return {
            "plans": self.plans,
            "accuracy": {k: round(v, 4) for k, v in self.accuracy().items()},
            "scored": {f: self.totals[f] for f in METADATA_FIELDS if self.totals.get(f)},
            "diffs": self.diffs,
        }


def _comparable(value: object) -> object:
    """Strings compared in NFC with collapsed spaces (labels are typed by hand); the rest as is."""
    if isinstance(value, str):
        return " ".join(normalize_unicode(value).split())
    return value


def score_document(file: str, expected: dict, extracted: dict, score: MetadataScore) -> None:
    """Add one plan's field agreements to `score` (only fields present in the label)."""
    score.plans += 1
    for name in METADATA_FIELDS:
        if name not in expected:
            continue
        score.totals[name] = score.totals.get(name, 0) + 1
        want, got = _comparable(expected[name]), _comparable(extracted.get(name))
        if want == got:
            score.hits[name] = score.hits.get(name, 0) + 1
        else:
            score.diffs.append({"file": file, "field": name, "expected": want, "extracted": got})


def evaluate_metadata(
    label_files: list[Path], plan_dirs: list[Path], read: Callable[[Path], dict]
) -> MetadataScore:
    """Score `read(path) -> document record` on every label file that has a `document` object."""
    score = MetadataScore()
    for label_file in label_files:
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        expected = labels.get("document")
        if not isinstance(expected, dict):
            continue
        candidates = [label_file.parent / labels["file"], *(d / labels["file"] for d in plan_dirs)]
        plan = next((p for p in candidates if p.exists()), None)
        if plan is None:
            raise FileNotFoundError(f"{label_file}: plan file {labels['file']} not found")
        score_document(labels["file"], expected, read(plan), score)
    return score


def format_metadata_report(score: MetadataScore) -> str:
    """The metadata block of `khcn eval`'s terminal report."""
    lines = [f"metadata accuracy ({score.plans} plans):"]
    lines += [
        f"  {name:<15} {value:.3f}  ({score.hits.get(name, 0)}/{score.totals[name]})"
        for name, value in score.accuracy().items()
    ]
    lines += [
        f"  DIFF  {d['file']}: {d['field']}: expected {d['expected']!r}, got {d['extracted']!r}"
        for d in score.diffs
    ]
    return "\n".join(lines)
