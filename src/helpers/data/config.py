"""Project paths, resolved once.

Notebooks and scripts never build paths such as ``../data`` themselves; they
import the constants below. The raw-data folder can be redirected to the real
SPSS files with the environment variable ``VEILIGHEID_RAW_DIR`` (see README).
Which data a build used is recorded in the processed file itself
(:mod:`helpers.data.provenance`), never decided from these paths.
"""

from __future__ import annotations

import os
from pathlib import Path


def find_project_root(start=None, package_root=None):
    """Find the folder whose ``data/`` the helpers read.

    In order: the environment variable ``VEILIGHEID_PROJECT_ROOT``; the
    repository this package was installed from in development mode (the
    folder with ``pyproject.toml`` and ``data/``); otherwise the nearest
    folder, from ``start`` (default: the working directory) upwards, that
    holds ``data/reference``. The last case is the student kit: the helpers
    come as a wheel and the notebooks run from the kit's own folder.

    Parameters
    ----------
    start : str or pathlib.Path, optional
        Where the upward search begins (default: the working directory).
    package_root : str or pathlib.Path, optional
        The folder three levels above this module (default: computed), i.e.
        the repository in a development install.

    Returns
    -------
    pathlib.Path
        The root; when nothing is found, the repository location, so that
        errors name the path that was expected.
    """
    if os.environ.get("VEILIGHEID_PROJECT_ROOT"):
        return Path(os.environ["VEILIGHEID_PROJECT_ROOT"])
    source = Path(package_root) if package_root else Path(__file__).resolve().parents[3]
    if (source / "pyproject.toml").is_file() and (source / "data").is_dir():
        return source
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "reference").is_dir():
            return folder
    return source


#: Root of the project: the repository, or the unpacked student kit.
PROJECT_ROOT = find_project_root()

DATA_DIR = PROJECT_ROOT / "data"
#: Raw SPSS deliveries, one file per municipality (read-only).
RAW_DIR = Path(os.environ.get("VEILIGHEID_RAW_DIR", DATA_DIR / "raw"))
#: Declarative harmonisation mappings, one YAML file per source file.
MAPPINGS_DIR = Path(os.environ.get("VEILIGHEID_MAPPINGS_DIR", DATA_DIR / "mappings"))
#: Written only by code (``make data``).
PROCESSED_DIR = Path(os.environ.get("VEILIGHEID_PROCESSED_DIR", DATA_DIR / "processed"))
#: Reference figures from other sources (Veiligheidsmonitor 2018).
REFERENCE_DIR = DATA_DIR / "reference"
#: Outputs of the synthetic-data generator besides the raw files
#: (calibration deviations).
SYNTHETIC_DIR = DATA_DIR / "synthetic"

#: The report's published survey figures, one row per printed cell.
REPORT_FIGURES = REFERENCE_DIR / "report_figures.csv"
#: Tabel 1 and the interview counts of section 2.1, as printed in the report.
REPORT_TABLE1 = REFERENCE_DIR / "report_table1.csv"

SURVEY_FILE = PROCESSED_DIR / "enquete.sav"
MERGE_LOG_FILE = PROCESSED_DIR / "merge_log.csv"
#: Delivered code and label -> harmonised code and label, with counts, per
#: municipality and variable (written with the processed file).
FREQUENCIES_FILE = PROCESSED_DIR / "frequencies.csv"
#: Interview metadata, coding frame and quotes of the qualitative strand.
INTERVIEWS_DIR = DATA_DIR / "interviews"
INTERVIEWS_FILE = INTERVIEWS_DIR / "interviews.csv"
VM_REFERENCE_FILE = REFERENCE_DIR / "veiligheidsmonitor_2018.csv"
DEVIATIONS_FILE = SYNTHETIC_DIR / "deviations.csv"
#: sha256 of every raw file the generator wrote: how a build recognises
#: generated deliveries (see :mod:`helpers.data.provenance`).
GENERATOR_CHECKSUMS = SYNTHETIC_DIR / "checksums.csv"
