"""Representativeness and weighting: raking to known margins, and its limits.

The survey is a convenience sample (online groups, door to door, street and
market). This module

* builds target margins from the Veiligheidsmonitor 2018 figures printed in
  the report (:func:`reference_margins`), normalising them explicitly to 100
  because the printed shares do not add up exactly;
* rakes the sample to those margins with :mod:`weightipy`
  (:func:`rake_to_margins`), after guarding against the library's two silent
  behaviours (targets that do not sum to 100 are rescaled; a missing value in
  a weighting variable gets weight 1.0);
* measures what weighting costs (:func:`kish_design_effect`,
  :func:`effective_sample_size`) and compares weighted with unweighted
  percentages (:func:`weighted_percentages`);
* simulates three recruitment modes on a synthetic population to show what
  self-selection does to an estimate, and what raking can and cannot repair
  (:func:`simulate_recruitment_bias`, :func:`summarise_simulation`).

Age has no printed reference margin in the report, so it is not a weighting
variable here.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
from weightipy import scheme_from_dict, validate_scheme_dict
from weightipy import weight as _weightipy_weight

from helpers.analysis.counts import CATEGORY_SUMS, MISSING_CODES, category_counts
from helpers.data import codebook

__all__ = [
    "OCCUPATION_GROUPS",
    "collapse_margin",
    "RECRUITMENT_MODES",
    "SIMULATION_ASSUMPTIONS",
    "effective_sample_size",
    "kish_design_effect",
    "margins_table",
    "rake_to_margins",
    "reference_margins",
    "simulate_population",
    "simulate_recruitment_bias",
    "summarise_simulation",
    "weighted_percentages",
]

#: Weighting variables with a printed reference margin (Tekst 2.2.3, Tabel 2).
WEIGHTING_VARIABLES = ("gender", "education", "occupation")

#: Tolerance on the sum of a margin (percent).
_SUM_TOLERANCE = 1e-6


# ---------------------------------------------------------------------------
# Reference margins
# ---------------------------------------------------------------------------


def margins_table(reference, variables=WEIGHTING_VARIABLES):
    """List the printed reference shares and their normalised versions.

    Parameters
    ----------
    reference : pandas.DataFrame
        Reference figures as returned by :func:`helpers.analysis.comparison.load_reference`
        (columns ``variable``, ``category``, ``percent``).
    variables : sequence of str, default ("gender", "education", "occupation")
        Categorical codebook variables to build margins for.

    Returns
    -------
    pandas.DataFrame
        One row per category, in code order: ``variable``, ``code``,
        ``Categorie`` (label), ``Gedrukt`` (printed percent, float; for a
        two-category variable of which only one share is printed, the other
        is the complement and ``Afgeleid`` is True), ``Afgeleid`` and
        ``Genormaliseerd`` (printed shares divided by their sum, times 100).

    Raises
    ------
    ValueError
        If a variable has no reference figures, a printed category is not a
        category of the codebook, or a category (other than the complement of
        a two-category variable) has no printed share.
    """
    rows = []
    for variable in variables:
        labels = codebook.value_labels(variable)
        if not labels:
            raise ValueError(f"{variable!r} is not a categorical codebook variable")
        ref = reference[reference["variable"] == variable]
        if ref.empty:
            raise ValueError(f"reference: no figures for {variable!r}")
        printed = dict(zip(ref["category"], ref["percent"].astype(float)))
        known_sums = set(CATEGORY_SUMS.get(codebook.value_set_name(variable), {}))
        printed = {k: v for k, v in printed.items() if k not in known_sums}
        unknown = set(printed) - set(labels.values())
        if unknown:
            raise ValueError(f"reference: unknown category {sorted(unknown)[0]!r} for {variable!r}")
        absent = [label for label in labels.values() if label not in printed]
        derived = set()
        if len(labels) == 2 and len(absent) == 1:
            printed[absent[0]] = 100.0 - sum(printed.values())
            derived = {absent[0]}
        elif absent:
            raise ValueError(
                f"reference: category {absent[0]!r} of {variable!r} has no printed share"
            )
        total = sum(printed.values())
        for code, label in labels.items():
            rows.append(
                (
                    variable,
                    code,
                    label,
                    printed[label],
                    label in derived,
                    100.0 * printed[label] / total,
                )
            )
    table = pd.DataFrame(
        rows, columns=["variable", "code", "Categorie", "Gedrukt", "Afgeleid", "Genormaliseerd"]
    )
    return table.astype({"code": np.int64, "Gedrukt": float, "Genormaliseerd": float})


def reference_margins(reference, variables=WEIGHTING_VARIABLES):
    """Build raking targets from the printed reference figures.

    The printed shares of education and occupation add up to 98% and 97%
    (rounding and unprinted categories). They are divided by their sum, so
    each margin totals exactly 100: an explicit choice instead of weightipy's
    silent rescaling. Only the share of women is printed; the share of men is
    its complement.

    Parameters
    ----------
    reference : pandas.DataFrame
        As returned by :func:`helpers.analysis.comparison.load_reference`.
    variables : sequence of str
        Weighting variables.

    Returns
    -------
    dict
        ``{variable: {code: percent}}``, every inner dict summing to 100.

    See Also
    --------
    margins_table : the same margins beside the printed figures.
    """
    table = margins_table(reference, variables)
    return {
        variable: {int(c): float(p) for c, p in zip(block["code"], block["Genormaliseerd"])}
        for variable, block in table.groupby("variable", sort=False)
    }


# ---------------------------------------------------------------------------
# Raking
# ---------------------------------------------------------------------------


def _check_margins(df, margins):
    if not margins:
        raise ValueError("margins: give at least one weighting variable")
    for variable, targets in margins.items():
        if variable not in df.columns:
            raise KeyError(f"weighting variable {variable!r} is not a column of the data")
        values = pd.to_numeric(df[variable], errors="coerce")
        missing = values.isna() | values.isin(MISSING_CODES)
        if missing.any():
            raise ValueError(
                f"weighting variable {variable!r} has {int(missing.sum())} missing "
                "value(s) (NaN or a user-missing code 96-99); weightipy would give "
                "them weight 1.0 silently. Impute or drop those rows first."
            )
        shares = np.array(list(targets.values()), dtype=float)
        if np.any(shares < 0):
            raise ValueError(f"margin of {variable!r} has a negative share")
        if abs(shares.sum() - 100.0) > _SUM_TOLERANCE:
            raise ValueError(
                f"margin of {variable!r} sums to {shares.sum():.6g}, not 100; "
                "normalise it explicitly (see reference_margins)"
            )
        observed = set(values.astype(np.int64).unique())
        unknown = observed - set(targets)
        if unknown:
            raise ValueError(
                f"weighting variable {variable!r}: value {sorted(unknown)[0]!r} has no target share"
            )
        empty = [c for c, p in targets.items() if p > 0 and c not in observed]
        if empty:
            raise ValueError(
                f"weighting variable {variable!r}: category {empty[0]!r} has a "
                "positive target but no respondents; collapse categories first"
            )


def rake_to_margins(
    df, margins, weight_column="weight", max_iterations=1000, tolerance=1e-6, margin_tolerance=0.01
):
    """Compute raking (iterative proportional fitting) weights to known margins.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes; every weighting variable must be
        complete (no NaN, no user-missing code).
    margins : dict
        ``{variable: {code: percent}}``, each summing to 100 (see
        :func:`reference_margins`).
    weight_column : str, default "weight"
        Name of the new column.
    max_iterations : int, default 1000
    tolerance : float, default 1e-6
        Convergence criterion passed to weightipy.
    margin_tolerance : float, default 0.01
        Largest accepted gap (percentage points) between a weighted margin
        and its target; checked after raking, because weightipy only prints
        a message when it does not converge.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``weight_column`` added; the weights have mean
        1 (they sum to the number of rows), so weighted counts stay on the
        scale of the sample.

    Raises
    ------
    KeyError
        If a weighting variable is not a column.
    ValueError
        If a weighting variable has missing values, a margin does not sum to
        100, a data value has no target, a target category has no
        respondents, weightipy's own validation fails, or the weighted
        margins miss their targets by more than ``margin_tolerance``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gender": [1, 2, 2, 2]})
    >>> rake_to_margins(df, {"gender": {1: 50.0, 2: 50.0}})["weight"].round(3).tolist()
    [2.0, 0.667, 0.667, 0.667]
    """
    _check_margins(df, margins)
    variables = list(margins)
    frame = df[variables].astype(np.int64).reset_index(drop=True)
    scheme_dict = {v: {int(c): float(p) for c, p in margins[v].items() if p > 0} for v in variables}
    zero_target = {v: [c for c, p in margins[v].items() if p == 0] for v in variables}
    for variable, codes in zero_target.items():
        if frame[variable].isin(codes).any():
            raise ValueError(
                f"weighting variable {variable!r}: respondents in a category with a "
                "zero target would get weight 0; drop or collapse them first"
            )
    validate_scheme_dict(frame, scheme_dict, raise_error=True)
    scheme = scheme_from_dict(
        scheme_dict,
        name="rake",
        rim_params={"max_iterations": max_iterations, "convcrit": tolerance},
    )
    with contextlib.redirect_stdout(io.StringIO()):  # weightipy prints progress
        weights = _weightipy_weight(frame, scheme).to_numpy(dtype=float)
    if np.any(~np.isfinite(weights)) or np.any(weights <= 0):
        raise ValueError("raking gave non-positive or non-finite weights")
    weights = weights * len(weights) / weights.sum()
    for variable, targets in scheme_dict.items():
        achieved = pd.Series(weights).groupby(frame[variable].to_numpy()).sum()
        achieved = 100.0 * achieved / achieved.sum()
        gap = max(abs(float(achieved.get(c, 0.0)) - p) for c, p in targets.items())
        if gap > margin_tolerance:
            raise ValueError(
                f"raking did not converge: the weighted margin of {variable!r} misses "
                f"its target by {gap:.3g} percentage points"
            )
    out = df.copy()
    out[weight_column] = weights
    return out


def _as_weights(weights):
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty one-dimensional array")
    if np.any(~np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w


def kish_design_effect(weights):
    """Compute Kish's design effect due to unequal weights.

    ``deff = n * sum(w**2) / sum(w)**2``: 1 for equal weights, larger the more
    the weights vary. It is the factor by which weighting inflates the
    variance of a mean or percentage (approximately, ignoring any gain from
    the correlation between weights and outcome).

    Parameters
    ----------
    weights : array-like of float

    Returns
    -------
    float

    Examples
    --------
    >>> kish_design_effect([1, 1, 1, 1])
    1.0
    >>> kish_design_effect([1, 3])
    1.25
    """
    w = _as_weights(weights)
    return float(w.size * np.sum(w**2) / np.sum(w) ** 2)


def effective_sample_size(weights):
    """Compute Kish's effective sample size, ``sum(w)**2 / sum(w**2)``.

    A weighted sample of n respondents is about as precise as a simple
    random sample of this size: ``n / kish_design_effect(weights)``.

    Parameters
    ----------
    weights : array-like of float

    Returns
    -------
    float

    Examples
    --------
    >>> effective_sample_size([1, 3])
    1.6
    """
    w = _as_weights(weights)
    return float(np.sum(w) ** 2 / np.sum(w**2))


def weighted_percentages(df, variable, weights, sums=True):
    """Tabulate an item unweighted and weighted, side by side.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        A categorical codebook variable.
    weights : str or array-like
        A column of ``df`` or one weight per row.
    sums : bool, default True
        Add the report's sums of categories ("Som eens", "Som wel", ...).

    Returns
    -------
    pandas.DataFrame
        Index: category labels (code order), then the sums; columns ``n``
        (unweighted count of valid answers), ``Ongewogen`` and ``Gewogen``
        (percent of the valid answers, floats) and ``Verschil``
        (weighted minus unweighted, percentage points). Only valid answers
        count: missing codes and NaN are left out of both denominators.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gender": [1, 2, 2, 99]})
    >>> weighted_percentages(df, "gender", [3, 1, 1, 5])["Gewogen"].tolist()
    [60.0, 40.0]
    """
    w = (
        df[weights]
        if isinstance(weights, str)
        else pd.Series(np.asarray(weights, dtype=float), index=df.index)
    )
    if len(w) != len(df):
        raise ValueError("give one weight per row")
    _as_weights(w.to_numpy())
    labels = codebook.value_labels(variable)
    counts = category_counts(df, variable)
    valid = pd.to_numeric(df[variable], errors="coerce").isin(list(labels))
    codes = pd.to_numeric(df.loc[valid, variable]).astype(np.int64)
    wsum = w[valid].groupby(codes.to_numpy()).sum().reindex(list(labels), fill_value=0.0)
    rows = [(label, (code,)) for code, label in labels.items()]
    if sums:
        rows += [
            (label, tuple(c))
            for label, c in CATEGORY_SUMS.get(codebook.value_set_name(variable), {}).items()
        ]
    n_total = int(counts.sum())
    w_total = float(wsum.sum())
    if n_total == 0 or w_total <= 0:
        raise ValueError(f"{variable!r} has no valid answers with positive weight")
    table = pd.DataFrame(
        {
            "n": [int(counts.loc[list(c)].sum()) for _, c in rows],
            "Ongewogen": [100.0 * counts.loc[list(c)].sum() / n_total for _, c in rows],
            "Gewogen": [100.0 * float(wsum.loc[list(c)].sum()) / w_total for _, c in rows],
        },
        index=pd.Index([label for label, _ in rows], name=codebook.variable_label(variable)),
    )
    table["Verschil"] = table["Gewogen"] - table["Ongewogen"]
    return table.astype({"n": np.int64})


# ---------------------------------------------------------------------------
# Simulation of recruitment bias
# ---------------------------------------------------------------------------

#: Recruitment modes of the simulation (labels as in the codebook).
RECRUITMENT_MODES = {
    "online": "Online via sociale media",
    "door_to_door": "Deur aan deur",
    "street": "Straat of markt",
}

#: The assumptions of the simulated population and recruitment. They are
#: teaching assumptions, chosen to make the mechanisms visible; they are not
#: estimates of anything.
SIMULATION_ASSUMPTIONS = {
    # Age per occupation: mean and standard deviation (years), clipped 16-95.
    "age_by_occupation": {
        1: (42, 10),
        2: (47, 10),
        3: (21, 3),
        4: (72, 7),
        5: (38, 12),
        6: (48, 15),
    },
    # Younger people hold higher diplomas: weight of standardised age.
    "age_in_education": -0.5,
    # Latent dissatisfaction with the neighbourhood: weight of standardised
    # age (older residents judge the neighbourhood a little more positively).
    "age_in_dissatisfaction": -0.3,
    # Share of the population that finds the neighbourhood "onverzorgd".
    "share_unkempt": 0.14,
    # Log-propensity of being recruited, per mode: weights of standardised
    # age, online activity, dissatisfaction, being at home during the day
    # (retired or unemployed) and being employed.
    "propensity": {
        "online": {
            "age": 0.0,
            "online": 0.7,
            "dissatisfaction": 0.5,
            "at_home": 0.0,
            "employed": 0.0,
        },
        "door_to_door": {
            "age": 0.4,
            "online": 0.0,
            "dissatisfaction": 0.0,
            "at_home": 0.7,
            "employed": -0.2,
        },
        "street": {
            "age": 0.0,
            "online": 0.0,
            "dissatisfaction": 0.0,
            "at_home": 0.0,
            "employed": 0.3,
        },
    },
}


#: Occupation collapsed for raking small simulated samples (a category of
#: 2% is often empty in a sample of 120): employed and self-employed (1),
#: student (3), retired (4), unemployed and other (5).
OCCUPATION_GROUPS = {1: 1, 2: 1, 3: 3, 4: 4, 5: 5, 6: 5}


def collapse_margin(margin, mapping):
    """Add up the target shares of categories that are merged.

    Parameters
    ----------
    margin : dict
        ``{code: percent}``.
    mapping : dict
        ``{old code: new code}`` covering every code of ``margin``.

    Returns
    -------
    dict
        ``{new code: percent}`` in order of first appearance.

    Examples
    --------
    >>> collapse_margin({1: 40.0, 2: 10.0, 3: 50.0}, {1: 1, 2: 1, 3: 3})
    {1: 50.0, 3: 50.0}
    """
    missing = set(margin) - set(mapping)
    if missing:
        raise KeyError(f"mapping lacks code {sorted(missing)[0]!r}")
    out = {}
    for code, share in margin.items():
        new = mapping[code]
        out[new] = out.get(new, 0.0) + float(share)
    return out


def _zscore(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


def simulate_population(margins, size=20_000, seed=2018):
    """Draw a synthetic population calibrated to the reference margins.

    Gender, education and occupation follow ``margins`` exactly (the counts
    per category are the rounded target shares, then shuffled); age follows
    occupation, education leans on age, and a latent dissatisfaction with the
    neighbourhood decides who finds it "onverzorgd" (see
    :data:`SIMULATION_ASSUMPTIONS`).

    Parameters
    ----------
    margins : dict
        ``{"gender": {...}, "education": {...}, "occupation": {...}}`` in
        percent (see :func:`reference_margins`).
    size : int, default 20000
    seed : int, default 2018

    Returns
    -------
    pandas.DataFrame
        One row per person: ``gender``, ``education``, ``occupation``
        (codes), ``age`` (years), ``online`` (standardised online activity),
        ``dissatisfaction`` (standardised) and ``unkempt`` (1 if the
        neighbourhood is judged "onverzorgd", else 0).
    """
    rng = np.random.default_rng(seed)
    a = SIMULATION_ASSUMPTIONS

    def exact(variable):
        margin = margins[variable]
        codes = np.array(list(margin), dtype=np.int64)
        shares = np.array(list(margin.values()), dtype=float) / sum(margin.values())
        counts = np.floor(shares * size).astype(int)
        remainder = size - counts.sum()
        order = np.argsort(-(shares * size - counts), kind="stable")
        counts[order[:remainder]] += 1
        return rng.permutation(np.repeat(codes, counts))

    gender = exact("gender")
    occupation = exact("occupation")
    params = np.array([a["age_by_occupation"][int(o)] for o in occupation], dtype=float)
    age = np.clip(np.round(rng.normal(params[:, 0], params[:, 1])), 16, 95)
    z_age = _zscore(age)
    edu_index = a["age_in_education"] * z_age + rng.standard_normal(size)
    edu_margin = margins["education"]
    edu_codes = np.array(sorted(edu_margin), dtype=np.int64)
    edu_shares = np.array([edu_margin[c] for c in edu_codes], dtype=float)
    cut = np.quantile(edu_index, np.cumsum(edu_shares / edu_shares.sum())[:-1])
    education = edu_codes[np.searchsorted(cut, edu_index)]
    online = _zscore(-0.6 * z_age + rng.standard_normal(size))
    dissatisfaction = _zscore(a["age_in_dissatisfaction"] * z_age + rng.standard_normal(size))
    threshold = np.quantile(dissatisfaction, 1 - a["share_unkempt"])
    return pd.DataFrame(
        {
            "gender": gender,
            "education": education,
            "occupation": occupation,
            "age": age,
            "online": online,
            "dissatisfaction": dissatisfaction,
            "unkempt": (dissatisfaction > threshold).astype(np.int64),
        }
    )


def _propensity(population, mode):
    weights = SIMULATION_ASSUMPTIONS["propensity"][mode]
    at_home = population["occupation"].isin([4, 5]).to_numpy(dtype=float)
    employed = population["occupation"].isin([1, 2]).to_numpy(dtype=float)
    log_p = (
        weights["age"] * _zscore(population["age"])
        + weights["online"] * population["online"].to_numpy()
        + weights["dissatisfaction"] * population["dissatisfaction"].to_numpy()
        + weights["at_home"] * at_home
        + weights["employed"] * employed
    )
    p = np.exp(log_p)
    return p / p.sum()


def simulate_recruitment_bias(
    margins, sample_size=120, n_replications=200, population_size=20_000, seed=2018, weight=True
):
    """Estimate the share "onverzorgd" under three recruitment modes, many times.

    For each mode, ``n_replications`` samples of ``sample_size`` persons are
    drawn without replacement from one synthetic population
    (:func:`simulate_population`), with inclusion probabilities that follow
    the mode's propensity (:data:`SIMULATION_ASSUMPTIONS`): social media
    groups over-recruit the online-active and the dissatisfied, door to door
    reaches older people and people at home during the day, street and
    market recruitment leans slightly towards the employed. Each sample's
    estimate is computed unweighted and, with ``weight=True``, raked to the
    margins on gender, education and occupation (collapsed with
    :data:`OCCUPATION_GROUPS`, so small categories are not empty).

    Parameters
    ----------
    margins : dict
        Target margins in percent (see :func:`reference_margins`).
    sample_size : int, default 120
        About one student group's sample.
    n_replications : int, default 200
    population_size : int, default 20000
    seed : int, default 2018
        Seeds the population and every draw: the result is deterministic.
    weight : bool, default True
        Also compute the raked estimate.

    Returns
    -------
    pandas.DataFrame
        One row per mode and replication: ``mode`` (key of
        :data:`RECRUITMENT_MODES`), ``Wervingswijze`` (its label),
        ``replication``, ``truth`` (population share in percent),
        ``ongewogen`` and ``gewogen`` (sample estimates in percent; NaN when
        raking is impossible, e.g. an empty category) and the biases
        ``bias_ongewogen`` and ``bias_gewogen`` (estimate minus truth,
        percentage points).
    """
    population = simulate_population(margins, size=population_size, seed=seed)
    population["occupation_group"] = population["occupation"].map(OCCUPATION_GROUPS)
    rake_margins = {
        "gender": margins["gender"],
        "education": margins["education"],
        "occupation_group": collapse_margin(margins["occupation"], OCCUPATION_GROUPS),
    }
    truth = 100.0 * float(population["unkempt"].mean())
    seeds = np.random.SeedSequence(seed).spawn(len(RECRUITMENT_MODES))
    records = []
    for (mode, label), child in zip(RECRUITMENT_MODES.items(), seeds, strict=True):
        rng = np.random.default_rng(child)
        p = _propensity(population, mode)
        for rep in range(n_replications):
            index = rng.choice(len(population), size=sample_size, replace=False, p=p)
            sample = population.iloc[index]
            unweighted = 100.0 * float(sample["unkempt"].mean())
            weighted = np.nan
            if weight:
                try:
                    raked = rake_to_margins(sample, rake_margins)
                    w = raked["weight"].to_numpy()
                    weighted = 100.0 * float(np.sum(w * sample["unkempt"].to_numpy()) / w.sum())
                except ValueError:
                    weighted = np.nan
            records.append((mode, label, rep, truth, unweighted, weighted))
    result = pd.DataFrame(
        records, columns=["mode", "Wervingswijze", "replication", "truth", "ongewogen", "gewogen"]
    )
    result["bias_ongewogen"] = result["ongewogen"] - result["truth"]
    result["bias_gewogen"] = result["gewogen"] - result["truth"]
    return result


def summarise_simulation(results):
    """Summarise the simulated estimates per recruitment mode.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`simulate_recruitment_bias`.

    Returns
    -------
    pandas.DataFrame
        Index ``Wervingswijze`` (mode order of the input); columns
        ``Waarheid`` (population share, %), ``Gemiddelde ongewogen`` and
        ``Gemiddelde gewogen`` (mean estimate, %), ``Vertekening ongewogen``
        and ``Vertekening gewogen`` (mean bias, percentage points), ``SD
        ongewogen`` (standard deviation of the unweighted estimates) and
        ``Geslaagd`` (replications in which raking succeeded).
    """
    grouped = results.groupby("Wervingswijze", sort=False)
    return pd.DataFrame(
        {
            "Waarheid": grouped["truth"].first(),
            "Gemiddelde ongewogen": grouped["ongewogen"].mean(),
            "Gemiddelde gewogen": grouped["gewogen"].mean(),
            "Vertekening ongewogen": grouped["bias_ongewogen"].mean(),
            "Vertekening gewogen": grouped["bias_gewogen"].mean(),
            "SD ongewogen": grouped["ongewogen"].std(),
            "Geslaagd": grouped["gewogen"].count().astype(np.int64),
        }
    )
