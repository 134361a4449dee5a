"""Counts, percentages and Likert tables on the valid answers of each item.

Every builder is a pure function: a DataFrame goes in, a DataFrame comes out;
nothing is printed and nothing is cached between calls. Column names and
category labels are the report's Dutch ones, taken from the codebook
(:mod:`helpers.data.codebook`).

Conventions shared by all survey tables:

* Tables are built on the **valid** answers of each item: the codes listed
  in the item's value labels. The user-missing codes 96-99 and NaN are left
  out of the denominator; any other value is an error.
* Percentages are whole numbers rounded half up on exact integers,
  ``floor((200 * count + n) / (2 * n))`` (:func:`round_half_up_percent`),
  never with Python's :func:`round` (banker's rounding) or float arithmetic.
* The report's sum columns ("Som eens", "Som wel", "Som verzorgd", ...) are
  computed from the summed **counts** and then rounded, which is why a
  printed sum can differ from the sum of its printed parts.
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Integral

import numpy as np
import pandas as pd

from helpers.data import codebook

#: User-missing codes of every categorical item (see ``codebook.yaml``).
MISSING_CODES = (
    codebook.NOT_APPLICABLE,
    codebook.NOT_ASKED,
    codebook.DONT_KNOW,
    codebook.NO_ANSWER,
)

#: Sums of categories the report prints, per value set: label -> codes.
CATEGORY_SUMS = {
    "likert": {"Som oneens": (1, 2), "Som eens": (4, 5)},
    "willingness": {"Som niet": (1, 2), "Som wel": (4, 5)},
    "appearance": {"Som onverzorgd": (1, 2), "Som verzorgd": (3, 4)},
}

#: The "agree" side of each scale; ``likert_table(sort_by="Som eens")``
#: sorts willingness items by this sum.
POSITIVE_SUM = {"likert": "Som eens", "willingness": "Som wel"}

#: Value sets whose sums the report prints between the categories, right
#: after their last member (Tabel 3); other sums follow all categories
#: (Tabel 7).
SUMS_INLINE = frozenset({"appearance"})

#: Label of a total row (frequency tables, Tabel 1).
SUBTOTAL_LABEL = "Totaal"


# ---------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------


def _as_exact_int(value, what):
    """Return ``value`` as a Python int, refusing non-integral numbers."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be a whole number, got {value!r}")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    raise TypeError(f"{what} must be a whole number, got {value!r}")


def _as_int_array(values, what):
    array = np.asarray(values)
    if array.dtype.kind == "b":
        raise TypeError(f"{what} must be whole numbers, got booleans")
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    as_float = array.astype(float)
    if not np.all(np.isfinite(as_float)) or not np.all(as_float == np.floor(as_float)):
        raise TypeError(f"{what} must be whole numbers")
    return as_float.astype(np.int64)


def round_half_up_percent(count, n):
    """Compute whole percentages rounded half up, exactly, on integers.

    The percentage ``100 * count / n`` is rounded half up as
    ``floor((200 * count + n) / (2 * n))``. Working on integers avoids both
    banker's rounding (Python's :func:`round` gives ``round(12.5) == 12``)
    and binary floating-point surprises.

    Parameters
    ----------
    count : int or array-like of int
        Number of answers in the category (``0 <= count <= n``).
    n : int or array-like of int
        Number of valid answers; broadcast against ``count``.

    Returns
    -------
    int or numpy.ndarray or pandas.Series or pandas.DataFrame
        A Python ``int`` for scalar input; otherwise an int64 array, or a
        pandas object with the index (and columns) of ``count``.

    Raises
    ------
    TypeError
        If a count or n is not a whole number.
    ValueError
        If ``n <= 0`` or a count lies outside ``0..n``.

    Examples
    --------
    >>> round_half_up_percent(1, 8)    # 12.5 %
    13
    >>> round_half_up_percent(1, 40)   # 2.5 %
    3
    >>> round_half_up_percent([1, 3], [8, 8]).tolist()
    [13, 38]
    """
    if np.ndim(count) == 0 and np.ndim(n) == 0:
        c = _as_exact_int(count, "count")
        m = _as_exact_int(n, "n")
        if m <= 0:
            raise ValueError(f"n must be positive, got {m}")
        if not 0 <= c <= m:
            raise ValueError(f"count must lie in 0..n, got count={c}, n={m}")
        return (200 * c + m) // (2 * m)
    c = _as_int_array(count, "count")
    m = _as_int_array(n, "n")
    c, m = np.broadcast_arrays(c, m)
    if np.any(m <= 0):
        raise ValueError("n must be positive")
    if np.any((c < 0) | (c > m)):
        raise ValueError("every count must lie in 0..n")
    result = (200 * c + m) // (2 * m)
    if isinstance(count, pd.DataFrame):
        return pd.DataFrame(result, index=count.index, columns=count.columns)
    if isinstance(count, pd.Series):
        return pd.Series(result, index=count.index, name=count.name)
    return result


def round_half_up(value):
    """Round a non-negative number half up to a whole number, exactly.

    Floats are converted to the exact fraction they represent, so no
    rounding error can push a value across the ``.5`` boundary.

    Parameters
    ----------
    value : int, float or fractions.Fraction

    Returns
    -------
    int

    Examples
    --------
    >>> round_half_up(47.5)
    48
    >>> from fractions import Fraction
    >>> round_half_up(Fraction(95, 2))
    48
    """
    return math.floor(Fraction(value) + Fraction(1, 2))


def _percent_column(counts, n, rounded):
    """Percentages of ``counts`` (1-D) out of ``n`` (scalar or 1-D).

    Rounded percentages are nullable ``Int64`` (NA where ``n == 0``);
    unrounded ones are floats (NaN where ``n == 0``).
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), counts.shape)
    defined = n > 0
    safe_n = np.where(defined, n, 1)
    if rounded:
        values = (200 * counts + safe_n) // (2 * safe_n)
        return pd.arrays.IntegerArray(values.astype(np.int64), ~defined)
    return np.where(defined, 100.0 * counts / safe_n, np.nan)


# ---------------------------------------------------------------------------
# Valid answers and counts
# ---------------------------------------------------------------------------


def valid_answers(df, variable):
    """Return the valid answers (codes) of one categorical item.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes, one row per respondent.
    variable : str
        Harmonised variable name (a categorical variable of the codebook).

    Returns
    -------
    pandas.Series
        The int64 codes listed in the item's value labels; the user-missing
        codes 96-99 and NaN are left out.

    Raises
    ------
    ValueError
        If the column holds a value that is neither a valid code nor a
        user-missing code.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gender": [1, 2, 99, None, 2]})
    >>> valid_answers(df, "gender").tolist()
    [1, 2, 2]
    """
    labels = codebook.value_labels(variable)
    if not labels:
        raise ValueError(f"{variable!r} is not a categorical variable")
    values = pd.to_numeric(df[variable], errors="raise").dropna()
    is_valid = values.isin(list(labels))
    is_missing = values.isin(MISSING_CODES)
    unexpected = values[~is_valid & ~is_missing]
    if len(unexpected):
        raise ValueError(
            f"variable {variable!r}: value {unexpected.iloc[0]!r} is neither a valid "
            f"code {sorted(labels)} nor a user-missing code {list(MISSING_CODES)}"
        )
    return values[is_valid].astype(np.int64)


def category_counts(df, variable):
    """Count the valid answers of an item per category code.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        Harmonised variable name.

    Returns
    -------
    pandas.Series
        int64 counts indexed by code, every code of the value labels in code
        order (zero counts included); the sum is the valid N.

    Examples
    --------
    >>> import pandas as pd
    >>> category_counts(pd.DataFrame({"gender": [2, 2, 98]}), "gender").to_dict()
    {1: 0, 2: 2}
    """
    codes = list(codebook.value_labels(variable))
    counts = valid_answers(df, variable).value_counts().reindex(codes, fill_value=0)
    counts.index.name = variable
    counts.name = "n"
    return counts.astype(np.int64)


def _long_rows(variable, sums):
    """Rows of a long (category-per-row) table: ``[(label, codes), ...]``.

    ``sums`` is the subset of the value set's sums to include, in declared
    order.
    """
    labels = codebook.value_labels(variable)
    value_set = codebook.value_set_name(variable)
    rows = []
    if value_set in SUMS_INLINE:
        for code, label in labels.items():
            rows.append((label, (code,)))
            for sum_label, members in sums.items():
                if code == max(members):
                    rows.append((sum_label, tuple(members)))
    else:
        rows = [(label, (code,)) for code, label in labels.items()]
        rows += [(sum_label, tuple(members)) for sum_label, members in sums.items()]
    return rows


def long_percentages(df, variable, sums, rounded):
    """Counts and percentages of one item in the report's long layout."""
    counts = category_counts(df, variable)
    n = int(counts.sum())
    rows = _long_rows(variable, sums)
    row_counts = np.array([int(counts.loc[list(codes)].sum()) for _, codes in rows], dtype=np.int64)
    labels = [label for label, _ in rows]
    return labels, row_counts, n, _percent_column(row_counts, n, rounded)


# ---------------------------------------------------------------------------
# Frequency and Likert tables
# ---------------------------------------------------------------------------


def frequency_table(df, variable, rounded=True, total=True):
    """Tabulate one categorical item: count and percentage per category.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        Harmonised variable name.
    rounded : bool, default True
        Whole percentages rounded half up (nullable ``Int64``); with False,
        float percentages (for figures).
    total : bool, default True
        Append a row "Totaal" with the valid N and 100 %.

    Returns
    -------
    pandas.DataFrame
        Index: the category labels of the codebook in code order (zero-count
        categories included), named after the variable label; columns
        ``"n"`` and ``"%"``. The valid N is ``table.loc["Totaal", "n"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gender": [1, 2, 2, 2, 1, 2, 2, 2, 99]})
    >>> frequency_table(df, "gender")  # doctest: +NORMALIZE_WHITESPACE
              n    %
    Geslacht
    Man       2   25
    Vrouw     6   75
    Totaal    8  100
    """
    labels = codebook.value_labels(variable)
    counts = category_counts(df, variable)
    n = int(counts.sum())
    table = pd.DataFrame(
        {"n": counts.to_numpy(), "%": _percent_column(counts.to_numpy(), n, rounded)},
        index=pd.Index(list(labels.values()), name=codebook.variable_label(variable)),
    )
    if total:
        total_pct = _percent_column([n], n, rounded)
        total_row = pd.DataFrame({"n": [n], "%": total_pct}, index=pd.Index([SUBTOTAL_LABEL]))
        table = pd.concat([table, total_row])
        table.index.name = codebook.variable_label(variable)
    return table


def _common_value_set(variables):
    value_sets = {codebook.value_set_name(v) for v in variables}
    if len(value_sets) != 1:
        raise ValueError(
            f"items {list(variables)} do not share one value set: {sorted(value_sets)}"
        )
    (value_set,) = value_sets
    if value_set not in POSITIVE_SUM:
        raise ValueError(
            f"value set {value_set!r} is not a five-point scale "
            f"(expected one of {sorted(POSITIVE_SUM)})"
        )
    return value_set


def likert_counts(df, variables, index_name="Stelling"):
    """Count the answers of a battery of five-point items, one row per item.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variables : list of str
        Items sharing the value set ``likert`` or ``willingness``.
    index_name : str, default "Stelling"
        Name of the index (the items' variable labels).

    Returns
    -------
    pandas.DataFrame
        int64 counts in codebook order of the items. Columns: ``"N"`` (valid
        answers), the five category labels, and the two sums ("Som oneens",
        "Som eens" for Likert items; "Som niet", "Som wel" for willingness
        items).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"init_policy": [1, 2, 4, 5, 5, 98]})
    >>> likert_counts(df, ["init_policy"]).loc["Beleidsbeïnvloeding"].to_dict()
    {'N': 5, 'Zeker niet': 1, 'Waarschijnlijk niet': 1, 'Misschien': 0, 'Waarschijnlijk wel': 1, 'Zeker wel': 2, 'Som niet': 2, 'Som wel': 3}
    """
    variables = list(variables)
    value_set = _common_value_set(variables)
    sums = CATEGORY_SUMS[value_set]
    labels = codebook.value_labels(variables[0])
    columns = ["N", *labels.values(), *sums]
    rows = []
    for variable in variables:
        counts = category_counts(df, variable)
        row = [int(counts.sum()), *(int(counts[c]) for c in labels)]
        row += [int(counts.loc[list(codes)].sum()) for codes in sums.values()]
        rows.append(row)
    index = pd.Index([codebook.variable_label(v) for v in variables], name=index_name)
    return pd.DataFrame(rows, index=index, columns=columns, dtype=np.int64)


def likert_table(df, variables, sort_by="Som eens", rounded=True, index_name="Stelling"):
    """Build the report's table of a battery of five-point items (Tabel 4, 5, 8).

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variables : list of str
        Items sharing the value set ``likert`` or ``willingness``.
    sort_by : str or None, default "Som eens"
        Column to sort on, descending, as the report does; ties keep the
        codebook order. The order always follows the rounded percentages (the
        printed values), also with ``rounded=False``, so figures and tables
        agree. ``"Som eens"`` means the positive sum of the scale: for
        willingness items it sorts on "Som wel". ``None`` keeps the codebook
        order.
    rounded : bool, default True
        Whole percentages rounded half up (nullable ``Int64``); with False,
        float percentages (for figures).
    index_name : str, default "Stelling"
        Name of the index (the items' variable labels).

    Returns
    -------
    pandas.DataFrame
        One row per item, indexed by its variable label. Columns: ``"N"``
        (valid answers), the five category labels and the two sums, all but
        N in percent of N. The sums are computed from the summed counts and
        then rounded, so they may differ from the sum of the rounded parts.

    Raises
    ------
    KeyError
        If ``sort_by`` is not a column of the table.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"role_fun": [1, 2, 3, 4, 4, 5, 5, 5],
    ...                    "role_duty": [1, 1, 1, 2, 3, 4, 5, 99]})
    >>> table = likert_table(df, ["role_duty", "role_fun"])
    >>> table[["N", "Som oneens", "Som eens"]]  # doctest: +NORMALIZE_WHITESPACE
                                                        N  Som oneens  Som eens
    Stelling
    Het is leuk om mij in te zetten voor de veiligh...  8          25        63
    Ik vind het mijn plicht om te helpen mijn buurt...  7          57        29
    """
    variables = list(variables)
    value_set = _common_value_set(variables)
    counts = likert_counts(df, variables, index_name=index_name)
    n = counts["N"].to_numpy()
    table = pd.DataFrame({"N": counts["N"]}, index=counts.index)
    for column in counts.columns[1:]:
        table[column] = _percent_column(counts[column].to_numpy(), n, rounded)
    if sort_by is None:
        return table
    key = POSITIVE_SUM[value_set] if sort_by == "Som eens" else sort_by
    if key not in table.columns:
        raise KeyError(f"cannot sort on {sort_by!r}: not a column of the table")
    if key == "N":
        order_values = n.astype(float)
    else:
        printed = _percent_column(counts[key].to_numpy(), n, True)
        order_values = printed.to_numpy(dtype=float, na_value=-np.inf)
    order = np.argsort(-order_values, kind="stable")
    return table.iloc[order]


def rounding_differences(tables):
    """Find the printed sums that differ from the sum of their printed parts.

    A sum column ("Som eens", "Som oneens", ...) is rounded from the summed
    counts, its parts each from their own count; so a printed sum can be a
    point off the sum of the two printed parts. This lists where.

    Parameters
    ----------
    tables : dict
        ``{table name: table}`` of rounded Likert tables as returned by
        :func:`likert_table` (columns N, the five categories, the negative
        and the positive sum), in the order to search.

    Returns
    -------
    pandas.DataFrame
        One row per differing sum, in table and row order: ``Tabel``,
        ``Stelling`` (row label), ``Som`` (the sum column) and ``Delen``
        (a tuple of the two part columns).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame([[3, 13, 13, 48, 13, 13, 25, 27]], index=["x"],
    ...     columns=["N", "A", "B", "C", "D", "E", "Som oneens", "Som eens"])
    >>> rounding_differences({"T": t})[["Stelling", "Som"]].values.tolist()
    [['x', 'Som oneens'], ['x', 'Som eens']]
    """
    rows = []
    for name, table in tables.items():
        categories = list(table.columns[1:6])
        negative, positive = table.columns[6], table.columns[7]
        for label, row in table.iterrows():
            for sum_column, parts in (
                (negative, categories[0:2]),
                (positive, categories[3:5]),
            ):
                if int(row[parts].sum()) != int(row[sum_column]):
                    rows.append((name, label, sum_column, tuple(parts)))
    return pd.DataFrame(rows, columns=["Tabel", "Stelling", "Som", "Delen"])
