"""Small-cell protection for tables of one municipality.

A feedback page per municipality shows tables built on about a hundred
respondents. A cell with one to four respondents could point to a person, so
no such count may be shown, nor be derivable from what is shown. The page
shows, per row, the number of valid answers ``N`` and a percentage with a
95% Wilson interval per category; with ``N`` known, a percentage reveals its
count. Protection is therefore applied to the **counts**, before anything is
turned into percentages, and takes the margin ``N`` into account.

Rules (:func:`protect_counts`), row by row, with threshold ``t = 5``:

1. **Small row.** If ``1 <= N < t``, the whole row is hidden, ``N`` included.
2. **Primary suppression.** Every cell with ``1 <= count < t`` is hidden.
   Zeros are shown: a zero reveals nobody.
3. **Secondary suppression.** While a row has hidden cells and either fewer
   than two hidden cells or hidden cells that together hold fewer than ``t``
   respondents, the smallest shown non-zero cell is hidden too (ties: the
   first in column order). Because ``N`` is shown, the hidden cells' total is
   known (``N`` minus the shown cells); with at least two hidden cells that
   together hold ``t`` or more respondents, every hidden cell can still be
   anything from 0 to that total, so none is pinned to a value of 1-4, and
   the hidden total itself is not a small count.

Collapsing comes first (:func:`collapse_categories`): the feedback pages
merge the five answer categories into three (disagree / neutral / agree),
which keeps most cells above the threshold and so keeps suppression rare.

Functions are pure (a DataFrame in, a new DataFrame out). The check a reader
could try, recovering hidden counts from ``N`` and the rounded percentages,
is :func:`feasible_counts`; the tests run it on every generated page.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.analysis.counts import round_half_up_percent
from helpers.analysis.uncertainty import wilson_interval

__all__ = [
    "LONG_COLUMNS",
    "THRESHOLD",
    "collapse_categories",
    "feasible_counts",
    "is_small",
    "pinned_cells",
    "primary_suppression",
    "protect_counts",
    "protected_long_table",
]

#: Smallest count that may be shown (counts 1 to THRESHOLD - 1 are hidden).
THRESHOLD = 5
#: Columns of :func:`protected_long_table`.
LONG_COLUMNS = ["N", "%", "Van", "Tot"]


def is_small(count, threshold=THRESHOLD):
    """Tell whether a count is a small cell (1 up to ``threshold - 1``).

    Parameters
    ----------
    count : int or array-like of int
    threshold : int, default 5

    Returns
    -------
    bool or numpy.ndarray of bool

    Examples
    --------
    >>> is_small(3), is_small(0), is_small(5)
    (True, False, False)
    """
    c = np.asarray(count)
    result = (c >= 1) & (c < threshold)
    return bool(result) if result.ndim == 0 else result


def _check_counts(counts, n_column, cells):
    if n_column not in counts.columns:
        raise KeyError(f"counts need a column {n_column!r} with the row totals")
    if not cells:
        raise ValueError("counts need at least one cell column besides N")
    values = counts[[n_column, *cells]]
    if values.isna().any().any():
        raise ValueError("counts must not hold missing values")
    array = values.to_numpy()
    if not np.all(array == np.floor(array)) or np.any(array < 0):
        raise ValueError("counts must be non-negative whole numbers")
    total = counts[cells].sum(axis=1).to_numpy()
    if not np.array_equal(total, counts[n_column].to_numpy()):
        bad = counts.index[total != counts[n_column].to_numpy()][0]
        raise ValueError(f"row {bad!r}: the cells do not add up to {n_column}")


def collapse_categories(counts, groups, n_column="N"):
    """Merge answer categories into broader ones by adding their counts.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts, one row per item; a column ``n_column`` plus one column per
        category.
    groups : mapping of str to sequence of str
        New category -> the columns it adds up, in the order wanted. Every
        category column must belong to exactly one group.
    n_column : str, default "N"

    Returns
    -------
    pandas.DataFrame
        int64 counts with ``n_column`` followed by the new categories.

    Raises
    ------
    ValueError
        If a category column is left out or used twice.

    Examples
    --------
    >>> counts = pd.DataFrame({"N": [10], "a": [1], "b": [2], "c": [7]})
    >>> collapse_categories(counts, {"ab": ["a", "b"], "c": ["c"]}).iloc[0].tolist()
    [10, 3, 7]
    """
    cells = [c for c in counts.columns if c != n_column]
    used = [c for members in groups.values() for c in members]
    if sorted(used) != sorted(cells) or len(set(used)) != len(used):
        raise ValueError(
            f"groups must use every category exactly once: categories {cells}, used {used}"
        )
    out = pd.DataFrame({n_column: counts[n_column]}, index=counts.index)
    for name, members in groups.items():
        out[name] = counts[list(members)].sum(axis=1)
    return out.astype(np.int64)


def primary_suppression(counts, n_column="N", threshold=THRESHOLD):
    """Mark the cells that are small by themselves.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts with a column ``n_column`` (row total) and the cells.
    n_column : str, default "N"
    threshold : int, default 5

    Returns
    -------
    pandas.DataFrame
        Booleans of the same shape as ``counts``: True where the count lies
        in 1 up to ``threshold - 1`` (the total column included).

    Examples
    --------
    >>> counts = pd.DataFrame({"N": [20], "a": [3], "b": [17]})
    >>> primary_suppression(counts).iloc[0].tolist()
    [False, True, False]
    """
    return pd.DataFrame(
        is_small(counts.to_numpy(), threshold), index=counts.index, columns=counts.columns
    )


def _protect_row(n, values, threshold):
    """Hidden flags for one row: ``(hide_n, [hide_cell, ...])``."""
    k = len(values)
    if 1 <= n < threshold:
        return True, [True] * k
    hidden = [bool(1 <= v < threshold) for v in values]
    while any(hidden):
        hidden_total = sum(v for v, h in zip(values, hidden) if h)
        if sum(hidden) >= 2 and hidden_total >= threshold:
            break
        candidates = [(v, i) for i, (v, h) in enumerate(zip(values, hidden)) if not h and v > 0]
        if not candidates:
            # Only zeros are left to hide; hiding them adds no uncertainty
            # (the rule N >= threshold then already guarantees the total).
            candidates = [(v, i) for i, (v, h) in enumerate(zip(values, hidden)) if not h]
            if not candidates:
                break
        _, index = min(candidates)
        hidden[index] = True
    return False, hidden


def protect_counts(counts, n_column="N", threshold=THRESHOLD):
    """Decide which counts to hide: small rows, primary and secondary cells.

    See the module docstring for the rules.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts, one row per item; column ``n_column`` holds the valid N and
        must equal the sum of the other (cell) columns.
    n_column : str, default "N"
    threshold : int, default 5

    Returns
    -------
    pandas.DataFrame
        Booleans of the same shape as ``counts``: True = hide. ``n_column``
        is True only for rows with ``1 <= N < threshold``.

    Raises
    ------
    ValueError
        If counts are missing, negative, not whole, or do not add up to N.

    Examples
    --------
    >>> counts = pd.DataFrame({"N": [40], "Oneens": [3], "Neutraal": [9], "Eens": [28]})
    >>> protect_counts(counts).iloc[0].tolist()
    [False, True, True, False]
    """
    cells = [c for c in counts.columns if c != n_column]
    _check_counts(counts, n_column, cells)
    rows = []
    for _, row in counts.iterrows():
        hide_n, hide_cells = _protect_row(
            int(row[n_column]), [int(row[c]) for c in cells], threshold
        )
        rows.append({n_column: hide_n, **dict(zip(cells, hide_cells))})
    mask = pd.DataFrame(rows, index=counts.index, columns=[n_column, *cells])
    return mask[list(counts.columns)].astype(bool)


def protected_long_table(
    counts, mask, n_column="N", alpha=0.05, level_names=("Stelling", "Antwoord")
):
    """Turn protected counts into the long table a feedback page shows.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts, one row per item, as given to :func:`protect_counts`.
    mask : pandas.DataFrame
        Its result: True = hide.
    n_column : str, default "N"
    alpha : float, default 0.05
        One minus the confidence level of the Wilson intervals.
    level_names : tuple of str, default ("Stelling", "Antwoord")
        Names of the two index levels (item, category).

    Returns
    -------
    pandas.DataFrame
        One row per (item, category), items and categories in input order.
        Columns :data:`LONG_COLUMNS`: ``"N"`` (nullable Int64, NA when the
        row total is hidden), ``"%"`` and the Wilson bounds ``"Van"``
        and ``"Tot"`` as whole percentages rounded half up (floats,
        NaN where the cell is hidden or N is 0), exactly as the page shows
        them. No count appears in the result.

    Examples
    --------
    >>> counts = pd.DataFrame({"N": [40], "Oneens": [3], "Neutraal": [9], "Eens": [28]},
    ...                       index=["Item"])
    >>> long = protected_long_table(counts, protect_counts(counts))
    >>> long["%"].tolist()
    [nan, nan, 70.0]
    """
    if not mask.index.equals(counts.index) or list(mask.columns) != list(counts.columns):
        raise ValueError("mask must have the index and columns of counts")
    cells = [c for c in counts.columns if c != n_column]
    records, index = [], []
    for item, row in counts.iterrows():
        n = int(row[n_column])
        hide_n = bool(mask.loc[item, n_column])
        for cell in cells:
            count = int(row[cell])
            if hide_n or bool(mask.loc[item, cell]) or n == 0:
                pct = low = high = np.nan
            else:
                low, high = wilson_interval(count, n, alpha=alpha)
                pct = float(round_half_up_percent(count, n))
                low, high = _whole_percent(low), _whole_percent(high)
            records.append((pd.NA if hide_n else n, pct, low, high))
            index.append((str(item), str(cell)))
    long = pd.DataFrame(
        records,
        columns=LONG_COLUMNS,
        index=pd.MultiIndex.from_tuples(index, names=list(level_names)),
    )
    long["N"] = pd.array(long["N"].tolist(), dtype="Int64")
    return long.astype({"%": float, "Van": float, "Tot": float})


def _whole_percent(fraction):
    """A fraction (0-1) as a whole percentage, rounded half up."""
    return float(math.floor(100.0 * float(fraction) + 0.5))


# ---------------------------------------------------------------------------
# What a reader could recover
# ---------------------------------------------------------------------------


def _implied(n, percent, low=None, high=None):
    """Counts ``k`` in 0..n whose rounded figures equal the shown ones."""
    ks = np.arange(n + 1)
    keep = round_half_up_percent(ks, np.full_like(ks, n)) == int(percent)
    if low is not None or high is not None:
        lo, hi = wilson_interval(ks, np.full_like(ks, n))
        lo_pct = np.array([_whole_percent(v) for v in np.atleast_1d(lo)])
        hi_pct = np.array([_whole_percent(v) for v in np.atleast_1d(hi)])
        if low is not None:
            keep &= lo_pct == int(low)
        if high is not None:
            keep &= hi_pct == int(high)
    return set(int(k) for k in ks[keep])


def feasible_counts(n, shown, intervals=None):
    """Find every count a reader could infer per cell from N and the figures.

    The reader knows ``N`` and, for each shown cell, a whole percentage
    (rounded half up) and optionally its rounded Wilson bounds; hidden cells
    are only known to be non-negative, and all cells add up to ``N``.

    Parameters
    ----------
    n : int
        The shown row total.
    shown : sequence of int or None
        Per cell the shown whole percentage, or None when hidden.
    intervals : sequence of (int, int) or None, optional
        Per cell the shown whole-percent Wilson bounds (None when hidden).

    Returns
    -------
    list of set of int
        Per cell the counts consistent with everything shown. An empty set
        somewhere means the figures are inconsistent.

    Examples
    --------
    >>> feasible_counts(40, [None, None, 70])[0] == set(range(13))
    True
    >>> feasible_counts(40, [None, 23, 70])[0]
    {3}
    """
    n = int(n)
    k = len(shown)
    intervals = list(intervals) if intervals is not None else [None] * k
    if len(intervals) != k:
        raise ValueError("shown and intervals need one entry per cell")
    options = []
    for pct, bounds in zip(shown, intervals):
        if pct is None:
            options.append(None)
        elif bounds is None:
            options.append(_implied(n, pct))
        else:
            options.append(_implied(n, pct, *bounds))
    shown_idx = [i for i in range(k) if options[i] is not None]
    hidden_idx = [i for i in range(k) if options[i] is None]
    # Possible totals of the shown cells (a small set: counts are few).
    totals = {0: [()]}
    for i in shown_idx:
        new = {}
        for total, combos in totals.items():
            for value in options[i]:
                if total + value <= n:
                    new.setdefault(total + value, []).extend(c + (value,) for c in combos)
        totals = new
    result = [set() for _ in range(k)]
    for total, combos in totals.items():
        rest = n - total
        if not hidden_idx and rest != 0:
            continue
        if len(hidden_idx) == 1 and rest >= 0:
            result[hidden_idx[0]].add(rest)
        elif len(hidden_idx) >= 2:
            for i in hidden_idx:
                result[i].update(range(rest + 1))
        for combo in combos:
            for i, value in zip(shown_idx, combo):
                result[i].add(value)
    return result


def pinned_cells(n, shown, intervals=None, threshold=THRESHOLD):
    """List the cells a reader can pin to a small count (1 to threshold - 1).

    Parameters
    ----------
    n : int
    shown : sequence of int or None
        Per cell the shown whole percentage, None when hidden.
    intervals : sequence of (int, int) or None, optional
    threshold : int, default 5

    Returns
    -------
    list of int
        Positions of cells whose every consistent count lies in
        ``1..threshold - 1`` (empty when nothing small can be recovered).

    Examples
    --------
    >>> pinned_cells(40, [None, 23, 70])
    [0]
    >>> pinned_cells(40, [None, None, 70])
    []
    """
    feasible = feasible_counts(n, shown, intervals)
    return [
        i for i, values in enumerate(feasible) if values and all(1 <= v < threshold for v in values)
    ]
