"""Solutions are removed and glued values written in (helpers.book.student, .myst)."""

from __future__ import annotations

import nbformat
import pytest

from helpers.book.myst import fenced_blocks, glue_references, resolve_only_blocks
from helpers.book.provenance import SYNTHETIC_NOTICE
from helpers.book.student import (
    CrossReferences,
    GlueStore,
    is_solution_free,
    kit_notebook,
    strip_solutions,
    student_config,
)
from helpers.data.provenance import DELIVERED, GENERATED, Delivery, Provenance

#: Provenance of a book on the generator's data, and of one on delivered files.
GENERATED_DATA = Provenance((Delivery("gemeente_a.sav", 1, "0" * 64, GENERATED),))
DELIVERED_DATA = Provenance((Delivery("gemeente_a.sav", 1, "1" * 64, DELIVERED),))

EXERCISE = "````{exercise} Rekenen: x · ± 5 min\n:label: oef-x\n\nBereken.\n\n```python\nx = ...\n```\n````"


def _glue_output(name, plain):
    return nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": plain},
        metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
    )


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def md(text):
    return nbformat.v4.new_markdown_cell(text)


def code(text, tags=(), outputs=()):
    cell = nbformat.v4.new_code_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = list(outputs)
    return cell


def test_fenced_blocks_skip_nested_fences():
    blocks = fenced_blocks(EXERCISE + "\n\nafter")
    assert [(b.name, b.start, b.end) for b in blocks] == [("exercise", 0, 8)]


def test_glue_references_in_every_form():
    text = (
        "{glue:text}`a:s` {glue}`b` {glue:md}`c` {glue:text}`x.ipynb::d:.1f`\n"
        "```{glue} e\n```\n```{glue:figure} f\n:name: fig-f\n\nCaption.\n```\n"
        "```{glue:md} g\n:format: myst\n```"
    )
    refs = {(r.key, r.page) for r in glue_references(text)}
    assert refs == {
        ("a", None),
        ("b", None),
        ("c", None),
        ("d", "x.ipynb"),
        ("e", None),
        ("f", None),
        ("g", None),
    }


def test_plain_solution_is_removed_exercise_kept():
    nb = _notebook(
        md(EXERCISE + "\n\n```{solution} oef-x\n:class: dropdown\n\nAntwoord.\n```\n\nVerder.")
    )
    out = strip_solutions(nb)
    text = out.cells[0].source
    assert "Bereken." in text and "Verder." in text
    assert "Antwoord" not in text and "{solution}" not in text


def test_gated_solution_removes_the_code_cell_between():
    nb = _notebook(
        md(EXERCISE + "\n\n```{solution-start} oef-x\n:class: dropdown\n```"),
        code("answer = 42"),
        md("Het antwoord is 42.\n\n```{solution-end}\n```\n\n## Samenvatting"),
        code("kept = 1"),
    )
    out = strip_solutions(nb)
    sources = [c.source for c in out.cells]
    assert not any("answer" in s or "42" in s for s in sources)
    assert sources[-1] == "kept = 1"
    assert "## Samenvatting" in sources[-2]
    assert is_solution_free(out) and not is_solution_free(nb)


def test_gated_solution_that_starts_in_the_solution_cell():
    nb = _notebook(
        md("```{solution-start} oef-x\n```\n\nUitleg."),
        code("hidden = 1"),
        md("```{solution-end}\n```\n\nNa de oplossing."),
    )
    out = strip_solutions(nb)
    assert [c.source for c in out.cells] == ["Na de oplossing."]


def test_cells_tagged_solution_are_removed():
    nb = _notebook(code("glue('x', 1)", tags=["remove-cell", "solution"]), code("y = 2"))
    assert [c.source for c in strip_solutions(nb).cells] == ["y = 2"]


def test_unclosed_gated_solution_is_an_error():
    with pytest.raises(ValueError, match="solution-end"):
        strip_solutions(_notebook(md("```{solution-start} oef-x\n```"), code("x = 1")))


def test_kit_notebook_writes_values_in_and_drops_glue_records(tmp_path):
    nb = _notebook(
        md("# Hoofdstuk\n\nEr zijn {glue:text}`n:s` respondenten ({numref}`tbl-a`)."),
        code("glue_count('n', 1219)", outputs=[_glue_output("n", "'1.219'")]),
        md(EXERCISE + "\n\n```{solution} oef-x\nGeheim.\n```"),
    )
    refs = CrossReferences({"tbl-a": "Tabel 4"}, {}, {})
    out = kit_notebook(
        nb, "04_x.ipynb", GlueStore({"04_x.ipynb": nb}), refs, tmp_path, GENERATED_DATA
    )
    assert out.cells[0].source == "# Hoofdstuk\n\nEr zijn 1.219 respondenten (Tabel 4)."
    assert out.cells[1].outputs == []
    exercise = out.cells[2].source
    assert exercise.startswith("````{admonition} Opgave 4.1: Rekenen: x · ± 5 min")
    assert "Geheim" not in exercise and "{exercise}" not in exercise


WORDING = (
    "# Hoofdstuk\n\n```{data-notice}\n```\n\nTekst.\n\n"
    "```{only} synthetic_data\nDe generator legde dit verband.\n```\n\n"
    ":::{only} delivered_data\nEen gemakssteekproef.\n:::\n\nSlot."
)


def test_only_blocks_in_numbered_items_and_nested_in_exercises():
    text = (
        "````{exercise} T\n:label: oef-x\n\n1. Eerst.\n2. :::{only} synthetic_data\n"
        "   Synthetisch?\n   :::\n\n   :::{only} delivered_data\n   Aangeleverd?\n"
        "   :::\n3. Daarna.\n````"
    )
    assert resolve_only_blocks(text, "delivered_data") == (
        "````{exercise} T\n:label: oef-x\n\n1. Eerst.\n2. Aangeleverd?\n3. Daarna.\n````"
    )
    assert "2. Synthetisch?\n\n3. Daarna." in resolve_only_blocks(text, "synthetic_data")


def test_an_unclosed_only_block_is_an_error():
    with pytest.raises(ValueError, match="never closed"):
        resolve_only_blocks("```{only} synthetic_data\nTekst.", "synthetic_data")


def _kit_wording(tmp_path, provenance):
    """The first cell of a kit notebook made from :data:`WORDING`."""
    nb = _notebook(md(WORDING))
    out = kit_notebook(
        nb,
        "04_x.ipynb",
        GlueStore({"04_x.ipynb": nb}),
        CrossReferences({}, {}, {}),
        tmp_path,
        provenance,
    )
    return out.cells[0].source


def test_kit_notebook_writes_the_data_notice_and_keeps_the_wording_of_its_data(tmp_path):
    text = _kit_wording(tmp_path, GENERATED_DATA)
    assert SYNTHETIC_NOTICE.split("\n")[0] in text
    assert "De generator legde dit verband." in text
    assert "gemakssteekproef" not in text
    assert "{data-notice}" not in text and "{only}" not in text


def test_kit_notebook_on_delivered_data_drops_the_synthetic_wording(tmp_path):
    text = _kit_wording(tmp_path, DELIVERED_DATA)
    assert "Een gemakssteekproef." in text
    assert "generator" not in text and "ynthet" not in text
    assert "{data-notice}" not in text and "{only}" not in text


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt"/>'


def test_kit_notebook_attaches_the_png_of_a_glued_chart(tmp_path):
    # JupyterLab renders raster attachments only: of an SVG + PNG chart the
    # kit attaches the PNG.
    figure = nbformat.v4.new_output(
        "display_data",
        data={
            "application/papermill.record/image/svg+xml": SVG,
            "application/papermill.record/image/png": "iVBORw0KGgo=",
        },
        metadata={"scrapbook": {"name": "fig_a", "mime_prefix": "application/papermill.record/"}},
    )
    nb = _notebook(
        code("glue('fig_a', img)", outputs=[figure]),
        md("```{glue:figure} fig_a\n:name: fig-a\n:alt: Staven.\n\nBijschrift.\n```"),
    )
    out = kit_notebook(
        nb,
        "b1_x.ipynb",
        GlueStore({"b1_x.ipynb": nb}),
        CrossReferences({}, {}, {}),
        tmp_path,
        GENERATED_DATA,
    )
    cell = out.cells[1]
    assert cell.source.startswith("```{figure} attachment:fig_a.png\n")
    assert cell.attachments == {"fig_a.png": {"image/png": "iVBORw0KGgo="}}


def test_kit_notebook_embeds_glued_figures_as_attachments(tmp_path):
    figure = nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/image/png": "iVBORw0KGgo="},
        metadata={"scrapbook": {"name": "fig_a", "mime_prefix": "application/papermill.record/"}},
    )
    nb = _notebook(
        code("glue('fig_a', img)", outputs=[figure]),
        md("```{glue:figure} fig_a\n:name: fig-a\n:alt: Staven.\n\nBijschrift.\n```"),
    )
    store = GlueStore({"b1_x.ipynb": nb})
    out = kit_notebook(
        nb, "b1_x.ipynb", store, CrossReferences({}, {}, {}), tmp_path, GENERATED_DATA
    )
    cell = out.cells[1]
    assert cell.source.startswith("```{figure} attachment:fig_a.png\n:name: fig-a\n:alt: Staven.")
    assert "Bijschrift." in cell.source
    assert cell.attachments["fig_a.png"]["image/png"] == "iVBORw0KGgo="


def test_cross_references_resolve_docs_and_citations():
    refs = CrossReferences(
        {"oef-x": "Opgave 4.2"},
        {"notebooks/06_representativiteit": "Representativiteit", "book/intro": "Inleiding"},
        {"vives2020": ("Hogeschool VIVES", "2020"), "a2014": ("Van der Land et al.", "2014")},
    )
    text = "{doc}`06_representativiteit`, {doc}`de inleiding </book/intro>`, {cite:p}`vives2020`, {cite:t}`a2014`, {numref}`oef-x`"
    assert refs.resolve(text) == (
        "Representativiteit, de inleiding, (Hogeschool VIVES, 2020), "
        "Van der Land et al. (2014), Opgave 4.2"
    )


def test_student_config_hides_solutions_and_repository_links():
    config = student_config(
        {"title": "Boek", "sphinx": {"config": {}}, "html": {"use_repository_button": True}}
    )
    assert config["title"] == "Boek (studenteneditie)"
    assert config["sphinx"]["config"]["hide_solutions"] is True
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["html"]["use_repository_button"] is False
    assert config["launch_buttons"]["binderhub_url"] == ""
