# Two commands from a fresh clone: `make run` then `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster
WAREHOUSE := $(or $(PIPELINE_WAREHOUSE),$(CURDIR)/warehouse/warehouse.duckdb)

.PHONY: run test ui sql bench prune rebuild conformance evaluate compiled clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# The text core's hot modules compiled by Cython (pipeline/core/compiled.py): only those whose source changed.
compiled: $(STAMP)
	$(PY) -m pipeline.compile

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: compiled $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipeline.run

test: compiled
	$(PY) -m pytest

ui: compiled $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000

sql: $(STAMP)
	$(VENV)/bin/duckdb -readonly $(WAREHOUSE)

# Drop the rows of files that are no longer in the input folder, then refresh.
prune: compiled $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipeline.run --prune

# Full rebuild: forget every processed document and build again from the input folder.
rebuild: $(STAMP)
	$(PY) -m pipeline.summary --reset-staging
	$(MAKE) run

conformance: compiled
	$(PY) -m evaluation.conformance

evaluate: compiled
	$(PY) -m evaluation.gold_dev

bench: compiled
	$(PY) -m evaluation.bench

clean:
	rm -rf $(VENV) .dagster warehouse/*.duckdb warehouse/.*.build pipeline/core/*.compiled.*.so
