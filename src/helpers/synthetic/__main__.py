"""Command line: ``python -m helpers.synthetic [--out DIR]``."""

from __future__ import annotations

import argparse

from helpers.synthetic.generate import generate


def main(argv=None):
    """Generate the synthetic data files.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(
        prog="python -m helpers.synthetic",
        description="Write the calibrated synthetic SPSS files, their mappings, the "
        "interview metadata and the calibration deviations.",
    )
    parser.add_argument(
        "--out",
        help="root folder (default: the project's data folder); "
        "raw/, mappings/, interviews/ and synthetic/ go under it",
    )
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)


if __name__ == "__main__":
    main()
