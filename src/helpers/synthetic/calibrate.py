"""Find integer category counts that reproduce published percentages.

A report prints, for every item, the valid N and a whole-number percentage
for each answer category, often with extra "som" columns that add up some
categories (``Som oneens`` = ``Helemaal oneens`` + ``Oneens``). The synthetic
data must reproduce every printed cell. This module answers one question per
published row:

    Which integer counts, one per category and summing to N, give back every
    printed percentage after rounding?

The answer is found by an exact, exhaustive integer search; no sampling.

Rounding rule
    The report rounds half up: ``pct = floor((200 * count + n) / (2 * n))``,
    computed in integers so that 12.5 % never becomes 12 % through floating
    point error (:func:`rounded_percent`).

Search
    For every printed category the counts that round to its percentage form
    one contiguous range (:func:`count_range`). A depth-first search walks the
    categories in order, takes the last category as the remainder
    ``N - (sum of the others)``, and prunes a branch as soon as the remaining
    categories cannot reach N or a "som" cell is missed.

Impossible rows
    Some printed rows are mutually impossible (Tabel 3's residence duration
    sums to 102 %: no counts summing to N round to all four shares). The
    search then allows a total deviation budget ``D = 1, 2, ...`` (iterative
    deepening) and returns the counts with the smallest total absolute
    deviation between recomputed and printed percentages, over all printed
    cells of the row, "som" cells included.

Tie-break (documented, deterministic)
    Usually many count vectors reproduce a row equally well. Among those with
    the minimal total deviation the search picks the one whose *exact*
    shares lie closest to the printed figures: the smallest sum over printed
    cells of ``(100 * count - printed * n) ** 2`` (squared distance in units
    of 1/n percentage point, integer arithmetic). A remaining tie is broken
    by the lexicographically smallest count vector in category order.

Everything here is a pure function of its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Largest total deviation (in percentage points) the search will try before
#: giving up. Published rows are never more than a couple of points off.
MAX_DEVIATION_BUDGET = 10


def rounded_percent(count, n):
    """Return ``100 * count / n`` rounded half up to a whole number.

    Parameters
    ----------
    count : int
        Number of respondents in the category, ``0 <= count <= n``.
    n : int
        Valid N, positive.

    Returns
    -------
    int

    Examples
    --------
    >>> rounded_percent(1, 8)   # 12.5 % rounds up
    13
    >>> rounded_percent(646, 1219)
    53
    """
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    return (200 * count + n) // (2 * n)


def _ceil_div(a, b):
    return -((-a) // b)


def count_range(percent_low, percent_high, n):
    """Return the counts whose rounded percentage lies in a closed interval.

    Parameters
    ----------
    percent_low, percent_high : int
        Whole percentages, ``percent_low <= percent_high``.
    n : int
        Valid N.

    Returns
    -------
    tuple of int
        ``(lo, hi)``: every count ``c`` with ``lo <= c <= hi`` (and only
        those) has ``percent_low <= rounded_percent(c, n) <= percent_high``.
        ``lo > hi`` means no count does.

    Examples
    --------
    >>> count_range(5, 5, 1219)
    (55, 67)
    """
    # rounded_percent(c) >= p  <=>  200c + n >= 2np      <=>  c >= (2np - n) / 200
    # rounded_percent(c) <= q  <=>  200c + n <  2n(q+1)  <=>  c <  (2n(q+1) - n) / 200
    lo = max(0, _ceil_div(2 * n * percent_low - n, 200))
    hi = min(n, _ceil_div(2 * n * (percent_high + 1) - n, 200) - 1)
    return lo, hi


@dataclass(frozen=True)
class Row:
    """One published row: categories, their printed percentages, som cells.

    Parameters
    ----------
    n : int
        Valid N of the row (the counts must sum to it).
    categories : tuple of str
        Category names in code order.
    published : tuple of int or None
        Printed percentage per category; ``None`` where the report prints
        nothing for that category (for example "Man" when only the share of
        women is given).
    sums : tuple of (str, tuple of int, int)
        Printed "som" cells: ``(name, category positions, printed percent)``.
    """

    n: int
    categories: tuple
    published: tuple
    sums: tuple = ()

    def __post_init__(self):
        if len(self.categories) != len(self.published):
            raise ValueError("one printed value (or None) per category is required")
        if self.n <= 0:
            raise ValueError(f"n must be positive, got {self.n}")


@dataclass(frozen=True)
class Deviation:
    """A printed cell the calibrated counts do not reproduce."""

    cell: str
    published: int
    reproduced: int


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate_row`.

    Attributes
    ----------
    counts : dict
        ``{category: count}`` in category order; counts sum to ``row.n``.
    deviations : tuple of Deviation
        Printed cells that are not reproduced (empty for a feasible row).
    total_deviation : int
        Sum of the absolute deviations in percentage points.
    solutions : int
        Number of count vectors that reach ``total_deviation`` (how much
        freedom the printed figures leave).
    """

    counts: dict
    deviations: tuple = field(default_factory=tuple)
    total_deviation: int = 0
    solutions: int = 1


def _search(row, budget):
    """Enumerate every count vector whose total deviation is at most ``budget``.

    Yields ``(total_deviation, counts)`` with counts in category order.
    """
    n = row.n
    k = len(row.categories)
    # Printed categories first, unprinted ones last, so that the remainder
    # (derived) category is an unprinted one when there is one: enumerating
    # 0..n for an unprinted category would be wasteful.
    order = [i for i in range(k) if row.published[i] is not None]
    order += [i for i in range(k) if row.published[i] is None]
    position = {cat: pos for pos, cat in enumerate(order)}
    # A som cell can be checked once its last member (in search order) is set.
    sums_closed_at = {pos: [] for pos in range(k)}
    for _name, members, printed in row.sums:
        last = max(position[m] for m in members)
        sums_closed_at[last].append((members, printed))

    def allowed(i, b):
        p = row.published[i]
        if p is None:
            return 0, n
        return count_range(max(0, p - b), p + b, n)

    counts = [0] * k

    def dev_of(i, c):
        p = row.published[i]
        return 0 if p is None else abs(rounded_percent(c, n) - p)

    def close_sums(pos, b):
        """Deviation spent on som cells completed at this position, or None."""
        spent = 0
        for members, printed in sums_closed_at[pos]:
            spent += abs(rounded_percent(sum(counts[m] for m in members), n) - printed)
            if spent > b:
                return None
        return spent

    def walk(pos, remaining_n, b):
        i = order[pos]
        if pos == k - 1:  # the last category takes the remainder
            c = remaining_n
            d = dev_of(i, c)
            if d > b:
                return
            counts[i] = c
            s = close_sums(pos, b - d)
            if s is not None:
                yield budget - (b - d - s), tuple(counts)
            return
        lo, hi = allowed(i, b)
        # The categories after this one must be able to absorb the rest.
        rest = [allowed(order[q], b) for q in range(pos + 1, k)]
        rest_lo = sum(r[0] for r in rest)
        rest_hi = sum(r[1] for r in rest)
        lo = max(lo, remaining_n - rest_hi)
        hi = min(hi, remaining_n - rest_lo)
        for c in range(lo, hi + 1):
            d = dev_of(i, c)
            if d > b:
                continue
            counts[i] = c
            s = close_sums(pos, b - d)
            if s is None:
                continue
            yield from walk(pos + 1, remaining_n - c, b - d - s)

    yield from walk(0, n, budget)


def _closeness(row, counts):
    """Squared distance of exact shares from printed ones (tie-break key)."""
    n = row.n
    total = 0
    for c, p in zip(counts, row.published):
        if p is not None:
            total += (100 * c - p * n) ** 2
    for _name, members, p in row.sums:
        total += (100 * sum(counts[m] for m in members) - p * n) ** 2
    return total


def calibrate_row(row, max_budget=MAX_DEVIATION_BUDGET):
    """Find the counts that reproduce a published row (or come closest).

    Parameters
    ----------
    row : Row
        The published row.
    max_budget : int, default MAX_DEVIATION_BUDGET
        Largest total deviation (percentage points) to try.

    Returns
    -------
    Calibration

    Raises
    ------
    ValueError
        If no counts come within ``max_budget`` points.

    Examples
    --------
    >>> r = Row(n=20, categories=("Ja", "Nee"), published=(55, 45))
    >>> calibrate_row(r).counts
    {'Ja': 11, 'Nee': 9}
    """
    for budget in range(max_budget + 1):
        best_dev = None
        candidates = []
        for dev, counts in _search(row, budget):
            if best_dev is None or dev < best_dev:
                best_dev, candidates = dev, [counts]
            elif dev == best_dev:
                candidates.append(counts)
        if best_dev is None:
            continue
        chosen = min(candidates, key=lambda c: (_closeness(row, c), c))
        return Calibration(
            counts=dict(zip(row.categories, chosen)),
            deviations=tuple(row_deviations(row, chosen)),
            total_deviation=best_dev,
            solutions=len(candidates),
        )
    raise ValueError(f"no counts within {max_budget} points of the printed row {row}")


def row_deviations(row, counts):
    """List the printed cells that given counts do not reproduce.

    Parameters
    ----------
    row : Row
    counts : sequence of int
        One count per category, in category order.

    Returns
    -------
    list of Deviation
    """
    out = []
    for cat, c, p in zip(row.categories, counts, row.published):
        if p is not None and rounded_percent(c, row.n) != p:
            out.append(Deviation(cat, p, rounded_percent(c, row.n)))
    for name, members, p in row.sums:
        got = rounded_percent(sum(counts[m] for m in members), row.n)
        if got != p:
            out.append(Deviation(name, p, got))
    return out


def explain_infeasibility(row):
    """Say in one English sentence why a row cannot be reproduced exactly.

    Parameters
    ----------
    row : Row

    Returns
    -------
    str
        Empty if the row is feasible.
    """
    if feasible(row):
        return ""
    printed = [p for p in row.published if p is not None]
    ranges = [count_range(p, p, row.n) for p in row.published if p is not None]
    k = len(printed)
    total = sum(printed)
    if any(lo > hi for lo, hi in ranges):
        return f"no count out of N = {row.n} rounds to one of the printed shares"
    if k == len(row.published):
        low = sum(lo for lo, _ in ranges)
        high = sum(hi for _, hi in ranges)
        if low > row.n:
            return (
                f"printed shares sum to {total}%; the smallest counts that round to "
                f"each of them add up to {low}, more than N = {row.n}, so no set of "
                f"counts summing to N rounds to all {k}"
            )
        if high < row.n:
            return (
                f"printed shares sum to {total}%; the largest counts that round to "
                f"each of them add up to {high}, less than N = {row.n}, so no set of "
                f"counts summing to N rounds to all {k}"
            )
    if row.sums and feasible(Row(row.n, row.categories, row.published)):
        names = ", ".join(f"'{name}' ({p}%)" for name, _m, p in row.sums)
        return (
            f"the printed categories can be reproduced, but not together with "
            f"the printed sums {names}"
        )
    return f"no set of counts summing to N = {row.n} rounds to every printed cell"


def feasible(row):
    """Return True if some counts reproduce every printed cell of the row.

    Parameters
    ----------
    row : Row

    Returns
    -------
    bool
    """
    return next(_search(row, 0), None) is not None


def mean_rounds_to(total, n, target):
    """Return True if the mean ``total / n`` rounds half up to ``target``.

    Parameters
    ----------
    total : int
        Sum of the (integer) values.
    n : int
        Number of values.
    target : int
        Printed whole-number mean.

    Returns
    -------
    bool
    """
    return (2 * total + n) // (2 * n) == target


def adjust_total(values, target_total, low, high, order):
    """Shift integer values by one unit at a time until they sum to a target.

    Values are changed one unit at a time in the given order (cycling through
    it), never leaving ``[low, high]`` per value: a deterministic way to make
    generated ages hit a published mean without visibly changing their
    distribution.

    Parameters
    ----------
    values : sequence of int
    target_total : int
    low, high : sequence of int
        Bounds per value.
    order : sequence of int
        Positions in the order in which they may be adjusted.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        If the bounds make the target unreachable.
    """
    out = [int(v) for v in values]
    gap = target_total - sum(out)
    step = 1 if gap > 0 else -1
    if gap and not order:
        raise ValueError("nothing to adjust")
    while gap:
        moved = False
        for i in order:
            if gap == 0:
                break
            if low[i] <= out[i] + step <= high[i]:
                out[i] += step
                gap -= step
                moved = True
        if not moved:
            raise ValueError(f"target total {target_total} unreachable within the bounds")
    return out


# ---------------------------------------------------------------------------
# Published rows as printed in data/reference/report_figures.csv
# ---------------------------------------------------------------------------

#: Which answer codes each printed "som" column adds up.
SUM_MEMBERS = {
    "som oneens": (1, 2),
    "som eens": (4, 5),
    "som niet": (1, 2),
    "som wel": (4, 5),
    "som onverzorgd": (1, 2),
    "som verzorgd": (3, 4),
}


@dataclass(frozen=True)
class PublishedRow:
    """A published row together with where each cell sits in the figures file.

    Attributes
    ----------
    table, variable : str
        As in ``report_figures.csv``.
    codes : tuple of int
        Answer code of each category of ``row``.
    row : Row
        The numbers to reproduce.
    cells : dict
        ``{cell name: (row, column)}``: the ``row`` and ``column`` spelling of
        each printed category and som cell in ``report_figures.csv``.
    """

    table: str
    variable: str
    codes: tuple
    row: Row
    cells: dict


def published_rows(figures, value_labels, default_n):
    """Turn the report's figures into one :class:`PublishedRow` per variable.

    Parameters
    ----------
    figures : pandas.DataFrame
        ``report_figures.csv`` (columns table, variable, row, column, value,
        unit); ``row`` may be NaN or empty.
    value_labels : callable
        ``value_labels(variable) -> {code: label}`` (the harmonised codebook).
    default_n : int
        N for a variable printed without its own N (the share of women is
        given of all respondents).

    Returns
    -------
    list of PublishedRow
        In the order of first appearance in ``figures``; only variables with
        printed percentages.
    """
    out = []
    fig = figures.fillna({"row": "", "variable": ""})
    for (table, variable), grp in fig.groupby(["table", "variable"], sort=False):
        pct = grp[grp["unit"] == "percent"]
        if variable == "" or pct.empty:
            continue
        labels = value_labels(variable)
        by_label = {str(lab).casefold(): code for code, lab in labels.items()}
        n_rows = grp[grp["column"] == "N"]
        n = int(n_rows["value"].iloc[0]) if len(n_rows) else int(default_n)
        published = {code: None for code in labels}
        cells = {}
        sums = []
        for rec in pct.itertuples(index=False):
            # Tables 4, 5, 8 print categories as columns, the others as rows.
            name = rec.column if rec.column != "%" else rec.row
            key = str(name).casefold()
            if key in by_label:
                code = by_label[key]
                published[code] = int(rec.value)
                cells[labels[code]] = (rec.row, rec.column)
            elif key in SUM_MEMBERS:
                codes = list(labels)
                members = tuple(codes.index(c) for c in SUM_MEMBERS[key])
                sums.append((str(name), members, int(rec.value)))
                cells[str(name)] = (rec.row, rec.column)
            else:
                raise ValueError(f"{table} {variable}: unknown printed cell {name!r}")
        out.append(
            PublishedRow(
                table=table,
                variable=variable,
                codes=tuple(labels),
                row=Row(
                    n=n,
                    categories=tuple(labels.values()),
                    published=tuple(published.values()),
                    sums=tuple(sums),
                ),
                cells=cells,
            )
        )
    return out
