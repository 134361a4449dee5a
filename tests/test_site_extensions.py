"""The Sphinx extensions of the reader's site, tested without a build.

helpers.book.sphinx_site (Dutch interface, repository buttons, thebe),
helpers.book.sphinx_tables (numbering note), helpers.book.latex_tables (the
tables of the PDF) and helpers.book.sphinx_bibtex_nl (Dutch references).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pydata_sphinx_theme
import pytest
from babel.messages.pofile import read_po
from conftest_site import require_site
from sphinx import locale

from helpers.book import sphinx_site
from helpers.book.latex_tables import column_shares, latex_table, parse_table
from helpers.book.sphinx_provenance import resolve_source
from helpers.book.sphinx_tables import numbering_note
from helpers.present.render import render_table

LOCALES = sphinx_site.LOCALES / "nl" / "LC_MESSAGES"


def _po(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


# ---------------------------------------------------------------------------
# Repository, issue and launch buttons
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "   ",
        "https://github.com/executablebooks/jupyter-book",
        "https://github.com/example/burgers-als-partners",
        "http://github.com/vives/boek",
        "https://example.org/vives/boek",
        "github.com/vives/boek",
    ],
)
def test_no_buttons_without_a_published_repository(url):
    assert sphinx_site.published_repository(url) is None
    options = sphinx_site.repository_options(sphinx_site.published_repository(url))
    assert options["launch_buttons"] == {}
    assert not any(value for key, value in options.items() if key.startswith("use_"))


def test_buttons_and_binder_with_a_published_repository():
    url = sphinx_site.published_repository("https://github.com/hogeschool-vives/burgers/")
    assert url == "https://github.com/hogeschool-vives/burgers"
    options = sphinx_site.repository_options(url)
    assert options["use_repository_button"] and options["use_issues_button"]
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"


def test_binder_can_build_the_environment_and_the_data():
    """A launch button is only shown with a repository; Binder then needs these."""
    root = Path(__file__).resolve().parents[1]
    post_build = root / "postBuild"
    assert (root / "environment.yml").is_file()
    assert post_build.is_file(), "postBuild builds the data on Binder"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert "helpers.data.pipeline" in post_build.read_text(encoding="utf-8")


def test_the_config_holds_no_placeholder_repository():
    """One place decides: repository.url in _config.yml, empty until published."""
    import yaml

    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    assert url == "" or sphinx_site.published_repository(url) == url.rstrip("/")
    for key in ("use_repository_button", "use_issues_button"):
        assert key not in config.get("html", {}), f"{key}: set by helpers.book.sphinx_site"
    assert "launch_buttons" not in config


def test_issue_form_is_dutch():
    url = sphinx_site.issue_url("https://github.com/vives/boek", "notebooks/02_steekproef")
    assert "Your%20issue" not in url and "Issue%20on%20page" not in url
    assert "Opmerking%20bij%20notebooks/02_steekproef.html" in url


# ---------------------------------------------------------------------------
# Dutch interface strings
# ---------------------------------------------------------------------------


def test_every_catalogue_entry_is_translated():
    for po_file in sorted(LOCALES.glob("*.po")):
        untranslated = [msgid for msgid, msgstr in _po(po_file).items() if not msgstr]
        assert not untranslated, f"{po_file.name}: {untranslated}"


def test_every_string_of_pydata_sphinx_theme_is_translated():
    """pydata-sphinx-theme ships no Dutch; our catalogue covers all its strings."""
    pot = Path(pydata_sphinx_theme.__file__).parent / "locale" / "sphinx.pot"
    theirs = set(_po(pot))
    ours = set(_po(LOCALES / "sphinx.po"))
    assert theirs, f"no strings in {pot}"
    assert theirs <= ours, f"not translated: {sorted(theirs - ours)}"


def test_our_catalogues_come_before_the_others():
    saved = dict(locale.translators)
    try:
        installed = sphinx_site.install_dutch_catalogues("nl")
        assert set(installed) == {"booktheme", "sphinx"}
        sphinx = locale.translators["general", "sphinx"]
        assert sphinx.gettext("Skip to main content") == "Naar de hoofdtekst"
        assert sphinx.gettext("Link to this heading") == "Link naar deze titel"
        book = locale.translators["general", "booktheme"]
        assert book.gettext("Open an issue") == "Meld een fout of suggestie"
        assert sphinx_site.install_dutch_catalogues("fr") == []
    finally:
        locale.translators.clear()
        locale.translators.update(saved)


def test_english_names_written_by_extensions_are_removed():
    body = '<details><summary aria-label="Toggle hidden content">Toon de code</summary>'
    assert "Toggle" not in sphinx_site.dutch_body(body)


def test_templates_label_the_theme_in_dutch():
    """The overridden components use translated labels, no hard-coded English."""
    for template in sorted(sphinx_site.TEMPLATES.rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)
        for attribute in re.findall(r'(?:title|aria-label)="([^"{]+)"', text):
            pytest.fail(f"{template.name}: hard-coded label {attribute!r}")
        assert "fontawesome.js" not in text


# ---------------------------------------------------------------------------
# Table numbers explained on the page
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "own", "expected"),
    [
        (["1"], [], "Tabel 1 draagt het nummer uit het rapport."),
        (["4", "5", "6", "7", "8"], [], "Tabel 4 tot en met 8 dragen"),
        (["2", "3"], ["2.1", "2.2"], "Tabel 2.1 en Tabel 2.2 voegt dit boek toe"),
        ([], ["B2.1"], "eerst de bijlage (B2)"),
        ([], ["G-C.1", "G-C.2"], "G-C voor Gemeente C"),
    ],
)
def test_numbering_note(report, own, expected):
    assert expected in numbering_note(report, own)


def test_numbering_note_is_empty_without_tables():
    assert numbering_note([], []) == ""


# ---------------------------------------------------------------------------
# Tables in the PDF
# ---------------------------------------------------------------------------


@pytest.fixture()
def wide_table():
    import pandas as pd

    columns = ["Helemaal oneens", "Oneens", "Niet eens, niet oneens", "Eens", "Helemaal eens"]
    frame = pd.DataFrame(
        [[1200, 2, 4, 9, 43, 42, 6, 85], [1190, 40, 37, 15, 4, 3, 77, 8]],
        columns=["N", *columns, "Som oneens", "Som eens"],
        index=pd.Index(
            ["De politie moet de veiligheid in mijn buurt garanderen & meer", "Kort"],
            name="Stelling",
        ),
    )
    percent = [*columns, "Som oneens", "Som eens"]
    return render_table(frame, "Eigen rol", "tbl-pdf", percent_columns=percent, number="4")


def test_latex_table_fits_the_text_width(wide_table):
    head, body = parse_table(wide_table.html)
    shares = column_shares(head, body)
    assert len(shares) == 9
    assert sum(shares) <= 1.0 + 1e-9
    # The numbers keep room for "100%"; the statements wrap.
    assert min(shares[1:]) * 105 >= 4


def test_latex_table_has_caption_number_and_repeated_header(wide_table):
    from sphinx.util import texescape

    texescape.init()
    tex = latex_table(
        wide_table.html, caption="Eigen rol", number="4", note="Basis: N", escape=texescape.escape
    )
    assert r"\textbf{Tabel 4:} Eigen rol" in tex
    assert tex.count(r"\textbf{\hspace{0pt}Som eens}") == 2  # first page and continuation
    assert r"\endhead" in tex and r"\begin{longtable}" in tex
    assert r"\& meer" in tex  # escaped
    assert r"\def\@currentlabel{4}" in tex  # \ref gives the number the site shows
    # The caption is inside the table's first head, so no page break separates them.
    first_head = tex.split(r"\begin{longtable}", 1)[1].split(r"\endfirsthead", 1)[0]
    assert r"\textbf{Tabel 4:} Eigen rol" in first_head
    assert "Basis: N" in tex


def test_downloadable_sources_keep_only_the_wording_of_their_build(tmp_path):
    block = "Vooraf.\n\n```{only} synthetic_data\nNagemaakt.\n```\n\n```{only} delivered_data\nEcht.\n```\n"
    notebook = tmp_path / "h.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "markdown", "metadata": {}, "source": block.splitlines(True)},
                    {"cell_type": "code", "metadata": {}, "source": ["x = 1  # {only}\n"]},
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        encoding="utf-8",
    )
    page = tmp_path / "p.md"
    page.write_text(block, encoding="utf-8")
    assert resolve_source(notebook, "delivered_data") and resolve_source(page, "delivered_data")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert "".join(cells[0]["source"]) == "Vooraf.\n\nEcht.\n"
    assert cells[1]["source"] == ["x = 1  # {only}\n"]
    assert page.read_text(encoding="utf-8") == "Vooraf.\n\nEcht.\n"
    assert not resolve_source(page, "delivered_data")  # nothing left to write out


def test_no_downloadable_source_of_the_site_holds_an_only_block():
    site_dir = require_site()
    sources = sorted((site_dir / "_sources").rglob("*"))
    assert any(p.suffix == ".ipynb" for p in sources)
    holding = [
        str(p.relative_to(site_dir))
        for p in sources
        if p.is_file() and "{only}" in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert not holding, f"downloads with both wordings: {holding}"
