"""Glue numbers into the book's prose, always in Flemish notation.

Every number a chapter writes into its text passes through one of these
functions, so a count reads ``1.219``, a share ``42,5%`` and a difference in
percentage points ``2,8`` on every page. The value is glued as text
(:func:`myst_nb.glue` with ``display=False``); a page shows it with
``{glue:text}`name:s```.

Tables and figures are glued with :func:`myst_nb.glue` itself; they need no
formatting.
"""

from __future__ import annotations

from myst_nb import glue

from helpers.notation import format_number, format_percent

__all__ = ["glue_count", "glue_number", "glue_percent", "glue_points", "glue_text"]


def glue_text(name: str, text: object) -> None:
    """Glue a piece of text (a label, a list of names) under ``name``.

    Parameters
    ----------
    name : str
        Glue key, used on the page as ``{glue:text}`name:s```.
    text : object
        Glued as ``str(text)``.
    """
    glue(name, str(text), display=False)


def glue_count(name: str, value: object) -> None:
    """Glue a count, e.g. ``1.219``.

    Parameters
    ----------
    name : str
        Glue key.
    value : int-like
        A whole number (Python or numpy integer, or a float without
        fraction).

    Raises
    ------
    ValueError
        If ``value`` is not a whole number.
    """
    if float(value) != int(value):
        raise ValueError(f"glue_count({name!r}): {value!r} is not a whole number")
    glue_text(name, format_number(int(value)))


def glue_number(name: str, value: object, decimals: int = 0) -> None:
    """Glue a number with ``decimals`` decimals and a decimal comma, e.g. ``0,78``.

    Parameters
    ----------
    name : str
        Glue key.
    value : number
        The number.
    decimals : int, default 0
        Decimals shown (rounded half up).
    """
    glue_text(name, format_number(value, decimals))


def glue_percent(name: str, value: object, decimals: int = 0) -> None:
    """Glue a percentage (0-100), e.g. ``85%`` or with one decimal ``42,5%``.

    Parameters
    ----------
    name : str
        Glue key.
    value : number
        The percentage, on a 0-100 scale.
    decimals : int, default 0
        Decimals shown (rounded half up).
    """
    glue_text(name, format_percent(value, decimals))


def glue_points(name: str, value: object, decimals: int = 1) -> None:
    """Glue a difference or margin in percentage points, e.g. ``2,8``.

    Parameters
    ----------
    name : str
        Glue key.
    value : number
        Percentage points.
    decimals : int, default 1
        Decimals shown (rounded half up).
    """
    glue_text(name, format_number(value, decimals))
