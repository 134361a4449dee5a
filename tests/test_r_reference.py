"""Our statistics agree with R (psych, survey, MASS, stats) on the book's data.

The R values are stored in ``tests/r_reference/results.csv``, made by
``tests/r_reference/reference.R`` (``make r-reference``), the way statsmodels
keeps results from other software beside its tests. They were computed on the
processed synthetic survey; regenerate them after a deliberate change of the
data. Tolerances follow from the methods: identical closed formulas agree to
rounding error, iterative fits to their convergence criteria.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.association import ordinal_model
from helpers.analysis.comparison import load_reference
from helpers.analysis.reliability import (
    cronbach_alpha,
    factor_loadings,
    principal_axis_diagnostics,
    scale_items,
)
from helpers.analysis.uncertainty import wilson_interval
from helpers.analysis.weighting import rake_to_margins, reference_margins
from helpers.data.config import PROJECT_ROOT
from helpers.data.pipeline import load_survey

REFERENCE_DIR = PROJECT_ROOT / "tests" / "r_reference"


@pytest.fixture(scope="module")
def r():
    table = pd.read_csv(REFERENCE_DIR / "results.csv", dtype={"key": str})
    return {name: dict(zip(group["key"], group["value"])) for name, group in table.groupby("name")}


@pytest.fixture(scope="module")
def survey():
    return load_survey()[0]


def test_r_input_margins_are_ours():
    stored = pd.read_csv(REFERENCE_DIR / "margins.csv")
    ours = reference_margins(load_reference())
    for row in stored.itertuples():
        assert ours[row.variable][row.code] == pytest.approx(row.percent, abs=1e-12)
    assert len(stored) == sum(len(m) for m in ours.values())


@pytest.mark.parametrize(
    "scale",
    ["all", "personal_values", "broadening_competences", "perceived_effort", "responsibilisation"],
)
def test_cronbach_alpha_and_feldt_interval_equal_psych(r, survey, scale):
    result = cronbach_alpha(scale_items(survey, None if scale == "all" else scale))
    assert result["n"] == r["alpha_n"][scale]
    assert result["alpha"] == pytest.approx(r["alpha"][scale], abs=1e-10)
    assert result["lower"] == pytest.approx(r["alpha_lower"][scale], abs=1e-8)
    assert result["upper"] == pytest.approx(r["alpha_upper"][scale], abs=1e-8)


def test_converged_principal_axis_equals_psych_fa(r, survey):
    diagnostics = principal_axis_diagnostics(scale_items(survey), 3, tol=1e-9)
    assert diagnostics.converged and not diagnostics.heywood
    expected = pd.Series(r["fa3_communality"])
    ours = diagnostics.communalities[expected.index]
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), atol=1e-6)


def test_heywood_case_with_four_factors_as_in_psych_fa(r, survey):
    items = scale_items(survey)
    diagnostics = principal_axis_diagnostics(items, 4)
    ((item, r_max),) = r["fa4_max_communality"].items()
    assert diagnostics.heywood == (item,) and r_max > 1 and not diagnostics.converged
    # After the same 1000 iterations statsmodels and psych stand at the same place.
    loadings = factor_loadings(items, 4, method="pa", rotation=None, labels=False, maxiter=1000)
    assert loadings.loc[item, "Communaliteit"] == pytest.approx(r_max, abs=1e-6)


def test_raking_weights_equal_survey_rake(r, survey):
    weighted = rake_to_margins(survey, reference_margins(load_reference()))
    ours = (weighted["weight"] / weighted["weight"].mean()).set_axis(weighted["resp_id"])
    expected = pd.Series(r["rake_weight"])
    assert set(expected.index) == set(ours.index)
    np.testing.assert_allclose(ours[expected.index].to_numpy(), expected.to_numpy(), atol=1e-5)


def test_ordinal_model_equals_mass_polr(r, survey):
    model = ordinal_model(
        survey, "init_surveillance", ["age", "gender", "education"], scale={"age": 10}
    )
    assert model.n == r["polr_n"]["n"]
    coefficients = model.coefficients
    np.testing.assert_allclose(
        coefficients["Coëfficiënt"].to_numpy(), list(r["polr_coef"].values()), atol=1e-4
    )
    np.testing.assert_allclose(
        coefficients["SE"].to_numpy(), list(r["polr_se"].values()), atol=1e-3
    )
    np.testing.assert_allclose(
        model.thresholds["Drempel"].to_numpy(), list(r["polr_zeta"].values()), atol=1e-4
    )


def test_wilson_interval_equals_prop_test(r):
    for key, lower in r["wilson_lower"].items():
        count, n = (int(v) for v in key.split("/"))
        low, high = wilson_interval(count, n)
        assert low == pytest.approx(lower, abs=1e-10)
        assert high == pytest.approx(r["wilson_upper"][key], abs=1e-10)
