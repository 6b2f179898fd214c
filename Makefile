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
# compile the numba kernels once into numba's on-disk cache, before many processes need them
WARM = @$(PY) -c 'import time; from hsr.experiments.engines import warm_up; t = time.perf_counter(); \
	print("numba kernels ready" if warm_up() else "numba not installed: numpy engine", \
	f"({time.perf_counter() - t:.1f} s)")'
# notebooks run side by side (each its own kernel; a sweep two of them need is computed once)
JOBS ?= 2
# the fresh seed sets (hsr run --seed-sets): empty = the profile's (paper and quick: 3, i.e. two
# fresh sets beside the book's; smoke: 2); SEED_SETS=1 runs the book's seeds only
SEED_SETS ?=
RUN_ARGS = --profile $(PROFILE) --jobs $(JOBS) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) \
	$(if $(SEED_SETS),--seed-sets $(SEED_SETS)) $(ARGS)

# the exact versions the suite last passed with (`make lock` refreshes them); every install below
# is constrained to them, so the book a reader builds later is the book that was tested
CONSTRAINTS := constraints.txt

.PHONY: help test lint bench book run build clean chromium lock

help:
	@echo "make test   - create $(VENV), install hsr with its test extras, run ruff and the whole test suite"
	@echo "make bench  - run the benchmark scripts (prints tables; see benchmarks/RESULTS.md)"
	@echo "make book   - install hsr[book], run every notebook at PROFILE=$(PROFILE) into book/generated (and the"
	@echo "              claim notebooks again on the profile's fresh seed sets; SEED_SETS=1: none), build the book"
	@echo "make run    - only run the notebooks (NAMES='ws-fig02 hsr-*', PROFILE=quick, ARGS='-p n_seeds 300')"
	@echo "make build  - only build the book from book/generated (_build/html/index.html)"
	@echo "make clean  - remove the virtual environment, caches and build outputs"
	@echo "make lock   - re-resolve .[test] (it includes .[book]) in a throw-away venv and write the"
	@echo "              exact versions to $(CONSTRAINTS) (KEEP=1: keep the current pins, only add new packages)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -e '.[test]' -c $(CONSTRAINTS)
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

# make test: the suite on TEST_JOBS worker processes (pytest-xdist; a test file stays on one
# worker, so the book's pipeline tests share one build)
TEST_JOBS ?= auto
test: lint chromium
	$(WARM)
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadfile

bench: $(TEST_STAMP)
	$(PY) benchmarks/bench_gradients.py
	$(PY) benchmarks/bench_training.py
	$(PY) benchmarks/bench_paper_scale.py
	$(PY) benchmarks/bench_shared_machine.py

# the book extra; the venv may already hold the test extra (which includes it)
$(BOOK_STAMP): pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -e '.[book]' -c $(CONSTRAINTS)
	touch $@

book: $(BOOK_STAMP)
	$(WARM)
	$(HSR) run $(foreach n,$(NAMES),'$(n)') $(RUN_ARGS)
	$(HSR) build

run: $(BOOK_STAMP)
	$(WARM)
	$(HSR) run $(foreach n,$(NAMES),'$(n)') $(RUN_ARGS)

build: $(BOOK_STAMP)
	$(HSR) build

# The one command that refreshes $(CONSTRAINTS): a fresh venv in a temporary folder, .[test]
# installed into it (the newest versions pyproject.toml allows, new extras' packages included;
# KEEP=1 resolves against the current pins instead, so only packages new to pyproject.toml are
# added), and its `pip freeze` (pip's own tools and hsr itself left out). Run `make test` and
# `make book` after it and commit the file with the change that needed it.
lock:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e '.[test]' $(if $(KEEP),-c $(CONSTRAINTS)); \
	{ echo "# The versions \`make test\` and \`make book\` install (pip install -c $(CONSTRAINTS))."; \
	  echo "# Generated by \`make lock\` from .[test] (which includes .[book]) with Python" \
	       "$$("$$tmp/venv/bin/python" -c 'import platform; print(platform.python_version(), platform.system(), platform.machine())')."; \
	  echo "# Do not edit by hand: change pyproject.toml, run \`make lock\`, then \`make test\` and \`make book\`."; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > $(CONSTRAINTS).new; \
	mv $(CONSTRAINTS).new $(CONSTRAINTS); \
	echo "wrote $(CONSTRAINTS): $$(grep -c '==' $(CONSTRAINTS)) pinned distributions"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache src/*.egg-info _build book/_build \
		book/generated book/_vendor .cache test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
