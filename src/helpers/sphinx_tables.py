"""Sphinx extension: number the tables made by :func:`helpers.render.render_table`.

A table rendered in a notebook is HTML (a pandas Styler), which Sphinx cannot
number as a table by itself. :func:`helpers.render.render_table` marks its HTML
with ``data-label="..."`` and puts the caption in an HTML ``<caption>``. This
extension finds those outputs while a page is read, wraps each one in an
enumerable node of type ``table`` with the caption (placed above the table) and
registers the label as an explicit target. The result in the built book:

- the caption reads "Tabel N: ..." (``numfig_format['table']``), numbered
  continuously like the book's other tables;
- ``{numref}`tbl-label``` gives "Tabel N" and ``{ref}`tbl-label``` gives the
  caption text, from any page.

Works for tables displayed as a code-cell output and for tables glued with
``myst_nb.glue`` and pasted with ``{glue}`` on the same page. Enable it in
``_config.yml`` under ``sphinx.extra_extensions`` as ``helpers.sphinx_tables``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

#: Attribute that marks the HTML written by ``render_table``.
LABEL_ATTRIBUTE = "data-label"

_LABEL_RE = re.compile(r'data-label="([^"]+)"')
_CAPTION_RE = re.compile(r"<caption[^>]*>(.*?)</caption>\s*", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


class numbered_table(nodes.figure):  # noqa: N801 (docutils node naming)
    """A figure-like container that Sphinx numbers as a table."""


def _visit(self: Any, node: nodes.Element) -> None:
    self.visit_figure(node)


def _depart(self: Any, node: nodes.Element) -> None:
    self.depart_figure(node)


def split_caption(table_html: str) -> tuple[str, str]:
    """Remove the ``<caption>`` element from table HTML and return its text.

    Parameters
    ----------
    table_html : str
        HTML produced by ``render_table``.

    Returns
    -------
    tuple of str
        The caption as plain text (entities unescaped, tags removed) and the
        HTML without the caption element.
    """
    match = _CAPTION_RE.search(table_html)
    if match is None:
        return "", table_html
    caption = html.unescape(_TAG_RE.sub("", match.group(1))).strip()
    return caption, table_html[: match.start()] + table_html[match.end() :]


class NumberRenderedTables(SphinxTransform):
    """Wrap ``render_table`` outputs in numbered, referenceable table nodes."""

    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if raw.get("format") != "html":
                continue
            text = raw.astext()
            match = _LABEL_RE.search(text)
            if match is None or "<caption" not in text:
                continue
            label = match.group(1)
            caption_text, stripped = split_caption(text)
            raw.children[0] = nodes.Text(stripped)
            raw.rawsource = stripped
            raw.children[0].parent = raw
            target = self._outermost_output(raw)
            wrapper = numbered_table(classes=["vives-tabel-figuur"])
            wrapper.source, wrapper.line = target.source, target.line
            target.replace_self(wrapper)
            wrapper += nodes.caption(caption_text, caption_text)
            wrapper += target
            wrapper["names"].append(nodes.fully_normalize_name(label))
            self.document.note_explicit_target(wrapper, wrapper)

    @staticmethod
    def _outermost_output(raw: nodes.raw) -> nodes.Element:
        """Return the mime bundle holding ``raw`` (myst-nb), else ``raw``."""
        node: nodes.Element = raw
        parent = raw.parent
        while parent is not None:
            if isinstance(parent, nodes.container) and (
                parent.get("nb_element") == "mime_bundle"
            ):
                return parent
            if isinstance(parent, (nodes.section, nodes.document)):
                break
            parent = parent.parent
        return node


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the node and the transform."""
    handlers = {
        name: (_visit, _depart)
        for name in ("html", "latex", "text", "man", "texinfo", "singlehtml")
    }
    app.add_enumerable_node(numbered_table, "table", None, **handlers)
    app.add_transform(NumberRenderedTables)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
