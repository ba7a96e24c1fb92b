"""The indicator catalog seed (dbt_project/seeds/indicators.csv): shape, and phrase -> code matching.

Matching is the extractor's own: `load_catalog().match(f"{label} {unit}")`, as the table reader
calls it. The example phrases are data beside the other fixtures (tests/fixtures/indicator_phrases.csv:
label, unit, the code it must get, and the section of the catalog it exercises); an analyst who adds an
indicator adds a phrase there, and a near-miss with the code `other`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from pipelines.targets.catalog import OTHER, Catalog, fold_phrase, load_catalog

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "dbt_project" / "seeds" / "indicators.csv"
PHRASES_CSV = REPO / "tests" / "fixtures" / "indicator_phrases.csv"
COLUMNS = [
    "code",
    "name_vi",
    "name_en",
    "unit",
    "pillar",
    "priority",
    "patterns",
    "definition",
    "definition_vi",
    "dashboard_group",
]
SEPARATOR = " | "


def load_rows() -> list[dict[str, str]]:
    with CATALOG.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def load_phrases() -> list[tuple[str, str, str]]:
    """(label, unit, expected code) of every example phrase."""
    with PHRASES_CSV.open(encoding="utf-8", newline="") as f:
        return [(r["label"], r["unit"], r["indicator_code"]) for r in csv.DictReader(f)]


PHRASES = load_phrases()


def split_patterns(field: str) -> list[str]:
    return [p for p in field.split(SEPARATOR) if p] if field else []


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return load_rows()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG)


def test_codes_unique_snake_case(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code), code


def test_text_columns(rows):
    for r in rows:
        assert r["pillar"] in {"input", "output"}, r["code"]
        assert r["name_vi"] and r["name_en"] and r["definition"] and r["definition_vi"], r["code"]
        assert unicodedata.normalize("NFC", r["name_vi"]) == r["name_vi"], r["code"]
        assert unicodedata.normalize("NFC", r["definition_vi"]) == r["definition_vi"], r["code"]
        assert r["unit"] and unicodedata.normalize("NFC", r["unit"]) == r["unit"], r["code"]


def test_patterns_compile_and_are_folded(rows):
    for r in rows:
        patterns = split_patterns(r["patterns"])
        if r["code"] == OTHER:
            assert patterns == []
            continue
        assert patterns, r["code"]
        for p in patterns:
            re.compile(p)
            assert p == p.strip(), (r["code"], p)
            assert fold_phrase(p) == p, (r["code"], p)  # written lowercase, without diacritics
            top_level = p
            while (reduced := re.sub(r"\([^()]*\)", "", top_level)) != top_level:
                top_level = reduced
            assert "|" not in top_level, (r["code"], p)  # alternation only inside groups


def test_priorities_are_distinct_and_other_is_last(rows):
    """Distinct priorities: which of two matching rows wins is the seed's choice, not a tie-break on
    the code's spelling; `other` (no pattern) is the fallback after every row."""
    assert all(re.fullmatch(r"\d+", r["priority"]) for r in rows)
    prio = {r["code"]: int(r["priority"]) for r in rows}
    assert len(set(prio.values())) == len(prio)
    assert prio[OTHER] == max(prio.values())


@pytest.mark.parametrize(("label", "unit", "expected"), PHRASES, ids=[p[0][:50] for p in PHRASES])
def test_phrase_maps_to_code(catalog, label, unit, expected):
    """Where a phrase is matched by a specific and a general row, this is what proves the order."""
    assert catalog.match(f"{label} {unit}") == expected


def test_examples_and_catalog_cover_each_other(catalog):
    """Every catalog code (the fallback `other` included) is reached by an example, and every example
    names a catalog code: a row deleted or renamed in the seed fails here, not only in a plan."""
    exercised = {code for _, _, code in PHRASES}
    assert OTHER in catalog.codes
    assert sorted(catalog.codes - exercised) == []
    assert sorted(exercised - catalog.codes) == []
