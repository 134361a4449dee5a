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

from helpers.analysis.counts import CATEGORY_SUMS, category_counts, likert_counts, likert_table
from helpers.data import codebook

__all__ = [
    "INTERVAL_COLUMNS",
    "REPORT_TABLES",
    "add_intervals",
    "half_width",
    "in_table_order",
    "report_tables_with_ci",
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
    decimals : int or None, default 1
        Decimals of the percentage and the bounds; None keeps them exact
        (for statistics computed from the bounds, such as the smallest
        margin of error).

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
                values = tuple(
                    v if decimals is None else round(v, decimals)
                    for v in (pct, 100 * low, 100 * high)
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


#: The report's tables of percentages with their survey variables: a battery
#: (codebook group) or single categorical questions.
REPORT_TABLES = {
    "Tabel 4": "Tabel 4",
    "Tabel 5": "Tabel 5",
    "Tabel 6": ["bin_known"],
    "Tabel 7": ["bin_member", "bin_willing"],
    "Tabel 8": "Tabel 8",
}


def in_table_order(long_table, table):
    """Put the items of a long interval table in the row order of a printed table.

    Parameters
    ----------
    long_table : pandas.DataFrame
        From :func:`add_intervals` (column ``Stelling``).
    table : pandas.DataFrame
        The printed table, indexed by item wording (e.g. sorted by "Som eens").

    Returns
    -------
    pandas.DataFrame
        ``long_table`` sorted (stably) by the position of its item in
        ``table``, with a fresh index.
    """
    position = {label: i for i, label in enumerate(table.index)}
    ordered = long_table.sort_values("Stelling", key=lambda s: s.map(position), kind="stable")
    return ordered.reset_index(drop=True)


def report_tables_with_ci(df, decimals=1, alpha=0.05):
    """Wilson intervals for every percentage of the report's Tabel 4 to 8.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    decimals : int or None, default 1
        As in :func:`add_intervals`.
    alpha : float, default 0.05

    Returns
    -------
    dict
        ``{"Tabel 4": long table, ...}`` (columns :data:`INTERVAL_COLUMNS`);
        the batteries in the printed order (sorted by the positive sum, as
        :func:`helpers.analysis.counts.likert_table` does), the single
        questions with their sums, one after the other.
    """
    tables = {}
    for name, spec in REPORT_TABLES.items():
        if isinstance(spec, str):
            variables = codebook.variables_in_group(spec)
            long = likert_table_with_ci(df, variables, alpha=alpha, decimals=decimals)
            tables[name] = in_table_order(long, likert_table(df, variables))
        else:
            parts = [category_table_with_ci(df, v, alpha=alpha, decimals=decimals) for v in spec]
            tables[name] = pd.concat(parts, ignore_index=True)
    return tables


def half_width(table):
    """Half the width of each interval (the margin of error), in percentage points.

    Examples
    --------
    >>> import pandas as pd
    >>> half_width(pd.DataFrame({"Ondergrens": [40.0], "Bovengrens": [60.0]})).tolist()
    [10.0]
    """
    return (table["Bovengrens"] - table["Ondergrens"]) / 2
