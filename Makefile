# Burgers als partners in lokale veiligheidszorg - build and test.
#
#   make book    build the HTML book into _build/html (creates .venv if needed)
#   make test    run every test (creates .venv if needed)
#   make data    rebuild data/processed from the raw SPSS files
#
# Real data: make data RAW_DIR=/path/to/spss MAPPINGS_DIR=/path/to/mappings

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

RAW_DIR ?=
MAPPINGS_DIR ?=
ifneq ($(strip $(RAW_DIR)),)
export VEILIGHEID_RAW_DIR := $(abspath $(RAW_DIR))
endif
ifneq ($(strip $(MAPPINGS_DIR)),)
export VEILIGHEID_MAPPINGS_DIR := $(abspath $(MAPPINGS_DIR))
endif

# Figures and SVGs carry no build timestamp.
export SOURCE_DATE_EPOCH := 1577836800
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install data synthetic book test clean lock

help:
	@echo "make book   - build the HTML book (_build/html)"
	@echo "make test   - run all tests"
	@echo "make data   - rebuild data/processed from data/raw (RAW_DIR=... for the real files)"
	@echo "make synthetic - regenerate the synthetic raw files (data/raw) from code"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

synthetic: $(STAMP)
	$(BIN)/python -m helpers.synthetic

data: $(STAMP)
	$(BIN)/python -m helpers.pipeline

book: data
	$(BIN)/jupyter-book build . -W -n --keep-going

test: data
	$(BIN)/python -m pytest

clean:
	rm -rf _build .pytest_cache

# Rewrite constraints.txt from the current .venv (after a deliberate upgrade),
# then update the pins in environment.yml (tests/test_environment.py checks both agree).
lock: $(STAMP)
	{ echo "# Exact versions the tests were run with (pip freeze of .venv, Python 3.11)."; \
	  echo "# Used as constraints by 'make install'; regenerate with 'make lock'."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > constraints.txt
