"""Tests for helpers.analysis.weighting on small hand-made frames with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.weighting import (
    collapse_margin,
    effective_sample_size,
    kish_design_effect,
    margins_table,
    rake_to_margins,
    reference_margins,
    simulate_population,
    simulate_recruitment_bias,
    summarise_simulation,
    weighted_percentages,
)


@pytest.fixture()
def sample():
    # 8 respondents: gender x education, unbalanced on both.
    return pd.DataFrame(
        {
            "gender": [1, 1, 2, 2, 2, 2, 2, 2],
            "education": [1, 3, 1, 2, 2, 3, 3, 3],
            "neighbourhood_appearance": [1, 3, 4, 2, 3, 3, 4, 98],
        }
    )


MARGINS = {"gender": {1: 50.0, 2: 50.0}, "education": {1: 30.0, 2: 30.0, 3: 40.0}}


def test_raking_hits_the_margins(sample):
    raked = rake_to_margins(sample, MARGINS)
    w = raked["weight"]
    assert w.sum() == pytest.approx(len(sample))
    for variable, targets in MARGINS.items():
        achieved = 100 * w.groupby(raked[variable]).sum() / w.sum()
        for code, share in targets.items():
            assert achieved[code] == pytest.approx(share, abs=1e-3)
    assert "weight" not in sample.columns  # input untouched


def test_raking_one_variable_is_poststratification():
    df = pd.DataFrame({"gender": [1, 2, 2, 2]})
    w = rake_to_margins(df, {"gender": {1: 50.0, 2: 50.0}})["weight"]
    assert w.tolist() == pytest.approx([2.0, 2 / 3, 2 / 3, 2 / 3])


def test_raking_guards(sample):
    with_nan = sample.astype({"gender": float})
    with_nan.loc[0, "gender"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        rake_to_margins(with_nan, MARGINS)
    coded_missing = sample.copy()
    coded_missing.loc[0, "gender"] = 99
    with pytest.raises(ValueError, match="missing"):
        rake_to_margins(coded_missing, MARGINS)
    with pytest.raises(ValueError, match="sums to"):
        rake_to_margins(sample, {"gender": {1: 40.0, 2: 50.0}})
    with pytest.raises(ValueError, match="no target"):
        rake_to_margins(sample, {"education": {1: 50.0, 2: 50.0}})
    with pytest.raises(ValueError, match="no respondents"):
        rake_to_margins(sample, {"gender": {1: 40.0, 2: 40.0, 3: 20.0}})
    with pytest.raises(KeyError):
        rake_to_margins(sample, {"occupation": {1: 100.0}})


def test_kish_design_effect_and_effective_n():
    assert kish_design_effect([2.0] * 10) == pytest.approx(1.0)
    assert effective_sample_size([2.0] * 10) == pytest.approx(10.0)
    assert kish_design_effect([1, 3]) == pytest.approx(1.25)
    assert effective_sample_size([1, 3]) == pytest.approx(1.6)
    with pytest.raises(ValueError):
        kish_design_effect([1, -1])


def test_weighted_percentages(sample):
    table = weighted_percentages(sample, "gender", [3, 1, 1, 1, 1, 1, 1, 1])
    assert table["n"].tolist() == [2, 6]
    assert table["Ongewogen"].tolist() == pytest.approx([25.0, 75.0])
    assert table["Gewogen"].tolist() == pytest.approx([40.0, 60.0])
    appearance = weighted_percentages(sample, "neighbourhood_appearance", np.ones(8))
    assert appearance.loc["Som onverzorgd", "n"] == 2  # code 98 left out
    assert appearance.loc["Som onverzorgd", "Gewogen"] == pytest.approx(200 / 7)


def test_reference_margins_normalise_and_derive():
    reference = pd.DataFrame(
        {
            "variable": ["gender", "education", "education", "education"],
            "category": [
                "Vrouw",
                "Geen diploma, lager onderwijs of lager middelbaar",
                "Hoger middelbaar",
                "Hogere studie",
            ],
            "percent": [54, 25, 35, 38],
        }
    )
    table = margins_table(reference, ["gender", "education"])
    assert table.loc[table["Categorie"] == "Man", "Afgeleid"].item()
    margins = reference_margins(reference, ["gender", "education"])
    assert margins["gender"] == {1: 46.0, 2: 54.0}
    assert sum(margins["education"].values()) == pytest.approx(100.0)
    assert margins["education"][1] == pytest.approx(2500 / 98)
    assert collapse_margin({1: 40.0, 2: 10.0, 3: 50.0}, {1: 1, 2: 1, 3: 3}) == {1: 50.0, 3: 50.0}


def test_simulation_is_seeded_and_shows_selection():
    margins = {
        "gender": {1: 46.0, 2: 54.0},
        "education": {1: 25.0, 2: 35.0, 3: 40.0},
        "occupation": {1: 45.0, 2: 8.0, 3: 10.0, 4: 28.0, 5: 3.0, 6: 6.0},
    }
    population = simulate_population(margins, size=5000, seed=1)
    assert (population["gender"] == 2).mean() == pytest.approx(0.54)
    first = simulate_recruitment_bias(margins, n_replications=5, population_size=5000, seed=1)
    second = simulate_recruitment_bias(margins, n_replications=5, population_size=5000, seed=1)
    pd.testing.assert_frame_equal(first, second)
    summary = summarise_simulation(
        simulate_recruitment_bias(margins, n_replications=30, population_size=5000, seed=1)
    )
    # Social-media recruitment over-recruits the dissatisfied; raking on
    # background variables does not remove that.
    online = summary.loc["Online via sociale media"]
    assert online["Vertekening ongewogen"] > 5 and online["Vertekening gewogen"] > 5
