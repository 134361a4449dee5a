"""The student kit: the notebooks, the data and the helpers in one zip.

``make student-kit`` (``python -m helpers.book.kit``) writes
``_build/studentenkit/burgers-als-partners-studentenkit.zip``. Unpacked, the
folder holds everything a student needs outside the repository, without
``make``, git or this project's tooling::

    LEESMIJ.md               how to install and start (Dutch)
    requirements.txt         exact versions, the helpers' wheel included
    veiligheid_helpers-*.whl the helpers package
    notebooks/*.ipynb        the chapters: no solutions, numbers written in
    data/...                 the synthetic data the notebooks read

A fresh virtual environment plus ``pip install -r requirements.txt`` is all
it takes; the helpers find ``data/`` by looking upwards from the notebook's
folder (see :mod:`helpers.data.config`). Only the synthetic data may go in a
kit: with real deliveries (``VEILIGHEID_RAW_DIR``) the build refuses.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
from packaging.requirements import Requirement

from helpers.book.student import CrossReferences, GlueStore, kit_notebook, stale_outputs
from helpers.data import config
from helpers.data.provenance import read_provenance

__all__ = [
    "KIT_NAME",
    "KIT_NOTEBOOKS",
    "build_kit",
    "cross_references",
    "pinned_requirements",
]

KIT_NAME = "burgers-als-partners-studentenkit"
#: The notebooks a kit holds: the chapters and the appendices (the
#: municipality pages are generated and stay in the book).
KIT_NOTEBOOKS = r"(\d\d|b\d)_.*\.ipynb"
#: Data folders the notebooks read, relative to ``data/``.
KIT_DATA = ("processed", "raw", "mappings", "reference", "interviews", "synthetic")
#: What a student runs besides the helpers: JupyterLab with MyST rendering.
LAB_PACKAGES = ("jupyterlab", "jupyterlab-myst", "ipykernel")
DEFAULT_OUT = config.PROJECT_ROOT / "_build" / "studentenkit"

README = """\
# Studentenkit: Burgers als partners in lokale veiligheidszorg

Deze map bevat de notebooks van het boek, zonder oplossingen, met de
(synthetische) gegevens en de hulpfuncties. Je hebt geen git, `make` of de
volledige projectmap nodig.

## Installeren (eenmalig)

Je hebt Python {python} nodig. Open een terminal (Windows: "Opdrachtprompt"
of "PowerShell") **in deze map** en typ:

```
python -m venv .venv
.venv\\Scripts\\activate        (Windows)
source .venv/bin/activate       (macOS, Linux)
python -m pip install -r requirements.txt
```

Met Anaconda: `conda create -n veiligheid python={python}`, dan
`conda activate veiligheid` en `python -m pip install -r requirements.txt`.

## Werken

Activeer de omgeving (zie hierboven) en start JupyterLab in deze map:

```
jupyter lab
```

Open een notebook in `notebooks/`. De tekst toont de cijfers en figuren van
het boek; voer de cellen uit (Run > Run All Cells) om alles zelf te
berekenen, en los de opgaven op in nieuwe cellen. De gegevens zijn
synthetisch: verbanden tussen variabelen tonen een methode, geen bevinding.

De gemeenten zijn in het bestand gecodeerd (1 tot 10), maar je kunt ook met
namen filteren: `survey[survey["municipality"] == "Gemeente A"]`.
"""


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(roots=("veiligheid-helpers", *LAB_PACKAGES)):
    """Exact versions of everything the roots need, from this environment.

    Parameters
    ----------
    roots : iterable of str
        Distributions to start from (their non-extra requirements are
        followed recursively; markers are evaluated for this machine, and
        pip adds what another platform needs on top).

    Returns
    -------
    list of str
        ``name==version`` lines, sorted; the helpers themselves excluded
        (they come as a wheel).
    """
    seen, todo = {}, [_norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            todo.append(_norm(req.name))
    seen.pop("veiligheid-helpers", None)
    return sorted(f"{d.metadata['Name']}=={d.version}" for d in seen.values())


def _titles(book_root):
    titles = {}
    for path in list((book_root / "notebooks").glob("*.ipynb")) + list(
        (book_root / "book").glob("*.md")
    ):
        if path.suffix == ".ipynb":
            cells = nbformat.read(path, as_version=4).cells
            text = "".join(cells[0].source) if cells else ""
        else:
            text = path.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.M)
        if heading:
            docname = path.relative_to(book_root).with_suffix("").as_posix()
            titles[docname] = heading[1].strip()
    return titles


def _citations(bibfile):
    from pybtex.database import parse_file

    citations = {}
    for key, entry in parse_file(str(bibfile)).entries.items():
        people = entry.persons.get("author", [])
        names = [" ".join(p.prelast_names + p.last_names).strip("{}") for p in people]
        if len(names) > 2:
            authors = f"{names[0]} et al."
        else:
            authors = " & ".join(names)
        citations[key] = (authors.replace("{", "").replace("}", ""), entry.fields.get("year", ""))
    return citations


def _labels(site_dir):
    """``{label: text}`` of every numbered reference in the built book."""
    link = re.compile(
        r'<a class="reference internal" href="[^"#]*#([^"]+)"[^>]*>\s*'
        r'<span class="std std-(?:numref|ref)">(.*?)</span>',
        re.S,
    )
    labels = {}
    for page in Path(site_dir).rglob("*.html"):
        for label, text in link.findall(page.read_text(encoding="utf-8")):
            labels.setdefault(label, re.sub(r"<[^>]+>", "", text).strip())
    return labels


def cross_references(book_root, site_dir):
    """Texts for the cross-references of the notebooks, from the built book."""
    book_root = Path(book_root)
    return CrossReferences(
        _labels(site_dir), _titles(book_root), _citations(book_root / "book" / "references.bib")
    )


def _build_wheel(book_root, out_dir):
    """Build the helpers' wheel from a clean copy of the package sources."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src-copy"
        copy.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(book_root / name, copy / name)
        shutil.copytree(
            book_root / "src",
            copy / "src",
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--quiet",
                "-w",
                str(out_dir),
                str(copy),
            ],
            check=True,
        )
    return next(Path(out_dir).glob("veiligheid_helpers-*.whl"))


def build_kit(
    book_root=config.PROJECT_ROOT,
    executed_dir=None,
    site_dir=None,
    out_dir=DEFAULT_OUT,
):
    """Write the student kit's zip.

    Parameters
    ----------
    book_root : pathlib.Path
        The repository.
    executed_dir : pathlib.Path, optional
        Executed notebooks of a full build (default ``_build/jupyter_execute``),
        to check that the stored outputs are current.
    site_dir : pathlib.Path, optional
        The built book (default ``_build/html``), for cross-reference texts.
    out_dir : pathlib.Path
        Receives ``<KIT_NAME>.zip``.

    Returns
    -------
    pathlib.Path
        The zip.

    Raises
    ------
    RuntimeError
        When the data are not the synthetic ones.
    """
    provenance = read_provenance()
    if not provenance.generated:
        raise RuntimeError(
            "the student kit ships only the generator's synthetic data, but the processed "
            f"file was built from delivered files ({provenance.mode}; raw folder {config.RAW_DIR})"
        )
    book_root = Path(book_root)
    executed_dir = Path(executed_dir or book_root / "_build" / "jupyter_execute")
    site_dir = Path(site_dir or book_root / "_build" / "html")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = stale_outputs(book_root, executed_dir)
    if stale:
        raise RuntimeError(
            f"stored notebook outputs differ from the last build ({', '.join(stale[:5])}): "
            "run `make notebooks` first"
        )
    sources = sorted(
        p for p in (book_root / "notebooks").glob("*.ipynb") if re.fullmatch(KIT_NOTEBOOKS, p.name)
    )
    executed = {p.name: nbformat.read(p, as_version=4) for p in sources}
    store, refs = GlueStore(executed), cross_references(book_root, site_dir)

    with tempfile.TemporaryDirectory() as tmp:
        kit = Path(tmp) / KIT_NAME
        (kit / "notebooks").mkdir(parents=True)
        for name, nb in executed.items():
            nbformat.write(
                kit_notebook(nb, name, store, refs, book_root, provenance),
                kit / "notebooks" / name,
            )
        for folder in KIT_DATA:
            source = config.DATA_DIR / folder
            shutil.copytree(source, kit / "data" / folder, ignore=shutil.ignore_patterns(".*"))
        wheel = _build_wheel(book_root, kit)
        python = f"{sys.version_info.major}.{sys.version_info.minor}"
        lines = [
            "# Exact versions the book was built with; install with",
            "#   python -m pip install -r requirements.txt   (from this folder)",
            f"./{wheel.name}",
            *pinned_requirements(),
        ]
        (kit / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (kit / "LEESMIJ.md").write_text(README.format(python=python), encoding="utf-8")
        target = out_dir / f"{KIT_NAME}.zip"
        tmp_zip = out_dir / f".{KIT_NAME}.zip.tmp"
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(kit.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(path.relative_to(tmp).as_posix(), (2020, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, path.read_bytes())
        tmp_zip.replace(target)
    return target


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    target = build_kit(out_dir=args.out)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
