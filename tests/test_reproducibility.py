"""Two clean builds give the same data, the same table CSVs and the same figures.

* The pipeline, run twice into two fresh folders, writes byte-identical
  ``enquete.sav`` and ``merge_log.csv``.
* ``render_table`` embeds a deterministic CSV export, which
  :mod:`helpers.book.sphinx_tables` turns into ``_tabellen/<label>.csv`` plus a
  "Download als CSV" link.
* A second clean book build, in a copy of the repository, gives the same
  figures (``_build/html/_images``) and the same table CSVs
  (``_build/html/_tabellen``) as the current ``_build/html``. This one is
  slow: a full clean build that executes every notebook (measured on 2 cores
  with 23 notebooks: 145 s for pipeline + book; a clean ``make book`` took
  90 s on a quiet machine and up to 10 min while other builds shared the
  cores). It is marked ``slow`` and still runs in ``make test``
  (``-m "not slow"`` leaves it out).

``SOURCE_DATE_EPOCH`` is taken from the environment (the Makefile exports it)
or set to the Makefile's value.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest_site import ROOT, SITE_DIR

from helpers.book.sphinx_tables import CSV_DIR, extract_csv
from helpers.present.render import render_table, table_csv

SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "1577836800")
BIN = Path(sys.executable).parent

#: Not copied for the second build: environments, builds, caches, outputs.
_COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    "_build",
    ".git",
    ".pytest_cache",
    "__pycache__",
    ".ipynb_checkpoints",
    ".jupyter_cache",
    "*.egg-info",
)


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


@pytest.mark.slow
def test_second_clean_build_gives_identical_figures_and_csvs(tmp_path):
    if not (SITE_DIR / "index.html").is_file():
        pytest.skip(f"no built book in {SITE_DIR}: run `make book` first")
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=_COPY_IGNORE, symlinks=True)
    shutil.rmtree(copy / "data" / "processed", ignore_errors=True)
    (copy / "data" / "processed").mkdir()

    started = time.monotonic()
    _run_pipeline(copy / "data" / "processed", project_root=copy)
    build = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(copy), "-W", "-n", "--keep-going"],
        cwd=copy,
        env=_env(copy),
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    print(f"second clean build (pipeline + book): {seconds:.0f} s")
    problems = []
    if build.returncode != 0:
        log = re.sub(r"\x1b\[[0-9;]*m", "", build.stdout + "\n" + build.stderr)
        causes = [
            line
            for line in log.splitlines()
            if re.search(r"WARNING|ERROR|Error|Exception", line) and "IPKernelApp" not in line
        ]
        problems.append(
            f"second clean build failed (exit {build.returncode}) after {seconds:.0f} s:\n"
            + "\n".join(causes[-20:] or log.splitlines()[-20:])
        )
    second = copy / "_build" / "html"
    # With --keep-going the site is complete despite warnings: compare anyway.
    for sub in ("_images", CSV_DIR):
        ours, theirs = SITE_DIR / sub, second / sub
        a = _files(ours) if ours.is_dir() else {}
        b = _files(theirs) if theirs.is_dir() else {}
        only_first = sorted(set(a) - set(b))
        only_second = sorted(set(b) - set(a))
        differ = sorted(name for name in set(a) & set(b) if a[name] != b[name])
        if only_first or only_second or differ:
            problems.append(
                f"{sub} differs between _build/html and a clean rebuild "
                f"(is _build/html current? run `make book`): only in _build/html: "
                f"{only_first}; only in the rebuild: {only_second}; different bytes: {differ}"
            )
        elif not a:
            problems.append(f"{sub}: nothing to compare (no files in _build/html/{sub})")
    assert not problems, "\n\n".join(problems)
