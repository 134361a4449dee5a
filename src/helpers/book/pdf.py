"""The configuration of the book's PDF (``make pdf``), derived from ``_config.yml``.

The PDF is the whole book for reading and printing: title page, contents,
every chapter and appendix with its text, tables and figures, set by XeLaTeX
(Jupyter Book 1's ``pdflatex`` builder with ``latex_engine: xelatex``) with
Dutch hyphenation. It leaves out the code cells (the site and the notebooks
have them). The tables are written by :mod:`helpers.book.latex_tables` as
page-wide ``longtable`` s; the charts come as PDF (vector) from
:func:`helpers.present.figures.to_image`.

Usage: ``python -m helpers.book.pdf _config.yml _build/pdf/_config.yml``.
The build reuses the HTML build's execution cache, so no notebook runs twice.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Any

import yaml

from helpers.data.config import PROJECT_ROOT

#: File name of the PDF (``<name>.tex`` becomes ``<name>.pdf``).
PDF_STEM = "burgers-als-partners"
#: Files copied next to the .tex: a stand-in for bbm.sty (see the file).
LATEX_FILES = [Path(__file__).parent / "latex" / "bbm.sty"]

#: LaTeX preamble: the table packages of helpers.book.latex_tables, room for
#: Dutch compound words, and the table caption style.
PREAMBLE = r"""
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{array}
\setlength{\emergencystretch}{3em}
\setlength{\headheight}{14pt}
\setlength{\LTpre}{0.5\baselineskip}
\setlength{\LTpost}{0.5\baselineskip}
\renewcommand{\arraystretch}{1.1}
% Sphinx names the contents after the first part ("Onderzoek"): not here.
\addto\captionsdutch{\renewcommand{\contentsname}{Inhoudsopgave}}
% Figures are numbered through the book, as on the site ("Figuur 7").
\makeatletter
\@removefromreset{figure}{chapter}
\AtBeginDocument{\renewcommand{\thefigure}{\arabic{figure}}}
\makeatother
"""


#: Sphinx's XeLaTeX fonts (GNU FreeFont), without the standard ligatures: with
#: Dutch as the language, FreeSerif joins "ij" into one glyph (U+0133), and
#: the PDF's text would then not match a search for "waarschijnlijk".
FONTS = r"""
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic,
  BoldFont=*Bold, BoldItalicFont=*BoldItalic, RawFeature=-liga]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique,
  BoldFont=*Bold, BoldItalicFont=*BoldOblique, RawFeature=-liga]
\setmonofont{FreeMono}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique,
  BoldFont=*Bold, BoldItalicFont=*BoldOblique]
"""


def pdf_config(config: dict[str, Any], root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """Return the book configuration for the PDF build.

    Parameters
    ----------
    config : dict
        The site's ``_config.yml``.
    root : pathlib.Path
        The book's folder (the shared execution cache lives in its ``_build``).

    Returns
    -------
    dict
        The same configuration with the LaTeX settings, the code cells left
        out and the HTML build's execution cache.

    Examples
    --------
    >>> c = pdf_config({"title": "Boek", "copyright": "2020–2025", "execute": {},
    ...                 "sphinx": {"config": {}}}, Path("/boek"))
    >>> c["latex"]["latex_documents"]["targetname"], c["execute"]["cache"]
    ('burgers-als-partners.tex', '/boek/_build/.jupyter_cache')
    >>> c["sphinx"]["config"]["nb_remove_code_source"]
    True
    """
    out = copy.deepcopy(config)
    out.setdefault("execute", {})["cache"] = str(root / "_build" / ".jupyter_cache")
    out["latex"] = {
        "latex_engine": "xelatex",
        "use_jupyterbook_latex": True,
        "latex_documents": {"targetname": f"{PDF_STEM}.tex"},
    }
    sphinx = out.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["nb_remove_code_source"] = True
    sphinx["latex_use_xindy"] = False
    sphinx["latex_additional_files"] = [str(path) for path in LATEX_FILES]
    # The title page shows the years of the book, not SOURCE_DATE_EPOCH's date.
    sphinx["today"] = str(config.get("copyright", ""))
    sphinx["latex_show_urls"] = "footnote"
    sphinx["latex_elements"] = {
        "papersize": "a4paper",
        "pointsize": "11pt",
        "fontpkg": FONTS,
        "preamble": PREAMBLE,
        "printindex": "",
        "figure_align": "H",
        "sphinxsetup": "hmargin={2.2cm,2.2cm}, vmargin={2.4cm,2.6cm}",
    }
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the PDF configuration; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the site's _config.yml")
    parser.add_argument("target", type=Path, help="where to write the PDF's _config.yml")
    args = parser.parse_args(argv)
    config = yaml.safe_load(args.source.read_text(encoding="utf-8"))
    args.target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(pdf_config(config), allow_unicode=True, sort_keys=False)
    args.target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
