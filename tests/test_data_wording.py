"""The book speaks about its data as their provenance says, never by a setting.

Fast checks on the sources (the full proof is ``make test-delivered``, which
builds the whole book on delivered files and searches every page):

* every sentence that calls the data synthetic sits in an ``{only}
  synthetic_data`` block, in every notebook and page, and no ``{only}``
  block closes the exercise around it; code cells (shown on the page) hold
  no such sentence: they take it from ``data_caution``;
* no page includes a fixed notice: each uses the ``data-notice`` directive;
* the notice and the Sphinx tag follow the provenance, in all three modes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers.book.provenance import (
    SYNTHETIC_NOTICE,
    TAG_DELIVERED,
    TAG_SYNTHETIC,
    data_caution,
    data_notice,
    deliveries_table,
    generated_data,
    wording_tag,
)
from helpers.book.sphinx_provenance import _set_tag
from helpers.data import config
from helpers.data.provenance import DELIVERED, GENERATED, Delivery, Provenance

ROOT = Path(config.PROJECT_ROOT)
SYNTHETIC = re.compile(r"synthet", re.IGNORECASE)
OPEN_SYNTHETIC = re.compile(r"^\s*(?:[-*]|\d+\.)?\s*(`{3,}|:{3,})\{only\}\s+synthetic_data\s*$")


def _pages():
    """``(name, markdown text, code cells)`` of every page of the book."""
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        yield str(path.relative_to(ROOT)), markdown, code
    for path in sorted([*(ROOT / "book").glob("*.md"), *(ROOT / "notebooks").rglob("*.md")]):
        if path.name == "_benchmarks.md":  # included inside a synthetic-only block
            continue
        yield str(path.relative_to(ROOT)), [path.read_text(encoding="utf-8")], []


def unguarded_mentions(text):
    """Lines of ``text`` that mention synthetic data outside ``{only} synthetic_data``."""
    out, closing = [], None
    for line in text.splitlines():
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        match = OPEN_SYNTHETIC.match(line)
        if match:
            closing = match.group(1)
            continue
        if SYNTHETIC.search(line):
            out.append(line.strip())
    return out


def test_the_guard_finds_what_it_should():
    text = "Vrij.\n```{only} synthetic_data\nSynthetisch.\n```\nOok synthetisch.\n"
    assert unguarded_mentions(text) == ["Ook synthetisch."]
    nested = "::::{only} synthetic_data\n```{admonition} Synthetisch\n```\n::::\n"
    assert unguarded_mentions(nested) == []


@pytest.mark.parametrize("page", list(_pages()), ids=lambda p: p[0])
def test_synthetic_wording_only_in_synthetic_blocks(page):
    name, markdown, code = page
    for text in markdown:
        assert unguarded_mentions(text) == [], f"{name} calls the data synthetic unconditionally"
        assert "_synthetic_notice" not in text, f"{name} includes a fixed notice"
    for source in code:  # code is shown on the page (folded): never fixed wording
        assert not SYNTHETIC.search(source), f"{name}: a code cell mentions synthetic data"


FENCE = re.compile(r"^\s*(?:[-*]|\d+\.)?\s*(`{3,}|:{3,})(\{[\w:-]+\}|\w*)")


def misnested_only_blocks(text):
    """``{only}`` fences opened inside a fence of the same kind that they would close.

    A fence ends at the first line of at least as many of its characters: an
    ``{only}`` block of three backticks inside an exercise of three backticks
    closes the exercise instead and shows its text on every page.
    """
    stack, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if not match:
            continue
        marker, info = match.groups()
        closes = (
            stack
            and not info
            and marker[0] == stack[-1][0]
            and len(marker) >= len(stack[-1])
            and set(line.strip()) == {marker[0]}
        )
        if closes:
            stack.pop()
            continue
        if info.startswith("{only}") and any(
            outer[0] == marker[0] and len(outer) <= len(marker) for outer in stack
        ):
            bad.append(number)
        stack.append(marker)
    return bad


def test_the_nesting_check_finds_a_bad_block():
    bad = "```{exercise}\n1. ```{only} synthetic_data\n   Tekst\n   ```\n```\n"
    good = "````{exercise}\n1. ```{only} synthetic_data\n   Tekst\n   ```\n````\n"
    colons = "```{exercise}\n1. :::{only} synthetic_data\n   Tekst\n   :::\n```\n"
    assert misnested_only_blocks(bad) == [2]
    assert misnested_only_blocks(good) == [] and misnested_only_blocks(colons) == []


@pytest.mark.parametrize("page", list(_pages()), ids=lambda p: p[0])
def test_only_blocks_never_close_their_exercise(page):
    name, markdown, _ = page
    for text in markdown:
        assert misnested_only_blocks(text) == [], f"{name}: an {{only}} block closes its parent"


def test_every_chapter_with_data_shows_the_notice():
    for name, markdown, _ in _pages():
        if name.startswith("notebooks/") and "b6_echte_data" not in name:
            assert "```{data-notice}" in markdown[0], f"{name} has no data notice"


def test_the_benchmark_page_part_is_shown_only_for_generated_data():
    over = (ROOT / "book" / "over.md").read_text(encoding="utf-8")
    block = over[over.index("::::{only} synthetic_data") :]
    assert block.index("_benchmarks.md") < block.index("\n::::\n")


# --------------------------------------------------------------------------
# the notice and the tag
# --------------------------------------------------------------------------


def _provenance(*origins, missing=(), by=None, on=None):
    deliveries = tuple(
        Delivery(
            f"gemeente_{chr(97 + i)}.sav", i + 1, "0" * 64, origin, dt.date(2020, 3, 2 + i), by, on
        )  # fmt: skip
        for i, origin in enumerate(origins)
    )
    return Provenance(deliveries, tuple(missing))


def test_generated_data_keep_the_original_notice():
    provenance = _provenance(*[GENERATED] * 10)
    assert data_notice(provenance) == SYNTHETIC_NOTICE
    assert wording_tag(provenance) == TAG_SYNTHETIC and generated_data(provenance)


def test_delivered_data_say_whose_and_when_and_never_synthetic():
    provenance = _provenance(*[DELIVERED] * 10)
    notice = data_notice(provenance)
    assert not SYNTHETIC.search(notice)
    assert "2 maart 2020" in notice and "11 maart 2020" in notice
    assert "gemakssteekproef" in notice and "de 10 SPSS-bestanden van de 10 gemeenten" in notice
    assert wording_tag(provenance) == TAG_DELIVERED and not generated_data(provenance)
    by = data_notice(_provenance(DELIVERED, DELIVERED, by="studentengroep 4", missing=range(3, 11)))
    assert "studentengroep 4" in by and "Gemeente A en Gemeente B" in by
    on = data_notice(_provenance(DELIVERED, on=dt.date(2020, 4, 1)))
    assert "ontvangen op 1 april 2020" in on
    assert not SYNTHETIC.search(deliveries_table(provenance))


def test_mixed_data_say_which_files_are_which():
    provenance = _provenance(DELIVERED, GENERATED, GENERATED)
    notice = data_notice(provenance)
    assert "gemeente_b.sav en gemeente_c.sav" in notice and "synthetisch" in notice
    assert wording_tag(provenance) == TAG_SYNTHETIC


def test_missing_municipalities_are_named():
    notice = data_notice(_provenance(*[DELIVERED] * 9, missing=(10,)))
    assert "Gemeente J leverde geen bestand aan" in notice and "9 van de 10" in notice
    generated = data_notice(_provenance(*[GENERATED] * 8, missing=(9, 10)))
    assert "Gemeente I en Gemeente J leverden geen bestand aan" in generated


def test_the_sphinx_tag_comes_from_the_processed_file():
    tags = set()
    app = SimpleNamespace(tags=SimpleNamespace(add=tags.add))
    _set_tag(app, None)
    expected = TAG_SYNTHETIC if generated_data() else TAG_DELIVERED
    assert tags == {expected}
    assert app.data_provenance.deliveries


def test_the_page_of_a_municipality_without_a_file_is_left_out():
    tags = set()
    app = SimpleNamespace(
        tags=SimpleNamespace(add=tags.add),
        data_provenance=_provenance(*[DELIVERED] * 9, missing=(10,)),
    )
    config = SimpleNamespace(exclude_patterns=["_build"])
    _set_tag(app, config)
    assert tags == {TAG_DELIVERED}
    assert config.exclude_patterns == ["_build", "notebooks/gemeenten/gemeente_j.ipynb"]
    assert (ROOT / "notebooks" / "gemeenten" / "gemeente_j.ipynb").is_file()


def test_cautions_follow_the_data():
    generated, delivered = _provenance(GENERATED), _provenance(DELIVERED)
    assert SYNTHETIC.search(data_caution("bin_age", generated))
    assert not SYNTHETIC.search(data_caution("bin_age", delivered))
    assert "Gemakssteekproef" in data_caution("ordinal_willingness", delivered)
