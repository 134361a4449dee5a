"""Every published survey figure recomputed and set beside the report.

:func:`recompute_report_figures` rebuilds each printed cell with the same
table builders the book uses, and :func:`published_vs_recomputed` compares
them with ``data/reference/report_figures.csv`` (and, on the synthetic data,
with the calibration's recorded deviations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.comparison import (
    SURVEY_COLUMN,
    bin_tables,
    compare_with_reference,
    load_reference,
    sample_summary,
)
from helpers.analysis.counts import SUBTOTAL_LABEL, frequency_table, likert_table
from helpers.data import codebook, config
from helpers.data.provenance import read_provenance

#: Keys shared by report_figures.csv, deviations.csv and the recomputation.
FIGURE_KEYS = ["table", "variable", "row", "column"]


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


def load_deviations(path=None, missing_ok=True, provenance=None):
    """Read the recorded deviations between the report and the synthetic data.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``config.DEVIATIONS_FILE`` when the processed data are
        the generator's output (their recorded provenance says so). On any
        delivered file the default is "no recorded deviations": the records
        explain the synthetic calibration and must not excuse a difference in
        real data.
    missing_ok : bool, default True
        A missing file means "no recorded deviations" and gives an empty
        frame.
    provenance : helpers.data.provenance.Provenance, optional
        The provenance to decide by; read from the processed file by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``variable``, ``row``, ``column``, ``published``,
        ``reproduced`` and ``reason``.
    """
    columns = [*FIGURE_KEYS, "published", "reproduced", "reason"]
    if path is None and not (provenance or read_provenance()).generated:
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
        ``data/reference/report_figures.csv``) and ``value`` (``Int64``: counts,
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
    for name, frame in (
        ("figures", figures),
        ("recomputed", recomputed),
        ("deviations", deviations),
    ):
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
        on=keys,
        how="left",
        validate="one_to_one",
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
            on=keys,
            how="left",
            validate="one_to_one",
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

    audit["status"] = (
        audit.apply(status, axis=1).astype(str) if len(audit) else pd.Series([], dtype=str)
    )
    columns = [*keys, "unit", "published", "recomputed", "match", "recorded", "reason", "status"]
    return audit[columns]
