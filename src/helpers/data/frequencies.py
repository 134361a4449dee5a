"""The frequency table: delivered code and label next to harmonised code and label.

Every build writes ``data/processed/frequencies.csv``: per municipality, file
and categorical variable, each delivered code with its label in the file, the
code and label it became, and how many respondents have it. A wrong recode
shows at a glance: "helemaal eens" next to "Helemaal oneens".

Command line::

    python -m helpers.data.frequencies [--municipality N] [--variable NAME] [--recoded]

(``make frequencies``) prints the table, or part of it, from the last build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from helpers.data import codebook, config
from helpers.data.merge import FREQUENCY_TABLE_COLUMNS

#: Columns of ``frequencies.csv``, as :mod:`helpers.data.merge` writes them.
COLUMNS = FREQUENCY_TABLE_COLUMNS


def load_frequencies(path=None):
    """Read the frequency table of the last build.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to :data:`helpers.data.config.FREQUENCIES_FILE`.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; codes as text for the delivered ones (they may be
        text in the file), integers for the harmonised ones.
    """
    path = config.FREQUENCIES_FILE if path is None else path
    table = pd.read_csv(
        path,
        dtype={
            "file": str,
            "variable": str,
            "source_variable": str,
            "delivered_code": str,
            "delivered_label": str,
            "harmonised_label": str,
        },  # fmt: skip
        keep_default_na=False,
    )
    return table[COLUMNS]


def recoded(table):
    """The rows where the code changes on the way: recodes and missing codes.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`load_frequencies`.

    Returns
    -------
    pandas.DataFrame
        Rows whose delivered code is not the harmonised code (system-missing
        becoming 99 or 96 included).
    """
    changed = table["delivered_code"] != table["harmonised_code"].astype(str)
    return table[changed]


def recode_overview(table):
    """One row per way a municipality recoded a set of variables.

    Variables of one file that translate their codes the same way (twelve
    Likert items all reversed, say) are shown once, with the list of their
    source variables; counts are summed over them. Only substantive recodes
    are kept: a delivered answer code that becomes another answer code.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`load_frequencies`.

    Returns
    -------
    pandas.DataFrame
        Columns ``Gemeente``, ``Variabelen``, ``Geleverde code``,
        ``Geleverd label``, ``Code``, ``Label`` and ``Aantal``.
    """
    answers = table[
        (table["delivered_code"] != "")
        & (table["harmonised_code"] < codebook.MISSING_LOW)
        & (table["delivered_code"] != table["harmonised_code"].astype(str))
    ]
    municipalities = codebook.value_labels("municipality")
    rows = []
    for (municipality, _file), part in answers.groupby(["municipality", "file"], sort=False):
        patterns = {}
        for source, rows_of in part.groupby("source_variable", sort=False):
            key = tuple(
                zip(
                    rows_of["delivered_code"],
                    rows_of["delivered_label"],
                    rows_of["harmonised_code"],
                )
            )
            patterns.setdefault(key, []).append((source, rows_of))
        for members in patterns.values():
            names = [source for source, _ in members]
            combined = pd.concat([rows_of for _, rows_of in members])
            summed = combined.groupby(
                ["delivered_code", "delivered_label", "harmonised_code", "harmonised_label"],
                sort=False,
            )["count"].sum()
            for (code, label, new_code, new_label), count in summed.items():
                rows.append(
                    {
                        "Gemeente": municipalities[int(municipality)],
                        "Variabelen": _names(names),
                        "Geleverde code": code,
                        "Geleverd label": label,
                        "Code": int(new_code),
                        "Label": new_label,
                        "Aantal": int(count),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "Gemeente",
            "Variabelen",
            "Geleverde code",
            "Geleverd label",
            "Code",
            "Label",
            "Aantal",
        ],  # fmt: skip
    )


def _names(names):
    if len(names) <= 3:
        return ", ".join(names)
    return f"{', '.join(names[:2])} en {len(names) - 2} andere"


def main(argv=None):
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data.frequencies",
        description="Show delivered code/label -> harmonised code/label with counts "
        "(from the last 'make data').",
    )
    parser.add_argument("--municipality", type=int, help="only this municipality code")
    parser.add_argument("--variable", help="only this harmonised or source variable")
    parser.add_argument(
        "--recoded", action="store_true", help="only rows whose code changes on the way"
    )
    parser.add_argument("--file", type=Path, default=None, help="the frequencies.csv to read")
    args = parser.parse_args(argv)
    try:
        table = load_frequencies(args.file)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: no frequency table to show ({exc}); run 'make data' first", file=sys.stderr)
        return 1
    if args.municipality is not None:
        table = table[table["municipality"] == args.municipality]
    if args.variable:
        table = table[
            (table["variable"] == args.variable) | (table["source_variable"] == args.variable)
        ]
    if args.recoded:
        table = recoded(table)
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(table.to_string(index=False) if len(table) else "(no rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
