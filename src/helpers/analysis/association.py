"""Associations between survey variables: cross-tables and ordinal regression.

* :func:`crosstab_with_tests` builds a cross-table of two categorical items
  (counts and row percentages) with the chi-square test, Cramér's V and a
  flag for small expected counts;
* :func:`ordinal_model` fits a cumulative-logit (proportional odds) model
  with :class:`statsmodels.miscmodels.ordinal_model.OrderedModel` and returns
  a tidy table with odds ratios and their 95% confidence intervals;
* :func:`add_age_group` derives age groups for cross-tables.

In the synthetic data of this book every relation between variables was put
there by the generator: the functions are method demonstrations.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from helpers.analysis.counts import MISSING_CODES
from helpers.data import codebook

__all__ = [
    "AGE_GROUPS",
    "CrosstabResult",
    "OrdinalModelResult",
    "add_age_group",
    "cramers_v",
    "crosstab_with_tests",
    "ordinal_model",
]

#: Dutch labels of derived (non-codebook) variables.
DERIVED_LABELS = {"age_group": "Leeftijdsgroep"}

#: Default age groups: (lower bound inclusive, upper bound exclusive, label).
AGE_GROUPS = ((16, 35, "16-34 jaar"), (35, 55, "35-54 jaar"), (55, 101, "55 jaar en ouder"))


def add_age_group(df, groups=AGE_GROUPS, column="age_group"):
    """Add an ordered categorical column with age groups.

    Parameters
    ----------
    df : pandas.DataFrame
        Data with a numeric ``age`` column (NaN when missing).
    groups : sequence of (int, int, str), default :data:`AGE_GROUPS`
        Lower bound (inclusive), upper bound (exclusive) and label.
    column : str, default "age_group"

    Returns
    -------
    pandas.DataFrame
        A copy with the new column; ages outside every group become NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> add_age_group(pd.DataFrame({"age": [20, 40, 80]}))["age_group"].tolist()
    ['16-34 jaar', '35-54 jaar', '55 jaar en ouder']
    """
    edges = [g[0] for g in groups] + [groups[-1][1]]
    if any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError("age groups must be increasing and adjacent")
    out = df.copy()
    out[column] = pd.cut(
        pd.to_numeric(df["age"]),
        bins=edges,
        right=False,
        labels=[g[2] for g in groups],
        ordered=True,
    )
    return out


def _labelled(df, variable):
    """Valid answers of a variable as an ordered categorical of labels."""
    column = df[variable]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column
    labels = codebook.value_labels(variable) if variable in codebook.variable_names() else {}
    if not labels:
        raise ValueError(
            f"{variable!r} is neither a categorical codebook variable nor a "
            "pandas Categorical column"
        )
    codes = pd.to_numeric(column, errors="coerce")
    unexpected = codes[codes.notna() & ~codes.isin(list(labels)) & ~codes.isin(MISSING_CODES)]
    if len(unexpected):
        raise ValueError(f"{variable!r}: value {unexpected.iloc[0]!r} has no value label")
    mapped = codes.map(lambda c: labels.get(int(c)) if pd.notna(c) else None)
    return pd.Series(
        pd.Categorical(mapped, categories=list(labels.values()), ordered=True),
        index=df.index,
        name=variable,
    )


def _name(variable):
    if variable in DERIVED_LABELS:
        return DERIVED_LABELS[variable]
    try:
        return codebook.variable_label(variable)
    except KeyError:
        return variable


def cramers_v(counts):
    """Compute Cramér's V of a contingency table (no continuity correction).

    ``V = sqrt(chi2 / (n * (min(r, c) - 1)))``, between 0 (no association)
    and 1 (perfect association).

    Parameters
    ----------
    counts : array-like or pandas.DataFrame
        Observed counts, at least 2 x 2, no empty row or column.

    Returns
    -------
    float

    Examples
    --------
    >>> cramers_v([[10, 0], [0, 10]])
    1.0
    """
    observed = np.asarray(counts, dtype=float)
    chi2, _, _, _ = stats.chi2_contingency(observed, correction=False)
    n = observed.sum()
    k = min(observed.shape) - 1
    return float(np.sqrt(chi2 / (n * k)))


@dataclass(frozen=True)
class CrosstabResult:
    """A cross-table with its chi-square test.

    Attributes
    ----------
    counts : pandas.DataFrame
        Observed counts (rows x columns), with margins "Totaal".
    percentages : pandas.DataFrame
        Row percentages (each row sums to 100), with a "Totaal" row.
    expected : pandas.DataFrame
        Expected counts under independence.
    chi2 : float
        Pearson chi-square statistic (no continuity correction).
    dof : int
        Degrees of freedom.
    p_value : float
    cramers_v : float
    n : int
        Respondents with a valid answer on both variables.
    min_expected : float
        Smallest expected count.
    share_small_expected : float
        Share of cells with an expected count below 5 (0-1).
    small_expected : bool
        True if any expected count is below 5: the chi-square approximation
        may then be poor (Cochran's rule allows at most 20% of such cells,
        none below 1).
    """

    counts: pd.DataFrame
    percentages: pd.DataFrame
    expected: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    n: int
    min_expected: float
    share_small_expected: float
    small_expected: bool

    def summary(self):
        """Return the test results as a one-column DataFrame (Dutch labels)."""
        return pd.DataFrame(
            {
                "Waarde": [
                    self.n,
                    self.chi2,
                    self.dof,
                    self.p_value,
                    self.cramers_v,
                    self.min_expected,
                ]
            },
            index=pd.Index(
                [
                    "n",
                    "Chi-kwadraat",
                    "Vrijheidsgraden",
                    "p-waarde",
                    "Cramérs V",
                    "Kleinste verwachte aantal",
                ],
                name="Toets",
            ),
        )


def crosstab_with_tests(df, row, col):
    """Cross-tabulate two categorical variables and test their independence.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes; a variable may also be a pandas
        Categorical column (e.g. from :func:`add_age_group`).
    row, col : str
        Variables in the rows and the columns. Codebook variables are
        labelled; missing codes 96-99 and NaN are left out (listwise on the
        two variables).

    Returns
    -------
    CrosstabResult
        Counts, row percentages, expected counts, chi-square test (scipy's
        :func:`~scipy.stats.chi2_contingency` without continuity
        correction), Cramér's V and the small-expected-count flag. Empty
        categories are dropped before testing.

    Raises
    ------
    ValueError
        If fewer than two non-empty categories remain in the rows or the
        columns.
    """
    r = _labelled(df, row)
    c = _labelled(df, col)
    keep = r.notna() & c.notna()
    table = pd.crosstab(r[keep], c[keep]).astype(np.int64)
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise ValueError(f"{row!r} x {col!r}: need at least two non-empty categories each")
    table.index = pd.Index([str(i) for i in table.index], name=_name(row))
    table.columns = pd.Index([str(i) for i in table.columns], name=_name(col))
    chi2, p, dof, expected = stats.chi2_contingency(table.to_numpy(), correction=False)
    n = int(table.to_numpy().sum())
    v = float(np.sqrt(chi2 / (n * (min(table.shape) - 1))))
    expected = pd.DataFrame(expected, index=table.index, columns=table.columns)
    counts = table.copy()
    counts["Totaal"] = counts.sum(axis=1)
    counts.loc["Totaal"] = counts.sum(axis=0)
    percentages = 100.0 * counts.div(counts["Totaal"], axis=0)
    return CrosstabResult(
        counts=counts.astype(np.int64),
        percentages=percentages,
        expected=expected,
        chi2=float(chi2),
        dof=int(dof),
        p_value=float(p),
        cramers_v=v,
        n=n,
        min_expected=float(expected.to_numpy().min()),
        share_small_expected=float((expected.to_numpy() < 5).mean()),
        small_expected=bool((expected.to_numpy() < 5).any()),
    )


@dataclass(frozen=True)
class OrdinalModelResult:
    """A fitted proportional-odds model in tidy form.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        One row per predictor term: ``Term``, ``Coëfficiënt`` (log odds),
        ``SE``, ``p-waarde``, ``OR`` (odds ratio) and its 95% bounds
        ``OR ondergrens`` and ``OR bovengrens``.
    thresholds : pandas.DataFrame
        The cut points on the logit scale between adjacent outcome
        categories (``Overgang``, ``Drempel``), transformed back from
        statsmodels' log-increments.
    n : int
        Respondents used (complete cases on outcome and predictors).
    outcome_categories : list of str
        Outcome labels, low to high.
    llr_pvalue : float
        p-value of the likelihood-ratio test against the model without
        predictors.
    pseudo_r2 : float
        McFadden's pseudo R-squared.
    converged : bool
    """

    coefficients: pd.DataFrame
    thresholds: pd.DataFrame
    n: int
    outcome_categories: list
    llr_pvalue: float
    pseudo_r2: float
    converged: bool


def ordinal_model(df, outcome, predictors, scale=None, alpha=0.05):
    """Fit a proportional-odds (cumulative logit) model and tidy the result.

    An odds ratio above 1 means: higher values of the predictor (or this
    category compared to the reference category) go with higher outcome
    categories; below 1, with lower ones.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    outcome : str
        An ordinal categorical codebook variable (e.g. ``init_surveillance``);
        missing codes are left out.
    predictors : list of str
        Categorical codebook variables (dummy-coded, the first category is
        the reference) or numeric variables (e.g. ``age``).
    scale : dict, optional
        ``{numeric predictor: unit}``: the odds ratio is given per ``unit``
        (e.g. ``{"age": 10}`` for ten years).
    alpha : float, default 0.05
        One minus the confidence level of the odds-ratio intervals.

    Returns
    -------
    OrdinalModelResult

    Raises
    ------
    ValueError
        If no complete cases remain or the outcome has fewer than three
        categories.
    """
    scale = dict(scale or {})
    book = codebook.load_codebook()["variables"]
    y = _labelled(df, outcome)
    columns, keep = {}, y.notna()
    for p in predictors:
        if p in book and book[p]["kind"] == "categorical":
            x = _labelled(df, p)
            keep &= x.notna()
            columns[p] = x
        else:
            x = pd.to_numeric(df[p], errors="coerce")
            keep &= x.notna()
            columns[p] = x / scale.get(p, 1)
    if not keep.any():
        raise ValueError("no complete cases for the model")
    y = y[keep].cat.remove_unused_categories()
    if len(y.cat.categories) < 3:
        raise ValueError(f"{outcome!r}: an ordinal model needs at least three categories")
    parts, terms = [], []
    for p, x in columns.items():
        x = x[keep]
        if isinstance(x.dtype, pd.CategoricalDtype):
            x = x.cat.remove_unused_categories()
            dummies = pd.get_dummies(x, drop_first=True, dtype=float)
            reference = str(x.cat.categories[0])
            for level in dummies.columns:
                terms.append(f"{_name(p)}: {level} (ref. {reference})")
            parts.append(dummies)
        else:
            unit = scale.get(p, 1)
            suffix = f" (per {unit})" if unit != 1 else ""
            terms.append(f"{_name(p)}{suffix}")
            parts.append(x.rename(p).to_frame())
    exog = pd.concat(parts, axis=1)
    exog.columns = [f"x{j}" for j in range(exog.shape[1])]
    model = OrderedModel(y, exog, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(method="bfgs", disp=False, maxiter=1000)
    k = exog.shape[1]
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    pvalues = np.asarray(fit.pvalues, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    coefficients = pd.DataFrame(
        {
            "Term": terms,
            "Coëfficiënt": params[:k],
            "SE": bse[:k],
            "p-waarde": pvalues[:k],
            "OR": np.exp(params[:k]),
            "OR ondergrens": np.exp(params[:k] - z * bse[:k]),
            "OR bovengrens": np.exp(params[:k] + z * bse[:k]),
        }
    )
    cuts = model.transform_threshold_params(params)[1:-1]
    cats = [str(c) for c in y.cat.categories]
    thresholds = pd.DataFrame(
        {
            "Overgang": [f"{a} | {b}" for a, b in zip(cats, cats[1:])],
            "Drempel": np.asarray(cuts, dtype=float),
        }
    )
    llnull = float(fit.llnull)
    return OrdinalModelResult(
        coefficients=coefficients,
        thresholds=thresholds,
        n=int(keep.sum()),
        outcome_categories=cats,
        llr_pvalue=float(fit.llr_pvalue),
        pseudo_r2=float(1 - fit.llf / llnull),
        converged=bool(fit.mle_retvals.get("converged", True)),
    )
