"""How the tables of the coding exercise read (appendix B5).

The agreement between two coders (:func:`helpers.book.practice.agreement_by_theme`)
and the reference coding are shaped here for display, so the notebook only
says which coders it compares.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["agreement_display_table", "coding_key_table"]


def agreement_display_table(agreement, first="student", second="sleutel"):
    """Name the two coders in an agreement table and show whole percentages.

    Parameters
    ----------
    agreement : pandas.DataFrame
        From :func:`helpers.book.practice.agreement_by_theme` (columns
        ``Beide``, ``Alleen eerste``, ``Alleen tweede``, ``Geen van beide``,
        ``Overeenstemming (%)``, ``Kappa``).
    first, second : str
        What to call the two coders ("student", "sleutel").

    Returns
    -------
    pandas.DataFrame
        A copy with ``Alleen <first>``, ``Alleen <second>`` and ``% eens``
        (the agreement rounded half up to a whole number, as integers, so a
        table shows them without decimals while kappa keeps two).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"Beide": [1], "Alleen eerste": [0], "Alleen tweede": [1],
    ...     "Geen van beide": [2], "Overeenstemming (%)": [62.5], "Kappa": [0.3]})
    >>> agreement_display_table(a).columns.tolist()[1:3], int(agreement_display_table(a)["% eens"][0])
    (['Alleen student', 'Alleen sleutel'], 63)
    """
    table = agreement.rename(
        columns={
            "Alleen eerste": f"Alleen {first}",
            "Alleen tweede": f"Alleen {second}",
            "Overeenstemming (%)": "% eens",
        }
    )
    table["% eens"] = (table["% eens"] + 0.5).apply(math.floor).astype(int)
    return table


def coding_key_table(key, labels):
    """The reference coding as a table: themes by name, with the reasoning.

    Parameters
    ----------
    key : pandas.DataFrame
        Columns ``segment_id``, ``themes`` (a list of theme codes per segment)
        and ``rationale``, as :func:`helpers.book.practice.load_coding` reads
        the key.
    labels : dict
        ``{theme code: theme name}``.

    Returns
    -------
    pandas.DataFrame
        Index ``Segment``; columns ``Thema's`` (names joined by commas) and
        ``Toelichting``.

    Examples
    --------
    >>> import pandas as pd
    >>> key = pd.DataFrame({"segment_id": [3], "themes": [["a", "b"]], "rationale": ["omdat"]})
    >>> coding_key_table(key, {"a": "Ogen", "b": "Oren"}).loc[3, "Thema's"]
    'Ogen, Oren'
    """
    return pd.DataFrame(
        {
            "Segment": key["segment_id"],
            "Thema's": key["themes"].map(lambda codes: ", ".join(labels[c] for c in codes)),
            "Toelichting": key["rationale"],
        }
    ).set_index("Segment")
