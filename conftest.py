"""Project-wide pytest rules.

Skips on CI
    On CI (environment variable ``CI`` set) a skipped test fails the run: every
    test must run there, so a missing browser or missing data cannot hide
    behind a skip. Locally, skips stay skips and are listed by ``-ra``.

One execution of the notebooks for every check
    :mod:`helpers.book.notebooks` executes every notebook once, in parallel,
    into the jupyter-cache that both editions of the book read
    (``_build/.jupyter_cache``; ``make execute``). The plugin
    :mod:`helpers.book.nbval_executed` lets the tests use that execution:

    * ``--nbval-executed`` (on in ``pyproject.toml``) is nbval's check without
      nbval's second execution: one test per code cell of every collected
      ``.ipynb``, comparing the outputs stored in the committed notebook with
      the cached execution, with nbval's comparison, sanitisers, cell markers
      and tags. (``pytest --nbval`` still runs nbval itself.)
    * The session fixture ``executed_notebooks`` gives every checked notebook's
      :class:`helpers.book.notebooks.Execution` (path, executed notebook,
      seconds, error).

    Both execute first whatever is not current in the cache, so a plain
    ``pytest`` run is complete on its own; after ``make execute`` they only read.

Slow modules first
    The three modules that take a minute or more (the browser's page visits,
    axe-core on every page, the student kit in a fresh virtual environment)
    are collected first, and a module's test marked ``slow`` first within it.
    With ``--dist loadscope --no-loadscope-reorder`` (the Makefile's
    ``PYTEST_PARALLEL``) pytest-xdist hands out modules in this order, so the
    three start at once on separate workers; a worker gets its next module
    when fewer than three of its tests are waiting, so the short modules go to
    whichever worker is done first. (xdist's default reorder, by number of
    tests, put the student kit's six tests last.)
"""

import os

import pytest

pytest_plugins = ["helpers.book.nbval_executed"]

_SKIPPED = []

#: Modules of a minute or more, longest first.
SLOW_FIRST = (
    "tests/test_browser.py",
    "tests/test_student_kit.py",
    "tests/test_site_accessibility.py",
)


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        module = item.nodeid.split("::", 1)[0]
        first = SLOW_FIRST.index(module) if module in SLOW_FIRST else len(SLOW_FIRST)
        # Within a module the slow test first: its worker then keeps its
        # queue long and takes no other module in while it runs.
        return first, item.get_closest_marker("slow") is None

    items.sort(key=rank)  # stable: otherwise the order within a module is kept


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and _SKIPPED:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"CI forbids skipped tests; {len(_SKIPPED)} skipped: " + ", ".join(_SKIPPED),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
