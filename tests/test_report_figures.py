"""End-to-end: the processed survey reproduces every figure the report prints.

Expected values come from ``data/reference/report_figures.csv`` (every published
survey cell: table, variable, row, column, value) and
``data/reference/report_table1.csv`` (Tabel 1 and the interview counts of section
2.1, transcribed from the report). A published cell that the synthetic data
cannot reproduce must be listed in ``data/synthetic/deviations.csv``; for
such a cell the test asserts the recorded ``reproduced`` value, so deviations
cannot drift silently.

Two data sources are checked:

* ``data/processed/enquete.sav`` (made by ``make data``); skipped with a
  message while it does not exist;
* a frame constructed here from the published figures alone (independent of
  the generator and the pipeline), which proves that
  :func:`helpers.analysis.reproduction.recompute_report_figures` produces exactly the
  report's cells and values.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.counts import round_half_up_percent
from helpers.analysis.interviews import interview_summary, interview_table, load_interviews
from helpers.analysis.reproduction import (
    load_deviations,
    load_report_figures,
    published_vs_recomputed,
    recompute_report_figures,
)
from helpers.data import codebook, config

FIGURES = load_report_figures()
TABLES = list(dict.fromkeys(FIGURES["table"]))
KEYS = ["table", "variable", "row", "column"]
ACCEPTED = ("match", "recorded deviation")
TABLE1_FILE = config.REPORT_TABLE1


def describe(rows):
    """One readable line per failing cell."""
    lines = []
    for r in rows.itertuples(index=False):
        recorded = "" if pd.isna(r.recorded) else f", recorded {r.recorded}"
        lines.append(
            f"{r.table} | {r.variable} | {r.row[:50]} | {r.column}: published {r.published}, "
            f"recomputed {r.recomputed}{recorded} -> {r.status}"
        )
    return "\n".join(lines)


def assert_table_reproduced(audit, table):
    rows = audit[audit["table"] == table]
    assert len(rows), f"no published cells for {table}"
    failing = rows[~rows["status"].isin(ACCEPTED)]
    assert failing.empty, f"{len(failing)} cell(s) of {table} not reproduced:\n" + describe(failing)


# --------------------------------------------------------------------------
# The processed survey
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def survey():
    if not config.SURVEY_FILE.exists():
        pytest.skip(
            f"{config.SURVEY_FILE.relative_to(config.PROJECT_ROOT)} does not exist yet: "
            "run `make data` (helpers.data.pipeline) before the tests"
        )
    try:
        from helpers.data.pipeline import load_survey
    except ImportError as exc:  # pragma: no cover - only while the pipeline is missing
        pytest.skip(f"helpers.data.pipeline.load_survey is not available: {exc}")
    df, _meta = load_survey()
    return df


@pytest.fixture(scope="module")
def deviations():
    return load_deviations()


@pytest.fixture(scope="module")
def audit(survey, deviations):
    return published_vs_recomputed(FIGURES, recompute_report_figures(survey), deviations)


@pytest.mark.parametrize("table", TABLES)
def test_published_figures_reproduced(audit, table):
    assert_table_reproduced(audit, table)


def test_every_published_cell_is_recomputed(audit):
    assert len(audit) == len(FIGURES)
    assert audit["recomputed"].notna().all(), describe(audit[audit["recomputed"].isna()])


def test_recorded_deviations_are_explained(audit, deviations):
    assert (deviations["reason"].str.strip() != "").all(), "every deviation needs a reason"
    recorded = audit[audit["recorded"].notna()]
    assert len(recorded) == len(deviations)
    assert (recorded["status"] == "recorded deviation").all(), describe(
        recorded[recorded["status"] != "recorded deviation"]
    )


# --------------------------------------------------------------------------
# Tabel 1 from the interview metadata
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def interviews():
    if not config.INTERVIEWS_FILE.exists():
        pytest.skip(
            f"{config.INTERVIEWS_FILE.relative_to(config.PROJECT_ROOT)} does not exist yet: "
            "run `make data` first"
        )
    return load_interviews()


@pytest.fixture(scope="module")
def table1_expected():
    return pd.read_csv(TABLE1_FILE, dtype=str, keep_default_na=False).astype({"value": int})


def test_table1_reproduced(interviews, table1_expected):
    expected = table1_expected[table1_expected["table"] == "Tabel 1"]
    table = interview_table(interviews)
    got = list(zip(table["Organisatie"], table["Functie"], table["Aantal"].astype(int)))
    want = list(zip(expected["row"], expected["function"], expected["value"]))
    assert got == want


def test_interview_counts_reproduced(interviews, table1_expected):
    expected = table1_expected[table1_expected["table"] == "Tekst 2.1"]
    summary = interview_summary(interviews)
    assert {k: summary[k] for k in expected["row"]} == dict(zip(expected["row"], expected["value"]))


# --------------------------------------------------------------------------
# A frame constructed from the published figures
# --------------------------------------------------------------------------

#: The report's sums of categories (label -> codes), declared independently of
#: helpers.analysis.counts so the construction does not reuse the code under test.
SUMS = {
    "Som oneens": (1, 2),
    "Som eens": (4, 5),
    "Som niet": (1, 2),
    "Som wel": (4, 5),
    "Som onverzorgd": (1, 2),
    "Som verzorgd": (3, 4),
}
#: Missing code filling the rows without a valid answer.
FILL = {
    "bin_known": codebook.NOT_ASKED,
    "bin_member": codebook.NOT_APPLICABLE,
    "bin_willing": codebook.NOT_APPLICABLE,
}


def _pct(count, n):
    return (200 * count + n) // (2 * n)


def solve_counts(n, targets, sums):
    """Find category counts summing to ``n`` that print as published.

    Parameters
    ----------
    n : int
    targets : dict
        ``{code: published percent}`` for every code.
    sums : dict
        ``{codes: published percent}`` for the printed sums.

    Returns
    -------
    dict
        ``{code: count}``; exact if possible, else the vector with the fewest
        mismatching cells among those matching every category but the last.
    """
    codes = sorted(targets)
    candidates = [[c for c in range(n + 1) if _pct(c, n) == targets[k]] for k in codes[:-1]]
    best, best_misses = None, None
    for combo in itertools.product(*candidates):
        last = n - sum(combo)
        if last < 0:
            continue
        counts = dict(zip(codes, (*combo, last)))
        misses = int(_pct(last, n) != targets[codes[-1]])
        misses += sum(_pct(sum(counts[c] for c in members), n) != p for members, p in sums.items())
        if misses == 0:
            return counts
        if best is None or misses < best_misses:
            best, best_misses = counts, misses
    assert best is not None, f"no count vector for n={n}, targets={targets}"
    return best


def construct_frame(figures, seed=2020):
    """Build a survey frame (codes) and its deviations from the figures alone."""
    rng = np.random.default_rng(seed)
    n_rows = int(figures.loc[figures["table"] == "Tekst 2.2", "value"].iloc[0])
    columns, cells = {}, []

    def column(counts, fill):
        values = np.concatenate(
            [np.repeat(float(c), k) for c, k in counts.items()]
            + [np.repeat(float(fill), n_rows - sum(counts.values()))]
        )
        assert len(values) == n_rows
        return rng.permutation(values)

    # Section 2.2.3: mean age and share of women (gender asked of everyone).
    text = figures[figures["table"] == "Tekst 2.2.3"].set_index("variable")["value"]
    columns["age"] = np.full(n_rows, float(text["age"]))
    women = next(c for c in range(n_rows + 1) if _pct(c, n_rows) == text["gender"])
    columns["gender"] = column({1: n_rows - women, 2: women}, codebook.NO_ANSWER)

    survey_cells = figures[figures["table"].str.startswith("Tabel")]
    for (table, variable), cells_of in survey_cells.groupby(["table", "variable"], sort=False):
        n = int(cells_of.loc[cells_of["column"] == "N", "value"].iloc[0])
        code_of = {label: code for code, label in codebook.value_labels(variable).items()}
        targets, sums = {}, {}
        for cell in cells_of[cells_of["column"] != "N"].itertuples(index=False):
            label = cell.row if cell.column == "%" else cell.column
            if label in code_of:
                targets[code_of[label]] = cell.value
            else:
                sums[SUMS[label]] = cell.value
        counts = solve_counts(n, targets, sums)
        columns[variable] = column(counts, FILL.get(variable, codebook.DONT_KNOW))
        for cell in cells_of.itertuples(index=False):
            label = cell.row if cell.column == "%" else cell.column
            if cell.column == "N":
                value = n
            else:
                members = (code_of[label],) if label in code_of else SUMS[label]
                value = int(round_half_up_percent(sum(counts[c] for c in members), n))
            if value != cell.value:
                cells.append(
                    (
                        table,
                        variable,
                        cell.row,
                        cell.column,
                        cell.value,
                        value,
                        "Constructed frame: no count vector prints every cell",
                    )
                )
    deviations = pd.DataFrame(cells, columns=[*KEYS, "published", "reproduced", "reason"])
    return pd.DataFrame(columns), deviations


@pytest.fixture(scope="module")
def constructed_audit():
    df, deviations = construct_frame(FIGURES)
    return published_vs_recomputed(FIGURES, recompute_report_figures(df), deviations)


@pytest.mark.parametrize("table", TABLES)
def test_constructed_frame_reproduces_report(constructed_audit, table):
    assert_table_reproduced(constructed_audit, table)


def test_constructed_frame_covers_every_cell(constructed_audit):
    assert len(constructed_audit) == len(FIGURES)
    assert (constructed_audit["status"] != "not recomputed").all()
