"""Flemish notation for numbers and percentages, shared by every stage.

Numbers are written the Flemish way: a decimal comma, a point between
thousands (``1.219``) and percentages as ``85%`` or ``42,5%``. The module
depends on nothing else in :mod:`helpers`, so the analysis functions that
write Dutch sentences, the table renderer and the glue helpers of the book
all format numbers with the same two functions. Lists in a sentence are
joined the Dutch way with :func:`join_dutch`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from numbers import Number

import pandas as pd

__all__ = ["MISSING_MARK", "format_number", "format_percent", "join_dutch"]

#: Shown for missing values.
MISSING_MARK = "–"


def format_number(value: object, decimals: int = 0) -> str:
    """Format a number with a decimal comma and a point between thousands.

    Parameters
    ----------
    value : object
        A number; missing values (None, NaN, pd.NA) give ``MISSING_MARK``.
    decimals : int, default 0
        Number of decimals.

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> format_number(1219)
    '1.219'
    >>> format_number(48.25, decimals=1)
    '48,3'
    """
    if value is None or value is pd.NA:
        return MISSING_MARK
    if not isinstance(value, Number) or isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return MISSING_MARK
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_percent(value: object, decimals: int = 0, unit: str = "percent") -> str:
    """Format a share as a Flemish percentage, e.g. ``85%`` or ``42,5%``.

    Parameters
    ----------
    value : object
        The share; missing values give ``MISSING_MARK``.
    decimals : int, default 0
        Number of decimals.
    unit : {"percent", "fraction"}, default "percent"
        Whether ``value`` is already a percentage (85) or a fraction (0.85).

    Returns
    -------
    str
        The formatted percentage.

    Examples
    --------
    >>> format_percent(0.425, decimals=1, unit="fraction")
    '42,5%'
    """
    if unit not in {"percent", "fraction"}:
        raise ValueError(f"unit must be 'percent' or 'fraction', not {unit!r}")
    text = format_number(value, decimals)
    if text == MISSING_MARK or not isinstance(value, Number):
        return text
    if unit == "fraction":
        text = format_number(float(value) * 100, decimals)
    return f"{text}%"


def join_dutch(words) -> str:
    """Join words the Dutch way: ``"a, b en c"``.

    Parameters
    ----------
    words : iterable of str

    Returns
    -------
    str
        ``""`` for no words, the word itself for one.

    Examples
    --------
    >>> join_dutch(["online", "deur aan deur", "op straat"])
    'online, deur aan deur en op straat'
    """
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]
