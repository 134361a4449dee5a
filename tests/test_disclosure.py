"""Unit tests of the small-cell protection rules on hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.disclosure import (
    LONG_COLUMNS,
    THRESHOLD,
    collapse_categories,
    feasible_counts,
    is_small,
    pinned_cells,
    primary_suppression,
    protect_counts,
    protected_long_table,
)


def counts_frame(*rows, columns=("a", "b", "c")):
    """Counts with N = row sum, one row per tuple."""
    frame = pd.DataFrame(
        list(rows), columns=list(columns), index=[f"r{i}" for i in range(len(rows))]
    )
    frame.insert(0, "N", frame.sum(axis=1))
    return frame.astype(np.int64)


def hidden(mask, row="r0"):
    return [c for c in mask.columns if mask.loc[row, c]]


# ---------------------------------------------------------------------------
# Basic rules
# ---------------------------------------------------------------------------


def test_is_small_bounds():
    assert [is_small(v) for v in range(7)] == [False, True, True, True, True, False, False]
    assert is_small(np.array([0, 3, 5])).tolist() == [False, True, False]


def test_cell_of_three_is_hidden():
    counts = counts_frame((3, 20, 30))
    assert primary_suppression(counts).loc["r0", "a"]
    mask = protect_counts(counts)
    assert mask.loc["r0", "a"]
    assert not mask.loc["r0", "N"]


def test_single_hidden_cell_gets_a_partner():
    # A lone hidden cell would follow from N minus the shown cells.
    counts = counts_frame((3, 20, 30))
    mask = protect_counts(counts)
    assert hidden(mask) == ["a", "b"]  # the smallest other cell joins


@pytest.mark.parametrize(
    "row",
    [(3, 20, 30), (1, 7, 50), (4, 4, 90), (2, 0, 60), (1, 1, 98), (0, 4, 9), (4, 5, 5)],
)
def test_never_exactly_one_hidden_cell_and_hidden_total_not_small(row):
    counts = counts_frame(row)
    mask = protect_counts(counts)
    cells = hidden(mask)
    assert len(cells) != 1
    if cells:
        assert len(cells) >= 2
        assert sum(counts.loc["r0", c] for c in cells) >= THRESHOLD


def test_zero_is_not_used_as_the_partner():
    # Hiding the zero would leave the hidden total at 3.
    mask = protect_counts(counts_frame((3, 0, 97)))
    assert hidden(mask) == ["a", "c"]


def test_two_small_cells_that_together_reach_the_threshold():
    mask = protect_counts(counts_frame((2, 3, 95)))
    assert hidden(mask) == ["a", "b"]


def test_two_small_cells_below_the_threshold_take_a_third():
    mask = protect_counts(counts_frame((1, 1, 98)))
    assert hidden(mask) == ["a", "b", "c"]


@pytest.mark.parametrize("row", [(1, 0, 0), (2, 2, 0), (1, 1, 2)])
def test_rows_with_n_below_five_are_hidden_entirely(row):
    mask = protect_counts(counts_frame(row))
    assert mask.loc["r0"].all()  # N included


def test_zero_row_and_safe_row_show_everything():
    counts = counts_frame((0, 0, 0), (5, 10, 0))
    assert not protect_counts(counts).to_numpy().any()


def test_ties_use_column_order():
    mask = protect_counts(counts_frame((2, 9, 9)))
    assert hidden(mask) == ["a", "b"]


def test_counts_must_add_up_and_be_whole():
    bad = counts_frame((3, 20, 30))
    bad.loc["r0", "N"] = 60
    with pytest.raises(ValueError, match="add up"):
        protect_counts(bad)
    with pytest.raises(KeyError):
        protect_counts(bad.drop(columns="N"))
    negative = counts_frame((3, 20, 30))
    negative.loc["r0", ["a", "b"]] = [-1, 24]
    with pytest.raises(ValueError, match="non-negative"):
        protect_counts(negative)


# ---------------------------------------------------------------------------
# Collapsing
# ---------------------------------------------------------------------------


def test_collapse_five_to_three():
    five = counts_frame((1, 3, 10, 30, 6), columns=("ho", "o", "n", "e", "he"))
    three = collapse_categories(
        five, {"Som oneens": ["ho", "o"], "Neutraal": ["n"], "Som eens": ["e", "he"]}
    )
    assert list(three.columns) == ["N", "Som oneens", "Neutraal", "Som eens"]
    assert three.loc["r0"].tolist() == [50, 4, 10, 36]
    # The collapsed "Som oneens" is still small: it is hidden with a partner.
    assert hidden(protect_counts(three)) == ["Som oneens", "Neutraal"]


def test_collapse_needs_every_category_once():
    five = counts_frame((1, 3, 10), columns=("x", "y", "z"))
    with pytest.raises(ValueError):
        collapse_categories(five, {"xy": ["x", "y"]})
    with pytest.raises(ValueError):
        collapse_categories(five, {"xy": ["x", "y"], "yz": ["y", "z"]})


# ---------------------------------------------------------------------------
# The long table and what a reader can recover
# ---------------------------------------------------------------------------


def test_long_table_hides_percentages_and_intervals_together():
    counts = counts_frame((3, 20, 30), (1, 1, 2))
    long = protected_long_table(counts, protect_counts(counts))
    assert list(long.columns) == LONG_COLUMNS
    first = long.loc["r0"]
    assert first.loc[["a", "b"], ["%", "Van", "Tot"]].isna().all().all()
    assert first.loc["c", "%"] == 57.0  # 30 / 53, rounded half up
    assert first.loc["c", "Van"] < 57 < first.loc["c", "Tot"]
    assert long.loc["r0", "N"].tolist() == [53, 53, 53]
    second = long.loc["r1"]
    assert second["N"].isna().all() and second["%"].isna().all()


def test_feasible_counts_pins_a_lone_hidden_cell():
    # N = 40, shown 23% and 70%: the hidden cell can only be 3.
    assert feasible_counts(40, [None, 23, 70])[0] == {3}
    assert pinned_cells(40, [None, 23, 70]) == [0]


def test_feasible_counts_with_two_hidden_cells():
    feasible = feasible_counts(40, [None, None, 70])
    assert feasible[0] == feasible[1] == set(range(13))
    assert pinned_cells(40, [None, None, 70]) == []


def test_feasible_counts_uses_the_intervals():
    # 50 of 100: 50% with Wilson bounds 40% and 60%.
    assert feasible_counts(100, [50, None, None], [(40, 60), None, None])[0] == {50}
    assert feasible_counts(100, [50, 50], [(40, 60), (40, 60)]) == [{50}, {50}]


def shown_figures(long):
    """Per item: N and the shown percentages and bounds, as a reader sees them."""
    for item in long.index.get_level_values(0).unique():
        block = long.loc[item]
        if block["N"].isna().all():
            continue
        n = int(block["N"].iloc[0])
        pcts = [None if pd.isna(p) else int(p) for p in block["%"]]
        bounds = [
            None if pd.isna(lo) else (int(lo), int(hi))
            for lo, hi in zip(block["Van"], block["Tot"])
        ]
        yield item, n, pcts, bounds


def test_random_tables_never_reveal_a_small_cell():
    rng = np.random.default_rng(20200301)
    rows = []
    for _ in range(400):
        k = int(rng.integers(2, 6))
        n = int(rng.integers(0, 160))
        # Skewed shares so that small cells are common.
        shares = rng.dirichlet(np.full(k, 0.4))
        rows.append(tuple(rng.multinomial(n, shares)) + (0,) * (5 - k))
    counts = counts_frame(*rows, columns=("a", "b", "c", "d", "e"))
    mask = protect_counts(counts)
    long = protected_long_table(counts, mask)
    checked = 0
    for item, n, pcts, bounds in shown_figures(long):
        assert n == 0 or n >= THRESHOLD
        feasible = feasible_counts(n, pcts, bounds)
        assert all(feasible), f"{item}: figures inconsistent with the rounding model"
        assert pinned_cells(n, pcts, bounds) == [], item
        for value, pct, cell in zip(counts.loc[item].iloc[1:], pcts, counts.columns[1:]):
            if pct is not None:
                assert not is_small(int(value)), (item, cell)
        checked += 1
    assert checked > 300
