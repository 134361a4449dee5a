"""The look shared by every chart of the book: colours, sizes and axes.

Public building blocks for the chart modules (:mod:`helpers.present.figures`
for the report's figures, :mod:`helpers.present.method_figures` for the
method chapters): a colour-blind-safe palette, wrapped labels, percentage
axes in Flemish notation, value labels at the end of bars and point
estimates with their interval.

Sized for a phone first. A chart is :data:`FIGURE_WIDTH` inches wide and is
shown at that size (an SVG that says how wide it is, :func:`book_style`): on
a 1366 px screen it is as wide as it says, on a 390 px phone it shrinks to
about three quarters, so text of :data:`SMALL_FONT` points still reads at
about 9 CSS pixels (:func:`helpers.present.figures.to_image` keeps the saved
image, legends and labels included, within that width). Long labels sit above their bar, across the full width,
instead of taking half the width on the left (:func:`rows_above`).
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from helpers.notation import format_percent

__all__ = [
    "ABOVE_WIDTH",
    "BOOK_RC",
    "BookFigure",
    "DIVERGING_COLOURS",
    "FIGURE_WIDTH",
    "FONT_SIZE",
    "LABEL_WIDTH",
    "NEUTRAL_GREY",
    "REFERENCE_COLOURS",
    "SMALL_FONT",
    "RowLayout",
    "book_style",
    "interval_dots",
    "label_bars",
    "labels_above",
    "new_figure",
    "percent_axis",
    "rows_above",
    "style_axes",
    "wrap_label",
]

#: ColorBrewer PuOr (colour-blind safe), grey in the middle.
NEUTRAL_GREY = "#c4c4c4"
DIVERGING_COLOURS: tuple[str, ...] = ("#b35806", "#f1a340", NEUTRAL_GREY, "#998ec3", "#542788")
#: Okabe-Ito blue (this survey) and orange (the reference).
REFERENCE_COLOURS: tuple[str, ...] = ("#0072B2", "#E69F00")
#: Width in inches of every chart, legends and labels included: shown at
#: 442 CSS px on a wide screen and shrunk to the 342 px of a 390 px phone,
#: where text of :data:`SMALL_FONT` points is still 9.3 px.
FIGURE_WIDTH = 4.6
#: Text sizes in points: labels and axis titles, and the smallest text
#: (ticks, legends, values written on bars).
FONT_SIZE = 10
SMALL_FONT = 9
#: Wrap width (characters) of labels left of the axis, and above the bars.
LABEL_WIDTH = 34
ABOVE_WIDTH = 50

#: Matplotlib settings of every chart (applied by :func:`book_style`). SVG
#: text stays text (small files, sharp, searchable); the hash salt and the
#: missing date make the SVG identical on every run.
BOOK_RC: dict[str, object] = {
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": SMALL_FONT,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": SMALL_FONT,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Verdana", "Arial", "Helvetica"],
    "svg.fonttype": "none",
    "svg.hashsalt": "burgers-als-partners",
    "figure.dpi": 100,
}


def book_style(function: Callable) -> Callable:
    """Draw a chart with the book's Matplotlib settings (:data:`BOOK_RC`)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(BOOK_RC):
            return function(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class RowLayout:
    """Where the bars and their labels go when each label sits above its bar.

    Positions are in inches from the top of the plot: ``bars`` is the centre
    of each row's bar (or group of bars), ``labels_at`` the baseline of its
    label; ``height`` is the plot's height.
    """

    bars: np.ndarray
    labels_at: np.ndarray
    labels: list[str]
    height: float
    bar_height: float


def rows_above(
    labels: Sequence[object],
    *,
    bars_per_row: int = 1,
    bar_height: float = 0.2,
    gap: float = 0.14,
    width: int = ABOVE_WIDTH,
) -> RowLayout:
    """Lay out rows of bars with each (wrapped) label above its bar.

    Parameters
    ----------
    labels : sequence
        One label per row, top to bottom.
    bars_per_row : int, default 1
        Bars drawn in each row (2 for a survey next to its reference).
    bar_height : float, default 0.2
        Height of one bar, in inches.
    gap : float, default 0.14
        Space between a bar and the next row's label, in inches.
    width : int, default ABOVE_WIDTH
        Wrap width of the labels, in characters.

    Returns
    -------
    RowLayout

    Examples
    --------
    >>> layout = rows_above(["Kort", "Een label"])
    >>> layout.labels, [round(float(b), 2) for b in layout.bars]
    (['Kort', 'Een label'], [0.32, 0.89])
    """
    line = FONT_SIZE * 1.25 / 72
    wrapped = [wrap_label(label, width) for label in labels]
    bars, labels_at, top = [], [], 0.0
    block = bars_per_row * bar_height
    for text in wrapped:
        top += line * (text.count("\n") + 1) + 0.02
        labels_at.append(top)
        bars.append(top + 0.03 + block / 2)
        top += 0.03 + block + gap
    return RowLayout(np.array(bars), np.array(labels_at), wrapped, top, bar_height)


def labels_above(ax, layout: RowLayout) -> None:
    """Write each row's label above its bar, from the left edge of the plot.

    The labels are the axis's tick labels (so they are the chart's row
    labels to any reader of the figure), turned to start at the left edge
    and to sit on top of their row; the axis runs top to bottom in inches.
    """
    ax.set_yticks(layout.labels_at, layout.labels)
    ax.set_ylim(layout.height, 0)
    ax.tick_params(axis="y", length=0, pad=0)
    for text in ax.get_yticklabels():
        text.set_horizontalalignment("left")
        text.set_verticalalignment("bottom")
        text.set_fontsize(FONT_SIZE)
        # Grid lines and the zero line pass behind a label, not through it.
        text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6})


def wrap_label(label: object, width: int = LABEL_WIDTH) -> str:
    """Wrap a long label over several lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def label_bars(ax, bars, values, fmt=format_percent, offset=0.8):
    """Write each bar's value just right of its end (NaN bars stay bare)."""
    for bar, value in zip(bars, values, strict=True):
        if not np.isnan(value):
            ax.text(
                bar.get_width() + offset,
                bar.get_y() + bar.get_height() / 2,
                fmt(value),
                va="center",
                fontsize=SMALL_FONT,
            )


def interval_dots(ax, y, estimate, lower, upper, **kwargs):
    """Draw point estimates with their interval as horizontal error bars."""
    estimate = np.asarray(estimate, dtype=float)
    err = np.vstack(
        [estimate - np.asarray(lower, dtype=float), np.asarray(upper, dtype=float) - estimate]
    )
    ax.errorbar(
        estimate,
        y,
        xerr=err,
        fmt="o",
        color=REFERENCE_COLOURS[0],
        ecolor="#555555",
        elinewidth=1.5,
        capsize=4,
        **kwargs,
    )


def percent_axis(ax, decimals: int = 0, absolute: bool = False) -> None:
    """Label the horizontal axis with Flemish percentages (absolute values if asked)."""
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: format_percent(abs(x) if absolute else x, decimals))
    )


def style_axes(ax) -> None:
    """Give an axes the book's look: no box, a light vertical grid, no y ticks."""
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


class BookFigure(Figure):
    """A figure that shows itself in a notebook.

    The charts are made without pyplot (no global state), so Jupyter has no
    figure formatter for them unless something imported pyplot, and a chart
    returned by a cell showed as ``<Figure size 460x930 with 1 Axes>``. With
    ``_repr_png_`` the chart appears as an image in JupyterLab, with or
    without pyplot, drawn with the book's settings (:data:`BOOK_RC`).
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        with matplotlib.rc_context(BOOK_RC):
            self.savefig(
                buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None}
            )
        return buffer.getvalue()


def new_figure(n_rows: float, row_height: float = 0.55, extra: float = 1.6) -> Figure:
    """Return an empty figure of the book's width, high enough for ``n_rows`` bars.

    With ``row_height=1`` and ``n_rows`` a :class:`RowLayout`'s height, the
    plot is as high as the layout needs (``extra`` holds legend and axis).
    """
    height = max(2.0, n_rows * row_height + extra)
    return BookFigure(figsize=(FIGURE_WIDTH, height), layout="constrained")
