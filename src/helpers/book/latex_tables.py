"""The book's tables in the PDF: LaTeX from the HTML that ``render_table`` wrote.

The LaTeX builder cannot use the HTML tables of the notebooks' outputs. The
extension :mod:`helpers.book.sphinx_tables` keeps each table's HTML and, in a
LaTeX build, writes it with :func:`latex_table`: a ``longtable`` (it may
break across pages; its header repeats) whose columns share the text width,
so no table is wider than the page. Text columns wrap (with Dutch
hyphenation), number columns are right-aligned, the caption reads
"Tabel N: ..." with the number the site shows, and ``\\ref`` to the table's
label gives that same number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Cell", "column_shares", "latex_table", "parse_table"]

#: Characters a column needs at most before it wraps (text) or at least (numbers).
MAX_TEXT_NEED = 42
MIN_NEED = 5
#: Characters that fill one line of the PDF's text width in the table font
#: (kept on the safe side: a number column must never wrap).
LINE_CHARS = 96


@dataclass
class Cell:
    """One cell of an HTML table: ``kind`` is "th" or "td"."""

    kind: str
    text: str = ""
    classes: list[str] = field(default_factory=list)
    rowspan: int = 1

    @property
    def align(self) -> str:
        """``l`` (text, row labels), ``r`` (numbers) or ``c`` (marks)."""
        if "vives-getal" in self.classes:
            return "r"
        if "vives-teken" in self.classes:
            return "c"
        return "l"


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head: list[list[Cell]] = []
        self.body: list[list[Cell]] = []
        self._section = "body"
        self._cell: Cell | None = None
        self._row: list[Cell] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "thead":
            self._section = "head"
        elif tag == "tbody":
            self._section = "body"
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = Cell(
                tag,
                classes=(attributes.get("class") or "").split(),
                rowspan=int(attributes.get("rowspan") or 1),
            )

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            # LaTeX hyphenates Dutch itself: drop the HTML's soft hyphens.
            self._cell.text = " ".join(self._cell.text.replace("\u00ad", "").split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.head if self._section == "head" else self.body).append(self._row)
            self._row = None


def parse_table(table_html: str) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """Return the header rows and the body rows of the first HTML table.

    Cells that span rows (``rowspan``) are repeated as empty cells in the rows
    they cover, so every body row has the same number of cells.

    Examples
    --------
    >>> head, body = parse_table('<table><thead><tr><th>A</th><th class="vives-getal">N</th>'
    ...     '</tr></thead><tbody><tr><th rowspan="2">x</th><td>1</td></tr>'
    ...     '<tr><td>2</td></tr></tbody></table>')
    >>> [[c.text for c in row] for row in body]
    [['x', '1'], ['', '2']]
    """
    parser = _Parser()
    parser.feed(table_html)
    covered: dict[int, int] = {}
    body = []
    for row in parser.body:
        cells, queue, col = [], list(row), 0
        while queue or covered.get(col, 0) > 0:
            if covered.get(col, 0) > 0:
                covered[col] -= 1
                cells.append(Cell("th"))
            else:
                cell = queue.pop(0)
                if cell.rowspan > 1:
                    covered[col] = cell.rowspan - 1
                cells.append(cell)
            col += 1
        body.append(cells)
    return parser.head, body


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def column_shares(head: list[list[Cell]], body: list[list[Cell]]) -> list[float]:
    """Return each column's share of the text width (the shares sum to at most 1).

    A number column needs its longest value or header word; a text column
    its longest cell, up to :data:`MAX_TEXT_NEED` characters. When the needs
    add up to more than a line (:data:`LINE_CHARS`), the text columns give up
    width first (the numbers keep theirs, so they never break).

    Examples
    --------
    >>> head = [[Cell("th", "Stelling"), Cell("th", "Som eens", ["vives-getal"])]]
    >>> body = [[Cell("th", "Een lange stelling " * 3), Cell("td", "85%", ["vives-getal"])]]
    >>> [round(s, 2) for s in column_shares(head, body)]
    [0.45, 0.06]
    """
    rows = head[-1:] + body
    n_columns = max(len(row) for row in rows)
    needs, is_text = [], []
    for k in range(n_columns):
        cells = [row[k] for row in rows if k < len(row)]
        text = any(c.align == "l" for c in cells[1:]) or (len(rows) == 1 and cells[0].align == "l")
        if text:
            need = min(max(len(c.text) for c in cells), MAX_TEXT_NEED)
            need = max(need, max(_longest_word(c.text) for c in cells))
        else:
            values = [len(c.text) for c in cells[1:]] or [0]
            # Headings are bold (wider); a long heading word may hyphenate.
            need = max(max(values) + 1, min(_longest_word(cells[0].text), 12) * 1.1)
        needs.append(max(need, MIN_NEED) + 1)
        is_text.append(text)
    total = sum(needs)
    if total <= LINE_CHARS:
        return [need / LINE_CHARS for need in needs]
    fixed = sum(n for n, t in zip(needs, is_text) if not t)
    flexible = sum(n for n, t in zip(needs, is_text) if t)
    room = max(LINE_CHARS - fixed, 0.35 * LINE_CHARS)
    scale = min(1.0, room / flexible) if flexible else 1.0
    widths = [n * scale if t else n for n, t in zip(needs, is_text)]
    total = sum(widths)
    return [w / max(total, LINE_CHARS) for w in widths]


_ALIGN = {"l": r"\raggedright", "r": r"\raggedleft", "c": r"\centering"}


def _column_spec(aligns: list[str], shares: list[float]) -> str:
    return "".join(
        rf">{{{_ALIGN[a]}\arraybackslash}}p{{\dimexpr {s:.3f}\linewidth-2\tabcolsep\relax}}"
        for a, s in zip(aligns, shares)
    )


def _breakable(text: str) -> str:
    """Let LaTeX break long identifiers and paths after ``_`` and ``/``."""
    return text.replace(r"\_", r"\_\allowbreak{}").replace("/", r"/\allowbreak{}")


def _cell(cell: Cell, escape: Callable[[str], str], heading: bool) -> str:
    if not cell.text:
        return ""
    text = _breakable(escape(cell.text))
    # Numbers never wrap; text and headings may hyphenate their first word too.
    return text if cell.align == "r" and not heading else rf"\hspace{{0pt}}{text}"


def _row(cells: list[Cell], escape: Callable[[str], str], n_columns: int, bold: bool) -> str:
    texts = [_cell(c, escape, heading=bold) for c in cells]
    texts += [""] * (n_columns - len(texts))
    if bold:
        texts = [rf"\textbf{{{t}}}" if t else "" for t in texts]
    return " & ".join(texts) + r" \\"


def latex_table(
    table_html: str,
    *,
    caption: str,
    number: str,
    label: str = "",
    note: str = "",
    escape: Callable[[str], str] = lambda text: text,
) -> str:
    r"""Return a table as LaTeX that fits the page width.

    Parameters
    ----------
    table_html : str
        The ``<table>`` written by :func:`helpers.present.render.render_table`.
    caption : str
        The caption text (without "Tabel N").
    number : str
        The number the site shows ("4", "6.2", "G-A.1").
    label : str, default ""
        LaTeX label commands (``\phantomsection\label{...}``) for references.
    note : str, default ""
        The note under the table.
    escape : callable
        Escapes text for LaTeX (the LaTeX writer's ``encode``).

    Returns
    -------
    str
        A ``longtable`` whose first head holds the caption, and the note.

    Examples
    --------
    >>> tex = latex_table('<table><thead><tr><td></td><th class="vives-getal">N</th></tr>'
    ...     '</thead><tbody><tr><th>Totaal</th><td class="vives-getal">1.219</td></tr>'
    ...     '</tbody></table>', caption="Respondenten", number="2")
    >>> "Tabel 2:" in tex and r"\begin{longtable}" in tex and "1.219" in tex
    True
    """
    head, body = parse_table(table_html)
    rows = head[-1:] + body
    n_columns = max(len(row) for row in rows)
    aligns = []
    for k in range(n_columns):
        cells = [row[k] for row in body if k < len(row) and row[k].text]
        aligns.append(cells[0].align if cells else (head[-1][k].align if head else "l"))
    shares = column_shares(head, body)
    header = [_row(row, escape, n_columns, bold=True) for row in head]
    # The caption is the first row of the table's first head: a paragraph
    # before a longtable can end a page while the table starts on the next.
    # \ref gives the number the site shows ("8", "6.2").
    caption_row = (
        r"\multicolumn{"
        + str(n_columns)
        + r"}{@{}p{\dimexpr "
        + f"{sum(shares):.3f}"
        + r"\linewidth\relax}@{}}{\small\textbf{Tabel "
        + escape(number)
        + ":} "
        + escape(caption)
        + label
        + r"}\\[2pt]"
    )
    lines = [
        r"\par\bigskip\noindent",
        r"\makeatletter\def\@currentlabel{" + escape(number) + r"}\makeatother",
        r"\begingroup\footnotesize\setlength{\tabcolsep}{3pt}\renewcommand{\arraystretch}{1.15}",
        r"\begin{longtable}[l]{" + _column_spec(aligns, shares) + "}",
        caption_row,
        r"\toprule",
        *header,
        r"\midrule",
        r"\endfirsthead",
        r"\multicolumn{"
        + str(n_columns)
        + r"}{@{}l}{\small\textit{Tabel "
        + escape(number)
        + r" (vervolg)}}\\",
        r"\toprule",
        *header,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endlastfoot",
        *[_row(row, escape, n_columns, bold=False) for row in body],
        r"\end{longtable}",
    ]
    if note:
        lines.append(r"\par\vspace{-0.6\baselineskip}\noindent{\scriptsize " + escape(note) + "}")
    lines.append(r"\par\endgroup\medskip")
    return "\n".join(lines) + "\n"


def plain_text(html_fragment: str) -> str:
    """Return the text of an HTML fragment, tags removed and spaces collapsed.

    Examples
    --------
    >>> plain_text('<p class="x">Basis: <em>1.219</em> respondenten</p>')
    'Basis: 1.219 respondenten'
    """
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_fragment)).split())
