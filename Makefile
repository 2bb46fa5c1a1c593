# Two things a new user does: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

## Set up, create the embedded SQLite database, load the demo, show its key figures and
## build its regional bulletin into ./out/ (English and Russian, HTML, PDF, JSON, HXL);
## import the demo survey and build survey bulletins 1-5 beside it (HTML, JSON, HXL; add
## pdf to --format for their PDFs).
demo: setup
	$(BIN)/opendtm init
	$(BIN)/opendtm demo
	$(BIN)/opendtm stats
	$(BIN)/opendtm bulletin --out out
	$(BIN)/opendtm survey demo
	$(BIN)/opendtm bulletin --series survey --format html,json,hxl --out out

## Set up and run the checks and the test suite.
test: setup lint
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) opendtm.db opendtm.db-wal opendtm.db-shm out
