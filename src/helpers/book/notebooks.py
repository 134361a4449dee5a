"""Re-execute the book's notebooks in place, so their stored outputs are current.

``make notebooks`` calls this after a change to data or helpers; nbval
(``make test``) then proves that the stored outputs equal a fresh run.

Usage: ``python -m helpers.book.notebooks [NOTEBOOK ...]`` (default: all notebooks
listed in ``notebooks/``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.data.config import PROJECT_ROOT

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"


def execute_in_place(path, timeout=600):
    """Execute one notebook in its own folder and save it with outputs.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.ipynb`` file.
    timeout : int, default 600
        Seconds allowed per cell.

    Returns
    -------
    pathlib.Path
        The notebook written.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(nb, path)
    return path


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    for path in paths:
        print(f"executing {path}")
        execute_in_place(path)


if __name__ == "__main__":
    main()
