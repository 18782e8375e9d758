# OneThing — the two commands:
#   make demo   set up and start the platform on SQLite with demo data
#   make test   set up and run every check and test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
ONETHING := $(BIN)/onething

.PHONY: demo test install install-dev lint typecheck migrations-check pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(ONETHING) i18n compile
	$(ONETHING) migrate --no-input
	$(ONETHING) org load
	$(ONETHING) catalog load
	$(ONETHING) hotline kb build
	$(ONETHING) demo load
	$(ONETHING) datahub demo
	$(ONETHING) demo cases
	$(ONETHING) deadlines schedule
	$(ONETHING) hotline schedule
	$(ONETHING) serve

lint: install-dev
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

typecheck: install-dev
	$(BIN)/mypy

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=onething.settings.test $(ONETHING) makemigrations --check --dry-run

pytest: install-dev
	$(ONETHING) i18n compile
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

bench: install-dev
	$(BIN)/python bench/catalog_bench.py --write docs/benchmarks/catalog.md
	$(BIN)/python bench/submit_bench.py --write docs/benchmarks/submit.md

clean:
	rm -rf $(VENV) var
