"""Tests for helpers.analysis.reliability on small hand-made frames with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.analysis.reliability import (
    cronbach_alpha,
    factor_loadings,
    item_analysis,
    reverse_items,
    scale_items,
    scale_reliability,
)
from helpers.data import codebook


def test_alpha_of_parallel_items_is_one():
    x = [1, 2, 3, 4, 5, 2]
    result = cronbach_alpha(pd.DataFrame({"a": x, "b": x, "c": x}))
    assert result["alpha"] == pytest.approx(1.0)
    assert result["n"] == 6 and result["k"] == 3


def test_alpha_hand_computed_and_feldt_interval():
    items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 4], "c": [1, 3, 3, 5]})
    # item variances 5/3, 4/3, 8/3; total scores 4, 7, 10, 13 -> variance 15
    expected = 3 / 2 * (1 - (5 / 3 + 4 / 3 + 8 / 3) / 15)
    result = cronbach_alpha(items)
    assert result["alpha"] == pytest.approx(expected)
    f_high = stats.f.ppf(0.975, 3, 6)
    f_low = stats.f.ppf(0.025, 3, 6)
    assert result["lower"] == pytest.approx(1 - (1 - expected) * f_high)
    assert result["upper"] == pytest.approx(1 - (1 - expected) * f_low)
    assert result["lower"] < result["alpha"] < result["upper"]


def test_alpha_guards():
    with pytest.raises(ValueError):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))
    with pytest.raises(ValueError):
        cronbach_alpha(pd.DataFrame({"a": [1, np.nan, 3], "b": [1, 2, 3]}))


def test_reverse_and_scale_items_listwise():
    assert reverse_items(pd.DataFrame({"a": [1, 5], "b": [1, 4]}), {"a": 1, "b": -1})[
        "b"
    ].tolist() == [5, 2]
    directions = codebook.load_scales()["perceived_effort"]["items"]
    df = pd.DataFrame({"role_effort": [1, 5, 98, 2], "role_confront_negative": [2, 4, 3, 97]})
    items = scale_items(df, "perceived_effort")
    assert list(items.columns) == list(directions)
    assert len(items) == 2  # rows with 98 / 97 dropped
    assert items["role_effort"].tolist() == [5.0, 1.0]  # negatively worded: reversed
    with pytest.raises(KeyError):
        scale_items(df, "no_such_motive")


def test_item_analysis_known_values():
    items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, 4], "c": [1, 3, 3, 5]})
    table = item_analysis(items, labels=False)
    rest = items["b"] + items["c"]
    assert table.loc["a", "Item-rest r"] == pytest.approx(np.corrcoef(items["a"], rest)[0, 1])
    alpha_bc = cronbach_alpha(items[["b", "c"]])["alpha"]
    assert table.loc["a", "Alfa zonder item"] == pytest.approx(alpha_bc)


def _two_factor_items(n=600, seed=0):
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 2))
    cols = {}
    for j in range(3):
        cols[f"a{j}"] = 0.8 * f[:, 0] + 0.6 * rng.standard_normal(n)
        cols[f"b{j}"] = 0.8 * f[:, 1] + 0.6 * rng.standard_normal(n)
    return pd.DataFrame(cols)


@pytest.mark.parametrize("method, rotation", [("pa", "oblimin"), ("ml", "varimax")])
def test_factor_loadings_recover_simple_structure(method, rotation):
    loadings = factor_loadings(
        _two_factor_items(), n_factors=2, method=method, rotation=rotation, labels=False
    )
    main = loadings[["F1", "F2"]].abs().idxmax(axis=1)
    assert main[["a0", "a1", "a2"]].nunique() == 1
    assert main[["b0", "b1", "b2"]].nunique() == 1
    assert main["a0"] != main["b0"]
    assert (loadings[["F1", "F2"]].abs().max(axis=1) > 0.6).all()
    assert loadings["Communaliteit"].between(0, 1.0001).all()


def test_maximum_likelihood_loadings_are_repeatable():
    # statsmodels starts ML from random loadings; unseeded, two fits of the
    # same data differ in the last digits (and now and then in the warnings).
    items = _two_factor_items(n=200, seed=5)
    first = factor_loadings(items, n_factors=2, method="ml", labels=False)
    second = factor_loadings(items, n_factors=2, method="ml", labels=False)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_scale_reliability_rows():
    rng = np.random.default_rng(3)
    items = [i for spec in codebook.load_scales().values() for i in spec["items"]]
    df = pd.DataFrame(rng.integers(1, 6, size=(50, len(items))), columns=items)
    table = scale_reliability(df)
    assert table.index[0] == "Volledige schaal"
    assert table.loc["Volledige schaal", "Items"] == 14
    assert (table["n"] == 50).all()
