# report_utils: one command to set up and build, one to set up and test. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-noto-cjk fonts-noto-core poppler-utils chromium \
	default-jre-headless

.PHONY: help setup system-deps briefing test test-fast lint lab clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: system-deps $(STAMP) ## Install system packages (when missing) and the Python environment in .venv
	@$(BIN)/python -m compileall -q src  # bytecode for our package too (PYTHONDONTWRITEBYTECODE may be set)

system-deps: ## Install the Debian packages the briefings need (fonts, poppler, Chromium)
	@bash scripts/system-deps.sh $(APT_PACKAGES)

# pip's hash-checking mode: every dependency pinned with its hash (scripts/lock.py writes the
# locks), then the project itself, editable, without dependencies (an editable install cannot be
# hashed).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# JupyterLab in an environment of its own, .venv-lab: its dependencies (jsonschema's format
# checkers) make every nbformat validation several times slower (measured: 3.1-3.9 s against
# 0.4-0.5 s for an empty notebook), so the build and test environment does without them.
LAB_VENV := .venv-lab
$(LAB_VENV)/.installed: pyproject.toml requirements-lab.lock
	$(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/pip install --quiet --upgrade pip
	$(LAB_VENV)/bin/pip install --quiet --require-hashes -r requirements-lab.lock
	$(LAB_VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

briefing: setup ## Build the default briefings into outputs/
	$(BIN)/briefing build

# The whole suite in two runs: the tests that build no briefing on both cores (pytest-xdist), then
# the end-to-end builds one at a time (each starts kernels and Typst of its own). pytest exits 5
# when a run collected no test, which make takes as a failure.
test: setup $(LAB_VENV)/.installed ## Run the whole test suite (lint and format check included)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/pytest -m "not e2e" -n 2
	$(BIN)/pytest -m e2e

# pytest exits 5 when it collected no test (a wrong path or marker): make stops on it, so it fails.
test-fast: setup ## The fast lane: lint, format check, every test but the end-to-end builds (~3 min on 2 cores)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/pytest -m "not e2e" --hypothesis-profile=fast -n auto

lint: setup ## Lint the code
	$(BIN)/ruff check
	$(BIN)/ruff format --check

lab: system-deps $(LAB_VENV)/.installed ## Open the notebooks in JupyterLab (saved without outputs; as root too)
	bash scripts/lab.sh

clean: ## Remove the environment and generated outputs
	rm -rf $(VENV) $(LAB_VENV) build test-artifacts
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
