"""Tests for helpers.present.render, helpers.present.figures and helpers.book.sphinx_tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.book.sphinx_tables import split_caption
from helpers.notation import format_number, format_percent
from helpers.present.figures import (
    diverging_likert_chart,
    proportion_chart,
    reference_comparison_chart,
    to_image,
)
from helpers.present.render import make_label, render_table
from helpers.present.style import NEUTRAL_GREY

CATEGORIES = ["Helemaal oneens", "Oneens", "Niet eens, niet oneens", "Eens", "Helemaal eens"]


@pytest.fixture()
def likert():
    return pd.DataFrame(
        {
            "N": pd.array([1201, 1193], dtype="Int64"),
            **{
                c: pd.array(v, dtype="Int64")
                for c, v in zip(
                    CATEGORIES, [[2, 40], [4, 37], [9, 15], [43, 4], [42, 3]], strict=True
                )
            },
            "Som oneens": pd.array([6, 77], dtype="Int64"),
            "Som eens": pd.array([85, 8], dtype="Int64"),
        },
        index=pd.Index(["Item één", "Item <twee>"], name="Stelling"),
    )


def test_flemish_number_formats():
    assert format_number(1219) == "1.219"
    assert format_number(48.25, 1) == "48,3"
    assert format_number(2.5) == "3"  # half up, not banker's rounding
    assert format_number(float("nan")) == "–"
    assert format_percent(85) == "85%"
    assert format_percent(0.425, 1, unit="fraction") == "42,5%"
    assert format_percent(pd.NA) == "–"


def test_render_table_is_deterministic_and_captioned(likert):
    percent = CATEGORIES + ["Som oneens", "Som eens"]
    first = render_table(likert, "Opinies over de eigen rol", "tbl-rol", percent_columns=percent)
    second = render_table(likert, "Opinies over de eigen rol", "tbl-rol", percent_columns=percent)
    assert first.html == second.html
    assert "<caption>Opinies over de eigen rol</caption>" in first.html
    assert 'data-label="tbl-rol"' in first.html
    assert 'id="T_tbl_rol"' in first.html
    assert "1.201" in first.html and "85%" in first.html
    assert "Item &lt;twee&gt;" in first.html
    assert "0x" not in repr(first)
    assert first._repr_html_() == first.html


def test_render_table_label_and_validation(likert):
    table = render_table(likert, "Opinies over de rol van de burger")
    assert table.label == make_label("Opinies over de rol van de burger")
    assert table.label.startswith("tbl-")
    with pytest.raises(ValueError):
        render_table(likert, "")
    with pytest.raises(KeyError):
        render_table(likert, "x", percent_columns=["bestaat niet"])


def test_split_caption_removes_caption_element():
    html = render_table(pd.DataFrame({"a": [1]}), "Eén & twee", "tbl-x").html
    caption, rest = split_caption(html)
    assert caption == "Eén & twee"
    assert "<caption" not in rest and "data-label" in rest


def test_diverging_chart_centres_neutral(likert):
    fig = diverging_likert_chart(likert)
    ax = fig.axes[0]
    assert len(ax.containers) == 5
    assert sum(len(c) for c in ax.containers) == 5 * len(likert)
    neutral = ax.containers[2]
    for bar, value in zip(neutral, [9, 15], strict=True):
        assert bar.get_x() == pytest.approx(-value / 2)
        assert bar.get_width() == pytest.approx(value)
        assert bar.get_facecolor()[:3] == pytest.approx(
            tuple(int(NEUTRAL_GREY[i : i + 2], 16) / 255 for i in (1, 3, 5))
        )
    # The agreeing categories start right of the neutral half.
    assert ax.containers[3][0].get_x() == pytest.approx(4.5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Item één"
    assert fig.texts == [] and not fig._suptitle


def test_reference_chart_has_grouped_bars():
    table = pd.DataFrame(
        {"Studentenenquête": [21, 38, 42], "Veiligheidsmonitor Vlaams Gewest": [25, 35, 38]},
        index=pd.MultiIndex.from_product([["Diploma"], ["Laag", "Midden", "Hoog"]]),
    )
    ax = reference_comparison_chart(table, "Titel").axes[0]
    assert [len(c) for c in ax.containers] == [3, 3]
    assert [b.get_width() for b in ax.containers[1]] == [25, 35, 38]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Laag", "Midden", "Hoog"]


def test_proportion_chart_drops_total():
    table = pd.DataFrame({"n": [5, 15, 20], "%": [25, 75, 100]}, index=["Ja", "Nee", "Totaal"])
    ax = proportion_chart(table).axes[0]
    assert [b.get_width() for b in ax.containers[0]] == [25, 75]


def test_to_image_is_deterministic(likert):
    a = to_image(diverging_likert_chart(likert)).data
    b = to_image(diverging_likert_chart(likert)).data
    assert a[:8] == b"\x89PNG\r\n\x1a\n"
    assert a == b
    assert np.frombuffer(a, dtype=np.uint8).size > 1000


def test_number_decimals_apply_to_non_percent_columns():
    table = render_table(
        pd.DataFrame({"alpha": [0.8123, 0.65]}, index=["a", "b"]),
        "Alfa per schaal",
        label="tbl-alfa-test",
        decimals=0,
        number_decimals=2,
    )
    assert "0,81" in table.html and "0,65" in table.html
