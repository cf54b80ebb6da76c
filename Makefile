# Two commands from a fresh clone: `make run` then `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster
WAREHOUSE := $(or $(PIPELINE_WAREHOUSE),$(CURDIR)/warehouse/warehouse.duckdb)

.PHONY: run test ui sql bench prune rebuild conformance evaluate clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipeline.run

test: $(STAMP)
	$(PY) -m pytest

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000

sql: $(STAMP)
	$(VENV)/bin/duckdb -readonly $(WAREHOUSE)

# Drop the rows of files that are no longer in the input folder, then refresh.
prune: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipeline.run --prune

# Full rebuild: forget every processed document and build again from the input folder.
rebuild: $(STAMP)
	$(PY) -m pipeline.summary --reset-staging
	$(MAKE) run

conformance: $(STAMP)
	$(PY) -m evaluation.conformance

evaluate: $(STAMP)
	$(PY) -m evaluation.gold_dev

bench: $(STAMP)
	$(PY) -m evaluation.bench

clean:
	rm -rf $(VENV) .dagster warehouse/*.duckdb warehouse/.*.build
