# bcikg — common tasks. `make demo` and `make test` are the two set-up commands in the README.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STORE := .demo_store

.PHONY: help setup demo test test-fast eval lint typecheck bench neo4j-up neo4j-down browser clean \
	constraints install-check

help:
	@echo "make demo       install, ingest the sample articles (no server) and print a gap report"
	@echo "make test       install, start the local Neo4j, run the whole test-suite, stop Neo4j"
	@echo "make setup      create $(VENV) and install bcikg with its development tools (constraints.txt)"
	@echo "make test-fast  the tests that need no Neo4j (BCIKG_SKIP_NEO4J=1)"
	@echo "make eval       score the extractor on every annotated set in ../shared (one table)"
	@echo "make lint       ruff;  make typecheck  mypy"
	@echo "make bench      ingest, load, report and scale benchmarks (print figures)"
	@echo "make neo4j-up / neo4j-down   the local Neo4j 5.26 used by the tests"
	@echo "make install-check   plain 'pip install .' with the Python's own pip in a throwaway venv, then an ingest"
	@echo "make constraints     re-pin constraints.txt from a fresh install of .[dev]"

# The venv's own pip is used as it comes with the Python (no upgrade): the dependencies must
# resolve with it; constraints.txt pins every package so that each setup installs the same set.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -rf $(DEMO_STORE)
	$(BIN)/bcikg ingest samples --store $(DEMO_STORE)
	$(BIN)/bcikg report gaps 苏州 --store $(DEMO_STORE) --format table

# Chromium renders the HTML report in one test (with a CJK font so the screenshot shows Chinese);
# both come from Debian's packages when we may install them (root), and the test says why it is
# skipped otherwise.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

test: setup browser
	bash scripts/neo4j.sh up
	set -a; . .neo4j/env; set +a; $(BIN)/pytest -q; status=$$?; bash scripts/neo4j.sh down; exit $$status

test-fast: setup
	BCIKG_SKIP_NEO4J=1 $(BIN)/pytest -q

# Extraction quality on every set under ../shared/corpus that has gold in ../shared/gold.
eval: setup
	$(BIN)/python scripts/eval.py

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

bench: setup
	bash scripts/neo4j.sh up
	set -a; . .neo4j/env; set +a; \
	$(BIN)/python bench/ingest && $(BIN)/python bench/incremental && $(BIN)/python bench/load && $(BIN)/python bench/report && $(BIN)/python bench/scale; \
	status=$$?; bash scripts/neo4j.sh down; exit $$status

neo4j-up:
	bash scripts/neo4j.sh up

neo4j-down:
	bash scripts/neo4j.sh down

# What a user does: `pip install .` with the pip their Python brings, no constraints, in a fresh
# venv; then `bcikg --help` and the ingest of one HTML page. The wheel must build without warnings.
install-check:
	bash scripts/install_check.sh

constraints:
	rm -rf .constraints-venv
	$(PYTHON) -m venv .constraints-venv
	.constraints-venv/bin/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	{ sed -n '/^#/p' constraints.txt; .constraints-venv/bin/python -m pip freeze --exclude bcikg; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .constraints-venv

clean:
	rm -rf $(DEMO_STORE) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
