"""The document loop: lines in order, the outline and part headings tracked, tables and prose read.

`extract` returns the targets and one decision for every number read, so `khcn explain` can
say why any number is or is not a target; `extract_targets` (the facade) keeps the targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.metadata.extract import ATTACHMENT
from pipelines.targets.catalog import Catalog
from pipelines.targets.mentions import has_number, read_mentions
from pipelines.targets.model import Decision, PlanContext, SectionContext, Target
from pipelines.targets.prose import prose_targets
from pipelines.targets.qualitative import may_be_qualitative
from pipelines.targets.sections import lead_in_year, part_heading, section_context
from pipelines.targets.segments import body_end, is_table_line, lines_with_offsets
from pipelines.targets.tables import is_norm_table, norm_decisions, table_targets
from pipelines.text.normalize import fold_document, fold_span
from pipelines.text.outline import Outline

_APPENDIX = re.compile(r"^[#*_\s]*(?:PHỤ LỤC|Phụ lục)\b")


@dataclass
class Extraction:
    """Targets in document order and a decision for every number read."""

    targets: list[Target] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class _Reader:
    """Mutable state while a document's lines are read in order."""

    catalog: Catalog
    context: PlanContext
    end: int
    text: str
    folded: str  # the fold of the whole text, shared by every line (see `fold_span`)
    outline: Outline = field(default_factory=Outline.start)
    appendix_seen: bool = False
    lead_in: tuple[int, str] | None = None  # (year, section path) of a lead-in like "Đến năm 2030:"
    part: str | None = None  # "report" / "plan" from an unnumbered part heading
    out: Extraction = field(default_factory=Extraction)

    def where(self) -> SectionContext:
        path = self.outline.path() or ""
        # a lead-in ("… như sau:", "Đến năm 2030:") gives its year to the items under it; one outside any
        # numbered section (a preamble) only until the first numbered heading
        under = self.lead_in and (path.startswith(self.lead_in[1]) if self.lead_in[1] else not path)
        year = self.lead_in[0] if under else None
        return section_context(self.outline.headings(), year, self.context, self.part)

    def prose(self, line: str, offset: int, section: str | None) -> None:
        folded = fold_span(self.text, self.folded, offset, offset + len(line))
        if not may_be_qualitative(folded) and not has_number(line):
            return  # nothing to decide on this line, wherever it sits (prose_targets would say so)
        targets, decisions = prose_targets(
            line, offset, section, self.catalog, self.context, self.where(), folded
        )
        self.out.targets += targets
        self.out.decisions += decisions

    def table(self, block: list[tuple[str, int]], offset: int) -> None:
        prefix = "PL" if self.appendix_seen or offset >= self.end else self.outline.path() or "PL"
        found = table_targets(block, self.catalog, self.context, prefix)
        if found is None and is_norm_table(block):
            found = ([], norm_decisions(block, prefix))  # "Nội dung hỗ trợ | Mức hỗ trợ | Mức tối đa"
        if found is not None:
            self.out.targets += found[0]
            self.out.decisions += found[1]
            return
        for row, row_offset in block:  # not a table of indicators: read its lines as prose
            section = self.outline.feed(row)
            if row_offset < self.end or self.appendix_seen:
                self.prose(row, row_offset, section)

    def line(self, line: str, offset: int) -> None:
        if offset >= self.end and not self.appendix_seen:
            # the signature block and distribution list: every number there is decided, none is a target
            self.out.decisions += [
                Decision(
                    offset + m.start, offset + m.end, line[m.start : m.end], "outside_body", "after_signature"
                )
                for m in read_mentions(line)
            ]
            return
        part = part_heading(line, self.context)
        if part is not None:
            self.part = part
        section = self.outline.feed(line)
        year = lead_in_year(line, self.context)
        if year is not None:
            self.lead_in = (year, section or "")
        self.prose(line, offset, section)


def extract(text: str, catalog: Catalog, context: PlanContext) -> Extraction:
    """Every target in a normalised plan text, in document order, with a decision per number."""
    reader = _Reader(catalog, context, body_end(text), text, fold_document(text))
    lines = lines_with_offsets(text)
    i = 0
    while i < len(lines):
        line, offset = lines[i]
        if _APPENDIX.match(line):
            reader.appendix_seen = True
        elif offset >= reader.end and not reader.appendix_seen and ATTACHMENT.match(line):
            # a programme or plan attached to a decision, after the decision's signature block
            reader.appendix_seen = True
            reader.outline = Outline.start()
        if is_table_line(line):
            block = []
            while i < len(lines) and is_table_line(lines[i][0]):
                block.append(lines[i])
                i += 1
            reader.table(block, offset)
            continue
        i += 1
        reader.line(line, offset)
    return reader.out
