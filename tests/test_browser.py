"""The built book works for readers, in a real browser, and keeps them private.

Headless Debian Chromium (``/usr/bin/chromium``, driven by Playwright, no
browser download) reads ``_build/html`` served on 127.0.0.1. Every page of
``_toc.yml`` is visited once at desktop size and once at phone size; the
visits are recorded in a module fixture and the tests below assert on the
records, one test per page and property, so a failure names the page.

Run ``make book`` first. Without Chromium the tests skip locally (on CI the
root conftest turns every skip into a failure).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest_site import (  # noqa: F401 (fixtures are used by name)
    SITE_DIR,
    browser,
    page_path,
    site_dir,
    site_url,
    toc_docnames,
)

PAGES = toc_docnames()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: Hosts the browser may contact: only the local test server.
LOCAL_HOSTS = {"127.0.0.1"}

#: Console messages that are known theme noise, not defects of the book.
#: Each entry: a regular expression and why it is harmless.
CONSOLE_ALLOW = [
    (
        # sphinx-thebe (pulled in by Jupyter Book's launch buttons, even with
        # thebe off) injects its loader script twice; the second copy throws
        # on its `const THEBE_JS_URL`. Nothing on the page depends on it.
        re.compile(r"Identifier 'THEBE_JS_URL' has already been declared"),
        "sphinx-thebe script included twice by Jupyter Book",
    ),
]

#: Report tables per chapter: the report's "Tabel N" must appear on the page
#: that mirrors the report's section (the report's structure, fixed).
REPORT_TABLES = {
    "01_methode": {"1"},
    "02_steekproef": {"2", "3"},
    "04_opinie_inwoners": {"4", "5", "6", "7", "8"},
}

#: Dutch search terms and the pages (file stems) where a reader expects them.
SEARCHES = {
    "buurtinformatienetwerk": {"04_opinie_inwoners"},
    "burgemeester": {"01_methode", "03_visie_partners"},
}

#: "Tabel 4" (a report table) or a page-numbered table of the book itself:
#: "Tabel 6.2" (chapter 6), "Tabel B2.1" (appendix B2), "Tabel G-A.3" (the
#: feedback page of Gemeente A), "Tabel S.1" (an unnumbered page).
_TABLE_NUMBER_RE = re.compile(r"^\s*Tabel\s+(\d+[a-z]?|(?:\d+|B\d+|G-[A-Z]|S)\.\d+)(?!\S)")


@dataclass
class Visit:
    """What one page load showed."""

    url: str
    status: int | None = None
    lang: str = ""
    h1: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    overflow: dict | None = None


def _allowed(message: str) -> bool:
    return any(pattern.search(message) for pattern, _ in CONSOLE_ALLOW)


def _where(msg) -> str:
    return (msg.location or {}).get("url", "") or "?"


def _blocked(msg) -> bool:
    """A load error of a non-local resource: the router blocked it on purpose,
    and test_page_contacts_no_other_host reports it."""
    host = urlsplit((msg.location or {}).get("url", "")).hostname
    return "Failed to load resource" in msg.text and host is not None and host not in LOCAL_HOSTS


def _new_context(browser, viewport, outside: list[str]):
    """A browser context that lets only 127.0.0.1 through and records the rest."""
    context = browser.new_context(viewport=viewport, locale="nl-BE")

    def route(request_route):
        url = request_route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS:
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    return context


_PAGE_STATE_JS = """
async () => {
  // Lazy images: load them all, then wait until each is decoded (or failed).
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  const visible = el => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  };
  return {
    lang: document.documentElement.lang,
    h1: [...document.querySelectorAll('main h1, article h1, h1')]
          .filter(visible).map(h => h.textContent.trim()),
    images: imgs.map(i => ({
      src: i.currentSrc || i.src, alt: (i.getAttribute('alt') || '').trim(),
      complete: i.complete, naturalWidth: i.naturalWidth,
    })),
    tables: [...document.querySelectorAll('figure.vives-tabel-figuur, .vives-tabel-figuur')]
      .map(f => ({
        caption: ['.caption-number', '.caption-text']
                   .map(s => (f.querySelector(s) || {textContent: ''}).textContent)
                   .join(' ').trim().replace(/\\s+/g, ' '),
        label: (f.querySelector('table.vives-tabel') || {dataset: {}}).dataset.label || '',
        csv: [...f.querySelectorAll('a')].filter(a => /Download als CSV/.test(a.textContent))
               .map(a => a.href),
      })),
  };
}
"""

_OVERFLOW_JS = """
() => {
  // The page may not scroll sideways; tables and code scroll in their own box.
  const d = document.documentElement;
  const W = d.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const beyond = el => el.getBoundingClientRect().right > W + 1;
  // Culprits: the innermost visible elements that stick out of the page.
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => beyond(el) && el.getBoundingClientRect().width > 0
                  && getComputedStyle(el).position !== 'fixed'
                  && ![...el.children].some(beyond) && !scrolls(el))
    .slice(0, 6)
    .map(el => {
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      return `${el.tagName.toLowerCase()}${cls} "${(el.textContent || '').trim().slice(0, 40)}"`;
    });
  return {scrollWidth: d.scrollWidth, clientWidth: W, wide};
}
"""


@pytest.fixture(scope="module")
def visits(browser, site_url) -> dict[str, Visit]:
    """Visit every toc page at desktop size, then at phone size."""
    records: dict[str, Visit] = {}
    outside: list[str] = []
    context = _new_context(browser, DESKTOP, outside)
    try:
        page = context.new_page()
        for docname in PAGES:
            visit = Visit(url=urljoin(site_url, page_path(docname)))
            records[docname] = visit
            handlers = {
                "console": lambda msg, v=visit: (
                    v.console_errors.append(f"console.{msg.type}: {msg.text} ({_where(msg)})")
                    if msg.type == "error" and not _allowed(msg.text) and not _blocked(msg)
                    else None
                ),
                "pageerror": lambda exc, v=visit: (
                    None if _allowed(str(exc)) else v.console_errors.append(f"pageerror: {exc}")
                ),
                "response": lambda resp, v=visit: (
                    v.failed_local.append(f"{resp.status} {resp.url}")
                    if resp.status >= 400
                    else None
                ),
            }
            for event, handler in handlers.items():
                page.on(event, handler)
            start = len(outside)
            response = page.goto(visit.url, wait_until="load")
            visit.status = response.status if response else None
            page.wait_for_load_state("networkidle")
            state = page.evaluate(_PAGE_STATE_JS)
            visit.lang, visit.h1 = state["lang"], state["h1"]
            visit.images, visit.tables = state["images"], state["tables"]
            visit.outside_requests = outside[start:]
            for event, handler in handlers.items():
                page.remove_listener(event, handler)
    finally:
        context.close()

    phone = _new_context(browser, PHONE, [])
    try:
        page = phone.new_page()
        for docname in PAGES:
            page.goto(records[docname].url, wait_until="load")
            page.wait_for_load_state("networkidle")
            records[docname].overflow = page.evaluate(_OVERFLOW_JS)
    finally:
        phone.close()
    return records


@pytest.fixture(scope="module")
def page(browser, site_url):
    """A fresh desktop page for the interactive tests (search, toggles)."""
    outside: list[str] = []
    context = _new_context(browser, DESKTOP, outside)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"


def _stem(docname: str) -> str:
    return docname.rsplit("/", 1)[-1]


def test_toc_lists_pages():
    assert len(PAGES) >= 2, "the table of contents lists no chapters"


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_with_title(visits, docname):
    visit = visits[docname]
    assert visit.status == 200, f"{visit.url}: HTTP {visit.status}"
    assert visit.h1 and all(visit.h1), f"{visit.url}: no visible h1"
    assert visit.lang == "nl", f"{visit.url}: <html lang={visit.lang!r}>, expected 'nl'"


@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_console_errors(visits, docname):
    visit = visits[docname]
    assert not visit.console_errors, "\n".join([visit.url, *visit.console_errors])
    assert not visit.failed_local, f"{visit.url}: failed requests {visit.failed_local}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_contacts_no_other_host(visits, docname):
    """Readers' privacy: no fonts, analytics, scripts or data from elsewhere."""
    visit = visits[docname]
    assert not visit.outside_requests, (
        f"{visit.url} requested {len(visit.outside_requests)} non-local resources "
        f"(blocked): {sorted(set(visit.outside_requests))}"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_images_load_and_have_alt_text(visits, docname):
    visit = visits[docname]
    problems = []
    for image in visit.images:
        if image["naturalWidth"] <= 0:
            problems.append(f"does not load: {image['src']}")
        alt = image["alt"]
        if not alt or re.fullmatch(r"\S+\.(png|svg|jpe?g|gif)", alt, re.I):
            problems.append(f"no alt text (alt={alt!r}): {image['src']}")
    assert not problems, "\n".join([visit.url, *problems])


@pytest.mark.parametrize("docname", PAGES)
def test_tables_have_number_and_csv_download(visits, docname):
    """Every render_table table shows "Tabel N" and links a working CSV."""
    visit = visits[docname]
    problems = []
    for table in visit.tables:
        name = table["label"] or table["caption"][:40]
        if not _TABLE_NUMBER_RE.match(table["caption"]):
            problems.append(f"{name}: caption without 'Tabel N': {table['caption']!r}")
        if len(table["csv"]) != 1:
            problems.append(f"{name}: {len(table['csv'])} 'Download als CSV' links")
            continue
        try:
            with urllib.request.urlopen(table["csv"][0], timeout=10) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = b"", exc.code
        if status != 200 or not body.strip():
            problems.append(f"{name}: CSV {table['csv'][0]} gives HTTP {status}, {len(body)} bytes")
    assert not problems, "\n".join([visit.url, *problems])


@pytest.mark.parametrize("chapter", sorted(REPORT_TABLES))
def test_results_chapter_shows_report_tables(visits, chapter):
    docnames = [d for d in PAGES if _stem(d) == chapter]
    assert docnames, f"chapter {chapter} is not in _toc.yml"
    visit = visits[docnames[0]]
    shown = {m.group(1) for t in visit.tables if (m := _TABLE_NUMBER_RE.match(t["caption"]))}
    elsewhere = {
        number: _stem(d)
        for d, v in visits.items()
        if d != docnames[0]
        for t in v.tables
        if (m := _TABLE_NUMBER_RE.match(t["caption"])) and (number := m.group(1))
    }
    missing = sorted(REPORT_TABLES[chapter] - shown, key=int)
    assert not missing, (
        f"{visit.url}: report tables missing: "
        + ", ".join(
            f"Tabel {n}" + (f" (found in {elsewhere[n]})" if n in elsewhere else "")
            for n in missing
        )
        + f"; the page shows {sorted(shown) or 'no numbered table'}"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_no_horizontal_overflow_on_phone(visits, docname):
    visit = visits[docname]
    overflow = visit.overflow
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, (
        f"{visit.url} at {PHONE['width']}x{PHONE['height']}: page is "
        f"{overflow['scrollWidth']}px wide for {overflow['clientWidth']}px; "
        f"too wide: {overflow['wide']}"
    )


def test_search_page_is_dutch(page, site_url):
    response = page.goto(urljoin(site_url, "search.html"), wait_until="load")
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert "Zoeken" in page.locator("h1").first.inner_text()


@pytest.mark.parametrize("term", sorted(SEARCHES))
def test_search_finds_pages(page, site_url, term):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(urljoin(site_url, f"search.html?q={term}"), wait_until="load")
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    except PlaywrightTimeout:
        summary = page.locator("#search-results").inner_text(timeout=1_000) or "no results box"
        pytest.fail(
            f"search {term!r} gave no results: {' '.join(summary.split())[:200]!r}. "
            "If the word is in the book, the search index and the browser stem Dutch "
            "differently (snowballstemmer >= 3): enable helpers.book.sphinx_search_nl."
        )
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))"
    )
    found = {re.sub(r"\.html.*$", "", h).rsplit("/", 1)[-1] for h in hrefs if h}
    expected = SEARCHES[term]
    assert found & expected, (
        f"search {term!r} found {sorted(found)}, expected one of {sorted(expected)}"
    )


def _pages_with_solution_dropdown(site) -> list[str]:
    hits = []
    for docname in PAGES:
        path = site / page_path(docname)
        if not path.is_file():
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.select(".solution.dropdown"):
            hits.append(docname)
    return hits


def test_exercise_solution_toggles(page, site_url, site_dir):
    hits = _pages_with_solution_dropdown(site_dir)
    assert hits, "no page has a sphinx-exercise solution dropdown (`:class: dropdown`)"
    page.goto(urljoin(site_url, page_path(hits[0])), wait_until="load")
    page.wait_for_load_state("networkidle")
    solution = page.locator(".solution.dropdown").first
    solution.scroll_into_view_if_needed()
    body = (
        solution.locator("xpath=./*[not(contains(@class, 'admonition-title'))]")
        .filter(has_not=page.locator(".toggle-button"))
        .last
    )
    assert not body.is_visible(), f"{hits[0]}: the solution is open before a click"
    toggle = solution.locator("button.toggle-button, .admonition-title, summary").first
    toggle.click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.is_visible(), f"{hits[0]}: the solution did not open on click"
