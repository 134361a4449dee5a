"""The book as one PDF (``make pdf``): complete, Dutch, every table within the page.

Reads what ``make pdf`` left in ``_build/pdf/_build/latex`` (the PDF, the
LaTeX source and XeLaTeX's log) with poppler's ``pdftotext`` and
``pdfinfo``. Without the PDF the tests skip locally; ``.ci/run`` builds it
(and on CI a skip fails the run).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest_site import ROOT, SITE_DIR

from helpers.book.pdf import PDF_STEM

LATEX_DIR = ROOT / "_build" / "pdf" / "_build" / "latex"
PDF = LATEX_DIR / f"{PDF_STEM}.pdf"
#: The report's tables, all in the book.
REPORT_TABLES = [str(n) for n in range(1, 9)]


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.is_file():
        pytest.skip(f"{PDF} missing: run `make pdf`")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture(scope="module")
def latex_log() -> str:
    log = LATEX_DIR / f"{PDF_STEM}.log"
    if not log.is_file():
        pytest.skip(f"{log} missing: run `make pdf`")
    return log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def latex_source() -> str:
    tex = LATEX_DIR / f"{PDF_STEM}.tex"
    if not tex.is_file():
        pytest.skip(f"{tex} missing: run `make pdf`")
    return tex.read_text(encoding="utf-8")


def _pages() -> int:
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def test_pdf_has_title_page_and_contents(pdf_text):
    first_page = pdf_text.split("\f")[0]
    assert "Burgers als partners" in first_page
    assert "Hogeschool VIVES" in first_page
    assert "Inhoudsopgave" in pdf_text
    assert _pages() >= 40


def test_pdf_holds_every_chapter_and_appendix(pdf_text):
    for title in (
        "Methode",
        "Steekproefkenmerken",
        "Opinie van inwoners",
        "Conclusie",
        "Representativiteit",
        "Codeboek",
        "Over dit boek",
    ):
        assert title in pdf_text, f"{title!r} is not in the PDF"


@pytest.mark.parametrize("number", REPORT_TABLES)
def test_pdf_holds_every_report_table(pdf_text, number):
    assert re.search(rf"Tabel {number}:", pdf_text), f"Tabel {number} is not in the PDF"


def test_no_table_is_wider_than_the_page(latex_log):
    """LaTeX reports a table (an alignment) wider than the text as an overfull box."""
    wide = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\) in alignment", latex_log)
    too_wide = [float(w) for w in wide if float(w) > 1.0]
    assert not too_wide, f"{len(too_wide)} table rows wider than the text: {too_wide[:10]} pt"


def test_pdf_has_the_figures(latex_source):
    figures = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+)", latex_source)
    assert len(figures) >= 10, f"only {len(figures)} figures in the PDF"
    assert all(f.endswith(".pdf") or "." not in f.rsplit("/", 1)[-1] for f in figures), (
        f"raster figures in the PDF: {[f for f in figures if not f.endswith('.pdf')][:5]}"
    )


def test_pdf_is_set_in_dutch(latex_source, latex_log):
    """XeLaTeX with polyglossia's Dutch: Dutch hyphenation and Dutch names."""
    assert re.search(r"\\setmainlanguage(\[[^\]]*\])?\{dutch\}", latex_source)
    assert "xelatex" in latex_log.lower() or "XeTeX" in latex_log


def test_pdf_leaves_the_code_cells_out(pdf_text):
    """The code cells' source is left out (exercises still show their start code)."""
    assert "from myst_nb import glue" not in pdf_text
    assert "survey, _meta = load_survey()" not in pdf_text


def test_site_links_the_current_pdf():
    site_copy = SITE_DIR / PDF.name
    if not PDF.is_file():
        pytest.skip(f"{PDF} missing: run `make pdf`")
    assert site_copy.is_file(), f"{site_copy} missing: the site's download menu links it"
    assert site_copy.read_bytes() == PDF.read_bytes(), "the site links an older PDF"


def _orphaned_captions(pdf_text: str) -> list[str]:
    """Table captions that end their page: the table itself starts on the next."""
    orphans = []
    for number, page in enumerate(pdf_text.split("\f"), start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = lines[:-1]  # the last line is the running footer with the page number
        for k, line in enumerate(body):
            if re.match(r"Tabel [\w.-]+:", line) and k == len(body) - 1:
                orphans.append(f"page {number}: {line}")
    return orphans


def test_the_orphan_check_finds_a_caption_at_the_foot_of_a_page():
    page = "tekst\nTabel 4: Opinies\n\n4.4. Eigen rol 45\n"
    assert _orphaned_captions(page + "\fTabel 5: Iets\nStelling N\nvoet 46\n") == [
        "page 1: Tabel 4: Opinies"
    ]


def test_no_table_caption_is_left_at_the_foot_of_a_page(pdf_text):
    """A caption stays on the page where its table starts."""
    orphans = _orphaned_captions(pdf_text)
    assert not orphans, "captions separated from their table:\n" + "\n".join(orphans)
