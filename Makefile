# fostering-hub developer tasks. Two entry points for a fresh machine with Python 3.11+ and make:
#   make demo   create .venv, install the package with the demo extra, run `fostering-hub demo`
#   make test   install the dev extras, run ruff, mypy --strict, mkdocs --strict and pytest
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: help
help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "fostering-hub needs Python 3.11 or newer, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# One stamp per set of extras, redone when pyproject.toml changes.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[demo]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[dev,demo,docs,dataframes]"
	@touch $@

.PHONY: install
install: $(VENV)/.installed-dev ## Install the package with every development extra

.PHONY: demo
demo: $(VENV)/.installed-demo ## Run the hub on built-in synthetic data
	$(BIN)/fostering-hub demo

.PHONY: lint
lint: $(VENV)/.installed-dev ## ruff lint and format check
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

.PHONY: typecheck
typecheck: $(VENV)/.installed-dev ## mypy --strict on src/
	$(BIN)/mypy --strict src

.PHONY: docs
docs: $(VENV)/.installed-dev ## Build the documentation site (strict)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

# Ajv (Node.js) for tests/test_conformance.py; reinstalled when package-lock.json changes.
AJV_DIR := tests/ajv
$(AJV_DIR)/node_modules/.installed: $(AJV_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 18+) is needed for the conformance tests" >&2; exit 1; }
	npm ci --prefix $(AJV_DIR) --no-audit --no-fund
	@touch $@

.PHONY: ajv
ajv: $(AJV_DIR)/node_modules/.installed ## Install Ajv for the JSON Schema conformance tests

# Debian's chromium for the browser test of the demo report (tests/test_demo_report.py):
# installed with apt-get when missing and this is root; otherwise a loud failure.
CHROMIUM ?= /usr/bin/chromium
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
.PHONY: chromium
chromium: ## Install Debian's chromium (headless browser test) when it is missing
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser test of the demo report"; \
		$(APT_INSTALL) || { apt-get update -q && $(APT_INSTALL); } || exit 1; \
	else \
		echo "error: $(CHROMIUM) is missing and cannot be installed here (needs root and apt-get)." >&2; \
		echo "Install Debian's chromium package, or point CHROMIUM=... and FOSTERING_HUB_CHROMIUM=... at a Chromium binary." >&2; \
		exit 1; \
	fi

.PHONY: pytest
pytest: $(VENV)/.installed-dev $(AJV_DIR)/node_modules/.installed chromium ## Run the test suite
	FOSTERING_HUB_CHROMIUM=$(CHROMIUM) $(BIN)/pytest

.PHONY: test
test: lint typecheck docs pytest ## Everything CI runs

.PHONY: format
format: $(VENV)/.installed-dev ## Reformat and autofix
	$(BIN)/ruff format src tests benchmarks examples
	$(BIN)/ruff check --fix src tests benchmarks examples

.PHONY: schemas
schemas: $(VENV)/.installed-dev ## Regenerate the committed JSON Schemas
	$(BIN)/python -c 'from pathlib import Path; from fostering_hub.models._schemas import write_all; write_all(Path("schemas"))'

.PHONY: generated
generated: schemas ## Regenerate every generated file (schemas, docs tables)
	$(BIN)/python -c 'from fostering_hub.validation._codes import render_markdown; open("docs/_generated/error-codes.md", "w").write(render_markdown())'
	$(BIN)/python -c 'from fostering_hub.validation._catalogue import render_markdown; open("docs/_generated/rules.md", "w").write(render_markdown())'
	$(BIN)/python -c 'from fostering_hub.kpi._catalogue import render_markdown; open("docs/_generated/kpis.md", "w").write(render_markdown())'

.PHONY: bench
bench: $(VENV)/.installed-dev ## Run the benchmarks (prints figures and ratios)
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_validation.py

.PHONY: clean
clean: ## Remove build and cache artefacts
	rm -rf build dist site demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
