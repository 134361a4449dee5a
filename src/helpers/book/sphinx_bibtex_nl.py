"""Sphinx extension: a Dutch bibliography style for sphinxcontrib-bibtex.

pybtex's ``plain`` style writes English words into the reference list
("Marco van der Land, Bas van Stokkom, and Hans Boutellier", "Technical
Report", "In", "editors", "pages"). This extension registers the style
``plain_nl``: the same layout with Dutch words. Select it in ``_config.yml``
with ``bibtex_default_style: plain_nl`` and enable the extension under
``sphinx.extra_extensions`` as ``helpers.book.sphinx_bibtex_nl``.
"""

from __future__ import annotations

from typing import Any

import pybtex.plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, first_of, names, optional_field, sentence, words
from sphinx.application import Sphinx

#: The name under which the style is registered with pybtex.
STYLE_NAME = "plain_nl"
#: The word for a report without a ``type`` field.
REPORT = "Rapport"


class DutchStyle(PlainStyle):
    """pybtex's ``plain`` style with Dutch words.

    Examples
    --------
    >>> from pybtex.database import parse_string
    >>> bib = parse_string('''@techreport{x, author = {Peeters, An and Claes, Jan},
    ...   title = {Titel}, institution = {VIVES}, year = {2020}}''', "bibtex")
    >>> entry = next(DutchStyle().format_entries(bib.entries.values()))
    >>> entry.text.render_as("text")
    'An Peeters en Jan Claes. Titel. Rapport, VIVES, 2020.'
    """

    default_sorting_style = "author_year_title"

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        """Join names with commas and a final "en" (no serial comma in Dutch)."""
        formatted = names(role, sep=", ", sep2=" en ", last_sep=" en ")
        return sentence[formatted] if as_sentence else formatted

    def get_techreport_template(self, e: Any) -> Any:
        """A report: "Rapport" unless the entry names its own type."""
        return toplevel[
            sentence[self.format_names("author")],
            self.format_title(e, "title"),
            sentence[
                words[first_of[optional_field("type"), REPORT], optional_field("number")],
                field("institution"),
                optional_field("address"),
                field("year"),
            ],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the style with pybtex."""
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, DutchStyle, force=True)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
