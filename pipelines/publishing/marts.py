"""The marts of a built warehouse as the outputs read them: their names, and each as a Polars frame.

One query for every reader (the exports, the dashboards' current-check, the build-is-current check,
the bench and the tests), so "which tables are the marts" is answered in one place: the tables dbt
built in schema `marts`."""

import duckdb
import polars as pl

MARTS_SCHEMA = "marts"
KIND_ORDER = {"dim": 0, "fct": 1, "mart": 2}  # dims first, then facts, then marts


def mart_names(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables in schema marts: dims, then facts, then marts, each in name order."""
    rows = conn.execute(
        "select table_name from information_schema.tables where table_schema = ?", [MARTS_SCHEMA]
    ).fetchall()
    return sorted((row[0] for row in rows), key=lambda name: (KIND_ORDER.get(name.split("_")[0], 3), name))


def read_marts(conn: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Every mart as a Polars frame, in `mart_names` order."""
    return {name: conn.sql(f'select * from {MARTS_SCHEMA}."{name}"').pl() for name in mart_names(conn)}
