"""The period a plan covers, and the horizon it looks towards beyond that period.

Vietnamese plans name their period in the title: "năm 2024", "giai đoạn 2023 - 2025",
"đến năm 2025". Many add a longer view after it ("giai đoạn 2021 - 2025, định hướng
đến năm 2030"; "đến năm 2030, tầm nhìn đến năm 2045"): that is not the period the
plan's targets run to but its horizon, kept apart in `horizon_year` so that periods
stay comparable across provinces.

A report-and-plan document ("Báo cáo kết quả thực hiện nhiệm vụ năm 2024 và phương
hướng, nhiệm vụ năm 2025") reports on one year and plans the next; its period is the
year it plans for, because that is what its targets are for.
"""

from __future__ import annotations

import re

_YEAR = r"(?:19|20)\d{2}"

_PERIOD_PATTERNS = (
    re.compile(rf"giai đoạn\s*(?P<start>{_YEAR})\s*(?:-|–|—|đến)\s*(?P<end>{_YEAR})"),
    re.compile(rf"(?<![/\d])(?P<start>{_YEAR})\s*(?:-|–|—)\s*(?P<end>{_YEAR})(?![/\d])"),
    re.compile(rf"từ\s+(?:năm\s+)?(?P<start>{_YEAR})\s+(?:đến|tới)\s+(?:năm\s+)?(?P<end>{_YEAR})"),
    re.compile(rf"(?:đến|tới)\s+năm\s+(?P<end>{_YEAR})"),
    re.compile(rf"(?:năm|kỳ)\s+(?P<both>{_YEAR})(?![/\d])"),
)

# "định hướng đến năm 2030", "tầm nhìn đến năm 2045", "tầm nhìn 2050", "và định hướng tới năm 2035".
_HORIZON = re.compile(
    rf"(?:,|;|\bvà)?\s*(?:định hướng|tầm nhìn)\s+(?:(?:đến|tới)\s+)?(?:năm\s+)?(?P<year>{_YEAR})(?![/\d])",
    re.IGNORECASE,
)
# A heading of its own in the body: "3. Tầm nhìn đến năm 2045", "**II. ĐỊNH HƯỚNG ĐẾN NĂM 2035**".
_HORIZON_HEADING = re.compile(
    rf"^[#*_\s]*(?:[IVX]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))?[*_\s]*(?:tầm nhìn|định hướng)\s+(?:đến|tới)\s+năm\s+"
    rf"(?P<year>{_YEAR})[*_\s:.]*$",
    re.IGNORECASE | re.MULTILINE,
)

# A title that opens on what was done ("Kết quả …", "Sơ kết …", "Tổng kết …", "Đánh giá …")…
_REPORT_OPENING = re.compile(
    r"^(?:báo cáo\s+)?(?:kết quả|tổng kết|sơ kết|đánh giá|tình hình|công tác)\b", re.IGNORECASE
)
# … and then turns to what will be done ("… và phương hướng, nhiệm vụ năm 2025", "…; kế hoạch năm 2025").
_PLAN_PART = re.compile(
    r"(?:\bvà|[,;])\s*(?:đề ra\s+|xây dựng\s+)?(?P<plan>(?:phương hướng|kế hoạch|nhiệm vụ|định hướng|"
    r"chương trình công tác|mục tiêu)\b.*)$",
    re.IGNORECASE,
)


def _without_dates(title: str) -> str:
    """Lower-cased title without dd/mm/yyyy dates: the date of a cited document is not a period."""
    return re.sub(rf"\d{{1,2}}/\d{{1,2}}/{_YEAR}", " ", title.lower())


def _period_in(text: str, issue_year: int | None) -> tuple[int | None, int | None]:
    """First period form found in `text` (already lower-cased), in order of strength."""
    for pattern in _PERIOD_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("both"):
            year = int(groups["both"])
            return year, year
        end = int(groups["end"])
        start = int(groups["start"]) if groups.get("start") else issue_year
        if start is not None and start > end:
            start = None
        return start, end
    return None, None


def plan_part(title: str) -> str | None:
    """The part of a report-and-plan title that names what is planned, or None for other titles.

    "Kết quả thực hiện nhiệm vụ năm 2024 và phương hướng, nhiệm vụ năm 2025" → "phương hướng,
    nhiệm vụ năm 2025". A title that does not open on a report word has no such part.
    """
    if not _REPORT_OPENING.match(title.strip()):
        return None
    match = _PLAN_PART.search(title)
    return match.group("plan") if match else None


def read_period(title: str | None, issue_year: int | None) -> tuple[int | None, int | None]:
    """Plan period from its title: "năm 2024", "giai đoạn 2023 - 2025", "đến năm 2025".

    The horizon clause ("định hướng đến năm 2030") is not the period and is read past;
    a report-and-plan title gives the period of its plan part.
    """
    if not title:
        return None, None
    lowered = _without_dates(title)
    planned = plan_part(lowered)
    if planned is not None:
        start, end = _period_in(_HORIZON.sub(" ", planned), issue_year)
        if end is not None:
            return start, end
    plain = _HORIZON.sub(" ", lowered)
    own = _IMPLEMENTS.split(plain, maxsplit=1)
    if len(own) == 2:  # "năm 2024 thực hiện Chương trình … giai đoạn 2021 - 2030": the plan's own year
        start, end = _period_in(own[0], issue_year)
        if end is not None:
            return start, end
    start, end = _period_in(plain, issue_year)
    if end is None:  # only a horizon is named ("… định hướng đến năm 2030"): it is all there is
        return _period_in(lowered, issue_year)
    return _year_within(plain, start, end) or (start, end)


# "thực hiện / triển khai (thực hiện) <a document>": what follows names that document, and its period.
_IMPLEMENTS = re.compile(
    r"\b(?:thực hiện|triển khai(?:\s+thực hiện)?)\s+(?=(?:chương trình|đề án|kế hoạch|nghị quyết|chiến lược|"
    r"quyết định|kết luận|chỉ thị|quy hoạch|luật)\b)"
)
# A year closing the title: "… giai đoạn 2021 - 2025 (trong) năm 2023 (của tỉnh …)".
_CLOSING_YEAR = re.compile(rf"(?<!đến )(?<!tới )\bnăm\s+(?P<year>{_YEAR})(?P<rest>[^\d]*)$")


def _year_within(text: str, start: int | None, end: int) -> tuple[int, int] | None:
    """One year of a multi-year period named after it ("… Đề án … giai đoạn 2021 - 2025 năm 2023"):
    an annual plan of a longer programme covers that year."""
    period = next((m for m in (p.search(text) for p in _PERIOD_PATTERNS[:3]) if m), None)  # a multi-year span
    if start is None or period is None:
        return None
    match = _CLOSING_YEAR.search(text, period.end())
    if match is None or len(match.group("rest").split()) > 6:
        return None
    year = int(match.group("year"))
    return (year, year) if start <= year <= end else None


_GOAL_HORIZON = re.compile(rf"(?:đến|tới)\s+năm\s+(?P<year>{_YEAR})", re.IGNORECASE)


def read_goal_horizon(text: str) -> int | None:
    """The horizon of a plan whose title states no period: the first "đến năm YYYY" in its goals.

    Programmes that implement a resolution ("Chương trình hành động thực hiện Nghị quyết …")
    often put their horizon only in the goals section ("1. Mục tiêu đến năm 2030").
    """
    goals = re.search(
        r"^[#*_\s]*(?:[IVX]+\.|\d+\.|Điều\s+\d+\.)?[*_\s]*(?:MỤC TIÊU|Mục tiêu)\b", text, re.MULTILINE
    )
    if not goals:
        return None
    section = text[goals.start() : goals.start() + 1500]
    match = _GOAL_HORIZON.search(section)
    return int(match.group("year")) if match else None


def read_horizon(title: str | None, text: str, period_end: int | None) -> int | None:
    """The year a plan looks towards beyond its period, or None.

    From the title ("…, định hướng đến năm 2030", "…, tầm nhìn đến năm 2045"), else from a
    heading of its own in the body ("3. Tầm nhìn đến năm 2045"). A year that does not lie
    after the period's end is not a horizon beyond it (the title said only "định hướng đến
    năm 2030", which is then the period itself).
    """
    candidates = [int(m.group("year")) for m in _HORIZON.finditer(_without_dates(title or ""))]
    if not candidates:
        candidates = [int(m.group("year")) for m in _HORIZON_HEADING.finditer(text)]
    later = [year for year in candidates if period_end is None or year > period_end]
    return max(later) if later else None
