"""Tests for helpers.analysis.uncertainty on small hand-made frames with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.uncertainty import (
    INTERVAL_COLUMNS,
    add_intervals,
    category_table_with_ci,
    likert_table_with_ci,
    wilson_interval,
)


def hand_wilson(count, n, z=1.959963984540054):
    """Wilson score interval written out from its formula."""
    p = count / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


@pytest.mark.parametrize("count, n", [(50, 100), (3, 40), (0, 12), (12, 12), (646, 1219)])
def test_wilson_matches_the_formula(count, n):
    low, high = wilson_interval(count, n)
    expected_low, expected_high = hand_wilson(count, n)
    assert low == pytest.approx(max(0.0, expected_low), abs=1e-12)
    assert high == pytest.approx(min(1.0, expected_high), abs=1e-12)


def test_wilson_known_value_and_edges():
    low, high = wilson_interval(50, 100)
    assert (round(low, 4), round(high, 4)) == (0.4038, 0.5962)
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and 0 < high < 0.35  # never a zero-width interval at 0%
    lows, highs = wilson_interval([1, 2], [10, 10])
    assert lows.shape == (2,) and np.all(lows < highs)


def test_wilson_rejects_bad_input():
    with pytest.raises(ValueError):
        wilson_interval(5, 0)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(1, 10, alpha=1.5)


def test_add_intervals_long_format():
    counts = pd.DataFrame({"N": [100, 0], "Ja": [50, 0], "Nee": [50, 0]}, index=["A", "B"])
    long = add_intervals(counts)
    assert list(long.columns) == INTERVAL_COLUMNS
    assert long[["Stelling", "Categorie"]].values.tolist() == [
        ["A", "Ja"],
        ["A", "Nee"],
        ["B", "Ja"],
        ["B", "Nee"],
    ]
    first = long.iloc[0]
    assert (first["%"], first["Ondergrens"], first["Bovengrens"]) == (50.0, 40.4, 59.6)
    assert long.iloc[2][["%", "Ondergrens"]].isna().all()  # N = 0
    with pytest.raises(KeyError):
        add_intervals(counts.drop(columns="N"))


def test_likert_and_category_tables_with_ci():
    df = pd.DataFrame(
        {
            "role_fun": [1, 2, 3, 4, 4, 5, 5, 5],
            "role_duty": [1, 1, 1, 2, 3, 4, 5, 99],
        }
    )
    long = likert_table_with_ci(df, ["role_duty", "role_fun"], columns=["Som eens"])
    # sorted like the report: role_fun (5/8 agree) before role_duty (2/7)
    assert long["n"].tolist() == [5, 2] and long["N"].tolist() == [8, 7]
    assert long["%"].tolist() == [62.5, pytest.approx(28.6)]
    low, high = hand_wilson(5, 8)
    assert long.iloc[0]["Ondergrens"] == round(100 * low, 1)
    assert long.iloc[0]["Bovengrens"] == round(100 * high, 1)

    appearance = category_table_with_ci(
        pd.DataFrame({"neighbourhood_appearance": [1, 2, 3, 4, 98]}), "neighbourhood_appearance"
    )
    assert appearance["Categorie"].tolist()[-2:] == ["Som onverzorgd", "Som verzorgd"]
    assert appearance["N"].unique().tolist() == [4]
    assert appearance.set_index("Categorie").loc["Som onverzorgd", "%"] == 50.0
