"""The dbt project's shape, read from the manifest that the real `dbt parse` writes: a lower layer
never reads an upper one, every model has its own YAML beside it, every mart and mart column is
documented in English and Vietnamese, every mart has an enforced contract, and every exported mart
names its workbook sheet. Nothing is built, so these run in seconds and replace generating the docs
site in the pipeline test."""

import copy
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
PACKAGE = "khcn_benchmark"
# What each layer may read (besides seeds): staging reads sources; intermediate reads staging and
# intermediate; marts read anything below them (and other marts).
MAY_READ = {
    "staging": {"source"},
    "intermediate": {"staging", "intermediate"},
    "marts": {"staging", "intermediate", "marts"},
}
PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("dim_", "fct_", "mart_")}

Manifest = Mapping[str, Any]


@pytest.fixture(scope="module")
def manifest(dbt_manifest: Path) -> Manifest:
    """The manifest of the project as it is on disk: conftest's `dbt_manifest` re-parses the project
    whenever a model, seed, macro or test is newer than target/manifest.json, so no second parse."""
    return json.loads(dbt_manifest.read_text(encoding="utf-8"))


def models(manifest: Manifest) -> Iterator[Mapping[str, Any]]:
    """The project's own models."""
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["package_name"] == PACKAGE:
            yield node


def layer(manifest: Manifest, unique_id: str) -> str:
    """The layer of a node: its top folder under models/ for a model (fqn[1]), else its type
    (seed, source)."""
    if unique_id.startswith("source."):
        return "source"
    node = manifest["nodes"][unique_id]
    return node["fqn"][1] if node["resource_type"] == "model" else node["resource_type"]


def marts(manifest: Manifest) -> list[Mapping[str, Any]]:
    """The models in models/marts/ (any subfolder: the quarantine marts are marts)."""
    return [node for node in models(manifest) if node["fqn"][1] == "marts"]


def node_meta(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """A node's or column's meta; newer dbt keeps it under config.meta, older at the top."""
    return node.get("meta") or node.get("config", {}).get("meta") or {}


def layering_violations(manifest: Manifest) -> list[tuple[str, str, str]]:
    """(model, what it reads, that node's layer) for every read a model's layer does not allow."""
    found = []
    for node in models(manifest):
        own = node["fqn"][1]
        for parent in node["depends_on"]["nodes"]:
            read = layer(manifest, parent)
            if read != "seed" and read not in MAY_READ.get(own, set()):
                found.append((node["name"], parent, read))
    return found


def models_without_own_yaml(manifest: Manifest) -> list[tuple[str, str | None]]:
    """(model, its YAML) for every model not described by `<model>.yml` beside its SQL file."""
    found = []
    for node in models(manifest):
        own = str(Path(node["original_file_path"]).with_suffix(".yml"))
        patch = (node.get("patch_path") or "").split("://", 1)[-1] or None
        if patch != own:
            found.append((node["name"], patch))
    return found


def test_no_model_reads_a_layer_above_its_own(manifest: Manifest) -> None:
    """Staging reads sources and seeds; intermediate reads staging, intermediate and seeds; marts
    read anything below (e.g. dim_document is published from int_documents, and
    int_targets_ranked reads int_documents, not the mart)."""
    assert {layer(manifest, n["unique_id"]) for n in models(manifest)} == set(MAY_READ)
    assert layering_violations(manifest) == []


def test_the_layering_check_catches_an_intermediate_model_reading_a_mart(manifest: Manifest) -> None:
    """The check above is not vacuous: the real manifest with one intermediate model made to read
    a mart, and one staging model made to read an intermediate one, shows both reads."""
    broken = copy.deepcopy(manifest)
    intermediate = next(n for n in models(broken) if n["fqn"][1] == "intermediate")
    staging = next(n for n in models(broken) if n["fqn"][1] == "staging")
    mart = marts(broken)[0]
    intermediate["depends_on"]["nodes"].append(mart["unique_id"])
    staging["depends_on"]["nodes"].append(intermediate["unique_id"])
    assert set(layering_violations(broken)) == {
        (intermediate["name"], mart["unique_id"], "marts"),
        (staging["name"], intermediate["unique_id"], "intermediate"),
    }


def test_model_names_say_their_layer(manifest: Manifest) -> None:
    """stg_ in staging, int_ in intermediate, dim_/fct_/mart_ in marts."""
    misnamed = [n["name"] for n in models(manifest) if not n["name"].startswith(PREFIXES[n["fqn"][1]])]
    assert misnamed == []


def test_every_model_has_its_own_yaml_beside_it(manifest: Manifest) -> None:
    """One hand-written `<model>.yml` per model (description, columns, tests, unit tests), beside
    the model's SQL; no file describes several models."""
    assert models_without_own_yaml(manifest) == []
    sql_files = {n["name"]: Path(n["original_file_path"]) for n in models(manifest)}
    misplaced = [
        (unit_test["name"], unit_test["original_file_path"])
        for unit_test in manifest["unit_tests"].values()
        if unit_test["original_file_path"] != str(sql_files[unit_test["model"]].with_suffix(".yml"))
    ]
    assert misplaced == []


def test_the_own_yaml_check_catches_a_shared_file(manifest: Manifest) -> None:
    """The check above is not vacuous: a model whose YAML is a shared file is reported."""
    broken = copy.deepcopy(manifest)
    node = marts(broken)[0]
    node["patch_path"] = f"{PACKAGE}://models/marts/_marts.yml"
    assert models_without_own_yaml(broken) == [(node["name"], "models/marts/_marts.yml")]


def test_every_model_is_described_and_every_mart_column_in_vietnamese(manifest: Manifest) -> None:
    """Every model has a description; every column of every mart has an English description and
    the Vietnamese header and description the workbook and data dictionary show
    (meta.label_vi, meta.description_vi)."""
    undescribed = [n["name"] for n in models(manifest) if not n["description"].strip()]
    assert undescribed == []
    missing = []
    for node in marts(manifest):
        assert node["columns"], node["name"]
        for name, column in node["columns"].items():
            meta = node_meta(column)
            for part, text in (
                ("description", column.get("description")),
                ("label_vi", meta.get("label_vi")),
                ("description_vi", meta.get("description_vi")),
            ):
                if not (text or "").strip():
                    missing.append((node["name"], name, part))
    assert missing == []


def test_every_mart_has_an_enforced_contract_declaring_each_column_type(manifest: Manifest) -> None:
    """A mart's columns and types are a contract with the exports, the workbook and the dashboards.
    The only exemption is a mart that says why (its columns follow a seed)."""
    unenforced = []
    for node in marts(manifest):
        if node["config"]["contract"]["enforced"]:
            untyped = [c for c, column in node["columns"].items() if not column.get("data_type")]
            assert untyped == [], (node["name"], untyped)
        elif not node_meta(node).get("contract_exempt_reason", "").strip():
            unenforced.append(node["name"])
    assert unenforced == []
    assert not any(n["config"]["contract"]["enforced"] for n in models(manifest) if n["fqn"][1] != "marts")


def test_every_mart_lands_in_schema_marts_with_its_docs_persisted(manifest: Manifest) -> None:
    """Subfolders (marts/quarantine/) keep schema marts, where the exports look for tables."""
    for node in marts(manifest):
        assert (node["schema"], node["config"]["materialized"]) == ("marts", "table"), node["name"]
        assert node["config"]["persist_docs"] == {"relation": True, "columns": True}, node["name"]
    quarantine = {n["name"] for n in marts(manifest) if "quarantine" in n["fqn"]}
    assert {"mart_rejected_documents", "mart_rejected_records"} <= quarantine


def test_every_exported_mart_names_its_workbook_sheet(manifest: Manifest) -> None:
    """Every mart is exported and gets a sheet: its Vietnamese title (Excel allows 31 characters),
    the one-line description under it, and its place in the workbook, each stated once."""
    sheets = {}
    for node in marts(manifest):
        meta = node_meta(node)
        title, description = meta.get("sheet_title_vi"), meta.get("sheet_description_vi")
        assert title and 0 < len(title) <= 31, node["name"]
        assert description and description.strip(), node["name"]
        sheets[node["name"]] = (title, meta.get("sheet_order"))
    titles = [title.casefold() for title, _ in sheets.values()]
    orders = [order for _, order in sheets.values()]
    assert len(set(titles)) == len(titles)
    assert sorted(orders) == list(range(1, len(orders) + 1))


def test_singular_tests_live_in_the_test_path_and_read_the_project(manifest: Manifest) -> None:
    """The SQL files of dbt_project/tests/ are singular tests dbt runs (each returns the rows that
    break its rule), and each reads a model or seed of the project."""
    files = sorted(p.relative_to(PROJECT).as_posix() for p in (PROJECT / "tests").rglob("*.sql"))
    singular = {
        n["original_file_path"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and "test_metadata" not in n
    }
    assert files and sorted(singular) == files
    for path, node in singular.items():
        assert any(d.startswith(("model.", "seed.")) for d in node["depends_on"]["nodes"]), path


def test_every_seed_has_its_own_yaml_declaring_every_column_type(manifest: Manifest) -> None:
    """A seed's types are declared, never guessed from its rows (codes keep their leading zeros):
    `seeds/<seed>.yml` beside the CSV, with a description and a column_types entry per CSV column."""
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "seed" or node["package_name"] != PACKAGE:
            continue
        csv_path = PROJECT / node["original_file_path"]
        header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        patch = (node.get("patch_path") or "").split("://", 1)[-1]
        if patch != str(Path(node["original_file_path"]).with_suffix(".yml")):
            problems.append((node["name"], "yaml", patch))
        if not node["description"].strip():
            problems.append((node["name"], "description", None))
        untyped = sorted(set(header) - set(node["config"].get("column_types") or {}))
        if untyped:
            problems.append((node["name"], "column_types", tuple(untyped)))
    assert problems == []
