"""Where a line sits: a goal section, a report on the past, a year given by a heading or lead-in.

Report-and-plan documents ("Báo cáo kết quả thực hiện nhiệm vụ năm 2024 và phương hướng,
nhiệm vụ năm 2025", "Sơ kết … và kế hoạch …") have a results part and a plan part. The parts
open with numbered headings ("I. Kết quả thực hiện …", "II. Phương hướng …") or with headings
the outline does not number ("PHẦN THỨ NHẤT", a bold or capitalised title line); both are read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.targets.attributes import YEAR_MENTION
from pipelines.targets.catalog import fold_phrase
from pipelines.targets.cues import FORWARD_HEADING, GOAL_HEADING, REPORT_HEADING, RESULTS_HEADING
from pipelines.targets.model import PlanContext, SectionContext

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _reports_on_past(heading: str, context: PlanContext) -> bool:
    """A results heading reports on the past: it names no year, a year before the plan, or results
    so far ("Kết quả thực hiện 6 tháng đầu năm 2025" in a mid-year review of the 2025 plan)."""
    if RESULTS_HEADING.search(heading):
        return True
    years = [int(y) for y in _YEAR.findall(heading)]
    return not years or (context.start_year is not None and max(years) < context.start_year)


def section_context(
    headings: list[str], lead_in_year: int | None, context: PlanContext, part: str | None = None
) -> SectionContext:
    """The context of a line under `headings` (see `_section_context`), remembered per heading set.

    Every line under the same headings asks the same question; the answer is a pure function of
    the headings, the lead-in year, the plan's time frame and the part, and it is immutable.
    """
    return _section_context(tuple(headings), lead_in_year, context, part)


@lru_cache(maxsize=4096)
def _section_context(
    headings: tuple[str, ...], lead_in_year: int | None, context: PlanContext, part: str | None
) -> SectionContext:
    """Goal, report and year context from the headings a line sits under.

    A heading like "2. Mục tiêu cụ thể đến năm 2030" or "Tầm nhìn đến năm 2045" gives its
    items their year; "Phần I. Kết quả thực hiện năm 2024" marks a report on the past, whose
    figures are results, not commitments. `part` is the unnumbered part heading above them
    ("report" or "plan"), if any.
    """
    folded = [fold_phrase(heading_title(h)) for h in headings]
    in_goal = any(GOAL_HEADING.search(h) for h in folded)
    in_report = part == "report"
    for heading in folded:
        if REPORT_HEADING.search(heading) and not FORWARD_HEADING.search(heading):
            in_report = _reports_on_past(heading, context)
        elif FORWARD_HEADING.search(heading) or _plans_ahead(heading, context):
            in_report = False
    year, source = lead_in_year, "lead_in" if lead_in_year is not None else None
    if year is None:
        for heading in folded:
            for match in YEAR_MENTION.finditer(heading):
                found = int(match.group("year"))
                if context.start_year is None or found >= context.start_year:
                    year, source = found, "heading"
    return SectionContext(in_goal=in_goal, in_report=in_report, year=year, year_source=source)


def heading_title(heading: str) -> str:
    """The title of a numbered heading: "2. Tồn tại, hạn chế: chỉ tiêu … chưa đạt" is titled "2. Tồn tại, hạn
    chế"; the words after its colon are the paragraph, not the heading."""
    title, colon, _ = heading.partition(":")
    return title if colon and len(title) >= 4 else heading


def _plans_ahead(heading: str, context: PlanContext) -> bool:
    """ "II. Kế hoạch năm 2026", "Nhiệm vụ năm 2026": a plan for a year the document covers."""
    if not (_PLAN_PART.search(heading) or _TASKS_OF_YEAR.search(heading)):
        return False
    years = [int(y) for y in _YEAR.findall(heading)]
    return bool(years) and (context.start_year is None or max(years) >= context.start_year)


_PART_OPENING = re.compile(r"^[#*_\s]*(?:PHẦN|Phần)\s+(?:THỨ|thứ)\s+\S+", re.IGNORECASE)


def part_heading(line: str, context: PlanContext) -> str | None:
    """ "report" / "plan" for an unnumbered heading that opens a part of a report-and-plan document.

    A heading is a short line without a full stop that is bold, capitalised or opens with
    "Phần thứ …"; it opens the results part when it names results ("kết quả", "đánh giá",
    "tình hình") of a year before the plan, the plan part when it names directions or tasks.
    """
    text = line.strip()
    if not text or len(text) > 160 or text.rstrip("*_ ").endswith((".", ";", ",")):
        return None
    bare = text.strip("#*_ ")
    emphasised = (
        text.startswith(("**", "#", "__")) or _PART_OPENING.match(text) or (bare.isupper() and len(bare) > 8)
    )
    if not emphasised:
        return None
    folded = fold_phrase(bare)
    names_report = bool(REPORT_HEADING.search(folded))
    tasks_ahead = _TASKS_OF_YEAR.search(folded) and not _reports_on_past(folded, context)
    names_plan = bool(FORWARD_HEADING.search(folded) or _PLAN_PART.search(folded) or tasks_ahead)
    if names_report and names_plan:
        return None  # "kết quả năm 2024 và phương hướng năm 2025": a title naming both parts
    if names_plan:
        return "plan"
    if names_report and _reports_on_past(folded, context):
        return "report"
    return None


_PLAN_PART = re.compile(r"\b(?:ke hoach|phuong huong)\b")
_TASKS_OF_YEAR = re.compile(r"\bnhiem vu\b[^.]{0,40}\b(?:19|20)\d{2}\b")


def lead_in_year(line: str, context: PlanContext) -> int | None:
    """The year of a lead-in line that introduces a list ("Đến năm 2030:", "Mục tiêu đến năm 2025, cụ thể:")."""
    stripped = line.rstrip(" *_")
    if not stripped.endswith(":") or len(stripped) > 200:
        return None
    years = [int(m.group("year")) for m in YEAR_MENTION.finditer(fold_phrase(stripped))]
    years = [y for y in years if context.start_year is None or y >= context.start_year]
    return years[-1] if years else None
