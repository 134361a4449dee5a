"""Two executions give the same data, the same table CSVs and the same figures.

* The pipeline, run twice into two fresh folders, writes byte-identical
  ``enquete.sav`` and ``merge_log.csv``.
* ``render_table`` embeds a deterministic CSV export, which
  :mod:`helpers.book.sphinx_tables` turns into ``_tabellen/<label>.csv`` plus a
  "Download als CSV" link.
* Two executions of every notebook give byte-identical figures and table
  CSVs. The outputs stored in the committed notebooks come from one execution
  (``make notebooks``, where the notebooks were last changed); the
  jupyter-cache that the book is built from holds another (``make execute``,
  here and now; ``helpers.book.notebooks``). Every image (glued figures
  included, cells nbval ignores included) and every embedded table CSV must
  be equal.
* The built site shows that execution: every figure in ``_build/html/_images``
  is an image of the executed notebooks, and every ``_tabellen/<label>.csv``
  holds the bytes of that label's CSV in the executed notebooks.

Together the last two replace a second clean build of the whole book in a
copy of the repository (which executed every notebook a third time): the
comparison is the same, two independent executions, and the site is tied to
one of them byte for byte.

``SOURCE_DATE_EPOCH`` is taken from the environment (the Makefile exports it)
or set to the Makefile's value.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest_site import ROOT, SITE_DIR

from helpers.book.notebooks import book_notebooks
from helpers.book.sphinx_tables import CSV_DIR, extract_csv
from helpers.present.render import render_table, table_csv

SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "1577836800")


def _env(project_root: Path) -> dict[str, str]:
    """Environment for a run of the project's code from ``project_root``."""
    env = dict(os.environ)
    env.update(
        SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        VEILIGHEID_PROJECT_ROOT=str(project_root),
        # The copy's own helpers, not the editable install of the original.
        PYTHONPATH=os.pathsep.join(
            [str(project_root / "src"), *filter(None, [env.get("PYTHONPATH")])]
        ),
    )
    env.pop("VEILIGHEID_PROCESSED_DIR", None)
    env.pop("VEILIGHEID_SITE_DIR", None)
    return env


def _run_pipeline(out: Path, project_root: Path = ROOT) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helpers.data.pipeline", "--out", str(out)],
        cwd=project_root,
        env=_env(project_root),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_pipeline_twice_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        out.mkdir()
        _run_pipeline(out)
    a, b = _files(first), _files(second)
    assert set(a) >= {"enquete.sav", "merge_log.csv"}, sorted(a)
    assert set(a) == set(b)
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"the pipeline wrote different bytes on a second run: {differ}"


def test_table_csv_is_deterministic_and_extracted():
    df = pd.DataFrame(
        {"N": pd.array([1219, 3], dtype="Int64"), "Toelichting": ["a < b & c", 'zei "ja", toen']},
        index=pd.Index(["Totaal", "Één"], name="Groep"),
    )
    first = render_table(df, "Een tabel", "tbl-csv-test", note="noot")
    second = render_table(df, "Een tabel", "tbl-csv-test", note="noot")
    assert first.html == second.html and first.csv == second.csv
    assert first.csv == table_csv(df)
    assert first.csv.splitlines()[0] == "Groep,N,Toelichting"
    assert "</script>" not in first.csv
    exports, page_html = extract_csv(first.html, "notebooks/02_steekproef")
    assert exports == {"tbl-csv-test": first.csv}
    assert "text/csv" not in page_html
    assert 'href="../_tabellen/tbl-csv-test.csv"' in page_html
    assert "Download als CSV" in page_html
    read_back = pd.read_csv(io.StringIO(exports["tbl-csv-test"]), index_col=0)
    assert read_back.loc["Totaal", "N"] == 1219
    assert read_back.loc["Één", "Toelichting"] == 'zei "ja", toen'
    # A default index is not exported; hide_index leaves the index out.
    plain = render_table(df.reset_index(), "Zonder index", "tbl-plain", hide_index=True)
    assert plain.csv.splitlines()[0] == "Groep,N,Toelichting"


def test_site_has_a_csv_per_rendered_table():
    if not (SITE_DIR / "index.html").is_file():
        pytest.skip(f"no built book in {SITE_DIR}: run `make book` first")
    exports = sorted((SITE_DIR / CSV_DIR).glob("*.csv"))
    assert exports, f"no table CSV exports in {SITE_DIR / CSV_DIR}"
    for path in exports:
        frame = pd.read_csv(path)
        assert len(frame.columns) >= 1, path


# ---------------------------------------------------------------------------
# Two executions, and the site
# ---------------------------------------------------------------------------


def _images(output) -> list[bytes]:
    """Every image payload of one output (``image/*``, glued ones included), decoded."""
    found = []
    for key, value in sorted(output.get("data", {}).items()):
        if "image/" not in key:
            continue
        text = "".join(value) if isinstance(value, list) else value
        found.append(_svg_bytes(text.encode("utf-8")) if "svg" in key else base64.b64decode(text))
    return found


def _svg_bytes(data: bytes) -> bytes:
    """An SVG without its final line break (myst-nb writes the file without it)."""
    return data.rstrip(b"\n")


def _csvs(output) -> dict[str, str]:
    """The table CSVs embedded in the HTML of one output, by label."""
    found: dict[str, str] = {}
    for key, value in output.get("data", {}).items():
        if key.endswith("text/html"):
            found.update(extract_csv("".join(value) if isinstance(value, list) else value)[0])
    return found


def _code_outputs(nb) -> list[list]:
    return [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _book_executions(executed_notebooks):
    book = set(book_notebooks())
    chosen = {p: e for p, e in executed_notebooks.items() if p in book}
    failed = {_rel(p): e.error.strip().splitlines()[-1] for p, e in chosen.items() if e.error}
    assert not failed, f"notebooks failed to execute: {failed}"
    return chosen


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_two_executions_give_identical_figures_and_csvs(executed_notebooks):
    executions = _book_executions(executed_notebooks)
    compared = {"images": 0, "csvs": 0}
    problems = []
    for path, execution in executions.items():
        if path.suffix != ".ipynb":
            continue  # a MyST Markdown page stores no outputs
        stored = _code_outputs(nbformat.read(path, as_version=4))
        fresh = _code_outputs(execution.notebook)
        assert len(stored) == len(fresh), _rel(path)
        for number, (before, now) in enumerate(zip(stored, fresh)):
            old_images = [_digest(b) for o in before for b in _images(o)]
            new_images = [_digest(b) for o in now for b in _images(o)]
            if old_images != new_images:
                problems.append(
                    f"{_rel(path)} cell {number}: figures differ (sha256 stored "
                    f"{old_images}, fresh {new_images})"
                )
            old_csv, new_csv = {}, {}
            for o in before:
                old_csv.update(_csvs(o))
            for o in now:
                new_csv.update(_csvs(o))
            differ = sorted(
                label
                for label in set(old_csv) | set(new_csv)
                if old_csv.get(label) != new_csv.get(label)
            )
            if differ:
                problems.append(f"{_rel(path)} cell {number}: table CSVs differ: {differ}")
            compared["images"] += len(old_images)
            compared["csvs"] += len(old_csv)
    assert not problems, (
        "the stored outputs (make notebooks) and a fresh execution differ; if the change "
        "is intended, run `make notebooks`:\n" + "\n".join(problems)
    )
    assert compared["images"] and compared["csvs"], f"nothing compared: {compared}"


def test_site_shows_the_figures_and_csvs_of_the_execution(executed_notebooks):
    if not (SITE_DIR / "index.html").is_file():
        pytest.skip(f"no built book in {SITE_DIR}: run `make book` first")
    executions = _book_executions(executed_notebooks)
    images, csvs = set(), {}
    for execution in executions.values():
        for outputs in _code_outputs(execution.notebook):
            for output in outputs:
                images.update(_digest(b) for b in _images(output))
                csvs.update(_csvs(output))
    # Pictures the pages include from the repository are no outputs.
    sources = {
        _digest(p.read_bytes())
        for folder in ("book", "_static", "notebooks")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix.lower() in {".png", ".jpg", ".jpeg", ".svg", ".gif"}
    }
    site_images = {
        p.name: _digest(_svg_bytes(p.read_bytes()) if p.suffix == ".svg" else p.read_bytes())
        for p in sorted((SITE_DIR / "_images").glob("*"))
        if p.is_file()
    }
    assert site_images, f"no figures in {SITE_DIR / '_images'}"
    foreign = sorted(n for n, d in site_images.items() if d not in images | sources)
    assert not foreign, (
        f"figures in _build/html/_images that the executed notebooks do not hold "
        f"(is _build/html current? run `make book`): {foreign}"
    )
    site_csvs = {p.stem: p.read_bytes() for p in sorted((SITE_DIR / CSV_DIR).glob("*.csv"))}
    assert site_csvs, f"no table CSVs in {SITE_DIR / CSV_DIR}"
    differ = sorted(
        label
        for label, data in site_csvs.items()
        if label not in csvs or csvs[label].encode("utf-8") != data
    )
    assert not differ, (
        f"table CSVs in _build/html/{CSV_DIR} that differ from the executed notebooks "
        f"(is _build/html current? run `make book`): {differ}"
    )
    missing = sorted(set(csvs) - set(site_csvs))
    assert not missing, f"tables of the executed notebooks without a CSV in the site: {missing}"
