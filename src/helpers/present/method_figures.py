"""Charts of the method chapters: intervals, simulation, loadings, odds ratios.

Each function takes a frame from :mod:`helpers.analysis` and returns a
:class:`matplotlib.figure.Figure` in the book's style (see
:mod:`helpers.present.style`), built without pyplot.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from helpers.analysis.weighting import RECRUITMENT_MODES
from helpers.notation import format_number
from helpers.present.figures import legend_above
from helpers.present.style import (
    FIGURE_WIDTH,
    REFERENCE_COLOURS,
    SMALL_FONT,
    BookFigure,
    book_style,
    interval_dots,
    labels_above,
    new_figure,
    percent_axis,
    rows_above,
    style_axes,
    wrap_label,
)

__all__ = ["interval_chart", "loadings_heatmap", "odds_ratio_chart", "simulation_chart"]


@book_style
def interval_chart(long_table, xlabel="Percentage van de respondenten (95%-interval)"):
    """Draw percentages as dots with their Wilson interval as error bars.

    Parameters
    ----------
    long_table : pandas.DataFrame
        Output of :func:`helpers.analysis.uncertainty.add_intervals` (or
        :func:`~helpers.analysis.uncertainty.likert_table_with_ci`),
        usually one category per item (e.g. ``columns=["Som eens"]``). Rows
        are drawn top to bottom in table order; the label is the
        ``Stelling``, plus the ``Categorie`` when an item has several rows.
    xlabel : str
        Label of the horizontal axis.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one error bar per row.
    """

    table = long_table.dropna(subset=["%"])
    several = table["Stelling"].duplicated(keep=False)
    labels = [
        f"{s}: {c}" if dup else s
        for s, c, dup in zip(table["Stelling"], table["Categorie"], several, strict=True)
    ]
    layout = rows_above(labels, bar_height=0.16, gap=0.12)
    fig = new_figure(layout.height, row_height=1.0, extra=0.8)
    ax = fig.add_subplot()
    interval_dots(
        ax, layout.bars, table["%"], table["Ondergrens"], table["Bovengrens"], markersize=6
    )
    labels_above(ax, layout)
    low = float(np.floor(table["Ondergrens"].min() / 10) * 10)
    high = float(np.ceil(table["Bovengrens"].max() / 10) * 10)
    ax.set_xlim(max(0.0, low - 5), min(100.0, high + 5))
    percent_axis(ax)
    ax.set_xlabel(xlabel)
    style_axes(ax)
    return fig


@book_style
def loadings_heatmap(loadings, threshold=0.3):
    """Draw factor loadings as a heatmap (blue positive, orange negative).

    Parameters
    ----------
    loadings : pandas.DataFrame
        Output of :func:`helpers.analysis.reliability.factor_loadings`; columns ``F1``, ``F2``, ... are
        drawn (``Communaliteit`` is left out).
    threshold : float, default 0.3
        Loadings with an absolute value below this are drawn but not
        written in their cell, so the pattern stands out.

    Returns
    -------
    matplotlib.figure.Figure
    """

    factors = [c for c in loadings.columns if str(c).startswith("F")]
    values = loadings[factors].astype(float)
    annot = values.map(lambda v: f"{v:.2f}".replace(".", ",") if abs(v) >= threshold else "")
    fig = BookFigure(
        figsize=(FIGURE_WIDTH, max(3.0, 0.5 * len(values) + 1.5)), layout="constrained"
    )
    ax = fig.add_subplot()
    sns.heatmap(
        values,
        ax=ax,
        cmap="PuOr",
        vmin=-1,
        vmax=1,
        center=0,
        annot=annot,
        fmt="",
        annot_kws={"fontsize": SMALL_FONT},
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": "Lading", "shrink": 0.6},
        yticklabels=[wrap_label(label, 28) for label in values.index],
    )
    ax.set_xlabel("Factor")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=SMALL_FONT, length=0)
    ax.tick_params(axis="x", length=0)
    return fig


@book_style
def simulation_chart(results, xlabel="Geschat aandeel 'onverzorgd' (%)"):
    """Draw the spread of simulated estimates per recruitment mode.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`helpers.analysis.weighting.simulate_recruitment_bias`.
    xlabel : str
        Label of the horizontal axis.

    Returns
    -------
    matplotlib.figure.Figure
        Box plots of the unweighted and the raked estimates per mode, with a
        dashed vertical line at the population value.
    """

    long = results.melt(
        id_vars=["Wervingswijze", "replication", "truth"],
        value_vars=["ongewogen", "gewogen"],
        var_name="Schatting",
        value_name="estimate",
    ).dropna(subset=["estimate"])
    long["Schatting"] = long["Schatting"].map(
        {"ongewogen": "Ongewogen", "gewogen": "Gewogen (raking)"}
    )
    fig = new_figure(len(RECRUITMENT_MODES) * 2, row_height=0.55)
    ax = fig.add_subplot()
    sns.boxplot(
        data=long,
        x="estimate",
        y="Wervingswijze",
        hue="Schatting",
        ax=ax,
        palette=list(REFERENCE_COLOURS),
        fliersize=2,
        linewidth=0.8,
        order=list(RECRUITMENT_MODES.values()),
    )
    truth = float(results["truth"].iloc[0])
    ax.axvline(
        truth, color="#222222", linestyle="--", linewidth=1.2, label="Waarde in de populatie"
    )
    ax.set_ylabel("")
    percent_axis(ax)
    ax.set_xlabel(xlabel)
    style_axes(ax)
    ax.set_yticks(ax.get_yticks(), [wrap_label(t.get_text(), 14) for t in ax.get_yticklabels()])
    legend_above(ax)
    return fig


@book_style
def odds_ratio_chart(coefficients, xlabel="Odds ratio (95%-interval, logaritmische schaal)"):
    """Draw odds ratios with their confidence intervals (a forest plot).

    Parameters
    ----------
    coefficients : pandas.DataFrame
        ``OrdinalModelResult.coefficients``.
    xlabel : str

    Returns
    -------
    matplotlib.figure.Figure
        Dots with error bars on a log scale and a vertical line at 1 (no
        association).
    """

    table = coefficients.reset_index(drop=True)
    layout = rows_above(table["Term"], bar_height=0.16, gap=0.12)
    fig = new_figure(layout.height, row_height=1.0, extra=0.8)
    ax = fig.add_subplot()
    interval_dots(ax, layout.bars, table["OR"], table["OR ondergrens"], table["OR bovengrens"])
    ax.axvline(1.0, color="#222222", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    low = min(0.5, float(table["OR ondergrens"].min()) * 0.9)
    high = max(2.0, float(table["OR bovengrens"].max()) * 1.1)
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(0.25, 0.5, 1.0, 2.0, 4.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(v, 2)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    labels_above(ax, layout)
    ax.set_xlabel(xlabel)
    style_axes(ax)
    return fig
