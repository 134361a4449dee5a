"""Figure helpers: one look for every chart in the book.

Each function takes a table from :mod:`helpers.analysis.counts` (percentages 0-100)
and returns a :class:`matplotlib.figure.Figure`. The figures are built
without pyplot, so calling a helper never displays anything or changes
global state; the notebook decides what to show (see :func:`to_image`).

Design choices: horizontal bars with each label above its bar (long Dutch
item wording stays readable on a phone, and the bars get the full width), a
colour-blind-safe palette (ColorBrewer PuOr for agreement scales, with grey
for the neutral middle; Okabe-Ito blue and orange for two sources),
percentages written with a decimal comma. Charts are drawn in the book's
style (:func:`helpers.present.style.book_style`) and rendered as SVG for the
site and PDF for the printed book (:func:`to_image`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from helpers.notation import format_number, format_percent
from helpers.present.style import (
    BOOK_RC,
    DIVERGING_COLOURS,
    FIGURE_WIDTH,
    NEUTRAL_GREY,
    REFERENCE_COLOURS,
    SMALL_FONT,
    BookFigure,
    book_style,
    label_bars,
    labels_above,
    new_figure,
    percent_axis,
    rows_above,
    style_axes,
    wrap_label,
)

__all__ = [
    "interview_chart",
    "bin_participation_chart",
    "diverging_likert_chart",
    "legend_above",
    "legend_on_top",
    "proportion_chart",
    "reference_comparison_chart",
    "ChartImage",
    "fit_width",
    "to_image",
]

_SUM_PREFIX = "Som "
#: Legend spacing that keeps five answer categories on one row of a narrow chart.
COMPACT_LEGEND = {"handlelength": 0.8, "handletextpad": 0.4, "columnspacing": 0.7}


def legend_above(ax, handles=None, labels=None, *, max_columns: int | None = None):
    """Put an axes legend above the plot, in as many columns as fit the figure.

    Entries go side by side when they fit the figure's width, else in fewer
    columns (down to one), so a legend never widens a narrow chart.

    Returns
    -------
    matplotlib.legend.Legend
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    fig = ax.get_figure()
    n = len(handles)
    legend = None
    for columns in range(min(n, max_columns or n), 0, -1):
        legend = ax.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=columns,
            frameon=False,
            fontsize=SMALL_FONT,
            **COMPACT_LEGEND,
        )
        if _legend_width(fig, legend) <= fig.get_figwidth() - 0.2:
            break
    return legend


def _category_columns(table: pd.DataFrame, categories: Sequence[str] | None) -> list[str]:
    if categories is not None:
        missing = [c for c in categories if c not in table.columns]
        if missing:
            raise KeyError(f"categories not in the table: {missing}")
        return list(categories)
    columns = [c for c in table.columns if c != "N" and not str(c).startswith(_SUM_PREFIX)]
    if len(columns) != 5:
        raise ValueError(
            f"expected five answer categories, found {len(columns)}: {columns}; "
            "pass categories=[...]"
        )
    return columns


@book_style
def diverging_likert_chart(
    table: pd.DataFrame,
    title: str | None = None,
    *,
    categories: Sequence[str] | None = None,
    xlabel: str = "Percentage van de respondenten",
    annotate_min: float = 10.0,
) -> Figure:
    """Draw diverging stacked bars for items answered on a five-point scale.

    The neutral category is centred on zero (half left, half right), the two
    disagreeing categories extend to the left and the two agreeing ones to
    the right. Items keep the order of the table, top to bottom.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of ``likert_table``: one row per item (index = wording), the
        five category columns in scale order as percentages (0-100); ``N``
        and ``Som ...`` columns are ignored.
    title : str, optional
        Title above the chart; in the book the caption usually suffices.
    categories : sequence of str, optional
        The five category columns, negative to positive; found automatically
        when omitted.
    xlabel : str
        Label of the horizontal axis.
    annotate_min : float, default 10.0
        Write the percentage inside segments at least this wide.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with ``5 * len(table)`` bars (one container per category).
    """
    columns = _category_columns(table, categories)
    values = table[columns].astype(float).fillna(0.0).to_numpy()
    layout = rows_above(table.index, bar_height=0.26)
    fig = new_figure(layout.height, row_height=1.0, extra=1.25)
    ax = fig.add_subplot()
    y = layout.bars
    neutral = values[:, 2]
    # Left edges: the negative side starts left of half the neutral bar.
    starts = np.column_stack(
        [
            -neutral / 2 - values[:, 1] - values[:, 0],
            -neutral / 2 - values[:, 1],
            -neutral / 2,
            neutral / 2,
            neutral / 2 + values[:, 3],
        ]
    )
    for k, column in enumerate(columns):
        bars = ax.barh(
            y,
            values[:, k],
            left=starts[:, k],
            height=layout.bar_height,
            color=DIVERGING_COLOURS[k],
            edgecolor="white",
            linewidth=0.5,
            label=wrap_label(column, 14),
        )
        text_colour = "white" if k in (0, 4) else "black"
        for bar, value in zip(bars, values[:, k], strict=True):
            if value >= annotate_min:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    format_percent(value),
                    ha="center",
                    va="center",
                    fontsize=SMALL_FONT,
                    color=text_colour,
                )
    reach = float(np.nanmax(np.abs(np.concatenate([starts[:, 0], starts[:, 4] + values[:, 4]]))))
    limit = min(100.0, np.ceil((reach + 5) / 10) * 10)
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color="#555555", linewidth=0.8)
    labels_above(ax, layout)
    ax.set_xticks(np.arange(-limit, limit + 1, 50 if limit > 60 else 25))
    percent_axis(ax, absolute=True)
    ax.set_xlabel(xlabel)
    style_axes(ax)
    legend_above(ax)
    if title:
        fig.suptitle(title)
    return fig


@book_style
def reference_comparison_chart(
    table: pd.DataFrame,
    title: str | None = None,
    *,
    columns: Sequence[str] = ("Studentenenquête", "Veiligheidsmonitor Vlaams Gewest"),
    xlabel: str = "Percentage van de respondenten",
) -> Figure:
    """Draw grouped horizontal bars: this survey next to the reference.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of ``compare_with_reference``: one row per category (the last
        index level is used as label), percentages in ``columns``.
    title : str, optional
        Title above the chart.
    columns : sequence of str
        The two columns to compare, drawn top and bottom within a group.
    xlabel : str
        Label of the horizontal axis.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with ``len(columns) * len(table)`` bars.
    """
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"columns not in the table: {missing}")
    labels = (
        table.index.get_level_values(-1) if isinstance(table.index, pd.MultiIndex) else table.index
    )
    layout = rows_above(labels, bars_per_row=len(columns), bar_height=0.17, gap=0.12)
    fig = new_figure(layout.height, row_height=1.0, extra=1.2)
    ax = fig.add_subplot()
    y = layout.bars
    height = layout.bar_height
    for k, column in enumerate(columns):
        values = pd.to_numeric(table[column], errors="coerce").astype(float).to_numpy()
        offset = (k - (len(columns) - 1) / 2) * height
        bars = ax.barh(
            y + offset,
            np.nan_to_num(values),
            height=height,
            color=REFERENCE_COLOURS[k % len(REFERENCE_COLOURS)],
            label=str(column),
        )
        label_bars(ax, bars, values)
    top = np.nanmax(
        pd.DataFrame(table[list(columns)]).apply(pd.to_numeric, errors="coerce").to_numpy()
    )
    ax.set_xlim(0, min(100.0, np.ceil((float(top) + 8) / 10) * 10))
    labels_above(ax, layout)
    percent_axis(ax)
    ax.set_xlabel(xlabel)
    style_axes(ax)
    legend_above(ax)
    if title:
        fig.suptitle(title)
    return fig


@book_style
def proportion_chart(
    data: pd.Series | pd.DataFrame,
    title: str | None = None,
    *,
    column: str = "%",
    drop: Sequence[str] = ("Totaal",),
    xlabel: str = "Percentage van de respondenten",
    colour: str = REFERENCE_COLOURS[0],
) -> Figure:
    """Draw a simple distribution as horizontal bars.

    Parameters
    ----------
    data : pandas.Series or pandas.DataFrame
        Percentages by category; for a DataFrame (e.g. ``frequency_table``)
        the ``column`` is used.
    title : str, optional
        Title above the chart.
    column : str, default "%"
        Column with the percentages when ``data`` is a DataFrame.
    drop : sequence of str, default ("Totaal",)
        Rows left out (totals).
    xlabel : str
        Label of the horizontal axis.
    colour : str
        Bar colour.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one bar per category.
    """
    series = data[column] if isinstance(data, pd.DataFrame) else data
    series = series[[label not in set(drop) for label in series.index]]
    values = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
    layout = rows_above(series.index, bar_height=0.2, gap=0.1)
    fig = new_figure(layout.height, row_height=1.0, extra=0.8)
    ax = fig.add_subplot()
    bars = ax.barh(layout.bars, np.nan_to_num(values), height=layout.bar_height, color=colour)
    label_bars(ax, bars, values)
    ax.set_xlim(0, min(100.0, np.ceil((np.nanmax(values) + 8) / 10) * 10))
    labels_above(ax, layout)
    percent_axis(ax)
    ax.set_xlabel(xlabel)
    style_axes(ax)
    if title:
        fig.suptitle(title)
    return fig


@book_style
def interview_chart(table: pd.DataFrame, title: str | None = None) -> Figure:
    """Draw the interviewed key figures per function, coloured by organisation (Tabel 1).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`helpers.analysis.interviews.interview_table`: columns
        ``Organisatie``, ``Functie``, ``Aantal``; its "Totaal"/"TOTAAL" rows
        are left out.
    title : str, optional
        Title above the chart.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per function (the organisation where a row has no function),
        with its count written beside it.

    Examples
    --------
    >>> t = pd.DataFrame({"Organisatie": ["Politiezone", "Politiezone", "TOTAAL"],
    ...                   "Functie": ["Korpschef", "Totaal", ""],
    ...                   "Aantal": [6, 6, 6]})
    >>> len(interview_chart(t).axes[0].patches)
    1
    """
    rows = table[
        ~table["Functie"].astype(str).str.strip().isin(["Totaal", "TOTAAL"])
        & ~table["Organisatie"].astype(str).str.strip().isin(["Totaal", "TOTAAL"])
    ]
    labels = [
        str(f).strip() if str(f).strip() else str(o)
        for o, f in zip(rows["Organisatie"], rows["Functie"], strict=True)
    ]
    organisations = list(dict.fromkeys(rows["Organisatie"]))
    palette = (*REFERENCE_COLOURS, NEUTRAL_GREY)
    colour_of = {o: palette[k % len(palette)] for k, o in enumerate(organisations)}
    counts = rows["Aantal"].astype(float).to_numpy()
    # Break long function names after their slashes, not inside words.
    layout = rows_above([label.replace("/", "/ ") for label in labels], bar_height=0.2, gap=0.1)
    fig = new_figure(layout.height, row_height=1.0, extra=1.3)
    ax = fig.add_subplot()
    colours = [colour_of[o] for o in rows["Organisatie"]]
    bars = ax.barh(layout.bars, counts, height=layout.bar_height, color=colours)
    label_bars(ax, bars, counts, fmt=format_number, offset=0.3)
    ax.set_xlim(0, float(np.ceil((counts.max() + 3) / 5) * 5))
    labels_above(ax, layout)
    ax.set_xlabel("Aantal geïnterviewde personen")
    handles = [Patch(color=colour_of[o], label=str(o)) for o in organisations]
    legend_above(ax, handles, [str(o) for o in organisations])
    style_axes(ax)
    if title:
        fig.suptitle(title)
    return fig


@book_style
def bin_participation_chart(
    table: pd.DataFrame,
    title: str | None = None,
    *,
    value_column: str = "%",
    xlabel: str = "Percentage van wie de vraag beantwoordde",
    population_width: int = 52,
) -> Figure:
    """Draw one bar panel per routed question of a long table (Tabel 7).

    Each block of the index level ``"Variabele"`` gets its own panel with
    one horizontal bar per answer category. The panel title names the
    question, its valid N and the population that was asked, because the
    percentages of different panels rest on different respondents. Rows
    whose category starts with "Som " are left out (they repeat the
    categories). A block with five categories (a willingness scale) is
    coloured like :func:`diverging_likert_chart`, with a grey middle; other
    blocks get one colour.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of ``bin_participation_table``: a two-level index
        (``"Variabele"``, ``"Categorie"``) and the columns ``"Populatie"``,
        ``"N"`` and ``value_column`` (percentages 0-100).
    title : str, optional
        Title above the chart.
    value_column : str, default "%"
        Column with the percentages.
    xlabel : str
        Label of the horizontal axis of the last panel.
    population_width : int, default 52
        Wrap width of the population line in the panel titles.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per question, in table order; each has one bar per category
        (sum rows excluded).

    Raises
    ------
    KeyError
        If a required column or index level is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_tuples(
    ...     [("BIN Deelname", "Ja"), ("BIN Deelname", "Nee")],
    ...     names=["Variabele", "Categorie"])
    >>> table = pd.DataFrame({"Populatie": ["Wie het BIN kent"] * 2,
    ...                       "N": [496, 496], "%": [29.0, 71.0]}, index=index)
    >>> len(bin_participation_chart(table).axes)
    1
    """
    missing = [c for c in ("Populatie", "N", value_column) if c not in table.columns]
    if missing:
        raise KeyError(f"columns not in the table: {missing}")
    if list(table.index.names) != ["Variabele", "Categorie"]:
        raise KeyError("the index must have the levels 'Variabele' and 'Categorie'")
    keep = [not str(c).startswith(_SUM_PREFIX) for c in table.index.get_level_values("Categorie")]
    shown = table[keep]
    blocks = list(dict.fromkeys(shown.index.get_level_values("Variabele")))
    parts = [shown.xs(block, level="Variabele") for block in blocks]
    layouts = [rows_above(part.index, bar_height=0.2, gap=0.08) for part in parts]
    title_height = 0.5
    height = sum(layout.height + title_height for layout in layouts) + 0.7
    fig = BookFigure(figsize=(FIGURE_WIDTH, max(2.5, height)), layout="constrained")
    axes = fig.subplots(
        len(blocks),
        1,
        squeeze=False,
        height_ratios=[layout.height for layout in layouts],
    )[:, 0]
    for ax, block, part, layout in zip(axes, blocks, parts, layouts, strict=True):
        values = pd.to_numeric(part[value_column], errors="coerce").astype(float).to_numpy()
        colours = (
            list(DIVERGING_COLOURS)
            if len(part) == len(DIVERGING_COLOURS)
            else [REFERENCE_COLOURS[0]] * len(part)
        )
        bars = ax.barh(layout.bars, np.nan_to_num(values), height=layout.bar_height, color=colours)
        label_bars(ax, bars, values)
        top = np.nanmax(values) if np.any(~np.isnan(values)) else 0.0
        ax.set_xlim(0, min(100.0, np.ceil((float(top) + 8) / 10) * 10))
        labels_above(ax, layout)
        percent_axis(ax)
        style_axes(ax)
        n_valid = format_number(int(part["N"].iloc[0]))
        population = wrap_label(part["Populatie"].iloc[0], population_width)
        ax.set_title(f"{block} (N = {n_valid})\n{population}", loc="left", fontsize=SMALL_FONT)
    axes[-1].set_xlabel(xlabel)
    if title:
        fig.suptitle(title)
    return fig


def legend_on_top(fig: Figure, ncol: int = 5, fontsize: float = SMALL_FONT) -> Figure:
    """Move the legend of a chart above the plot, centred on the figure.

    :func:`diverging_likert_chart` centres its five-column legend on the
    axes; with long item labels the axes sit right of centre and the legend
    can run off the right edge. This helper replaces the axes legend by one
    figure legend in ``ncol`` columns, centred above the whole figure
    (constrained layout keeps it inside); when those columns are wider than
    the figure, the legend takes rows of three. The legend labels are kept as
    they are (already wrapped by the chart). Use it on a fresh chart.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A chart whose first axes carries a legend.
    ncol : int, default 5
        Columns of the new legend; five keeps a five-point scale in one row,
        read from left to right.
    fontsize : float, default SMALL_FONT
        Font size of the legend entries.

    Returns
    -------
    matplotlib.figure.Figure
        The same figure, for chaining.

    Raises
    ------
    ValueError
        If the figure has no axes legend to move.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame([[10.0, 20.0, 30.0, 25.0, 15.0]], index=["Item"],
    ...                      columns=["--", "-", "0", "+", "++"])
    >>> fig = legend_on_top(diverging_likert_chart(table))
    >>> len(fig.legends), fig.axes[0].get_legend() is None
    (1, True)
    """
    axes_with_legend = [ax for ax in fig.axes if ax.get_legend() is not None]
    if not axes_with_legend:
        raise ValueError("the figure has no axes legend to move")
    ax = axes_with_legend[0]
    handles, labels = ax.get_legend_handles_labels()
    for other in axes_with_legend:
        other.get_legend().remove()
    # Five entries in one row when they fit the width, else in rows of three.
    for columns in dict.fromkeys([ncol, min(ncol, 3)]):
        for legend in list(fig.legends):
            legend.remove()
        legend = fig.legend(
            handles,
            labels,
            loc="outside upper center",
            ncol=columns,
            frameon=False,
            fontsize=fontsize,
            **COMPACT_LEGEND,
        )
        if _legend_width(fig, legend) <= fig.get_figwidth():
            break
    return fig


def _legend_width(fig: Figure, legend) -> float:
    """Width of a legend in inches, as drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    return legend.get_window_extent(renderer).width / fig.dpi


class ChartImage:
    """A chart rendered for the book: SVG for the site, PDF for the printed book.

    Displayed in Jupyter (or glued with ``myst_nb.glue``) it offers three
    formats; the HTML build picks the SVG, the LaTeX build the PDF, and the
    student kit the PNG (JupyterLab shows only raster images as attachments
    of a Markdown cell). All are deterministic: no dates, no software
    version, a fixed hash salt (:data:`BOOK_RC`).
    """

    def __init__(self, svg: str, pdf: bytes, png: bytes | None = None) -> None:
        self.svg = svg
        self.pdf = pdf
        self.png = png

    @property
    def data(self) -> bytes:
        """The SVG as bytes."""
        return self.svg.encode("utf-8")

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_pdf_(self) -> bytes:
        return self.pdf

    def _repr_png_(self) -> bytes | None:
        return self.png

    def __repr__(self) -> str:
        return "<Figuur>"


def fit_width(fig: Figure, width: float = FIGURE_WIDTH, rounds: int = 4) -> Figure:
    """Narrow a figure until everything it draws fits ``width`` inches.

    Value labels beside the bars and legends above them may reach past the
    figure's edge; the saved image (cut to its content) would then be wider
    than :data:`FIGURE_WIDTH` and shrink more on a phone. The figure is
    narrowed by the excess, and laid out again, until it fits.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    width : float, default FIGURE_WIDTH
        Inches the drawn content may take.
    rounds : int, default 4
        Attempts (a new layout can move text a little).

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with matplotlib.rc_context(BOOK_RC):
        FigureCanvasAgg(fig)
        for _ in range(rounds):
            renderer = fig.canvas.get_renderer()
            fig.draw(renderer)
            drawn = fig.get_tightbbox(renderer).width
            if drawn <= width + 0.01:
                break
            fig.set_figwidth(max(2.0, fig.get_figwidth() - (drawn - width) - 0.02))
    return fig


def to_image(fig: Figure, dpi: int = 150) -> ChartImage:
    """Render a figure as SVG (site) and PDF (printed book) for display or glue.

    The figure is cut to its content (legends above the plot included). The
    SVG keeps its text as text and says how wide it is in points, so the
    browser shows it at its real size and shrinks it on a narrow screen. The
    files carry no date or software metadata: the bytes depend only on the
    figure (and the matplotlib version).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    dpi : int, default 150
        Resolution of the raster parts, if any (bars and text are vectors).

    Returns
    -------
    ChartImage
        Use ``glue("fig-key", to_image(fig), display=False)`` and paste it with
        ``{glue:figure}`` (caption, ``:name:`` and ``:alt:``) in Markdown.
    """
    pad = 0.06
    options = {"dpi": dpi, "bbox_inches": "tight", "pad_inches": pad}
    fit_width(fig, FIGURE_WIDTH - 2 * pad)
    with matplotlib.rc_context(BOOK_RC):
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None}, **options)
        pdf = io.BytesIO()
        fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "ModDate": None}, **options)
        png = io.BytesIO()
        fig.savefig(png, format="png", metadata={"Software": None}, **{**options, "dpi": 110})
    return ChartImage(svg.getvalue().decode("utf-8"), pdf.getvalue(), png.getvalue())
