"""Record the software environment the book was built with.

The "Over dit boek" page shows :func:`environment_table`, so a reader can see
which Python and which package versions produced the figures and tables
(the exact pins of every package are in ``constraints.txt``).
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata

import pandas as pd

__all__ = ["KEY_PACKAGES", "environment_table"]

#: The packages whose version shapes the book's content or rendering.
KEY_PACKAGES: tuple[str, ...] = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "sphinx-exercise",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pyreadstat",
    "pandera",
    "weightipy",
    "snowballstemmer",
)


def environment_table(packages: tuple[str, ...] | list[str] = KEY_PACKAGES) -> pd.DataFrame:
    """Return Python's version and the installed version of each package.

    Parameters
    ----------
    packages : sequence of str, default :data:`KEY_PACKAGES`
        Distribution names (as on PyPI).

    Returns
    -------
    pandas.DataFrame
        Index "Onderdeel" (Python first, then the packages in the given
        order), one column "Versie"; "niet geïnstalleerd" for a missing
        package. Deterministic for a given environment (no dates, no paths).

    Examples
    --------
    >>> table = environment_table(("pandas",))
    >>> list(table.index)
    ['Python', 'pandas']
    """
    rows = {"Python": platform.python_version()}
    for name in packages:
        try:
            rows[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows[name] = "niet geïnstalleerd"
    frame = pd.DataFrame({"Versie": pd.Series(rows, dtype="string")})
    frame.index.name = "Onderdeel"
    return frame


if __name__ == "__main__":  # pragma: no cover
    print(environment_table().to_string())
    sys.exit(0)
