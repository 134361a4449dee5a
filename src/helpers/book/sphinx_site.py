"""Sphinx extension: the reader's site, in Dutch, light, and with working buttons.

Jupyter Book 1 with sphinx-book-theme 1.3 and pydata-sphinx-theme 0.17 gives a
site that is partly English, heavy and has buttons that lead nowhere. This
extension fixes that in one place:

- **Dutch interface.** The Dutch catalogues in ``helpers/book/locales`` are put
  in front of Sphinx's and the themes' own (pydata-sphinx-theme has no Dutch
  at all), and the templates in ``helpers/book/site_templates`` replace the few
  theme components that hard-code English labels. Strings that extensions
  write from Python into the page are translated here (:func:`dutch_body`);
  those written by JavaScript are translated in ``_static/vives.js``.
- **Buttons only where they work.** The repository, issue and Binder buttons
  appear only when ``repository.url`` in ``_config.yml`` holds the address of
  the published repository (:func:`configure_repository`); Binder then builds
  the environment from ``environment.yml`` and the data with ``postBuild``.
  The issue form is pre-filled in Dutch. The download menu offers the whole
  book as PDF (``make pdf``) and printing the page.
- **No dead script.** Jupyter Book always loads sphinx-thebe, whose loader
  script is injected twice and throws ``Identifier 'THEBE_JS_URL' has already
  been declared`` on every page. This book has no live code cells, so thebe's
  scripts, styles and configuration are left out (:func:`drop_thebe`).
- **Light pages.** ``fontawesome.js`` (1.49 MB) is not loaded: the theme's
  stylesheet already has Font Awesome's web font, which shows the same icons
  (``site_templates/static/webpack-macros.html``). Images load lazily.

Enable it in ``_config.yml`` under ``sphinx.extra_extensions`` as
``helpers.book.sphinx_site``.
"""

from __future__ import annotations

import gettext
import io
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from docutils import nodes
from sphinx import locale
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
#: Templates that replace theme components with hard-coded English.
TEMPLATES = HERE / "site_templates"
#: Dutch ``.po`` catalogues, one per gettext domain ("sphinx", "booktheme").
LOCALES = HERE / "locales"
#: The PDF of the whole book: ``make pdf`` writes it, the site links to it.
PDF_NAME = "burgers-als-partners.pdf"
#: Where ``make pdf`` leaves the PDF, relative to the book's source folder.
PDF_BUILD = Path("_build") / "pdf" / "_build" / "latex" / PDF_NAME

#: Hosts whose repositories the theme's buttons understand.
_REPOSITORY_RE = re.compile(
    r"^https://(github\.com|gitlab\.com|bitbucket\.org)/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)/?$"
)
#: Organisation names that mark an address as an example, not a repository.
PLACEHOLDER_OWNERS = frozenset({"example", "organisation", "organization", "your-org", "owner"})
#: Jupyter Book's default ``repository.url``, filled in when the key is absent.
JUPYTER_BOOK_DEFAULT = "https://github.com/executablebooks/jupyter-book"

#: The issue form's title and body, in Dutch (``{page}`` is the page's path).
ISSUE_TITLE = "Opmerking bij {page}"
ISSUE_BODY = (
    "Pagina: {page}\n\n"
    "Wat klopt er niet of kan beter? (Vermeld de tabel of figuur als het daarover gaat.)\n\n"
)

#: Attribute values that extensions write into the page body in English, and
#: markup that breaks an accessibility rule.
_BODY_REPLACEMENTS = (
    # myst-nb's folded code cells: the visible text ("Toon de code") is the name.
    (' aria-label="Toggle hidden content"', ""),
    # docutils' reference list claims role="list" but holds no list items
    # (axe: aria-required-children).
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
)
#: The sidebar's fold-out chapters: a <summary> with only an icon gets a name.
_TOCTREE_SUMMARY = '<summary><span class="toctree-toggle" role="presentation">'
_TOCTREE_SUMMARY_NAMED = (
    '<summary aria-label="Onderdelen tonen of verbergen">'
    '<span class="toctree-toggle" role="presentation">'
)

#: Scripts and styles of sphinx-thebe.
_THEBE_RE = re.compile(r"thebe", re.I)


def published_repository(url: object) -> str | None:
    """Return the repository address when it is a real one, else ``None``.

    Parameters
    ----------
    url : object
        ``repository.url`` from ``_config.yml`` (``html_theme_options``'s
        ``repository_url``), possibly empty or missing.

    Returns
    -------
    str or None
        The address without a trailing slash, or ``None`` when none is set,
        when it is no GitHub, GitLab or Bitbucket repository address, or when
        it is an example address.

    Examples
    --------
    >>> published_repository("https://github.com/vives/burgers-als-partners/")
    'https://github.com/vives/burgers-als-partners'
    >>> published_repository("") is None, published_repository(None) is None
    (True, True)
    >>> published_repository("https://github.com/example/book") is None
    True
    >>> published_repository("https://github.com/executablebooks/jupyter-book") is None
    True
    """
    if not isinstance(url, str) or not url.strip():
        return None
    match = _REPOSITORY_RE.match(url.strip())
    if match is None or match.group(2).lower() in PLACEHOLDER_OWNERS:
        return None
    if url.strip().rstrip("/") == JUPYTER_BOOK_DEFAULT:
        return None
    return url.strip().rstrip("/")


def repository_options(url: str | None) -> dict[str, Any]:
    """Return the theme options for the repository, issue and launch buttons.

    Parameters
    ----------
    url : str or None
        A published repository (see :func:`published_repository`) or ``None``.

    Returns
    -------
    dict
        With an address: the repository and issue buttons on, and a Binder
        launch button that opens the notebooks in JupyterLab. Without: every
        one of them off and no launch provider.

    Examples
    --------
    >>> repository_options(None)["launch_buttons"]
    {}
    >>> repository_options("https://github.com/vives/boek")["use_issues_button"]
    True
    """
    if url is None:
        return {
            "use_repository_button": False,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "use_source_button": False,
            "launch_buttons": {},
        }
    return {
        "repository_url": url,
        "use_repository_button": True,
        "use_issues_button": True,
        "use_edit_page_button": False,
        "use_source_button": False,
        "launch_buttons": {
            "binderhub_url": "https://mybinder.org",
            "notebook_interface": "jupyterlab",
        },
    }


def configure_repository(app: Sphinx, config: Config) -> None:
    """Switch the repository, issue and launch buttons on only for a real address."""
    options = dict(config.html_theme_options or {})
    url = published_repository(options.get("repository_url"))
    if url is None and options.get("repository_url"):
        logger.info(
            "[sphinx_site] %r is no published repository: no repository buttons",
            options["repository_url"],
        )
    if url is None:
        options.pop("repository_url", None)
    options.update(repository_options(url))
    config.html_theme_options = options
    config.vives_repository_url = url or ""


def add_templates(app: Sphinx, config: Config) -> None:
    """Put this extension's templates in front of the themes' components."""
    path = str(TEMPLATES)
    if path not in config.templates_path:
        config.templates_path.insert(0, path)


def _catalogue(po_file: Path) -> gettext.GNUTranslations:
    """Compile a ``.po`` file in memory and return it as a gettext catalogue."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def install_dutch_catalogues(language: str | None) -> list[str]:
    """Put the Dutch catalogues in front of those Sphinx and the themes load.

    Sphinx looks a message up in the first catalogue of a domain and falls
    back on the ones added later; the themes add theirs after the project's.
    Ours goes first, with whatever was there as its fallback.

    Parameters
    ----------
    language : str or None
        The book's language (``sphinx.config.language``); only ``"nl"`` has
        catalogues here.

    Returns
    -------
    list of str
        The domains installed (``["booktheme", "sphinx"]``), empty for another
        language.
    """
    folder = LOCALES / str(language) / "LC_MESSAGES"
    if not language or not folder.is_dir():
        return []
    installed = []
    for po_file in sorted(folder.glob("*.po")):
        domain = po_file.stem
        ours = _catalogue(po_file)
        existing = locale.translators.get(("general", domain))
        if existing is not None and existing.__class__ is not gettext.NullTranslations:
            ours.add_fallback(existing)
        locale.translators["general", domain] = ours
        installed.append(domain)
    return installed


def drop_thebe(app: Sphinx) -> None:
    """Remove sphinx-thebe's handlers, so its scripts never reach a page.

    Jupyter Book loads sphinx-thebe unconditionally. Its loader script is
    injected twice (a ``const`` declared twice: a page error on every page)
    and it points at unpkg.com. The book has no live code, so the handlers that
    add the scripts and the per-page configuration are disconnected.
    """
    if app.config.html_theme_options.get("launch_buttons", {}).get("thebe"):
        return
    for event in ("env-before-read-docs", "doctree-resolved"):
        listeners = app.events.listeners.get(event, [])
        keep = [
            listener
            for listener in listeners
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
            or getattr(listener.handler, "__name__", "") == "init_thebe_default_config"
        ]
        app.events.listeners[event] = keep


def _keep_asset(asset: Any) -> bool:
    filename = getattr(asset, "filename", asset) or ""
    body = getattr(asset, "attributes", {}).get("body", "") if hasattr(asset, "attributes") else ""
    return not (_THEBE_RE.search(str(filename)) or "THEBE_JS_URL" in str(body))


def dutch_body(body: str) -> str:
    """Replace English attribute values that extensions write into a page.

    Examples
    --------
    >>> dutch_body('<summary aria-label="Toggle hidden content">Toon de code</summary>')
    '<summary>Toon de code</summary>'
    """
    for old, new in _BODY_REPLACEMENTS:
        body = body.replace(old, new)
    return body


def named_toctree(html: object) -> str:
    """Name the icon-only <summary> elements of the sidebar's table of contents.

    Examples
    --------
    >>> named_toctree('<summary><span class="toctree-toggle" role="presentation"><i></i>')[:50]
    '<summary aria-label="Onderdelen tonen of verbergen'
    """
    return str(html).replace(_TOCTREE_SUMMARY, _TOCTREE_SUMMARY_NAMED)


def issue_url(repository: str, pagename: str) -> str:
    """Return the address of a new issue about a page, pre-filled in Dutch.

    Examples
    --------
    >>> issue_url("https://github.com/vives/boek", "notebooks/02_steekproef")[:62]
    'https://github.com/vives/boek/issues/new?title=Opmerking%20bij'
    """
    page = f"{pagename}.html"
    title = quote(ISSUE_TITLE.format(page=page))
    body = quote(ISSUE_BODY.format(page=page))
    return f"{repository}/issues/new?title={title}&body={body}"


def _download_buttons(app: Sphinx, pagename: str, context: dict) -> None:
    """Offer the whole book as PDF and printing this page (not "print to PDF")."""
    pdf = context["pathto"](PDF_NAME, 1)
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        buttons.append(
            {
                "type": "link",
                "url": pdf,
                "text": "Het hele boek (pdf)",
                "tooltip": "Download het hele boek als pdf",
                "icon": "fas fa-file-pdf",
                "label": "download-book-pdf-button",
            }
        )
        buttons.append(
            {
                "type": "javascript",
                "javascript": "window.print()",
                "text": "Deze pagina afdrukken",
                "tooltip": "Druk deze pagina af (met de volledige tabellen)",
                "icon": "fas fa-print",
                "label": "print-page-button",
            }
        )
        group["buttons"] = buttons


def _issue_button(app: Sphinx, pagename: str, context: dict) -> None:
    repository = app.config.vives_repository_url
    if not repository:
        return
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", [group]):
            if "/issues/new" in str(button.get("url", "")):
                button["url"] = issue_url(repository, pagename)


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Adjust every page: no thebe assets, Dutch labels, the download menu."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if _keep_asset(asset)]
    if "body" in context:
        context["body"] = dutch_body(context["body"])
    toctree = context.get("generate_toctree_html")
    if callable(toctree) and not getattr(toctree, "_vives_named", False):

        def generate_toctree_html(*args: Any, **kwargs: Any) -> str:
            return named_toctree(toctree(*args, **kwargs))

        generate_toctree_html._vives_named = True  # type: ignore[attr-defined]
        context["generate_toctree_html"] = generate_toctree_html
    _download_buttons(app, pagename, context)
    _issue_button(app, pagename, context)


def lazy_images(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Let the browser load images only when the reader gets near them."""
    for image in doctree.findall(nodes.image):
        image.setdefault("loading", "lazy")


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    """Put the book's PDF (from ``make pdf``) into the site, when it exists."""
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.srcdir) / PDF_BUILD
    if source.is_file():
        target = Path(app.outdir) / PDF_NAME
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers; install the Dutch catalogues."""
    app.add_config_value("vives_repository_url", "", "env")
    if "sphinx" in install_dutch_catalogues(app.config.language):
        # The HTML templates translate with the catalogue Sphinx kept as
        # ``app.translator`` when it started, not with the registry above.
        app.translator = locale.translators["general", "sphinx"]
    app.connect("config-inited", configure_repository, priority=400)
    app.connect("config-inited", add_templates, priority=900)
    app.connect("builder-inited", drop_thebe)
    # After sphinx-book-theme has made its header buttons (priority 500).
    app.connect("html-page-context", page_context, priority=900)
    app.connect("doctree-resolved", lazy_images)
    app.connect("build-finished", copy_pdf)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
