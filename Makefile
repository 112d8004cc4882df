# Two commands do all the set-up on a fresh machine:
#   make build   - create .venv, install docgen, validate the demo in submissions/, render its attachments and
#                  roll-ups into build/ and the status site into site/
#   make test    - create .venv, install docgen with its test tools, run `make lint`, then the tests on every core
#                  (pytest-xdist; the tests of a file sharing a module fixture stay on one worker: tests/conftest.py)
#   make lint    - ruff check, ruff format --check, mypy --strict src (the rules are in pyproject.toml)
#   make site    - build the demo's attachments and the status site into site/ (open site/index.html)
#   make rules   - write src/docgen/check/rules.yaml (the shipped default rules) from src/docgen/check/rulebook.py
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LINTED := src tests benchmarks tools

.PHONY: build test lint bench schema rules site clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/docgen validate
	$(BIN)/docgen build
	$(BIN)/docgen site

test: lint
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy --strict src

bench: $(STAMP)
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/monitor.py
	$(BIN)/python benchmarks/history.py
	$(BIN)/python benchmarks/tooling.py
	$(BIN)/python benchmarks/site.py

site: $(STAMP)
	$(BIN)/docgen build
	$(BIN)/docgen site

schema: $(STAMP)
	$(BIN)/docgen schema --export schema/

rules: $(STAMP)
	$(BIN)/python tools/make_rules_yaml.py

clean:
	rm -rf $(VENV) build site
