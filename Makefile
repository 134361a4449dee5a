# Burgers als partners in lokale veiligheidszorg - build and test.
#
#   make book    build the HTML book into _build/html (creates .venv if needed)
#   make test    build the book, then run every test (creates .venv if needed)
#   make data    rebuild data/processed from the raw SPSS files
#
# Real data: make data RAW_DIR=/path/to/spss MAPPINGS_DIR=/path/to/mappings
# Another Python: make test PYTHON=python3.12 (default: the newest of
# python3.13, python3.12 and python3.11 that runs).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The newest Python 3.11-3.13 on PATH that runs (a pyenv shim of an inactive
# version exists but does not run, so existence is not enough).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11; do \
  if $$p -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1; then echo $$p; break; fi; done)
endif
PYVER := $(if $(PYTHON),$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-py$(PYVER)
# How the pinned stack gets into .venv: uv (installed into .venv by pip, at the
# version pinned in constraints.txt; installs in seconds) or pip.
INSTALLER ?= uv
# Processes at a time for the book builds and the tests: the usable cores.
# (Notebooks run one kernel more than cores; KERNELS=N overrides.)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

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

.PHONY: help install data synthetic execute execute-book book book-html book-student student-kit \
	answer-key lab r-reference test test-site test-delivered test-site-reader pdf axe screenshots \
	clean lock notebooks benchmark lint format draft check frequencies

help:
	@echo "make book   - build the HTML book (_build/html)"
	@echo "make book-student - the same book without exercise solutions (_build/student/_build/html)"
	@echo "make student-kit - the students' zip: notebooks without solutions, data, helpers, requirements"
	@echo "make answer-key - every exercise with its solution, for lecturers (_build/antwoordsleutel)"
	@echo "make pdf    - the whole book as one PDF (XeLaTeX), linked from the site"
	@echo "make lab    - JupyterLab with MyST rendering in the project's environment"
	@echo "make test   - lint, both editions of the book, then all tests"
	@echo "make test-site - build the book, then run the site tests (browser, disclosure, reproducibility)"
	@echo "make execute - execute the notebooks that changed into the cache the builds and tests read"
	@echo "make data   - rebuild data/processed from data/raw (RAW_DIR=... for the real files)"
	@echo "make draft FILE=x.sav - propose a mapping for one delivered SPSS file (OUT=... to save it)"
	@echo "make check  - check every mapping against its file; all problems at once, nothing written"
	@echo "make frequencies - delivered code/label -> harmonised code/label with counts (MUNI=, VAR=)"
	@echo "make test-delivered - build the book on resaved (delivered) files; no page may say synthetic"
	@echo "make test-site-reader - the reader's-site tests: browser (both widths), axe, PDF"
	@echo "make screenshots - screenshots of a chapter, a municipality page and the PDF"
	@echo "make synthetic - regenerate the synthetic raw files (data/raw) from code"
	@echo "make notebooks - re-execute the notebooks and store their outputs in them"
	@echo "make benchmark - measure build and pipeline speed (benchmarks/README.md)"
	@echo "make lint   - ruff and nbQA (lint and format check) and the layer contract"
	@echo "make format - format and autofix the Python files and the notebooks"
	@echo "Python: $(or $(PYTHON),none found) ($(or $(PYVER),?)); override with PYTHON=..."

# uv, unlike pip, leaves byte-compiling to the first import; where
# PYTHONDONTWRITEBYTECODE is set (as on CI machines) that import never writes
# the .pyc, and every kernel, build and test worker compiles pandas, scipy and
# statsmodels again (pytest's collection: 10.4 s without, 6.4 s with).
$(STAMP): pyproject.toml constraints.txt
	@if [ -z "$(PYTHON)" ] || [ -z "$(PYVER)" ]; then \
	  echo "error: no python3.13, python3.12 or python3.11 that runs; use make PYTHON=/path/to/python3" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required, found " + sys.version'
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYVER)" ]; then \
	  echo "$(VENV) has another Python: recreating it with $(PYTHON) ($(PYVER))"; rm -rf $(VENV); fi
	rm -f $(VENV)/.installed-py*
	$(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" = uv ] && $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt uv; then \
	  echo '$(BIN)/uv pip install --compile-bytecode -c constraints.txt -e ".[test,dev,lab]"'; \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e ".[test,dev,lab]"; \
	else \
	  echo '$(BIN)/python -m pip install -c constraints.txt -e ".[test,dev,lab]"'; \
	  $(BIN)/python -m pip install --quiet --upgrade "pip>=24"; \
	  $(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,dev,lab]"; \
	fi
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

# One execution of every notebook, a kernel per core (plus one) at a time,
# into the jupyter-cache that both editions and the tests read
# (_build/.jupyter_cache; helpers.book.notebooks). Only notebooks whose code
# changed run again, unless anything else they depend on changed (helpers,
# data, pins, Python): then all of them run. `execute` covers every notebook
# the tests check (the template of the municipality pages too), the books
# need only their pages (`execute-book`). ipykernel's warning about
# unencrypted local TCP, once per kernel, is left out.
EXECUTE = $(BIN)/python -u -m helpers.book.notebooks execute $(1) 2>&1 \
	| { grep --line-buffered -v "Kernel is running over TCP without encryption" || true; }
execute: data
	$(call EXECUTE,)
execute-book: data
	$(call EXECUTE,--book-only)

# build_book(build folder, extra arguments of jupyter-book build[, the file
# a finished build leaves, relative to the folder: html/index.html[, the
# source folder: .]]):
# jupyter-book notices only changed pages, and cross-page glue adds no
# dependency, so an edition is built from scratch whenever any input changed
# (data, helpers, notebooks, pages, configuration, the execution's
# fingerprint, VEILIGHEID_* variables); with no change it is left as it is.
# Every notebook comes from the cache: a build that executes a notebook
# itself fails, because the checks would then not see the execution the book
# shows.
CACHE_DIR := _build/.jupyter_cache
BOOK_INPUTS := _config.yml _toc.yml book notebooks src/helpers data constraints.txt \
	pyproject.toml $(wildcard _static)
define build_book
	@mkdir -p $(1)
	@new=$$( { find $(BOOK_INPUTS) -type f -not -path '*/__pycache__/*' \
	  -not -path '*/.ipynb_checkpoints/*' -not -path '*/_build/*' -print0 \
	  | LC_ALL=C sort -z | xargs -0 sha256sum; $(BIN)/python -VV; echo '$(2)'; \
	  cat $(CACHE_DIR)/inputs-fingerprint 2>/dev/null || true; env | grep '^VEILIGHEID_' | sort || true; } \
	  | sha256sum | cut -d' ' -f1); \
	old=$$(cat $(1)/.inputs-fingerprint 2>/dev/null || true); \
	if [ "$$new" = "$$old" ] && [ -f $(1)/$(or $(3),html/index.html) ]; then \
	  echo "$(1) is up to date"; exit 0; \
	fi; \
	echo "$(1): book inputs changed: clean build"; \
	rm -rf $(1)/html $(1)/latex $(1)/.doctrees $(1)/jupyter_execute; \
	echo "jupyter-book build $(or $(4),.) -W -n --keep-going $(2) (log: $(1)/build.log)"; \
	if ! $(BIN)/jupyter-book build $(or $(4),.) -W -n --keep-going $(2) > $(1)/build.log 2>&1; then \
	  grep -E "WARNING|ERROR|Error|Exception" $(1)/build.log | grep -v IPKernelApp | tail -n 40 >&2 || true; \
	  tail -n 15 $(1)/build.log >&2; echo "error: the build failed; see $(1)/build.log" >&2; exit 1; \
	fi; \
	if grep "Executing notebook" $(1)/build.log >&2; then \
	  echo "error: the build executed notebooks that 'make execute' did not (helpers.book.notebooks)" >&2; exit 1; \
	fi; \
	echo "$$new" > $(1)/.inputs-fingerprint; \
	echo "built $(1)"
endef

book: execute-book
	$(call build_book,_build,)

# The build step of `make book` alone, for an up-to-date cache (benchmarks).
book-html:
	$(call build_book,_build,)

# The student edition: the same book without any solution, in the pages and
# in everything a reader can download (.ipynb sources, search index). Its
# sources are written by helpers.book.student from the notebooks' stored
# outputs (nothing runs again; they are checked against the last `make book`),
# and it links the student kit.
STUDENT_DIR := _build/student
KIT_ZIP := _build/studentenkit/burgers-als-partners-studentenkit.zip
book-student: student-kit
	@mkdir -p $(STUDENT_DIR)
	$(BIN)/python -m helpers.book.student $(STUDENT_DIR) --kit $(KIT_ZIP)
	$(call build_book,$(STUDENT_DIR)/_build,--config $(STUDENT_DIR)/_config.yml --path-output $(STUDENT_DIR),html/index.html,$(STUDENT_DIR)/src)

# The student kit: chapter notebooks without solutions and with their numbers
# written in, the synthetic data, the helpers as a wheel, requirements.txt.
student-kit: book
	$(BIN)/python -m helpers.book.kit

# The answer key for lecturers: every exercise with its solution in one HTML
# document, cut from the full book; never linked from the student edition.
ANSWER_KEY := _build/antwoordsleutel/antwoordsleutel.html
answer-key: book
	$(BIN)/python -m helpers.book.answer_key $(ANSWER_KEY)

# The whole book as one PDF through LaTeX (Jupyter Book's pdflatex builder
# with XeLaTeX, Dutch hyphenation): title page, contents, text, every table
# as wide as the page, figures; no code cells. It reads the same execution
# cache and is copied into the site, whose download menu links it. Needs
# texlive-xetex, texlive-latex-extra, texlive-lang-european, latexmk and
# fonts-freefont-otf.
PDF_DIR := _build/pdf
PDF_FILE := burgers-als-partners.pdf
pdf: book
	$(BIN)/python -m helpers.book.pdf _config.yml $(PDF_DIR)/_config.yml
	$(call build_book,$(PDF_DIR)/_build,--builder pdflatex --config $(PDF_DIR)/_config.yml --path-output $(PDF_DIR),latex/$(PDF_FILE))
	test -s $(PDF_DIR)/_build/latex/$(PDF_FILE)
	cp $(PDF_DIR)/_build/latex/$(PDF_FILE) _build/html/$(PDF_FILE)

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

# Lint, the executions and both editions as parallel jobs, then the tests on
# every core (pytest-xdist --dist loadscope: a module's tests, or a class's,
# stay on one worker, so a module- or class-scoped fixture such as the
# browser's page visits runs once; slow work split into classes or modules
# runs side by side). One worker more than cores: the browser modules spend
# much of their time waiting on page loads, so a third worker fills that time
# (measured on 2 cores: 189 s with 2 workers, 165 s with 3). Modules go out
# in collection order, slow ones first (see conftest.py), not xdist's
# default order by number of tests.
PYTEST_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))
PYTEST_PARALLEL ?= -n $(PYTEST_JOBS) --dist loadscope --no-loadscope-reorder
test: $(STAMP) $(AXE)
	$(MAKE) --no-print-directory -j$(JOBS) PYTHON=$(PYTHON) lint execute book book-student answer-key pdf
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# The book built on delivered files (the raw files saved again with pyreadstat,
# so that they count as delivered): no page may call the data synthetic. A
# full clean build in _build/delivered, with an execution of its own; .ci/run
# runs it after 'make test'.
test-delivered: $(STAMP)
	$(BIN)/python scripts/delivered_book.py

# Only the tests of the built site: browser, disclosure, reproducibility.
SITE_TESTS := tests/test_browser.py tests/test_site_disclosure.py tests/test_reproducibility.py
test-site: book
	$(BIN)/python -m pytest $(SITE_TESTS)

$(AXE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(AXE)
axe: $(AXE)

# The tests of the reader's site: every page at 390 and 1366 px (menu, zero
# JavaScript errors, tables within the column, Dutch strings, page weight,
# charts), axe-core's WCAG 2.1 AA checks, and the PDF.
READER_TESTS := tests/test_browser.py tests/test_site_accessibility.py tests/test_pdf.py
test-site-reader: pdf $(AXE)
	$(BIN)/python -m pytest $(READER_TESTS)

# Screenshots for a human look (not committed): a chapter and a municipality
# page at 390 and 1366 px, printed pages and PDF pages, in SCREENS_DIR.
SCREENS_DIR ?= _build/screenshots
screenshots: pdf
	$(BIN)/python tests/site_screenshots.py $(SCREENS_DIR)

# Store fresh outputs in the notebooks (after a data or helper change), so
# the outputs stored in them are current; `make test` checks they are. The
# municipality pages are first regenerated from their template. This is an
# execution of its own, never the cached one, so the tests always compare
# two executions.
notebooks: data
	$(BIN)/python -m helpers.book.feedback --no-execute
	$(BIN)/python -m helpers.book.notebooks write

clean:
	rm -rf _build .pytest_cache

# Rewrite constraints.txt from the current .venv (after a deliberate upgrade),
# then update the pins in environment.yml (tests/test_environment.py checks both agree).
lock: $(STAMP)
	{ echo "# Exact versions the tests were run with (pip freeze of .venv, Python $(PYVER));"; \
	  echo "# each has wheels for Python 3.11, 3.12 and 3.13 (README: Python versions)."; \
	  echo "# Used as constraints by 'make install'; regenerate with 'make lock'."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > constraints.txt

# Measure build and pipeline speed in a temporary copy of the project; writes
# benchmarks/results.json and book/_benchmarks.md (shown on 'Over dit boek').
# ARGS=--quick for a smoke run that leaves the published results alone.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py $(ARGS)
