"""Sphinx extension: number the tables made by :func:`helpers.present.render.render_table`.

A table rendered in a notebook is HTML (a pandas Styler), which Sphinx cannot
number as a table by itself. :func:`helpers.present.render.render_table` marks its HTML
with ``data-label="..."`` and puts the caption in an HTML ``<caption>``. This
extension finds those outputs while a page is read, wraps each one in an
enumerable node of type ``table`` with the caption (placed above the table) and
registers the label as an explicit target. The result in the built book:

- the caption reads "Tabel N: ...": N is the report's own table number when
  ``render_table(..., number="4")`` gave one (so Tabel 4 of the report is
  Tabel 4 in the book); the book's own tables are numbered per page
  ("Tabel 6.2", "Tabel B2.1", "Tabel G-A.3", see :func:`page_prefix`);
- ``{numref}`tbl-label``` gives "Tabel N" and ``{ref}`tbl-label``` gives the
  caption text, from any page.

It also offers every such table as a download: ``render_table`` embeds the
data in a ``<script type="text/csv" data-for="label">`` element (with the
column formats in ``data-formats``); this extension removes that element from
the page, puts "Download als CSV" and "Download als Excel" links under the
table and, when an HTML build finishes, writes ``<outdir>/_tabellen/<label>.csv``
(for software: UTF-8, comma, values as shown) and ``<label>.xlsx`` (for Excel,
see :mod:`helpers.present.export`) (:data:`CSV_DIR`). The notebook output
itself stays deterministic: the files derive from the table's data only.

Each page with numbered tables gets one line above its first table that
explains the numbers it shows ("Tabel 2 en Tabel 3 dragen het nummer uit het
rapport; Tabel 2.1 ... voegt dit boek toe", :func:`numbering_note`).

In a LaTeX build (``make pdf``) each table is written by
:func:`helpers.book.latex_tables.latex_table`: a ``longtable`` as wide as the
text, with the same caption and number.

Works for tables displayed as a code-cell output and for tables glued with
``myst_nb.glue`` and pasted with ``{glue}`` on the same page. Enable it in
``_config.yml`` under ``sphinx.extra_extensions`` as ``helpers.book.sphinx_tables``.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from helpers.book.latex_tables import latex_table, plain_text
from helpers.notation import join_dutch
from helpers.present.export import table_xlsx

logger = logging.getLogger(__name__)

#: Attribute that marks the HTML written by ``render_table``.
LABEL_ATTRIBUTE = "data-label"

_LABEL_RE = re.compile(r'data-label="([^"]+)"')
_NUMBER_RE = re.compile(r'data-number="([^"]+)"')
#: Prefix of the numbers of tables the report does not have.
SUPPLEMENTARY_PREFIX = "S"
_CAPTION_RE = re.compile(r"<caption[^>]*>(.*?)</caption>\s*", re.S)
_TAG_RE = re.compile(r"<[^>]+>")
#: The CSV export embedded by ``render_table`` (attributes, text).
_CSV_RE = re.compile(r'<script type="text/csv"([^>]*)>(.*?)</script>\n?', re.S)
_FOR_RE = re.compile(r'\bdata-for="([^"]+)"')
_FORMATS_RE = re.compile(r'\bdata-formats="([^"]*)"')
_NOTE_RE = re.compile(r'<p class="vives-tabel-noot"[^>]*>(.*?)</p>', re.S)
_TABLE_RE = re.compile(r"<table\b.*?</table>", re.S)
#: Folder of the built site that holds the downloads.
CSV_DIR = "_tabellen"
#: Texts of the download links (the book is in Dutch).
CSV_LINK_TEXT = "Download als CSV"
XLSX_LINK_TEXT = "Download als Excel"
#: What the CSV holds, shown beside its link.
CSV_LINK_HINT = "voor software: UTF-8, komma, waarden zoals getoond"
#: Page and anchor of "Over dit boek" that explains the numbers and downloads.
ABOUT_NUMBERS = ("book/over", "tabelnummers")


class numbered_table(nodes.figure):  # noqa: N801 (docutils node naming)
    """A figure-like container that Sphinx numbers as a table."""


def _visit(self: Any, node: nodes.Element) -> None:
    self.visit_figure(node)


def _depart(self: Any, node: nodes.Element) -> None:
    self.depart_figure(node)


def _depart_html(self: Any, node: nodes.Element) -> None:
    # docutils closes <figcaption> at the end of a figure, which would put the
    # whole table inside the caption; here it is closed right after the
    # caption (see NumberRenderedTables), so only the figure is closed.
    self.body.append("</figure>\n")


def _visit_latex(self: Any, node: nodes.Element) -> None:
    """Write the table as a page-wide ``longtable`` (see :mod:`latex_tables`)."""
    table_html = node.get("vives_table_html")
    if not table_html:
        self.visit_figure(node)
        return
    docname = node.get("vives_docname", "")
    numbers = self.builder.env.toc_fignumbers.get(docname, {}).get("table", {})
    number = numbers.get(node["ids"][0]) if node["ids"] else None
    caption = node.next_node(nodes.caption)
    self.body.append(
        latex_table(
            table_html,
            caption=caption.astext() if caption is not None else "",
            number=".".join(map(str, number)) if number else "",
            label=self.hypertarget_to(node, anchor=True),
            note=node.get("vives_note", ""),
            escape=self.encode,
        )
    )
    raise nodes.SkipNode


def _depart_latex(self: Any, node: nodes.Element) -> None:
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


def extract_exports(table_html: str, docname: str = "") -> tuple[dict[str, dict], str]:
    """Replace the exports embedded in table HTML by download links.

    Parameters
    ----------
    table_html : str
        HTML produced by ``render_table``.
    docname : str, default ""
        The page (``notebooks/02_steekproef``): the links are relative to it.

    Returns
    -------
    tuple
        ``{label: {"csv": text, "formats": {column: [kind, decimals]}}}`` and
        the HTML with each embedded export replaced by the links to
        ``_tabellen/<label>.csv`` and ``_tabellen/<label>.xlsx``.
    """
    found: dict[str, dict] = {}
    to_root = "../" * docname.count("/")

    def link(match: re.Match) -> str:
        attributes = match.group(1)
        label_match = _FOR_RE.search(attributes)
        if label_match is None:
            return match.group(0)
        label = html.unescape(label_match.group(1))
        formats_match = _FORMATS_RE.search(attributes)
        formats = json.loads(html.unescape(formats_match.group(1))) if formats_match else {}
        found[label] = {"csv": html.unescape(match.group(2)), "formats": formats}
        base = html.escape(f"{to_root}{CSV_DIR}/{label}")
        name = html.escape(label)
        return (
            '<p class="vives-tabel-download">'
            f'<a href="{base}.csv" download="{name}.csv">{CSV_LINK_TEXT}</a>'
            f' <span class="vives-tabel-download-uitleg">({CSV_LINK_HINT})</span>'
            f' · <a href="{base}.xlsx" download="{name}.xlsx">{XLSX_LINK_TEXT}</a></p>\n'
        )

    return found, _CSV_RE.sub(link, table_html)


def extract_csv(table_html: str, docname: str = "") -> tuple[dict[str, str], str]:
    """Like :func:`extract_exports`, returning only ``{label: csv_text}``."""
    found, stripped = extract_exports(table_html, docname)
    return {label: export["csv"] for label, export in found.items()}, stripped


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
            exports, stripped = extract_exports(stripped, self.env.docname)
            note = _NOTE_RE.search(stripped)
            note_text = plain_text(note.group(1)) if note else ""
            table = _TABLE_RE.search(stripped)
            raw.children[0] = nodes.Text(stripped)
            raw.rawsource = stripped
            raw.children[0].parent = raw
            target = self._outermost_output(raw)
            wrapper = numbered_table(classes=["vives-tabel-figuur"])
            wrapper["vives_table_html"] = table.group(0) if table else ""
            wrapper["vives_note"] = note_text
            wrapper["vives_docname"] = self.env.docname
            wrapper.source, wrapper.line = target.source, target.line
            target.replace_self(wrapper)
            wrapper += nodes.caption(caption_text, caption_text)
            # Close the <figcaption> the HTML writer opened for the caption,
            # so that screen readers read the caption, not the whole table.
            wrapper += nodes.raw("", "</figcaption>\n", format="html")
            wrapper += target
            wrapper["names"].append(nodes.fully_normalize_name(label))
            self.document.note_explicit_target(wrapper, wrapper)
            if exports:
                for export in exports.values():
                    export.update(caption=caption_text, note=note_text, node_id=wrapper["ids"][0])
                stored = getattr(self.env, "vives_table_csv", {})
                stored.setdefault(self.env.docname, {}).update(exports)
                self.env.vives_table_csv = stored
            number = _NUMBER_RE.search(text)
            explicit = getattr(self.env, "vives_table_numbers", {})
            explicit.setdefault(self.env.docname, {})[wrapper["ids"][0]] = (
                number.group(1) if number else None
            )
            self.env.vives_table_numbers = explicit

    @staticmethod
    def _outermost_output(raw: nodes.raw) -> nodes.Element:
        """Return the mime bundle holding ``raw`` (myst-nb), else ``raw``."""
        node: nodes.Element = raw
        parent = raw.parent
        while parent is not None:
            if isinstance(parent, nodes.container) and (parent.get("nb_element") == "mime_bundle"):
                return parent
            if isinstance(parent, (nodes.section, nodes.document)):
                break
            parent = parent.parent
        return node


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "vives_table_numbers", {}).pop(docname, None)
    getattr(env, "vives_table_csv", {}).pop(docname, None)


def _merge(app: Sphinx, env: Any, docnames: set, other: Any) -> None:
    for attribute in ("vives_table_numbers", "vives_table_csv"):
        mine = getattr(env, attribute, {})
        for docname in docnames:
            if docname in getattr(other, attribute, {}):
                mine[docname] = getattr(other, attribute)[docname]
        setattr(env, attribute, mine)


def _write_atomic(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _table_title(env: Any, docname: str, export: dict) -> str:
    number = env.toc_fignumbers.get(docname, {}).get("table", {}).get(export.get("node_id"))
    caption = export.get("caption", "")
    if not number:
        return caption
    return f"Tabel {'.'.join(map(str, number))}: {caption}"


def write_csv_exports(app: Sphinx, exception: Exception | None) -> None:
    """Write every table's downloads to ``<outdir>/_tabellen/<label>.csv`` and ``.xlsx``.

    Runs when an HTML build finishes. Two pages exporting the same label with
    different data is reported as a warning (an error under ``-W``): one file
    would silently overwrite the other.
    """
    if exception is not None or app.builder.format != "html":
        return
    exports = getattr(app.env, "vives_table_csv", {})
    written: dict[str, tuple[str, dict]] = {}
    for docname in sorted(exports):
        for label, export in sorted(exports[docname].items()):
            if label in written and written[label][1]["csv"] != export["csv"]:
                logger.warning(
                    "table label %r is exported by %s and %s with different data; "
                    "give each table its own label",
                    label,
                    written[label][0],
                    docname,
                    location=docname,
                )
                continue
            written[label] = (docname, export)
    if not written:
        return
    folder = Path(app.outdir) / CSV_DIR
    folder.mkdir(parents=True, exist_ok=True)
    title = app.config.project
    for label, (docname, export) in written.items():
        _write_atomic(folder / f"{label}.csv", export["csv"].encode("utf-8"))
        workbook = table_xlsx(
            export["csv"],
            export.get("formats", {}),
            title=_table_title(app.env, docname, export),
            note=export.get("note", ""),
            source=f"Bron: {title}, {app.builder.get_target_uri(docname)}",
        )
        _write_atomic(folder / f"{label}.xlsx", workbook)


def page_prefix(docname: str, secnumber: tuple | None) -> str:
    """Return the prefix of the book's own tables on one page.

    Parameters
    ----------
    docname : str
        The page, e.g. ``notebooks/06_representativiteit``.
    secnumber : tuple or None
        The chapter number Sphinx gave the page (``(6,)``), if any.

    Returns
    -------
    str
        ``"G-A"`` for the feedback page of Gemeente A, ``"B2"`` for appendix
        b2, the chapter number (``"6"``) for a numbered chapter, else ``"S"``.

    Examples
    --------
    >>> page_prefix("notebooks/gemeenten/gemeente_c", (9, 3))
    'G-C'
    >>> page_prefix("notebooks/b2_reproductie_audit", None)
    'B2'
    >>> page_prefix("notebooks/04_opinie_inwoners", (4,))
    '4'
    """
    name = docname.rsplit("/", 1)[-1]
    municipality = re.fullmatch(r"gemeente_([a-z])", name)
    if municipality:
        return f"G-{municipality.group(1).upper()}"
    appendix = re.match(r"b(\d+)_", name)
    if appendix:
        return f"B{appendix.group(1)}"
    if secnumber:
        return ".".join(map(str, secnumber))
    return SUPPLEMENTARY_PREFIX


def renumber_tables(app: Sphinx, env: Any) -> list[str]:
    """Give report tables the report's number and the others a page number.

    Tabel 4 of the report stays "Tabel 4". The book's own tables are
    numbered per page: "Tabel 6.2" is the second own table of chapter 6,
    "Tabel B2.1" the first of appendix B2, "Tabel G-A.3" the third of the
    feedback page of Gemeente A. Runs after Sphinx assigned its continuous
    numbers (``env.toc_fignumbers``) and replaces those of the tables made by
    ``render_table``.
    """
    numbers = getattr(env, "vives_table_numbers", {})
    seen: dict[str, str] = {}
    for docname, by_type in env.toc_fignumbers.items():
        tables = by_type.get("table", {})
        own = 0
        prefix = page_prefix(docname, env.toc_secnumbers.get(docname, {}).get(""))
        for node_id in list(tables):
            if node_id not in numbers.get(docname, {}):
                continue
            explicit = numbers[docname][node_id]
            if explicit is None:
                own += 1
                tables[node_id] = (f"{prefix}.{own}",)
            else:
                if explicit in seen:
                    raise ValueError(
                        f"Tabel {explicit} appears twice: in {seen[explicit]} and {docname}"
                    )
                seen[explicit] = docname
                tables[node_id] = (explicit,)
    return []


def _number_list(numbers: list[str]) -> str:
    """ "Tabel 2 en Tabel 3", or a range "Tabel 4 tot en met 8" for three or more."""
    if len(numbers) >= 3:
        return f"Tabel {numbers[0]} tot en met {numbers[-1]}"
    return join_dutch([f"Tabel {n}" for n in numbers])


def _prefix_phrase(prefix: str) -> str:
    if prefix.startswith("G-"):
        return f"eerst de gemeente ({prefix} voor Gemeente {prefix[2:]}), dan een volgnummer"
    if prefix.startswith("B"):
        return f"eerst de bijlage ({prefix}), dan een volgnummer"
    if prefix == SUPPLEMENTARY_PREFIX:
        return f"eerst {prefix}, dan een volgnummer"
    return f"eerst het nummer van het hoofdstuk ({prefix}), dan een volgnummer"


def numbering_note(report: list[str], own: list[str]) -> str:
    """Explain in one or two sentences the table numbers a page shows.

    Parameters
    ----------
    report : list of str
        Numbers of the report's tables on the page, in order ("2", "3").
    own : list of str
        Numbers of the book's own tables on the page ("2.1", "2.2").

    Returns
    -------
    str
        Dutch text, empty when the page has no numbered table.

    Examples
    --------
    >>> numbering_note(["2", "3"], ["2.1", "2.2"])
    'Tabel 2 en Tabel 3 dragen het nummer uit het rapport. Tabel 2.1 en Tabel 2.2 voegt dit boek toe: eerst het nummer van het hoofdstuk (2), dan een volgnummer.'
    >>> numbering_note([], ["G-A.1", "G-A.2", "G-A.3"])[:46]
    'Tabel G-A.1 tot en met G-A.3 voegt dit boek to'
    """
    sentences = []
    if report:
        verb = "draagt" if len(report) == 1 else "dragen"
        sentences.append(f"{_number_list(report)} {verb} het nummer uit het rapport.")
    if own:
        prefix = own[0].rsplit(".", 1)[0]
        sentences.append(f"{_number_list(own)} voegt dit boek toe: {_prefix_phrase(prefix)}.")
    return " ".join(sentences)


def add_numbering_note(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the line that explains the table numbers above a page's first table."""
    if app.builder.format != "html":
        return
    tables = list(doctree.findall(numbered_table))
    if not tables:
        return
    numbers = app.env.toc_fignumbers.get(docname, {}).get("table", {})
    explicit = getattr(app.env, "vives_table_numbers", {}).get(docname, {})
    report, own = [], []
    for table in tables:
        node_id = table["ids"][0] if table["ids"] else None
        if node_id not in numbers:
            continue
        number = ".".join(map(str, numbers[node_id]))
        (report if explicit.get(node_id) else own).append(number)
    text = numbering_note(report, own)
    if not text:
        return
    note = nodes.paragraph(classes=["vives-nummering"])
    note += nodes.Text(text + " ")
    page, anchor = ABOUT_NUMBERS
    if docname != page:
        uri = app.builder.get_relative_uri(docname, page) + "#" + anchor
        note += nodes.reference("", "Over de nummering", refuri=uri, internal=True)
    # Above the first table a reader of either edition sees: not one inside an
    # exercise's solution, which the student edition leaves out.
    first = next((t for t in tables if not _in_solution(t)), tables[0])
    first.parent.insert(first.parent.index(first), note)


def _in_solution(node: nodes.Node) -> bool:
    """Tell whether a node sits inside an exercise's solution (sphinx-exercise)."""
    parent = node.parent
    while parent is not None:
        if "solution" in type(parent).__name__ or "solution" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def _renumber_inside_sphinx_numbering() -> None:
    """Apply :func:`renumber_tables` as part of Sphinx's own figure numbering.

    Sphinx's TocTreeCollector numbers figures and tables continuously and
    asks to rewrite every page whose numbers differ from the previous build.
    Renumbering afterwards (in a later ``env-get-updated`` handler) made it
    compare its continuous numbers with last build's renumbered ones, so every
    page with a table was rewritten even when nothing had changed. Wrapping
    its ``assign_figure_numbers`` lets the comparison see the final numbers.
    """
    from sphinx.environment.collectors.toctree import TocTreeCollector

    if getattr(TocTreeCollector.assign_figure_numbers, "_vives_wrapped", False):
        return
    original = TocTreeCollector.assign_figure_numbers

    def assign_figure_numbers(self: Any, env: Any) -> list[str]:
        old = env.toc_fignumbers
        original(self, env)
        if not env.config.numfig:
            return []
        renumber_tables(None, env)
        return [doc for doc, numbers in env.toc_fignumbers.items() if numbers != old.get(doc)]

    assign_figure_numbers._vives_wrapped = True  # type: ignore[attr-defined]
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the node, the transform and the renumbering."""
    handlers = {name: (_visit, _depart) for name in ("text", "man", "texinfo")}
    handlers["latex"] = (_visit_latex, _depart_latex)
    handlers.update({name: (_visit, _depart_html) for name in ("html", "singlehtml")})
    app.add_enumerable_node(numbered_table, "table", None, **handlers)
    app.add_transform(NumberRenderedTables)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    _renumber_inside_sphinx_numbering()
    app.connect("build-finished", write_csv_exports)
    app.connect("doctree-resolved", add_numbering_note)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
