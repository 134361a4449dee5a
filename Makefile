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

# axe-core for the accessibility tests, from npm (package-lock.json).
AXE := node_modules/axe-core/axe.min.js

# Figures and SVGs carry no build timestamp.
export SOURCE_DATE_EPOCH := 1577836800
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install data synthetic book book-student student-kit answer-key lab r-reference test test-site \
	clean lock notebooks benchmark lint format draft check frequencies test-delivered pdf axe \
	test-site-reader screenshots

help:
	@echo "make book   - build the HTML book (_build/html)"
	@echo "make book-student - the same book without exercise solutions (_build/student/_build/html)"
	@echo "make student-kit - zip with the notebooks (no solutions), data and helpers for students"
	@echo "make answer-key - every exercise with its solution in one HTML file, for lecturers"
	@echo "make lab    - start JupyterLab (with MyST rendering) in the project's environment"
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
	@echo "make draft FILE=x.sav - propose a mapping for one delivered SPSS file (OUT=... to save it)"
	@echo "make check  - check every mapping against its file; all problems at once, nothing written"
	@echo "make frequencies - delivered code/label -> harmonised code/label with counts (MUNI=, VAR=)"
	@echo "make test-delivered - build the book on resaved (delivered) files; no page may say synthetic"
	@echo "make format - format and autofix the Python files and the notebooks"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,dev,lab]"
	touch $(STAMP)

install: $(STAMP)

synthetic: $(STAMP)
	$(BIN)/python -m helpers.synthetic

data: $(STAMP)
	$(BIN)/python -m helpers.data.pipeline

# Tools for the analyst on real deliveries (see README, "Running the pipeline
# on the real SPSS files"). RAW_DIR/MAPPINGS_DIR apply as for 'make data'.
draft: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make draft FILE=path/to/file.sav [OUT=mapping.yaml] [MUNI=code]"; exit 2; }
	@$(BIN)/python -m helpers.data.draft "$(FILE)" $(if $(OUT),--out "$(OUT)") $(if $(MUNI),--municipality $(MUNI))

check: $(STAMP)
	$(BIN)/python -m helpers.data.check

frequencies: data
	$(BIN)/python -m helpers.data.frequencies $(if $(MUNI),--municipality $(MUNI)) $(if $(VAR),--variable $(VAR)) $(if $(RECODED),--recoded)

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

# The student edition: the same book without any solution, in the pages and
# in everything a reader can download (.ipynb sources, search index). Its
# sources are written by helpers.book.student from the notebooks' stored
# outputs (no notebook runs again; they are checked against the last `make
# book`), and it links the student kit.
STUDENT_DIR := _build/student
KIT_ZIP := _build/studentenkit/burgers-als-partners-studentenkit.zip
book-student: student-kit
	@mkdir -p $(STUDENT_DIR)
	$(BIN)/python -m helpers.book.student $(STUDENT_DIR) --kit $(KIT_ZIP)
	$(BIN)/jupyter-book build $(STUDENT_DIR)/src -W -n --keep-going --config $(STUDENT_DIR)/_config.yml --path-output $(STUDENT_DIR)

# The student kit: chapter notebooks without solutions and with their numbers
# written in, the synthetic data, the helpers as a wheel, requirements.txt.
student-kit: book
	$(BIN)/python -m helpers.book.kit

# The answer key for lecturers: every exercise with its solution in one HTML
# document, cut from the full book; never linked from the student edition.
ANSWER_KEY := _build/antwoordsleutel/antwoordsleutel.html
answer-key: book
	$(BIN)/python -m helpers.book.answer_key $(ANSWER_KEY)

# Reference values from R (psych, survey, MASS) for tests/test_r_reference.py:
# regenerate after a deliberate change of the data. Needs Debian's r-base-core,
# r-cran-haven, r-cran-psych, r-cran-survey and r-cran-mass.
r-reference: data
	$(BIN)/python -c 'import pandas as pd; from helpers.analysis.comparison import load_reference; from helpers.analysis.weighting import reference_margins; m = reference_margins(load_reference()); pd.DataFrame([(v, c, p) for v, d in m.items() for c, p in d.items()], columns=["variable", "code", "percent"]).to_csv("tests/r_reference/margins.csv", index=False, lineterminator="\n")'
	Rscript tests/r_reference/reference.R

# JupyterLab with jupyterlab-myst in the project's environment (admonitions,
# exercises and figures render as in the book). LAB_ARGS passes options, e.g.
# make lab LAB_ARGS="--no-browser --port 8890".
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

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
test: lint book book-student answer-key $(AXE)
	$(BIN)/python -m pytest

# The book built on delivered files (the raw files saved again with pyreadstat,
# so that they count as delivered): no page may call the data synthetic. A
# full clean build in _build/delivered; not part of 'make test' (it doubles the
# build time), run it after changing any wording that depends on the data.
test-delivered: $(STAMP)
	$(BIN)/python scripts/delivered_book.py

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
