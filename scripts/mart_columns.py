"""Print the (column, DuckDB type) pairs of marts in the built warehouse, to write contracts from.

Usage: python scripts/mart_columns.py [warehouse.duckdb] [mart ...]
"""

import sys

import duckdb

path = sys.argv[1] if len(sys.argv) > 1 else "data/warehouse.duckdb"
names = sys.argv[2:]
with duckdb.connect(path, read_only=True) as conn:
    rows = conn.execute(
        "select table_name, column_name, lower(data_type) from information_schema.columns "
        "where table_schema = 'marts' order by table_name, ordinal_position"
    ).fetchall()
for table, column, data_type in rows:
    if not names or table in names:
        print(table, column, data_type)
