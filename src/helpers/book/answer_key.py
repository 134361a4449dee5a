"""The answer key for lecturers: every exercise with its solution, one HTML file.

``make answer-key`` (``python -m helpers.book.answer_key OUT``) cuts the
exercises and solutions out of the built full book (``_build/html``), page by
page in the order of ``_toc.yml``, so the key shows exactly what the book
shows: the numbers "Opgave 4.2", the glued results and the code of gated
solutions with its output. Solutions are unfolded, links become plain text
and images are embedded, so the file stands alone (print it to PDF from a
browser if needed). It is written outside both sites and nothing links to it.
"""

from __future__ import annotations

import argparse
import base64
import html
import mimetypes
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from helpers.data import config

__all__ = ["build_answer_key", "toc_pages"]

DEFAULT_OUT = config.PROJECT_ROOT / "_build" / "antwoordsleutel" / "antwoordsleutel.html"

STYLE = """
body { font-family: sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2.2em; border-bottom: 2px solid #4a2d7f; }
.admonition { border-left: 4px solid #4a2d7f; background: #f6f4fa; padding: .4em 1em;
              margin: 1em 0; }
.solution { border-left-color: #2b7a4b; background: #f3f9f5; }
.admonition-title { font-weight: bold; }
pre { background: #f4f4f4; padding: .6em; overflow-x: auto; font-size: .85em; }
table { border-collapse: collapse; font-size: .85em; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .2em .5em; }
img { max-width: 100%; }
.toggle-details, .tag_remove-input .cell_input { display: none; }
"""


def toc_pages(book_root):
    """Docnames of the book in the order of ``_toc.yml`` (globs expanded, sorted)."""
    book_root = Path(book_root)
    toc = yaml.safe_load((book_root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            if "glob" in entry:
                found = [
                    p.relative_to(book_root).with_suffix("").as_posix()
                    for p in book_root.glob(entry["glob"] + ".*")
                    if not p.name.startswith("_")
                ]
                pages.extend(sorted(found))
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return pages


def _embed_images(element, page_path):
    for img in element.find_all("img"):
        source = (page_path.parent / img.get("src", "")).resolve()
        if source.is_file():
            mime = mimetypes.guess_type(source.name)[0] or "image/png"
            data = base64.b64encode(source.read_bytes()).decode("ascii")
            img["src"] = f"data:{mime};base64,{data}"


def _clean(element, page_path):
    for link in element.find_all("a"):
        link.unwrap()
    for node in [element, *element.find_all(class_=True)]:
        node["class"] = [c for c in node["class"] if c not in ("dropdown", "toggle-hidden")]
    for button in element.find_all("button"):
        button.decompose()
    _embed_images(element, page_path)
    return element


def build_answer_key(site_dir=None, book_root=config.PROJECT_ROOT, out=DEFAULT_OUT):
    """Write the answer key.

    Parameters
    ----------
    site_dir : pathlib.Path, optional
        The built full book (default ``_build/html``).
    book_root : pathlib.Path
    out : pathlib.Path

    Returns
    -------
    tuple of (pathlib.Path, int, int)
        The file, the number of exercises and the number of solutions.

    Raises
    ------
    ValueError
        When an exercise of the book has no solution in the key.
    """
    site_dir = Path(site_dir or Path(book_root) / "_build" / "html")
    parts, n_exercises, n_solutions = [], 0, 0
    for docname in toc_pages(book_root):
        page_path = site_dir / f"{docname}.html"
        if not page_path.is_file():
            continue
        soup = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main") or soup
        blocks = [
            b
            for b in main.find_all("div", class_=["exercise", "solution"])
            if not b.find_parent("div", class_=["exercise", "solution"])
        ]
        if not blocks:
            continue
        title = main.find("h1")
        heading = title.get_text(" ", strip=True).rstrip("#").strip() if title else docname
        body = [f"<h2>{html.escape(heading)}</h2>"]
        for block in blocks:
            classes = block.get("class", [])
            n_exercises += "exercise" in classes
            n_solutions += "solution" in classes
            body.append(str(_clean(block, page_path)))
        parts.append("\n".join(body))
    if n_solutions < n_exercises:
        raise ValueError(f"{n_exercises} exercises but only {n_solutions} solutions")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pygments = site_dir / "_static" / "pygments.css"
    style = STYLE + (pygments.read_text(encoding="utf-8") if pygments.is_file() else "")
    document = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        "<title>Antwoordsleutel: Burgers als partners in lokale veiligheidszorg</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n"
        "<h1>Antwoordsleutel bij <em>Burgers als partners in lokale veiligheidszorg</em></h1>\n"
        "<p>Voor lesgevers: alle opgaven van het boek met hun oplossing, per hoofdstuk. "
        "Niet verspreiden onder studenten.</p>\n" + "\n".join(parts) + "\n</body>\n</html>\n"
    )
    out.write_text(document, encoding="utf-8")
    return out, n_exercises, n_solutions


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    out, n_exercises, n_solutions = build_answer_key(out=args.out)
    print(f"wrote {out}: {n_exercises} exercises, {n_solutions} solutions")


if __name__ == "__main__":
    main()
