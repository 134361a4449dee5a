"""Sphinx extension: number the exercises per chapter ("Opgave 4.2").

sphinx-exercise numbers exercises through Sphinx's figure numbering, which
this book keeps continuous (``numfig_secnum_depth: 0``): exercise 12 of the
book would be "Opgave 12". A student looks for "the second exercise of
chapter 4", so this extension gives every exercise the number of its page
plus its place on the page: "Opgave 4.2", "Opgave B1.3" in appendix B1,
"Opgave G-A.1" on the feedback page of Gemeente A (the page prefixes of
:func:`helpers.book.sphinx_tables.page_prefix`). Solutions ("Oplossing van
Opgave 4.2") and references (``{numref}`oef-label```) follow, because they
read the same numbers.

The student notebooks (:mod:`helpers.book.student`) number their exercises
with the same rule (:func:`exercise_number`).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from helpers.book.sphinx_tables import page_prefix

__all__ = ["exercise_number", "renumber_exercises"]


def exercise_number(docname: str, secnumber: tuple | None, position: int) -> str:
    """Return the number of the ``position``-th exercise (1-based) of a page.

    Examples
    --------
    >>> exercise_number("notebooks/04_opinie_inwoners", (4,), 2)
    '4.2'
    >>> exercise_number("notebooks/b1_codeboek", None, 1)
    'B1.1'
    """
    return f"{page_prefix(docname, secnumber)}.{position}"


def renumber_exercises(env: Any) -> None:
    """Replace Sphinx's continuous exercise numbers by per-page numbers."""
    for docname, by_type in env.toc_fignumbers.items():
        exercises = by_type.get("exercise", {})
        secnumber = env.toc_secnumbers.get(docname, {}).get("")
        # Sphinx assigned the continuous numbers in document order.
        ordered = sorted(exercises, key=lambda node_id: exercises[node_id])
        for position, node_id in enumerate(ordered, start=1):
            exercises[node_id] = (exercise_number(docname, secnumber, position),)


def _wrap_sphinx_numbering() -> None:
    """Renumber inside Sphinx's own numbering step (see sphinx_tables)."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    if getattr(TocTreeCollector.assign_figure_numbers, "_vives_exercises", False):
        return
    original = TocTreeCollector.assign_figure_numbers

    def assign_figure_numbers(self: Any, env: Any) -> list[str]:
        old = env.toc_fignumbers
        changed = original(self, env)
        if not env.config.numfig:
            return changed
        renumber_exercises(env)
        return [doc for doc, numbers in env.toc_fignumbers.items() if numbers != old.get(doc)]

    assign_figure_numbers._vives_exercises = True  # type: ignore[attr-defined]
    for flag in ("_vives_wrapped",):
        if getattr(original, flag, False):
            setattr(assign_figure_numbers, flag, True)
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the per-chapter numbering of exercises."""
    _wrap_sphinx_numbering()
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
