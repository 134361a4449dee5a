"""Render every table of the book the same way.

One function, :func:`render_table`, turns a DataFrame into a styled,
deterministic HTML table with a caption and a label. In Jupyter the table
shows with its caption; in the built book the extension
:mod:`helpers.book.sphinx_tables` turns the caption into "Tabel N: ..." and makes
the label referenceable with ``{numref}`label```.

Numbers are written the Flemish way: decimal comma, a point between
thousands (``1.219``), percentages as ``85%``.

Every table also carries its data as CSV, embedded in the HTML as
``<script type="text/csv" data-for="label">`` (invisible in Jupyter). In the
built book :mod:`helpers.book.sphinx_tables` writes it to
``_build/html/_tabellen/<label>.csv`` and replaces the element with a
"Download als CSV" link under the table.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from helpers.notation import MISSING_MARK, format_number, format_percent

__all__ = [
    "RenderedTable",
    "table_csv",
    "make_label",
    "render_table",
]

#: ``type`` of the ``<script>`` element that embeds a table's CSV export.
CSV_SCRIPT_TYPE = "text/csv"

#: Styles shared by all tables (scoped to the table id by pandas Styler).
TABLE_STYLES: list[dict[str, str]] = [
    {
        "selector": "",
        "props": "border-collapse: collapse; margin: 0.5em 0 1em 0;"
        " font-size: 0.9em; font-variant-numeric: tabular-nums;",
    },
    {
        "selector": "caption",
        "props": "caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.4em;",
    },
    {
        "selector": "thead th",
        "props": "border-bottom: 2px solid currentColor; padding: 0.3em 0.6em;"
        " text-align: right; vertical-align: bottom;",
    },
    {
        "selector": "thead th.blank, thead th.index_name",
        "props": "text-align: left;",
    },
    {
        "selector": "tbody th",
        "props": "text-align: left; font-weight: normal; padding: 0.3em 0.6em;"
        " min-width: 12em; max-width: 28em;",
    },
    {
        "selector": "td",
        "props": "text-align: right; padding: 0.3em 0.6em; white-space: nowrap;",
    },
    {
        "selector": "tbody tr",
        "props": "border-bottom: 1px solid rgba(128, 128, 128, 0.35);",
    },
]


def make_label(caption: str, prefix: str = "tbl") -> str:
    """Derive a stable label from a caption, e.g. ``tbl-opinies-over-de-rol``.

    Parameters
    ----------
    caption : str
        The table caption.
    prefix : str, default "tbl"
        Prefix of the label.

    Returns
    -------
    str
        Lower-case ASCII label of at most 60 characters.
    """
    ascii_text = unicodedata.normalize("NFKD", caption).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50].strip("-")
    return f"{prefix}-{slug}" if slug else prefix


@dataclass(frozen=True)
class RenderedTable:
    """A rendered table: the data, its caption and label, and its HTML.

    Displaying it in a notebook shows the HTML (with the caption); its
    plain-text form is deterministic, so stored notebook outputs compare
    equal across runs (nbval).
    """

    data: pd.DataFrame = field(repr=False)
    caption: str
    label: str
    html: str = field(repr=False)
    #: The table's data as CSV (the file behind the "Download als CSV" link).
    csv: str = field(default="", repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"{self.caption}\n\n{self.data.to_string()}"

    def __str__(self) -> str:
        return self.__repr__()


def _column_formatter(
    column: str,
    series: pd.Series,
    percent_columns: set[str],
    decimals: int,
    percent_unit: str,
    number_decimals: int,
) -> Callable[[object], str]:
    if column in percent_columns:
        return lambda v: format_percent(v, decimals, percent_unit)
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return lambda v: format_number(v, 0)
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if len(whole) and (whole == whole.round()).all():
            return lambda v: format_number(v, 0)
        return lambda v: format_number(v, number_decimals)
    return lambda v: MISSING_MARK if v is None or v is pd.NA else html.escape(str(v))


def table_csv(df: pd.DataFrame, *, hide_index: bool = False) -> str:
    """Return the data of a table as CSV text, deterministically.

    The values are the unformatted data (``1219``, ``85.3``), not the
    Flemish display strings, so the file can be read back by any tool:
    comma-separated, ``.`` as decimal point, UTF-8, ``\\n`` line ends,
    missing values as empty fields.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as passed to :func:`render_table`.
    hide_index : bool, default False
        Leave out the row labels, as the rendered table does. A default
        index (0, 1, 2, ... without a name) is always left out.

    Returns
    -------
    str
        The CSV text, header included.

    Examples
    --------
    >>> table_csv(pd.DataFrame({"N": [1219]}, index=pd.Index(["Totaal"], name="Groep")))
    'Groep,N\\nTotaal,1219\\n'
    """
    default_index = (
        isinstance(df.index, pd.RangeIndex)
        and df.index.name is None
        and df.index.equals(pd.RangeIndex(len(df)))
    )
    keep_index = not hide_index and not default_index
    return df.to_csv(index=keep_index, lineterminator="\n")


def render_table(
    df: pd.DataFrame,
    caption: str,
    label: str | None = None,
    *,
    percent_columns: Iterable[str] | None = None,
    percent_unit: str = "percent",
    decimals: int = 0,
    number_decimals: int = 1,
    note: str | None = None,
    hide_index: bool = False,
    number: str | None = None,
    compact_columns: Iterable[str] | None = None,
) -> RenderedTable:
    """Render a DataFrame as the book's standard table.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; the index holds the row labels (e.g. the item wording).
    caption : str
        Caption in Dutch, without "Tabel N" (the book adds the number).
        Plain text: it is escaped.
    label : str, optional
        Label for cross-references (``{numref}`tbl-...```); derived from the
        caption with :func:`make_label` when omitted. Also fixes the Styler
        uuid, so the HTML is identical on every run.
    percent_columns : iterable of str, optional
        Columns shown as percentages.
    percent_unit : {"percent", "fraction"}, default "percent"
        Whether the percentage columns hold percentages (85) or fractions
        (0.85).
    decimals : int, default 0
        Decimals of percentages.
    number_decimals : int, default 1
        Decimals of non-integer numbers in the other columns.
    note : str, optional
        A note printed under the table (e.g. the base of the percentages).
    hide_index : bool, default False
        Hide the row labels.
    number : str, optional
        The table's number in the report (``"4"`` for Tabel 4): the book then
        shows "Tabel 4" as in the report. Tables of this book that the report
        does not have are numbered per page ("Tabel 6.1", "Tabel B2.1", ...)
        from :mod:`helpers.book.sphinx_tables`.
    compact_columns : iterable of str, optional
        Text columns that hold short marks or codes (``"✓"``, ``"–"``,
        ``"≠ −1"``): centred and without the minimum width that wrapping
        text columns get, so a matrix of marks stays narrow on a phone.

    Returns
    -------
    RenderedTable
        Displays as HTML in a notebook; ``.html`` holds the markup, with the
        table's data embedded as CSV (``.csv``, see :func:`table_csv`) for
        the book's "Download als CSV" link.

    Examples
    --------
    >>> t = render_table(pd.DataFrame({"N": [1219]}, index=["Totaal"]),
    ...                  "Aantal respondenten", label="tbl-n")
    >>> t.label
    'tbl-n'
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError("render_table expects a pandas DataFrame")
    if not caption or not caption.strip():
        raise ValueError("every table needs a caption")
    label = label or make_label(caption)
    if number is not None and not re.fullmatch(r"[0-9]+[a-z]?", str(number)):
        raise ValueError(f"number {number!r}: give the report's table number, e.g. '4'")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", label):
        raise ValueError(f"label {label!r}: use letters, digits, '-' and '_' only")
    percent_set = set(percent_columns or [])
    unknown = percent_set - set(map(str, df.columns))
    if unknown:
        raise KeyError(f"percent_columns not in the table: {sorted(unknown)}")
    compact_set = set(compact_columns or [])
    unknown = compact_set - set(map(str, df.columns))
    if unknown:
        raise KeyError(f"compact_columns not in the table: {sorted(unknown)}")

    shown = df.copy()
    shown.columns = [str(c) for c in shown.columns]
    formatters = {
        column: _column_formatter(
            column, shown[column], percent_set, decimals, percent_unit, number_decimals
        )
        for column in shown.columns
    }
    uuid = re.sub(r"[^A-Za-z0-9_]", "_", label)
    styler = (
        shown.style.set_uuid(uuid)
        .format(formatters)
        .format_index(lambda v: html.escape(str(v)), axis=0)
        .format_index(lambda v: html.escape(str(v)), axis=1)
        .set_caption(html.escape(caption))
        .set_table_styles(TABLE_STYLES)
        .set_table_attributes(
            f'class="vives-tabel" data-label="{html.escape(label)}"'
            + (f' data-number="{number}"' if number is not None else "")
        )
    )
    text_columns = [
        c
        for c in shown.columns
        if c not in percent_set
        and c not in compact_set
        and not pd.api.types.is_numeric_dtype(shown[c])
        and not pd.api.types.is_bool_dtype(shown[c])
    ]
    if text_columns:
        # Column-scoped selectors (``#T_id td.colN``) outrank the shared
        # ``#T_id td`` rule, so text columns wrap and align left.
        styler = styler.set_table_styles(
            {
                column: [
                    {
                        "selector": "td",
                        "props": "text-align: left; white-space: normal; min-width: 16em;",
                    },
                    {"selector": "th", "props": "text-align: left;"},
                ]
                for column in text_columns
            },
            overwrite=False,
        )
    if compact_set:
        styler = styler.set_table_styles(
            {
                column: [
                    {"selector": "td", "props": "text-align: center;"},
                    {"selector": "th", "props": "text-align: center;"},
                ]
                for column in shown.columns
                if column in compact_set
            },
            overwrite=False,
        )
    if hide_index:
        styler = styler.hide(axis="index")
    table_html = styler.to_html()
    note_html = (
        f'<p class="vives-tabel-noot" style="font-size: 0.85em; margin-top: 0;">'
        f"{html.escape(note)}</p>"
        if note
        else ""
    )
    csv_text = table_csv(df, hide_index=hide_index)
    # Escaped, so the embedded text can never close the element early; the
    # Sphinx extension unescapes it when it writes the file.
    csv_html = (
        f'<script type="{CSV_SCRIPT_TYPE}" class="vives-tabel-csv"'
        f' data-for="{html.escape(label)}">{html.escape(csv_text, quote=False)}</script>\n'
    )
    markup = (
        f'<div class="vives-tabel-wrapper" style="overflow-x: auto;">\n'
        f"{table_html}{note_html}{csv_html}</div>\n"
    )
    return RenderedTable(data=df, caption=caption, label=label, html=markup, csv=csv_text)
