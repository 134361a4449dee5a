"""The built book works for readers, in a real browser, and keeps them private.

Headless Debian Chromium (``/usr/bin/chromium``, driven by Playwright, no
browser download) reads ``_build/html`` served on 127.0.0.1. Every page of
``_toc.yml`` is visited once at 1366 x 900 (a laptop) and once at 390 x 844
(a phone); the visits are recorded in a module fixture and the tests below
assert on the records, one test per page and property, so a failure names
the page:

* the page loads, is Dutch (``lang="nl"``), has no JavaScript error at all
  (uncaught exceptions and console errors, at both widths, no allow-list)
  and contacts no other host;
* every interface string, tooltip and accessible name is Dutch;
* every table fits the text column at 1366 px; on a phone a wide table
  scrolls in its own frame, with a visible cue and its first column in view;
* charts are readable on a phone (SVG text of at least 9 CSS px);
* the first page weighs at most 1.5 MB and every next page at most 0.4 MB
  (bytes transferred from the test server).

Interactive checks (menu, contents, search, solutions, printing) follow.
Accessibility (axe-core) is in ``test_site_accessibility.py``.

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
import yaml
from bs4 import BeautifulSoup
from conftest_site import (  # noqa: F401 (fixtures are used by name)
    DESKTOP,
    LOCAL_HOSTS,
    PHONE,
    ROOT,
    SITE_DIR,
    browser,
    collect_errors,
    new_context,
    page_path,
    site_dir,
    site_url,
    toc_docnames,
)

PAGES = toc_docnames()

#: Page weight budgets, bytes transferred (headers and bodies).
FIRST_PAGE_BUDGET = 1_500_000
NEXT_PAGE_BUDGET = 400_000
#: Smallest chart text on a phone, in CSS pixels.
MIN_CHART_TEXT_PX = 9.0

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
    "BIN": {"04_opinie_inwoners"},
}

#: "Tabel 4" (a report table) or a page-numbered table of the book itself:
#: "Tabel 6.2" (chapter 6), "Tabel B2.1" (appendix B2), "Tabel G-A.3" (the
#: feedback page of Gemeente A), "Tabel S.1" (an unnumbered page).
_TABLE_NUMBER_RE = re.compile(r"^\s*Tabel\s+(\d+[a-z]?|(?:\d+|B\d+|G-[A-Z]|S)\.\d+)(?!\S)")

#: Words of the themes' English interface that are no Dutch words. A label,
#: tooltip or piece of interface text containing one is English.
ENGLISH_WORDS = frozenset(
    """
    the this your here with using built created by on
    skip main content back color colour light dark system settings
    toggle primary secondary sidebar navigation site hidden show hide
    launch interactive binder repository repositories issue issues
    fullscreen print source file page previous next contents
    search searching results copy copied clipboard click expand collapse
    edit suggest version warning announcement breadcrumb
    """.split()
)

#: Attributes that carry interface text or accessible names.
_LABEL_ATTRIBUTES = (
    "aria-label",
    "title",
    "placeholder",
    "data-tooltip",
    "data-bs-title",
    "data-bs-original-title",
    "data-toggle-hint",
)


@dataclass
class Visit:
    """What one page load showed, at both widths."""

    url: str
    status: int | None = None
    lang: str = ""
    h1: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    footer: str = ""
    wide_tables: list[dict] = field(default_factory=list)
    transferred: int = 0
    overflow: dict | None = None
    phone_frames: list[dict] = field(default_factory=list)
    phone_charts: list[dict] = field(default_factory=list)
    broken_words: list[str] = field(default_factory=list)


_PAGE_STATE_JS = """
async (attributes) => {
  // Open everything a reader can open (folded code, solutions), so every
  // table is measured; lazy images are loaded and decoded.
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('button.toggle-button[aria-expanded="false"]')
    .forEach(b => b.click());
  await new Promise(r => setTimeout(r, 100));
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  window.dispatchEvent(new Event('resize'));
  await new Promise(r => setTimeout(r, 300));
  const visible = el => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  };
  const article = document.querySelector('article.bd-article');
  const box = article.getBoundingClientRect();
  const style = getComputedStyle(article);
  const columnRight = box.right - parseFloat(style.paddingRight) + 1;
  const labels = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of attributes) {
      const v = el.getAttribute(a);
      if (v && v.trim()) labels.push(`${a}: ${v.trim()}`);
    }
  }
  const chrome = ['#pst-skip-link', '#pst-back-to-top', '.bd-header-article',
                  '.prev-next-area', '.bd-sidebar-secondary .onthispage',
                  '.bd-footer-content', '.search-button__wrapper', 'summary',
                  '.vives-scroll-cue', '.vives-tabel-download', 'p.vives-nummering'];
  for (const sel of chrome) {
    document.querySelectorAll(sel).forEach(el => {
      const t = (el.innerText || '').trim();
      if (t) labels.push(`text ${sel}: ${t}`);
    });
  }
  return {
    lang: document.documentElement.lang,
    h1: [...document.querySelectorAll('main h1, article h1, h1')]
          .filter(visible).map(h => h.textContent.trim()),
    images: imgs.map(i => ({
      src: i.currentSrc || i.src, alt: (i.getAttribute('alt') || '').trim(),
      complete: i.complete, naturalWidth: i.naturalWidth,
    })),
    tables: [...document.querySelectorAll('figure.vives-tabel-figuur')].map(f => ({
      caption: ['.caption-number', '.caption-text']
                 .map(s => (f.querySelector(s) || {textContent: ''}).textContent)
                 .join(' ').trim().replace(/\\s+/g, ' '),
      label: (f.querySelector('table.vives-tabel') || {dataset: {}}).dataset.label || '',
      csv: [...f.querySelectorAll('a')].filter(a => /Download als CSV/.test(a.textContent))
             .map(a => a.href),
      xlsx: [...f.querySelectorAll('a')].filter(a => /Download als Excel/.test(a.textContent))
             .map(a => a.href),
    })),
    wide: [...article.querySelectorAll('table')].filter(visible).map(t => {
      const frame = t.closest('.vives-tabel-wrapper, .pst-scrollable-table-container')
                    || t.parentElement;
      const fig = t.closest('figure');
      const caption = fig && fig.querySelector('figcaption');
      // A cell tagged full-width (the appendices' wide tables) may use the
      // margin column as well: its own box is then the limit.
      const full = t.closest('.tag_full-width, .full-width');
      return {
        name: ((caption || {}).textContent || t.dataset.label || 'tabel zonder bijschrift')
                .replace(/\\s+/g, ' ').trim().slice(0, 60),
        right: t.getBoundingClientRect().right,
        columnRight: full ? full.getBoundingClientRect().right + 1 : columnRight,
        scroll: frame.scrollWidth, client: frame.clientWidth,
      };
    }).filter(t => t.right > t.columnRight || t.scroll > t.client + 1),
    labels,
    footer: (document.querySelector('.bd-footer-content') || {innerText: ''}).innerText,
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

_PHONE_FRAMES_JS = """
async () => {
  // Every table frame that scrolls: is there a cue, a tab stop, and does the
  // first column stay in view when the reader scrolls?
  const out = [];
  for (const table of document.querySelectorAll('article.bd-article table')) {
    const frame = table.closest('.vives-tabel-wrapper, .pst-scrollable-table-container');
    if (!frame || frame.getBoundingClientRect().width === 0) continue;
    if (frame.scrollWidth <= frame.clientWidth + 1) continue;
    const cue = frame.previousElementSibling;
    const cueShown = !!cue && cue.classList.contains('vives-scroll-cue') && !cue.hidden
                     && cue.getBoundingClientRect().height > 0;
    const first = table.querySelector('tbody tr > th:first-child');
    let stuck = null;
    if (first && table.classList.contains('vives-tabel')) {
      frame.scrollLeft = 150;
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      stuck = Math.abs(first.getBoundingClientRect().left - frame.getBoundingClientRect().left) <= 2;
      frame.scrollLeft = 0;
    }
    const fig = table.closest('figure');
    const caption = fig && fig.querySelector('figcaption');
    out.push({
      name: ((caption || {}).textContent || 'tabel').replace(/\\s+/g, ' ').trim().slice(0, 60),
      cue: cueShown, tabindex: frame.getAttribute('tabindex'), stuck,
    });
  }
  return out;
}
"""

_BROKEN_WORDS_JS = """
() => {
  // Words of a heading that the browser split over two lines (no hyphen).
  const broken = [];
  for (const h of document.querySelectorAll('article.bd-article :is(h1, h2, h3)')) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.headerlink')) continue;
      for (const m of node.textContent.matchAll(/[^\\s]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}
"""

_PHONE_CHARTS_JS = """
async () => {
  // The smallest text of each SVG chart as shown on this screen, in CSS px.
  const out = [];
  for (const img of document.querySelectorAll('article.bd-article img')) {
    const src = img.currentSrc || img.src;
    if (!/\\.svg(\\?|$)/.test(src)) continue;
    img.loading = 'eager';
    await img.decode().catch(() => null);
    const text = await (await fetch(src)).text();
    const box = /viewBox="([\\d.\\s-]+)"/.exec(text);
    const sizes = [...text.matchAll(/font-size:\\s*([\\d.]+)px/g)].map(m => parseFloat(m[1]));
    if (!box || !sizes.length) { out.push({src, smallest: null}); continue; }
    const viewWidth = parseFloat(box[1].trim().split(/\\s+/)[2]);
    out.push({src, smallest: Math.min(...sizes) * img.getBoundingClientRect().width / viewWidth,
              shown: img.getBoundingClientRect().width});
  }
  return out;
}
"""


def _transferred(page) -> tuple[list, callable]:
    """Count the bytes each finished request transferred (0 from the cache)."""
    sizes: list[int] = []

    def on_finished(request):
        try:
            measured = request.sizes()
        except Exception:  # noqa: BLE001 - a request without sizes transferred nothing
            return
        sizes.append(measured["responseBodySize"] + measured["responseHeadersSize"])

    page.on("requestfinished", on_finished)
    return sizes, on_finished


def _record_outside(page, outside: list[str]):
    """Record every request to a host other than the test server."""

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob", "about"} and parts.hostname not in LOCAL_HOSTS:
            outside.append(request.url)

    page.on("request", on_request)


@pytest.fixture(scope="module")
def visits(browser, site_url) -> dict[str, Visit]:
    """Visit every toc page at desktop size (in reading order), then at phone size."""
    records = {d: Visit(url=urljoin(site_url, page_path(d))) for d in PAGES}
    outside: list[str] = []
    # Desktop: a plain context (no request router: routing turns the
    # browser's cache off, and the page weight of a next page depends on it),
    # reading the pages in order as a reader does. Requests to other hosts
    # are recorded here, and blocked in the phone context below.
    context = browser.new_context(viewport=DESKTOP, locale="nl-BE")
    try:
        page = context.new_page()
        _record_outside(page, outside)
        for docname in PAGES:
            visit = records[docname]
            start = len(outside)
            handlers = collect_errors(page, visit.errors)

            def failed(resp, v=visit):
                if resp.status >= 400:
                    v.failed_local.append(f"{resp.status} {resp.url}")

            page.on("response", failed)
            sizes, counter = _transferred(page)
            response = page.goto(visit.url, wait_until="load")
            visit.status = response.status if response else None
            page.wait_for_load_state("networkidle")
            # The weight is what arrived until the network fell idle; the
            # state below also loads every lazy image, which a reader who
            # does not scroll never fetches.
            page.remove_listener("requestfinished", counter)
            visit.transferred = sum(sizes)
            state = page.evaluate(_PAGE_STATE_JS, list(_LABEL_ATTRIBUTES))
            visit.lang, visit.h1 = state["lang"], state["h1"]
            visit.images, visit.tables = state["images"], state["tables"]
            visit.wide_tables, visit.labels = state["wide"], state["labels"]
            visit.footer = state["footer"]
            visit.outside_requests = outside[start:]
            page.remove_listener("response", failed)
            for event, handler in handlers.items():
                page.remove_listener(event, handler)
    finally:
        context.close()

    phone = new_context(browser, PHONE, outside)
    try:
        page = phone.new_page()
        for docname in PAGES:
            visit = records[docname]
            handlers = collect_errors(page, visit.errors)
            # "load" and the fonts, not network idle: the desktop pass above
            # waited for idle on every page, and the measurements below need
            # the layout, which the fonts settle (half a second a page less).
            page.goto(visit.url, wait_until="load")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            visit.overflow = page.evaluate(_OVERFLOW_JS)
            visit.phone_frames = page.evaluate(_PHONE_FRAMES_JS)
            visit.phone_charts = page.evaluate(_PHONE_CHARTS_JS)
            visit.broken_words = page.evaluate(_BROKEN_WORDS_JS)
            state = page.evaluate(_PAGE_STATE_JS, list(_LABEL_ATTRIBUTES))
            visit.labels += state["labels"]
            for event, handler in handlers.items():
                page.remove_listener(event, handler)
    finally:
        phone.close()
    return records


def _stem(docname: str) -> str:
    return docname.rsplit("/", 1)[-1]


def _english(text: str) -> list[str]:
    words = re.findall(r"[a-zA-Z]+", text.split(":", 1)[-1])
    return sorted({w for w in words if w.lower() in ENGLISH_WORDS})


# ---------------------------------------------------------------------------
# Every page, at both widths
# ---------------------------------------------------------------------------


def test_toc_lists_pages():
    assert len(PAGES) >= 2, "the table of contents lists no chapters"


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_with_title(visits, docname):
    visit = visits[docname]
    assert visit.status == 200, f"{visit.url}: HTTP {visit.status}"
    assert visit.h1 and all(visit.h1), f"{visit.url}: no visible h1"
    assert visit.lang == "nl", f"{visit.url}: <html lang={visit.lang!r}>, expected 'nl'"


@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_javascript_error(visits, docname):
    """No uncaught exception and no console error, at 1366 px and at 390 px."""
    visit = visits[docname]
    assert not visit.errors, "\n".join([visit.url, *visit.errors])
    assert not visit.failed_local, f"{visit.url}: failed requests {visit.failed_local}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_contacts_no_other_host(visits, docname):
    """Readers' privacy: no fonts, analytics, scripts or data from elsewhere."""
    visit = visits[docname]
    assert not visit.outside_requests, (
        f"{visit.url} requested {len(visit.outside_requests)} non-local resources "
        f": {sorted(set(visit.outside_requests))}"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_interface_is_dutch(visits, docname):
    """Labels, tooltips, accessible names and interface texts hold no English."""
    visit = visits[docname]
    english = sorted(
        {f"{label!r} ({', '.join(_english(label))})" for label in visit.labels if _english(label)}
    )
    assert not english, "\n".join([visit.url, *english])


@pytest.mark.parametrize("docname", PAGES)
def test_footer_shows_the_configured_years(visits, docname):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    years = str(config["copyright"])
    assert years in visits[docname].footer, (
        f"{visits[docname].url}: footer {visits[docname].footer!r} lacks {years!r}"
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


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


@pytest.mark.parametrize("docname", PAGES)
def test_tables_have_number_and_downloads(visits, docname):
    """Every render_table table shows "Tabel N" and links a CSV and an .xlsx that load."""
    visit = visits[docname]
    problems = []
    for table in visit.tables:
        name = table["label"] or table["caption"][:40]
        if not _TABLE_NUMBER_RE.match(table["caption"]):
            problems.append(f"{name}: caption without 'Tabel N': {table['caption']!r}")
        for kind, magic in (("csv", None), ("xlsx", b"PK")):
            if len(table[kind]) != 1:
                problems.append(f"{name}: {len(table[kind])} {kind} links")
                continue
            status, body = _fetch(table[kind][0])
            if status != 200 or not body.strip() or (magic and not body.startswith(magic)):
                problems.append(f"{name}: {table[kind][0]} gives HTTP {status}, {len(body)} bytes")
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
def test_tables_fit_the_text_column_on_a_laptop(visits, docname):
    """At 1366 x 900 no table is wider than the text column or scrolls in its frame."""
    visit = visits[docname]
    wide = [
        f"{t['name']}: right edge {t['right']:.0f} px > column {t['columnRight']:.0f} px, "
        f"frame {t['scroll']} px content in {t['client']} px"
        for t in visit.wide_tables
    ]
    assert not wide, "\n".join([f"{visit.url} at {DESKTOP['width']} px:", *wide])


@pytest.mark.parametrize("docname", PAGES)
def test_no_horizontal_overflow_on_phone(visits, docname):
    visit = visits[docname]
    overflow = visit.overflow
    assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, (
        f"{visit.url} at {PHONE['width']}x{PHONE['height']}: page is "
        f"{overflow['scrollWidth']}px wide for {overflow['clientWidth']}px; "
        f"too wide: {overflow['wide']}"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_wide_tables_on_a_phone_show_a_cue_and_keep_their_labels(visits, docname):
    """No column is hidden without a cue; the row labels stay in view; keyboard reachable."""
    visit = visits[docname]
    problems = []
    for frame in visit.phone_frames:
        if not frame["cue"]:
            problems.append(f"{frame['name']}: scrolls sideways without a visible cue")
        if frame["tabindex"] != "0":
            problems.append(f"{frame['name']}: the scrolling frame is no tab stop")
        if frame["stuck"] is False:
            problems.append(f"{frame['name']}: the first column scrolls out of view")
    assert not problems, "\n".join([f"{visit.url} at {PHONE['width']} px:", *problems])


@pytest.mark.parametrize("docname", PAGES)
def test_headings_keep_their_words_whole_on_a_phone(visits, docname):
    """No heading word is cut over two lines without a hyphen ("Steekproefkenm / erken")."""
    visit = visits[docname]
    assert not visit.broken_words, f"{visit.url} at {PHONE['width']} px: {visit.broken_words}"


@pytest.mark.parametrize("docname", PAGES)
def test_charts_are_readable_on_a_phone(visits, docname):
    visit = visits[docname]
    problems = [
        f"{chart['src'].rsplit('/', 1)[-1]}: smallest text "
        + (f"{chart['smallest']:.1f} px" if chart["smallest"] else "unknown (no SVG text)")
        for chart in visit.phone_charts
        if not chart["smallest"] or chart["smallest"] < MIN_CHART_TEXT_PX
    ]
    assert not problems, "\n".join([f"{visit.url} at {PHONE['width']} px:", *problems])


def test_every_chart_is_an_svg_with_text(visits):
    """Charts are SVG (sharp, light, text stays text); the phone check then applies."""
    rasters = sorted(
        {
            image["src"].rsplit("/", 1)[-1]
            for visit in visits.values()
            for image in visit.images
            if "/_images/" in image["src"] and not image["src"].endswith(".svg")
        }
    )
    assert not rasters, f"raster charts: {rasters}"


def test_first_page_is_light(visits):
    first = visits[PAGES[0]]
    assert first.transferred <= FIRST_PAGE_BUDGET, (
        f"{first.url}: {first.transferred:,} bytes on a first visit (budget {FIRST_PAGE_BUDGET:,})"
    )


@pytest.mark.parametrize("docname", PAGES[1:])
def test_next_page_is_light(visits, docname):
    visit = visits[docname]
    assert visit.transferred <= NEXT_PAGE_BUDGET, (
        f"{visit.url}: {visit.transferred:,} bytes after the first page "
        f"(budget {NEXT_PAGE_BUDGET:,})"
    )


# ---------------------------------------------------------------------------
# Navigation: menu and contents at both widths
# ---------------------------------------------------------------------------


def _checked_page(browser, viewport):
    """A fresh page; a JavaScript error on it fails the test at teardown."""
    context = new_context(browser, viewport)
    page = context.new_page()
    errors: list[str] = []
    collect_errors(page, errors)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture()
def phone_page(browser, site_url):
    yield from _checked_page(browser, PHONE)


@pytest.fixture()
def desktop_page(browser, site_url):
    yield from _checked_page(browser, DESKTOP)


def _chapter() -> str:
    return next(d for d in PAGES if _stem(d) == "04_opinie_inwoners")


def test_menu_opens_the_table_of_contents_on_a_phone(phone_page, site_url):
    page = phone_page
    page.goto(urljoin(site_url, page_path(_chapter())), wait_until="networkidle")
    toggles = page.locator(".primary-toggle")
    visible = [i for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    assert len(visible) == 1, f"{len(visible)} visible menu buttons"
    assert toggles.count() == 1, "a second (hidden) .primary-toggle steals the theme's handler"
    link = page.locator("#pst-primary-sidebar").get_by_role("link", name=re.compile("Methode"))
    assert not link.first.is_visible(), "the table of contents shows before the menu is opened"
    toggles.first.click()
    dialog = page.locator("#pst-primary-sidebar-modal")
    dialog.wait_for(state="visible", timeout=5_000)
    target = dialog.get_by_role("link", name=re.compile("Methode"))
    assert target.first.is_visible(), "the menu opened without the chapters"
    target.first.click()
    page.wait_for_url(re.compile(r"01_methode\.html"), timeout=5_000)


def test_menu_button_hides_and_shows_the_sidebar_on_a_laptop(desktop_page, site_url):
    page = desktop_page
    page.goto(urljoin(site_url, page_path(_chapter())), wait_until="networkidle")
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    toggle = page.locator(".primary-toggle")
    assert toggle.count() == 1 and toggle.is_visible()
    toggle.click()
    sidebar.wait_for(state="hidden", timeout=5_000)
    assert "pst-sidebar-hidden" in (sidebar.get_attribute("class") or "")
    assert not page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open"), (
        "on a laptop the menu button opened the phone's dialog instead of hiding the sidebar"
    )
    toggle.click()
    sidebar.wait_for(state="visible", timeout=5_000)


def test_contents_button_opens_the_page_contents_on_a_phone(phone_page, site_url):
    page = phone_page
    page.goto(urljoin(site_url, page_path(_chapter())), wait_until="networkidle")
    toggle = page.locator(".secondary-toggle")
    assert toggle.count() == 1 and toggle.is_visible(), "no contents button on a phone"
    toggle.click()
    dialog = page.locator("#pst-secondary-sidebar-modal")
    dialog.wait_for(state="visible", timeout=5_000)
    assert dialog.locator("a.nav-link").count() >= 3, "the contents list is empty"


def test_page_contents_are_reachable_on_a_laptop(desktop_page, site_url):
    """The right column lists the sections; its button (if shown) opens it too."""
    page = desktop_page
    page.goto(urljoin(site_url, page_path(_chapter())), wait_until="networkidle")
    toc = page.locator("#pst-page-toc-nav a.nav-link")
    toggle = page.locator(".secondary-toggle")
    if toc.first.is_visible():
        assert toc.count() >= 3
        return
    assert toggle.is_visible(), "neither the page contents nor its button are shown"
    toggle.click()
    page.locator("#pst-secondary-sidebar-modal a.nav-link").first.wait_for(state="visible")


def test_download_menu_links_the_book_pdf(site_dir):
    """The download menu offers the book as PDF (``make pdf``), not the print dialog."""
    html = (site_dir / page_path(_chapter())).read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.select(".dropdown-download-buttons a[href]")]
    assert any(h.endswith("burgers-als-partners.pdf") for h in links), links


def test_no_repository_buttons_without_a_published_repository(site_dir):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    if config["repository"].get("url"):
        pytest.skip("a repository is configured: its buttons are tested in test_site_extensions")
    html = (site_dir / page_path(_chapter())).read_text(encoding="utf-8")
    for needle in ("github.com", "mybinder", "/issues/new", "launch-buttons", "Binder"):
        assert needle not in html, f"{needle!r} on a site without a published repository"


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(browser, site_url):
    """A fresh desktop page for the interactive tests (search, toggles)."""
    outside: list[str] = []
    context = new_context(browser, DESKTOP, outside)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"


def test_search_page_is_dutch(page, site_url):
    response = page.goto(urljoin(site_url, "search.html"), wait_until="load")
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert "Zoeken" in page.locator("h1").first.inner_text()


def _search(page, site_url, term):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(urljoin(site_url, f"search.html?q={term}"), wait_until="load")
    try:
        page.wait_for_selector("#search-results ul.search li p.context", timeout=20_000)
    except PlaywrightTimeout:
        summary = page.locator("#search-results").inner_text(timeout=1_000) or "no results box"
        pytest.fail(
            f"search {term!r} gave no results: {' '.join(summary.split())[:200]!r}. "
            "If the word is in the book, the search index and the browser stem Dutch "
            "differently (snowballstemmer >= 3): enable helpers.book.sphinx_search_nl."
        )
    page.wait_for_timeout(500)
    return page.eval_on_selector_all(
        "#search-results ul.search li",
        """els => els.map(li => ({
             href: (li.querySelector('a') || {}).getAttribute?.('href') || '',
             title: (li.querySelector('a') || {textContent: ''}).textContent,
             snippet: (li.querySelector('p.context') || {textContent: ''}).textContent}))""",
    )


@pytest.mark.parametrize("term", sorted(SEARCHES))
def test_search_finds_pages(page, site_url, term):
    results = _search(page, site_url, term)
    found = {re.sub(r"\.html.*$", "", r["href"]).rsplit("/", 1)[-1] for r in results}
    expected = SEARCHES[term]
    assert found & expected, (
        f"search {term!r} found {sorted(found)}, expected one of {sorted(expected)}"
    )


def _code_text(site_dir, href: str) -> str:
    path = site_dir / re.sub(r"[#?].*$", "", href)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(" ".join(el.get_text(" ") for el in soup.select(".cell_input")).split())


@pytest.mark.parametrize("term", ["burgemeester", "BIN"])
def test_search_snippets_are_prose_not_code(page, site_url, site_dir, term):
    results = _search(page, site_url, term)
    problems = []
    for result in results[:5]:
        snippet = " ".join(result["snippet"].replace("...", " ").split())
        if not snippet:
            continue
        code = _code_text(site_dir, result["href"])
        if snippet[:50] and snippet[:50] in code:
            problems.append(f"{result['href']}: snippet is code: {snippet[:80]!r}")
        if re.search(r"\bBinder\b|Repository|Open issue", snippet):
            problems.append(f"{result['href']}: snippet shows page buttons: {snippet[:80]!r}")
    assert not problems, "\n".join(problems)


def test_search_for_bin_leads_to_the_bin_sections(page, site_url):
    results = _search(page, site_url, "BIN")
    top = results[0]
    assert re.search(r"\bBIN\b|[Bb]uurtinformatienetwerk", top["title"] + " " + top["snippet"]), (
        f"first result for 'BIN' is {top['title']!r}: {top['snippet'][:100]!r}"
    )


# ---------------------------------------------------------------------------
# Solutions and printing
# ---------------------------------------------------------------------------


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
    assert re.fullmatch(r"Toon|Verberg", toggle.get_attribute("aria-label") or "Toon")
    toggle.click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.is_visible(), f"{hits[0]}: the solution did not open on click"


#: Printable width of an A4 page with Chromium's default margins, in CSS px.
A4_PRINT = {"width": 718, "height": 1040}


@pytest.mark.parametrize(
    "docname", [d for d in PAGES if _stem(d) in {"02_steekproef", "04_opinie_inwoners"}]
)
def test_printing_a_page_gives_whole_tables(browser, site_url, docname):
    context = new_context(browser, A4_PRINT)
    try:
        page = context.new_page()
        page.goto(urljoin(site_url, page_path(docname)), wait_until="networkidle")
        page.emulate_media(media="print")
        cut = page.evaluate(
            """() => [...document.querySelectorAll('table.vives-tabel')].map(t => {
                 const frame = t.closest('.vives-tabel-wrapper');
                 const article = document.querySelector('article.bd-article');
                 return {label: t.dataset.label, right: t.getBoundingClientRect().right,
                         limit: article.getBoundingClientRect().right + 1,
                         scroll: frame.scrollWidth, client: frame.clientWidth,
                         overflow: getComputedStyle(frame).overflowX};
               }).filter(t => t.right > t.limit || (t.scroll > t.client + 1
                                                    && t.overflow !== 'visible'))"""
        )
        assert not cut, f"{docname}: tables cut off in print: {cut}"
        hidden = page.evaluate(
            "() => [...document.querySelectorAll('.cell_input, .bd-sidebar-primary')]"
            ".filter(e => e.getBoundingClientRect().height > 0).length"
        )
        assert hidden == 0, f"{docname}: code or navigation is printed"
    finally:
        context.close()
