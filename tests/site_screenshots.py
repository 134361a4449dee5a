"""Screenshots of the built book for a human look (``make screenshots``).

Writes PNG files into the folder given on the command line (default
``_build/screenshots``; never commit them):

* a chapter and a municipality page at 390 x 844 (a phone) and 1366 x 900 (a
  laptop), the first screen and the whole page, and with the phone's menu open;
* the chapter as Chromium prints it (A4), first pages;
* pages of the book's PDF (``make pdf``) with report tables, if it exists.

Uses Debian's Chromium through Playwright and poppler's ``pdftoppm``, like the
browser tests. Not a test module: pytest does not collect it.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
BOOK_PDF = ROOT / "_build" / "pdf" / "_build" / "latex" / "burgers-als-partners.pdf"
PAGES = {
    "hoofdstuk4": "notebooks/04_opinie_inwoners.html",
    "gemeente-a": "notebooks/gemeenten/gemeente_a.html",
}
SCREENS = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 900}}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _pdf_pages(pdf: Path, out: Path, stem: str, pages: list[int]) -> list[Path]:
    if shutil.which("pdftoppm") is None or not pdf.is_file():
        return []
    written = []
    for number in pages:
        target = out / f"{stem}-p{number:03d}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(number),
                "-l",
                str(number),
                "-singlefile",
                str(pdf),
                str(target),
            ],
            check=True,
        )
        written.append(target.with_suffix(".png"))
    return written


def _pages_with(pdf: Path, text: str, limit: int = 3) -> list[int]:
    """Page numbers of the PDF whose text contains ``text``."""
    if shutil.which("pdftotext") is None or not pdf.is_file():
        return []
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    pages = result.stdout.split("\f")
    return [i + 1 for i, page in enumerate(pages) if text in page][:limit]


def take(out: Path) -> list[Path]:
    """Write the screenshots into ``out``; return their paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    written: list[Path] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for width, viewport in SCREENS.items():
                context = browser.new_context(viewport=viewport, locale="nl-BE")
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path, wait_until="networkidle")
                    for suffix, full in (("", False), ("-volledig", True)):
                        target = out / f"{name}-{width}{suffix}.png"
                        page.screenshot(path=str(target), full_page=full)
                        written.append(target)
                    if width == "390":
                        page.locator(".primary-toggle").click()
                        page.wait_for_timeout(400)
                        target = out / f"{name}-{width}-menu.png"
                        page.screenshot(path=str(target))
                        written.append(target)
                        page.keyboard.press("Escape")
                context.close()
            context = browser.new_context(locale="nl-BE")
            page = context.new_page()
            page.goto(base + PAGES["hoofdstuk4"], wait_until="networkidle")
            printed = out / "hoofdstuk4-afgedrukt.pdf"
            page.pdf(path=str(printed), format="A4", print_background=True)
            written.append(printed)
            context.close()
            browser.close()
    finally:
        server.shutdown()
    written += _pdf_pages(printed, out, "hoofdstuk4-afgedrukt", [1, 4, 5])
    for number in ("Tabel 4:", "Tabel 8:"):
        written += _pdf_pages(BOOK_PDF, out, "boek", _pages_with(BOOK_PDF, number, 1))
    written += _pdf_pages(BOOK_PDF, out, "boek", [1, 3])
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "_build" / "screenshots"
    for path in take(out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
