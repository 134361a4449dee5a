"""The qualitative strand as data: coding frame, quotes and theme counts.

``data/interviews/coding_frame.csv`` lists the themes used to read the
interviews with local safety partners (code, Dutch label, description).
``data/interviews/quotes.csv`` holds the interview quotes printed in the
report, verbatim, each attributed to the speaker's function only and coded
with one or more themes (codes separated by ``;``).

All functions are pure: they read files or take DataFrames and return new
DataFrames or strings, without printing or global state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers.data.config import INTERVIEWS_DIR

__all__ = [
    "CODING_FRAME_FILE",
    "FUNCTION_ORDER",
    "QUOTES_FILE",
    "format_quote",
    "load_coding_frame",
    "load_quotes",
    "quotes_to_markdown",
    "themes_by_function",
]

CODING_FRAME_FILE = INTERVIEWS_DIR / "coding_frame.csv"
QUOTES_FILE = INTERVIEWS_DIR / "quotes.csv"

#: Display order of the speakers' functions: municipality, police, fire and
#: rescue zone (the order of the organisations in the report's Tabel 1).
FUNCTION_ORDER: tuple[str, ...] = (
    "Burgemeester",
    "Schepen",
    "Preventiedienst",
    "Korpschef",
    "Politiecommissaris",
    "HVZ",
)

_FRAME_COLUMNS = ("code", "theme", "description")
_QUOTE_COLUMNS = ("quote_id", "text", "function", "organisation", "themes", "source")
THEME_SEPARATOR = ";"


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")


def load_coding_frame(path: str | Path | None = None) -> pd.DataFrame:
    """Read the coding frame of the interviews.

    Parameters
    ----------
    path : str or Path, optional
        CSV file; defaults to ``data/interviews/coding_frame.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``theme`` and ``description``, in the order of the
        file (the order in which the book discusses the themes).

    Raises
    ------
    ValueError
        When a column is missing, a cell is empty or a code is duplicated.
    """
    path = Path(path) if path is not None else CODING_FRAME_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _require_columns(frame, _FRAME_COLUMNS, str(path))
    frame = frame.loc[:, list(_FRAME_COLUMNS)].apply(lambda s: s.str.strip())
    empty = frame[(frame == "").any(axis=1)]
    if not empty.empty:
        raise ValueError(f"{path}: empty cells in rows {empty.index.tolist()}")
    duplicated = frame.loc[frame["code"].duplicated(), "code"].tolist()
    if duplicated:
        raise ValueError(f"{path}: duplicated theme codes {duplicated}")
    return frame.reset_index(drop=True)


def load_quotes(
    path: str | Path | None = None, coding_frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read the interview quotes and split their theme codes.

    Parameters
    ----------
    path : str or Path, optional
        CSV file; defaults to ``data/interviews/quotes.csv``.
    coding_frame : pandas.DataFrame, optional
        When given, every theme code must occur in its ``code`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``quote_id``, ``text``, ``function``, ``organisation``,
        ``themes`` (a tuple of codes) and ``source``.

    Raises
    ------
    ValueError
        On a missing column, an empty text or function, a duplicated id, a
        quote without theme or an unknown theme code.
    """
    path = Path(path) if path is not None else QUOTES_FILE
    quotes = pd.read_csv(path, dtype=str, keep_default_na=False)
    _require_columns(quotes, _QUOTE_COLUMNS, str(path))
    quotes = quotes.loc[:, list(_QUOTE_COLUMNS)].copy()
    for column in ("quote_id", "text", "function"):
        quotes[column] = quotes[column].str.strip()
        if (quotes[column] == "").any():
            raise ValueError(f"{path}: empty {column!r} in some rows")
    if quotes["quote_id"].duplicated().any():
        raise ValueError(f"{path}: duplicated quote_id")
    quotes["themes"] = quotes["themes"].map(
        lambda cell: tuple(code.strip() for code in cell.split(THEME_SEPARATOR) if code.strip())
    )
    no_theme = quotes.loc[quotes["themes"].map(len) == 0, "quote_id"].tolist()
    if no_theme:
        raise ValueError(f"{path}: quotes without theme {no_theme}")
    if coding_frame is not None:
        known = set(coding_frame["code"])
        unknown = sorted({c for codes in quotes["themes"] for c in codes} - known)
        if unknown:
            raise ValueError(f"{path}: theme codes not in the coding frame {unknown}")
    return quotes.reset_index(drop=True)


def _ordered_functions(functions: Sequence[str]) -> list[str]:
    present = list(dict.fromkeys(functions))
    known = [f for f in FUNCTION_ORDER if f in present]
    return known + sorted(f for f in present if f not in FUNCTION_ORDER)


def themes_by_function(
    quotes: pd.DataFrame,
    coding_frame: pd.DataFrame | None = None,
    total: bool = True,
) -> pd.DataFrame:
    """Count quotes per theme and speaker function.

    A quote coded with two themes counts once for each theme, so a column
    can add up to more than the number of quotes.

    Parameters
    ----------
    quotes : pandas.DataFrame
        Output of :func:`load_quotes` (``themes`` holds tuples of codes).
    coding_frame : pandas.DataFrame, optional
        When given, rows follow the coding frame (themes without quotes show
        0) and carry the Dutch theme labels; otherwise rows are the codes in
        order of first use.
    total : bool, default True
        Add a column ``Totaal`` (number of quotes per theme).

    Returns
    -------
    pandas.DataFrame
        Integer counts; index named ``Thema``, columns the functions in
        :data:`FUNCTION_ORDER` (unknown functions after, alphabetically).

    Examples
    --------
    >>> q = pd.DataFrame({"function": ["Korpschef", "HVZ"],
    ...                   "themes": [("a", "b"), ("a",)]})
    >>> themes_by_function(q).loc["a"].tolist()
    [1, 1, 2]
    """
    _require_columns(quotes, ("function", "themes"), "quotes")
    long = quotes.loc[:, ["function", "themes"]].explode("themes")
    if coding_frame is not None:
        codes = coding_frame["code"].tolist()
        labels = dict(zip(coding_frame["code"], coding_frame["theme"], strict=True))
    else:
        codes = list(dict.fromkeys(long["themes"].dropna()))
        labels = {code: code for code in codes}
    functions = _ordered_functions(quotes["function"].tolist())
    counts = (
        pd.crosstab(long["themes"], long["function"])
        .reindex(index=codes, columns=functions, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    if total:
        counts["Totaal"] = counts.sum(axis=1).astype(int)
    counts.index = pd.Index([labels[c] for c in counts.index], name="Thema")
    counts.columns.name = None
    return counts


def format_quote(text: str, function: str) -> str:
    """Format one quote as a Markdown blockquote attributed to a function.

    Parameters
    ----------
    text : str
        The quote, verbatim.
    function : str
        The speaker's function (the only attribution the book gives).

    Returns
    -------
    str
        Markdown: the quote in a blockquote, the function on its last line.

    Examples
    --------
    >>> print(format_quote("Zij zijn onze ogen en oren.", "Korpschef"))
    > Zij zijn onze ogen en oren.
    >
    > — *Korpschef*
    """
    escaped = text.replace("\\", "\\\\")
    for char in ("*", "_", "`", "[", "]", "<", ">"):
        escaped = escaped.replace(char, "\\" + char)
    return f"> {escaped}\n>\n> — *{function}*"


def quotes_to_markdown(quotes: pd.DataFrame, theme: str | None = None) -> str:
    """Format quotes as consecutive Markdown blockquotes.

    Parameters
    ----------
    quotes : pandas.DataFrame
        Output of :func:`load_quotes`.
    theme : str, optional
        Only quotes coded with this theme code.

    Returns
    -------
    str
        Markdown, blockquotes separated by blank lines ("" when none).
    """
    selected = quotes
    if theme is not None:
        selected = quotes[quotes["themes"].map(lambda codes: theme in codes)]
    return "\n\n".join(format_quote(row.text, row.function) for row in selected.itertuples())
