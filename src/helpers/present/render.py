"""Render every table of the book the same way.

One function, :func:`render_table`, turns a DataFrame into a compact,
deterministic HTML table with a caption and a label. In Jupyter the table
shows with its caption; in the built book the extension
:mod:`helpers.book.sphinx_tables` turns the caption into "Tabel N: ..." and makes
the label referenceable with ``{numref}`label```.

Numbers are written the Flemish way: decimal comma, a point between
thousands (``1.219``), percentages as ``85%``.

The markup is plain: no inline styles, one class per kind of column
(``vives-getal`` for numbers, ``vives-tekst`` for wrapping text,
``vives-teken`` for short marks) and ``colN`` / ``rowN`` classes; the book's
stylesheet (``_static/vives.css``) does the layout, so one rule makes every
table fit the text column, scroll in its own frame on a phone and print whole.
Header cells carry ``scope`` for screen readers.

Every table also carries its data for the downloads, embedded in the HTML as
``<script type="text/csv" data-for="label">`` with the column formats in
``data-formats`` (invisible in Jupyter). In the built book
:mod:`helpers.book.sphinx_tables` writes ``_build/html/_tabellen/<label>.csv``
(:func:`table_csv`: values as shown, UTF-8, comma) and ``<label>.xlsx``
(:mod:`helpers.present.export`) and replaces the element with the download
links under the table.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from helpers.notation import MISSING_MARK, format_number, format_percent

__all__ = [
    "ColumnFormat",
    "RenderedTable",
    "column_formats",
    "make_label",
    "render_table",
    "shown_value",
    "table_csv",
]

#: ``type`` of the ``<script>`` element that embeds a table's CSV export.
CSV_SCRIPT_TYPE = "text/csv"
#: Suffix of percentage columns in the CSV header ("Som eens (%)").
PERCENT_SUFFIX = " (%)"

_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
#: Column headings get Dutch hyphenation points (soft hyphens) in words of at
#: least this many letters ("Veiligheids-monitor", "Waarschijn-lijk"), so a
#: table can narrow its columns without cutting a word or dropping a hyphen.
#: Shorter words ("respondenten") stay whole, so headings stay searchable.
HYPHENATE_FROM = 13
SOFT_HYPHEN = "\u00ad"
_WORD_RE = re.compile(rf"\w{{{HYPHENATE_FROM},}}")
_NUMBER_RE = re.compile(r"[0-9]+[a-z]?")
#: Tables with this many columns (row labels included) are set a size smaller.
WIDE_COLUMNS = 7


@dataclass(frozen=True)
class ColumnFormat:
    """How one column is shown.

    ``kind`` is ``"percent"`` (a share, shown as ``85%``), ``"integer"``,
    ``"decimal"`` (``decimals`` places), ``"text"`` (wraps, left-aligned) or
    ``"mark"`` (a short code or mark, centred). ``fraction`` says that a
    percentage column holds fractions (0.85) rather than percentages (85).
    """

    kind: str
    decimals: int = 0
    fraction: bool = False

    @property
    def css_class(self) -> str:
        """The cell class of the book's stylesheet."""
        return {"text": "vives-tekst", "mark": "vives-teken"}.get(self.kind, "vives-getal")

    def to_json(self) -> list:
        """``[kind, decimals]``: what the downloads need to write the column."""
        return [self.kind, self.decimals]


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


# ---------------------------------------------------------------------------
# Step 1: check the arguments
# ---------------------------------------------------------------------------


def _check_arguments(
    df: object,
    caption: str,
    label: str,
    number: str | None,
    named_columns: dict[str, set[str]],
) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError("render_table expects a pandas DataFrame")
    if not caption or not caption.strip():
        raise ValueError("every table needs a caption")
    if number is not None and not _NUMBER_RE.fullmatch(str(number)):
        raise ValueError(f"number {number!r}: give the report's table number, e.g. '4'")
    if not _LABEL_RE.fullmatch(label):
        raise ValueError(f"label {label!r}: use letters, digits, '-' and '_' only")
    columns = set(map(str, df.columns))
    for argument, names in named_columns.items():
        unknown = names - columns
        if unknown:
            raise KeyError(f"{argument} not in the table: {sorted(unknown)}")


# ---------------------------------------------------------------------------
# Step 2: decide how each column is shown
# ---------------------------------------------------------------------------


def _format_of(
    series: pd.Series,
    *,
    percent: bool,
    compact: bool,
    decimals: int,
    fraction: bool,
    number_decimals: int,
) -> ColumnFormat:
    if percent:
        return ColumnFormat("percent", decimals, fraction)
    if compact:
        return ColumnFormat("mark")
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return ColumnFormat("integer")
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if len(whole) and (whole == whole.round()).all():
            return ColumnFormat("integer")
        return ColumnFormat("decimal", number_decimals)
    return ColumnFormat("text")


def column_formats(
    df: pd.DataFrame,
    *,
    percent_columns: Iterable[str] = (),
    percent_unit: str = "percent",
    decimals: int = 0,
    number_decimals: int = 1,
    compact_columns: Iterable[str] = (),
) -> dict[str, ColumnFormat]:
    """Return how :func:`render_table` shows each column (by column name).

    Examples
    --------
    >>> formats = column_formats(pd.DataFrame({"N": [3], "%": [42.5], "Tekst": ["a"]}),
    ...                          percent_columns=["%"], decimals=1)
    >>> [(f.kind, f.decimals) for f in formats.values()]
    [('integer', 0), ('percent', 1), ('text', 0)]
    """
    if percent_unit not in {"percent", "fraction"}:
        raise ValueError(f"percent_unit must be 'percent' or 'fraction', not {percent_unit!r}")
    percent_set, compact_set = set(percent_columns), set(compact_columns)
    return {
        str(column): _format_of(
            df[column],
            percent=str(column) in percent_set,
            compact=str(column) in compact_set,
            decimals=decimals,
            fraction=percent_unit == "fraction",
            number_decimals=number_decimals,
        )
        for column in df.columns
    }


# ---------------------------------------------------------------------------
# Step 3: the values as shown (display text and rounded number)
# ---------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def shown_value(value: object, fmt: ColumnFormat) -> object:
    """Return a cell's value rounded as the table shows it (half up).

    Percentages come out in percent (``85``, ``42.5``), whole numbers as
    ``int``, text unchanged; a missing value gives ``None``.

    Examples
    --------
    >>> shown_value(0.4251, ColumnFormat("percent", 1, fraction=True))
    42.5
    >>> shown_value(84.5, ColumnFormat("percent")), shown_value(2.0, ColumnFormat("integer"))
    (85, 2)
    """
    if _is_missing(value):
        return None
    if fmt.kind in ("text", "mark") or isinstance(value, (str, bool)):
        return value
    number = float(value) * (100 if fmt.fraction else 1)
    places = fmt.decimals if fmt.kind in ("percent", "decimal") else 0
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if places == 0 else float(rounded)


def _display(value: object, fmt: ColumnFormat) -> str:
    if _is_missing(value):
        return MISSING_MARK
    if fmt.kind == "percent":
        unit = "fraction" if fmt.fraction else "percent"
        return format_percent(value, fmt.decimals, unit)
    if fmt.kind in ("integer", "decimal") and not isinstance(value, str):
        return format_number(value, fmt.decimals)
    return str(value)


# ---------------------------------------------------------------------------
# Step 4: the machine CSV
# ---------------------------------------------------------------------------


def _keeps_index(df: pd.DataFrame, hide_index: bool) -> bool:
    default_index = (
        isinstance(df.index, pd.RangeIndex)
        and df.index.name is None
        and df.index.equals(pd.RangeIndex(len(df)))
    )
    return not hide_index and not default_index


def table_csv(
    df: pd.DataFrame,
    *,
    hide_index: bool = False,
    formats: dict[str, ColumnFormat] | None = None,
) -> str:
    """Return the data of a table as CSV text, with the values as shown.

    For software, not for Excel: comma-separated, UTF-8, ``.`` as decimal
    point, no thousands separator, ``\\n`` line ends, missing values as empty
    fields. Every number is rounded (half up) to the decimals the table
    shows; percentages are numbers in percent and their column name ends in
    " (%)". The Excel download (:mod:`helpers.present.export`) holds the same
    values.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as passed to :func:`render_table`.
    hide_index : bool, default False
        Leave out the row labels, as the rendered table does. A default
        index (0, 1, 2, ... without a name) is always left out.
    formats : dict, optional
        The column formats (:func:`column_formats`); derived from the data
        when omitted (no percentage columns then).

    Returns
    -------
    str
        The CSV text, header included.

    Examples
    --------
    >>> table_csv(pd.DataFrame({"N": [1219]}, index=pd.Index(["Totaal"], name="Groep")))
    'Groep,N\\nTotaal,1219\\n'
    >>> df = pd.DataFrame({"%": [42.46]}, index=pd.Index(["Ja"], name="Antwoord"))
    >>> table_csv(df, formats=column_formats(df, percent_columns=["%"], decimals=1))
    'Antwoord,% (%)\\nJa,42.5\\n'
    """
    formats = formats or column_formats(df)
    columns = [str(column) for column in df.columns]
    shown = pd.DataFrame(
        {
            k: [shown_value(value, formats[name]) for value in df.iloc[:, k]]
            for k, name in enumerate(columns)
        },
        index=df.index,
        dtype=object,
    )
    shown.columns = [
        name + (PERCENT_SUFFIX if formats[name].kind == "percent" else "") for name in columns
    ]
    return shown.to_csv(index=_keeps_index(df, hide_index), lineterminator="\n")


# ---------------------------------------------------------------------------
# Step 5: the HTML table
# ---------------------------------------------------------------------------


@functools.cache
def _dutch_hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nl_NL", left=3, right=3)


def hyphenate_heading(text: str) -> str:
    """Put soft hyphens at the Dutch hyphenation points of long words.

    Examples
    --------
    >>> hyphenate_heading("Veiligheidsmonitor Vlaams Gewest").replace(SOFT_HYPHEN, "-")
    'Vei-lig-heids-mo-ni-tor Vlaams Gewest'
    >>> hyphenate_heading("Aantal respondenten")
    'Aantal respondenten'
    """
    return _WORD_RE.sub(lambda m: _dutch_hyphenator().inserted(m.group(0), SOFT_HYPHEN), text)


def _header_html(df: pd.DataFrame, formats: dict[str, ColumnFormat], index_levels: int) -> str:
    names = [name for name in df.index.names][:index_levels]
    corner = "".join(
        f'<th class="vives-rijkop" scope="col">{html.escape(str(name))}</th>'
        if name is not None
        else '<td class="vives-rijkop"></td>'
        for name in names
    )
    cells = "".join(
        f'<th class="col{k} {formats[str(column)].css_class}" scope="col">'
        f"{html.escape(hyphenate_heading(str(column)))}</th>"
        for k, column in enumerate(df.columns)
    )
    return f"<thead>\n<tr>{corner}{cells}</tr>\n</thead>\n"


def _index_spans(index: pd.Index, levels: int) -> list[list[int]]:
    """Rows each index label spans (0 = covered by the label above), per level."""
    tuples = [t if isinstance(t, tuple) else (t,) for t in index]
    spans = [[1] * len(tuples) for _ in range(levels)]
    for level in range(levels - 1):  # the last level is never merged
        start = 0
        for row in range(1, len(tuples) + 1):
            if row == len(tuples) or tuples[row][: level + 1] != tuples[start][: level + 1]:
                spans[level][start] = row - start
                for covered in range(start + 1, row):
                    spans[level][covered] = 0
                start = row
    return spans


def _body_html(df: pd.DataFrame, formats: dict[str, ColumnFormat], index_levels: int) -> str:
    spans = _index_spans(df.index, index_levels)
    rows = []
    for r, (label, values) in enumerate(zip(df.index, df.itertuples(index=False), strict=True)):
        labels = label if isinstance(label, tuple) else (label,)
        heads = "".join(
            f'<th scope="row" class="row{r}"'
            + (f' rowspan="{spans[level][r]}"' if spans[level][r] > 1 else "")
            + f">{html.escape(str(labels[level]))}</th>"
            for level in range(index_levels)
            if spans[level][r] > 0
        )
        cells = "".join(
            f'<td class="col{k} {formats[str(column)].css_class}">'
            f"{html.escape(_display(value, formats[str(column)]))}</td>"
            for k, (column, value) in enumerate(zip(df.columns, values, strict=True))
        )
        rows.append(f"<tr>{heads}{cells}</tr>")
    return "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n"


def _table_html(
    df: pd.DataFrame,
    formats: dict[str, ColumnFormat],
    *,
    caption: str,
    label: str,
    number: str | None,
    hide_index: bool,
) -> str:
    index_levels = 0 if hide_index else df.index.nlevels
    wide = index_levels + df.shape[1] >= WIDE_COLUMNS
    attributes = (
        f'class="vives-tabel{" vives-breed" if wide else ""}" data-label="{html.escape(label)}"'
    )
    if number is not None:
        attributes += f' data-number="{number}"'
    return (
        f"<table {attributes}>\n<caption>{html.escape(caption)}</caption>\n"
        + _header_html(df, formats, index_levels)
        + _body_html(df, formats, index_levels)
        + "</table>\n"
    )


def _export_html(label: str, csv_text: str, formats: dict[str, ColumnFormat]) -> str:
    # Escaped, so the embedded text can never close the element early; the
    # Sphinx extension unescapes it when it writes the files.
    spec = json.dumps({name: fmt.to_json() for name, fmt in formats.items()}, ensure_ascii=False)
    return (
        f'<script type="{CSV_SCRIPT_TYPE}" class="vives-tabel-csv"'
        f' data-for="{html.escape(label)}" data-formats="{html.escape(spec)}">'
        f"{html.escape(csv_text, quote=False)}</script>\n"
    )


# ---------------------------------------------------------------------------
# The one public entry point
# ---------------------------------------------------------------------------


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
        caption with :func:`make_label` when omitted. The HTML is identical
        on every run.
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
        the book's downloads.

    Examples
    --------
    >>> t = render_table(pd.DataFrame({"N": [1219]}, index=["Totaal"]),
    ...                  "Aantal respondenten", label="tbl-n")
    >>> t.label
    'tbl-n'
    """
    label = label or make_label(caption)
    percent_set, compact_set = set(percent_columns or []), set(compact_columns or [])
    _check_arguments(
        df,
        caption,
        label,
        number,
        {"percent_columns": percent_set, "compact_columns": compact_set},
    )
    formats = column_formats(
        df,
        percent_columns=percent_set,
        percent_unit=percent_unit,
        decimals=decimals,
        number_decimals=number_decimals,
        compact_columns=compact_set,
    )
    table_html = _table_html(
        df, formats, caption=caption, label=label, number=number, hide_index=hide_index
    )
    note_html = f'<p class="vives-tabel-noot">{html.escape(note)}</p>\n' if note else ""
    csv_text = table_csv(df, hide_index=hide_index, formats=formats)
    markup = (
        '<div class="vives-tabel-wrapper">\n'
        f"{table_html}</div>\n{note_html}{_export_html(label, csv_text, formats)}"
    )
    return RenderedTable(data=df, caption=caption, label=label, html=markup, csv=csv_text)
