"""Sphinx extension: make the Dutch full-text search find stemmed words again.

Sphinx stems every word twice: in Python when it writes ``searchindex.js``
(``snowballstemmer.stemmer("dutch")``) and in the reader's browser when it
stems the query (``dutch-stemmer.js``, bundled with Sphinx 7). The browser
side is Snowball's original Porter-style Dutch stemmer. snowballstemmer 3.0
replaced the Python ``"dutch"`` algorithm by a Kraaij-Pohlmann hybrid, so the
two disagree: the index holds ``burgemee`` while the query becomes
``burgemeester``, and the search page finds nothing.

This extension registers a Dutch search language that stems with
``"dutch_porter"`` (the old algorithm, kept under that name since 3.0), so
index and query agree again. With snowballstemmer < 3 it uses ``"dutch"``,
which is then the same algorithm.

It also keeps the code of the notebooks' code cells out of the index: a
reader searching "BIN" or "burgemeester" wants the prose, not identifiers
such as ``bin_asked`` or a line of code (Sphinx 7 indexes every text node and
has no switch for this, so :func:`skip_code_cells` wraps its word collector).
The site shows snippets from the prose too (``_static/vives.js``).

Enable it in ``_config.yml`` under ``sphinx.extra_extensions`` as
``helpers.book.sphinx_search_nl``.
"""

from __future__ import annotations

from typing import Any

import snowballstemmer
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search import WordCollector
from sphinx.search.nl import SearchDutch

#: myst-nb's element name of a code cell's source.
CODE_SOURCE = "cell_code_source"


def _porter_stemmer() -> Any:
    algorithm = "dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch"
    return snowballstemmer.stemmer(algorithm)


class SearchDutchPorter(SearchDutch):
    """Dutch search whose index stems as the browser's ``dutch-stemmer.js``."""

    def init(self, options: dict[str, str]) -> None:
        self.stemmer = _porter_stemmer()


def is_code_cell_source(node: nodes.Node) -> bool:
    """Tell whether a doctree node holds the source of a notebook's code cell.

    Examples
    --------
    >>> is_code_cell_source(nodes.container(nb_element="cell_code_source"))
    True
    >>> is_code_cell_source(nodes.container(nb_element="cell_code_output"))
    False
    """
    return isinstance(node, nodes.container) and node.get("nb_element") == CODE_SOURCE


def skip_code_cells() -> None:
    """Make Sphinx's search index skip the source of code cells (idempotent)."""
    if getattr(WordCollector.dispatch_visit, "_vives_skips_code", False):
        return
    original = WordCollector.dispatch_visit

    def dispatch_visit(self: WordCollector, node: nodes.Node) -> None:
        if is_code_cell_source(node):
            raise nodes.SkipNode
        original(self, node)

    dispatch_visit._vives_skips_code = True  # type: ignore[attr-defined]
    WordCollector.dispatch_visit = dispatch_visit


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the Dutch search language; leave code cells out of the index."""
    app.add_search_language(SearchDutchPorter)
    skip_code_cells()
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
