"""The student edition (``make book-student``) keeps the exercises but holds no solution.

Not in its pages, and not in anything a student can download from it: the
``.ipynb`` and ``.md`` sources, the search index, the student kit. Every file
of the built student site is read.
"""

from __future__ import annotations

import functools
import json
import re
import zipfile

import nbformat
import pytest
from bs4 import BeautifulSoup

from helpers.book.myst import glue_references
from helpers.book.sphinx_search_nl import SearchDutchPorter
from helpers.book.student import is_solution_free, strip_solutions
from helpers.data.config import PROJECT_ROOT

FULL_HTML = PROJECT_ROOT / "_build" / "html"
STUDENT_HTML = PROJECT_ROOT / "_build" / "student" / "_build" / "html"
NOTEBOOKS = sorted(p for p in (PROJECT_ROOT / "notebooks").rglob("*.ipynb") if "_" != p.name[0])

SOLUTION = re.compile(r'class="[^"]*\bsolution\b[^"]*"')
EXERCISE = re.compile(r'class="[^"]*\bexercise\b[^"]*"')
#: Markup that only a solution has, in sources and in pages.
SOLUTION_MARKERS = ("{solution", "solution-start", "solution-end", "Oplossing van")
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".pickle"}


def _pages(root):
    if not root.is_dir():
        pytest.skip(f"{root} does not exist: run `make book book-student` first")
    return {p.relative_to(root): p.read_text(encoding="utf-8") for p in root.rglob("*.html")}


def _text(html):
    main = BeautifulSoup(html, "html.parser")
    return re.sub(r"\s+", " ", main.get_text(" "))


@functools.cache
def _student_files():
    if not STUDENT_HTML.is_dir():
        pytest.skip(f"{STUDENT_HTML} does not exist: run `make book-student` first")
    files = {}
    for path in sorted(STUDENT_HTML.rglob("*")):
        if path.is_file() and path.suffix not in BINARY:
            files[path.relative_to(STUDENT_HTML)] = path.read_bytes()
    return files


@functools.cache
def _solution_lines():
    """Source lines only solutions have: full notebooks minus their stripped versions."""
    notebooks = [nbformat.read(path, as_version=4) for path in NOTEBOOKS]
    kept = {
        line.strip()
        for nb in notebooks
        for cell in strip_solutions(nb).cells
        for line in cell.source.splitlines()
    }
    return {
        line.strip()
        for nb in notebooks
        for cell in nb.cells
        for line in cell.source.splitlines()
        if len(line.strip()) >= 30 and line.strip() not in kept and not line.strip().startswith(":")
    }


def _lines(text):
    return {line.strip() for line in text.splitlines()}


@functools.cache
def _solution_sentences():
    """Rendered sentences that only the solutions of the full book hold."""
    sentences = set()
    for html in _pages(FULL_HTML).values():
        soup = BeautifulSoup(html, "html.parser")
        blocks = soup.find_all("div", class_="solution")
        solution_text = [re.sub(r"\s+", " ", b.get_text(" ")) for b in blocks]
        for block in blocks:
            block.decompose()
        rest = re.sub(r"\s+", " ", soup.get_text(" "))
        for text in solution_text:
            for sentence in re.split(r"(?<=[.:;?!])\s", text):
                sentence = sentence.strip()
                if len(sentence) >= 40 and sentence not in rest:
                    sentences.add(sentence)
    return sentences


def test_full_edition_has_solutions():
    pages = _pages(FULL_HTML)
    assert sum(len(SOLUTION.findall(text)) for text in pages.values()) > 0
    assert len(_solution_sentences()) > 100
    assert len(_solution_lines()) > 100


def test_student_edition_has_no_solution_anywhere():
    pages = _pages(STUDENT_HTML)
    with_solutions = sorted(str(name) for name, text in pages.items() if SOLUTION.search(text))
    assert not with_solutions, f"solutions in the student edition: {with_solutions}"


def test_student_edition_keeps_every_exercise():
    full, student = _pages(FULL_HTML), _pages(STUDENT_HTML)
    for name, text in full.items():
        expected = len(EXERCISE.findall(text))
        if expected:
            assert len(EXERCISE.findall(student.get(name, ""))) == expected, name


def test_every_chapter_has_at_least_three_exercises():
    full = _pages(FULL_HTML)
    chapters = {name: text for name, text in full.items() if re.match(r"notebooks/0\d_", str(name))}
    assert chapters, "no chapter pages found"
    few = {
        str(n): len(EXERCISE.findall(t))
        for n, t in chapters.items()
        if len(EXERCISE.findall(t)) < 3
    }
    assert not few, f"chapters with fewer than three exercises: {few}"


def test_no_file_of_the_student_site_has_solution_markup():
    found = {}
    for name, data in _student_files().items():
        text = data.decode("utf-8", errors="replace")
        hits = [m for m in SOLUTION_MARKERS if m in text]
        if hits:
            found[str(name)] = hits
    assert not found, f"solution markup in the student site: {found}"


def test_no_page_of_the_student_site_holds_a_solution_sentence():
    sentences = _solution_sentences()
    leaks = {}
    for name, data in _student_files().items():
        if name.suffix == ".html":
            text = _text(data.decode("utf-8"))
            hits = [s for s in sentences if s in text]
            if hits:
                leaks[str(name)] = hits[:3]
    assert not leaks, f"solution text in the student pages: {leaks}"


def test_no_download_of_the_student_site_holds_a_solution_line():
    lines = _solution_lines()
    downloads = {n: d for n, d in _student_files().items() if n.suffix in (".ipynb", ".md", ".txt")}
    assert any(n.suffix == ".ipynb" for n in downloads), "no notebook to download"
    leaks = {}
    for name, data in downloads.items():
        text = data.decode("utf-8")
        if name.suffix == ".ipynb":
            nb = nbformat.reads(text, as_version=4)
            assert is_solution_free(nb), name
            text = "\n".join(c.source for c in nb.cells)
        hits = sorted(lines & _lines(text))
        if hits:
            leaks[str(name)] = hits[:3]
    assert not leaks, f"solution lines in the student downloads: {leaks}"


def test_downloaded_notebooks_hold_no_glued_solution_value():
    """A value glued only for a solution would still sit in the notebook's outputs."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        kept = "\n".join(c.source for c in strip_solutions(nb).cells if c.cell_type == "markdown")
        only_solutions = {r.key for r in glue_references(text)} - {
            r.key for r in glue_references(kept)
        }
        student = STUDENT_HTML / "_sources" / path.relative_to(PROJECT_ROOT)
        if not student.is_file():
            pytest.skip(f"{student} does not exist: run `make book-student` first")
        glued = {
            o.get("metadata", {}).get("scrapbook", {}).get("name")
            for c in nbformat.read(student, as_version=4).cells
            for o in c.get("outputs", [])
        }
        assert not (only_solutions & glued), (path.name, sorted(only_solutions & glued))


def test_search_index_has_no_word_that_only_solutions_use():
    stem = SearchDutchPorter({}).stem
    words, any_word = re.compile(r"[a-zà-ÿ]{5,}"), re.compile(r"[a-zà-ÿ]+")
    solution_words, other_words = set(), set()
    for html in _pages(FULL_HTML).values():
        soup = BeautifulSoup(html, "html.parser")
        for block in soup.find_all("div", class_="solution"):
            solution_words |= set(words.findall(block.get_text(" ").lower()))
            block.decompose()
        other_words |= set(any_word.findall(soup.get_text(" ").lower()))
    only_solutions = {stem(w) for w in solution_words - other_words} - {
        stem(w) for w in other_words
    }
    assert len(only_solutions) > 50
    index = (STUDENT_HTML / "searchindex.js").read_text(encoding="utf-8")
    payload = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    leaked = sorted(only_solutions & set(payload["terms"]))
    assert not leaked, f"search terms only solutions use: {leaked[:20]}"


def test_student_kit_is_offered_and_solution_free():
    kits = [n for n in _student_files() if n.suffix == ".zip"]
    assert len(kits) == 1, kits
    pages = _pages(STUDENT_HTML)
    assert any(str(kits[0]) in html or kits[0].name in html for html in pages.values())
    with zipfile.ZipFile(STUDENT_HTML / kits[0]) as archive:
        for member in archive.namelist():
            if member.endswith((".ipynb", ".md", ".txt")):
                text = archive.read(member).decode("utf-8")
                assert not [m for m in SOLUTION_MARKERS if m in text], member


def test_answer_key_is_not_linked_from_the_student_edition():
    for name, data in _student_files().items():
        assert b"antwoordsleutel" not in data.lower(), name
