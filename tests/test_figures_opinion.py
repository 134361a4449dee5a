"""Tests for the figure helpers of the chapter on residents' opinions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from helpers.present.figures import (
    bin_participation_chart,
    diverging_likert_chart,
    legend_on_top,
    to_image,
)
from helpers.present.style import DIVERGING_COLOURS, REFERENCE_COLOURS

WILLINGNESS = ["Zeker niet", "Waarschijnlijk niet", "Misschien", "Waarschijnlijk wel", "Zeker wel"]


@pytest.fixture()
def routed():
    """A hand-made table in the layout of ``bin_participation_table``."""
    rows = [("BIN Deelname", "Ja", 25.0), ("BIN Deelname", "Nee", 75.0)]
    rows += [
        ("BIN Bereidheid tot deelname", c, v)
        for c, v in zip(WILLINGNESS, [10.0, 20.0, 40.0, 20.0, 10.0], strict=True)
    ]
    rows += [
        ("BIN Bereidheid tot deelname", "Som niet", 30.0),
        ("BIN Bereidheid tot deelname", "Som wel", 30.0),
    ]
    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["Variabele", "Categorie"])
    return pd.DataFrame(
        {
            "Populatie": ["Wie het BIN kent"] * 2 + ["Wie het BIN niet kent of niet deelneemt"] * 7,
            "N": [8] * 2 + [10] * 7,
            "%": [r[2] for r in rows],
        },
        index=index,
    )


def _bar_widths(ax):
    return [round(p.get_width(), 6) for p in ax.patches]


def test_bin_chart_one_panel_per_question_without_sums(routed):
    fig = bin_participation_chart(routed)
    assert len(fig.axes) == 2
    member, willing = fig.axes
    assert _bar_widths(member) == [25.0, 75.0]
    # The "Som" rows repeat the categories and are not drawn.
    assert _bar_widths(willing) == [10.0, 20.0, 40.0, 20.0, 10.0]
    assert [t.get_text() for t in willing.get_yticklabels()] == WILLINGNESS


def test_bin_chart_titles_name_question_n_and_population(routed):
    member, willing = bin_participation_chart(routed).axes
    assert member.get_title(loc="left").startswith("BIN Deelname (N = 8)\nWie het BIN kent")
    assert "(N = 10)" in willing.get_title(loc="left")
    assert "niet kent of niet deelneemt" in willing.get_title(loc="left")


def test_bin_chart_colours_scale_like_the_likert_charts(routed):
    member, willing = bin_participation_chart(routed).axes

    def to_hex(patch):
        return "#{:02x}{:02x}{:02x}".format(
            *(int(round(c * 255)) for c in patch.get_facecolor()[:3])
        )

    assert [to_hex(p) for p in willing.patches] == [c.lower() for c in DIVERGING_COLOURS]
    assert {to_hex(p) for p in member.patches} == {REFERENCE_COLOURS[0].lower()}


def test_bin_chart_thousands_in_n_use_a_point(routed):
    table = routed.assign(N=1219)
    member, _ = bin_participation_chart(table).axes
    assert "(N = 1.219)" in member.get_title(loc="left")


def test_bin_chart_requires_the_table_layout(routed):
    with pytest.raises(KeyError, match="Populatie"):
        bin_participation_chart(routed.drop(columns="Populatie"))
    with pytest.raises(KeyError, match="Variabele"):
        bin_participation_chart(routed.reset_index(level="Variabele", drop=True))


def test_bin_chart_is_deterministic(routed):
    assert (
        to_image(bin_participation_chart(routed)).data
        == to_image(bin_participation_chart(routed)).data
    )


@pytest.fixture()
def likert():
    columns = ["Helemaal oneens", "Oneens", "Niet eens, niet oneens", "Eens", "Helemaal eens"]
    return pd.DataFrame(
        np.array([[2.0, 4.0, 9.0, 43.0, 42.0], [40.0, 37.0, 15.0, 4.0, 3.0]]),
        index=pd.Index(["Een lange stelling over de politie in de buurt", "Kort"], name="Stelling"),
        columns=columns,
    )


def test_legend_on_top_moves_the_axes_legend_to_the_figure(likert):
    fig = diverging_likert_chart(likert)
    assert fig.axes[0].get_legend() is not None
    same = legend_on_top(fig)
    assert same is fig
    assert fig.axes[0].get_legend() is None
    assert len(fig.legends) == 1
    texts = [t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts()]
    assert texts == list(likert.columns)
    assert fig.legends[0]._ncols == 5


def test_legend_on_top_stays_inside_the_figure(likert):
    fig = legend_on_top(diverging_likert_chart(likert))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.legends[0].get_window_extent(renderer)
    width, height = fig.bbox.width, fig.bbox.height
    assert box.x0 >= 0 and box.x1 <= width
    assert box.y1 <= height


def test_legend_on_top_needs_a_legend(likert):
    fig = diverging_likert_chart(likert)
    fig.axes[0].get_legend().remove()
    with pytest.raises(ValueError, match="no axes legend"):
        legend_on_top(fig)
