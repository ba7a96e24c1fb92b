"""The records passed between stages: plan context, number mentions, decisions, targets."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from pipelines.text.numerals import as_int_if_whole

YEAR_MIN, YEAR_MAX = 1990, 2100

# Decision kinds: what a number in a plan is. Only `target` becomes a record.
DECISION_KINDS = (
    "target",
    "baseline",
    "past_result",
    "norm",
    "budget",
    "date",
    "document_number",
    "ordinal",
    "period",
    "year",
    "code",
    "name",
    "list_number",
    "rank_context",
    "scope",
    "request",
    "no_unit",
    "no_commitment",
    "consumed",
    "table_cell",
    "outside_body",
)


# Every target's `signals` has these keys (a stage that does not apply leaves its default), so a
# confidence model can be fitted on them; add keys, never rename one.
SIGNAL_DEFAULTS: dict = {
    "segment": None,  # sentence | list_item | table_row | table_cell
    "indicator_matched": False,  # a catalog indicator, not `other`
    "indicator_source": None,  # short_phrase | noun_phrase | subset_of_previous | table_label | unit_mismatch …
    "commitment_cue": None,  # the first commitment word of the clause ("phan dau", "dat" …)
    "action_cue": None,  # the verb governing a count ("ho tro", "xay dung" …)
    "goal_section": False,  # under a goal heading ("Mục tiêu", "Chỉ tiêu")
    "year_source": None,  # sentence | heading | lead_in | table_header | plan_period | none
    "unit_source": None,  # after_number | counted_noun | counted_noun_after_cue | catalog | table_column | rank …
    "table_row": False,
    "table_plan_columns": 0,  # how many target columns the table has
    "cumulative": False,  # "(lũy kế)"
    "number_form": "digits",  # digits | words | fraction | multiple | none
    "number_words": False,
    "past_cue_nearby": False,  # a past cue in the sentence before the number
    "baseline_found": False,
    "per_year": False,  # "hằng năm", "mỗi năm", "/năm"
}


@dataclass(frozen=True)
class PlanContext:
    """What the rest of the document says about time: the default target year comes from it."""

    period_start: int | None = None
    period_end: int | None = None
    issue_year: int | None = None

    @property
    def default_year(self) -> int | None:
        return self.period_end or self.period_start or self.issue_year

    @property
    def start_year(self) -> int | None:
        return self.period_start or self.issue_year


@dataclass(frozen=True)
class SectionContext:
    """What the headings above a line say: a goal section, a report on the past, a year."""

    in_goal: bool = False
    in_report: bool = False
    year: int | None = None
    year_source: str | None = None


@dataclass(frozen=True)
class Mention:
    """One number as written: its span in the line, its value(s), and how it was written."""

    start: int
    end: int
    low: float
    high: float
    is_range: bool
    word: bool = False
    form: str = "digits"  # digits | words | fraction | multiple
    unit: str | None = None  # a unit the form itself gives ("gấp đôi" → lần, "một nửa" → %)

    def shifted(self, by: int) -> Mention:
        """The same mention, `by` characters further (built directly: `replace` costs ten times more)."""
        return Mention(
            self.start + by,
            self.end + by,
            self.low,
            self.high,
            self.is_range,
            self.word,
            self.form,
            self.unit,
        )


@dataclass(frozen=True)
class Decision:
    """What one number is, and why: the unit of `khcn explain` and of eval's reasons table."""

    char_start: int
    char_end: int
    text: str
    kind: str
    reason: str
    indicator: str | None = None
    section: str | None = None
    value_min: float | None = None
    value_max: float | None = None
    target: Target | None = None  # the record, when the decision is `target`


@dataclass
class Target:
    indicator: str
    label: str
    target_type: str
    bound: str
    value_min: float | None
    value_max: float | None
    unit: str | None
    target_year: int | None
    baseline_value: float | None
    baseline_year: int | None
    components: list[dict] | None
    qualitative: bool
    quote: str
    char_start: int
    char_end: int
    section: str | None
    confidence: float
    source: str = "prose"
    decision_reason: str = "commitment"
    signals: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The JSON record: every field but `extras`, containers copied (what `asdict` gives, faster)."""
        record = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "extras"}
        record["signals"] = {**SIGNAL_DEFAULTS, **self.signals}
        record["value_min"] = as_int_if_whole(self.value_min)
        record["value_max"] = as_int_if_whole(self.value_max)
        record["baseline_value"] = as_int_if_whole(self.baseline_value)
        return record


def _plain(value: Any) -> Any:
    """A copy of a JSON-like value as `dataclasses.asdict` makes it (containers new, scalars shared)."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return deepcopy(value) if not isinstance(value, (str, int, float, bool, type(None))) else value
