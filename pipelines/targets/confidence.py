"""Calibrated confidence: the extractor's stage signals mapped to a probability that a record is right.

The stages (pipelines.targets) leave on every target the `signals` they saw (segment, cue
words, where the year and unit came from …). This module turns them into a probability with a
logistic model whose coefficients are data (seed `dbt_project/seeds/confidence_model.csv`, refitted
by `scripts/fit_confidence.py` on the first-sight labelled sets), and decides the `review_status`
a target has before any analyst decision: `auto` at or above the one `review_threshold` (a row of
the same seed, also read by dbt), `needs_review` below it.

It runs after extraction (the stored per-plan results keep the extractor's own rough score as
`rule_confidence`), so the stages never depend on it, and confidence never decides what a target is.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines.settings import seed

MODEL_PATH = seed("confidence_model")
BANDS = ((0.9, 1.01), (0.8, 0.9), (0.6, 0.8), (0.0, 0.6))
INTERCEPT = "intercept"
COEFFICIENT = "coefficient"
THRESHOLD = "review_threshold"
AUTO, NEEDS_REVIEW = "auto", "needs_review"
CUE_SIGNALS = frozenset({"commitment_cue", "action_cue"})


def feature_values(target: dict) -> dict[str, str]:
    """The record's signals as (name → level) strings, plus what every record has (source, reason).

    Booleans become "true"/"false", a missing signal "none": one indicator column per observed
    (name, level) pair, so a new stage signal only needs a refit, never a code change here.
    """
    signals = dict(target.get("signals") or {})
    signals["source"] = target.get("source")
    signals["decision_reason"] = target.get("decision_reason")
    signals["qualitative"] = bool(target.get("qualitative"))
    signals["has_target_year"] = target.get("target_year") is not None
    signals["is_range"] = target.get("value_min") is not None and target.get("value_min") != target.get(
        "value_max"
    )
    quote = str(target.get("quote") or "")
    words = len(quote.split())
    signals["quote_words"] = "1-3" if words <= 3 else "4-8" if words <= 8 else "9+"
    signals["quote_starts_with_number"] = quote[:1].isdigit()
    return {name: _level(name, value) for name, value in signals.items()}


def _level(name: str, value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in CUE_SIGNALS:
        return "present"  # which cue word matched is vocabulary, not a level worth a coefficient
    return str(value)


@dataclass(frozen=True)
class ConfidenceModel:
    """Intercept + one coefficient per (signal, level); an unseen level contributes nothing."""

    intercept: float = 0.0
    coefficients: dict[tuple[str, str], float] = field(default_factory=dict)
    review_threshold: float = 0.8

    def probability(self, target: dict) -> float:
        score = self.intercept + sum(
            self.coefficients.get((name, level), 0.0) for name, level in feature_values(target).items()
        )
        return round(1.0 / (1.0 + math.exp(-score)), 3)

    def status(self, confidence: float) -> str:
        return AUTO if confidence >= self.review_threshold else NEEDS_REVIEW


def read_model(path: Path = MODEL_PATH) -> ConfidenceModel:
    """The seed as a model. Rows: kind (intercept | coefficient | review_threshold), signal, level, value."""
    intercept, threshold, coefficients = 0.0, 0.8, {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = float(row["value"])
            if row["kind"] == INTERCEPT:
                intercept = value
            elif row["kind"] == THRESHOLD:
                threshold = value
            elif row["kind"] == COEFFICIENT:
                coefficients[(row["signal"], row["level"])] = value
    return ConfidenceModel(intercept, coefficients, threshold)


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> ConfidenceModel:
    """The seed model, read once per process (a missing seed: every target needs review)."""
    if not path.exists():
        return ConfidenceModel(intercept=-10.0)
    return read_model(path)


def calibrate_targets(targets: Iterable[dict], model: ConfidenceModel | None = None) -> list[dict]:
    """Copies of the target records with the calibrated `confidence`, the extractor's own score as
    `rule_confidence` (kept once: calibrating twice gives the same result) and `review_status`."""
    model = model or load_model()
    out = []
    for target in targets:
        record = dict(target)
        record.setdefault("rule_confidence", target.get("confidence"))
        record["confidence"] = model.probability(record)
        record["review_status"] = model.status(record["confidence"])
        out.append(record)
    return out


def band_of(confidence: float) -> str:
    """The band label a confidence falls in, as `khcn eval --calibration` prints it."""
    for low, high in BANDS:
        if low <= confidence < high:
            return f"{low:.1f}–{min(high, 1.0):.1f}"
    return "?"


def calibration_table(rows: Iterable[tuple[float, bool]]) -> list[dict]:
    """Per band: records, right, share right and mean confidence (how well it behaves like a probability)."""
    table = []
    rows = list(rows)
    for low, high in BANDS:
        inside = [(c, ok) for c, ok in rows if low <= c < high]
        right = sum(ok for _, ok in inside)
        table.append(
            {
                "band": band_of(low),
                "records": len(inside),
                "right": right,
                "precision": round(right / len(inside), 3) if inside else None,
                "mean_confidence": round(sum(c for c, _ in inside) / len(inside), 3) if inside else None,
            }
        )
    return table


def threshold_summary(rows: Iterable[tuple[float, bool]], threshold: float, labelled: int) -> dict:
    """What a threshold gives: precision at or above it, and how many right records (true targets) it covers."""
    rows = list(rows)
    above = [ok for c, ok in rows if c >= threshold]
    right = sum(ok for _, ok in rows)
    return {
        "threshold": threshold,
        "records_at_or_above": len(above),
        "precision_at_or_above": round(sum(above) / len(above), 3) if above else None,
        "true_targets_covered": sum(above),
        "true_targets_extracted": right,
        "labelled_targets": labelled,
    }


def format_calibration(groups: dict[str, list[tuple[float, bool]]], threshold: float, labelled: dict) -> str:
    """The terminal table: one block per group of sets (first-sight, tuned)."""
    lines = []
    for name, rows in groups.items():
        lines.append(f"{name}: {len(rows)} records")
        lines.append(f"  {'band':<9} {'records':>7} {'right':>6} {'share':>6} {'mean conf':>9}")
        for row in calibration_table(rows):
            share = "–" if row["precision"] is None else f"{row['precision']:.2f}"
            mean = "–" if row["mean_confidence"] is None else f"{row['mean_confidence']:.2f}"
            lines.append(f"  {row['band']:<9} {row['records']:>7} {row['right']:>6} {share:>6} {mean:>9}")
        s = threshold_summary(rows, threshold, labelled.get(name, 0))
        precision = "–" if s["precision_at_or_above"] is None else f"{s['precision_at_or_above']:.3f}"
        lines.append(
            f"  at or above review_threshold {threshold:.2f}: {s['records_at_or_above']} records, "
            f"precision {precision}, {s['true_targets_covered']} of {s['true_targets_extracted']} right records "
            f"({s['labelled_targets']} labelled targets)"
        )
    return "\n".join(lines)


def with_review_fields(targets: list[dict]) -> list[dict]:
    """One document's target records as the warehouse loads them: stable `target_id`, calibrated
    `confidence`, `rule_confidence` and `review_status` (what `khcn extract --json` prints)."""
    from pipelines.reviews import assign_target_ids  # reviews imports the text module; keep this light

    calibrated = calibrate_targets(targets)
    for record, identifier in zip(calibrated, assign_target_ids(calibrated), strict=True):
        record["target_id"] = identifier
    return calibrated
