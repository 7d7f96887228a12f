# StormCom Gateway. `make run` and `make test` work on a fresh machine: they build the virtualenv,
# find or start PostgreSQL and Redis (scripts/services.py) and go.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SERVICES = eval "$$($(PY) scripts/services.py)"

.PHONY: install run test lint bench migrate seed manifest schema clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(SERVICES) && $(VENV)/bin/stormcom db migrate

seed: install
	$(SERVICES) && $(VENV)/bin/stormcom db migrate && $(VENV)/bin/stormcom seed

run: install
	$(SERVICES) && $(VENV)/bin/stormcom db migrate && $(VENV)/bin/stormcom seed && $(VENV)/bin/stormcom serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check gateway schema resolvers domain workers persisted_queries
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(SERVICES) && $(VENV)/bin/pytest -q $(PYTEST_ARGS)

bench: install
	$(SERVICES) && $(PY) -m bench $(BENCH_ARGS)

manifest: install
	$(VENV)/bin/stormcom persisted-queries manifest

schema: install
	$(VENV)/bin/stormcom schema export > schema.graphql

clean:
	rm -rf $(VENV) var/pg var/redis
