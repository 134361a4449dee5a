"""Sphinx extension: the book says which data it shows, from the data themselves.

At the start of a build it reads the provenance the processed file records
(:func:`helpers.data.provenance.read_provenance`) and

* sets the Sphinx tag ``synthetic_data`` (every file, or some, from the
  generator) or ``delivered_data`` (every file delivered), so that prose can
  say what fits the data with ``{only}`` blocks::

      ```{only} synthetic_data
      In synthetische gegevens bestaat een verband alleen als ...
      ```

* leaves out the feedback page of a municipality without any file;
* makes the sources readers download (``_sources/``, the ".ipynb" and ".md"
  buttons) say what their page says: a notebook is replaced by its executed
  copy from this build (outputs of the data the book shows), and the
  ``{only}`` blocks are written out for the build's tag;
* adds the directive ``data-notice``, the notice at the top of every page
  that shows data (:func:`helpers.book.provenance.data_notice`), and the
  directive ``data-deliveries``, the table of files the book was built from.

A processed file without a provenance record stops the build with a message
that says to run ``make data``. Enable the extension in ``_config.yml`` under
``sphinx.extra_extensions`` as ``helpers.book.sphinx_provenance``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from helpers.book.feedback import municipality_slug
from helpers.book.myst import resolve_only_blocks
from helpers.book.provenance import data_notice, deliveries_table, wording_tag
from helpers.data.errors import DeliveryError
from helpers.data.provenance import read_provenance


def _provenance(app):
    provenance = getattr(app, "data_provenance", None)
    if provenance is None:
        try:
            provenance = read_provenance()
        except DeliveryError as exc:
            raise ExtensionError(f"helpers.book.sphinx_provenance: {exc}") from None
        app.data_provenance = provenance
    return provenance


class _MarkdownDirective(SphinxDirective):
    """A directive whose content is MyST Markdown made from the provenance."""

    has_content = False

    def markdown(self, provenance):  # pragma: no cover - overridden
        raise NotImplementedError

    def run(self):
        text = self.markdown(_provenance(self.env.app))
        container = nodes.container()
        self.state.nested_parse(StringList(text.splitlines(), source="provenance"), 0, container)
        return container.children


class DataNotice(_MarkdownDirective):
    """The notice at the top of a page that shows data."""

    def markdown(self, provenance):
        return data_notice(provenance)


class DataDeliveries(_MarkdownDirective):
    """The table of the files the book was built from."""

    def markdown(self, provenance):
        return deliveries_table(provenance)


def _set_tag(app, config):
    provenance = _provenance(app)
    app.tags.add(wording_tag(provenance))
    # A municipality without any file has no data for its feedback page: the
    # page is left out of the book (the notice on every page names it).
    for code in provenance.missing:
        page = f"notebooks/gemeenten/gemeente_{municipality_slug(code)}.ipynb"
        if config is not None and page not in config.exclude_patterns:
            config.exclude_patterns.append(page)


def resolve_source(path: Path, tag: str) -> bool:
    """Write out the ``{only}`` blocks of one downloadable source for ``tag``.

    Parameters
    ----------
    path : pathlib.Path
        A notebook (its Markdown cells) or a Markdown file; other files are
        left alone.
    tag : str
        The Sphinx tag of the build, e.g. ``"delivered_data"``.

    Returns
    -------
    bool
        Whether the file changed.
    """
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        changed = False
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "markdown":
                continue
            source = cell["source"]
            text = "".join(source) if isinstance(source, list) else source
            resolved = resolve_only_blocks(text, tag)
            if resolved != text:
                cell["source"] = resolved.splitlines(keepends=True)
                changed = True
        if changed:
            path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", "utf-8")
        return changed
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        resolved = resolve_only_blocks(text, tag)
        if resolved != text:
            path.write_text(resolved, encoding="utf-8")
            return True
    return False


def _resolve_downloads(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    tag = wording_tag(_provenance(app))
    sources = Path(app.outdir) / "_sources"
    # myst-nb's executed copies: the outputs of this build's data. The
    # committed notebooks carry the outputs of the synthetic data, which a
    # book on delivered files must not offer for download.
    executed = Path(app.outdir).parent / "jupyter_execute"
    for path in sorted(sources.rglob("*")):
        if path.is_file():
            ran = executed / path.relative_to(sources)
            if path.suffix == ".ipynb" and ran.is_file():
                shutil.copyfile(ran, path)
            try:
                resolve_source(path, tag)
            except ValueError as exc:
                raise ExtensionError(f"helpers.book.sphinx_provenance: {path}: {exc}") from None


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the tags, the two directives and the rewriting of downloads."""
    app.connect("config-inited", _set_tag)
    app.connect("build-finished", _resolve_downloads)
    app.add_directive("data-notice", DataNotice)
    app.add_directive("data-deliveries", DataDeliveries)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
