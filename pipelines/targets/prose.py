"""Prose lines: every number of a line through the stages, one decision each, targets kept.

Order per number: mention (mentions.py) → is it a quantity at all (decisions.not_a_quantity)
→ unit → policy norm → indicator on its noun phrase → past result → unit required → commitment
→ attributes → evidence. State carried along a line: how far numbers were consumed by an
earlier target's aside, where the previous phrase ended, and past figures that become the
baseline of a later target of the same indicator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipelines.targets import attributes as attr
from pipelines.targets.catalog import OTHER, Catalog, fold_phrase
from pipelines.targets.cues import ACTION_CUES, REQUEST_CUES, STRONG_CUES, UNIT_RE
from pipelines.targets.decisions import (
    commitment,
    is_rank,
    not_a_quantity,
    past_reason,
    policy_norm,
    units_in_scope,
)
from pipelines.targets.evidence import confidence, quote_span, signals_of
from pipelines.targets.indicator import (
    IndicatorReading,
    compatible,
    has_noun,
    noun_phrase_end,
    phrase_end,
    read_indicator,
    trim_label,
)
from pipelines.targets.mentions import has_number, read_mentions
from pipelines.targets.model import Decision, Mention, PlanContext, SectionContext, Target
from pipelines.targets.qualitative import may_be_qualitative, qualitative
from pipelines.targets.segments import (
    Sentences,
    clauses,
    marker_end,
    segment_kind,
    without_parentheses,
)
from pipelines.text.normalize import fold_diacritics, fold_span

# The value-only form "<indicator>: 05" / "<indicator> là 05" / "đạt 05": no unit needed after the number.
_VALUE_WITHOUT_UNIT = re.compile(r"(?::|\blà|\bđạt|\bbằng|\btăng|\bgấp|\bchiếm)\s*$", re.IGNORECASE)
_SUBSET = re.compile(r"\btrong do\s*(?:co\s*)?(?:khong duoi|khong it hon|it nhat|toi thieu|khoang|tren)?\s*$")
_CHANGE_OF = re.compile(r"^\s*,?\s*(?:tăng|giảm)(?:\s+thêm)?\s*$", re.IGNORECASE)
_COUNTED = re.compile(r"^\s*(?:Số|số|Tổng số|tổng số)\s+(?:lượng\s+)?")
_SENTENCE_WINDOW = 400


@dataclass(frozen=True)
class Line:
    """One prose line and everything the stages read about it, computed once."""

    text: str
    offset: int
    section: str | None
    where: SectionContext
    context: PlanContext
    catalog: Catalog
    sentences: Sentences
    marker_end: int
    segment: str
    folded: str  # fold_diacritics(text), once per line: length-preserving, so offsets agree

    def folded_window(self, start: int, end: int, width: int = 300) -> str:
        """Folded text of [start, end), at most its last `width` characters (bounded cost per number)."""
        return self.folded[max(start, end - width) : end]


@dataclass
class _State:
    consumed_until: int = 0
    previous_end: int = 0
    baselines: dict[str, tuple[float, int | None]] = field(default_factory=dict)
    norm_end: int = -1  # where the last norm or budget figure ended: its change is a norm too
    last: tuple[str, str | None] | None = None  # indicator and unit of the last target of the line


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    cues: tuple[str | None, str | None]  # the clause's first commitment cue and action cue
    rises: attr.Rises
    request: bool = False  # the sentence asks another body for something ("Đề nghị …", "Kiến nghị …")


def _clause(line: Line, start: int, end: int) -> _Clause:
    folded, written = line.folded[start:end], line.text[start:end]
    strong, action = STRONG_CUES.search(folded, written), ACTION_CUES.search(folded, written)
    cues = (strong.group(0) if strong else None, action.group(0) if action else None)
    sentence = line.sentences.start_of(start)
    opening_start = max(sentence, line.marker_end)
    opening = fold_span(line.text, line.folded, opening_start, opening_start + 40)
    request = bool(REQUEST_CUES.match(opening.lstrip(" -+*•"), 0))
    return _Clause(start, end, cues, attr.rises(line.text, start, end), request)


def prose_targets(
    text: str,
    offset: int,
    section: str | None,
    catalog: Catalog,
    context: PlanContext,
    where: SectionContext,
    folded: str | None = None,
) -> tuple[list[Target], list[Decision]]:
    """Targets of one prose line, and a decision for every number in it.

    `folded` is `fold_diacritics(text)` when the caller has it (a slice of the document's fold).
    """
    folded = fold_diacritics(text) if folded is None else folded
    bounded = not where.in_report and may_be_qualitative(folded)
    if not bounded and not has_number(text):
        return [], []  # most lines of a plan: no number to decide, no bound without one
    line = Line(
        text,
        offset,
        section,
        where,
        context,
        catalog,
        Sentences.of(text),
        marker_end(text),
        segment_kind(text),
        folded,
    )
    records: list[Target] = []
    decisions: list[Decision] = []
    state = _State()
    for start, end in clauses(text):
        state.previous_end = start
        mentions = read_mentions(text[start:end])
        clause = _clause(line, start, end) if mentions else None  # its cues matter only to numbers
        for mention in mentions:
            target, decision = _read_number(line, clause, mention.shifted(start), state)
            decisions.append(decision)
            if target is not None:
                records.append(target)
        if bounded and not any(offset + start <= r.char_start < offset + end for r in records):
            clause_folded = fold_span(text, line.folded, start, end)
            found = qualitative(text, start, end, offset, section, catalog, context, where, clause_folded)
            if found:
                records.append(found)
                decisions.append(
                    Decision(
                        found.char_start,
                        found.char_end,
                        found.quote[:40],
                        "target",
                        "qualitative_bound",
                        found.indicator,
                        section,
                        target=found,
                    )
                )
    return records, decisions


def _decide(
    line: Line, m: Mention, kind: str, reason: str, indicator: str | None = None
) -> tuple[None, Decision]:
    decision = Decision(
        line.offset + m.start,
        line.offset + m.end,
        line.text[m.start : m.end],
        kind,
        reason,
        indicator,
        line.section,
        m.low,
        m.high,
    )
    return None, decision


def _screen(line: Line, clause: _Clause, m: Mention, state: _State, rank: bool) -> tuple[str, str] | None:
    """The decisions taken before the number's phrase is read: consumed, not a quantity, a report."""
    if m.start < state.consumed_until:
        return "consumed", "aside_of_previous_target"
    not_quantity = None if rank else not_a_quantity(line.text, m, line.marker_end)
    if not_quantity:
        return not_quantity
    if m.start in clause.rises.starting_values:
        return "baseline", "rise_start"
    if line.where.in_report:
        return "past_result", "report_section"
    if clause.request:
        return "request", "request_to_another_body"  # "Đề nghị Bộ … hỗ trợ tỉnh thực hiện 02 nhiệm vụ"
    return None


def _read_number(line: Line, clause: _Clause, m: Mention, state: _State) -> tuple[Target | None, Decision]:
    """One number through the stages: a target, or the reason it is not one."""
    text = line.text
    rank = is_rank(text, m)
    screened = _screen(line, clause, m, state, rank)
    if screened:
        return _decide(line, m, *screened)
    unit, value_end, per_year = ("hạng", _rank_end(text, m), False) if rank else attr.value_unit(text, m)
    short_end = phrase_end(text, value_end)
    prefix_folded = line.folded_window(clause.start, m.start)
    if units_in_scope(text, value_end, unit):
        return _decide(line, m, "scope", "units_in_scope")
    norm = policy_norm(text, prefix_folded, line.folded[value_end:short_end], value_end, unit)
    state_end, state.previous_end = state.previous_end, short_end  # unless it becomes a target
    if norm is None and _CHANGE_OF.match(text[max(0, state.norm_end) : m.start]) and state.norm_end >= 0:
        norm = "budget"  # "33,2 tỷ đồng, tăng 5,7% so với năm 2024": the change of a budget
    if norm:
        state.norm_end = value_end
        return _decide(line, m, norm, "policy_norm")
    label = trim_label(text, max(state_end, clause.start, m.start - 300), m.start)
    ends = (short_end, noun_phrase_end(text, value_end, clause.end))
    after = line.folded[value_end : value_end + 20]
    level = m.form != "multiple" and attr.target_type(prefix_folded, unit, per_year, after) == "level"
    reading = read_indicator(line.catalog, text, label, unit, value_end, ends, level)
    sentence_start = max(line.sentences.start_of(m.start), m.start - _SENTENCE_WINDOW)
    sentence_prefix = without_parentheses(line.folded[sentence_start : m.start])
    raw_prefix = text[max(clause.start, m.start - attr.WINDOW) : m.start]
    past, past_year = (None, None)
    if m.start not in clause.rises.baselines:
        written = (without_parentheses(text[sentence_start : m.start]), raw_prefix)
        past, past_year = past_reason(
            sentence_prefix, prefix_folded, line.context, line.where.in_goal, written
        )
    if past:
        state.baselines[reading.code] = (m.low, past_year)
        return _decide(line, m, "past_result", past, reading.code)
    guessed = (
        None if unit is not None or m.word else attr.counted_noun(text, value_end, prefix_folded, raw_prefix)
    )
    reading = _adjust_reading(line, state, reading, (unit, guessed, level), prefix_folded)
    if (
        unit is None
        and guessed is None
        and not _VALUE_WITHOUT_UNIT.search(text[max(clause.start, m.start - 20) : m.start])
    ):
        return _decide(line, m, "no_unit", "bare_number", reading.code)
    unit, unit_source = _unit_fallback(line, text[label[0] : label[1]], unit or guessed, reading.code, rank)
    unit_source = "counted_noun_after_cue" if guessed and unit == guessed else unit_source
    opening = prefix_folded.strip(" -+•*") if m.start - clause.start < 300 else "…"
    reason, cues = commitment(
        reading.code != OTHER, unit, clause.cues, (prefix_folded, raw_prefix), opening, line.where.in_goal
    )
    if reason is None:
        return _decide(line, m, "no_commitment", "no_commitment_cue", reading.code)
    state.previous_end = state_end
    target = _build(line, clause, m, state, (unit, unit_source, value_end, per_year, rank), reading, label)
    state.last = (target.indicator, unit)
    return _as_target(line, m, target, (reason, cues, reading, sentence_prefix, unit_source))


def _as_target(line: Line, m: Mention, target: Target, why: tuple) -> tuple[Target, Decision]:
    """The target with its reason, signals and rough confidence, and its `target` decision."""
    reason, cues, reading, sentence_prefix, unit_source = why
    target.decision_reason = reason
    target.signals = signals_of(line, m, reading, cues, target, sentence_prefix, unit_source)
    target.confidence = confidence(
        target.indicator, cues["commitment_cue"], target.target_year, line.where.in_goal, m.word
    )
    decision = Decision(
        line.offset + m.start, line.offset + m.end, line.text[m.start : m.end], "target", reason
    )
    return target, replace(
        decision,
        indicator=target.indicator,
        section=line.section,
        value_min=m.low,
        value_max=m.high,
        target=target,
    )


def _adjust_reading(
    line: Line, state: _State, reading: IndicatorReading, units: tuple, prefix_folded: str
) -> IndicatorReading:
    """A subset ("…, trong đó 15 hợp đồng …") takes the indicator of the target it is part of; a counted
    noun guessed after a verb must fit the indicator ("01 sàn giao dịch" is not money)."""
    unit, guessed, level = units
    if reading.code == OTHER and state.last and _SUBSET.search(prefix_folded[-40:]):
        code, last_unit = state.last
        if code != OTHER and (unit or guessed or "").split("/")[0] == (last_unit or "").split("/")[0]:
            return IndicatorReading(code, "subset_of_previous", reading.tail_end)
    if (
        guessed
        and reading.code != OTHER
        and not compatible(guessed, line.catalog.unit_of(reading.code), level)
    ):
        return IndicatorReading(OTHER, "unit_mismatch", reading.tail_end)
    return reading


def _rank_end(text: str, m: Mention) -> int:
    """End of a rank: "nhóm 20/34" includes "/34" (of how many), which is not a number of its own."""
    of = re.match(r"\s*/\s*\d{1,3}\b", text[m.end : m.end + 8])
    return m.end + (of.end() if of else 0)


def _unit_fallback(
    line: Line, label_text: str, unit: str | None, code: str, rank: bool
) -> tuple[str | None, str]:
    """A unit from the counted noun after "Số …", or the catalog's, when none follows the number."""
    source = "rank" if rank else "after_number"
    if unit is None:
        counted = _COUNTED.match(label_text)
        noun = UNIT_RE.match(label_text[counted.end() :]) if counted else None
        unit, source = (noun.group("unit").lower(), "counted_noun") if noun else (None, "none")
    if unit is None and code != OTHER:
        catalog_unit = line.catalog.unit_of(code)
        if catalog_unit and not catalog_unit.startswith("%"):
            unit, source = catalog_unit, "catalog"
    if unit == "%" and attr.SHARE_OF_GRDP.search(fold_phrase(label_text)):
        unit = "% GRDP"
    return unit, source


def _kind(
    line: Line, clause: _Clause, m: Mention, unit: str | None, value_end: int, per_year: bool, rank: bool
) -> tuple[str, str, float, float]:
    """(bound, target type, low, high) of a target from the words around its number."""
    text = line.text
    prefix_folded = attr.disambiguate(
        line.folded_window(clause.start, m.start), text[max(clause.start, m.start - 300) : m.start]
    )
    tail_folded = line.folded[value_end : phrase_end(text, value_end)]
    if rank and re.search(r"(?:nhóm|top|tốp)\s*$", text[max(0, m.start - 12) : m.start], re.IGNORECASE):
        bound = "le"
    else:
        bound = attr.bound(prefix_folded, m.is_range, tail_folded, text[max(0, m.start - 30) : m.start])
    after = line.folded[value_end : value_end + 20]
    target_type = (
        "multiply_by" if m.form == "multiple" else attr.target_type(prefix_folded, unit, per_year, after)
    )
    low, high = m.low, m.high
    if target_type == "increase_by" and re.search(r"\bgiam\b", prefix_folded[-40:]):
        low, high = -high, -low
    return bound, target_type, low, high


def _baseline(
    line: Line,
    clause: _Clause,
    m: Mention,
    state: _State,
    reading: IndicatorReading,
    value_end: int,
    level: tuple,
) -> tuple[float | None, int | None, int, list[dict] | None, int]:
    """Baseline value and year (a rise, an earlier past figure, a comparison year, an aside after the
    target), where the consumed aside ends, the components and where they end."""
    low, target_type, unit = level
    baseline_value, baseline_year = clause.rises.baselines.get(m.start) or state.baselines.get(
        reading.code, (None, None)
    )
    compare = attr.COMPARE_YEAR.search(line.folded[m.start : min(clause.end, m.start + attr.WINDOW)])
    if compare:
        baseline_year = int(compare.group("year"))
    text = line.text
    parts, comp_end = attr.components(text, reading.tail_end)
    if parts is None:
        parts, comp_end = attr.inline_components(text, reading.tail_end, clause.end, unit, low)
    trailing = attr.trailing_baseline(text, value_end, reading.tail_end, clause.end, low, target_type)
    if trailing is not None:
        baseline_value, baseline_year, _ = trailing
    aside_end = max(comp_end if parts else value_end, trailing[2] if trailing else 0)
    return baseline_value, baseline_year, aside_end, parts, comp_end if parts else 0


def _build(
    line: Line,
    clause: _Clause,
    m: Mention,
    state: _State,
    reading_unit: tuple,
    reading: IndicatorReading,
    label: tuple[int, int],
) -> Target:
    """The target record: attributes, baseline and the verbatim quote."""
    text = line.text
    unit, _, value_end, per_year, rank = reading_unit
    sentence_start = max(line.sentences.start_of(m.start), m.start - _SENTENCE_WINDOW)
    sentence_prefix = without_parentheses(line.folded[sentence_start : m.start])
    bound, target_type, low, high = _kind(line, clause, m, unit, value_end, per_year, rank)
    baseline_value, baseline_year, aside_end, parts, comp_end = _baseline(
        line, clause, m, state, reading, value_end, (low, target_type, unit)
    )
    quote_start, quote_end = quote_span(
        text, m, label, state.previous_end, clause.start, value_end, reading.tail_end
    )
    quote_end = max(quote_end, comp_end, aside_end if aside_end > value_end else 0)
    while quote_end > m.end and text[quote_end - 1].isspace():
        quote_end -= 1  # a quote never ends in blanks
    label_text = text[label[0] : label[1]]
    tail = text[value_end : reading.tail_end]
    if not has_noun(label_text) and tail.strip():
        label_text = (label_text + " … " if label_text else "") + tail.strip()
    state.consumed_until = aside_end
    state.previous_end = max(reading.tail_end, aside_end)
    return Target(
        indicator=reading.code,
        label=label_text.strip() or tail.strip(),
        target_type=target_type,
        bound=bound,
        value_min=low,
        value_max=high,
        unit=attr.unit_per(
            unit, text[max(clause.start, m.start - 120) : m.start], text[value_end : reading.tail_end + 16]
        ),
        target_year=_year(
            line, sentence_prefix, line.folded[value_end : max(value_end, reading.tail_end) + 40]
        ),
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        components=parts,
        qualitative=False,
        quote=text[quote_start:quote_end],
        char_start=line.offset + quote_start,
        char_end=line.offset + quote_end,
        section=line.section,
        confidence=0.0,
    )


def _year(line: Line, sentence_prefix: str, after: str = "") -> int | None:
    """Target year: named right after the value ("20% vào năm 2027"), else before it in the sentence,
    else the heading's or lead-in's, else the plan's end."""
    year = (
        attr.year_after(after)
        or attr.year_before(sentence_prefix, len(sentence_prefix))
        or line.where.year
        or line.context.default_year
    )
    if year is not None and line.context.start_year and year < line.context.start_year:
        year = line.context.default_year
    return year
