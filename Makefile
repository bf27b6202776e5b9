# Rounds — two commands:
#   make run    install what is missing, upgrade the database, load the demo, serve on :5000
#   make test   the same installs plus the test extras, then ruff, pytest on SQLite, the
#               browser tests in Chromium, and pytest on PostgreSQL
#
# Every target is idempotent: the virtualenv is made once, pip runs again only when
# pyproject.toml changes (stamp files inside .venv), and system packages are checked
# with dpkg before any apt work.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -q -ra
# Failed browser tests leave a screenshot and a Playwright trace here (a CI artefact);
# view a trace offline with `playwright show-trace --host 127.0.0.1 --port 9323 FILE`.
BROWSER_RESULTS ?= test-results

RUN_STAMP := $(VENV)/.rounds-installed
TEST_STAMP := $(VENV)/.rounds-test-installed

.PHONY: help run test lint test-sqlite test-browser test-postgres bench translations \
	system-packages system-packages-test install install-test

help:
	@echo "make run           install Rounds and serve it on http://$(HOST):$(PORT) with the demo data"
	@echo "make test          install the test extras, then ruff + pytest (SQLite, browser, PostgreSQL)"
	@echo "make bench         run the benchmarks in tests/bench (not part of make test)"
	@echo "make translations  extract messages and update + compile app/translations (zh)"

run: system-packages install
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh $(VENV)

test: system-packages-test install-test lint test-sqlite test-browser test-postgres

lint: install-test
	$(BIN)/ruff check .

test-sqlite: system-packages-test install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Chromium journeys and page sweep (marker `browser`, skipped by the plain pytest run) on
# SQLite, with Debian's chromium-headless-shell; `scripts/with-postgres.sh` runs them on
# PostgreSQL too: `scripts/with-postgres.sh .venv/bin/python -m pytest -m browser`.
test-browser: system-packages-test install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m browser tests/browser \
		--screenshot only-on-failure --tracing retain-on-failure --output $(BROWSER_RESULTS)

# Every database-backed test (marker `db`, set in tests/conftest.py) again on a
# throw-away PostgreSQL cluster; skipped where the server isn't installed, unless CI=true.
test-postgres: system-packages-test install-test test-sqlite test-browser
	scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS) -m db

# tests/bench/run.py when there is one, otherwise each tests/bench/bench_*.py in turn.
bench: system-packages install-test
	@if [ -f tests/bench/run.py ]; then \
		$(BIN)/python tests/bench/run.py; \
	else \
		found=0; \
		for bench in tests/bench/bench_*.py; do \
			[ -f "$$bench" ] || continue; \
			found=1; echo "==> $$bench"; $(BIN)/python "$$bench" || exit 1; \
		done; \
		[ $$found -eq 1 ] || echo "No benchmarks yet (tests/bench/run.py or tests/bench/bench_*.py)."; \
	fi

translations: install
	$(BIN)/python scripts/translations.py update

system-packages:
	@scripts/system-packages.sh run

system-packages-test:
	@scripts/system-packages.sh test

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

$(BIN)/python:
	scripts/make-venv.sh $(PYTHON) $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

# The test extras include everything `install` does, so both stamps become fresh.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@ $(RUN_STAMP)
