"""How a statistical test reads in the book: p-values, strength words, a summary table.

The association chapter reports every chi-square test the same way; these
functions give the texts and the small table, in Flemish notation, so the
notebook only says which test it shows.
"""

from __future__ import annotations

import pandas as pd

from helpers.notation import format_number

__all__ = ["format_p_value", "strength_label", "chi2_test_table", "chi2_test_texts"]

#: Upper bounds of Cramér's V with their (Cohen-style) rule-of-thumb words.
STRENGTH_WORDS = ((0.1, "zeer zwak"), (0.3, "zwak"), (0.5, "matig"))


def format_p_value(p):
    """Format a p-value the usual way: ``"< 0,001"`` for very small values.

    Examples
    --------
    >>> format_p_value(0.0004), format_p_value(0.0312)
    ('< 0,001', '0,031')
    """
    return "< 0,001" if p < 0.001 else format_number(float(p), 3)


def strength_label(v):
    """Rough verbal label of Cramér's V (under 0,1 very weak, to 0,3 weak, to 0,5 moderate).

    Examples
    --------
    >>> strength_label(0.05), strength_label(0.2), strength_label(0.7)
    ('zeer zwak', 'zwak', 'sterk')
    """
    for bound, word in STRENGTH_WORDS:
        if v < bound:
            return word
    return "sterk"


def chi2_test_texts(result):
    """The texts a page quotes about one crosstab test.

    Parameters
    ----------
    result : helpers.analysis.association.CrosstabResult
        From :func:`helpers.analysis.association.crosstab_with_tests`.

    Returns
    -------
    dict of str
        ``n``, ``chi2`` (one decimal), ``df``, ``p`` ("0,031" or "< 0,001"),
        ``p_text`` ("= 0,031" or "< 0,001", to follow a "p"), ``v`` (two
        decimals), ``strength`` (:func:`strength_label`), ``min_expected``
        (one decimal) and ``expected_text`` (whether the expected counts
        suffice for the test: all at least 5).
    """
    p = float(result.p_value)
    return {
        "n": format_number(int(result.n)),
        "chi2": format_number(float(result.chi2), 1),
        "df": format_number(int(result.dof)),
        "p": format_p_value(p),
        "p_text": "< 0,001" if p < 0.001 else "= " + format_number(p, 3),
        "v": format_number(float(result.cramers_v), 2),
        "strength": strength_label(float(result.cramers_v)),
        "min_expected": format_number(float(result.min_expected), 1),
        "expected_text": (
            "ruim voldoende" if result.min_expected >= 5 else "te klein voor een betrouwbare toets"
        ),
    }


def chi2_test_table(result):
    """The summary of one crosstab test as a one-column table of texts.

    Parameters
    ----------
    result : helpers.analysis.association.CrosstabResult

    Returns
    -------
    pandas.DataFrame
        Index: the rows of ``result.summary()``; column ``Waarde``: n, the
        chi-square value (two decimals), the degrees of freedom, the p-value,
        Cramér's V (three decimals) and the smallest expected count (one
        decimal), as text.
    """
    summary = result.summary()
    values = [
        format_number(result.n),
        format_number(result.chi2, 2),
        format_number(result.dof),
        format_p_value(result.p_value),
        format_number(result.cramers_v, 3),
        format_number(result.min_expected, 1),
    ]
    return pd.DataFrame({"Waarde": values}, index=summary.index)
