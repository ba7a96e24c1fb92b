"""Stage 6, evidence: the verbatim quote of a target, its signals and its rough confidence.

The quote is a slice of the normalised text (offsets recorded), so an analyst can click back
to it; it runs from the indicator phrase before the number to the end of the phrase after it.
The signals are the stage outcomes that a calibrated confidence is later fitted on; their
names and value types are stable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.targets.attributes import year_before
from pipelines.targets.catalog import OTHER
from pipelines.targets.cues import PAST
from pipelines.targets.indicator import has_noun
from pipelines.targets.model import Mention, Target

_PER_YEAR = re.compile(r"\b(?:hang nam|moi nam|binh quan nam|trung binh nam|nam nao cung)\b")

if TYPE_CHECKING:
    from pipelines.targets.indicator import IndicatorReading
    from pipelines.targets.prose import Line


def quote_span(
    text: str,
    m: Mention,
    label: tuple[int, int],
    previous_end: int,
    clause_start: int,
    value_end: int,
    tail_end: int,
) -> tuple[int, int]:
    """[start, end) of the quote in the line: label (or clause opening) through value and noun phrase."""
    label_start, label_end = label
    quote_end = value_end
    if text[value_end:tail_end].strip() and not has_noun(text[label_start:label_end]):
        quote_end = max(quote_end, tail_end)
    quote_start = min(label_start if label_end > label_start else max(previous_end, clause_start), m.start)
    while quote_start < m.start and (text[quote_start].isspace() or text[quote_start] in ",;:-–"):
        quote_start += 1
    return quote_start, quote_end


def signals_of(
    line: Line,
    m: Mention,
    reading: IndicatorReading,
    cues: dict,
    target: Target,
    sentence_prefix: str,
    unit_source: str,
) -> dict:
    """The stage signals of one prose target (stable keys; values are str, bool or None)."""
    in_sentence = year_before(sentence_prefix, len(sentence_prefix))
    if in_sentence is not None and in_sentence == target.target_year:
        year_source = "sentence"
    elif line.where.year is not None and line.where.year == target.target_year:
        year_source = line.where.year_source or "heading"
    else:
        year_source = "plan_period" if target.target_year is not None else "none"
    return {
        "segment": line.segment,
        "indicator_matched": target.indicator != OTHER,
        "indicator_source": reading.source,
        "commitment_cue": cues.get("commitment_cue"),
        "action_cue": cues.get("action_cue"),
        "goal_section": bool(line.where.in_goal),
        "year_source": year_source,
        "unit_source": unit_source,
        "table_row": False,
        "number_form": m.form,
        "number_words": m.word,
        "past_cue_nearby": bool(PAST.search(sentence_prefix[-120:])),
        "baseline_found": target.baseline_value is not None,
        "per_year": bool(_PER_YEAR.search(sentence_prefix[-80:])) or (target.unit or "").endswith("/năm"),
    }


def confidence(indicator: str, strong, year: int | None, in_goal_section: bool, word: bool) -> float:
    """A rough score: how many independent signals agree that this is a target of this indicator."""
    score = 0.45
    score += 0.2 if indicator != OTHER else 0.0
    score += 0.15 if strong else 0.0
    score += 0.1 if in_goal_section else 0.0
    score += 0.05 if year is not None else 0.0
    score -= 0.1 if word else 0.0
    return round(min(score, 0.95), 2)
