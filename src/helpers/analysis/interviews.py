"""Tabel 1: the interviewed key figures per organisation and function."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from helpers.analysis.counts import SUBTOTAL_LABEL
from helpers.data import config

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
#: Label of the grand-total row of Tabel 1.
GRAND_TOTAL_LABEL = "TOTAAL"

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
        dtype={
            "interview_id": str,
            "respondent_id": str,
            "municipality": str,
            "organisation": str,
            "function": str,
        },
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
        {
            "org": organisation.to_numpy(),
            "func": function.to_numpy(),
            "id": interviews["respondent_id"].to_numpy(),
        }
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
