"""The stored-output check on the one execution fails exactly where nbval fails.

``--nbval-executed`` (:mod:`helpers.book.nbval_executed`) replaces nbval's
second execution of every notebook by the execution the book is built from.
These tests run both on small notebooks, each in a pytest of its own, and
compare the verdict per cell: a current output passes, a stale output fails,
an output that differs only in a sanitised memory address passes, an ignored
cell passes, a cell that raises fails.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

SANITIZE = "[memory addresses]\nregex: at 0x[0-9a-fA-F]+\nreplace: at 0xADDRESS\n"


def _cell(source, outputs, count):
    cell = new_code_cell(source, execution_count=count)
    cell.outputs = outputs
    return cell


def _result(text, count):
    return new_output("execute_result", data={"text/plain": text}, execution_count=count)


def _notebook(cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _stale_notebook():
    return _notebook(
        [
            _cell("print(1 + 1)", [new_output("stream", name="stdout", text="2\n")], 1),
            _cell("x = 21 * 2\nx", [_result("41", 2)], 2),
            _cell("object()", [_result("<object at 0x7f00deadbeef>", 3)], 3),
            _cell("# NBVAL_IGNORE_OUTPUT\n'changes every run'", [_result("'anything'", 4)], 4),
            _cell("print('same')", [new_output("stream", name="stdout", text="same\n")], 5),
        ]
    )


def _raising_notebook():
    return _notebook(
        [
            _cell("value = 1", [], 1),
            _cell("1 / 0", [], 2),
            _cell("print('after')", [new_output("stream", name="stdout", text="after\n")], 3),
        ]
    )


def _verdicts(result) -> dict[str, str]:
    """``{"stale.ipynb::Cell 1": "FAILED", ...}`` from a ``-rA`` summary."""
    verdicts = {}
    for line in result.stdout.lines:
        match = re.match(r"(PASSED|FAILED|SKIPPED|ERROR) (\S+\.ipynb::Cell \d+)", line)
        if match:
            verdicts[match.group(2)] = match.group(1)
    return verdicts


@pytest.fixture
def project(pytester):
    nbformat.write(_stale_notebook(), pytester.path / "stale.ipynb")
    nbformat.write(_raising_notebook(), pytester.path / "raising.ipynb")
    (pytester.path / "sanitize.cfg").write_text(SANITIZE, encoding="utf-8")
    return pytester


def _run(pytester, *mode):
    return pytester.runpytest_subprocess(
        "-p",
        "helpers.book.nbval_executed",
        *mode,
        "--nbval-sanitize-with",
        "sanitize.cfg",
        "-rA",
        "-p",
        "no:cacheprovider",
    )


def test_same_verdicts_as_nbval(project, tmp_path):
    ours = _run(project, "--nbval-executed", "--nbval-executed-cache", str(tmp_path / "cache"))
    nbval = _run(project, "--nbval")
    mine, theirs = _verdicts(ours), _verdicts(nbval)
    assert mine["stale.ipynb::Cell 0"] == "PASSED"
    assert mine["stale.ipynb::Cell 1"] == "FAILED"  # stored 41, a fresh run gives 42
    assert mine["stale.ipynb::Cell 2"] == "PASSED"  # only the memory address differs
    assert mine["stale.ipynb::Cell 3"] == "PASSED"  # NBVAL_IGNORE_OUTPUT
    assert mine["stale.ipynb::Cell 4"] == "PASSED"
    assert mine["raising.ipynb::Cell 1"] == "FAILED"
    stale = {k: v for k, v in mine.items() if k.startswith("stale")}
    assert stale == {k: v for k, v in theirs.items() if k.startswith("stale")}
    assert theirs["raising.ipynb::Cell 1"] == "FAILED"
    text = "\n".join(ours.stdout.lines)
    assert "Cell outputs differ" in text and "'41' == '42'" in text
    assert "Cell execution caused an exception" in text and "ZeroDivisionError" in text


def test_cells_after_a_failing_cell_fail_too(project, tmp_path):
    # nbval goes on in the same kernel; the book's execution stops at the
    # first error (as the book build does), so later cells have no outputs
    # to compare and fail rather than pass unchecked.
    result = _run(project, "--nbval-executed", "--nbval-executed-cache", str(tmp_path / "cache"))
    verdicts = _verdicts(result)
    assert verdicts["raising.ipynb::Cell 0"] == "PASSED"
    assert verdicts["raising.ipynb::Cell 2"] == "FAILED"
    assert "Cell not executed: an earlier cell of the notebook failed" in "\n".join(
        result.stdout.lines
    )


def test_without_the_option_no_notebook_is_collected(project):
    result = project.runpytest_subprocess(
        "-p", "helpers.book.nbval_executed", "-p", "no:cacheprovider"
    )
    assert not _verdicts(result)
