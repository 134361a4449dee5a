"""The summary that opens each municipality page shows only what its tables show."""

from __future__ import annotations

import re

import pytest

from helpers.book.feedback import (
    battery_counts,
    has_bin,
    lower_first,
    official_summary,
    protected_table,
)
from helpers.data import codebook
from helpers.data.pipeline import load_survey

CODES = list(codebook.value_labels("municipality"))


@pytest.fixture(scope="module")
def survey():
    data, _ = load_survey()
    return data


def _shown_percentages(local) -> set[str]:
    """Every percentage and interval bound the page's protected tables show."""
    shown = set()
    for group in ("Tabel 4", "Tabel 5", "Tabel 8"):
        items = [
            v
            for v in codebook.variables_in_group(group)
            if not (local[v] == codebook.NOT_ASKED).all()
        ]
        if not items:
            continue
        table = protected_table(battery_counts(local, items))
        for column in ("%", "Van", "Tot"):
            shown |= {f"{int(v)}%" for v in table[column].dropna()}
    return shown


@pytest.mark.parametrize("code", CODES, ids=[f"gemeente_{c}" for c in CODES])
def test_summary_has_one_sentence_per_theme(survey, code):
    summary = official_summary(survey, code)
    assert set(summary) == {"kort_rol", "kort_beleid", "kort_bin", "kort_init"}
    assert all(text.strip().endswith(".") for text in summary.values())
    local = survey[survey["municipality"] == code]
    if not has_bin(local):
        assert "niet naar een buurtinformatienetwerk" in summary["kort_bin"]


@pytest.mark.parametrize("code", CODES, ids=[f"gemeente_{c}" for c in CODES])
def test_summary_shows_no_figure_the_tables_hide(survey, code):
    local = survey[survey["municipality"] == code]
    shown = _shown_percentages(local)
    for key in ("kort_rol", "kort_beleid", "kort_init"):
        for figure in re.findall(r"\d+%", official_summary(survey, code)[key]):
            assert figure in shown, f"{key}: {figure} is not shown in the page's tables"


def test_lower_first_keeps_abbreviations():
    assert lower_first("Alle respondenten in steden met een BIN") == (
        "alle respondenten in steden met een BIN"
    )
