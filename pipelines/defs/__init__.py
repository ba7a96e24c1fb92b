"""The Dagster definitions, one folder per stage (ingest, review, warehouse, outputs); jobs and the
nightly schedule, which span the stages, in schedules.py."""
