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

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

# JupyterLab only for `make lab`: its dependencies (jsonschema's format checkers) add a second to
# every nbformat import, so the build and test environment does without them.
$(VENV)/.lab-installed: $(STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,lab]'
	touch $@

briefing: setup ## Build the default briefings into outputs/
	$(BIN)/briefing build

test: setup ## Run the whole test suite (lint and format check included)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/pytest

# pytest exits 5 when it collected no test (a wrong path or marker): make stops on it, so it fails.
test-fast: setup ## The fast lane: lint, format check, every test but the end-to-end builds (< 1 min)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/pytest -m "not e2e" --hypothesis-profile=fast -n auto

lint: setup ## Lint the code
	$(BIN)/ruff check
	$(BIN)/ruff format --check

lab: setup $(VENV)/.lab-installed ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean: ## Remove the environment and generated outputs
	rm -rf $(VENV) build test-artifacts
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
