"""pytest plugin: nbval's check of stored notebook outputs, on the book's one execution.

nbval (``pytest --nbval``) executes every notebook again in a kernel and
compares each code cell's fresh outputs with the outputs stored in the
notebook. The book's notebooks are already executed once, for the book, into
the jupyter-cache (:mod:`helpers.book.notebooks`). With ``--nbval-executed``
this plugin collects every ``.ipynb`` as nbval does (one test per code cell,
nbval's cell markers and tags) and runs nbval's own comparison
(``IPyNbCell.compare_outputs``, with the ``--nbval-sanitize-with`` patterns)
on the outputs of that execution instead of a second one:

* a cell that raised fails with "Cell execution caused an exception" (unless
  marked to raise), and the cells after it with "Cell not executed";
* a stored output that differs from the fresh one fails with "Cell outputs
  differ" and nbval's diff.

Notebooks that are not current in the cache are executed first (the lock of
``make execute`` keeps parallel workers from doing it twice), so a plain
``pytest`` run is complete on its own.

Options: ``--nbval-executed``; ``--nbval-executed-cache DIR`` (default
``_build/.jupyter_cache``). The session fixture ``executed_notebooks`` gives
:class:`helpers.book.notebooks.Execution` objects (path, executed notebook,
seconds, error) for every checked notebook, for tests that read executed
outputs. Loaded by the root ``conftest.py``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams

from helpers.book.notebooks import CACHE_DIR, checked_notebooks, ensure_executed

_EXECUTIONS = pytest.StashKey[dict]()


def pytest_addoption(parser):
    group = parser.getgroup("nbval")
    group.addoption(
        "--nbval-executed",
        action="store_true",
        help="compare the stored outputs of every collected notebook with its execution "
        "in the book's jupyter-cache (nbval's comparison, without a second execution)",
    )
    group.addoption(
        "--nbval-executed-cache",
        default=str(CACHE_DIR),
        help="the jupyter-cache folder to read and fill (default: %(default)s)",
    )


def executions(config, paths=None) -> dict:
    """Executions of ``paths`` (default: every checked notebook), made current once.

    Parameters
    ----------
    config : pytest.Config
        The session's configuration (holds the executions already read).
    paths : iterable of pathlib.Path, optional
        Notebooks; default :func:`helpers.book.notebooks.checked_notebooks`.

    Returns
    -------
    dict
        Path to :class:`helpers.book.notebooks.Execution`.
    """
    known = config.stash.setdefault(_EXECUTIONS, {})
    wanted = [Path(p).resolve() for p in (checked_notebooks() if paths is None else paths)]
    missing = [p for p in wanted if p not in known]
    if missing:
        cache = Path(config.getoption("nbval_executed_cache"))
        known.update(ensure_executed(missing, cache_dir=cache, log=lambda line: None))
    return {p: known[p] for p in wanted}


@pytest.fixture(scope="session")
def executed_notebooks(pytestconfig):
    """Path -> :class:`helpers.book.notebooks.Execution` of every checked notebook.

    The book's pages (``.ipynb`` and MyST Markdown notebooks) and every other
    ``.ipynb`` under ``notebooks/``; a failed execution carries its traceback
    in ``error``.
    """
    return executions(pytestconfig)


def pytest_collect_file(file_path, parent):
    opt = parent.config.option
    if file_path.suffix == ".ipynb" and opt.nbval_executed and not (opt.nbval or opt.nbval_lax):
        return ExecutedNbFile.from_parent(parent, path=file_path)
    return None


class ExecutedNbFile(IPyNbFile):
    """nbval's notebook collector, reading the cached execution instead of running a kernel."""

    def setup(self):
        self.setup_sanitize_files()
        path = Path(str(self.fspath)).resolve()
        self.execution = executions(self.config, [path])[path]
        self.executed_cells = [c for c in self.execution.notebook.cells if c.cell_type == "code"]

    def collect(self):
        for item in super().collect():
            yield ExecutedNbCell.from_parent(
                self, name=item.name, cell_num=item.cell_num, cell=item.cell, options=item.options
            )

    def teardown(self):
        pass


class ExecutedNbCell(IPyNbCell):
    """One code cell: nbval's checks on the outputs of the cached execution."""

    def runtest(self):
        if self.options["skip"]:
            pytest.skip()
        cells = self.parent.executed_cells
        if self.cell_num >= len(cells) or cells[self.cell_num].source != self.cell.source:
            self.raise_cell_error(
                "The executed notebook does not match this notebook's code cells "
                "(was the notebook changed during the test run?)"
            )
        ran = cells[self.cell_num]
        outs = [copy.deepcopy(o) for o in ran.get("outputs", [])]
        errors = [o for o in outs if o.get("output_type") == "error"]
        if errors and not self.options["check_exception"]:
            self.raise_cell_error(
                "Cell execution caused an exception", "\n" + "\n".join(errors[0].traceback)
            )
        if ran.get("execution_count") is None and self.parent.execution.error:
            self.raise_cell_error(
                "Cell not executed: an earlier cell of the notebook failed",
                "\n" + self.parent.execution.error,
            )
        outs = coalesce_streams(outs)

        # From here on as nbval's IPyNbCell.runtest.
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun:
            reference = coalesce_streams(copy.deepcopy(self.cell.outputs))
            if not self.compare_outputs(outs, reference):
                self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))
