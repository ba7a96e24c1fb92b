"""`khcn eval --calibration` and `khcn eval --reviews`: confidence bands on the labelled sets, and the
extractor scored against analysts' decisions (decisions are labels too).

Against decisions, the later decision per target counts: confirmed = right, corrected = right number
with an attribute error (indicator, value or year), rejected = extra, added = missed (unless the
extractor now finds that very target: then it is right). A decision whose target the current
extractor no longer produces is an orphan, counted apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.evaluation.calibration_fit import calibration_groups
from pipelines.reviews import read_review_folder
from pipelines.targets.confidence import format_calibration, load_model


def calibration_command(
    plans_dir: Path, extract: Callable[[Path], tuple[str, list[dict]]], as_json: bool
) -> int:
    """Print the calibration table (first-sight and tuned sets apart) with the review threshold."""
    groups, labelled = calibration_groups(plans_dir, extract)
    threshold = load_model().review_threshold
    if as_json:
        from pipelines.targets.confidence import calibration_table, threshold_summary

        payload = {
            name: {
                "bands": calibration_table(rows),
                "threshold": threshold_summary(rows, threshold, labelled[name]),
            }
            for name, rows in groups.items()
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(format_calibration(groups, threshold, labelled))
    return 0


def score_against_reviews(targets: list[dict], decisions: pl.DataFrame) -> dict:
    """Counts and rates of the extractor against the latest decision per target."""
    extracted = {t["target_id"]: t for t in targets}
    latest = decisions.sort("decision_order").unique("target_id", keep="last", maintain_order=True)
    counts = {"confirmed": 0, "corrected": 0, "rejected": 0, "added": 0, "orphans": 0}
    wrong = {"indicator": 0, "value": 0, "target_year": 0}
    kinds = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}
    for row in latest.iter_rows(named=True):
        target = extracted.get(row["target_id"])
        if row["decision"] == "add":
            counts["confirmed" if target else "added"] += 1
        elif target is None:
            counts["orphans"] += 1
        else:
            counts[kinds[row["decision"]]] += 1
            for name in corrected_attributes(row, target) if row["decision"] == "correct" else []:
                wrong[name] += 1
    right = counts["confirmed"] + counts["corrected"]
    reviewed = right + counts["rejected"]
    return {
        **counts,
        "decisions": decisions.height,
        "precision": round(right / reviewed, 4) if reviewed else None,
        "recall": round(right / (right + counts["added"]), 4) if right + counts["added"] else None,
        "attribute_accuracy": round(counts["confirmed"] / right, 4) if right else None,
        "corrected_attributes": wrong,
    }


def corrected_attributes(decision: dict, target: dict) -> list[str]:
    """Which attributes a correction changed: indicator, value (min or max), target_year."""
    changed = []
    if decision["indicator_code"] is not None and decision["indicator_code"] != target.get("indicator"):
        changed.append("indicator")
    values = [
        (decision["value_min"], target.get("value_min")),
        (decision["value_max"], target.get("value_max")),
    ]
    if any(new is not None and (old is None or abs(float(new) - float(old)) > 1e-9) for new, old in values):
        changed.append("value")
    if decision["target_year"] is not None and decision["target_year"] != target.get("target_year"):
        changed.append("target_year")
    return changed


def reviews_command(
    reviews_dir: Path,
    plans_dir: Path,
    extract_all: Callable[[Path], list[dict]],
    codes: set[str],
    as_json: bool,
) -> int:
    """Score every plan of `plans_dir` against the decisions in `reviews_dir`."""
    decisions, refused = read_review_folder(reviews_dir, codes)
    score = score_against_reviews(extract_all(plans_dir), decisions)
    score["refused_rows"] = refused.height
    if as_json:
        print(json.dumps(score, ensure_ascii=False, indent=2))
        return 0
    rate = {
        k: "–" if score[k] is None else f"{score[k]:.3f}"
        for k in ("precision", "recall", "attribute_accuracy")
    }
    print(
        f"decisions: {score['decisions']}  confirmed (right): {score['confirmed']}  corrected (attribute error): "
        f"{score['corrected']}  rejected (extra): {score['rejected']}  added (missed): {score['added']}  "
        f"orphans: {score['orphans']}  refused rows: {score['refused_rows']}\n"
        f"precision: {rate['precision']}  recall: {rate['recall']}  "
        f"attribute accuracy: {rate['attribute_accuracy']}  corrected attributes: "
        + ", ".join(f"{k} {v}" for k, v in score["corrected_attributes"].items())
    )
    for row in refused.iter_rows(named=True):
        print(
            f"  REFUSED {row['file_name']}:{row['row_number'] or '-'} [{row['reason_code']}] {row['reason']}"
        )
    return 0
