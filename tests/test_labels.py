"""The analysts' label files are themselves checked: well-formed, with verbatim quotes and real codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.gazetteer.units import Gazetteer
from pipelines.metadata.vocabulary import CITATION_TIER_COLUMN, issuer_level_codes, label_codes
from pipelines.targets.catalog import load_catalog
from tests.conftest import PLANS, REPO

FIXTURES = REPO / "tests" / "fixtures"
# every labelled set, including the first-sight sets added later (docs/quality.md)
LABELS = sorted(p for d in FIXTURES.iterdir() if d.is_dir() for p in d.glob("*.json"))
# the codes a label may use are the project's declared vocabularies (seeds labels_vi, issuer_levels)
TARGET_TYPES = label_codes("target_type")
BOUNDS = label_codes("bound")
LEVELS = set(issuer_level_codes(CITATION_TIER_COLUMN))


def _docx_text(path: Path) -> str:
    """Paragraphs and table cells, each on its own line in document order; a merged cell once."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            seen: set = set()
            for row in Table(element, document).rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        lines.append(cell.text)
    return "\n".join(lines)


def _html_text(raw: str) -> str:
    """Visible text: tags stripped, entities unescaped, script/style/head dropped."""
    from html.parser import HTMLParser

    class Visible(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.hidden += tag in ("script", "style", "head")

        def handle_endtag(self, tag: str) -> None:
            self.hidden -= tag in ("script", "style", "head") and self.hidden > 0

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Visible()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts)


def plan_text(label_file: Path, label: dict) -> str:
    path = label_file.parent / label["file"]
    path = path if path.exists() else PLANS / label["file"]
    if path.suffix == ".docx":
        return _docx_text(path)
    text = path.read_bytes().decode("utf-8-sig")
    return _html_text(text) if path.suffix in (".html", ".htm") else text


@pytest.fixture(scope="module")
def indicator_codes() -> set[str]:
    """The codes the extractor can give (the catalog it reads, `other` included)."""
    return load_catalog().codes


@pytest.fixture(scope="module")
def province_codes() -> set[str]:
    """Codes of the units of either era, as the gazetteer reads them from the seeds."""
    gazetteer = Gazetteer.load()
    return {unit.code for unit in [*gazetteer.legacy(), *gazetteer.current()]}


@pytest.mark.parametrize("label_file", LABELS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_label_file_is_well_formed(
    label_file: Path, indicator_codes: set[str], province_codes: set[str]
) -> None:
    label = json.loads(label_file.read_text(encoding="utf-8"))
    text = plan_text(label_file, label)
    document = label["document"]
    assert document["province_code"] is None or document["province_code"] in province_codes
    for target in label["targets"]:
        assert target["quote"] in text, target["quote"]
        assert target["indicator"] in indicator_codes
        assert target["target_type"] in TARGET_TYPES and target["bound"] in BOUNDS
        if not target["qualitative"]:
            assert target["value_min"] <= target["value_max"]
    for citation in label["citations"]:
        assert citation["quote"] in text, citation["quote"]
        assert citation["citation_tier"] in LEVELS
