"""The report's tables, rebuilt from the processed survey and the interviews.

Every builder is a pure function: a DataFrame goes in, a DataFrame comes out;
nothing is printed and nothing is cached between calls. Column names and
category labels are the report's Dutch ones, taken from the codebook
(:mod:`helpers.codebook`).

Conventions shared by all survey tables:

* Tables are built on the **valid** answers of each item: the codes listed
  in the item's value labels. The user-missing codes 96-99 and NaN are left
  out of the denominator; any other value is an error.
* Percentages are whole numbers rounded half up on exact integers,
  ``floor((200 * count + n) / (2 * n))`` (:func:`round_half_up_percent`),
  never with Python's :func:`round` (banker's rounding) or float arithmetic.
* The report's sum columns ("Som eens", "Som wel", "Som verzorgd", ...) are
  computed from the summed **counts** and then rounded, which is why a
  printed sum can differ from the sum of its printed parts.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from numbers import Integral

import numpy as np
import pandas as pd

from helpers import codebook, config

#: User-missing codes of every categorical item (see ``codebook.yaml``).
MISSING_CODES = (
    codebook.NOT_APPLICABLE,
    codebook.NOT_ASKED,
    codebook.DONT_KNOW,
    codebook.NO_ANSWER,
)

#: Column headings of the comparison tables (Tabel 2, 3 and 6).
SURVEY_COLUMN = "Studentenenquête"
REFERENCE_COLUMN = "Veiligheidsmonitor Vlaams Gewest"

#: Sums of categories the report prints, per value set: label -> codes.
CATEGORY_SUMS = {
    "likert": {"Som oneens": (1, 2), "Som eens": (4, 5)},
    "willingness": {"Som niet": (1, 2), "Som wel": (4, 5)},
    "appearance": {"Som onverzorgd": (1, 2), "Som verzorgd": (3, 4)},
}

#: The "agree" side of each scale; ``likert_table(sort_by="Som eens")``
#: sorts willingness items by this sum.
POSITIVE_SUM = {"likert": "Som eens", "willingness": "Som wel"}

#: Value sets whose sums the report prints between the categories, right
#: after their last member (Tabel 3); other sums follow all categories
#: (Tabel 7).
SUMS_INLINE = frozenset({"appearance"})

#: Population described in the first column of Tabel 6 and Tabel 7
#: (the questionnaire routing of the BIN items).
BIN_POPULATIONS = {
    "bin_known": "Alle respondenten in steden met een BIN",
    "bin_member": "Alle respondenten in steden met een BIN die aangeven BIN te kennen",
    "bin_willing": (
        "Alle respondenten in steden met een BIN die BIN niet kennen "
        "of nog niet deelnemen"
    ),
}

#: Rows of Tabel 1 in the report's order: organisation -> functions.
#: An empty function means the organisation is counted as a whole.
INTERVIEW_ROWS = (
    (
        "Stad/gemeente",
        (
            "Burgemeester",
            "Gemeenteraadslid/schepen",
            "Ambtenaar preventiedienst/integrale veiligheid/andere",
        ),
    ),
    ("Politiezone", ("Korpschef", "Commissaris wijkwerking/interventie/strategisch analist")),
    ("Hulpverleningszone", ("",)),
)
#: Labels of the subtotal and grand-total rows of Tabel 1.
SUBTOTAL_LABEL = "Totaal"
GRAND_TOTAL_LABEL = "TOTAAL"

#: Keys shared by report_figures.csv, deviations.csv and the recomputation.
FIGURE_KEYS = ["table", "variable", "row", "column"]


# ---------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------


def _as_exact_int(value, what):
    """Return ``value`` as a Python int, refusing non-integral numbers."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be a whole number, got {value!r}")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    raise TypeError(f"{what} must be a whole number, got {value!r}")


def _as_int_array(values, what):
    array = np.asarray(values)
    if array.dtype.kind == "b":
        raise TypeError(f"{what} must be whole numbers, got booleans")
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    as_float = array.astype(float)
    if not np.all(np.isfinite(as_float)) or not np.all(as_float == np.floor(as_float)):
        raise TypeError(f"{what} must be whole numbers")
    return as_float.astype(np.int64)


def round_half_up_percent(count, n):
    """Compute whole percentages rounded half up, exactly, on integers.

    The percentage ``100 * count / n`` is rounded half up as
    ``floor((200 * count + n) / (2 * n))``. Working on integers avoids both
    banker's rounding (Python's :func:`round` gives ``round(12.5) == 12``)
    and binary floating-point surprises.

    Parameters
    ----------
    count : int or array-like of int
        Number of answers in the category (``0 <= count <= n``).
    n : int or array-like of int
        Number of valid answers; broadcast against ``count``.

    Returns
    -------
    int or numpy.ndarray or pandas.Series or pandas.DataFrame
        A Python ``int`` for scalar input; otherwise an int64 array, or a
        pandas object with the index (and columns) of ``count``.

    Raises
    ------
    TypeError
        If a count or n is not a whole number.
    ValueError
        If ``n <= 0`` or a count lies outside ``0..n``.

    Examples
    --------
    >>> round_half_up_percent(1, 8)    # 12.5 %
    13
    >>> round_half_up_percent(1, 40)   # 2.5 %
    3
    >>> round_half_up_percent([1, 3], [8, 8]).tolist()
    [13, 38]
    """
    if np.ndim(count) == 0 and np.ndim(n) == 0:
        c = _as_exact_int(count, "count")
        m = _as_exact_int(n, "n")
        if m <= 0:
            raise ValueError(f"n must be positive, got {m}")
        if not 0 <= c <= m:
            raise ValueError(f"count must lie in 0..n, got count={c}, n={m}")
        return (200 * c + m) // (2 * m)
    c = _as_int_array(count, "count")
    m = _as_int_array(n, "n")
    c, m = np.broadcast_arrays(c, m)
    if np.any(m <= 0):
        raise ValueError("n must be positive")
    if np.any((c < 0) | (c > m)):
        raise ValueError("every count must lie in 0..n")
    result = (200 * c + m) // (2 * m)
    if isinstance(count, pd.DataFrame):
        return pd.DataFrame(result, index=count.index, columns=count.columns)
    if isinstance(count, pd.Series):
        return pd.Series(result, index=count.index, name=count.name)
    return result


def round_half_up(value):
    """Round a non-negative number half up to a whole number, exactly.

    Floats are converted to the exact fraction they represent, so no
    rounding error can push a value across the ``.5`` boundary.

    Parameters
    ----------
    value : int, float or fractions.Fraction

    Returns
    -------
    int

    Examples
    --------
    >>> round_half_up(47.5)
    48
    >>> from fractions import Fraction
    >>> round_half_up(Fraction(95, 2))
    48
    """
    return math.floor(Fraction(value) + Fraction(1, 2))


def _percent_column(counts, n, rounded):
    """Percentages of ``counts`` (1-D) out of ``n`` (scalar or 1-D).

    Rounded percentages are nullable ``Int64`` (NA where ``n == 0``);
    unrounded ones are floats (NaN where ``n == 0``).
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), counts.shape)
    defined = n > 0
    safe_n = np.where(defined, n, 1)
    if rounded:
        values = (200 * counts + safe_n) // (2 * safe_n)
        return pd.arrays.IntegerArray(values.astype(np.int64), ~defined)
    return np.where(defined, 100.0 * counts / safe_n, np.nan)


# ---------------------------------------------------------------------------
# Valid answers and counts
# ---------------------------------------------------------------------------


def _value_set(variable):
    spec = codebook.load_codebook()["variables"][variable]
    if spec["kind"] != "categorical":
        raise ValueError(f"{variable!r} is not a categorical variable")
    return spec["values"]


def valid_answers(df, variable):
    """Return the valid answers (codes) of one categorical item.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes, one row per respondent.
    variable : str
        Harmonised variable name (a categorical variable of the codebook).

    Returns
    -------
    pandas.Series
        The int64 codes listed in the item's value labels; the user-missing
        codes 96-99 and NaN are left out.

    Raises
    ------
    ValueError
        If the column holds a value that is neither a valid code nor a
        user-missing code.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gender": [1, 2, 99, None, 2]})
    >>> valid_answers(df, "gender").tolist()
    [1, 2, 2]
    """
    labels = codebook.value_labels(variable)
    if not labels:
        raise ValueError(f"{variable!r} is not a categorical variable")
    values = pd.to_numeric(df[variable], errors="raise").dropna()
    is_valid = values.isin(list(labels))
    is_missing = values.isin(MISSING_CODES)
    unexpected = values[~is_valid & ~is_missing]
    if len(unexpected):
        raise ValueError(
            f"variable {variable!r}: value {unexpected.iloc[0]!r} is neither a valid "
            f"code {sorted(labels)} nor a user-missing code {list(MISSING_CODES)}"
        )
    return values[is_valid].astype(np.int64)


def category_counts(df, variable):
    """Count the valid answers of an item per category code.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        Harmonised variable name.

    Returns
    -------
    pandas.Series
        int64 counts indexed by code, every code of the value labels in code
        order (zero counts included); the sum is the valid N.

    Examples
    --------
    >>> import pandas as pd
    >>> category_counts(pd.DataFrame({"gender": [2, 2, 98]}), "gender").to_dict()
    {1: 0, 2: 2}
    """
    codes = list(codebook.value_labels(variable))
    counts = valid_answers(df, variable).value_counts().reindex(codes, fill_value=0)
    counts.index.name = variable
    counts.name = "n"
    return counts.astype(np.int64)


def _long_rows(variable, sums):
    """Rows of a long (category-per-row) table: ``[(label, codes), ...]``.

    ``sums`` is the subset of the value set's sums to include, in declared
    order.
    """
    labels = codebook.value_labels(variable)
    value_set = _value_set(variable)
    rows = []
    if value_set in SUMS_INLINE:
        for code, label in labels.items():
            rows.append((label, (code,)))
            for sum_label, members in sums.items():
                if code == max(members):
                    rows.append((sum_label, tuple(members)))
    else:
        rows = [(label, (code,)) for code, label in labels.items()]
        rows += [(sum_label, tuple(members)) for sum_label, members in sums.items()]
    return rows


def _long_percentages(df, variable, sums, rounded):
    """Counts and percentages of one item in the report's long layout."""
    counts = category_counts(df, variable)
    n = int(counts.sum())
    rows = _long_rows(variable, sums)
    row_counts = np.array([int(counts.loc[list(codes)].sum()) for _, codes in rows], dtype=np.int64)
    labels = [label for label, _ in rows]
    return labels, row_counts, n, _percent_column(row_counts, n, rounded)


# ---------------------------------------------------------------------------
# Frequency and Likert tables
# ---------------------------------------------------------------------------


def frequency_table(df, variable, rounded=True, total=True):
    """Tabulate one categorical item: count and percentage per category.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        Harmonised variable name.
    rounded : bool, default True
        Whole percentages rounded half up (nullable ``Int64``); with False,
        float percentages (for figures).
    total : bool, default True
        Append a row "Totaal" with the valid N and 100 %.

    Returns
    -------
    pandas.DataFrame
        Index: the category labels of the codebook in code order (zero-count
        categories included), named after the variable label; columns
        ``"n"`` and ``"%"``. The valid N is ``table.loc["Totaal", "n"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gender": [1, 2, 2, 2, 1, 2, 2, 2, 99]})
    >>> frequency_table(df, "gender")  # doctest: +NORMALIZE_WHITESPACE
              n    %
    Geslacht
    Man       2   25
    Vrouw     6   75
    Totaal    8  100
    """
    labels = codebook.value_labels(variable)
    counts = category_counts(df, variable)
    n = int(counts.sum())
    table = pd.DataFrame(
        {"n": counts.to_numpy(), "%": _percent_column(counts.to_numpy(), n, rounded)},
        index=pd.Index(list(labels.values()), name=codebook.variable_label(variable)),
    )
    if total:
        total_pct = _percent_column([n], n, rounded)
        total_row = pd.DataFrame({"n": [n], "%": total_pct}, index=pd.Index([SUBTOTAL_LABEL]))
        table = pd.concat([table, total_row])
        table.index.name = codebook.variable_label(variable)
    return table


def _common_value_set(variables):
    value_sets = {_value_set(v) for v in variables}
    if len(value_sets) != 1:
        raise ValueError(f"items {list(variables)} do not share one value set: {sorted(value_sets)}")
    (value_set,) = value_sets
    if value_set not in POSITIVE_SUM:
        raise ValueError(
            f"value set {value_set!r} is not a five-point scale "
            f"(expected one of {sorted(POSITIVE_SUM)})"
        )
    return value_set


def likert_counts(df, variables, index_name="Stelling"):
    """Count the answers of a battery of five-point items, one row per item.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variables : list of str
        Items sharing the value set ``likert`` or ``willingness``.
    index_name : str, default "Stelling"
        Name of the index (the items' variable labels).

    Returns
    -------
    pandas.DataFrame
        int64 counts in codebook order of the items. Columns: ``"N"`` (valid
        answers), the five category labels, and the two sums ("Som oneens",
        "Som eens" for Likert items; "Som niet", "Som wel" for willingness
        items).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"init_policy": [1, 2, 4, 5, 5, 98]})
    >>> likert_counts(df, ["init_policy"]).loc["Beleidsbeïnvloeding"].to_dict()
    {'N': 5, 'Zeker niet': 1, 'Waarschijnlijk niet': 1, 'Misschien': 0, 'Waarschijnlijk wel': 1, 'Zeker wel': 2, 'Som niet': 2, 'Som wel': 3}
    """
    variables = list(variables)
    value_set = _common_value_set(variables)
    sums = CATEGORY_SUMS[value_set]
    labels = codebook.value_labels(variables[0])
    columns = ["N", *labels.values(), *sums]
    rows = []
    for variable in variables:
        counts = category_counts(df, variable)
        row = [int(counts.sum()), *(int(counts[c]) for c in labels)]
        row += [int(counts.loc[list(codes)].sum()) for codes in sums.values()]
        rows.append(row)
    index = pd.Index([codebook.variable_label(v) for v in variables], name=index_name)
    return pd.DataFrame(rows, index=index, columns=columns, dtype=np.int64)


def likert_table(df, variables, sort_by="Som eens", rounded=True, index_name="Stelling"):
    """Build the report's table of a battery of five-point items (Tabel 4, 5, 8).

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variables : list of str
        Items sharing the value set ``likert`` or ``willingness``.
    sort_by : str or None, default "Som eens"
        Column to sort on, descending, as the report does; ties keep the
        codebook order. The order always follows the rounded percentages (the
        printed values), also with ``rounded=False``, so figures and tables
        agree. ``"Som eens"`` means the positive sum of the scale: for
        willingness items it sorts on "Som wel". ``None`` keeps the codebook
        order.
    rounded : bool, default True
        Whole percentages rounded half up (nullable ``Int64``); with False,
        float percentages (for figures).
    index_name : str, default "Stelling"
        Name of the index (the items' variable labels).

    Returns
    -------
    pandas.DataFrame
        One row per item, indexed by its variable label. Columns: ``"N"``
        (valid answers), the five category labels and the two sums, all but
        N in percent of N. The sums are computed from the summed counts and
        then rounded, so they may differ from the sum of the rounded parts.

    Raises
    ------
    KeyError
        If ``sort_by`` is not a column of the table.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"role_fun": [1, 2, 3, 4, 4, 5, 5, 5],
    ...                    "role_duty": [1, 1, 1, 2, 3, 4, 5, 99]})
    >>> table = likert_table(df, ["role_duty", "role_fun"])
    >>> table[["N", "Som oneens", "Som eens"]]  # doctest: +NORMALIZE_WHITESPACE
                                                        N  Som oneens  Som eens
    Stelling
    Het is leuk om mij in te zetten voor de veiligh...  8          25        63
    Ik vind het mijn plicht om te helpen mijn buurt...  7          57        29
    """
    variables = list(variables)
    value_set = _common_value_set(variables)
    counts = likert_counts(df, variables, index_name=index_name)
    n = counts["N"].to_numpy()
    table = pd.DataFrame({"N": counts["N"]}, index=counts.index)
    for column in counts.columns[1:]:
        table[column] = _percent_column(counts[column].to_numpy(), n, rounded)
    if sort_by is None:
        return table
    key = POSITIVE_SUM[value_set] if sort_by == "Som eens" else sort_by
    if key not in table.columns:
        raise KeyError(f"cannot sort on {sort_by!r}: not a column of the table")
    if key == "N":
        order_values = n.astype(float)
    else:
        printed = _percent_column(counts[key].to_numpy(), n, True)
        order_values = printed.to_numpy(dtype=float, na_value=-np.inf)
    order = np.argsort(-order_values, kind="stable")
    return table.iloc[order]


# ---------------------------------------------------------------------------
# Comparison with the Veiligheidsmonitor (Tabel 2, 3, 6)
# ---------------------------------------------------------------------------


def load_reference(path=None):
    """Read the Veiligheidsmonitor 2018 figures as printed in the report.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``config.VM_REFERENCE_FILE``.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``variable``, ``category`` (strings, empty where
        the file is empty), ``percent`` (int) and ``note``.
    """
    path = config.VM_REFERENCE_FILE if path is None else path
    return pd.read_csv(
        path,
        dtype={"table": str, "variable": str, "category": str, "note": str},
        keep_default_na=False,
    ).astype({"percent": np.int64})


def _reference_for(reference, variable):
    ref = reference[reference["variable"] == variable]
    duplicated = ref["category"][ref["category"].duplicated()]
    if len(duplicated):
        raise ValueError(
            f"reference: category {duplicated.iloc[0]!r} of {variable!r} appears more than once"
        )
    return dict(zip(ref["category"], ref["percent"]))


def compare_with_reference(df, variables, reference, rounded=True):
    """Set the survey's distributions beside the Veiligheidsmonitor 2018.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variables : list of str
        Categorical items, in the order of the report (e.g. Tabel 2:
        ``["education", "occupation"]``).
    reference : pandas.DataFrame
        Reference figures as returned by :func:`load_reference`.
    rounded : bool, default True
        Whole survey percentages rounded half up; with False, floats.

    Returns
    -------
    pandas.DataFrame
        Index: (``"Variabele"``, ``"Categorie"``) = (variable label, category
        label), categories in code order; sums the reference prints (e.g.
        "Som onverzorgd" and "Som verzorgd" for the neighbourhood's
        appearance) are included at the report's place and computed from
        counts. Columns ``"Studentenenquête"`` and ``"Veiligheidsmonitor
        Vlaams Gewest"``: percentages (``Int64``; NA where the monitor has no
        figure).

    Raises
    ------
    ValueError
        If the reference holds a category that is neither a category nor a
        known sum of the variable (a label mismatch).
    """
    index_tuples, survey, ref_values = [], [], []
    for variable in variables:
        labels = codebook.value_labels(variable)
        ref = _reference_for(reference, variable)
        known_sums = CATEGORY_SUMS.get(_value_set(variable), {})
        unknown = set(ref) - set(labels.values()) - set(known_sums)
        if unknown:
            raise ValueError(
                f"reference: unknown category {sorted(unknown)[0]!r} for variable {variable!r}"
            )
        sums = {k: v for k, v in known_sums.items() if k in ref}
        row_labels, _, _, percents = _long_percentages(df, variable, sums, rounded)
        label = codebook.variable_label(variable)
        index_tuples += [(label, row) for row in row_labels]
        survey.append(pd.Series(percents))
        ref_values += [ref.get(row, pd.NA) for row in row_labels]
    index = pd.MultiIndex.from_tuples(index_tuples, names=["Variabele", "Categorie"])
    survey_values = pd.concat(survey, ignore_index=True) if survey else pd.Series([], dtype="Int64")
    return pd.DataFrame(
        {
            SURVEY_COLUMN: survey_values.to_numpy(),
            REFERENCE_COLUMN: pd.array(ref_values, dtype="Int64"),
        },
        index=index,
    )


# ---------------------------------------------------------------------------
# Buurtinformatienetwerken (Tabel 6, 7)
# ---------------------------------------------------------------------------


def _with_population(table, df, variables):
    labels = table.index.get_level_values("Variabele")
    by_label = {codebook.variable_label(v): v for v in variables}
    n = {v: int(category_counts(df, v).sum()) for v in variables}
    table.insert(0, "N", np.array([n[by_label[lab]] for lab in labels], dtype=np.int64))
    table.insert(0, "Populatie", [BIN_POPULATIONS[by_label[lab]] for lab in labels])
    return table


def bin_knowledge_table(df, reference, rounded=True):
    """Build Tabel 6: knowledge of the BIN, beside the Veiligheidsmonitor.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes (``bin_known`` is 97 in municipalities
        without a BIN, so N counts respondents in towns with a BIN).
    reference : pandas.DataFrame
        Reference figures as returned by :func:`load_reference`.
    rounded : bool, default True

    Returns
    -------
    pandas.DataFrame
        Index (``"Variabele"``, ``"Categorie"``): ("BIN Kennis", "Ja"),
        ("BIN Kennis", "Nee"). Columns ``"Populatie"`` (who was asked),
        ``"N"`` (valid answers, repeated on each row of the block),
        ``"Studentenenquête"`` and ``"Veiligheidsmonitor Vlaams Gewest"``.
    """
    table = compare_with_reference(df, ["bin_known"], reference, rounded=rounded)
    return _with_population(table, df, ["bin_known"])


def bin_participation_table(df, rounded=True):
    """Build Tabel 7: participation in and willingness to join a BIN.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes; ``bin_member`` and ``bin_willing``
        are 96 where the routing skipped them.
    rounded : bool, default True

    Returns
    -------
    pandas.DataFrame
        Index (``"Variabele"``, ``"Categorie"``): "BIN Deelname" with Ja/Nee,
        then "BIN Bereidheid tot deelname" with its five categories, "Som
        niet" and "Som wel" (from counts). Columns ``"Populatie"``, ``"N"``
        (valid answers of the item) and ``"%"``.
    """
    variables = ["bin_member", "bin_willing"]
    index_tuples, percents = [], []
    for variable in variables:
        sums = CATEGORY_SUMS.get(_value_set(variable), {})
        row_labels, _, _, pct = _long_percentages(df, variable, sums, rounded)
        label = codebook.variable_label(variable)
        index_tuples += [(label, row) for row in row_labels]
        percents.append(pd.Series(pct))
    index = pd.MultiIndex.from_tuples(index_tuples, names=["Variabele", "Categorie"])
    table = pd.DataFrame({"%": pd.concat(percents, ignore_index=True).to_numpy()}, index=index)
    return _with_population(table, df, variables)


def bin_tables(df, reference, rounded=True):
    """Build Tabel 6 and Tabel 7 at once.

    Parameters
    ----------
    df : pandas.DataFrame
    reference : pandas.DataFrame
        As returned by :func:`load_reference`.
    rounded : bool, default True

    Returns
    -------
    dict
        ``{"Tabel 6": bin_knowledge_table(...), "Tabel 7":
        bin_participation_table(...)}``.
    """
    return {
        "Tabel 6": bin_knowledge_table(df, reference, rounded=rounded),
        "Tabel 7": bin_participation_table(df, rounded=rounded),
    }


# ---------------------------------------------------------------------------
# Sample characteristics (section 2.2.3)
# ---------------------------------------------------------------------------


def sample_summary(df):
    """Summarise the sample as the text of section 2.2.3 does.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes; ``age`` in years (NaN when
        missing), ``gender`` coded by the codebook.

    Returns
    -------
    pandas.Series
        Object dtype holding Python ints and floats (ready for myst-nb
        ``glue``), index:

        - ``"N"``: number of respondents (rows);
        - ``"N leeftijd"``: respondents with a valid age;
        - ``"Gemiddelde leeftijd"``: mean age rounded half up (int);
        - ``"Gemiddelde leeftijd (exact)"``: mean age (float);
        - ``"N geslacht"``: valid answers on gender;
        - ``"Vrouwen"``: number of women;
        - ``"% vrouwen"``: percentage of women, rounded half up (int).

    Raises
    ------
    ValueError
        If an age lies outside the codebook's range (16-100).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [40, 55, None], "gender": [2, 1, 2]})
    >>> s = sample_summary(df)
    >>> s["Gemiddelde leeftijd"], s["Gemiddelde leeftijd (exact)"], s["% vrouwen"]
    (48, 47.5, 67)
    """
    spec = codebook.load_codebook()["variables"]["age"]
    ages = pd.to_numeric(df["age"], errors="raise").dropna()
    outside = ages[~ages.between(spec["min"], spec["max"])]
    if len(outside):
        raise ValueError(
            f"variable 'age': value {outside.iloc[0]!r} lies outside "
            f"{spec['min']}-{spec['max']} (missing ages must be NaN)"
        )
    n_age = len(ages)
    if n_age:
        exact = sum((Fraction(float(a)) for a in ages), Fraction(0)) / n_age
        mean_rounded, mean_exact = round_half_up(exact), float(exact)
    else:
        mean_rounded, mean_exact = None, math.nan
    gender = category_counts(df, "gender")
    woman = {label: code for code, label in codebook.value_labels("gender").items()}["Vrouw"]
    n_gender = int(gender.sum())
    women = int(gender[woman])
    return pd.Series(
        {
            "N": len(df),
            "N leeftijd": n_age,
            "Gemiddelde leeftijd": mean_rounded,
            "Gemiddelde leeftijd (exact)": mean_exact,
            "N geslacht": n_gender,
            "Vrouwen": women,
            "% vrouwen": round_half_up_percent(women, n_gender) if n_gender else None,
        },
        dtype=object,
        name="Steekproef",
    )


# ---------------------------------------------------------------------------
# Interviews (Tabel 1)
# ---------------------------------------------------------------------------


def load_interviews(path=None):
    """Read the interview metadata of the qualitative strand.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``config.INTERVIEWS_FILE``.

    Returns
    -------
    pandas.DataFrame
        One row per interviewed person: ``interview_id``, ``respondent_id``,
        ``municipality``, ``interview_date`` (datetime), ``organisation`` and
        ``function`` (strings; an empty function is ``""``).
    """
    path = config.INTERVIEWS_FILE if path is None else path
    interviews = pd.read_csv(
        path,
        dtype={"interview_id": str, "respondent_id": str, "municipality": str,
               "organisation": str, "function": str},
        keep_default_na=False,
    )
    if "interview_date" in interviews:
        interviews["interview_date"] = pd.to_datetime(interviews["interview_date"])
    return interviews


def _normalise_label(text):
    """Compare labels regardless of spacing around slashes and runs of blanks."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    text = re.sub(r"\s*/\s*", "/", str(text))
    return re.sub(r"\s+", " ", text).strip()


def interview_table(interviews):
    """Build Tabel 1: the interviewed persons by organisation and function.

    Parameters
    ----------
    interviews : pandas.DataFrame
        One row per interviewed person with columns ``respondent_id``,
        ``organisation`` and ``function`` (see :func:`load_interviews`).

    Returns
    -------
    pandas.DataFrame
        Columns ``"Organisatie"``, ``"Functie"``, ``"Aantal"`` (distinct
        respondents), rows in the report's order (:data:`INTERVIEW_ROWS`),
        zero counts included; a "Totaal" row after each organisation with
        more than one function and a final "TOTAAL" row. Organisations
        counted as a whole have an empty Functie.

    Raises
    ------
    ValueError
        If an (organisation, function) pair is not one of the report's rows.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"respondent_id": ["r1", "r2", "r3"],
    ...                        "organisation": ["Politiezone", "Politiezone", "Hulpverleningszone"],
    ...                        "function": ["Korpschef", "Korpschef", ""]})
    >>> interview_table(people)["Aantal"].tolist()
    [0, 0, 0, 0, 2, 0, 2, 1, 3]
    """
    organisation = interviews["organisation"].map(_normalise_label)
    function = interviews["function"].map(_normalise_label)
    known = {(org, func) for org, functions in INTERVIEW_ROWS for func in functions}
    pairs = list(zip(organisation, function))
    for pair in pairs:
        if pair not in known:
            raise ValueError(
                f"interviews: organisation {pair[0]!r} with function {pair[1]!r} "
                "is not a row of Tabel 1"
            )
    people = pd.DataFrame(
        {"org": organisation.to_numpy(), "func": function.to_numpy(),
         "id": interviews["respondent_id"].to_numpy()}
    )
    counts = people.groupby(["org", "func"])["id"].nunique()
    rows = []
    for org, functions in INTERVIEW_ROWS:
        org_rows = [(org, func, int(counts.get((org, func), 0))) for func in functions]
        rows += org_rows
        if len(functions) > 1:
            rows.append((org, SUBTOTAL_LABEL, sum(r[2] for r in org_rows)))
    rows.append((GRAND_TOTAL_LABEL, "", int(people["id"].nunique())))
    table = pd.DataFrame(rows, columns=["Organisatie", "Functie", "Aantal"])
    return table.astype({"Aantal": np.int64})


def interview_summary(interviews):
    """Count the interviews and the interviewed persons (section 2.1).

    Parameters
    ----------
    interviews : pandas.DataFrame
        One row per interviewed person with ``interview_id`` and
        ``respondent_id``.

    Returns
    -------
    pandas.Series
        Object dtype with Python ints: ``"Interviews"`` (distinct
        interview_id) and ``"Respondenten"`` (distinct respondent_id).
    """
    return pd.Series(
        {
            "Interviews": int(interviews["interview_id"].nunique()),
            "Respondenten": int(interviews["respondent_id"].nunique()),
        },
        dtype=object,
    )


# ---------------------------------------------------------------------------
# Reproduction audit
# ---------------------------------------------------------------------------


def load_report_figures(path=None):
    """Read the report's published survey figures, one row per printed cell.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``config.REPORT_FIGURES``.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``variable``, ``row``, ``column`` (strings; empty
        where the file is empty), ``value`` (int) and ``unit``.
    """
    path = config.REPORT_FIGURES if path is None else path
    figures = pd.read_csv(
        path, dtype={k: str for k in [*FIGURE_KEYS, "unit"]}, keep_default_na=False
    )
    return figures.astype({"value": np.int64})


def load_deviations(path=None, missing_ok=True):
    """Read the recorded deviations between the report and the synthetic data.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``config.DEVIATIONS_FILE`` when the project runs on its
        synthetic data. On the real files (``config.USES_SYNTHETIC_DATA`` is
        False) the default is "no recorded deviations": the records explain
        the synthetic calibration and must not excuse a difference in the
        real data.
    missing_ok : bool, default True
        A missing file means "no recorded deviations" and gives an empty
        frame.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``variable``, ``row``, ``column``, ``published``,
        ``reproduced`` and ``reason``.
    """
    columns = [*FIGURE_KEYS, "published", "reproduced", "reason"]
    if path is None and not config.USES_SYNTHETIC_DATA:
        return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns}).astype(
            {"published": np.int64, "reproduced": np.int64}
        )
    path = config.DEVIATIONS_FILE if path is None else path
    try:
        deviations = pd.read_csv(
            path, dtype={k: str for k in [*FIGURE_KEYS, "reason"]}, keep_default_na=False
        )
    except FileNotFoundError:
        if not missing_ok:
            raise
        return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns}).astype(
            {"published": np.int64, "reproduced": np.int64}
        )
    missing = set(columns) - set(deviations.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    return deviations[columns]


def recompute_report_figures(df, reference=None):
    """Recompute every published survey figure with the table builders.

    The values come from the same functions the book uses for its tables
    (:func:`sample_summary`, :func:`frequency_table`,
    :func:`compare_with_reference`, :func:`likert_table`,
    :func:`bin_knowledge_table`, :func:`bin_participation_table`), so a
    match proves the book's tables.

    Parameters
    ----------
    df : pandas.DataFrame
        Processed survey data with numeric codes.
    reference : pandas.DataFrame, optional
        Veiligheidsmonitor figures; loaded with :func:`load_reference` when
        omitted (they decide which sums Tabel 3 prints).

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``variable``, ``row``, ``column`` (the keys of
        ``tests/data/report_figures.csv``) and ``value`` (``Int64``: counts,
        whole percentages, the rounded mean age).
    """
    reference = load_reference() if reference is None else reference
    records = []

    def add(table, variable, row, column, value):
        records.append((table, variable, row, column, None if pd.isna(value) else int(value)))

    summary = sample_summary(df)
    add("Tekst 2.2", "", "Alle respondenten", "N", summary["N"])
    add("Tekst 2.2.3", "age", "Gemiddelde leeftijd", "Gemiddelde", summary["Gemiddelde leeftijd"])
    add("Tekst 2.2.3", "gender", "Vrouw", "%", summary["% vrouwen"])

    for table in ("Tabel 2", "Tabel 3"):
        variables = codebook.variables_in_group(table)
        comparison = compare_with_reference(df, variables, reference)
        for variable in variables:
            add(table, variable, "", "N", frequency_table(df, variable).loc[SUBTOTAL_LABEL, "n"])
            block = comparison.loc[codebook.variable_label(variable)]
            for category, value in block[SURVEY_COLUMN].items():
                add(table, variable, category, "%", value)

    for table in ("Tabel 4", "Tabel 5", "Tabel 8"):
        variables = codebook.variables_in_group(table)
        by_label = {codebook.variable_label(v): v for v in variables}
        for label, row in likert_table(df, variables).iterrows():
            for column, value in row.items():
                add(table, by_label[label], label, column, value)

    bins = bin_tables(df, reference)
    for table, value_column in (("Tabel 6", SURVEY_COLUMN), ("Tabel 7", "%")):
        frame = bins[table]
        by_label = {codebook.variable_label(v): v for v in codebook.variables_in_group(table)}
        for label in frame.index.get_level_values("Variabele").unique():
            block = frame.loc[label]
            add(table, by_label[label], label, "N", block["N"].iloc[0])
            for category, value in block[value_column].items():
                add(table, by_label[label], category, "%", value)

    result = pd.DataFrame(records, columns=[*FIGURE_KEYS, "value"])
    result["value"] = pd.array(result["value"].tolist(), dtype="Int64")
    return result


def published_vs_recomputed(figures, recomputed, deviations=None):
    """Join published cells, recomputed values and recorded deviations.

    Parameters
    ----------
    figures : pandas.DataFrame
        Published cells (:func:`load_report_figures`): keys plus ``value``
        and ``unit``.
    recomputed : pandas.DataFrame
        Keys plus ``value`` (:func:`recompute_report_figures`).
    deviations : pandas.DataFrame, optional
        Recorded deviations (:func:`load_deviations`): keys plus
        ``published``, ``reproduced`` and ``reason``.

    Returns
    -------
    pandas.DataFrame
        One row per published cell, in the order of ``figures``: the keys,
        ``unit``, ``published``, ``recomputed`` (NA if the cell was not
        recomputed), ``match`` (recomputed equals published),
        ``recorded`` (the recorded reproduced value, NA if none), ``reason``
        (empty if none) and ``status``:

        - ``"match"``: recomputed equals published, no deviation recorded;
        - ``"recorded deviation"``: differs from published and equals the
          recorded reproduced value;
        - ``"unexplained"``: differs from published, nothing recorded;
        - ``"drifted"``: a deviation is recorded but the recomputed value
          is not the recorded one;
        - ``"stale record"``: a deviation is recorded but the value now
          matches the publication;
        - ``"record mismatch"``: the record's published value is not the
          report's;
        - ``"not recomputed"``: no recomputed value for the cell.

    Raises
    ------
    ValueError
        If keys are duplicated, or a deviation or recomputed key is not a
        published cell.
    """
    keys = FIGURE_KEYS
    for name, frame in (("figures", figures), ("recomputed", recomputed), ("deviations", deviations)):
        if frame is not None and frame.duplicated(keys).any():
            dup = frame[frame.duplicated(keys)].iloc[0]
            raise ValueError(f"{name}: duplicated key {tuple(dup[keys])}")
    published_keys = set(map(tuple, figures[keys].to_numpy()))
    for name, frame in (("recomputed", recomputed), ("deviations", deviations)):
        if frame is None:
            continue
        extra = [k for k in map(tuple, frame[keys].to_numpy()) if k not in published_keys]
        if extra:
            raise ValueError(f"{name}: {extra[0]} is not a published cell")

    audit = figures[[*keys, "unit", "value"]].rename(columns={"value": "published"})
    audit = audit.merge(
        recomputed[[*keys, "value"]].rename(columns={"value": "recomputed"}),
        on=keys, how="left", validate="one_to_one",
    )
    if deviations is None or len(deviations) == 0:
        audit["recorded_published"] = pd.array([pd.NA] * len(audit), dtype="Int64")
        audit["recorded"] = pd.array([pd.NA] * len(audit), dtype="Int64")
        audit["reason"] = ""
    else:
        audit = audit.merge(
            deviations[[*keys, "published", "reproduced", "reason"]].rename(
                columns={"published": "recorded_published", "reproduced": "recorded"}
            ),
            on=keys, how="left", validate="one_to_one",
        )
        audit["reason"] = audit["reason"].fillna("").astype(str)
    for column in ("published", "recomputed", "recorded_published", "recorded"):
        audit[column] = pd.array(audit[column].tolist(), dtype="Int64")
    audit["match"] = (audit["recomputed"] == audit["published"]).fillna(False).astype(bool)

    def status(row):
        if pd.isna(row["recomputed"]):
            return "not recomputed"
        if pd.isna(row["recorded"]):
            return "match" if row["match"] else "unexplained"
        if row["recorded_published"] != row["published"]:
            return "record mismatch"
        if row["match"]:
            return "stale record"
        return "recorded deviation" if row["recomputed"] == row["recorded"] else "drifted"

    audit["status"] = audit.apply(status, axis=1).astype(str) if len(audit) else pd.Series([], dtype=str)
    columns = [*keys, "unit", "published", "recomputed", "match", "recorded", "reason", "status"]
    return audit[columns]
