"""Tests for helpers.present.render, helpers.present.figures and helpers.book.sphinx_tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.book.sphinx_tables import split_caption
from helpers.notation import format_number, format_percent
from helpers.present.figures import (
    diverging_likert_chart,
    legend_on_top,
    proportion_chart,
    reference_comparison_chart,
    to_image,
)
from helpers.present.render import make_label, render_table
from helpers.present.style import FIGURE_WIDTH, NEUTRAL_GREY

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
    assert "1.201" in first.html and "85%" in first.html
    assert "Item &lt;twee&gt;" in first.html
    assert "0x" not in repr(first)
    assert first._repr_html_() == first.html
    # Lean markup: no inline styles, no per-cell ids; the stylesheet lays it out.
    assert "style=" not in first.html and 'id="' not in first.html
    assert first.html.count('scope="col"') == 1 + len(likert.columns)
    assert first.html.count('<th scope="row"') == len(likert)


def test_render_table_marks_each_kind_of_column():
    frame = pd.DataFrame(
        {"N": [12, 40], "%": [42.5, 57.5], "Uitleg": ["a", "b"], "Code": ["✓", "–"]},
        index=pd.Index(["x", "y"], name="Groep"),
    )
    html = render_table(
        frame, "Soorten", "tbl-soorten", percent_columns=["%"], compact_columns=["Code"]
    ).html
    assert '<th class="col0 vives-getal" scope="col">N</th>' in html
    assert '<td class="col1 vives-getal">42,5%</td>' not in html  # decimals=0
    assert '<td class="col1 vives-getal">43%</td>' in html  # 42,5 rounds half up
    assert '<td class="col2 vives-tekst">a</td>' in html
    assert '<td class="col3 vives-teken">✓</td>' in html
    assert '<th class="vives-rijkop" scope="col">Groep</th>' in html


def test_render_table_spans_repeated_outer_row_labels():
    index = pd.MultiIndex.from_tuples(
        [("Diploma", "Laag"), ("Diploma", "Hoog"), ("Beroep", "Arbeider")],
        names=["Variabele", "Categorie"],
    )
    html = render_table(pd.DataFrame({"N": [1, 2, 3]}, index=index), "Spans", "tbl-spans").html
    assert '<th scope="row" class="row0" rowspan="2">Diploma</th>' in html
    assert html.count(">Diploma</th>") == 1
    assert '<th scope="row" class="row2">Beroep</th>' in html


def test_table_csv_holds_the_values_as_shown():
    frame = pd.DataFrame(
        {"N": [1219, 3], "%": [0.8532, 0.1468], "alfa": [0.8123, None]},
        index=pd.Index(["Ja", "Nee"], name="Antwoord"),
    )
    table = render_table(
        frame,
        "Afgerond",
        "tbl-afgerond",
        percent_columns=["%"],
        percent_unit="fraction",
        decimals=1,
        number_decimals=2,
    )
    assert table.csv.splitlines() == ["Antwoord,N,% (%),alfa", "Ja,1219,85.3,0.81", "Nee,3,14.7,"]
    # What the table shows and what the CSV holds agree.
    assert "85,3%" in table.html and "0,81" in table.html


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
    a = to_image(diverging_likert_chart(likert))
    b = to_image(diverging_likert_chart(likert))
    assert a.svg.startswith("<?xml") and a.pdf[:5] == b"%PDF-"
    assert a.svg == b.svg and a.pdf == b.pdf
    assert a._repr_svg_() == a.svg and a._repr_pdf_() == a.pdf
    assert repr(a) == "<Figuur>"


def test_charts_are_readable_on_a_phone(likert):
    """Text of at least 9 pt in a figure at most 4.8 inches wide (plus margin):
    shown at most 461 px wide, shrunk to ~360 px on a 390 px phone, 9 pt stays ~9 px."""
    svg = to_image(legend_on_top(diverging_likert_chart(likert))).svg
    width_pt = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    assert width_pt <= FIGURE_WIDTH * 72 + 10
    sizes = [float(v) for v in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 9
    # Text stays text (selectable, small): every label is in the SVG.
    assert "Item één" in svg and "Helemaal eens" in svg


def test_long_labels_sit_above_their_bars(likert):
    ax = diverging_likert_chart(likert).axes[0]
    labels = ax.get_yticklabels()
    assert {t.get_horizontalalignment() for t in labels} == {"left"}
    bars = sorted(ax.containers[0], key=lambda bar: bar.get_y())
    # Each label's baseline is above (smaller y on the inverted axis) its bar.
    for label, bar in zip(labels, bars, strict=True):
        assert label.get_position()[1] <= bar.get_y()


def test_number_decimals_apply_to_non_percent_columns():
    table = render_table(
        pd.DataFrame({"alpha": [0.8123, 0.65]}, index=["a", "b"]),
        "Alfa per schaal",
        label="tbl-alfa-test",
        decimals=0,
        number_decimals=2,
    )
    assert "0,81" in table.html and "0,65" in table.html
