"""Metadata of the qualitative interviews with local safety partners (Tabel 1).

The report describes 49 in-depth interviews held in October-December 2019
with 57 respondents in the ten municipalities. :data:`design.INTERVIEW_PLAN`
lists, per municipality, who was interviewed and which interviews had more
than one respondent; this module numbers them and gives each interview a
date. No names, only organisation and function.
"""

from __future__ import annotations

import pandas as pd

from helpers.synthetic import design

COLUMNS = (
    "interview_id",
    "respondent_id",
    "municipality",
    "interview_date",
    "organisation",
    "function",
)


def build_interviews(rng):
    """Return one row per interviewed person.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``interview_id`` ``I01``..``I49`` and
        ``respondent_id`` ``R01``..``R57`` numbered in date order,
        ``interview_date`` as ``YYYY-MM-DD``.
    """
    weekdays = [
        d
        for d in pd.date_range(design.INTERVIEW_START, design.INTERVIEW_END).date
        if d.weekday() < 5
    ]
    interviews = []
    for code, plan in design.INTERVIEW_PLAN.items():
        for entry in plan:
            people = entry if isinstance(entry, tuple) else (entry,)
            date = weekdays[rng.integers(len(weekdays))]
            interviews.append((date, code, people))
    interviews.sort(key=lambda item: (item[0], item[1]))
    rows = []
    for number, (date, code, people) in enumerate(interviews, start=1):
        for function_code in people:
            organisation, function = design.INTERVIEW_FUNCTIONS[function_code]
            rows.append(
                {
                    "interview_id": f"I{number:02d}",
                    "respondent_id": f"R{len(rows) + 1:02d}",
                    "municipality": code,
                    "interview_date": date.isoformat(),
                    "organisation": organisation,
                    "function": function,
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))
