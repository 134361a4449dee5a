"""Generate every synthetic data file, deterministically.

Run ``python -m helpers.synthetic`` (or ``make synthetic``). In order:

1. **Calibrate**: read the report's figures (``data/reference/report_figures.csv``)
   and find, per published row, integer counts that reproduce every printed
   cell (:mod:`helpers.synthetic.calibrate`). Cells no counts can reproduce
   go to ``synthetic/deviations.csv`` with the reason.
2. **Truth**: build the harmonised respondent-level data that hit those
   counts exactly (:mod:`helpers.synthetic.truth`).
3. **Deliveries**: per municipality, describe the student group's SPSS file,
   write its mapping (``mappings/gemeente_x.yaml``) and the raw file
   (``raw/gemeente_x.sav``) by applying the mapping in reverse
   (:mod:`helpers.synthetic.deliveries`), and record each raw file's sha256
   in ``synthetic/checksums.csv``: that is how a build recognises the
   generator's files (:mod:`helpers.data.provenance`).
4. **Interviews**: the metadata of the 49 qualitative interviews
   (``interviews/interviews.csv``, :mod:`helpers.synthetic.interviews`).

Every random choice comes from a generator seeded with
:data:`design.SEED` (one independent stream per step and municipality), and
every file is written atomically and byte-stably, so a re-run gives
identical bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import codebook, config
from helpers.data.provenance import file_checksum
from helpers.data.sav import write_sav_atomic, write_text_atomic
from helpers.synthetic import design
from helpers.synthetic.calibrate import calibrate_row, explain_infeasibility, published_rows
from helpers.synthetic.deliveries import (
    build_mapping,
    build_raw,
    delivery_sav_metadata,
    render_mapping,
    source_variables,
)
from helpers.synthetic.interviews import build_interviews
from helpers.synthetic.truth import build_truth

DEVIATION_COLUMNS = ("table", "variable", "row", "column", "published", "reproduced", "reason")

#: Independent random streams (spawn keys under design.SEED).
_STREAM_DELIVERY = 1
_STREAM_INTERVIEWS = 2


@dataclass
class Targets:
    """What the synthetic data must reproduce.

    Attributes
    ----------
    n : int
        Number of respondents.
    mean_age : int
        Printed mean age.
    counts : dict
        ``{variable: {code: count}}`` of every published categorical
        variable (valid answers; sums to the variable's valid N).
    deviations : pandas.DataFrame
        Printed cells the counts cannot reproduce (:data:`DEVIATION_COLUMNS`).
    """

    n: int
    mean_age: int
    counts: dict
    deviations: pd.DataFrame


def _figure(figures, table, variable, column):
    sel = figures[(figures["table"] == table) & (figures["column"] == column)]
    if variable is None:
        sel = sel[sel["variable"].isna() | (sel["variable"] == "")]
    else:
        sel = sel[sel["variable"] == variable]
    if len(sel) != 1:
        raise ValueError(f"expected one figure for {table} {variable} {column}, got {len(sel)}")
    return int(sel["value"].iloc[0])


def calibrate_report(figures):
    """Calibrate category counts to every published row of the report.

    Parameters
    ----------
    figures : pandas.DataFrame
        The contents of ``data/reference/report_figures.csv``.

    Returns
    -------
    Targets
    """
    n = _figure(figures, "Tekst 2.2", None, "N")
    mean_age = _figure(figures, "Tekst 2.2.3", "age", "Gemiddelde")
    counts = {}
    deviations = []
    for pub in published_rows(figures, codebook.value_labels, default_n=n):
        result = calibrate_row(pub.row)
        counts[pub.variable] = dict(zip(pub.codes, result.counts.values()))
        if result.deviations:
            reason = explain_infeasibility(pub.row)
            for dev in result.deviations:
                row, column = pub.cells[dev.cell]
                deviations.append(
                    (pub.table, pub.variable, row, column, dev.published, dev.reproduced, reason)
                )
    return Targets(
        n=n,
        mean_age=mean_age,
        counts=counts,
        deviations=pd.DataFrame(deviations, columns=list(DEVIATION_COLUMNS)),
    )


def _csv_text(df):
    buffer = io.StringIO()
    df.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def output_dirs(out=None):
    """Return the folders the generator writes into.

    Parameters
    ----------
    out : str or pathlib.Path, optional
        Root folder; ``raw``, ``mappings``, ``interviews`` and ``synthetic``
        are created under it. Default: the project's ``data`` folder (never
        the folder named by ``VEILIGHEID_RAW_DIR``, which may hold the real
        files).

    Returns
    -------
    dict
        ``{"raw", "mappings", "interviews", "synthetic"}`` -> pathlib.Path.
    """
    root = Path(out) if out is not None else config.DATA_DIR
    return {name: root / name for name in ("raw", "mappings", "interviews", "synthetic")}


def generate(out=None):
    """Write all synthetic data files.

    Parameters
    ----------
    out : str or pathlib.Path, optional
        See :func:`output_dirs`.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    dirs = output_dirs(out)
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    figures = pd.read_csv(config.REPORT_FIGURES)
    targets = calibrate_report(figures)
    sizes = sum(m.size for m in design.MUNICIPALITIES)
    if sizes != targets.n:
        raise ValueError(f"municipality sizes sum to {sizes}, the report has N = {targets.n}")
    truth = build_truth(targets.counts, targets.mean_age, seed=design.SEED)

    written = [
        write_text_atomic(_csv_text(targets.deviations), dirs["synthetic"] / "deviations.csv")
    ]
    files = {f.letter: f for f in design.STUDENT_FILES}
    checksums = []
    for muni in design.MUNICIPALITIES:
        sf = files[muni.letter]
        rng = np.random.default_rng([design.SEED, _STREAM_DELIVERY, muni.code])
        variables = source_variables(sf, muni)
        mapping = build_mapping(sf, muni, variables)
        written.append(
            write_text_atomic(
                render_mapping(mapping, muni),
                dirs["mappings"] / f"gemeente_{muni.letter.lower()}.yaml",
            )
        )
        raw = build_raw(sf, muni, variables, truth, rng)
        path = write_sav_atomic(
            raw, dirs["raw"] / mapping["file"], **delivery_sav_metadata(variables)
        )
        written.append(path)
        checksums.append({"file": path.name, "sha256": file_checksum(path)})
    # How a build recognises these files as the generator's output (a file
    # saved again, even unchanged in content, counts as delivered).
    written.append(
        write_text_atomic(
            _csv_text(pd.DataFrame(checksums, columns=["file", "sha256"])),
            dirs["synthetic"] / "checksums.csv",
        )
    )
    interviews = build_interviews(np.random.default_rng([design.SEED, _STREAM_INTERVIEWS]))
    written.append(write_text_atomic(_csv_text(interviews), dirs["interviews"] / "interviews.csv"))
    return written


def build(seed=design.SEED):
    """Return the calibration targets and the harmonised truth, writing nothing.

    Parameters
    ----------
    seed : int, default design.SEED

    Returns
    -------
    targets : Targets
    truth : helpers.synthetic.truth.Truth
    """
    targets = calibrate_report(pd.read_csv(config.REPORT_FIGURES))
    return targets, build_truth(targets.counts, targets.mean_age, seed=seed)
