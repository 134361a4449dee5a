"""The look shared by every chart of the book: colours, sizes and axes.

Public building blocks for the chart modules (:mod:`helpers.present.figures`
for the report's figures, :mod:`helpers.present.method_figures` for the
method chapters): a colour-blind-safe palette, a figure width that suits a
phone, wrapped labels, percentage axes in Flemish notation, value labels at
the end of bars and point estimates with their interval.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from helpers.notation import format_percent

__all__ = [
    "BookFigure",
    "DIVERGING_COLOURS",
    "FIGURE_WIDTH",
    "LABEL_WIDTH",
    "NEUTRAL_GREY",
    "REFERENCE_COLOURS",
    "interval_dots",
    "label_bars",
    "new_figure",
    "percent_axis",
    "style_axes",
    "wrap_label",
]

#: ColorBrewer PuOr (colour-blind safe), grey in the middle.
NEUTRAL_GREY = "#c4c4c4"
DIVERGING_COLOURS: tuple[str, ...] = ("#b35806", "#f1a340", NEUTRAL_GREY, "#998ec3", "#542788")
#: Okabe-Ito blue (this survey) and orange (the reference).
REFERENCE_COLOURS: tuple[str, ...] = ("#0072B2", "#E69F00")
#: Width in inches: fits a phone screen at the book's image scaling.
FIGURE_WIDTH = 7.0
LABEL_WIDTH = 34


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
                fontsize=8,
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
    returned by a cell showed as ``<Figure size 700x930 with 1 Axes>``. With
    ``_repr_png_`` the chart appears as an image in JupyterLab, with or
    without pyplot.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        return buffer.getvalue()


def new_figure(n_rows: int, row_height: float = 0.55, extra: float = 1.6) -> Figure:
    """Return an empty figure of the book's width, high enough for ``n_rows`` bars."""
    height = max(2.5, n_rows * row_height + extra)
    return BookFigure(figsize=(FIGURE_WIDTH, height), layout="constrained")
