"""Notebooks for students: without solutions, and readable outside the book.

Two products come from the chapter notebooks with their stored outputs
(``make notebooks`` writes them, nbval proves them current, and
:func:`stale_outputs` compares them with a fresh build), so no notebook runs
again:

* the sources of the **student edition** (``make book-student``): every
  notebook and page as in the book, with every solution removed from the
  source itself (``{solution}`` blocks and gated ``solution-start`` ...
  ``solution-end`` ranges, code cells included). sphinx-exercise's
  ``hide_solutions`` hides solutions from the HTML only; the ``.ipynb`` a
  reader downloads and the search index are built from these sources, so
  they hold no solution either;
* the notebooks of the **student kit** (``make student-kit``, see
  :mod:`helpers.book.kit`): the same solution-free notebooks, with every
  glued number, table and figure written into the text, cross-references
  written out ("Tabel 4", "Opgave 4.2") and the hidden glue records removed,
  so they read on their own in JupyterLab (with jupyterlab-myst) while their
  code still runs.
"""

from __future__ import annotations

import ast
import base64
import copy
import re
import shutil
from pathlib import Path

import nbformat

from helpers.book.myst import GLUE_ROLE, fenced_blocks, glued_names, resolve_only_blocks
from helpers.book.provenance import data_notice, wording_tag
from helpers.book.sphinx_exercises import exercise_number
from helpers.data.provenance import read_provenance

__all__ = [
    "CrossReferences",
    "GlueStore",
    "is_solution_free",
    "kit_notebook",
    "stale_outputs",
    "strip_solutions",
    "write_student_sources",
]

#: Directives that hold a solution (gated ones are ranges, see strip_solutions).
SOLUTION_DIRECTIVES = ("solution",)
#: Tag of a hidden code cell that computes only what a solution shows.
SOLUTION_TAG = "solution"


# --- solutions ---------------------------------------------------------------


def _remove_lines(text, spans):
    lines = text.split("\n")
    keep = [line for i, line in enumerate(lines) if not any(a <= i <= b for a, b in spans)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip("\n")


def strip_solutions(notebook):
    """Return a copy of a notebook without any solution.

    Removes every ``{solution}`` directive, everything from a
    ``{solution-start}`` directive up to and including its ``{solution-end}``
    (the gated solutions: Markdown and code cells in between go too), and
    every code cell tagged ``solution`` (hidden cells that compute what a
    solution shows). A Markdown cell left empty is dropped.

    Parameters
    ----------
    notebook : nbformat.NotebookNode

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        If a ``solution-start`` has no ``solution-end``.
    """
    nb = copy.deepcopy(notebook)
    cells = []
    inside = False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if not inside and SOLUTION_TAG not in cell.get("metadata", {}).get("tags", []):
                cells.append(cell)
            continue
        text = "".join(cell.source)
        lines = text.split("\n")
        spans = []
        start = 0 if inside else None
        for block in fenced_blocks(text):
            if block.name in SOLUTION_DIRECTIVES and start is None:
                spans.append((block.start, block.end))
            elif block.name == "solution-start" and start is None:
                start = block.start
            elif block.name == "solution-end" and start is not None:
                spans.append((start, block.end))
                start = None
        inside = start is not None
        if inside:
            spans.append((start, len(lines) - 1))
        cell.source = _remove_lines(text, spans) if spans else text
        if cell.source.strip():
            cells.append(cell)
    if inside:
        raise ValueError("a solution-start has no solution-end")
    nb.cells = cells
    return nb


def is_solution_free(notebook):
    """True when no cell of the notebook holds a solution directive or tag."""
    for cell in notebook["cells"]:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            return False
        if cell["cell_type"] == "markdown":
            names = {b.name for b in fenced_blocks("".join(cell["source"]))}
            if names & {"solution", "solution-start", "solution-end"}:
                return False
    return True


# --- glue --------------------------------------------------------------------


class GlueStore:
    """The glued values of a set of executed notebooks, by page and name.

    Parameters
    ----------
    notebooks : dict
        ``{file name: executed notebook}``, e.g. ``{"04_opinie_inwoners.ipynb": nb}``.
    """

    def __init__(self, notebooks):
        self._data = {name: glued_names(nb) for name, nb in notebooks.items()}

    def output(self, page, key):
        """The glue output (with its ``data`` mimebundle) of ``key`` on ``page``."""
        try:
            return self._data[page][key]
        except KeyError:
            raise KeyError(f"{page}: nothing is glued under {key!r}") from None

    def text(self, page, key, fmt=None):
        """The glued value as text, formatted the way ``{glue:text}`` does."""
        data = self.output(page, key)["data"]
        plain = data.get("text/markdown") or data.get("text/plain", "")
        if isinstance(plain, list):
            plain = "".join(plain)
        try:
            value = ast.literal_eval(plain)
        except (ValueError, SyntaxError):
            value = plain
        if fmt:
            try:
                return format(value, fmt)
            except (TypeError, ValueError):
                return str(value)
        return str(value)


class CrossReferences:
    """Plain text for ``{numref}``, ``{ref}``, ``{doc}`` and ``{cite}`` roles.

    Parameters
    ----------
    labels : dict
        ``{label: text}`` as the built book shows it ("Tabel 4", "Opgave 4.2").
    titles : dict
        ``{docname: title}`` (docname relative to the book root, no suffix).
    citations : dict
        ``{key: (authors, year)}`` from the bibliography.
    """

    ROLE = re.compile(r"\{(numref|ref|doc|cite:p|cite:t|cite)\}`([^`]+)`")

    def __init__(self, labels, titles, citations):
        self.labels, self.titles, self.citations = labels, titles, citations

    def _target(self, content):
        match = re.fullmatch(r"(.*?)\s*<([^>]+)>", content.strip(), re.S)
        return (match[1], match[2]) if match else (None, content.strip())

    def _doc(self, target, page_dir):
        path = target.lstrip("/") if target.startswith("/") else f"{page_dir}/{target}"
        parts = []
        for part in path.split("/"):
            if part == "..":
                parts = parts[:-1]
            elif part and part != ".":
                parts.append(part)
        return self.titles.get("/".join(parts), target)

    def _cite(self, role, keys):
        items = []
        for key in (k.strip() for k in keys.split(",")):
            authors, year = self.citations.get(key, (key, ""))
            items.append((authors, year))
        if role == "cite:t":
            return "; ".join(f"{a} ({y})" for a, y in items)
        return "(" + "; ".join(f"{a}, {y}" for a, y in items) + ")"

    def resolve(self, text, page_dir="notebooks"):
        """Replace every cross-reference role in ``text`` by its plain text."""

        def replace(match):
            role, content = match[1], match[2]
            if role.startswith("cite"):
                return self._cite(role, content)
            explicit, target = self._target(content)
            if role == "doc":
                return explicit or self._doc(target, page_dir)
            number = self.labels.get(target, target)
            if explicit:
                return explicit.replace("%s", number.split(" ", 1)[-1]).replace("{number}", number)
            return number

        return self.ROLE.sub(replace, text)


# --- notebooks for the kit ------------------------------------------------------


def _option_lines(lines):
    options, body_start = {}, 0
    for i, line in enumerate(lines):
        match = re.match(r"^:([\w-]+):\s*(.*)$", line)
        if not match:
            body_start = i
            break
        options[match[1]] = match[2]
    else:
        body_start = len(lines)
    return options, lines[body_start:]


#: Image types a glued figure may carry, in order of preference, with the
#: file extension of the notebook attachment. JupyterLab shows only raster
#: images as attachments of a Markdown cell, so the book's charts (SVG for
#: the site) come with a PNG for the kit (:class:`helpers.present.figures.ChartImage`).
FIGURE_MIMES = {"image/png": "png", "image/jpeg": "jpg"}


class _Inliner:
    """Write the glued values of one page into its Markdown."""

    def __init__(self, page, store, refs, include_root, chapter, provenance):
        self.page, self.store, self.refs = page, store, refs
        self.include_root, self.chapter = include_root, chapter
        self.provenance = provenance
        self.attachments = {}
        self.exercises = 0

    def role(self, match):
        kind, content = match["kind"] or "", match["content"]
        page = self.page
        if "::" in content:
            page, content = content.split("::", 1)
        key, _, fmt = content.partition(":")
        key = key.strip()
        if kind == "md":
            data = self.store.output(page, key)["data"]
            return "".join(data.get("text/markdown", "")) or self.store.text(page, key)
        return self.store.text(page, key, fmt or None)

    def _figure(self, key, options, caption):
        data = self.store.output(self.page, key)["data"]
        image = next((m for m in FIGURE_MIMES if m in data), None)
        if image is not None:
            name = f"{key}.{FIGURE_MIMES[image]}"
            payload = data[image]
            self.attachments[name] = {
                image: "".join(payload) if isinstance(payload, list) else payload
            }
            head = ["```{figure} attachment:" + name]
            head += [f":{opt}: {value}" for opt, value in options.items() if opt in ("name", "alt")]
            return head + [""] + caption + ["```"]
        html = data.get("text/html")
        if html is not None:
            html = "".join(html) if isinstance(html, list) else html
            return [html.strip(), ""] + caption
        return ["```text", self.store.text(self.page, key), "```", ""] + caption

    def block(self, name, argument, body):
        """The Markdown lines that replace one fenced directive."""
        if name == "include":
            path = (self.include_root / "notebooks" / argument).resolve()
            return self.markdown(path.read_text(encoding="utf-8")).split("\n")
        if name in ("glue", "glue:figure", "glue:any"):
            options, caption = _option_lines(body)
            caption = self.markdown("\n".join(caption)).split("\n") if caption else []
            return self._figure(argument.strip(), options, caption)
        if name == "glue:md":
            data = self.store.output(self.page, argument.strip())["data"]
            return ("".join(data.get("text/markdown", "")) or "").split("\n")
        if name == "data-notice":
            # The notice the book's Sphinx extension writes, as plain MyST.
            return self.markdown(data_notice(self.provenance)).split("\n")
        if name == "exercise":
            self.exercises += 1
            options, content = _option_lines(body)
            chapter = re.match(r"(\d+)_", self.chapter.rsplit("/", 1)[-1])
            secnumber = (int(chapter[1]),) if chapter else None
            number = exercise_number(self.chapter, secnumber, self.exercises)
            title = f"Opgave {number}" + (f": {argument}" if argument else "")
            inner = self.markdown("\n".join(content)).split("\n")
            return [f"{{admonition}} {title}", ":class: tip", ""] + inner
        return None

    def markdown(self, text):
        lines = text.split("\n")
        out, i = [], 0
        for block in fenced_blocks(text):
            out.extend(self._inline_lines(lines[i : block.start]))
            closed = block.end > block.start and lines[block.end].strip().startswith(block.fence)
            body = lines[block.start + 1 : block.end if closed else block.end + 1]
            replacement = self.block(block.name, block.argument, body)
            if replacement is None:
                out.append(self._inline(lines[block.start]))
                out.extend(self.markdown("\n".join(body)).split("\n"))
                if closed:
                    out.append(lines[block.end])
            elif block.name == "exercise":
                fence = block.fence
                out.append(fence + replacement[0])
                out.extend(replacement[1:])
                out.append(fence)
            else:
                out.extend(replacement)
            i = block.end + 1
        out.extend(self._inline_lines(lines[i:]))
        return "\n".join(out)

    def _inline(self, line):
        return self.refs.resolve(GLUE_ROLE.sub(self.role, line), "notebooks")

    def _inline_lines(self, lines):
        return self._inline("\n".join(lines)).split("\n") if lines else []


def _is_glue_record(output):
    return bool(output.get("metadata", {}).get("scrapbook"))


def _is_figure_repr(output):
    data = output.get("data", {})
    plain = "".join(data.get("text/plain", ""))
    return set(data) == {"text/plain"} and plain.startswith("<Figure size")


def kit_notebook(notebook, page, store, refs, include_root, provenance=None):
    """Make the student-kit version of one executed notebook.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook (with solutions).
    page : str
        Its file name, e.g. ``"04_opinie_inwoners.ipynb"``.
    store : GlueStore
        Glued values of every notebook (cross-page glue).
    refs : CrossReferences
        Texts of the cross-references.
    include_root : pathlib.Path
        The book's root, for ``{include}`` directives.
    provenance : helpers.data.provenance.Provenance, optional
        What the data are; read from the processed file by default. The
        ``{data-notice}`` directive becomes its notice, and of the ``{only}``
        blocks only the wording for these data is kept.

    Returns
    -------
    nbformat.NotebookNode
        No solutions; every glue role, glue directive, include, data notice,
        ``{only}`` block and cross-reference written out; exercises as admonitions titled
        "Opgave N.k"; glue records and bare figure reprs removed from the
        outputs; other outputs kept.
    """
    nb = strip_solutions(notebook)
    provenance = read_provenance() if provenance is None else provenance
    inliner = _Inliner(page, store, refs, include_root, f"notebooks/{Path(page).stem}", provenance)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            inliner.attachments = {}
            # Keep the wording of the data the kit ships; drop the other.
            text = resolve_only_blocks("".join(cell.source), wording_tag(provenance))
            cell.source = inliner.markdown(text)
            if inliner.attachments:
                cell["attachments"] = inliner.attachments
        elif cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not _is_glue_record(o) and not _is_figure_repr(o)
            ]
            cell.metadata.pop("execution", None)
    nb.metadata.pop("mystnb", None)
    return nb


# --- the student edition's sources ----------------------------------------------


def stale_outputs(book_root, executed_dir):
    """Glued values whose stored output differs from a fresh build.

    The student edition and the kit are made from the notebooks' stored
    outputs (nbval proves them current in ``make test``). When a full build
    exists, its glue records (``<notebook>.glue.json`` beside the executed
    notebooks) are compared with the stored ones, so a stale notebook is
    caught before it reaches students.

    Returns
    -------
    list of str
        ``"notebook: name"`` for every glued name whose ``text/plain`` differs.
    """
    import json

    stale = []
    for record in sorted(Path(executed_dir).rglob("*.glue.json")):
        relative = record.relative_to(executed_dir).as_posix().removesuffix(".glue.json")
        stored_path = Path(book_root) / f"{relative}.ipynb"
        if not stored_path.is_file():
            continue
        stored = glued_names(nbformat.read(stored_path, as_version=4))
        for name, output in json.loads(record.read_text(encoding="utf-8")).items():
            fresh = output.get("data", {}).get("text/plain")
            old = stored.get(name, {}).get("data", {}).get("text/plain")
            if isinstance(old, list):
                old = "".join(old)
            if fresh != old:
                stale.append(f"{relative}: {name}")
    return stale


def write_student_sources(book_root, out_dir, extra_pages=()):
    """Write the sources of the student edition: the book without solutions.

    Parameters
    ----------
    book_root : pathlib.Path
        The repository (``_toc.yml``, ``book/``, ``notebooks/``, ``_static/``);
        its notebooks carry their outputs, so the student edition needs no
        execution.
    out_dir : pathlib.Path
        Emptied, then filled with the solution-free sources.
    extra_pages : iterable of (str, str)
        ``(relative path, text)`` of pages to add or replace.

    Returns
    -------
    list of pathlib.Path
        The notebooks written.
    """
    book_root, out_dir = Path(book_root), Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    shutil.copy2(book_root / "_toc.yml", out_dir / "_toc.yml")
    for folder in ("book", "_static"):
        if (book_root / folder).is_dir():
            shutil.copytree(book_root / folder, out_dir / folder)
    written = []
    for source in sorted((book_root / "notebooks").rglob("*")):
        if source.is_dir() or {"__pycache__", ".ipynb_checkpoints"} & set(source.parts):
            continue
        target = out_dir / source.relative_to(book_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix != ".ipynb":
            shutil.copy2(source, target)
            continue
        nbformat.write(strip_solutions(nbformat.read(source, as_version=4)), target)
        written.append(target)
    for relative, text in extra_pages:
        (out_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / relative).write_text(text, encoding="utf-8")
    return written


def encode_png(data):
    """Base64 text of PNG bytes (for notebook attachments)."""
    return base64.b64encode(data).decode("ascii")


#: The page of the student edition that offers the kit (Dutch).
KIT_PAGE = """\
# Werken met de notebooks

Elk hoofdstuk van dit boek is een Jupyter-notebook. Je kunt ze zelf uitvoeren,
aanpassen en de opgaven oplossen in een nieuwe cel onder de opgave.

```{{admonition}} Download de studentenkit
:class: tip

{{download}}`{name} <{name}>` bevat de notebooks (zonder oplossingen, met de
cijfers en figuren in de tekst), de synthetische gegevens, de hulpfuncties en
een korte handleiding (`LEESMIJ.md`).
```

1. Pak het zipbestand uit in een map naar keuze.
2. Open een terminal in die map en maak een virtuele omgeving:
   `python -m venv .venv`, activeer ze (Windows: `.venv\\Scripts\\activate`;
   macOS en Linux: `source .venv/bin/activate`) en installeer alles met
   `python -m pip install -r requirements.txt`.
3. Start `jupyter lab` in dezelfde map en open een notebook in `notebooks/`.

De gegevens zijn synthetisch: ze bootsen de cijfers van het rapport na, en
verbanden tussen variabelen tonen een methode, geen bevinding.
"""

#: Box at the top of the student edition's introduction.
KIT_NOTICE = """
```{admonition} Zelf aan de slag
:class: tip

Wil je de notebooks zelf uitvoeren? Lees {doc}`werken_met_notebooks` en
download daar de studentenkit.
```
"""


def student_config(config, title_suffix=" (studenteneditie)"):
    """The student edition's ``_config.yml`` from the book's.

    Solutions hidden (also by sphinx-exercise, as a second line of defence),
    no execution (the sources carry their outputs), and no buttons that lead
    to the repository's notebooks, which hold the solutions.
    """
    config = copy.deepcopy(config)
    config["title"] = config["title"] + title_suffix
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config["launch_buttons"] = {"notebook_interface": "jupyterlab", "binderhub_url": ""}
    html = config.setdefault("html", {})
    html["use_repository_button"] = False
    html["use_issues_button"] = False
    html["use_edit_page_button"] = False
    return config


def write_student_edition(book_root, out_dir, kit_zip=None):
    """Write the student edition's sources and configuration.

    Parameters
    ----------
    book_root : pathlib.Path
    out_dir : pathlib.Path
        Receives ``src/`` (the sources) and ``_config.yml``.
    kit_zip : pathlib.Path, optional
        The student kit; when given, it is copied next to a page that offers
        it, and the introduction points to that page.

    Returns
    -------
    pathlib.Path
        The source folder.
    """
    import yaml

    book_root, out_dir = Path(book_root), Path(out_dir)
    src = out_dir / "src"
    extra = []
    if kit_zip is not None:
        intro = (book_root / "book" / "intro.md").read_text(encoding="utf-8")
        title_end = intro.index("\n", intro.index("# ")) + 1
        extra.append(("book/intro.md", intro[:title_end] + KIT_NOTICE + intro[title_end:]))
        extra.append(("book/werken_met_notebooks.md", KIT_PAGE.format(name=Path(kit_zip).name)))
    write_student_sources(book_root, src, extra)
    if kit_zip is not None:
        shutil.copy2(kit_zip, src / "book" / Path(kit_zip).name)
        toc = yaml.safe_load((src / "_toc.yml").read_text(encoding="utf-8"))
        toc["parts"][-1]["chapters"].insert(0, {"file": "book/werken_met_notebooks"})
        (src / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True), encoding="utf-8")
    config = yaml.safe_load((book_root / "_config.yml").read_text(encoding="utf-8"))
    (out_dir / "_config.yml").write_text(
        yaml.safe_dump(student_config(config), allow_unicode=True), encoding="utf-8"
    )
    return src


def main(argv=None):
    """Command line: ``python -m helpers.book.student OUT_DIR [--kit ZIP]``."""
    import argparse

    from helpers.data.config import PROJECT_ROOT

    parser = argparse.ArgumentParser(description="Write the student edition's sources.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--kit", type=Path, default=None)
    parser.add_argument(
        "--executed", type=Path, default=PROJECT_ROOT / "_build" / "jupyter_execute"
    )
    args = parser.parse_args(argv)
    stale = stale_outputs(PROJECT_ROOT, args.executed) if args.executed.is_dir() else []
    if stale:
        raise SystemExit(
            f"stored notebook outputs differ from the last build ({', '.join(stale[:5])}): "
            "run `make notebooks` first"
        )
    src = write_student_edition(PROJECT_ROOT, args.out, args.kit)
    print(f"wrote the student edition's sources to {src}")


if __name__ == "__main__":
    main()
