"""Shared helpers and fixtures for the tests of the built site (_build/html).

Not a conftest proper (pytest does not load it by itself): the site test
modules import what they use from it, e.g.
``from conftest_site import site_dir, toc_docnames``. Imported fixtures are
registered by pytest like fixtures defined in the module.

The page list is always derived from ``_toc.yml`` (files and globs), never
typed by hand, so the tests follow the book as chapters are added.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: The built HTML book (``make book``); ``VEILIGHEID_SITE_DIR`` points the
#: tests at another build (e.g. one made in a copy of the repository).
SITE_DIR = Path(os.environ.get("VEILIGHEID_SITE_DIR", ROOT / "_build" / "html"))
#: Folder of the table CSV exports inside the site (helpers.book.sphinx_tables).
CSV_DIR = SITE_DIR / "_tabellen"
#: Debian's Chromium; the tests never download a browser.
CHROMIUM = Path("/usr/bin/chromium")
#: The two screens every page is read on: a phone and a laptop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
#: Hosts the browser may contact: only the local test server.
LOCAL_HOSTS = {"127.0.0.1"}
#: axe-core, installed from npm by ``npm ci`` (package-lock.json).
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_SOURCE_SUFFIXES = (".ipynb", ".md")


def toc_docnames(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """Return every page of the table of contents, in reading order.

    Parameters
    ----------
    toc_file : Path
        A Jupyter Book 1 ``_toc.yml`` (``jb-book`` format, with ``root``,
        ``parts``/``chapters``/``sections``, ``file`` and ``glob`` entries).

    Returns
    -------
    list of str
        Docnames without suffix, e.g. ``notebooks/02_steekproef``; a
        ``glob`` entry expands to the matching source files, sorted (as
        sphinx-external-toc does). ``url`` entries are no pages and are left out.
    """
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    root = toc_file.parent
    pages: list[str] = []

    def add(name: str) -> None:
        name = re.sub(r"\.(ipynb|md)$", "", name)
        if name not in pages:
            pages.append(name)

    def walk(entries: list) -> None:
        for entry in entries or []:
            if "file" in entry:
                add(entry["file"])
            elif "glob" in entry:
                matches = sorted(
                    path.relative_to(root).with_suffix("").as_posix()
                    for path in root.glob(entry["glob"] + ".*")
                    if path.suffix in _SOURCE_SUFFIXES
                    and not any(part.startswith(("_", ".")) for part in path.parts[-1:])
                )
                for match in matches:
                    add(match)
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    add(toc["root"])
    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return pages


def page_path(docname: str) -> str:
    """URL path of a page relative to the site root (``html`` builder)."""
    return f"{docname}.html"


def require_site() -> Path:
    """Skip (a failure on CI) when the book has not been built."""
    if not (SITE_DIR / "index.html").is_file():
        pytest.skip(f"no built book in {SITE_DIR}: run `make book` first")
    return SITE_DIR


def site_text_files(site: Path = SITE_DIR) -> list[Path]:
    """Every file of the site a reader can download as text."""
    suffixes = {".html", ".csv", ".js", ".json", ".txt", ".ipynb", ".md", ".xml", ".inv"}
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site; skips when ``make book`` has not run."""
    return require_site()


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    """Serve the built site on 127.0.0.1 at a free port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


#: One Playwright driver and one Chromium for the whole session. Every module
#: that imports the ``browser`` fixture gets its own fixture instance; they
#: share this browser (Playwright's sync API cannot be started twice).
_SHARED: dict = {"users": 0, "playwright": None, "browser": None}


def _start_browser():
    from playwright.sync_api import sync_playwright

    if _SHARED["users"] == 0:
        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = _SHARED["playwright"].chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    _SHARED["users"] += 1
    return _SHARED["browser"]


def _stop_browser() -> None:
    _SHARED["users"] -= 1
    if _SHARED["users"] == 0:
        _SHARED["browser"].close()
        _SHARED["playwright"].stop()
        _SHARED["browser"] = _SHARED["playwright"] = None


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium "
            "(apt-get install -y --no-install-recommends chromium); .ci/run does"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.skip("the playwright Python package is not installed (pip install -e '.[test]')")
    chromium = _start_browser()
    try:
        yield chromium
    finally:
        _stop_browser()


def new_context(browser, viewport: dict, outside: list[str] | None = None, **options):
    """A browser context that lets only 127.0.0.1 through and records the rest.

    Parameters
    ----------
    browser : playwright Browser
    viewport : dict
        ``PHONE`` or ``DESKTOP``.
    outside : list of str, optional
        Receives the addresses of blocked requests to other hosts.
    **options
        Passed to ``browser.new_context`` (e.g. ``reduced_motion``).
    """
    context = browser.new_context(viewport=viewport, locale="nl-BE", **options)
    blocked = outside if outside is not None else []

    def route(request_route):
        url = request_route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS:
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    return context


def collect_errors(page, errors: list[str]):
    """Record every JavaScript error of a page: uncaught exceptions and console errors.

    Load errors of resources on other hosts are left out: the router blocks
    those on purpose, and ``test_page_contacts_no_other_host`` reports them.
    Returns the handlers, for ``page.remove_listener``.
    """

    def on_console(msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "") or "?"
        host = urlsplit(where).hostname
        if "Failed to load resource" in msg.text and host is not None and host not in LOCAL_HOSTS:
            return
        errors.append(f"console.error: {msg.text} ({where})")

    def on_pageerror(exc):
        errors.append(f"pageerror: {exc}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    return {"console": on_console, "pageerror": on_pageerror}
