"""Fitting the confidence model: which extracted records were right on the labelled sets, and a
ridge-penalised logistic regression (numpy, Newton steps) from their signals.

A record is *right* when it is matched to a labelled target the way `khcn eval` matches (quotes
overlap in the normalised text, same value_min and value_max; greedy, one to one) **and** has the
labelled indicator: a number under the wrong indicator is a wrong cell in the matrix. First-sight
sets (docs/quality.md) are the ones the extractor was never tuned on, so only they say how often a
record is right on a plan nobody has seen; the tuned sets are reported beside them, never fitted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.evaluation.targets import _same_value, locate_quote
from pipelines.settings import LABELLED_SETS_DIR
from pipelines.targets.confidence import (
    COEFFICIENT,
    INTERCEPT,
    THRESHOLD,
    ConfidenceModel,
    feature_values,
    load_model,
)

FIXTURES = LABELLED_SETS_DIR
# The sets the current extractor has never been tuned on (docs/quality.md says which): confidence is
# fitted on its output there, because only there do its errors look like those on a new plan. A set
# that has been used to change rules moves to TUNED_SETS (firstsight1/2 did in session 9).
FIRST_SIGHT_SETS = ("final_check", "final_check2")
TUNED_SETS = ("golden", "synthetic", "holdout", "holdout2", "firstsight1", "firstsight2")
MIN_LEVEL_COUNT = 3  # a (signal, level) seen fewer times gets no coefficient of its own
RIDGE = 1.0
RIDGE_GRID = (1.0, 3.0, 10.0, 30.0)  # the penalty is chosen by leave-one-plan-out log-loss


@dataclass
class Labelled:
    """One extracted record of a labelled plan and whether it was right."""

    set_name: str
    file: str
    target: dict
    right: bool


def first_sight_sets(fixtures: Path = FIXTURES) -> list[Path]:
    return [fixtures / name for name in FIRST_SIGHT_SETS if (fixtures / name).is_dir()]


def tuned_sets(fixtures: Path = FIXTURES) -> list[Path]:
    return [fixtures / name for name in TUNED_SETS if (fixtures / name).is_dir()]


def truth_of(text: str, expected: list[dict], extracted: list[dict]) -> list[bool]:
    """For each extracted record: matched to a label (eval's rule) with the labelled indicator."""
    right = [False] * len(extracted)
    unmatched = list(range(len(extracted)))
    for label in expected:
        span = locate_quote(label["quote"], text)
        for index in unmatched:
            candidate = extracted[index]
            overlaps = span is None or (candidate["char_start"] < span[1] and span[0] < candidate["char_end"])
            if (
                overlaps
                and _same_value(label.get("value_min"), candidate.get("value_min"))
                and _same_value(label.get("value_max"), candidate.get("value_max"))
            ):
                unmatched.remove(index)
                right[index] = candidate.get("indicator") == label.get("indicator")
                break
    return right


def labelled_records(
    set_dir: Path, plans_dir: Path, extract: Callable[[Path], tuple[str, list[dict]]]
) -> tuple[list[Labelled], int]:
    """Every extracted record of a labelled set with its truth, and the number of labelled targets."""
    rows: list[Labelled] = []
    labelled = 0
    for label_file in sorted(set_dir.glob("*.json")):
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        if "file" not in labels:
            continue
        plan = next((p for p in (set_dir / labels["file"], plans_dir / labels["file"]) if p.exists()), None)
        if plan is None:
            continue
        text, targets = extract(plan)
        expected = labels.get("targets", [])
        labelled += len(expected)
        for target, ok in zip(targets, truth_of(text, expected, targets), strict=True):
            rows.append(Labelled(set_dir.name, labels["file"], target, ok))
    return rows, labelled


def design(records: list[dict], columns: list[tuple[str, str]] | None = None):
    """The 0/1 design matrix of (signal, level) indicators; columns seen ≥ MIN_LEVEL_COUNT times."""
    features = [feature_values(r) for r in records]
    if columns is None:
        counts: dict[tuple[str, str], int] = {}
        for f in features:
            for pair in f.items():
                counts[pair] = counts.get(pair, 0) + 1
        columns = sorted(pair for pair, n in counts.items() if n >= MIN_LEVEL_COUNT and n < len(records))
    index = {pair: i for i, pair in enumerate(columns)}
    matrix = np.zeros((len(records), len(columns)))
    for row, f in enumerate(features):
        for pair in f.items():
            if pair in index:
                matrix[row, index[pair]] = 1.0
    return matrix, columns


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE, steps: int = 50) -> np.ndarray:
    """Newton-Raphson for the ridge-penalised log-likelihood; the intercept (column 0) is not penalised."""
    x1 = np.hstack([np.ones((x.shape[0], 1)), x])
    beta = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], ridge)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x1 @ beta)))
        gradient = x1.T @ (y - p) - penalty * beta
        hessian = (x1.T * (p * (1 - p))) @ x1 + np.diag(penalty) + 1e-9 * np.eye(x1.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def fit_model(rows: list[Labelled], threshold: float, ridge: float = RIDGE) -> ConfidenceModel:
    """The fitted model (coefficients rounded to 4 places, as stored in the seed)."""
    x, columns = design([r.target for r in rows])
    beta = fit_logistic(x, np.array([1.0 if r.right else 0.0 for r in rows]), ridge=ridge)
    coefficients = {pair: round(float(b), 4) for pair, b in zip(columns, beta[1:], strict=True)}
    return ConfidenceModel(round(float(beta[0]), 4), coefficients, threshold)


def choose_threshold(scored: list[tuple[float, bool]], min_precision: float = 0.97) -> float:
    """The lowest threshold (0.01 steps) at which the records at or above it had precision ≥ min_precision:
    the most true targets covered under the precision rule."""
    for step in range(50, 100):
        above = [right for c, right in scored if c >= step / 100]
        if above and sum(above) / len(above) >= min_precision:
            return step / 100
    return 0.99


def model_rows(model: ConfidenceModel, note: str) -> list[dict]:
    """The seed's rows for a model (kind, signal, level, value, note)."""
    rows = [{"kind": INTERCEPT, "signal": "", "level": "", "value": model.intercept, "note": note}]
    rows += [
        {"kind": COEFFICIENT, "signal": s, "level": lv, "value": v, "note": ""}
        for (s, lv), v in sorted(model.coefficients.items())
    ]
    rows.append(
        {
            "kind": THRESHOLD,
            "signal": "",
            "level": "",
            "value": model.review_threshold,
            "note": "auto at or above, needs_review below; precision >= 0.97 on first-sight sets",
        }
    )
    return rows


def calibration_groups(
    plans_dir: Path, extract: Callable[[Path], tuple[str, list[dict]]], fixtures: Path = FIXTURES
) -> tuple[dict[str, list[tuple[float, bool]]], dict[str, int]]:
    """(confidence, right) of every extracted record, first-sight sets and tuned sets apart, with the
    calibrated confidence the pipeline gives (the seed model), and the labelled counts per group."""
    model = load_model()
    groups: dict[str, list[tuple[float, bool]]] = {}
    labelled: dict[str, int] = {}
    for name, sets in (("first-sight", first_sight_sets(fixtures)), ("tuned", tuned_sets(fixtures))):
        title = f"{name} ({', '.join(p.name for p in sets)})"
        groups[title], labelled[title] = [], 0
        for set_dir in sets:
            rows, count = labelled_records(set_dir, plans_dir, extract)
            groups[title] += [(model.probability(r.target), r.right) for r in rows]
            labelled[title] += count
    return groups, labelled


def leave_one_plan_out(rows: list[Labelled], ridge: float = RIDGE) -> list[tuple[float, bool]]:
    """(probability, right) of every record, each plan scored by a model fitted without it."""
    scored = []
    for plan in sorted({(r.set_name, r.file) for r in rows}):
        model = fit_model([r for r in rows if (r.set_name, r.file) != plan], 0.5, ridge)
        scored += [(model.probability(r.target), r.right) for r in rows if (r.set_name, r.file) == plan]
    return scored


def log_loss(scored: list[tuple[float, bool]]) -> float:
    """Mean negative log-likelihood: how well probabilities predict rightness (lower is better)."""
    eps = 1e-6
    return float(
        np.mean([-np.log(max(p, eps)) if right else -np.log(max(1 - p, eps)) for p, right in scored])
    )
