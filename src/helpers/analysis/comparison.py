"""The report's comparison tables: Veiligheidsmonitor, BIN and sample summary.

Tabel 2, 3 and 6 set the survey beside the Veiligheidsmonitor 2018 (Flemish
Region) as printed in the report; Tabel 6 and 7 describe the
buurtinformatienetwerken (BIN) along the questionnaire's routing; the sample
summary gives the figures of section 2.2.3. Pure functions on the processed
survey (see :mod:`helpers.analysis.counts` for the conventions).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from helpers.analysis.counts import (
    CATEGORY_SUMS,
    category_counts,
    long_percentages,
    round_half_up,
    round_half_up_percent,
)
from helpers.data import codebook, config

#: Column headings of the comparison tables (Tabel 2, 3 and 6).
SURVEY_COLUMN = "Studentenenquête"
REFERENCE_COLUMN = "Veiligheidsmonitor Vlaams Gewest"

#: Population described in the first column of Tabel 6 and Tabel 7
#: (the questionnaire routing of the BIN items).
BIN_POPULATIONS = {
    "bin_known": "Alle respondenten in steden met een BIN",
    "bin_member": "Alle respondenten in steden met een BIN die aangeven BIN te kennen",
    "bin_willing": (
        "Alle respondenten in steden met een BIN die BIN niet kennen of nog niet deelnemen"
    ),
}


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
        known_sums = CATEGORY_SUMS.get(codebook.value_set_name(variable), {})
        unknown = set(ref) - set(labels.values()) - set(known_sums)
        if unknown:
            raise ValueError(
                f"reference: unknown category {sorted(unknown)[0]!r} for variable {variable!r}"
            )
        sums = {k: v for k, v in known_sums.items() if k in ref}
        row_labels, _, _, percents = long_percentages(df, variable, sums, rounded)
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
        sums = CATEGORY_SUMS.get(codebook.value_set_name(variable), {})
        row_labels, _, _, pct = long_percentages(df, variable, sums, rounded)
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


#: Who was asked each BIN question (the questionnaire's routing).
BIN_ROUTING = {
    "bin_known": "Alle respondenten in een gemeente met een BIN",
    "bin_member": "Wie het BIN kent",
    "bin_willing": "Wie het BIN niet kent, of het kent maar niet deelneemt",
}


def bin_routing_table(df):
    """Show who got each BIN question and how many answered it.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data with numeric codes.

    Returns
    -------
    pandas.DataFrame
        Index ``Vraag`` (question wording); columns ``Gesteld aan`` (the
        routing, :data:`BIN_ROUTING`), ``Gesteld`` (respondents with neither
        code 96 nor 97), ``Geldig antwoord (N)`` and ``Weet niet of geen
        antwoord`` (asked minus valid).
    """
    not_routed = (codebook.NOT_APPLICABLE, codebook.NOT_ASKED)
    rows = []
    for variable, who in BIN_ROUTING.items():
        asked = int((~df[variable].isin(not_routed)).sum())
        valid = int(category_counts(df, variable).sum())
        rows.append(
            {
                "Vraag": codebook.variable_label(variable),
                "Gesteld aan": who,
                "Gesteld": asked,
                "Geldig antwoord (N)": valid,
                "Weet niet of geen antwoord": asked - valid,
            }
        )
    return pd.DataFrame(rows).set_index("Vraag")
