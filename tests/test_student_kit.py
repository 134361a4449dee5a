"""The student kit (``make student-kit``) works outside the repository.

The zip is unpacked into a temporary folder, a fresh virtual environment
gets exactly ``pip install -r requirements.txt`` (no access to this
project's environment), and every notebook of the kit executes from the
kit's own folder. The checks of the zip's content are cheap; the run in the
fresh environment is the expensive one (about a minute: installing from
pip's cache, then executing the notebooks two at a time).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile

import nbformat
import pytest

from helpers.book.kit import KIT_NAME, KIT_NOTEBOOKS
from helpers.book.myst import GLUE_ROLE, glue_references
from helpers.book.student import strip_solutions
from helpers.data.config import PROJECT_ROOT

KIT_ZIP = PROJECT_ROOT / "_build" / "studentenkit" / f"{KIT_NAME}.zip"


@pytest.fixture(scope="module")
def kit_dir(tmp_path_factory):
    if not KIT_ZIP.is_file():
        pytest.skip(f"{KIT_ZIP} does not exist: run `make student-kit` first")
    target = tmp_path_factory.mktemp("studentenkit")
    with zipfile.ZipFile(KIT_ZIP) as archive:
        archive.extractall(target)
    folder = target / KIT_NAME
    assert PROJECT_ROOT not in folder.parents, "the kit must be tested outside the repository"
    return folder


@pytest.fixture(scope="module")
def kit_notebooks(kit_dir):
    return {p.name: nbformat.read(p, as_version=4) for p in (kit_dir / "notebooks").glob("*.ipynb")}


def test_kit_holds_every_chapter_and_appendix(kit_notebooks):
    expected = {
        p.name
        for p in (PROJECT_ROOT / "notebooks").glob("*.ipynb")
        if re.fullmatch(KIT_NOTEBOOKS, p.name)
    }
    assert set(kit_notebooks) == expected and len(expected) >= 13


def test_kit_holds_data_wheel_requirements_and_readme(kit_dir):
    assert (kit_dir / "data" / "processed" / "enquete.sav").is_file()
    assert (kit_dir / "data" / "reference" / "report_figures.csv").is_file()
    wheels = list(kit_dir.glob("veiligheid_helpers-*.whl"))
    assert len(wheels) == 1
    requirements = (kit_dir / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert f"./{wheels[0].name}" in requirements
    pins = [line for line in requirements if "==" in line]
    assert {"pandas", "jupyterlab", "jupyterlab_myst"} <= {
        re.split("==", p)[0].lower().replace("-", "_") for p in pins
    }
    readme = (kit_dir / "LEESMIJ.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" in readme and "jupyter lab" in readme


def test_kit_notebooks_hold_no_solution(kit_notebooks):
    for name, nb in kit_notebooks.items():
        for cell in nb.cells:
            assert "solution" not in cell.get("metadata", {}).get("tags", []), name
            if cell.cell_type == "markdown":
                assert "{solution" not in cell.source and "{exercise}" not in cell.source, name


def test_kit_notebooks_read_on_their_own(kit_notebooks):
    """Numbers written in, figures embedded, no glue records, no figure reprs."""
    for name, nb in kit_notebooks.items():
        repo = strip_solutions(nbformat.read(PROJECT_ROOT / "notebooks" / name, as_version=4))
        repo_md = "\n".join(c.source for c in repo.cells if c.cell_type == "markdown")
        figures = {r.key for r in glue_references(repo_md) if r.kind == "figure"}
        attachments = set()
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert not GLUE_ROLE.search(cell.source), (name, cell.source[:200])
                assert not glue_references(cell.source), name
                assert not re.search(r"\{(numref|doc|ref|cite:[pt])\}`", cell.source), name
                # Sphinx-only directives are written out: the data notice, {only}.
                assert not re.search(r"\{(data-notice|only)\}", cell.source), name
                attachments |= set(cell.get("attachments", {}))
            for output in cell.get("outputs", []):
                assert not output.get("metadata", {}).get("scrapbook"), name
                plain = "".join(output.get("data", {}).get("text/plain", ""))
                assert not plain.startswith("<Figure size"), name
        assert {f"{f}.png" for f in figures} <= attachments, name


def test_kit_exercises_are_numbered_per_chapter(kit_notebooks):
    numbers = re.findall(
        r"\{admonition\} Opgave (\d+)\.(\d+)",
        "".join(c.source for c in kit_notebooks["04_opinie_inwoners.ipynb"].cells),
    )
    assert numbers and {n for n, _ in numbers} == {"4"}
    assert [int(k) for _, k in numbers] == list(range(1, len(numbers) + 1))


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{args[:3]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


RUNNER = textwrap.dedent(
    """
    import json, sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    import helpers
    import nbformat
    from helpers.data import config
    from nbclient import NotebookClient

    folder = Path.cwd()

    def run(path):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}})
        client.execute()
        return path.name

    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(run, sorted(folder.glob("*.ipynb"))))
    print(json.dumps({"helpers": helpers.__file__, "root": str(config.PROJECT_ROOT),
                      "executed": done}))
    """
)


@pytest.mark.slow
def test_kit_notebooks_run_in_a_fresh_virtual_environment(kit_dir, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VEILIGHEID_", "VIRTUAL_ENV", "PYTHONPATH", "JUPYTER"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")
    env["MPLCONFIGDIR"] = str(tmp_path / "matplotlib")
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-input", "-r", "requirements.txt"],
        cwd=kit_dir,
        env=env,
    )
    result = _run([str(python), "-c", RUNNER], cwd=kit_dir / "notebooks", env=env)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert str(venv) in report["helpers"], "the helpers must come from the kit's wheel"
    assert report["root"] == str(kit_dir), "the helpers must read the kit's data"
    assert len(report["executed"]) == len(list((kit_dir / "notebooks").glob("*.ipynb")))
