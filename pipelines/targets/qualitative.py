"""Commitments with a bound but no number ("tối thiểu bằng mức dự toán Quốc hội giao")."""

from __future__ import annotations

import re

from pipelines.targets.attributes import year_before
from pipelines.targets.catalog import OTHER, Catalog
from pipelines.targets.cues import PAST
from pipelines.targets.model import PlanContext, SectionContext, Target
from pipelines.text.normalize import fold_diacritics

_QUALITATIVE = re.compile(
    r"\b(?P<bound>toi thieu|khong thap hon|khong duoi|it nhat|cao hon|khong vuot qua|toi da|khong qua)\s+"
    r"(?:bang\s+)?(?:voi\s+)?(?:muc|so voi|ty le|dinh muc)\b"
)

# The bound words alone, without the word boundary before them: a clause's match is found in its line.
_BOUND_WORDS = re.compile(
    r"(?:toi thieu|khong thap hon|khong duoi|it nhat|cao hon|khong vuot qua|toi da|khong qua)\s"
)


def may_be_qualitative(folded_line: str) -> bool:
    """Could a clause of this (folded) line be a qualitative target? (False: surely not.)"""
    return _BOUND_WORDS.search(folded_line) is not None


def qualitative(
    line: str,
    start: int,
    end: int,
    offset: int,
    section: str | None,
    catalog: Catalog,
    context: PlanContext,
    where: SectionContext,
    folded: str | None = None,
) -> Target | None:
    """A qualitative target of a catalog indicator in the clause [start, end), or None.

    `folded` is the clause's `fold_diacritics` when the caller has it already.
    """
    clause = line[start:end]
    folded = fold_diacritics(clause) if folded is None else folded
    if len(folded) != len(clause):
        return None
    match = _QUALITATIVE.search(folded)
    if not match or where.in_report or PAST.search(folded[: match.start()], clause[: match.start()]):
        return None
    indicator = catalog.match(clause[: match.start()])
    if indicator == OTHER:
        return None
    bound = "le" if match.group("bound") in {"khong vuot qua", "toi da", "khong qua"} else "ge"
    quote_start = _quote_start(line, start, end)
    year = year_before(folded, len(folded)) or where.year or context.default_year
    quote = line[quote_start:end].rstrip(" .")
    return Target(
        indicator=indicator,
        label=_trim_phrase(line[quote_start : start + match.start()]),
        target_type="level",
        bound=bound,
        value_min=None,
        value_max=None,
        unit=None,
        target_year=year,
        baseline_value=None,
        baseline_year=None,
        components=None,
        qualitative=True,
        quote=quote,
        char_start=offset + quote_start,
        char_end=offset + quote_start + len(quote),
        section=section,
        confidence=0.6,
        decision_reason="qualitative_bound",
        signals={
            "segment": "sentence",
            "indicator_matched": True,
            "indicator_source": "short_phrase",
            "commitment_cue": match.group("bound"),
            "goal_section": bool(where.in_goal),
            "table_row": False,
            "number_form": "none",
            "number_words": False,
        },
    )


def _trim_phrase(text: str) -> str:
    text = re.sub(r"^(?:Phấn đấu|phấn đấu)\s+", "", text.strip())
    return re.sub(r"\s+(?:đến năm \d{4}|đảm bảo|bảo đảm)(?:\s+(?:đảm bảo|bảo đảm))?\s*$", "", text).strip(
        " ,"
    )


def _quote_start(line: str, start: int, end: int) -> int:
    """Where the quote of a clause starts: after leading punctuation and a list marker ("2.", "b)", "-")."""
    clause = line[start:end]
    quote_start = start + len(clause) - len(clause.lstrip(" ,:-–+•"))
    lead = re.match(r"^\s*(?:\d{1,2}[.)]|[a-zđ][)]|[-+•])\s*", line[quote_start:end])
    return quote_start + (lead.end() if lead else 0)
