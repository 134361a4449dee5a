"""Every glued name is used by a page, and every page uses only glued names.

The glued names are read from the stored outputs of the notebooks (nbval
proves those outputs current); the references from the Markdown of every
notebook and page, in every form myst-nb knows (see helpers.book.myst).
"""

from __future__ import annotations

import json
from collections import defaultdict

from helpers.book.myst import glue_references, glued_names
from helpers.data.config import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").rglob("*.ipynb"))
PAGES = sorted((PROJECT_ROOT / "book").glob("*.md"))


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _markdown(path):
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    cells = _load(path)["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _glued():
    return {nb.name: set(glued_names(_load(nb))) for nb in NOTEBOOKS if not nb.name.startswith("_")}


def _references():
    refs = defaultdict(set)
    for path in NOTEBOOKS + PAGES:
        if path.name.startswith("_") and path.suffix == ".ipynb":
            continue
        for ref in glue_references(_markdown(path)):
            refs[ref.page or path.name].add(ref.key)
    return refs


def test_notebooks_glue_something():
    assert sum(len(names) for names in _glued().values()) > 500


def test_every_glued_name_is_used():
    glued, used = _glued(), _references()
    unused = {nb: sorted(names - used.get(nb, set())) for nb, names in glued.items()}
    unused = {nb: names for nb, names in unused.items() if names}
    assert not unused, f"glued but never referenced: {unused}"


def test_every_reference_is_glued():
    glued, used = _glued(), _references()
    missing = {page: sorted(keys - glued.get(page, set())) for page, keys in used.items()}
    missing = {page: keys for page, keys in missing.items() if keys}
    assert not missing, f"referenced but never glued: {missing}"
