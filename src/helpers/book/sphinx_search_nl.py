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
which is then the same algorithm. Enable it in ``_config.yml`` under
``sphinx.extra_extensions`` as ``helpers.book.sphinx_search_nl``.
"""

from __future__ import annotations

from typing import Any

import snowballstemmer
from sphinx.application import Sphinx
from sphinx.search.nl import SearchDutch


def _porter_stemmer() -> Any:
    algorithm = "dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch"
    return snowballstemmer.stemmer(algorithm)


class SearchDutchPorter(SearchDutch):
    """Dutch search whose index stems as the browser's ``dutch-stemmer.js``."""

    def init(self, options: dict[str, str]) -> None:
        self.stemmer = _porter_stemmer()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the Dutch search language."""
    app.add_search_language(SearchDutchPorter)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
