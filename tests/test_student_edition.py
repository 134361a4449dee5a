"""The student edition (``make book-student``) keeps the exercises but shows no solution."""

import re

import pytest

from helpers.data.config import PROJECT_ROOT

FULL_HTML = PROJECT_ROOT / "_build" / "html"
STUDENT_HTML = PROJECT_ROOT / "_build" / "student" / "_build" / "html"

SOLUTION = re.compile(r'class="[^"]*\bsolution\b[^"]*"')
EXERCISE = re.compile(r'class="[^"]*\bexercise\b[^"]*"')


def _pages(root):
    if not root.is_dir():
        pytest.skip(f"{root} does not exist: run `make book book-student` first")
    return {p.relative_to(root): p.read_text(encoding="utf-8") for p in root.rglob("*.html")}


def test_full_edition_has_solutions():
    pages = _pages(FULL_HTML)
    assert sum(len(SOLUTION.findall(text)) for text in pages.values()) > 0


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
