"""Exercises are evenly good: a kind, a title and a time estimate; starter code
where computing is asked; a solution for each; numbers in the solutions glued;
numbered per chapter in the built book ("Opgave 4.2")."""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers.book.myst import fenced_blocks, glue_references
from helpers.data.config import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")) + [
    PROJECT_ROOT / "notebooks" / "gemeenten" / "_template.ipynb"
]
KINDS = (
    "Rekenen en interpreteren",
    "Rekenen",
    "Interpreteren",
    "Kritisch bekijken",
    "Schrijven",
    "Coderen",
    "Oefenen",
)
#: Percentages that are conventions, not results (a 95% interval, 100% in total).
CONVENTIONS = {"95%", "100%"}
TITLE = re.compile(r"^(?P<kind>[^:]+): (?P<title>.+) · ± (?P<minutes>\d+) min$")


def _exercises():
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        lines = text.split("\n")
        blocks = fenced_blocks(text)
        solutions = {}
        for i, block in enumerate(blocks):
            if block.name in ("solution", "solution-start"):
                end = block.end
                if block.name == "solution-start":
                    end = next(b.end for b in blocks[i:] if b.name == "solution-end")
                solutions[block.argument] = "\n".join(lines[block.start : end + 1])
        for block in blocks:
            if block.name == "exercise":
                body = "\n".join(lines[block.start : block.end + 1])
                label = re.search(r"^:label: (\S+)", body, re.M)[1]
                found.append((path.name, label, block.argument, body, solutions.get(label)))
    return found


EXERCISES = _exercises()
IDS = [label for _, label, *_ in EXERCISES]


def test_the_book_has_its_exercises():
    assert len(EXERCISES) >= 45


@pytest.mark.parametrize(("page", "label", "title", "body", "solution"), EXERCISES, ids=IDS)
def test_exercise_has_kind_title_and_time(page, label, title, body, solution):
    match = TITLE.match(title)
    assert match, f"{page} {label}: title {title!r} is not 'Soort: titel · ± N min'"
    assert match["kind"] in KINDS
    assert 5 <= int(match["minutes"]) <= 60


@pytest.mark.parametrize(("page", "label", "title", "body", "solution"), EXERCISES, ids=IDS)
def test_computing_exercise_has_starter_code(page, label, title, body, solution):
    if title.startswith("Rekenen"):
        assert "```python" in body, f"{page} {label}: no starter code"


@pytest.mark.parametrize(("page", "label", "title", "body", "solution"), EXERCISES, ids=IDS)
def test_exercise_has_a_solution_with_glued_numbers(page, label, title, body, solution):
    assert solution, f"{page} {label}: no solution"
    if title.startswith("Rekenen"):
        assert glue_references(solution) or "{glue" in solution, (
            f"{page} {label}: a computing exercise's solution shows glued results"
        )
    # Numbers in a solution come from code: no typed percentages.
    typed = set(re.findall(r"(?<![`\w])\d+,\d+%|(?<![`\w{])\d{2,3}%", solution))
    typed -= CONVENTIONS
    assert not typed, f"{page} {label}: typed results {typed}"


#: A line of Python typed into a solution's text (an indented or fenced code block).
_TYPED_CODE = re.compile(
    r"^(?: {4}|\t)(?:from \S+ import|import \S+|[\w.\[\]\"']+ = |\w+\(|print\()|^```(?:python|\{code)",
    re.M,
)


def test_the_typed_code_check_finds_an_indented_block():
    solution = "Een aanpak:\n\n    from helpers import codebook\n    known = survey[x]\n"
    assert len(_TYPED_CODE.findall(solution)) == 2
    assert not _TYPED_CODE.findall("1. Tel de antwoorden.\n     Dat zijn er\n")


@pytest.mark.parametrize(("page", "label", "title", "body", "solution"), EXERCISES, ids=IDS)
def test_solution_code_is_the_code_that_ran(page, label, title, body, solution):
    """Code in a solution is a code cell between solution-start and solution-end
    (executed with the book), never a copy typed into the solution's text."""
    typed = _TYPED_CODE.findall(solution or "")
    assert not typed, f"{page} {label}: code typed into the solution's text: {typed}"


def test_exercises_are_numbered_per_chapter_in_the_book():
    page = PROJECT_ROOT / "_build" / "html" / "notebooks" / "04_opinie_inwoners.html"
    if not page.is_file():
        pytest.skip("run `make book` first")
    numbers = re.findall(
        r'<span class="caption-number">Opgave (\d+)\.(\d+) </span>', page.read_text()
    )
    assert numbers and {c for c, _ in numbers} == {"4"}
    assert [int(k) for _, k in numbers] == list(range(1, len(numbers) + 1))
