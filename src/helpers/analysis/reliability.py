"""Reliability and structure of a multi-item scale (Schreurs' 14 items).

How to check whether items "hang together" before adding them up:

* :func:`scale_items` takes the items of a scale or motive, keeps the valid
  answers 1-5, reverses negatively worded items (directions from
  :func:`helpers.data.codebook.load_scales`) and keeps the complete cases
  (listwise deletion);
* :func:`cronbach_alpha` gives Cronbach's alpha with a Feldt confidence
  interval;
* :func:`item_analysis` gives per item the item-rest correlation and alpha
  if the item is deleted;
* :func:`scale_reliability` does both for the whole scale and each motive;
* :func:`factor_loadings` runs an exploratory factor analysis with
  :class:`statsmodels.multivariate.factor.Factor`;
* :func:`principal_axis_diagnostics` iterates principal axis factoring until
  the communalities settle, and says when they do not: a communality that
  passes 1 is a Heywood case, and the solution is then not valid.

All functions are pure: a DataFrame goes in, a new DataFrame (or a Series)
comes out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.multivariate.factor import Factor

from helpers.data import codebook

__all__ = [
    "cronbach_alpha",
    "factor_loadings",
    "item_analysis",
    "FactorDiagnostics",
    "principal_axis_diagnostics",
    "reverse_items",
    "scale_items",
    "scale_reliability",
]


def reverse_items(items, directions, low=1, high=5):
    """Reverse negatively worded items: ``low + high - x`` where direction is -1.

    Parameters
    ----------
    items : pandas.DataFrame
        Item scores, one column per item.
    directions : dict
        ``{item: +1 or -1}`` for every column.
    low, high : int, default 1 and 5
        Ends of the answer scale.

    Returns
    -------
    pandas.DataFrame
        A copy with the negatively worded items reversed.

    Examples
    --------
    >>> import pandas as pd
    >>> reverse_items(pd.DataFrame({"a": [1, 5], "b": [1, 4]}), {"a": 1, "b": -1})["b"].tolist()
    [5, 2]
    """
    unknown = set(items.columns) - set(directions)
    if unknown:
        raise KeyError(f"no direction for item {sorted(unknown)[0]!r}")
    out = items.copy()
    for column in items.columns:
        direction = directions[column]
        if direction not in (1, -1):
            raise ValueError(f"direction of {column!r} must be +1 or -1, got {direction!r}")
        if direction == -1:
            out[column] = low + high - items[column]
    return out


def _directions(motive=None):
    scales = codebook.load_scales()
    if motive is None:
        return {item: d for spec in scales.values() for item, d in spec["items"].items()}
    if motive not in scales:
        raise KeyError(f"unknown motive {motive!r}; choose from {sorted(scales)}")
    return dict(scales[motive]["items"])


def scale_items(df, motive=None, reverse=True):
    """Select the items of Schreurs' scale (or one motive), ready for analysis.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    motive : str, optional
        A key of :func:`helpers.data.codebook.load_scales` (e.g.
        ``"personal_values"``); all 14 items when omitted.
    reverse : bool, default True
        Reverse the negatively worded items, so that a high score always
        means a stronger motive to take part.

    Returns
    -------
    pandas.DataFrame
        The complete cases (respondents with a valid answer 1-5 on every
        item; codes 96-99 and NaN count as missing), item scores as floats,
        columns in the order of ``scales.yaml``. ``len(result)`` is the n
        used.
    """
    directions = _directions(motive)
    items = df[list(directions)].apply(pd.to_numeric, errors="coerce")
    items = items.where(items.isin([1, 2, 3, 4, 5])).dropna().astype(float)
    return reverse_items(items, directions) if reverse else items


def _alpha(values):
    k = values.shape[1]
    item_var = values.var(axis=0, ddof=1).sum()
    total_var = values.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return np.nan
    return k / (k - 1) * (1 - item_var / total_var)


def cronbach_alpha(items, alpha=0.05):
    """Compute Cronbach's alpha with a Feldt confidence interval.

    Feldt (1965): ``(1 - alpha) / (1 - alpha_hat)`` follows an F distribution
    with ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom, which gives the
    interval ``1 - (1 - alpha_hat) * F_{1-a/2}`` to
    ``1 - (1 - alpha_hat) * F_{a/2}``.

    Parameters
    ----------
    items : pandas.DataFrame
        Complete cases, one column per item (at least two items and three
        respondents), already in the same direction.
    alpha : float, default 0.05
        One minus the confidence level (not to be confused with Cronbach's
        alpha).

    Returns
    -------
    pandas.Series
        ``alpha`` (float), ``lower`` and ``upper`` (Feldt bounds), ``n``
        (respondents) and ``k`` (items), as Python numbers.

    Raises
    ------
    ValueError
        If ``items`` has missing values, fewer than two items or fewer than
        three respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> x = [1, 2, 3, 4, 5]
    >>> float(cronbach_alpha(pd.DataFrame({"a": x, "b": x, "c": x}))["alpha"])
    1.0
    """
    values = items.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError("items have missing values: keep the complete cases first")
    n, k = values.shape
    if k < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    if n < 3:
        raise ValueError("Cronbach's alpha needs at least three respondents")
    a = float(_alpha(values))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - a) * stats.f.ppf(1 - alpha / 2, df1, df2)
    upper = 1 - (1 - a) * stats.f.ppf(alpha / 2, df1, df2)
    return pd.Series(
        {"alpha": a, "lower": float(lower), "upper": float(upper), "n": int(n), "k": int(k)},
        dtype=object,
    )


def item_analysis(items, labels=True):
    """Compute item-rest correlations and alpha-if-item-deleted.

    Parameters
    ----------
    items : pandas.DataFrame
        Complete cases, one column per item, in the same direction.
    labels : bool, default True
        Index the result by the items' codebook labels (wording) instead of
        their variable names.

    Returns
    -------
    pandas.DataFrame
        One row per item (input order): ``Gemiddelde``, ``SD``,
        ``Item-rest r`` (Pearson correlation of the item with the sum of the
        other items) and ``Alfa zonder item`` (Cronbach's alpha of the
        remaining items; NaN when fewer than two would remain).
    """
    values = items.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError("items have missing values: keep the complete cases first")
    k = values.shape[1]
    total = values.sum(axis=1)
    rows = []
    for j in range(k):
        rest = total - values[:, j]
        r = float(np.corrcoef(values[:, j], rest)[0, 1]) if k > 1 else np.nan
        remaining = np.delete(values, j, axis=1)
        a = float(_alpha(remaining)) if k > 2 else np.nan
        rows.append((float(values[:, j].mean()), float(values[:, j].std(ddof=1)), r, a))
    index = [codebook.variable_label(c) if labels else c for c in items.columns]
    return pd.DataFrame(
        rows,
        columns=["Gemiddelde", "SD", "Item-rest r", "Alfa zonder item"],
        index=pd.Index(index, name="Stelling" if labels else "item"),
    )


def scale_reliability(df, alpha=0.05):
    """Compute Cronbach's alpha for Schreurs' whole scale and each motive.

    Each row uses its own complete cases, so the n differs between rows.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    alpha : float, default 0.05
        One minus the confidence level of the Feldt interval.

    Returns
    -------
    pandas.DataFrame
        Index: "Volledige schaal" and the Dutch motive labels; columns
        ``Items`` (k), ``n`` (complete cases), ``Alfa``, ``Ondergrens`` and
        ``Bovengrens``.
    """
    scales = codebook.load_scales()
    rows = [("Volledige schaal", None)] + [(spec["label"], key) for key, spec in scales.items()]
    records = []
    for label, key in rows:
        result = cronbach_alpha(scale_items(df, key), alpha=alpha)
        records.append(
            (
                label,
                int(result["k"]),
                int(result["n"]),
                float(result["alpha"]),
                float(result["lower"]),
                float(result["upper"]),
            )
        )
    table = pd.DataFrame(
        records, columns=["Schaal", "Items", "n", "Alfa", "Ondergrens", "Bovengrens"]
    ).set_index("Schaal")
    return table.astype({"Items": np.int64, "n": np.int64})


@dataclass(frozen=True)
class FactorDiagnostics:
    """How an iterated principal axis factoring ended.

    Attributes
    ----------
    n_factors : int
    iterations : int
        Iterations run (each re-estimates the communalities).
    converged : bool
        True when the largest change of a communality fell below the
        tolerance before any communality reached 1.
    heywood : tuple of str
        Items whose communality reached 1 or more (a Heywood case); empty
        when there is none.
    max_change : float
        Largest change of a communality in the last iteration.
    communalities : pandas.Series
        Communalities at the last iteration, indexed like the items.
    """

    n_factors: int
    iterations: int
    converged: bool
    heywood: tuple
    max_change: float
    communalities: pd.Series


def principal_axis_diagnostics(items, n_factors, maxiter=1000, tol=1e-6):
    """Iterate principal axis factoring and report whether it converges.

    The iteration starts, as statsmodels and R's ``psych::fa`` do, from the
    squared multiple correlations and replaces the diagonal of the
    correlation matrix by the communalities of the previous step. statsmodels
    stops after 50 iterations without saying whether the communalities
    settled; this function goes on until they do (largest change below
    ``tol``), until one reaches 1 (a Heywood case: an item fully explained
    by the factors, which is an estimation failure, not a finding), or until
    ``maxiter``.

    Parameters
    ----------
    items : pandas.DataFrame
        Complete cases, one column per item.
    n_factors : int
    maxiter : int, default 1000
    tol : float, default 1e-6

    Returns
    -------
    FactorDiagnostics

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(500, 1))
    >>> x = pd.DataFrame(f @ np.ones((1, 4)) + rng.normal(size=(500, 4)), columns=list("abcd"))
    >>> d = principal_axis_diagnostics(x, 1)
    >>> d.converged, d.heywood
    (True, ())
    """
    values = items.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError("items have missing values: keep the complete cases first")
    corr = np.corrcoef(values, rowvar=False)
    communality = 1 - 1 / np.diag(np.linalg.inv(corr))
    change, converged, iterations = np.inf, False, 0
    while iterations < maxiter:
        iterations += 1
        reduced = corr.copy()
        np.fill_diagonal(reduced, communality)
        eigenvalues, eigenvectors = np.linalg.eigh(reduced)
        top = np.argsort(eigenvalues)[::-1][:n_factors]
        loadings = eigenvectors[:, top] * np.sqrt(np.clip(eigenvalues[top], 0, None))
        new = (loadings**2).sum(axis=1)
        change = float(np.max(np.abs(new - communality)))
        communality = new
        if np.any(communality >= 1):
            break
        if change < tol:
            converged = True
            break
    heywood = tuple(str(c) for c, h in zip(items.columns, communality) if h >= 1)
    return FactorDiagnostics(
        n_factors=int(n_factors),
        iterations=int(iterations),
        converged=bool(converged and not heywood),
        heywood=heywood,
        max_change=change,
        communalities=pd.Series(communality, index=items.columns, name="Communaliteit"),
    )


#: Seed of the random starting loadings of a maximum-likelihood factor fit.
ML_START_SEED = 2020


def factor_loadings(
    items, n_factors=4, method="ml", rotation="oblimin", labels=True, maxiter=50, tol=1e-8
):
    """Run an exploratory factor analysis and return the rotated loadings.

    Parameters
    ----------
    items : pandas.DataFrame
        Complete cases, one column per item.
    n_factors : int, default 4
    method : {"ml", "pa"}, default "ml"
        Maximum likelihood or principal axis factoring.
    rotation : str or None, default "oblimin"
        Any rotation statsmodels knows (``"oblimin"``, ``"promax"``,
        ``"varimax"``, ...); None keeps the unrotated solution.
    labels : bool, default True
        Index by the items' codebook labels instead of variable names.
    maxiter, tol : int and float
        Passed to statsmodels' principal axis iteration (its defaults).
        Whether that iteration converged is not checked here: use
        :func:`principal_axis_diagnostics` and pass its ``iterations``.

    Returns
    -------
    pandas.DataFrame
        Items x factors (``"F1"``, ``"F2"``, ...). To make the output
        deterministic and readable, maximum likelihood starts from seeded
        random loadings (:data:`ML_START_SEED`), factors are ordered by their sum of
        squared loadings (largest first) and each factor's sign is chosen so
        that its largest absolute loading is positive. Column
        ``Communaliteit`` holds each item's communality.
    """
    if method not in ("ml", "pa"):
        raise ValueError(f"method must be 'ml' or 'pa', got {method!r}")
    values = items.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError("items have missing values: keep the complete cases first")
    model = Factor(values, n_factor=n_factors, method=method)
    if method == "pa":
        result = model.fit(maxiter=maxiter, tol=tol)
    else:
        # Maximum likelihood starts from random loadings (statsmodels draws fresh
        # entropy when no generator is given): a fixed seed makes it repeatable.
        result = model.fit(rng=np.random.default_rng(ML_START_SEED))
    if rotation is not None:
        result.rotate(rotation)
    loadings = np.asarray(result.loadings, dtype=float)
    order = np.argsort(-(loadings**2).sum(axis=0), kind="stable")
    loadings = loadings[:, order]
    for j in range(loadings.shape[1]):
        if loadings[np.argmax(np.abs(loadings[:, j])), j] < 0:
            loadings[:, j] = -loadings[:, j]
    index = [codebook.variable_label(c) if labels else c for c in items.columns]
    table = pd.DataFrame(
        loadings,
        columns=[f"F{j + 1}" for j in range(loadings.shape[1])],
        index=pd.Index(index, name="Stelling" if labels else "item"),
    )
    table["Communaliteit"] = np.asarray(result.communality, dtype=float)
    return table
