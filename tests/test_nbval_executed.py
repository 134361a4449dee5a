"""The stored-output check on the one execution fails exactly where nbval fails.

``--nbval-executed`` (:mod:`helpers.book.nbval_executed`) replaces nbval's
second execution of every notebook by the execution the book is built from.
These tests run both on the same small notebooks, each in a pytest process
of its own, and compare the verdict per cell: a current output passes, a stale output fails,
an output that differs only in a sanitised memory address passes, an ignored
cell passes, a cell that raises fails.
"""

from __future__ import annotations

import re
import subprocess
import sys

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


def _verdicts(lines) -> dict[str, str]:
    """``{"stale.ipynb::Cell 1": "FAILED", ...}`` from a ``-rA`` summary."""
    verdicts = {}
    for line in lines:
        match = re.match(r"(PASSED|FAILED|SKIPPED|ERROR) (\S+\.ipynb::Cell \d+)", line)
        if match:
            verdicts[match.group(2)] = match.group(1)
    return verdicts


def _pytest(folder, *mode) -> list[str]:
    """Run pytest on the notebooks in ``folder`` (a process of its own); its output lines."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "helpers.book.nbval_executed",
            *mode,
            "--nbval-sanitize-with",
            "sanitize.cfg",
            "-rA",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            "-c",
            str(folder / "pytest.ini"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]  # some fail
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both checks on the same two notebooks: ours on a fresh cache, and nbval."""
    folder = tmp_path_factory.mktemp("nbval")
    nbformat.write(_stale_notebook(), folder / "stale.ipynb")
    nbformat.write(_raising_notebook(), folder / "raising.ipynb")
    (folder / "sanitize.cfg").write_text(SANITIZE, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    cache = folder.parent / f"{folder.name}-cache"
    return {
        "ours": _pytest(folder, "--nbval-executed", "--nbval-executed-cache", str(cache)),
        "nbval": _pytest(folder, "--nbval"),
    }


def test_same_verdicts_as_nbval(runs):
    mine, theirs = _verdicts(runs["ours"]), _verdicts(runs["nbval"])
    assert mine["stale.ipynb::Cell 0"] == "PASSED"
    assert mine["stale.ipynb::Cell 1"] == "FAILED"  # stored 41, a fresh run gives 42
    assert mine["stale.ipynb::Cell 2"] == "PASSED"  # only the memory address differs
    assert mine["stale.ipynb::Cell 3"] == "PASSED"  # NBVAL_IGNORE_OUTPUT
    assert mine["stale.ipynb::Cell 4"] == "PASSED"
    assert mine["raising.ipynb::Cell 0"] == "PASSED"
    assert mine["raising.ipynb::Cell 1"] == "FAILED"
    stale = {k: v for k, v in mine.items() if k.startswith("stale")}
    assert stale == {k: v for k, v in theirs.items() if k.startswith("stale")}
    assert theirs["raising.ipynb::Cell 0"] == "PASSED"
    assert theirs["raising.ipynb::Cell 1"] == "FAILED"
    text = "\n".join(runs["ours"])
    assert "Cell outputs differ" in text and "'41' == '42'" in text
    assert "Cell execution caused an exception" in text and "ZeroDivisionError" in text


def test_cells_after_a_failing_cell_fail_too(runs):
    # nbval goes on in the same kernel; the book's execution stops at the
    # first error (as the book build does), so later cells have no outputs
    # to compare and fail rather than pass unchecked.
    assert _verdicts(runs["ours"])["raising.ipynb::Cell 2"] == "FAILED"
    assert _verdicts(runs["nbval"])["raising.ipynb::Cell 2"] == "PASSED"
    assert "Cell not executed: an earlier cell of the notebook failed" in "\n".join(runs["ours"])
