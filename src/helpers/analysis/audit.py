"""Codebook and reproduction-audit tables for the book's appendices.

Two groups of pure functions (DataFrame and metadata in, DataFrame out;
nothing is printed, read or written):

* **Codebook** (appendix B1): describe the processed SPSS file from its own
  metadata (:func:`codebook_overview`, :func:`value_label_sets`,
  :func:`missing_code_labels`, :func:`missing_code_counts`,
  :func:`item_availability`).
* **Reproduction audit** (appendix B2): present the cell-by-cell comparison
  of :func:`helpers.analysis.reproduction.published_vs_recomputed` per report table
  (:func:`audit_summary`, :func:`audit_detail`), check whether the printed
  percentages of a row can come from whole counts at all
  (:func:`row_consistency`, an exact integer check independent of the
  synthetic generator) and whether the printed reference distributions add
  up to 100 % within the rounding margin (:func:`reference_sums`).

Display frames have Dutch column names; computational frames keep English
ones. Numbers in generated Dutch text are formatted with
:func:`helpers.notation.format_number`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.analysis.counts import CATEGORY_SUMS
from helpers.analysis.reproduction import FIGURE_KEYS
from helpers.data import codebook, config
from helpers.notation import format_number

#: Tabel 1 and the interview counts of section 2.1, as printed in the report.
REPORT_TABLE1 = config.REPORT_TABLE1

#: SPSS measurement levels in Dutch.
MEASURE_NL = {"nominal": "nominaal", "ordinal": "ordinaal", "scale": "schaal"}

#: Statuses of :func:`helpers.analysis.reproduction.published_vs_recomputed` in Dutch.
STATUS_NL = {
    "match": "gelijk",
    "recorded deviation": "verklaard",
    "unexplained": "onverklaard",
    "stale record": "record overbodig",
    "drifted": "record verschoven",
    "record mismatch": "record klopt niet",
    "not recomputed": "niet herberekend",
}

#: Shown in an availability matrix.
ASKED_MARK = "✓"
NOT_ASKED_MARK = "–"
PARTLY_ASKED_MARK = "deels"

#: Unit suffixes of audit cells.
_UNIT_SUFFIX = {"percent": " (%)", "years": " (jaar)", "count": ""}

#: Cell labels of the report's sum columns -> the value set they belong to.
_SUM_LABELS = {
    label: (value_set, codes)
    for value_set, sums in CATEGORY_SUMS.items()
    for label, codes in sums.items()
}

MINUS = "\u2212"


def _signed(value):
    """Format an integer difference with a real minus sign (``−1``, ``+2``)."""
    return f"{MINUS}{format_number(-value)}" if value < 0 else f"+{format_number(value)}"


# ---------------------------------------------------------------------------
# Codebook
# ---------------------------------------------------------------------------


def _missing_ranges(meta, variable):
    """User-missing ranges of ``variable`` as ``[(lo, hi), ...]``."""
    ranges = []
    for spec in (meta.missing_ranges or {}).get(variable, []):
        if isinstance(spec, dict):
            ranges.append((spec["lo"], spec["hi"]))
        else:  # a discrete missing value
            ranges.append((spec, spec))
    return ranges


def _is_user_missing(values, ranges):
    mask = pd.Series(False, index=values.index)
    numeric = pd.to_numeric(values, errors="coerce")
    for lo, hi in ranges:
        mask |= numeric.between(lo, hi)
    return mask


def _is_system_missing(values):
    missing = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        missing |= values.astype(str).str.strip().eq("")
    return missing


def valid_counts(df, meta):
    """Count the valid values of every variable of an SPSS file.

    A value is valid when it is neither system-missing (empty) nor inside one
    of the variable's user-missing ranges (``meta.missing_ranges``).

    Parameters
    ----------
    df : pandas.DataFrame
        Data as read with user-missing values kept (codes, not labels).
    meta : pyreadstat.metadata_container
        The file's metadata (``missing_ranges``).

    Returns
    -------
    pandas.Series
        Python ints indexed by variable name, in file order.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> meta = SimpleNamespace(missing_ranges={"x": [{"lo": 96, "hi": 99}]})
    >>> valid_counts(pd.DataFrame({"x": [1, 2, 97, None]}), meta).to_dict()
    {'x': 2}
    """
    counts = {}
    for name in df.columns:
        values = df[name]
        invalid = _is_system_missing(values) | _is_user_missing(values, _missing_ranges(meta, name))
        counts[name] = int((~invalid).sum())
    return pd.Series(counts, dtype=object, name="Geldige N")


def _split_labels(meta, variable):
    """Valid and user-missing value labels of one variable (codes as ints)."""
    labels = (meta.variable_value_labels or {}).get(variable, {})
    ranges = _missing_ranges(meta, variable)
    valid, missing = {}, {}
    for code, label in labels.items():
        key = int(code) if float(code).is_integer() else code
        target = missing if any(lo <= code <= hi for lo, hi in ranges) else valid
        target[key] = label
    return valid, missing


def _format_labels(labels):
    return "; ".join(f"{code} = {label}" for code, label in labels.items())


def value_label_sets(meta):
    """Group the variables that share the same valid value labels.

    Labels of user-missing codes are left out (they are the same for every
    item; see :func:`missing_code_counts`). Sets are numbered W1, W2, ... in
    the order of their first variable in the file.

    Parameters
    ----------
    meta : pyreadstat.metadata_container
        ``column_names``, ``variable_value_labels`` and ``missing_ranges``.

    Returns
    -------
    pandas.DataFrame
        Index ``"Set"`` (W1, W2, ...); columns ``"Waarden"`` (``"1 = Man;
        2 = Vrouw"``), ``"Aantal variabelen"`` (int) and ``"Variabelen"``
        (names, comma-separated).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> meta = SimpleNamespace(column_names=["a", "b"], missing_ranges={},
    ...     variable_value_labels={"a": {1.0: "Ja", 2.0: "Nee"},
    ...                            "b": {1.0: "Ja", 2.0: "Nee"}})
    >>> value_label_sets(meta)["Variabelen"].tolist()
    ['a, b']
    """
    sets = {}
    for name in meta.column_names:
        valid, _missing = _split_labels(meta, name)
        if not valid:
            continue
        key = tuple(valid.items())
        sets.setdefault(key, []).append(name)
    rows = [
        {
            "Set": f"W{i}",
            "Waarden": _format_labels(dict(key)),
            "Aantal variabelen": len(names),
            "Variabelen": ", ".join(names),
        }
        for i, (key, names) in enumerate(sets.items(), start=1)
    ]
    table = pd.DataFrame(rows, columns=["Set", "Waarden", "Aantal variabelen", "Variabelen"])
    return table.astype({"Aantal variabelen": np.int64}).set_index("Set")


def _format_ranges(ranges):
    if not ranges:
        return ""
    parts = []
    for lo, hi in ranges:
        lo_text, hi_text = format_number(lo), format_number(hi)
        parts.append(lo_text if lo == hi else f"{lo_text}–{hi_text}")
    return ", ".join(parts)


def codebook_overview(df, meta, groups=None):
    """Describe every variable of an SPSS file in one row.

    Parameters
    ----------
    df : pandas.DataFrame
        Data with user-missing codes kept (used for the valid N only).
    meta : pyreadstat.metadata_container
        The file's metadata: variable labels, measurement levels, value
        labels and user-missing ranges.
    groups : dict, optional
        ``{variable: report table or block}``; by default the ``group`` of
        the harmonised codebook.

    Returns
    -------
    pandas.DataFrame
        Index ``"Variabele"`` (file order); columns ``"Label"``,
        ``"Meetniveau"`` (Dutch), ``"Waardelabels"`` (set of
        :func:`value_label_sets`, empty without value labels),
        ``"Ontbrekend"`` (user-missing codes, e.g. ``"96–99"``),
        ``"Geldige N"`` (int) and ``"Rapport"`` (report table or block).
    """
    if groups is None:
        groups = {
            name: spec["group"] for name, spec in codebook.load_codebook()["variables"].items()
        }
    sets = value_label_sets(meta)
    set_of = {
        name: set_id for set_id, names in sets["Variabelen"].items() for name in names.split(", ")
    }
    valid = valid_counts(df, meta)
    labels = dict(zip(meta.column_names, meta.column_labels))
    rows = []
    for name in meta.column_names:
        rows.append(
            {
                "Variabele": name,
                "Label": labels.get(name) or "",
                "Meetniveau": MEASURE_NL.get(meta.variable_measure.get(name, ""), ""),
                "Waardelabels": set_of.get(name, ""),
                "Ontbrekend": _format_ranges(_missing_ranges(meta, name)),
                "Geldige N": int(valid[name]),
                "Rapport": groups.get(name, ""),
            }
        )
    table = pd.DataFrame(rows).astype({"Geldige N": np.int64})
    return table.set_index("Variabele")


def missing_code_labels(meta):
    """List the user-missing codes with their value label.

    Parameters
    ----------
    meta : pyreadstat.metadata_container
        ``column_names``, ``variable_value_labels`` and ``missing_ranges``.

    Returns
    -------
    pandas.DataFrame
        Index ``"Code"`` (int, ascending); columns ``"Waardelabel"`` (the
        label used most often for that code; empty when unlabelled) and
        ``"Variabelen"`` (int: number of variables that declare the code as
        missing).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> meta = SimpleNamespace(column_names=["x"], missing_ranges={"x": [{"lo": 98, "hi": 99}]},
    ...                        variable_value_labels={"x": {1.0: "Ja", 99.0: "Geen antwoord"}})
    >>> missing_code_labels(meta).to_dict("index")
    {98: {'Waardelabel': '', 'Variabelen': 1}, 99: {'Waardelabel': 'Geen antwoord', 'Variabelen': 1}}
    """
    declared, labels = {}, {}
    for name in meta.column_names:
        ranges = _missing_ranges(meta, name)
        for lo, hi in ranges:
            if float(lo).is_integer() and float(hi).is_integer() and hi - lo <= 100:
                for code in range(int(lo), int(hi) + 1):
                    declared[code] = declared.get(code, 0) + 1
        _valid, missing = _split_labels(meta, name)
        for code, label in missing.items():
            labels.setdefault(int(code), []).append(label)
    rows = []
    for code in sorted(declared):
        names = labels.get(code, [])
        label = max(sorted(set(names)), key=names.count) if names else ""
        rows.append({"Code": code, "Waardelabel": label, "Variabelen": declared[code]})
    table = pd.DataFrame(rows, columns=["Code", "Waardelabel", "Variabelen"])
    return table.astype({"Code": np.int64, "Variabelen": np.int64}).set_index("Code")


def missing_code_counts(df, meta):
    """Count the valid values and every user-missing code per variable.

    Only variables with declared user-missing values are listed.

    Parameters
    ----------
    df : pandas.DataFrame
        Data with user-missing codes kept.
    meta : pyreadstat.metadata_container
        ``missing_ranges`` (discrete codes inside the ranges are the integer
        codes that carry a value label, plus any integer code observed).

    Returns
    -------
    pandas.DataFrame
        Index ``"Variabele"``; int columns ``"Geldig"``, one per user-missing
        code (``"96"``, ``"97"``, ...) and ``"Leeg"`` (system-missing). Each
        row sums to the number of rows of ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> meta = SimpleNamespace(column_names=["x"], variable_value_labels={},
    ...                        missing_ranges={"x": [{"lo": 98, "hi": 99}]})
    >>> missing_code_counts(pd.DataFrame({"x": [1, 98, 98, 99]}), meta).loc["x"].tolist()
    [1, 2, 1, 0]
    """
    with_missing = [n for n in meta.column_names if _missing_ranges(meta, n)]
    codes = set()
    for name in with_missing:
        ranges = _missing_ranges(meta, name)
        for lo, hi in ranges:
            if float(lo).is_integer() and float(hi).is_integer() and hi - lo <= 100:
                codes.update(range(int(lo), int(hi) + 1))
    codes = sorted(codes)
    rows = {}
    for name in with_missing:
        values = df[name]
        numeric = pd.to_numeric(values, errors="coerce")
        system = _is_system_missing(values)
        user = _is_user_missing(values, _missing_ranges(meta, name))
        row = {"Geldig": int((~system & ~user).sum())}
        for code in codes:
            row[str(code)] = int((numeric == code).sum())
        row["Leeg"] = int(system.sum())
        rows[name] = row
    columns = ["Geldig", *map(str, codes), "Leeg"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns).astype(np.int64)
    table.index.name = "Variabele"
    return table


def item_availability(
    df, variables, by="municipality", not_asked=codebook.NOT_ASKED, group_labels=None
):
    """Mark which items each group (municipality) asked.

    An item counts as not asked in a group when every row of that group holds
    the code ``not_asked`` (97: the item is absent from that group's file).
    This describes questionnaire coverage only, not answers.

    Parameters
    ----------
    df : pandas.DataFrame
        Data with user-missing codes kept.
    variables : list of str
        Items to check, in display order.
    by : str, default "municipality"
        Grouping column (codes).
    not_asked : int, default 97
        The "not asked" code.
    group_labels : dict, optional
        ``{code: column heading}``; by default the codes themselves.

    Returns
    -------
    pandas.DataFrame
        Index ``"Variabele"``; one column per group in code order with
        ``"✓"`` (asked), ``"–"`` (not asked) or ``"deels"`` (asked of part
        of the group), and ``"Gevraagd in"`` (int: number of groups that asked
        the item, fully or partly).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"m": [1, 1, 2], "q": [3, 4, 97]})
    >>> item_availability(df, ["q"], by="m").loc["q"].to_dict()
    {'1': '✓', '2': '–', 'Gevraagd in': 1}
    """
    group_labels = group_labels or {}
    groups = sorted(df[by].dropna().unique())
    rows = {}
    for name in variables:
        share = df[name].eq(not_asked).groupby(df[by]).mean()
        row = {}
        for group in groups:
            value = share.get(group, 0.0)
            mark = NOT_ASKED_MARK if value == 1 else ASKED_MARK if value == 0 else PARTLY_ASKED_MARK
            row[group_labels.get(group, str(group))] = mark
        row["Gevraagd in"] = sum(mark != NOT_ASKED_MARK for mark in row.values())
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["Gevraagd in"] = table["Gevraagd in"].astype(np.int64)
    table.index.name = "Variabele"
    return table


# ---------------------------------------------------------------------------
# Tabel 1 (interviews) in the format of the published figures
# ---------------------------------------------------------------------------


def report_table1_figures(expected):
    """Turn ``report_table1.csv`` into published cells like ``report_figures.csv``.

    Parameters
    ----------
    expected : pandas.DataFrame
        Columns ``table``, ``row``, ``function``, ``value``, ``unit`` (strings
        read with ``keep_default_na=False``).

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``variable`` (empty), ``row``, ``column`` (the
        function), ``value`` (int) and ``unit``; ready for
        :func:`helpers.analysis.reproduction.published_vs_recomputed`.
    """
    out = pd.DataFrame(
        {
            "table": expected["table"].astype(str),
            "variable": "",
            "row": expected["row"].astype(str),
            "column": expected["function"].astype(str),
            "value": expected["value"].astype(np.int64),
            "unit": expected["unit"].astype(str),
        }
    )
    return out.reset_index(drop=True)


def interview_figures(table, summary):
    """Turn the recomputed Tabel 1 and interview counts into cells.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`helpers.analysis.interviews.interview_table` (``Organisatie``,
        ``Functie``, ``Aantal``).
    summary : pandas.Series
        :func:`helpers.analysis.interviews.interview_summary` (``Interviews``,
        ``Respondenten``).

    Returns
    -------
    pandas.DataFrame
        Keys ``table`` ("Tabel 1", "Tekst 2.1"), ``variable``, ``row``,
        ``column`` and ``value`` (``Int64``), matching
        :func:`report_table1_figures`.
    """
    records = [
        ("Tabel 1", "", org, func, int(n))
        for org, func, n in zip(table["Organisatie"], table["Functie"], table["Aantal"])
    ]
    records += [("Tekst 2.1", "", key, "", int(value)) for key, value in summary.items()]
    out = pd.DataFrame(records, columns=[*FIGURE_KEYS, "value"])
    out["value"] = pd.array(out["value"].tolist(), dtype="Int64")
    return out


# ---------------------------------------------------------------------------
# Can the printed percentages of a row come from whole counts?
# ---------------------------------------------------------------------------


def count_bounds(percent, n):
    """Return the counts out of ``n`` that round half up to ``percent``.

    Parameters
    ----------
    percent : int
        Printed whole percentage.
    n : int
        Valid N (positive).

    Returns
    -------
    tuple of int
        ``(lo, hi)``: exactly the counts ``lo <= c <= hi`` print as
        ``percent``; ``lo > hi`` when no count does.

    Examples
    --------
    >>> count_bounds(62, 1219)
    (750, 761)
    >>> count_bounds(13, 8)   # 1 of 8 is 12.5 %, rounded up
    (1, 1)
    """
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    # floor((200c + n) / 2n) == p  <=>  n(2p - 1) <= 200c < n(2p + 1)
    lo = max(0, math.ceil(n * (2 * percent - 1) / 200))
    hi = min(n, (n * (2 * percent + 1) - 1) // 200)
    return lo, hi


def _cell_label(record):
    return record.column if record.column != "%" else record.row


def row_consistency(figures, value_labels=None):
    """Check, per printed row, whether whole counts can give every percentage.

    For each variable of each report table with a printed N, every printed
    category percentage allows a range of counts (:func:`count_bounds`);
    a printed sum ("Som eens" = categories 4 + 5) narrows the range of the
    sum of its members. The sums cover disjoint categories, so the row can be
    reproduced exactly if and only if N lies between the smallest and the
    largest possible total. This is exact integer arithmetic and independent
    of the synthetic generator.

    Parameters
    ----------
    figures : pandas.DataFrame
        Published cells (:func:`helpers.analysis.reproduction.load_report_figures`).
    value_labels : callable, optional
        ``value_labels(variable) -> {code: label}``; defaults to the
        codebook's.

    Returns
    -------
    pandas.DataFrame
        One row per (table, variable) with printed percentages and an N, in
        the order of ``figures``: ``table``, ``variable``, ``n``,
        ``categories`` (number of value labels), ``printed`` (number of
        printed categories), ``printed_sum`` (sum of the printed category
        percentages), ``min_total``, ``max_total`` (ints) and ``feasible``
        (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> figures = pd.DataFrame({
    ...     "table": ["T"] * 3, "variable": ["bin_known"] * 3,
    ...     "row": ["", "Ja", "Nee"], "column": ["N", "%", "%"],
    ...     "value": [3, 67, 33], "unit": ["count", "percent", "percent"]})
    >>> row = row_consistency(figures).iloc[0]
    >>> row[["printed_sum", "min_total", "max_total", "feasible"]].to_dict()
    {'printed_sum': 100, 'min_total': 3, 'max_total': 3, 'feasible': True}
    """
    value_labels = value_labels or codebook.value_labels
    records = []
    for (table, variable), cells in figures.groupby(["table", "variable"], sort=False):
        n_cells = cells[cells["column"] == "N"]
        pct = cells[cells["unit"] == "percent"]
        if variable == "" or n_cells.empty or pct.empty:
            continue
        n = int(n_cells["value"].iloc[0])
        labels = value_labels(variable)
        code_of = {label: code for code, label in labels.items()}
        bounds = {code: (0, n) for code in labels}
        printed = {}
        group_bounds = []
        for cell in pct.itertuples(index=False):
            label = _cell_label(cell)
            if label in code_of:
                printed[code_of[label]] = int(cell.value)
                bounds[code_of[label]] = count_bounds(int(cell.value), n)
            elif label in _SUM_LABELS:
                group_bounds.append((_SUM_LABELS[label][1], count_bounds(int(cell.value), n)))
            else:
                raise ValueError(f"{table} {variable}: unknown printed cell {label!r}")
        if any(lo > hi for lo, hi in bounds.values()) or any(
            lo > hi for _codes, (lo, hi) in group_bounds
        ):
            min_total, max_total = n + 1, -1  # some single cell is impossible
        else:
            grouped = set()
            min_total = max_total = 0
            for codes, (lo, hi) in group_bounds:
                members = [c for c in codes if c in bounds]
                grouped.update(members)
                member_lo = sum(bounds[c][0] for c in members)
                member_hi = sum(bounds[c][1] for c in members)
                min_total += max(lo, member_lo)
                max_total += min(hi, member_hi)
                if max(lo, member_lo) > min(hi, member_hi):
                    min_total, max_total = n + 1, -1
                    break
            else:
                for code, (lo, hi) in bounds.items():
                    if code not in grouped:
                        min_total += lo
                        max_total += hi
        records.append(
            {
                "table": table,
                "variable": variable,
                "n": n,
                "categories": len(labels),
                "printed": len(printed),
                "printed_sum": sum(printed.values()),
                "min_total": int(min_total),
                "max_total": int(max_total),
                "feasible": bool(min_total <= n <= max_total),
            }
        )
    columns = [
        "table",
        "variable",
        "n",
        "categories",
        "printed",
        "printed_sum",
        "min_total",
        "max_total",
        "feasible",
    ]
    return pd.DataFrame(records, columns=columns)


def explain_row_nl(consistency_row):
    """Say in Dutch why a printed row can or cannot come from whole counts.

    Parameters
    ----------
    consistency_row : mapping
        One row of :func:`row_consistency`.

    Returns
    -------
    str
        One or two Dutch sentences with the numbers filled in.
    """
    r = consistency_row
    n, total = int(r["n"]), int(r["printed_sum"])
    complete = int(r["printed"]) == int(r["categories"])
    if r["feasible"]:
        return (
            f"De gedrukte percentages tellen op tot {format_number(total)}%, maar er "
            f"bestaan hele aantallen met som N = {format_number(n)} die op elk ervan "
            "afronden."
        )
    if complete and r["min_total"] > n and r["max_total"] >= r["min_total"]:
        return (
            f"De gedrukte categorieën tellen op tot {format_number(total)}%. De kleinste "
            f"aantallen die op elk percentage afronden, tellen samen al op tot "
            f"{format_number(int(r['min_total']))}, meer dan N = {format_number(n)}: "
            "geen enkele verdeling geeft alle gedrukte cijfers."
        )
    if complete and 0 <= r["max_total"] < n:
        return (
            f"De gedrukte categorieën tellen op tot {format_number(total)}%. De grootste "
            f"aantallen die op elk percentage afronden, tellen samen maar op tot "
            f"{format_number(int(r['max_total']))}, minder dan N = {format_number(n)}: "
            "geen enkele verdeling geeft alle gedrukte cijfers."
        )
    return (
        "Geen enkele verdeling van hele aantallen met som N = "
        f"{format_number(n)} geeft alle gedrukte cijfers van deze rij tegelijk "
        "(categorieën en somkolommen samen)."
    )


# ---------------------------------------------------------------------------
# Presenting the audit
# ---------------------------------------------------------------------------


def audit_summary(audit):
    """Count the audited cells per report table and status.

    Parameters
    ----------
    audit : pandas.DataFrame
        :func:`helpers.analysis.reproduction.published_vs_recomputed` (``table``,
        ``status``).

    Returns
    -------
    pandas.DataFrame
        Index ``"Bron"`` (report tables in order of appearance, then a row
        ``"Totaal"``); int columns ``"Cellen"``, ``"Gelijk"``,
        ``"Verklaarde afwijking"`` and ``"Andere status"`` (every status
        other than these two: must be zero).

    Examples
    --------
    >>> import pandas as pd
    >>> audit = pd.DataFrame({"table": ["T", "T"], "status": ["match", "unexplained"]})
    >>> audit_summary(audit).loc["Totaal"].tolist()
    [2, 1, 0, 1]
    """
    order = list(dict.fromkeys(audit["table"]))
    status = audit["status"]
    counts = (
        pd.DataFrame(
            {
                "Cellen": audit.groupby("table", sort=False).size(),
                "Gelijk": status.eq("match").groupby(audit["table"], sort=False).sum(),
                "Verklaarde afwijking": status.eq("recorded deviation")
                .groupby(audit["table"], sort=False)
                .sum(),
            }
        )
        .reindex(order)
        .fillna(0)
    )
    counts["Andere status"] = counts["Cellen"] - counts["Gelijk"] - counts["Verklaarde afwijking"]
    counts = counts.astype(np.int64)
    counts.loc["Totaal"] = counts.sum()
    counts.index.name = "Bron"
    return counts.astype(np.int64)


def _part_and_cell(record, variable_label):
    part = variable_label(record.variable) if record.variable else record.row
    if record.column == "%":
        cell = record.row
    elif record.column == "":
        cell = "Aantal"
    else:
        cell = record.column
    return part, cell + _UNIT_SUFFIX.get(record.unit, "")


def audit_detail(audit, table, reasons=None, variable_label=None, flat=False):
    """Show the audited cells of one report table, cell by cell, in Dutch.

    Parameters
    ----------
    audit : pandas.DataFrame
        :func:`helpers.analysis.reproduction.published_vs_recomputed`.
    table : str
        Report table (``"Tabel 3"``) or text section (``"Tekst 2.2.3"``);
        a list of them gives one frame for all.
    reasons : dict, optional
        ``{(table, variable): Dutch explanation}`` shown for every cell of
        that row that is not reproduced (e.g. from :func:`explain_row_nl`).
        Without an entry the recorded (English) reason is shown.
    variable_label : callable, optional
        ``variable_label(name) -> str``; defaults to the codebook's.
    flat : bool, default False
        One index level ``"Cel"`` reading ``"Tabel 3 · Uitzicht buurt ·
        Heel onverzorgd (%)"`` instead of two levels (narrower, for a list of
        cells from several tables).

    Returns
    -------
    pandas.DataFrame
        Index (``"Onderdeel"``, ``"Cel"``): the variable or item and the
        printed cell (with its unit); with ``flat=True`` one level ``"Cel"``. Columns ``"Gepubliceerd"``,
        ``"Herberekend"`` (``Int64``), ``"≠"`` (empty, or the difference
        recomputed minus published, e.g. ``"≠ −1"``), ``"Status"`` (Dutch)
        and ``"Reden"`` (empty for reproduced cells).
    """
    tables = [table] if isinstance(table, str) else list(table)
    variable_label = variable_label or codebook.variable_label
    reasons = reasons or {}
    rows = audit[audit["table"].isin(tables)]
    if rows.empty:
        raise ValueError(f"no audited cells for {tables}")
    index, data = [], []
    for r in rows.itertuples(index=False):
        index.append(_part_and_cell(r, variable_label))
        differs = not (pd.notna(r.recomputed) and r.recomputed == r.published)
        marker = ""
        if differs and pd.notna(r.recomputed):
            marker = f"≠ {_signed(int(r.recomputed) - int(r.published))}"
        elif differs:
            marker = "≠"
        reason = ""
        if differs or r.status != "match":
            reason = reasons.get((r.table, r.variable)) or str(r.reason or "")
        data.append(
            {
                "Gepubliceerd": r.published,
                "Herberekend": r.recomputed,
                "≠": marker,
                "Status": STATUS_NL.get(r.status, r.status),
                "Reden": reason,
            }
        )
    if flat:
        sources = list(rows["table"])
        labels = [f"{source} · {part} · {cell}" for source, (part, cell) in zip(sources, index)]
        out = pd.DataFrame(data, index=pd.Index(labels, name="Cel"))
    else:
        out = pd.DataFrame(data, index=pd.MultiIndex.from_tuples(index, names=["Onderdeel", "Cel"]))
    for column in ("Gepubliceerd", "Herberekend"):
        out[column] = pd.array(out[column].tolist(), dtype="Int64")
    return out


def reference_sums(reference, value_labels=None):
    """Check whether each printed reference distribution adds up to 100 %.

    Whole percentages rounded to the nearest integer each differ at most half
    a point from the exact share, so the printed shares of a complete
    distribution of ``k`` categories add up to 100 give or take ``k / 2``.
    A larger gap cannot come from rounding alone (a category is missing, or
    a figure is misprinted).

    Parameters
    ----------
    reference : pandas.DataFrame
        :func:`helpers.analysis.comparison.load_reference` (``table``, ``variable``,
        ``category``, ``percent``).
    value_labels : callable, optional
        ``value_labels(variable) -> {code: label}``; defaults to the
        codebook's. Only distributions that print every category are
        checked; sum rows ("Som ...") are ignored.

    Returns
    -------
    pandas.DataFrame
        One row per complete distribution: ``table``, ``variable``,
        ``categories`` (int), ``printed_sum`` (int), ``gap`` (printed sum
        minus 100), ``margin`` (``k / 2``, float), ``within_margin`` (bool:
        ``|gap| <= k / 2``) and ``at_margin`` (bool: ``|gap| == k / 2``,
        possible only if every exact share ends in exactly half a point).

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"table": ["T"] * 2, "variable": ["bin_known"] * 2,
    ...                     "category": ["Ja", "Nee"], "percent": [44, 54]})
    >>> reference_sums(ref)[["printed_sum", "gap", "within_margin"]].iloc[0].to_dict()
    {'printed_sum': 98, 'gap': -2, 'within_margin': False}
    """
    value_labels = value_labels or codebook.value_labels
    records = []
    for (table, variable), block in reference.groupby(["table", "variable"], sort=False):
        if not variable:
            continue
        labels = list(value_labels(variable).values())
        printed = block[block["category"].isin(labels)]
        if len(printed) != len(labels):
            continue
        total = int(printed["percent"].sum())
        k = len(labels)
        records.append(
            {
                "table": table,
                "variable": variable,
                "categories": k,
                "printed_sum": total,
                "gap": total - 100,
                "margin": k / 2,
                "within_margin": bool(abs(total - 100) <= k / 2),
                "at_margin": bool(abs(total - 100) == k / 2),
            }
        )
    columns = [
        "table",
        "variable",
        "categories",
        "printed_sum",
        "gap",
        "margin",
        "within_margin",
        "at_margin",
    ]
    return pd.DataFrame(records, columns=columns)
