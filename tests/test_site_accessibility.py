"""Every page of the built book passes axe-core's WCAG 2.1 AA checks, at both widths.

axe-core comes from npm (``package.json`` / ``package-lock.json``; ``npm ci``
installs it, ``.ci/run`` does on CI) and is injected into each page of
``_toc.yml`` in headless Debian Chromium at 1366 x 900 and at 390 x 844. A
violation with impact "serious" or "critical" under the WCAG 2.0/2.1 A and
AA rules fails the page; the message names the rule, the element and axe's
help text. Moderate and minor findings are not failures (they are printed
with ``-rA`` when a page fails for another reason).

Kept in a file of its own so it can be scheduled apart from the other
browser tests (about half a second per page and width).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from conftest_site import (  # noqa: F401 (fixtures are used by name)
    AXE_JS,
    DESKTOP,
    PHONE,
    browser,
    new_context,
    page_path,
    site_dir,
    site_url,
    toc_docnames,
)

PAGES = toc_docnames()
#: The WCAG 2.1 AA rule sets of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Impacts that fail a page.
FAILING = {"serious", "critical"}

_RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({
      target: n.target.join(' '), html: n.html.slice(0, 160),
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200),
    })),
    count: v.nodes.length,
  }));
}
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.skip(f"{AXE_JS} missing: run `npm ci` (axe-core from package-lock.json)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def axe_results(browser, site_url, axe_source) -> dict[tuple[str, str], list[dict]]:
    """Run axe on every page at both widths; ``{(width, docname): violations}``."""
    results: dict[tuple[str, str], list[dict]] = {}
    for name, viewport in (("1366", DESKTOP), ("390", PHONE)):
        context = new_context(browser, viewport, reduced_motion="reduce")
        try:
            page = context.new_page()
            for docname in PAGES:
                # "load": the DOM, styles, scripts and images are in; waiting
                # for network idle as well costs half a second a page (measured:
                # 16.4 s against 2.7 s for 28 pages) and changes no finding.
                page.goto(urljoin(site_url, page_path(docname)), wait_until="load")
                page.evaluate("() => document.fonts.ready.then(() => true)")
                page.add_script_tag(content=axe_source)
                results[name, docname] = page.evaluate(_RUN_AXE, WCAG_TAGS)
        finally:
            context.close()
    return results


def _report(violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements)")
        lines.extend(f"    {n['target']}: {n['summary']} | {n['html']}" for n in v["nodes"])
    return lines


@pytest.mark.parametrize("width", ["1366", "390"])
@pytest.mark.parametrize("docname", PAGES)
def test_no_serious_accessibility_violation(axe_results, docname, width):
    violations = axe_results[width, docname]
    serious = [v for v in violations if v["impact"] in FAILING]
    assert not serious, "\n".join(
        [f"{page_path(docname)} at {width} px (axe-core, WCAG 2.1 AA):", *_report(serious)]
    )


def test_axe_finds_a_known_violation(browser, site_url, axe_source, axe_results):
    """A guard: axe ran on every page and width, and it does report violations."""
    assert len(axe_results) == 2 * len(PAGES)
    context = new_context(browser, DESKTOP)
    try:
        page = context.new_page()
        page.goto(urljoin(site_url, page_path(PAGES[0])), wait_until="networkidle")
        page.evaluate(
            "() => document.querySelector('article').insertAdjacentHTML('beforeend',"
            ' \'<p style="color:#bbb;background:#fff">grijs op wit</p><img src="x.png">\')'
        )
        page.add_script_tag(content=axe_source)
        found = {v["id"]: v["impact"] for v in page.evaluate(_RUN_AXE, WCAG_TAGS)}
    finally:
        context.close()
    assert found.get("image-alt") == "critical", found
    assert found.get("color-contrast") == "serious", found
