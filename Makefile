# Burgers als partners in lokale veiligheidszorg - build and test.
#
#   make book    build the HTML book into _build/html (creates .venv if needed)
#   make test    build the book, then run every test (creates .venv if needed)
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

.PHONY: help install data synthetic book book-student test test-site clean lock notebooks benchmark lint format pdf axe test-site-reader screenshots

help:
	@echo "make book   - build the HTML book (_build/html)"
	@echo "make book-student - the same book without exercise solutions (_build/student/_build/html)"
	@echo "make test   - build the book, then run all tests"
	@echo "make test-site - build the book, then run the site tests (browser, disclosure, reproducibility)"
	@echo "make data   - rebuild data/processed from data/raw (RAW_DIR=... for the real files)"
	@echo "make synthetic - regenerate the synthetic raw files (data/raw) from code"
	@echo "make notebooks - re-execute the notebooks in place (stored outputs)"
	@echo "make benchmark - measure build and pipeline speed (benchmarks/README.md)"
	@echo "make pdf    - the whole book as one PDF (XeLaTeX), linked from the site"
	@echo "make test-site-reader - the reader's-site tests: browser (both widths), axe, PDF"
	@echo "make screenshots - screenshots of a chapter, a municipality page and the PDF"
	@echo "make lint   - ruff and nbQA (lint and format check) and the layer contract"
	@echo "make format - format and autofix the Python files and the notebooks"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,dev]"
	touch $(STAMP)

install: $(STAMP)

synthetic: $(STAMP)
	$(BIN)/python -m helpers.synthetic

data: $(STAMP)
	$(BIN)/python -m helpers.data.pipeline

# jupyter-cache re-executes a notebook only when its code cells change, and
# cross-page glue adds no dependency. So the book is rebuilt from scratch
# whenever any input changed: data, helpers, notebooks, pages, config. A
# rebuild with no change reuses _build and executes nothing.
BOOK_INPUTS := _config.yml _toc.yml book notebooks src/helpers data/processed \
	data/interviews data/reference data/synthetic constraints.txt \
	$(wildcard _static)
FINGERPRINT := _build/.inputs-fingerprint

book: data
	@mkdir -p _build
	@new=$$(find $(BOOK_INPUTS) -type f -not -path '*/__pycache__/*' \
	  -not -path '*/.ipynb_checkpoints/*' -not -path '*/_build/*' -print0 \
	  | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); \
	old=$$(cat $(FINGERPRINT) 2>/dev/null || true); \
	if [ "$$new" != "$$old" ]; then \
	  echo "book inputs changed: clean build"; rm -rf _build/html _build/.doctrees _build/jupyter_execute _build/.jupyter_cache; \
	fi; \
	$(BIN)/jupyter-book build . -W -n --keep-going; \
	echo "$$new" > $(FINGERPRINT)

# The student edition: the same book with every exercise solution removed
# (sphinx-exercise's hide_solutions), built from a copy of _config.yml.
STUDENT_DIR := _build/student
book-student: data
	@mkdir -p $(STUDENT_DIR)
	$(BIN)/python -c 'import yaml; c = yaml.safe_load(open("_config.yml", encoding="utf-8")); c["sphinx"]["config"]["hide_solutions"] = True; c["title"] += " (studenteneditie)"; yaml.safe_dump(c, open("$(STUDENT_DIR)/_config.yml", "w", encoding="utf-8"), allow_unicode=True)'
	$(BIN)/jupyter-book build . -W -n --keep-going --config $(STUDENT_DIR)/_config.yml --path-output $(STUDENT_DIR)

# Lint and format check (ruff for the Python files, nbQA for the notebooks)
# and the import contract of pyproject.toml (data -> analysis -> present -> book).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nbqa ruff notebooks
	$(BIN)/nbqa "ruff format" notebooks --check
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/nbqa "ruff format" notebooks
	$(BIN)/nbqa ruff --fix notebooks

# The site tests (browser, disclosure, reproducibility) read _build/html, so
# the book is built (or found current) first.
test: lint book book-student $(AXE)
	$(BIN)/python -m pytest

# Only the tests of the built site: browser, disclosure, reproducibility.
SITE_TESTS := tests/test_browser.py tests/test_site_disclosure.py tests/test_reproducibility.py
test-site: book
	$(BIN)/python -m pytest $(SITE_TESTS)

# The whole book as one PDF through LaTeX (Jupyter Book's pdflatex builder
# with XeLaTeX, Dutch hyphenation): title page, contents, text, every table
# as wide as the page, figures; no code cells. It reuses the HTML build's
# execution cache and is copied into the site, whose download menu links it
# (every later make book copies it again). Needs texlive-xetex,
# texlive-latex-extra, texlive-lang-european, latexmk and fonts-freefont-otf.
PDF_DIR := _build/pdf
PDF_FILE := burgers-als-partners.pdf
pdf: book
	$(BIN)/python -m helpers.book.pdf _config.yml $(PDF_DIR)/_config.yml
	$(BIN)/jupyter-book build . --builder pdflatex --config $(PDF_DIR)/_config.yml \
	  --path-output $(PDF_DIR)
	test -s $(PDF_DIR)/_build/latex/$(PDF_FILE)
	cp $(PDF_DIR)/_build/latex/$(PDF_FILE) _build/html/$(PDF_FILE)

# axe-core for the accessibility tests, from npm (package-lock.json).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(AXE)
axe: $(AXE)

# The tests of the reader's site: every page at 390 and 1366 px (menu, zero
# JavaScript errors, tables within the column, Dutch strings, page weight,
# charts), axe-core's WCAG 2.1 AA checks, and the PDF.
READER_TESTS := tests/test_browser.py tests/test_site_accessibility.py tests/test_pdf.py
test-site-reader: book $(AXE)
	$(BIN)/python -m pytest $(READER_TESTS)

# Screenshots for a human look (not committed): a chapter and a municipality
# page at 390 and 1366 px, printed pages and PDF pages, in SCREENS_DIR.
SCREENS_DIR ?= _build/screenshots
screenshots: book
	$(BIN)/python tests/site_screenshots.py $(SCREENS_DIR)

# Re-execute the notebooks in place (after a data or helper change), so the
# outputs stored in them are current; nbval in `make test` checks they are.
notebooks: data
	$(BIN)/python -m helpers.book.notebooks
	$(BIN)/python -m helpers.book.feedback

clean:
	rm -rf _build .pytest_cache

# Rewrite constraints.txt from the current .venv (after a deliberate upgrade),
# then update the pins in environment.yml (tests/test_environment.py checks both agree).
lock: $(STAMP)
	{ echo "# Exact versions the tests were run with (pip freeze of .venv, Python 3.11)."; \
	  echo "# Used as constraints by 'make install'; regenerate with 'make lock'."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > constraints.txt

# Measure build and pipeline speed in a temporary copy of the project; writes
# benchmarks/results.json and book/_benchmarks.md (shown on 'Over dit boek').
# ARGS=--quick for a smoke run that leaves the published results alone.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py $(ARGS)
