# hsr: every command sets up what it needs in a local virtual environment (.venv).
# Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
TEST_STAMP := $(VENV)/.stamp-test

.PHONY: help test lint bench clean

help:
	@echo "make test   - create $(VENV), install hsr with its test extras, run ruff and the whole test suite"
	@echo "make bench  - run the benchmark scripts (prints tables; see benchmarks/RESULTS.md)"
	@echo "make clean  - remove the virtual environment, caches and build outputs"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

lint: $(TEST_STAMP)
	$(PY) -m ruff check src tests benchmarks

test: lint
	$(PY) -m pytest

bench: $(TEST_STAMP)
	$(PY) benchmarks/bench_gradients.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache src/*.egg-info book/_build book/generated
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
