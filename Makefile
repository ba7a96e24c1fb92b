# khcn-benchmark — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
# dagster-dbt looks for `dbt` on PATH (e.g. `dagster dev` re-parses the project), so the venv comes first.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export KHCN_DATA_DIR ?= $(CURDIR)/data
export KHCN_WAREHOUSE ?= $(KHCN_DATA_DIR)/warehouse.duckdb
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: run test test-fast lint dev clean manifest install bench lock update_snapshot

# --compile-bytecode: the libraries' .pyc files are written once, here. Without them every Python
# process (each run, each dbt call, each step process) compiles Dagster, dbt and Polars from source
# again when PYTHONDONTWRITEBYTECODE is set, as on CI: measured 7 s of a 37 s run on the seed plans.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode -r requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# dagster-dbt loads the dbt manifest at import time; `dbt parse` writes it. It runs inside
# dbt_project/ because dagster-dbt runs dbt there and seed paths in the manifest are relative.
# Parsed again only when a file or folder of the dbt project is newer than the manifest, so a
# `make run` with nothing changed stops in about a second instead of waiting for `dbt parse`.
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/seeds dbt_project/macros dbt_project/tests dbt_project/dbt_project.yml dbt_project/profiles.yml 2>/dev/null)
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd dbt_project && ../$(VENV)/bin/dbt --no-use-colors parse --project-dir . --profiles-dir . --quiet
	@touch $(MANIFEST)

manifest: $(MANIFEST)

run: manifest
	@mkdir -p $(DAGSTER_HOME) data/raw/plans data/marts
	@$(PY) -m pipelines.run

lint: $(STAMP)
	$(VENV)/bin/ruff check pipelines dashboards tests scripts
	$(VENV)/bin/ruff format --check pipelines dashboards tests scripts

# Everything CI runs: lint, then every test (one session build shared by the whole-pipeline tests),
# on one pytest-xdist worker per core, longest tests first (tests/conftest.py schedules them).
TEST_WORKERS ?= auto
test: manifest lint
	$(PY) -m pytest -q -n $(TEST_WORKERS)

# Unit, label and definition tests: no whole-pipeline run, no browser (well under a minute).
test-fast: manifest
	$(PY) -m pytest -q -m "not slow and not browser"

# Rewrite the reviewed snapshot of the Dagster definitions (tests/test_defs.py); review the diff.
update_snapshot: manifest
	$(PY) tests/test_defs.py

dev: manifest
	$(VENV)/bin/dagster dev -w workspace.yaml

bench: manifest
	$(PY) -m pipelines.bench

# Regenerate the lock file from pyproject.toml (needs the network to PyPI).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

clean:
	rm -rf data/warehouse.duckdb* data/warehouse.building-* data/marts data/.marts data/.pending_build-* data/bench data/logs data/extracted data/.last_build.json data/.run.lock dbt_project/target dbt_project/logs logs test-output
	find .dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
