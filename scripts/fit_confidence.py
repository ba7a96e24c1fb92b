"""Refit the confidence model on the first-sight sets and print the calibration table.

    .venv/bin/python scripts/fit_confidence.py            # print only
    .venv/bin/python scripts/fit_confidence.py --write    # also rewrite dbt_project/seeds/confidence_model.csv

Every labelled plan of the first-sight sets (calibration_fit.FIRST_SIGHT_SETS) is extracted with the current code; each record is
right or wrong (calibration_fit.truth_of). A ridge logistic regression from the records' signals is
fitted on them, its penalty chosen from a small grid by leave-one-plan-out log-loss; the review_threshold is the lowest (0.01 steps) at which the records at or above it
had precision ≥ 0.97 under the fitted model. Because that is an in-sample figure, the script also
prints *leave-one-plan-out* probabilities (each plan scored by a model fitted without it): the honest
estimate for a plan nobody has seen. The tuned sets are scored with the final model and printed
beside, never fitted on.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.evaluation.calibration_fit import (  # noqa: E402
    RIDGE_GRID,
    Labelled,
    choose_threshold,
    first_sight_sets,
    fit_model,
    labelled_records,
    leave_one_plan_out,
    log_loss,
    model_rows,
    tuned_sets,
)
from pipelines.gazetteer.units import Gazetteer  # noqa: E402
from pipelines.store.plan_files import build_document  # noqa: E402
from pipelines.targets.catalog import load_catalog  # noqa: E402
from pipelines.targets.confidence import MODEL_PATH, format_calibration  # noqa: E402
from pipelines.targets.extract import targets_for_document  # noqa: E402

PLANS = REPO / "data" / "raw" / "plans"


def extractor():
    gazetteer, catalog = Gazetteer.load(), load_catalog()

    def extract(path: Path) -> tuple[str, list[dict]]:
        document = build_document(path.name, path.read_bytes(), gazetteer)
        return document["text_normalized"], targets_for_document(document, catalog)

    return extract


def collect(sets: list[Path]) -> tuple[list[Labelled], int]:
    extract, rows, labelled = extractor(), [], 0
    for set_dir in sets:
        found, count = labelled_records(set_dir, PLANS, extract)
        rows += found
        labelled += count
    return rows, labelled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the seed with the fitted model")
    args = parser.parse_args()
    first, first_labelled = collect(first_sight_sets())
    tuned, tuned_labelled = collect(tuned_sets())
    losses = {ridge: log_loss(leave_one_plan_out(first, ridge)) for ridge in RIDGE_GRID}
    ridge = min(losses, key=losses.get)
    print(
        "leave-one-plan-out log-loss by ridge penalty: "
        + ", ".join(f"{k:g}: {v:.4f}" for k, v in losses.items())
    )
    cross = leave_one_plan_out(first, ridge)
    fitted = fit_model(first, 0.5, ridge)
    threshold = choose_threshold([(fitted.probability(r.target), r.right) for r in first])
    model = fit_model(first, threshold, ridge)
    names = ", ".join(p.name for p in first_sight_sets())
    groups = {
        f"first-sight ({names}), leave-one-plan-out": cross,
        f"first-sight ({names}), fitted model": [(model.probability(r.target), r.right) for r in first],
        f"tuned ({', '.join(p.name for p in tuned_sets())}), fitted model": [
            (model.probability(r.target), r.right) for r in tuned
        ],
        "first-sight, the extractor's rule confidence (before)": [
            (float(r.target["confidence"]), r.right) for r in first
        ],
    }
    labelled = {name: first_labelled for name in groups} | {list(groups)[2]: tuned_labelled}
    print(format_calibration(groups, threshold, labelled))
    print(
        f"\nreview_threshold = {threshold:.2f}; ridge penalty {ridge:g}; {len(model.coefficients)} coefficients"
    )
    if args.write:
        note = f"fitted by scripts/fit_confidence.py on {names}: {len(first)} records, ridge logistic, penalty {ridge:g}"
        with MODEL_PATH.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["kind", "signal", "level", "value", "note"])
            writer.writeheader()
            writer.writerows(model_rows(model, note))
        print(f"wrote {MODEL_PATH.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
