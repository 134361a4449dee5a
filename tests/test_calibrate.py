"""Unit tests of the exact count calibration, on small hand-made rows."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from helpers.synthetic.calibrate import (
    Row,
    adjust_total,
    calibrate_row,
    count_range,
    explain_infeasibility,
    feasible,
    mean_rounds_to,
    published_rows,
    rounded_percent,
    row_deviations,
)
from helpers.synthetic.truth import assign_by_rank


def _half_up(count, n):
    return int((Decimal(100 * count) / Decimal(n)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- rounding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "n", "expected"),
    [(1, 8, 13), (3, 8, 38), (1, 200, 1), (1, 40, 3), (0, 7, 0), (7, 7, 100), (646, 1219, 53)],
)
def test_rounded_percent_rounds_half_up(count, n, expected):
    # 1/8 = 12.5 %, 3/8 = 37.5 %, 1/200 = 0.5 %, 1/40 = 2.5 %: the half goes up.
    assert rounded_percent(count, n) == expected


def test_rounded_percent_equals_decimal_half_up_for_every_small_fraction():
    for n in range(1, 121):
        for count in range(n + 1):
            assert rounded_percent(count, n) == _half_up(count, n), (count, n)


def test_rounded_percent_rejects_zero_n():
    with pytest.raises(ValueError):
        rounded_percent(0, 0)


def test_count_range_is_exactly_the_counts_that_round_into_the_interval():
    for n in (1, 7, 19, 96, 973, 1219):
        for low, high in ((0, 0), (5, 5), (20, 21), (50, 50), (99, 100), (37, 36)):
            lo, hi = count_range(low, high, n)
            expected = [c for c in range(n + 1) if low <= rounded_percent(c, n) <= high]
            assert list(range(lo, hi + 1)) == expected, (n, low, high)


# --- exact search against brute force ---------------------------------------


def _brute_force(row):
    """Enumerate every count vector; return (min deviation, solutions, chosen)."""
    k = len(row.categories)
    best, solutions = None, []
    for head in itertools.product(range(row.n + 1), repeat=k - 1):
        last = row.n - sum(head)
        if last < 0:
            continue
        counts = (*head, last)
        dev = sum(abs(d.published - d.reproduced) for d in row_deviations(row, counts))
        if best is None or dev < best:
            best, solutions = dev, [counts]
        elif dev == best:
            solutions.append(counts)

    def closeness(c):
        total = sum((100 * x - p * row.n) ** 2 for x, p in zip(c, row.published) if p is not None)
        total += sum(
            (100 * sum(c[m] for m in members) - p * row.n) ** 2 for _name, members, p in row.sums
        )
        return total

    return best, solutions, min(solutions, key=lambda c: (closeness(c), c))


SMALL_ROWS = [
    Row(7, ("a", "b", "c"), (14, 29, 57)),
    Row(9, ("a", "b", "c"), (33, 33, 33)),  # sums to 99 %, feasible
    Row(6, ("a", "b", "c"), (17, 17, 67)),  # sums to 101 %, feasible
    Row(11, ("a", "b", "c", "d"), (10, 20, 30, 45)),  # impossible
    Row(8, ("a", "b", "c"), (13, 13, 75), (("Som ab", (0, 1), 26),)),  # som conflicts
    Row(
        12,
        ("a", "b", "c", "d", "e"),
        (8, 17, 25, 33, 17),
        (("Som oneens", (0, 1), 25), ("Som eens", (3, 4), 50)),
    ),
    Row(10, ("Man", "Vrouw"), (None, 60)),
    Row(13, ("a", "b", "c", "d"), (8, None, 46, 31)),
]


@pytest.mark.parametrize("row", SMALL_ROWS)
def test_search_agrees_with_brute_force(row):
    best, solutions, chosen = _brute_force(row)
    result = calibrate_row(row)
    assert result.total_deviation == best
    assert result.solutions == len(solutions)
    assert tuple(result.counts.values()) == chosen
    assert sum(result.counts.values()) == row.n


def test_feasible_row_is_reproduced_exactly():
    # 1,201 respondents, printed as in Tabel 4 of a report.
    row = Row(
        1201,
        ("1", "2", "3", "4", "5"),
        (2, 4, 9, 43, 42),
        (("Som oneens", (0, 1), 6), ("Som eens", (3, 4), 85)),
    )
    result = calibrate_row(row)
    counts = list(result.counts.values())
    assert sum(counts) == 1201
    assert [rounded_percent(c, 1201) for c in counts] == [2, 4, 9, 43, 42]
    assert rounded_percent(counts[0] + counts[1], 1201) == 6
    assert rounded_percent(counts[3] + counts[4], 1201) == 85
    assert result.deviations == ()
    assert feasible(row)
    assert explain_infeasibility(row) == ""


def test_impossible_row_returns_closest_counts_and_the_deviation():
    row = Row(1219, ("<1", "1-5", "6-10", ">10"), (5, 20, 15, 62))
    assert not feasible(row)
    result = calibrate_row(row)
    counts = list(result.counts.values())
    assert sum(counts) == 1219
    assert result.total_deviation == 1
    (dev,) = result.deviations
    assert abs(dev.published - dev.reproduced) == 1
    # Every other cell is reproduced.
    reproduced = [rounded_percent(c, 1219) for c in counts]
    assert sum(r != p for r, p in zip(reproduced, row.published)) == 1
    assert "102%" in explain_infeasibility(row)
    assert "1220" in explain_infeasibility(row)


def test_conflicting_sum_is_explained():
    row = SMALL_ROWS[4]
    result = calibrate_row(row)
    assert result.total_deviation == 1
    assert "sums" in explain_infeasibility(row)


def test_search_is_deterministic():
    row = Row(973, ("Ja", "Nee"), (54, 46))
    first, second = calibrate_row(row), calibrate_row(Row(973, ("Ja", "Nee"), (54, 46)))
    assert first == second
    assert first.solutions > 1  # a choice was made, and made the same way twice


def test_tie_break_prefers_counts_whose_exact_shares_are_closest():
    # 54 % of 973 is 525.42: of all counts that round to 54 %, 525 is closest.
    result = calibrate_row(Row(973, ("Ja", "Nee"), (54, 46)))
    assert result.counts == {"Ja": 525, "Nee": 448}
    assert result.solutions == len(
        range(count_range(54, 54, 973)[0], count_range(54, 54, 973)[1] + 1)
    )


def test_published_rows_reads_both_table_layouts():
    figures = pd.DataFrame(
        [
            ("Tekst", np.nan, "Alle", "N", 20, "count"),
            ("Tabel X", "bin_known", "BIN Kennis", "N", 20, "count"),
            ("Tabel X", "bin_known", "Ja", "%", 55, "percent"),
            ("Tabel X", "bin_known", "Nee", "%", 45, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "N", 10, "count"),
            ("Tabel Y", "role_fun", "Leuk", "Helemaal oneens", 10, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "Oneens", 10, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "Niet eens, niet oneens", 30, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "Eens", 30, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "Helemaal eens", 20, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "Som oneens", 20, "percent"),
            ("Tabel Y", "role_fun", "Leuk", "Som eens", 50, "percent"),
            ("Tekst", "gender", "Vrouw", "%", 50, "percent"),
        ],
        columns=["table", "variable", "row", "column", "value", "unit"],
    )
    from helpers.data import codebook

    rows = {r.variable: r for r in published_rows(figures, codebook.value_labels, 20)}
    assert rows["bin_known"].row == Row(20, ("Ja", "Nee"), (55, 45))
    assert rows["bin_known"].cells["Nee"] == ("Nee", "%")
    fun = rows["role_fun"]
    assert fun.row.n == 10
    assert fun.row.published == (10, 10, 30, 30, 20)
    assert dict((name, members) for name, members, _p in fun.row.sums) == {
        "Som oneens": (0, 1),
        "Som eens": (3, 4),
    }
    assert fun.cells["Som eens"] == ("Leuk", "Som eens")
    assert rows["gender"].row == Row(20, ("Man", "Vrouw"), (None, 50))
    assert calibrate_row(fun.row).counts == dict(zip(fun.row.categories, (1, 1, 3, 3, 2)))


# --- means and rank assignment ---------------------------------------------


def test_mean_rounds_half_up():
    assert mean_rounds_to(95, 2, 48)  # 47.5 -> 48
    assert not mean_rounds_to(94, 2, 48)  # 47.0
    assert not mean_rounds_to(97, 2, 48)  # 48.5 -> 49


def test_adjust_total_hits_target_within_bounds():
    values = [20, 30, 40, 50]
    out = adjust_total(values, 150, [18, 18, 18, 18], [45, 45, 45, 60], [3, 2, 1, 0])
    assert sum(out) == 150
    assert all(18 <= v <= hi for v, hi in zip(out, [45, 45, 45, 60]))
    assert max(abs(a - b) for a, b in zip(out, values)) <= 3
    with pytest.raises(ValueError):
        adjust_total(values, 1000, [0] * 4, [60] * 4, [0, 1, 2, 3])


def test_assign_by_rank_hits_counts_and_follows_the_index():
    rng = np.random.default_rng(1)
    index = rng.standard_normal(50)
    codes = assign_by_rank(index, {1: 5, 2: 20, 3: 25})
    assert np.bincount(codes)[1:].tolist() == [5, 20, 25]
    order = np.argsort(index)
    assert (np.diff(codes[order]) >= 0).all()
    with pytest.raises(ValueError):
        assign_by_rank(index, {1: 5})
