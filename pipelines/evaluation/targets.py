"""Scoring extraction against an analyst's labels: precision, recall, attribute accuracy.

Labels are JSON files (tests/fixtures/golden, tests/fixtures/synthetic): one per
plan, with the expected targets and their quotes as written in the *file*. We
match an extracted target to a labelled one when their quotes overlap in the
normalised text and their values agree; everything else is a miss or an extra,
listed so a person can see what went wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.text.normalize import normalize_unicode

ATTRIBUTES = (
    "indicator",
    "target_type",
    "bound",
    "value_min",
    "value_max",
    "unit",
    "target_year",
    "baseline_value",
    "baseline_year",
    "qualitative",
    "section",
    "components",
)


@dataclass
class PlanScore:
    file: str
    expected: int
    extracted: int
    matched: int
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    attribute_hits: dict[str, int] = field(default_factory=dict)
    attribute_diffs: list[dict] = field(default_factory=list)


@dataclass
class Score:
    plans: list[PlanScore]

    @property
    def expected(self) -> int:
        return sum(p.expected for p in self.plans)

    @property
    def extracted(self) -> int:
        return sum(p.extracted for p in self.plans)

    @property
    def matched(self) -> int:
        return sum(p.matched for p in self.plans)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def reasons(self) -> dict[str, dict[str, int]]:
        """Misses and extras counted by the extractor's reason: where to look first."""
        counts: dict[str, dict[str, int]] = {"misses": {}, "extras": {}}
        for plan in self.plans:
            for kind, rows in (("misses", plan.misses), ("extras", plan.extras)):
                for row in rows:
                    reason = row.get("reason") or "not_explained"
                    counts[kind][reason] = counts[kind].get(reason, 0) + 1
        return {k: dict(sorted(v.items(), key=lambda item: (-item[1], item[0]))) for k, v in counts.items()}

    def attribute_accuracy(self) -> dict[str, float]:
        if not self.matched:
            return {a: 1.0 for a in ATTRIBUTES}
        return {a: sum(p.attribute_hits.get(a, 0) for p in self.plans) / self.matched for a in ATTRIBUTES}

    def as_dict(self) -> dict:
        return {
            "expected": self.expected,
            "extracted": self.extracted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "attribute_accuracy": {k: round(v, 4) for k, v in self.attribute_accuracy().items()},
            "reasons": self.reasons(),
            "plans": [p.__dict__ for p in self.plans],
        }


def locate_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where a labelled quote (as in the file, maybe with PDF line breaks) sits in the normalised text."""
    tokens = normalize_unicode(quote).split()
    if not tokens:
        return None
    pattern = r"\s+".join(re.escape(t) for t in tokens)
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def _same_attribute(name: str, expected, actual) -> bool:
    if name in ("value_min", "value_max", "baseline_value"):
        return _same_value(expected, actual)
    if name == "unit":
        return (expected or "").casefold().strip() == (actual or "").casefold().strip()
    if name == "components":

        def norm(parts):
            return sorted(float(p["value"]) for p in parts or [])

        return norm(expected) == norm(actual)
    return expected == actual


def _field(decision, name: str):
    return decision.get(name) if isinstance(decision, dict) else getattr(decision, name, None)


def miss_reason(span: tuple[int, int] | None, value, decisions: list | None) -> str:
    """Why a labelled target was not extracted: the decision on its number inside the labelled quote
    ("past_result:report_section", "no_unit:bare_number" …), or where reading it failed."""
    if decisions is None:
        return "not_explained"
    if span is None:
        return "quote_not_found"
    inside = [d for d in decisions if _field(d, "char_start") < span[1] and span[0] < _field(d, "char_end")]
    if not inside:
        return "no_number_read"
    same = [d for d in inside if value is not None and _same_value(value, _field(d, "value_min"))]
    if not same:
        return "value_not_read"
    decision = next((d for d in same if _field(d, "kind") != "target"), same[0])
    if _field(decision, "kind") == "target":
        return "target_elsewhere"
    return f"{_field(decision, 'kind')}:{_field(decision, 'reason').split(':')[0]}"


def score_plan(
    file: str, text: str, expected: list[dict], extracted: list[dict], decisions: list | None = None
) -> PlanScore:
    """Greedy one-to-one matching on overlapping quotes and equal values; misses and extras carry a
    `reason` (the extractor's decision on that number) when `decisions` are given."""
    result = PlanScore(file=file, expected=len(expected), extracted=len(extracted), matched=0)
    unmatched = list(range(len(extracted)))
    for label in expected:
        span = locate_quote(label["quote"], text)
        best = None
        for index in unmatched:
            candidate = extracted[index]
            overlaps = span is None or (candidate["char_start"] < span[1] and span[0] < candidate["char_end"])
            if not overlaps:
                continue
            if _same_value(label.get("value_min"), candidate.get("value_min")) and _same_value(
                label.get("value_max"), candidate.get("value_max")
            ):
                best = index
                break
        if best is None:
            miss = {k: label.get(k) for k in ("indicator", "value_min", "value_max", "unit", "quote")}
            miss["reason"] = miss_reason(span, label.get("value_min"), decisions)
            result.misses.append(miss)
            continue
        unmatched.remove(best)
        result.matched += 1
        candidate = extracted[best]
        for name in ATTRIBUTES:
            if _same_attribute(name, label.get(name), candidate.get(name)):
                result.attribute_hits[name] = result.attribute_hits.get(name, 0) + 1
            else:
                result.attribute_diffs.append(
                    {
                        "attribute": name,
                        "expected": label.get(name),
                        "extracted": candidate.get(name),
                        "quote": label["quote"],
                    }
                )
    for index in unmatched:
        candidate = extracted[index]
        extra = {k: candidate.get(k) for k in ("indicator", "value_min", "value_max", "unit", "quote")}
        extra["reason"] = f"target:{candidate.get('decision_reason') or 'unknown'}"
        result.extras.append(extra)
    return result


def evaluate(
    label_files: list[Path], plan_dirs: list[Path], extract: Callable[[Path], tuple[str, list[dict]]]
) -> Score:
    """Score `extract(path) -> (normalised text, target dicts)` on every label file."""
    plans = []
    for label_file in label_files:
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        candidates = [label_file.parent / labels["file"], *(d / labels["file"] for d in plan_dirs)]
        plan = next((p for p in candidates if p.exists()), None)
        if plan is None:
            raise FileNotFoundError(f"{label_file}: plan file {labels['file']} not found")
        text, targets, *decisions = extract(plan)
        expected = labels.get("targets", [])
        plans.append(score_plan(labels["file"], text, expected, targets, decisions[0] if decisions else None))
    return Score(plans)


def format_report(score: Score) -> str:
    """A plain-text report for the terminal."""
    lines = [
        f"plans: {len(score.plans)}  labelled: {score.expected}  extracted: {score.extracted}  matched: {score.matched}",
        f"precision: {score.precision:.3f}  recall: {score.recall:.3f}",
        "attribute accuracy (on matched targets):",
    ]
    lines += [f"  {name:<15} {value:.3f}" for name, value in score.attribute_accuracy().items()]
    reasons = score.reasons()
    for kind in ("misses", "extras"):
        total = sum(reasons[kind].values())
        lines.append(f"{kind} by reason ({total}):" + ("" if reasons[kind] else " none"))
        lines += [f"  {count:>4}  {reason}" for reason, count in reasons[kind].items()]
    for plan in score.plans:
        if not (plan.misses or plan.extras or plan.attribute_diffs):
            continue
        lines.append(f"\n{plan.file}: {plan.matched}/{plan.expected} found, {len(plan.extras)} extra")
        lines += [
            f"  MISS  {m['indicator']} {m['value_min']}..{m['value_max']} {m['unit']}  [{m.get('reason')}]  «{m['quote']}»"
            for m in plan.misses
        ]
        lines += [
            f"  EXTRA {e['indicator']} {e['value_min']}..{e['value_max']} {e['unit']}  [{e.get('reason')}]  «{e['quote']}»"
            for e in plan.extras
        ]
        lines += [
            f"  DIFF  {d['attribute']}: expected {d['expected']!r}, got {d['extracted']!r}  «{d['quote'][:60]}»"
            for d in plan.attribute_diffs
        ]
    return "\n".join(lines)
