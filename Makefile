# tracuu: `make run` serves the bundled corpus on http://127.0.0.1:8000, `make test` runs lint, types and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
PORT ?= 8000
INDEX_DIR ?= var/index

.PHONY: install install-test run build test lint types pytest bench eval eval-alqac soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps make repeated installs a no-op until pyproject.toml or constraints.txt change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

build: install
	$(BIN)/tracuu build --index $(INDEX_DIR)

run: install
	PORT=$(PORT) $(BIN)/tracuu serve --index $(INDEX_DIR) --port $(PORT)

lint: install-test
	$(BIN)/ruff check corpus index service evaluation tests
	$(BIN)/ruff format --check corpus index service evaluation tests

types: install-test
	$(BIN)/mypy

pytest: install-test
	$(BIN)/python -m pytest -q

test: lint types pytest

eval: build
	$(BIN)/tracuu eval --qa ../shared/eval/dev.jsonl --out evaluation/reports

eval-alqac: install-test
	$(BIN)/tracuu eval --qa ../shared/external/alqac2023/test.jsonl --corpus ../shared/external/alqac2023/corpus --out evaluation/reports

bench: install-test
	$(BIN)/python -m evaluation.bench

soak: install-test
	$(BIN)/python -m evaluation.soak --seconds 60 --clients 32 --requests 10000

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
