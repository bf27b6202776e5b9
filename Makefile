# Rounds — two commands:
#   make run    install what is missing, upgrade the database, load the demo, serve on :5000
#   make test   the same installs plus the test extras, then ruff, pytest on SQLite, the
#               browser tests in Chromium, and pytest on PostgreSQL
#   make lock   recompile the lock files in requirements/ from pyproject.toml
#
# Every target is idempotent: the virtualenv is made once, pip runs again only when
# the lock file or pyproject.toml changes (stamp files inside .venv), and system packages
# are checked with dpkg before any apt work. Installs take exact versions with hashes from
# requirements/*.txt, so a new upstream release changes nothing until `make lock`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -q -ra
# Both passes spread over the cores (pytest-xdist); each worker has its own database.
PYTEST_WORKERS ?= 2
# A module's tests stay on one worker, so module-scoped fixtures (the demo, a simulated
# year) are built once, not once per worker.
XDIST := -n $(PYTEST_WORKERS) --dist loadscope
# Failed browser tests leave a screenshot and a Playwright trace here (a CI artefact);
# view a trace offline with `playwright show-trace --host 127.0.0.1 --port 9323 FILE`.
BROWSER_RESULTS ?= test-results

RUN_STAMP := $(VENV)/.rounds-installed
TEST_STAMP := $(VENV)/.rounds-test-installed

RUN_LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt

.PHONY: help run test lock lint test-sqlite test-browser test-postgres bench soak translations \
	system-packages system-packages-test install install-test

help:
	@echo "make run           install Rounds and serve it on http://$(HOST):$(PORT) with the demo data"
	@echo "make test          install the test extras, then ruff + pytest (SQLite, browser, PostgreSQL)"
	@echo "make lock          recompile requirements/*.txt from pyproject.toml (LOCK_ARGS=--upgrade for newest)"
	@echo "make bench         run the benchmarks in tests/bench (not part of make test)"
	@echo "make soak          simulate 20 seeds x every year 2004-2027 and check every invariant"
	@echo "make translations  extract messages and update + compile app/translations (zh)"

run: system-packages install
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh $(VENV)

test: system-packages-test install-test lint test-sqlite test-browser test-postgres

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test-sqlite: system-packages-test install-test lint
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# Chromium journeys and page sweep (marker `browser`, skipped by the plain pytest run) on
# SQLite, with Debian's chromium-headless-shell; `scripts/with-postgres.sh` runs them on
# PostgreSQL too: `scripts/with-postgres.sh .venv/bin/python -m pytest -m browser`.
test-browser: system-packages-test install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m browser tests/browser \
		--screenshot only-on-failure --tracing retain-on-failure --output $(BROWSER_RESULTS)

# Every database-backed test (marker `db`, set in tests/conftest.py) again on a
# throw-away PostgreSQL cluster; skipped where the server isn't installed, unless CI=true.
test-postgres: system-packages-test install-test test-sqlite test-browser
	scripts/with-postgres.sh $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS) -m "db and not browser"

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

# The long year simulation (issue 12): 20 seeds x every year 2004-2027, every invariant;
# `make test` runs a few years of it (tests/simulation). SOAK_ARGS narrows it.
soak: install-test
	$(BIN)/python -m tests.simulation.soak --jobs $$(nproc) $(SOAK_ARGS)

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

# Exact, hash-checked versions first; then Rounds itself, whose dependencies are all there.
$(RUN_STAMP): $(RUN_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(RUN_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

# The test lock includes everything the run lock does, so both stamps become fresh.
$(TEST_STAMP): $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@ $(RUN_STAMP)

# pip-tools is only needed here, so it is not part of either lock.
LOCK_ARGS ?=
lock: | $(BIN)/python
	@$(BIN)/pip-compile --version >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet pip-tools
	scripts/lock.sh $(VENV) $(LOCK_ARGS)
