"""The Excel download of a table: an ``.xlsx`` that opens right in Flemish Excel.

The CSV download (:func:`helpers.present.render.table_csv`) is for software:
comma-separated with a decimal point, which Excel with Belgian settings opens
as one column. The ``.xlsx`` file holds the same values (as the table shows
them) as real numbers with number formats, so Excel shows ``85%``, ``1.219``
and ``0,81`` in the reader's own notation, and sorts and sums them as numbers.
It carries the caption above the table and the note and source below it. The
file is deterministic (fixed creation date, no software metadata).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

__all__ = ["EXCEL_FORMATS", "table_xlsx"]

#: Excel number format per column kind and number of decimals.
EXCEL_FORMATS = {
    "integer": "#,##0",
    "decimal": "#,##0.{zeros}",
    "percent": "0.{zeros}%",
}
#: Creation date written into every file (a fixed date: identical bytes).
CREATED = dt.datetime(2020, 1, 1)
_MAX_WIDTH = 60


def _number_format(kind: str, decimals: int) -> str:
    pattern = EXCEL_FORMATS[kind]
    return pattern.replace(".{zeros}", "." + "0" * decimals if decimals else "")


def _cell_value(text: str, kind: str) -> object:
    if text == "":
        return None
    if kind in ("integer", "decimal", "percent"):
        try:
            number = float(text)
        except ValueError:
            return text
        if kind == "percent":
            return number / 100
        return int(number) if kind == "integer" and number.is_integer() else number
    return text


def table_xlsx(
    csv_text: str,
    formats: dict[str, list],
    *,
    title: str,
    note: str = "",
    source: str = "",
) -> bytes:
    """Return an ``.xlsx`` workbook with one table.

    Parameters
    ----------
    csv_text : str
        The table's CSV (:func:`helpers.present.render.table_csv`): index
        columns first, then one column per entry of ``formats``.
    formats : dict
        ``{column: [kind, decimals]}`` of the data columns, in order, as
        embedded by ``render_table`` (kinds: integer, decimal, percent, text,
        mark).
    title : str
        The first row, e.g. "Tabel 4: Opinies over de eigen rol".
    note : str, default ""
        The table's note, written under the table.
    source : str, default ""
        Where the table comes from, written last.

    Returns
    -------
    bytes
        The workbook.

    Examples
    --------
    >>> data = table_xlsx("Groep,N,% (%)\\nJa,1219,85\\n",
    ...                   {"N": ["integer", 0], "%": ["percent", 0]}, title="Tabel 2: Test")
    >>> data[:2]
    b'PK'
    """
    import xlsxwriter

    rows = list(csv.reader(io.StringIO(csv_text)))
    header, body = rows[0], rows[1:]
    kinds = [kind for kind, _ in formats.values()]
    n_index = len(header) - len(kinds)
    column_kinds = ["text"] * n_index + kinds
    column_decimals = [0] * n_index + [decimals for _, decimals in formats.values()]

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": CREATED, "title": title})
    sheet = workbook.add_worksheet("Tabel")
    bold = workbook.add_format({"bold": True})
    head = workbook.add_format({"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    number_formats = {
        (kind, decimals): workbook.add_format({"num_format": _number_format(kind, decimals)})
        for kind, decimals in zip(column_kinds, column_decimals)
        if kind in EXCEL_FORMATS
    }
    sheet.write_string(0, 0, title, bold)
    for col, name in enumerate(header):
        sheet.write_string(2, col, name, head)
    for r, row in enumerate(body, start=3):
        for col, text in enumerate(row):
            kind = column_kinds[col]
            value = _cell_value(text, kind)
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, col, value, wrap if col < n_index else None)
            else:
                sheet.write_number(r, col, value, number_formats[kind, column_decimals[col]])
    last = len(body) + 3
    for offset, text in enumerate(t for t in (note, source) if t):
        sheet.write_string(last + 1 + offset, 0, text)
    for col, name in enumerate(header):
        longest = max([len(name)] + [len(row[col]) for row in body if col < len(row)])
        width = min(_MAX_WIDTH, longest + 2) if col < n_index else max(10, min(len(name), 18))
        sheet.set_column(col, col, width)
    sheet.freeze_panes(3, n_index)
    workbook.close()
    return buffer.getvalue()
