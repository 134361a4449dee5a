"""Uncertainty of the survey's percentages: Wilson intervals, table by table.

The report prints percentages without a margin of error. The functions below
add a 95% Wilson score interval to every percentage of a results table, in a
long format (one row per item and category) that serves both an "interval on
demand" table and a figure with error bars.

All functions are pure: a DataFrame (or counts) goes in, a new DataFrame
comes out.

A note on meaning: a Wilson interval describes the sampling error of a
**simple random sample**. The survey is a convenience sample, so the interval
is a lower bound on the real uncertainty; it says nothing about selection
bias (see :mod:`helpers.analysis.weighting`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from helpers.analysis.counts import CATEGORY_SUMS, category_counts, likert_counts
from helpers.data import codebook

__all__ = [
    "INTERVAL_COLUMNS",
    "add_intervals",
    "category_table_with_ci",
    "likert_table_with_ci",
    "wilson_interval",
]

#: Columns of the long tables returned by :func:`add_intervals`.
INTERVAL_COLUMNS = ["Stelling", "Categorie", "n", "N", "%", "Ondergrens", "Bovengrens"]


def wilson_interval(count, n, alpha=0.05):
    """Compute the Wilson score interval of a proportion.

    A thin wrapper around
    :func:`statsmodels.stats.proportion.proportion_confint` with
    ``method="wilson"`` that checks its input.

    Parameters
    ----------
    count : int or array-like of int
        Number of "successes" (``0 <= count <= n``).
    n : int or array-like of int
        Number of valid answers (positive); broadcast against ``count``.
    alpha : float, default 0.05
        One minus the confidence level (0.05 gives a 95% interval).

    Returns
    -------
    tuple of (float, float) or tuple of numpy.ndarray
        Lower and upper bound as **fractions** (0-1).

    Raises
    ------
    ValueError
        If ``n <= 0``, a count lies outside ``0..n`` or ``alpha`` is not in
        (0, 1).

    Examples
    --------
    >>> low, high = wilson_interval(50, 100)
    >>> round(low, 4), round(high, 4)
    (0.4038, 0.5962)
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    c = np.asarray(count, dtype=float)
    m = np.asarray(n, dtype=float)
    c, m = np.broadcast_arrays(c, m)
    if np.any(~np.isfinite(m)) or np.any(m <= 0):
        raise ValueError("n must be positive")
    if np.any(~np.isfinite(c)) or np.any((c < 0) | (c > m)):
        raise ValueError("every count must lie in 0..n")
    low, high = proportion_confint(c, m, alpha=alpha, method="wilson")
    low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    if np.ndim(count) == 0 and np.ndim(n) == 0:
        return float(low), float(high)
    return np.asarray(low), np.asarray(high)


def add_intervals(table_counts, alpha=0.05, columns=None, decimals=1):
    """Turn a wide table of counts into a long table of percentages with intervals.

    Parameters
    ----------
    table_counts : pandas.DataFrame
        Counts, one row per item (index = item wording), a column ``"N"``
        with the valid answers and one column per category or sum, as
        returned by :func:`helpers.analysis.counts.likert_counts`.
    alpha : float, default 0.05
        One minus the confidence level.
    columns : list of str, optional
        Count columns to keep (e.g. ``["Som eens"]``); default all but N.
    decimals : int, default 1
        Decimals of the percentage and the bounds.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INTERVAL_COLUMNS`: ``Stelling`` (row label of the
        input), ``Categorie`` (column of the input), ``n`` (count), ``N``,
        ``%`` (``100 * n / N``) and the Wilson bounds ``Ondergrens`` and
        ``Bovengrens`` in percent. Rows by item (input order), then by
        column (input order). Rows with ``N == 0`` get NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"N": [100], "Ja": [50], "Nee": [50]}, index=["Item"])
    >>> add_intervals(counts, columns=["Ja"])  # doctest: +NORMALIZE_WHITESPACE
      Stelling Categorie   n    N     %  Ondergrens  Bovengrens
    0     Item        Ja  50  100  50.0        40.4        59.6
    """
    if "N" not in table_counts.columns:
        raise KeyError("table_counts needs a column 'N' with the valid answers")
    if columns is None:
        columns = [c for c in table_counts.columns if c != "N"]
    missing = [c for c in columns if c not in table_counts.columns]
    if missing:
        raise KeyError(f"columns not in the table: {missing}")
    records = []
    for item, row in table_counts.iterrows():
        n = int(row["N"])
        for column in columns:
            count = int(row[column])
            if n > 0:
                low, high = wilson_interval(count, n, alpha=alpha)
                pct = 100.0 * count / n
                values = (
                    round(pct, decimals),
                    round(100 * low, decimals),
                    round(100 * high, decimals),
                )
            else:
                values = (np.nan, np.nan, np.nan)
            records.append((str(item), str(column), count, n, *values))
    long = pd.DataFrame(records, columns=INTERVAL_COLUMNS)
    return long.astype({"n": np.int64, "N": np.int64})


def likert_table_with_ci(df, variables, columns=None, alpha=0.05, sort_by="Som eens", decimals=1):
    """Build a battery's percentages with Wilson intervals (Tabel 4, 5, 8).

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variables : list of str
        Items sharing the value set ``likert`` or ``willingness``.
    columns : list of str, optional
        Categories or sums to keep (e.g. ``["Som eens"]``); default all.
        ``"Som eens"`` also selects "Som wel" for willingness items.
    alpha : float, default 0.05
        One minus the confidence level.
    sort_by : str or None, default "Som eens"
        Order the items by this count column, descending (the report's
        order); ``"Som eens"`` means the positive sum of the scale. ``None``
        keeps the codebook order.
    decimals : int, default 1

    Returns
    -------
    pandas.DataFrame
        The long table of :func:`add_intervals`.
    """
    counts = likert_counts(df, variables)
    value_set = codebook.value_set_name(list(variables)[0])
    positive = list(CATEGORY_SUMS[value_set])[-1]

    def _resolve(name):
        return positive if name == "Som eens" else name

    if sort_by is not None:
        key = _resolve(sort_by)
        share = counts[key] / counts["N"].where(counts["N"] > 0)
        order = np.argsort(-share.fillna(-1).to_numpy(), kind="stable")
        counts = counts.iloc[order]
    if columns is not None:
        columns = [_resolve(c) for c in columns]
    return add_intervals(counts, alpha=alpha, columns=columns, decimals=decimals)


def category_table_with_ci(df, variable, alpha=0.05, sums=True, decimals=1):
    """Build one item's distribution with Wilson intervals (Tabel 2, 3, 6, 7).

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        A categorical codebook variable.
    alpha : float, default 0.05
    sums : bool, default True
        Also give the report's sums of categories (e.g. "Som onverzorgd").
    decimals : int, default 1

    Returns
    -------
    pandas.DataFrame
        The long table of :func:`add_intervals`, one row per category (code
        order) and sum; ``Stelling`` holds the variable label.
    """
    counts = category_counts(df, variable)
    labels = codebook.value_labels(variable)
    row = {"N": int(counts.sum())}
    row.update({label: int(counts[code]) for code, label in labels.items()})
    if sums:
        for label, codes in CATEGORY_SUMS.get(codebook.value_set_name(variable), {}).items():
            row[label] = int(counts.loc[list(codes)].sum())
    wide = pd.DataFrame([row], index=[codebook.variable_label(variable)])
    return add_intervals(wide, alpha=alpha, decimals=decimals)
