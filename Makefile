# OneThing — the two commands:
#   make demo   set up and start the platform on SQLite with demo data
#   make test   set up and run every check and test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
ONETHING := $(BIN)/onething

.PHONY: demo test install install-dev lint typecheck migrations-check pytest bench security audit fuzz clean

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
	$(ONETHING) files schedule
	$(ONETHING) serve

lint: install-dev
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

typecheck: install-dev
	$(BIN)/mypy

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=onething.settings.test $(ONETHING) makemigrations --check --dry-run

# Two worker processes (pytest-xdist): the tests wait on the database and the browser as much
# as on the CPU. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= 2
pytest: install-dev
	$(ONETHING) i18n compile
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

# Benchmarks (docs/benchmarks/): on a throwaway PostgreSQL database when one answers at
# 127.0.0.1:5432 or $DATABASE_URL names one; the lists need PostgreSQL (a million applications,
# about a quarter of an hour to load on two cores).
bench: install-dev
	$(BIN)/python bench/catalog_bench.py --write docs/benchmarks/catalog.md
	$(BIN)/python bench/submit_bench.py --file-kb 200 --write docs/benchmarks/submit.md
	$(BIN)/python bench/list_bench.py --write docs/benchmarks/lists.md

# Static security checks and known vulnerabilities of the installed packages (docs/security.md).
# Not part of `make test`: pip-audit asks PyPI's vulnerability data over the network.
security: install-dev
	$(BIN)/bandit -c pyproject.toml -r src --severity-level medium --confidence-level medium -q
	$(MAKE) audit

# A vulnerability found fails; the vulnerability service unreachable only warns.
audit: install-dev
	@out=$$(mktemp); rm -f $$out; \
	if $(BIN)/pip-audit --local --skip-editable --progress-spinner off -f json -o $$out; then \
	  echo "pip-audit: no known vulnerabilities"; rm -f $$out; \
	elif [ -s $$out ]; then \
	  echo "pip-audit: known vulnerabilities (see above)"; rm -f $$out; exit 1; \
	else \
	  echo "WARNING: pip-audit could not reach the vulnerability service; not checked"; \
	fi

# Coverage-guided fuzzing with atheris, bounded: FUZZ_RUNS inputs per harness.
FUZZ_RUNS ?= 20000
fuzz: install-dev
	$(BIN)/pip install --quiet -c constraints.txt -e '.[fuzz]'
	@work=$$(mktemp -d); cp -r fuzz/corpus/. $$work/; \
	$(BIN)/python fuzz/fuzz_uploads.py -atheris_runs=$(FUZZ_RUNS) -artifact_prefix=$$work/ && \
	$(BIN)/python fuzz/fuzz_form.py -atheris_runs=$(FUZZ_RUNS) -artifact_prefix=$$work/ && \
	$(BIN)/python fuzz/fuzz_catalog_loader.py -atheris_runs=$(FUZZ_RUNS) \
	  -artifact_prefix=$$work/ $$work/catalog_loader; \
	status=$$?; if [ $$status -eq 0 ]; then rm -rf $$work; else echo "crash inputs kept in $$work"; fi; \
	exit $$status

clean:
	rm -rf $(VENV) var
