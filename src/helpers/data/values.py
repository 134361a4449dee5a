"""Source values as the mappings see them: normalised, shown, taken per distinct value.

pyreadstat returns every SPSS number as float64 and text as ``str``; a mapping
written in YAML has keys ``1`` or ``"1"``. :func:`normalise_value` brings all of
them to one form so that they compare equal, :func:`display_value` turns a
value back into what a person would recognise in an error message, and
:class:`DistinctValues` lets the harmonisation check and translate a column
once per distinct value instead of once per row.
"""

from __future__ import annotations

import numbers
import re

import numpy as np
import pandas as pd

#: Text that holds a whole number (``"7"``, ``" -3 "``).
INT_TEXT = re.compile(r"^[+-]?\d+$")


def is_missing(value):
    """True for None, NaN, NaT and empty or blank text.

    Parameters
    ----------
    value : object
        A source value.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_missing(float("nan")), is_missing("  "), is_missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def normalise_value(value):
    """Normalise a source value or a mapping key for comparison.

    Integral floats become ``int`` (pyreadstat returns every number as
    float64), text is stripped and integer-looking text becomes ``int`` (so
    that YAML keys ``1`` and ``"1"`` and SPSS values ``1.0`` and ``"1"`` all
    match). Missing values become ``None``.

    Parameters
    ----------
    value : object
        A source value or mapping key.

    Returns
    -------
    int, float, str, None or the value itself

    Examples
    --------
    >>> normalise_value(1.0), normalise_value(" 2 "), normalise_value("M"), normalise_value("")
    (1, 2, 'M', None)
    """
    kind = type(value)
    if kind is float:  # the common case first (exactly as below, only faster)
        if value != value:  # NaN
            return None
        return int(value) if value.is_integer() else value
    if kind is int:
        return value
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        text = value.strip()
        return int(text) if INT_TEXT.match(text) else text
    return value


def display_value(value):
    """A source value as it should appear in an error message (``7``, not ``7.0``).

    Parameters
    ----------
    value : object

    Returns
    -------
    object
        Integral floats as ``int``, numpy scalars as Python scalars.
    """
    if isinstance(value, (np.floating, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def first_true(mask):
    """Position of the first True of a boolean array.

    Parameters
    ----------
    mask : numpy.ndarray of bool

    Returns
    -------
    int
    """
    return int(np.argmax(mask))


class DistinctValues:
    """A source column seen through its distinct values.

    Every distinct value is normalised (:func:`normalise_value`) once instead
    of once per row, and checks and translations are made per distinct value
    and then spread over the rows with ``codes``. Distinct values are in order
    of first appearance, so "the first distinct value that fails" is the value
    of the first row that fails. Missing values (NaN, None, NaT) share one
    extra slot at the end (value ``None``).

    Parameters
    ----------
    col : pandas.Series
        A source column.
    """

    def __init__(self, col):
        self.col = col
        if isinstance(col.dtype, np.dtype) and col.dtype.kind == "f":
            # Numbers, as pyreadstat returns every numeric variable: their
            # normalised form is int when integral, else the float itself.
            codes, uniques = pd.factorize(col.to_numpy(), use_na_sentinel=True)
            values = uniques.tolist()
            norms = [int(v) if v.is_integer() else v for v in values]
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            values = list(uniques)
            norms = [normalise_value(v) for v in values]
        n = len(values)
        #: Position of each row's distinct value in :attr:`values`.
        self.codes = np.where(codes < 0, n, codes).astype(np.intp, copy=False)
        #: Distinct values, then ``None`` for the missing values.
        self.values = values + [None]
        #: :func:`normalise_value` of each distinct value.
        self.norms = norms + [None]

    def spread(self, per_value, dtype=None):
        """Per-row array from one entry per distinct value (:attr:`values`)."""
        return np.asarray(per_value, dtype=dtype)[self.codes]

    def rows(self, predicate):
        """Boolean row mask: ``predicate(norm)`` of each row's distinct value."""
        return self.spread([bool(predicate(n)) for n in self.norms], dtype=bool)

    def rows_equal(self, norm):
        """Rows whose normalised value equals ``norm``."""
        return self.rows(lambda n: n == norm)

    def value_at(self, position):
        """The row's value as iterating the column gives it (a Python scalar)."""
        return self.col.iloc[position : position + 1].tolist()[0]
