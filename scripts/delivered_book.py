"""Build the book on delivered files and check that no page calls the data synthetic.

``make test-delivered`` runs this script. It

1. saves every raw file of ``data/raw`` again with pyreadstat, as a group
   that opened and saved its file would (the same answers, other bytes), into
   ``_build/delivered/raw``, with copies of the mappings that say who
   delivered them and when;
2. builds the processed data from those files (they count as delivered,
   not as the generator's output) into ``_build/delivered/processed``;
3. builds the whole book on them into ``_build/delivered/book``, warnings as
   errors, as ``make book`` does;
4. searches every HTML page, the search index and the prose of the
   downloadable sources for "synthet": any hit fails the run, with the page
   and the sentence. It also checks that the
   delivered-data notice is on the pages and that the deviation file was not
   applied.

Nothing outside ``_build/delivered`` is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PATTERN = re.compile(r"synthet", re.IGNORECASE)
NOTICE = "Gegevens zoals de groepen ze aanleverden"


def prepare(work):
    """Resaved raw files and annotated mappings under ``work``; return the env."""
    from helpers.data.redelivery import resave

    raw, mappings, processed = work / "raw", work / "mappings", work / "processed"
    for folder in (raw, mappings):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for path in sorted((ROOT / "data" / "raw").glob("*.sav")):
        resave(path, raw / path.name)
    for i, path in enumerate(sorted((ROOT / "data" / "mappings").glob("*.yaml")), start=1):
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        mapping["delivered_by"] = f"studentengroep {i}"
        mapping["delivered_on"] = dt.date(2020, 3, 20 + i % 5)
        (mappings / path.name).write_text(
            yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    env = dict(os.environ)
    env.update(
        VEILIGHEID_RAW_DIR=str(raw),
        VEILIGHEID_MAPPINGS_DIR=str(mappings),
        VEILIGHEID_PROCESSED_DIR=str(processed),
    )
    return env


def run(command, env):
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def _prose(path):
    """What a reader reads in a file: a page's text, or a downloadable
    notebook's Markdown and outputs (not its code), or a Markdown source."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        parts = []
        for cell in json.loads(text)["cells"]:
            if cell.get("cell_type") == "markdown":
                parts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                for mime, value in output.get("data", {}).items():
                    if mime.startswith("text/"):
                        parts.append("".join(value) if isinstance(value, list) else value)
        return "\n".join(parts)
    if path.suffix == ".md":
        return re.sub(r"^(`{3,})\s*(python|bash|text)?\n.*?^\1\s*$", "", text, flags=re.M | re.S)
    return text


def findings(html_dir):
    """``(page, snippet)`` for every "synthet" in the built pages, the search
    index and the sources readers download (``_sources``: text and outputs)."""
    hits = []
    files = [p for p in sorted(html_dir.rglob("*.html")) if "_sources" not in p.parts]
    files += sorted(html_dir.glob("searchindex.js"))
    files += sorted(p for p in (html_dir / "_sources").rglob("*") if p.suffix in {".ipynb", ".md"})
    for path in files:
        text = _prose(path)
        for match in PATTERN.finditer(text):
            start = max(0, match.start() - 80)
            snippet = re.sub(r"\s+", " ", text[start : match.end() + 80])
            hits.append((str(path.relative_to(html_dir)), snippet))
    return hits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "_build" / "delivered")
    parser.add_argument(
        "--skip-build", action="store_true", help="only search an earlier build's HTML"
    )
    args = parser.parse_args(argv)
    work = args.work.resolve()
    html = work / "book" / "_build" / "html"
    if not args.skip_build:
        env = prepare(work)
        python = sys.executable
        run([python, "-m", "helpers.data.pipeline"], env)
        shutil.rmtree(work / "book", ignore_errors=True)
        jupyter_book = str(Path(python).with_name("jupyter-book"))
        run([jupyter_book, "build", ".", "-W", "-n", "--keep-going", "--path-output",
             str(work / "book")], env)  # fmt: skip
    hits = findings(html)
    for page, snippet in hits:
        print(f"{page}: ...{snippet}...")
    intro = (html / "book" / "intro.html").read_text(encoding="utf-8")
    audit = (html / "notebooks" / "b2_reproductie_audit.html").read_text(encoding="utf-8")
    problems = []
    if hits:
        problems.append(f"{len(hits)} mention(s) of synthetic data in the delivered book")
    if NOTICE not in intro:
        problems.append("the delivered-data notice is missing from the introduction")
    if "onverklaard" not in audit:
        problems.append("the audit shows no unexplained cell: was the deviation file applied?")
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    pages = len(list(html.rglob("*.html")))
    print(f"ok: {pages} pages built on delivered files; none calls the data synthetic")
    return 0


if __name__ == "__main__":
    sys.exit(main())
