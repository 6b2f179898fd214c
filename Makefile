# hsr: every command sets up what it needs in a local virtual environment (.venv).
# Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HSR    := $(VENV)/bin/hsr
TEST_STAMP := $(VENV)/.stamp-test
BOOK_STAMP := $(VENV)/.stamp-book
# make book / make run: the profile (notebooks/profiles/<PROFILE>.yml), the notebooks (names or
# glob patterns, empty = all) and extra arguments for hsr run (e.g. ARGS="-p n_seeds 300")
PROFILE ?= paper
NAMES   ?=
ARGS    ?=
# make book SCHEDULER=tcp://host:8786: every sweep and comparison on that dask cluster
SCHEDULER ?=
RUN_ARGS = --profile $(PROFILE) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(ARGS)

.PHONY: help test lint bench book run build clean chromium

help:
	@echo "make test   - create $(VENV), install hsr with its test extras, run ruff and the whole test suite"
	@echo "make bench  - run the benchmark scripts (prints tables; see benchmarks/RESULTS.md)"
	@echo "make book   - install hsr[book], run every notebook at PROFILE=$(PROFILE) into book/generated, build the book"
	@echo "make run    - only run the notebooks (NAMES='ws-fig02 hsr-*', PROFILE=quick, ARGS='-p n_seeds 300')"
	@echo "make build  - only build the book from book/generated (_build/html/index.html)"
	@echo "make clean  - remove the virtual environment, caches and build outputs"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

lint: $(TEST_STAMP)
	$(PY) -m ruff check src tests benchmarks notebooks scripts

# the rendered-book test drives a headless Chromium (Debian's package); it never skips
chromium:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-headless-shell >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Chromium for the rendered-book test (apt-get install chromium)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	else \
		echo "make test needs Chromium for the rendered-book test; install it with:"; \
		echo "    sudo apt-get install -y chromium"; \
		exit 1; \
	fi

test: lint chromium
	$(PY) -m pytest

bench: $(TEST_STAMP)
	$(PY) benchmarks/bench_gradients.py
	$(PY) benchmarks/bench_training.py
	$(PY) benchmarks/bench_paper_scale.py

# the book extra; the venv may already hold the test extra (which includes it)
$(BOOK_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[book]'
	touch $@

book: $(BOOK_STAMP)
	$(HSR) run $(foreach n,$(NAMES),'$(n)') $(RUN_ARGS)
	$(HSR) build

run: $(BOOK_STAMP)
	$(HSR) run $(foreach n,$(NAMES),'$(n)') $(RUN_ARGS)

build: $(BOOK_STAMP)
	$(HSR) build

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache src/*.egg-info _build book/_build \
		book/generated book/_vendor .cache test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
