"""The columns the dbt project declares, read from its YAML files (no dbt run needed).

dbt contracts are the schema of the marts; the raw tables are declared as a dbt source. Tests hold
the Python column lists (raw_tables.columns, the dashboards' and the workbook's lists) to these, so a
column is declared once. Files are found by glob, wherever the YAML sits under models/.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.settings import DBT_PROJECT_DIR

MODELS_DIR = DBT_PROJECT_DIR / "models"


def _documents(models_dir: Path) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found.append((path, document))
    return found


def source_column_types(
    source: str = "raw", models_dir: Path = MODELS_DIR
) -> dict[str, dict[str, str | None]]:
    """Table → {column: declared data_type or None}, in declaration order, of one dbt source."""
    tables: dict[str, dict[str, str | None]] = {}
    for _, document in _documents(models_dir):
        for declared in document.get("sources") or []:
            if declared.get("name") != source:
                continue
            for table in declared.get("tables") or []:
                tables[table["name"]] = {c["name"]: c.get("data_type") for c in table.get("columns") or []}
    return tables


def source_columns(source: str = "raw", models_dir: Path = MODELS_DIR) -> dict[str, list[str]]:
    """Table → declared column names (in order) of one dbt source; a table without columns → []."""
    return {table: list(columns) for table, columns in source_column_types(source, models_dir).items()}


def model_columns(models_dir: Path = MODELS_DIR, under: str | None = "marts") -> dict[str, list[str]]:
    """Model → declared column names (in order), for the models whose YAML sits below `under`
    (relative to models/; None: every model). For a mart with an enforced contract these are
    exactly the columns the built table has."""
    models: dict[str, list[str]] = {}
    for path, document in _documents(models_dir):
        if under is not None and under not in path.relative_to(models_dir).parts[:-1]:
            continue
        for model in document.get("models") or []:
            models[model["name"]] = [c["name"] for c in model.get("columns") or []]
    return models


def model_column_types(model: str, models_dir: Path = MODELS_DIR) -> dict[str, str | None]:
    """Column → declared data_type of one model (None where the YAML gives no type)."""
    for _, document in _documents(models_dir):
        for declared in document.get("models") or []:
            if declared["name"] == model:
                return {c["name"]: c.get("data_type") for c in declared.get("columns") or []}
    raise KeyError(f"no model {model!r} declared under {models_dir}")
