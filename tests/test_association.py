"""Tests for helpers.analysis.association on small hand-made frames with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.analysis.association import (
    add_age_group,
    cramers_v,
    crosstab_with_tests,
    ordinal_model,
)


def test_cramers_v_perfect_and_none():
    assert cramers_v([[10, 0], [0, 10]]) == pytest.approx(1.0)
    assert cramers_v([[10, 0, 0], [0, 10, 0], [0, 0, 10]]) == pytest.approx(1.0)
    assert cramers_v([[10, 10], [10, 10]]) == pytest.approx(0.0)


def test_crosstab_perfect_association_and_counts():
    df = pd.DataFrame(
        {"gender": [1] * 10 + [2] * 10 + [99], "bin_known": [1] * 10 + [2] * 10 + [1]}
    )
    result = crosstab_with_tests(df, "gender", "bin_known")
    assert result.n == 20
    assert result.cramers_v == pytest.approx(1.0)
    assert result.counts.loc["Totaal", "Totaal"] == 20
    assert result.counts.loc["Man", "Ja"] == 10
    assert result.percentages.loc["Vrouw", "Nee"] == pytest.approx(100.0)
    assert result.dof == 1
    assert result.chi2 == pytest.approx(20.0)  # n * V^2, no continuity correction
    assert not result.small_expected


def test_crosstab_hand_computed_chi_square_and_small_cells():
    df = pd.DataFrame({"gender": [1, 1, 1, 2, 2, 2, 2, 2], "bin_known": [1, 1, 2, 1, 2, 2, 2, 2]})
    result = crosstab_with_tests(df, "gender", "bin_known")
    observed = np.array([[2, 1], [1, 4]])
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    chi2 = ((observed - expected) ** 2 / expected).sum()
    assert result.chi2 == pytest.approx(chi2)
    assert result.p_value == pytest.approx(stats.chi2.sf(chi2, 1))
    assert result.small_expected and result.share_small_expected == 1.0
    assert result.min_expected == pytest.approx(expected.min())


def test_age_groups():
    out = add_age_group(pd.DataFrame({"age": [16, 34, 35, 54, 55, 100, np.nan]}))
    assert out["age_group"].astype(str).tolist()[:6] == [
        "16-34 jaar",
        "16-34 jaar",
        "35-54 jaar",
        "35-54 jaar",
        "55 jaar en ouder",
        "55 jaar en ouder",
    ]
    assert pd.isna(out["age_group"].iloc[6])


def test_ordinal_model_recovers_direction():
    rng = np.random.default_rng(7)
    n = 800
    gender = rng.integers(1, 3, n)
    age = rng.integers(18, 80, n).astype(float)
    latent = 1.0 * (gender == 2) + 0.03 * (age - 50) + rng.logistic(size=n)
    outcome = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1
    outcome[:5] = 98  # don't know: left out
    df = pd.DataFrame({"init_surveillance": outcome, "gender": gender, "age": age})
    result = ordinal_model(df, "init_surveillance", ["gender", "age"], scale={"age": 10})
    assert result.n == n - 5
    table = result.coefficients.set_index("Term")
    women = table.loc["Geslacht: Vrouw (ref. Man)"]
    assert women["OR"] == pytest.approx(np.exp(1.0), rel=0.25)
    assert women["OR ondergrens"] < women["OR"] < women["OR bovengrens"]
    assert table.loc["Leeftijd (per 10)", "OR"] == pytest.approx(np.exp(0.3), rel=0.15)
    cuts = result.thresholds["Drempel"].to_numpy()
    assert len(cuts) == 4 and np.all(np.diff(cuts) > 0)
    assert result.outcome_categories[0] == "Zeker niet"
