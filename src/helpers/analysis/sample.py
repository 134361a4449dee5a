"""Describe how the sample came about: fieldwork, recruitment, item response.

The method chapter and the chapter on sample characteristics show *how* the
data were collected, not only what they say. The builders here turn the
processed survey (codes, see :func:`helpers.data.pipeline.load_survey`), the merge
log, the interview metadata and the codebook into small tables. Every function
is pure: a DataFrame (or a dictionary read from the codebook) goes in, a new
DataFrame or Series comes out; nothing is printed or cached. Labels are
Dutch, taken from :mod:`helpers.data.codebook`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.analysis.counts import category_counts, round_half_up_percent
from helpers.data import codebook

__all__ = [
    "AGE_BANDS",
    "DESIGN_LABELS",
    "DUTCH_MONTHS",
    "age_distribution",
    "combined_share",
    "fieldwork_period",
    "item_response_table",
    "merge_log_table",
    "motive_table",
    "recruitment_table",
    "routing_check",
]

#: Dutch month names, index 1-12.
DUTCH_MONTHS = (
    "",
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

#: Recruitment design of a student group (mapping key ``design``) in Dutch.
DESIGN_LABELS = {
    "online": "Online via sociale media",
    "door_to_door": "Deur aan deur",
    "street": "Straat of markt",
    "mix": "Combinatie van methodes",
}

#: Age bands of the age distribution: (label, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("16-24 jaar", 16, 24),
    ("25-34 jaar", 25, 34),
    ("35-44 jaar", 35, 44),
    ("45-54 jaar", 45, 54),
    ("55-64 jaar", 55, 64),
    ("65-74 jaar", 65, 74),
    ("75 jaar en ouder", 75, 200),
)

#: Row and column label of totals.
TOTAL_LABEL = "Totaal"

_MISSING_COLUMNS = {
    codebook.NOT_APPLICABLE: "Niet van toepassing (96)",
    codebook.NOT_ASKED: "Niet gevraagd (97)",
    codebook.DONT_KNOW: "Weet niet (98)",
    codebook.NO_ANSWER: "Geen antwoord (99)",
}


def _format_day(day: pd.Timestamp) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month]} {day.year}"


def fieldwork_period(dates: pd.Series) -> pd.Series:
    """Summarise a fieldwork period from the dates of the interviews.

    Parameters
    ----------
    dates : pandas.Series
        Dates (datetime64 or anything :func:`pandas.to_datetime` accepts);
        missing dates are ignored.

    Returns
    -------
    pandas.Series
        Object dtype, index:

        - ``"begin"``, ``"einde"``: first and last date (Timestamps);
        - ``"begin_tekst"``, ``"einde_tekst"``: the same in Dutch, e.g.
          ``"7 oktober 2019"``;
        - ``"maanden"``: the months covered, e.g. ``"oktober-december 2019"``
          (``"december 2019-februari 2020"`` across a year boundary,
          ``"maart 2020"`` within one month);
        - ``"dagen"``: number of calendar days from first to last date,
          both included (int).

    Raises
    ------
    ValueError
        If there is no valid date.

    Examples
    --------
    >>> import pandas as pd
    >>> p = fieldwork_period(pd.Series(["2019-10-07", "2019-12-12", None]))
    >>> p["maanden"], p["dagen"]
    ('oktober-december 2019', 67)
    """
    days = pd.to_datetime(dates, errors="raise").dropna()
    if days.empty:
        raise ValueError("no valid date to describe a fieldwork period")
    begin, end = days.min().normalize(), days.max().normalize()
    if (begin.year, begin.month) == (end.year, end.month):
        months = f"{DUTCH_MONTHS[begin.month]} {begin.year}"
    elif begin.year == end.year:
        months = f"{DUTCH_MONTHS[begin.month]}-{DUTCH_MONTHS[end.month]} {end.year}"
    else:
        months = f"{DUTCH_MONTHS[begin.month]} {begin.year}-{DUTCH_MONTHS[end.month]} {end.year}"
    return pd.Series(
        {
            "begin": begin,
            "einde": end,
            "begin_tekst": _format_day(begin),
            "einde_tekst": _format_day(end),
            "maanden": months,
            "dagen": int((end - begin).days) + 1,
        },
        dtype=object,
    )


def merge_log_table(merge_log: pd.DataFrame) -> pd.DataFrame:
    """Turn the pipeline's merge log into a Dutch table with a total row.

    Parameters
    ----------
    merge_log : pandas.DataFrame
        As returned by :func:`helpers.data.merge.merge_deliveries` (or read
        from ``merge_log.csv``): columns ``file``, ``municipality``,
        ``design``, ``rows_read``, ``rows_written``, ``rows_excluded``,
        ``reason``.

    Returns
    -------
    pandas.DataFrame
        Index ``"Bestand"`` (file names, then ``"Totaal"``); columns
        ``"Gemeente"``, ``"Werving"`` (Dutch design), ``"Gelezen"``,
        ``"Opgenomen"``, ``"Uitgesloten"`` (int64) and ``"Reden van
        uitsluiting"`` (empty when none).

    Raises
    ------
    ValueError
        If a row's counts do not add up (read = written + excluded).

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"file": ["a.sav"], "municipality": [1], "design": ["online"],
    ...                     "rows_read": [5], "rows_written": [4], "rows_excluded": [1],
    ...                     "reason": ["Testinvoer (1)"]})
    >>> int(merge_log_table(log).loc["Totaal", "Opgenomen"])
    4
    """
    counts = ["rows_read", "rows_written", "rows_excluded"]
    log = merge_log.copy()
    for column in counts:
        log[column] = pd.to_numeric(log[column], errors="raise").astype(np.int64)
    broken = log[log["rows_read"] != log["rows_written"] + log["rows_excluded"]]
    if len(broken):
        raise ValueError(
            f"merge log: rows of {broken['file'].iloc[0]!r} do not add up "
            "(read must equal written + excluded)"
        )
    municipalities = codebook.value_labels("municipality")
    table = pd.DataFrame(
        {
            "Gemeente": [municipalities[int(c)] for c in log["municipality"]],
            "Werving": [DESIGN_LABELS.get(d, str(d)) for d in log["design"]],
            "Gelezen": log["rows_read"].to_numpy(),
            "Opgenomen": log["rows_written"].to_numpy(),
            "Uitgesloten": log["rows_excluded"].to_numpy(),
            "Reden van uitsluiting": log["reason"].fillna("").astype(str).to_numpy(),
        },
        index=pd.Index(log["file"].astype(str).to_numpy(), name="Bestand"),
    )
    total = pd.DataFrame(
        {
            "Gemeente": [""],
            "Werving": [""],
            "Gelezen": [int(table["Gelezen"].sum())],
            "Opgenomen": [int(table["Opgenomen"].sum())],
            "Uitgesloten": [int(table["Uitgesloten"].sum())],
            "Reden van uitsluiting": [""],
        },
        index=pd.Index([TOTAL_LABEL], name="Bestand"),
    )
    out = pd.concat([table, total])
    return out.astype({c: np.int64 for c in ("Gelezen", "Opgenomen", "Uitgesloten")})


def recruitment_table(df: pd.DataFrame, total: bool = True) -> pd.DataFrame:
    """Count respondents per municipality and recruitment mode.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes in ``municipality`` and
        ``recruitment``.
    total : bool, default True
        Add a row and a column ``"Totaal"``.

    Returns
    -------
    pandas.DataFrame
        int64 counts; index ``"Gemeente"`` (every municipality of the
        codebook present in ``df``, in code order), columns the recruitment
        modes of the codebook (all of them, zero counts included).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"municipality": [1, 1, 2], "recruitment": [1, 2, 2]})
    >>> recruitment_table(df).loc["Totaal"].tolist()
    [1, 2, 0, 3]
    """
    municipalities = codebook.value_labels("municipality")
    modes = codebook.value_labels("recruitment")
    codes = pd.to_numeric(df["municipality"], errors="raise").astype(np.int64)
    present = [c for c in municipalities if c in set(codes)]
    counts = (
        pd.crosstab(codes, pd.to_numeric(df["recruitment"], errors="raise").astype(np.int64))
        .reindex(index=present, columns=list(modes), fill_value=0)
        .astype(np.int64)
    )
    counts.index = pd.Index([municipalities[c] for c in counts.index], name="Gemeente")
    counts.columns = pd.Index([modes[c] for c in counts.columns], name=None)
    if total:
        counts[TOTAL_LABEL] = counts.sum(axis=1)
        counts.loc[TOTAL_LABEL] = counts.sum(axis=0)
    return counts.astype(np.int64)


def item_response_table(df: pd.DataFrame, variables: Iterable[str] | None = None) -> pd.DataFrame:
    """Count valid answers and each missing code per item.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes (user-missing codes 96-99 kept) and a
        ``municipality`` column.
    variables : iterable of str, optional
        Categorical codebook variables; by default every categorical
        variable except the administrative ones (``municipality``,
        ``recruitment``), in codebook order.

    Returns
    -------
    pandas.DataFrame
        Index (``"Blok"``, ``"Vraag"``): the variable's group in the codebook
        with a capital initial (e.g. ``"Tabel 4"``, ``"Achtergrond"``) and its
        label. Columns (int64): ``"Geldige N"``,
        one column per missing code 96-99, and ``"Gemeenten bevraagd"`` (the
        number of municipalities where the item was not coded 97 for every
        respondent). A NaN counts as no answer (99).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"municipality": [1, 1, 2, 2], "gender": [1, 99, 97, 97]})
    >>> item_response_table(df, ["gender"]).iloc[0].tolist()
    [1, 0, 2, 0, 1, 1]
    """
    book = codebook.load_codebook()["variables"]
    if variables is None:
        variables = [
            name
            for name, spec in book.items()
            if spec["kind"] == "categorical" and spec["group"] != "administratie"
        ]
    rows, index = [], []
    municipality = pd.to_numeric(df["municipality"], errors="raise")
    for name in variables:
        n_valid = int(category_counts(df, name).sum())
        values = pd.to_numeric(df[name], errors="raise").fillna(codebook.NO_ANSWER)
        missing = [int((values == code).sum()) for code in _MISSING_COLUMNS]
        asked = int(municipality[values != codebook.NOT_ASKED].nunique())
        rows.append([n_valid, *missing, asked])
        group = book[name]["group"]
        index.append((group[:1].upper() + group[1:], book[name]["label"]))
    columns = ["Geldige N", *_MISSING_COLUMNS.values(), "Gemeenten bevraagd"]
    return pd.DataFrame(
        np.array(rows, dtype=np.int64).reshape(len(rows), len(columns)),
        index=pd.MultiIndex.from_tuples(index, names=["Blok", "Vraag"]),
        columns=columns,
    )


def motive_table(motives: Mapping[str, Mapping]) -> pd.DataFrame:
    """List the items of Schreurs' scale per motive, marking reversed items.

    Parameters
    ----------
    motives : mapping
        As returned by :func:`helpers.data.codebook.load_scales`:
        ``{motive: {"label": str, "items": {variable: direction}}}`` with
        direction +1 or -1.

    Returns
    -------
    pandas.DataFrame
        Index (``"Motief"``, ``"Stelling"``): the motive's label and the
        item wording (codebook label), in the order of ``motives``. Column
        ``"Formulering"``: ``"positief"`` or ``"negatief (omgekeerd)"``.

    Raises
    ------
    ValueError
        If a direction is not +1 or -1.

    Examples
    --------
    >>> m = {"x": {"label": "Persoonlijke waarden",
    ...            "items": {"role_duty": 1, "role_fend_self": -1}}}
    >>> motive_table(m)["Formulering"].tolist()
    ['positief', 'negatief (omgekeerd)']
    """
    index, wording = [], []
    for motive, spec in motives.items():
        for variable, direction in spec["items"].items():
            if direction not in (1, -1):
                raise ValueError(
                    f"motive {motive!r}: direction of {variable!r} must be +1 or -1, "
                    f"got {direction!r}"
                )
            index.append((spec["label"], codebook.variable_label(variable)))
            wording.append("positief" if direction == 1 else "negatief (omgekeerd)")
    return pd.DataFrame(
        {"Formulering": wording},
        index=pd.MultiIndex.from_tuples(index, names=["Motief", "Stelling"]),
    )


def _describe_condition(condition: Mapping[str, Sequence[int]]) -> str:
    parts = []
    for variable, codes in condition.items():
        labels = codebook.value_labels(variable)
        answers = " of ".join(f"'{labels[c]}'" for c in codes)
        parts.append(f"{codebook.variable_label(variable)} = {answers}")
    return " en ".join(parts)


def routing_check(
    df: pd.DataFrame, filters: Mapping[str, Sequence[Mapping[str, Sequence[int]]]]
) -> pd.DataFrame:
    """Describe the questionnaire routing and check it against the data.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    filters : mapping
        Routing rules as :data:`helpers.data.codebook.FILTERS`:
        ``{variable: [condition, ...]}``; the question is asked when any
        condition ``{filter variable: allowed codes}`` holds.

    Returns
    -------
    pandas.DataFrame
        Index ``"Vraag"`` (variable label). Columns ``"Gesteld als"`` (the
        conditions in words), ``"Voorwaarde vervuld"`` (respondents meeting
        a condition), ``"Niet van toepassing (96)"`` (respondents coded 96)
        and ``"Geldige N"`` (int64).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"bin_known": [1, 2, 97], "bin_member": [2, 96, 97]})
    >>> routing_check(df, {"bin_member": [{"bin_known": [1]}]}).iloc[0, 1:].tolist()
    [1, 1, 1]
    """
    rows, index = [], []
    for variable, alternatives in filters.items():
        meets = pd.Series(False, index=df.index)
        for condition in alternatives:
            holds = pd.Series(True, index=df.index)
            for filter_variable, codes in condition.items():
                holds &= pd.to_numeric(df[filter_variable], errors="raise").isin(list(codes))
            meets |= holds
        values = pd.to_numeric(df[variable], errors="raise")
        rows.append(
            {
                "Gesteld als": " of ".join(_describe_condition(c) for c in alternatives),
                "Voorwaarde vervuld": int(meets.sum()),
                "Niet van toepassing (96)": int((values == codebook.NOT_APPLICABLE).sum()),
                "Geldige N": int(category_counts(df, variable).sum()),
            }
        )
        index.append(codebook.variable_label(variable))
    table = pd.DataFrame(rows, index=pd.Index(index, name="Vraag"))
    counts = ["Voorwaarde vervuld", "Niet van toepassing (96)", "Geldige N"]
    return table.astype({c: np.int64 for c in counts})


def combined_share(df: pd.DataFrame, variable: str, categories: Iterable[str]) -> pd.Series:
    """Compute the share of several categories together, from counts.

    Adding rounded percentages can be off by a point or two; this sums the
    counts first and rounds once (half up, as the report's tables).

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.
    variable : str
        Categorical codebook variable.
    categories : iterable of str
        Category labels (as in the codebook) to combine.

    Returns
    -------
    pandas.Series
        Object dtype with Python numbers: ``"n"`` (answers in the
        categories), ``"N"`` (valid answers), ``"%"`` (whole percent,
        rounded half up) and ``"% exact"`` (float).

    Raises
    ------
    KeyError
        If a category is not a value label of the variable.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"education": [1, 2, 3, 3, 98]})
    >>> combined_share(df, "education", ["Hoger middelbaar", "Hogere studie"])["%"]
    75
    """
    codes = {label: code for code, label in codebook.value_labels(variable).items()}
    wanted = list(categories)
    unknown = [c for c in wanted if c not in codes]
    if unknown:
        raise KeyError(f"{variable!r} has no category {unknown[0]!r}")
    counts = category_counts(df, variable)
    n_total = int(counts.sum())
    n = int(counts.loc[[codes[c] for c in wanted]].sum())
    return pd.Series(
        {
            "n": n,
            "N": n_total,
            "%": round_half_up_percent(n, n_total) if n_total else None,
            "% exact": 100.0 * n / n_total if n_total else float("nan"),
        },
        dtype=object,
    )


def age_distribution(
    df: pd.DataFrame, by: str = "gender", bands: Sequence[tuple[str, int, int]] = AGE_BANDS
) -> pd.DataFrame:
    """Tabulate age bands within the groups of a categorical variable.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with ``age`` in years (NaN when missing) and ``by`` as
        numeric codes.
    by : str, default "gender"
        Categorical codebook variable defining the groups (columns).
    bands : sequence of (label, low, high)
        Age bands, inclusive bounds, in display order; they must not
        overlap.

    Returns
    -------
    pandas.DataFrame
        Index ``"Leeftijd"`` (band labels). Columns: one per category of
        ``by`` (codebook labels, code order) with the percentage (float) of
        that group's respondents with a valid age who fall in the band.
        Respondents with a missing age or answer on ``by``, or an age
        outside every band, are left out. ``attrs["n"]`` holds the group
        sizes used as denominators.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [20, 30, 30, 70], "gender": [1, 1, 2, 2]})
    >>> age_distribution(df, bands=[("jong", 16, 40), ("oud", 41, 99)])["Vrouw"].tolist()
    [50.0, 50.0]
    """
    ages = pd.to_numeric(df["age"], errors="raise")
    groups = pd.to_numeric(df[by], errors="raise")
    labels = codebook.value_labels(by)
    band_of = pd.Series(pd.NA, index=df.index, dtype=object)
    for label, low, high in bands:
        inside = ages.between(low, high) & band_of.isna()
        band_of[inside] = label
    keep = band_of.notna() & groups.isin(list(labels))
    band_labels = [label for label, _, _ in bands]
    counts = pd.crosstab(band_of[keep], groups[keep].astype(np.int64)).reindex(
        index=band_labels, columns=list(labels), fill_value=0
    )
    n = counts.sum(axis=0)
    shares = counts.div(n.where(n > 0), axis=1) * 100.0
    shares.index = pd.Index(band_labels, name="Leeftijd")
    shares.columns = pd.Index([labels[c] for c in shares.columns], name=None)
    shares = shares.astype(float)
    shares.attrs["n"] = {labels[c]: int(n[c]) for c in n.index}
    return shares
