"""Feedback pages for the ten municipalities, generated from one template.

The report promised every participating municipality feedback on its own
results. This module

* builds the tables of one municipality (the layouts of Tabel 4, 5 and 8,
  and of Tabel 6 and 7 where the municipality has a BIN) with small-cell
  protection (:mod:`helpers.analysis.disclosure`) and 95% Wilson intervals;
* writes one notebook per municipality from the template
  ``notebooks/gemeenten/_template.ipynb`` and executes it, so the pages are
  committed with outputs that nbval verifies.

Command line::

    python -m helpers.book.feedback [--no-execute] [--out DIR]

The template's cell tagged ``parameters`` sets ``MUNICIPALITY`` (the
harmonised code, 1 = Gemeente A); the generator rewrites that cell and the
placeholders ``__GEMEENTE__`` (the name, "Gemeente A") and ``__letter__``
(``a``, used in labels) in every cell. Generation is deterministic, and each
notebook is written to a temporary file in the same folder and moved into
place only once it executed without error.

The table builders are pure: a DataFrame goes in, a new DataFrame comes out.
"""

from __future__ import annotations

import argparse
import copy
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from helpers.analysis.counts import likert_counts, likert_table
from helpers.analysis.disclosure import (
    THRESHOLD,
    collapse_categories,
    protect_counts,
    protected_long_table,
)
from helpers.data import codebook, config
from helpers.notation import format_number, join_dutch

__all__ = [
    "BIN_ITEMS",
    "COLLAPSED",
    "NOT_COUNT_GLUE",
    "OUT_DIR",
    "SUPPRESSED_TEXT",
    "TEMPLATE",
    "battery_counts",
    "bin_counts",
    "count_text",
    "generate_pages",
    "has_bin",
    "join_dutch",
    "load_designs",
    "lower_first",
    "municipality_slug",
    "municipality_name",
    "not_asked",
    "notebook_path",
    "official_summary",
    "protected_table",
    "recruitment_counts",
    "render_page",
    "report_order",
    "table_label",
]

#: The template and the folder of the generated pages.
OUT_DIR = config.PROJECT_ROOT / "notebooks" / "gemeenten"
TEMPLATE = OUT_DIR / "_template.ipynb"
#: Placeholders the generator replaces in every cell of the template.
NAME_PLACEHOLDER = "__GEMEENTE__"
LETTER_PLACEHOLDER = "__letter__"
#: Tag of the parameter cell (papermill's convention).
PARAMETERS_TAG = "parameters"
#: Tags used only in the template (the template is run by nbval without
#: comparing outputs); they are removed from the generated pages.
TEMPLATE_ONLY_TAGS = ("nbval-ignore-output",)

#: Five answer categories collapsed to three, per value set: the report's
#: sums on both sides and the neutral middle.
COLLAPSED = {
    "likert": {
        "Som oneens": ["Helemaal oneens", "Oneens"],
        "Niet eens, niet oneens": ["Niet eens, niet oneens"],
        "Som eens": ["Eens", "Helemaal eens"],
    },
    "willingness": {
        "Som niet": ["Zeker niet", "Waarschijnlijk niet"],
        "Misschien": ["Misschien"],
        "Som wel": ["Waarschijnlijk wel", "Zeker wel"],
    },
}

#: The BIN items (Tabel 6 and 7).
BIN_ITEMS = ("bin_known", "bin_member", "bin_willing")

#: Shown instead of a count that is protected.
SUPPRESSED_TEXT = "minder dan 5"

#: Glue keys of the pages that hold no count of respondents (texts, dates).
#: Every other glue key on a page starts with ``n_`` and holds a count.
NOT_COUNT_GLUE = (
    "gemeente",
    "design",
    "modes",
    "first_date",
    "last_date",
    "ex_item",
    "ex_pct",
    "ex_low",
    "ex_high",
    "kort_rol",
    "kort_beleid",
    "kort_bin",
    "kort_init",
)


# ---------------------------------------------------------------------------
# Names and labels
# ---------------------------------------------------------------------------


def municipality_name(code):
    """Return the name of a municipality, e.g. ``"Gemeente A"`` for 1.

    Parameters
    ----------
    code : int
        Harmonised municipality code (1-10).

    Returns
    -------
    str
    """
    labels = codebook.value_labels("municipality")
    if int(code) not in labels:
        raise ValueError(f"unknown municipality code {code!r} (expected one of {list(labels)})")
    return labels[int(code)]


def municipality_slug(code):
    """Return the slug of a municipality page, e.g. ``"a"`` for 1 (``gemeente_a``).

    Parameters
    ----------
    code : int

    Returns
    -------
    str
    """
    return municipality_name(code).rsplit(" ", 1)[-1].lower()


def notebook_path(code, out_dir=OUT_DIR):
    """Return the path of a municipality's page, e.g. ``.../gemeente_a.ipynb``.

    Parameters
    ----------
    code : int
    out_dir : str or pathlib.Path, optional

    Returns
    -------
    pathlib.Path
    """
    return Path(out_dir) / f"gemeente_{municipality_slug(code)}.ipynb"


def table_label(code, name):
    """Return a book-wide unique table label, e.g. ``tbl-gemeente-a-rol``.

    Parameters
    ----------
    code : int
    name : str
        Short name of the table on the page.

    Returns
    -------
    str
    """
    return f"tbl-gemeente-{municipality_slug(code)}-{name}"


def lower_first(text):
    """Lower-case the first letter only, so "BIN" stays "BIN" inside a sentence.

    Examples
    --------
    >>> lower_first("Alle respondenten in steden met een BIN")
    'alle respondenten in steden met een BIN'
    """
    text = str(text)
    return text[:1].lower() + text[1:]


def count_text(n, threshold=THRESHOLD):
    """Format a count of respondents for the text, protecting small counts.

    Parameters
    ----------
    n : int
    threshold : int, default 5

    Returns
    -------
    str
        ``"1.219"`` style, or :data:`SUPPRESSED_TEXT` for 1 up to
        ``threshold - 1``.

    Examples
    --------
    >>> count_text(1219), count_text(3), count_text(0)
    ('1.219', 'minder dan 5', '0')
    """
    n = int(n)
    return SUPPRESSED_TEXT if 1 <= n < threshold else format_number(n)


# ---------------------------------------------------------------------------
# Tables of one municipality
# ---------------------------------------------------------------------------


def load_designs(path=None):
    """Read the recruitment design of every municipality from the merge log.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``config.MERGE_LOG_FILE``.

    Returns
    -------
    dict
        ``{municipality code: design}`` with designs ``online``,
        ``door_to_door``, ``street`` or ``mix``.
    """
    path = config.MERGE_LOG_FILE if path is None else path
    log = pd.read_csv(path)
    return {int(m): str(d) for m, d in zip(log["municipality"], log["design"])}


def not_asked(df, variables):
    """List the items that were not asked (all values 97) in these data.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data of one municipality (codes).
    variables : iterable of str

    Returns
    -------
    list of str
        The variables, in the given order, whose every value is the code
        "not asked in this municipality" (97); all of them for an empty frame.
    """
    out = []
    for variable in variables:
        values = pd.to_numeric(df[variable], errors="raise")
        if bool((values == codebook.NOT_ASKED).all()):
            out.append(variable)
    return out


def has_bin(df):
    """Tell whether the BIN questions were asked in these data.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data of one municipality.

    Returns
    -------
    bool
    """
    return len(df) > 0 and "bin_known" not in not_asked(df, ["bin_known"])


def report_order(df, variables):
    """Order items as the report does: by the share that agrees, whole sample.

    The order is taken from all municipalities together, so it is the same
    on every page and reveals nothing about one municipality.

    Parameters
    ----------
    df : pandas.DataFrame
        The full survey (all municipalities).
    variables : list of str

    Returns
    -------
    list of str
    """
    by_label = {codebook.variable_label(v): v for v in variables}
    return [by_label[label] for label in likert_table(df, list(variables)).index]


def battery_counts(df, variables):
    """Count a battery of five-point items in three collapsed categories.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data of one municipality (codes).
    variables : list of str
        Items sharing the value set ``likert`` or ``willingness``, in the
        order wanted; items not asked should be left out beforehand.

    Returns
    -------
    pandas.DataFrame
        int64 counts, index "Stelling" (the item wording), columns ``"N"``
        and the three categories of :data:`COLLAPSED`.
    """
    variables = list(variables)
    value_sets = {codebook.load_codebook()["variables"][v]["values"] for v in variables}
    if len(value_sets) != 1:
        raise ValueError(f"items {variables} do not share one value set")
    (value_set,) = value_sets
    counts = likert_counts(df, variables)
    five = counts[["N", *codebook.load_codebook()["value_sets"][value_set].values()]]
    return collapse_categories(five, COLLAPSED[value_set])


def recruitment_counts(df):
    """Count the respondents of one municipality per recruitment mode.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data of one municipality (codes).

    Returns
    -------
    pandas.DataFrame
        One row "Alle respondenten": ``"N"`` and one int64 column per
        recruitment mode of the codebook (zero counts included).
    """
    modes = codebook.value_labels("recruitment")
    codes = pd.to_numeric(df["recruitment"], errors="raise")
    row = {"N": len(df)}
    row.update({label: int((codes == code).sum()) for code, label in modes.items()})
    return pd.DataFrame([row], index=pd.Index(["Alle respondenten"], name="Groep")).astype(np.int64)


def bin_counts(df):
    """Count the BIN items of one municipality (layouts of Tabel 6 and 7).

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data of one municipality (codes), with the BIN items asked.

    Returns
    -------
    dict
        ``{variable: counts}`` for ``bin_known`` and ``bin_member`` (columns
        N, Ja, Nee) and ``bin_willing`` (N and the three collapsed
        categories); each index holds the item label.
    """
    out = {}
    for variable in BIN_ITEMS:
        labels = codebook.value_labels(variable)
        values = pd.to_numeric(df[variable], errors="raise")
        row = {label: int((values == code).sum()) for code, label in labels.items()}
        counts = pd.DataFrame(
            [{"N": sum(row.values()), **row}],
            index=pd.Index([codebook.variable_label(variable)], name="Vraag"),
        ).astype(np.int64)
        spec = codebook.load_codebook()["variables"][variable]
        if spec["values"] in COLLAPSED:
            counts = collapse_categories(counts, COLLAPSED[spec["values"]])
        out[variable] = counts
    return out


def protected_table(counts, level_names=("Stelling", "Antwoord"), intervals=True, alpha=0.05):
    """Protect counts and turn them into the long table of a page.

    Parameters
    ----------
    counts : pandas.DataFrame or sequence of pandas.DataFrame
        Counts with a column ``"N"``; several frames (with different
        categories) are protected one by one and stacked.
    level_names : tuple of str
        Names of the two index levels.
    intervals : bool, default True
        Keep the Wilson bounds; with False only N and %.
    alpha : float, default 0.05

    Returns
    -------
    pandas.DataFrame
        See :func:`helpers.analysis.disclosure.protected_long_table`.
    """
    frames = [counts] if isinstance(counts, pd.DataFrame) else list(counts)
    parts = [
        protected_long_table(c, protect_counts(c), alpha=alpha, level_names=level_names)
        for c in frames
    ]
    long = pd.concat(parts)
    if not intervals:
        long = long[["N", "%"]]
    return long


# ---------------------------------------------------------------------------
# The summary at the top of a page, for the municipality's officials
# ---------------------------------------------------------------------------


def _shown_rows(counts, category):
    """Rows of a protected table whose ``category`` cell is shown, by percentage."""
    long = protected_table(counts)
    part = long.xs(category, level="Antwoord")
    return part[part["%"].notna()].sort_values("%", ascending=False, kind="stable")


def _percent(value):
    return format_number(float(value)) + "%"


def _extreme_sentence(counts, category, *, best, what, none):
    rows = _shown_rows(counts, category)
    if rows.empty:
        return none
    item = rows.index[0] if best else rows.index[-1]
    row = rows.loc[item]
    return (
        f"{what} \u201c{str(item).rstrip('.')}\u201d: {_percent(row['%'])} "
        f"(interval {_percent(row['Van'])} tot {_percent(row['Tot'])})."
    )


def official_summary(survey, code):
    """Write the summary that opens a municipality's page, one sentence per theme.

    Every figure comes from the page's own protected tables
    (:func:`protected_table`): a cell that a table hides never appears in the
    summary, and a theme without a shown figure says so.

    Parameters
    ----------
    survey : pandas.DataFrame
        The full survey (codes), as :func:`helpers.data.pipeline.load_survey` gives it.
    code : int
        Harmonised municipality code.

    Returns
    -------
    dict
        Dutch sentences under the glue keys ``kort_rol``, ``kort_beleid``,
        ``kort_bin`` and ``kort_init`` (see :data:`NOT_COUNT_GLUE`).
    """
    local = survey[survey["municipality"] == int(code)]
    groups = {
        group: [
            v
            for v in report_order(survey, codebook.variables_in_group(group))
            if v not in not_asked(local, codebook.variables_in_group(group))
        ]
        for group in ("Tabel 4", "Tabel 5", "Tabel 8")
    }
    too_few = "te weinig antwoorden om een cijfer te tonen."
    out = {
        "kort_rol": _extreme_sentence(
            battery_counts(local, groups["Tabel 4"]),
            "Som eens",
            best=True,
            what="Over hun eigen rol zijn de meeste respondenten het eens met",
            none="Over hun eigen rol: " + too_few,
        )
        if groups["Tabel 4"]
        else "De stellingen over de eigen rol werden hier niet gesteld.",
    }
    if groups["Tabel 5"]:
        policy = battery_counts(local, groups["Tabel 5"])
        out["kort_beleid"] = " ".join(
            [
                _extreme_sentence(
                    policy,
                    "Som eens",
                    best=True,
                    what="Over het veiligheidsbeleid van de gemeente is de instemming "
                    "het grootst met",
                    none="Over het veiligheidsbeleid: " + too_few,
                ),
                _extreme_sentence(
                    policy,
                    "Som eens",
                    best=False,
                    what="Ze is het kleinst met",
                    none="",
                ),
            ]
        ).strip()
    else:
        out["kort_beleid"] = "De stellingen over het gemeentelijke beleid werden hier niet gesteld."
    if has_bin(local):
        known = protected_table(bin_counts(local)["bin_known"], level_names=("Vraag", "Antwoord"))
        yes = known.xs("Ja", level="Antwoord")["%"].dropna()
        out["kort_bin"] = (
            f"Het buurtinformatienetwerk (BIN) is bekend bij {_percent(yes.iloc[0])} van wie de "
            "vraag beantwoordde."
            if len(yes)
            else "Over de bekendheid van het buurtinformatienetwerk: " + too_few
        )
    else:
        out["kort_bin"] = "Hier werd niet naar een buurtinformatienetwerk (BIN) gevraagd."
    out["kort_init"] = (
        _extreme_sentence(
            battery_counts(local, groups["Tabel 8"]),
            "Som wel",
            best=True,
            what="Het meest zouden ze zeker of waarschijnlijk meewerken aan",
            none="Over nieuwe initiatieven: " + too_few,
        )
        if groups["Tabel 8"]
        else "De vragen over nieuwe initiatieven werden hier niet gesteld."
    )
    return out


# ---------------------------------------------------------------------------
# Page generation
# ---------------------------------------------------------------------------


def render_page(template, code):
    """Fill in the template for one municipality (without executing it).

    Parameters
    ----------
    template : nbformat.NotebookNode
        The template notebook.
    code : int
        Harmonised municipality code.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook: placeholders replaced, the parameter cell set to
        ``code``, template-only tags and all outputs removed.

    Raises
    ------
    ValueError
        If the template has no cell tagged ``parameters`` or more than one.
    """
    name, letter = municipality_name(code), municipality_slug(code)
    nb = copy.deepcopy(template)
    parameter_cells = [
        c for c in nb.cells if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])
    ]
    if len(parameter_cells) != 1:
        raise ValueError("the template needs exactly one cell tagged 'parameters'")
    for cell in nb.cells:
        if cell in parameter_cells:
            cell.source = (
                f"# Parameter: harmonised municipality code ({name}).\nMUNICIPALITY = {int(code)}"
            )
        else:
            cell.source = cell.source.replace(NAME_PLACEHOLDER, name).replace(
                LETTER_PLACEHOLDER, letter
            )
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t not in TEMPLATE_ONLY_TAGS]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def _write_atomic(nb, path):
    """Write a notebook to a temporary file beside ``path``; return that file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".ipynb.tmp")
    os.close(fd)
    tmp = Path(tmp)
    try:
        nbformat.write(nb, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def generate_pages(out_dir=OUT_DIR, template=TEMPLATE, codes=None, execute=True):
    """Write (and execute) the feedback page of every municipality.

    Parameters
    ----------
    out_dir : str or pathlib.Path, optional
        Folder of the pages (default ``notebooks/gemeenten``).
    template : str or pathlib.Path, optional
        The template notebook.
    codes : iterable of int, optional
        Municipality codes; default all ten of the codebook.
    execute : bool, default True
        Execute each page (``helpers.book.notebooks.execute_in_place``) before it
        replaces the old one; without, the pages have no outputs.

    Returns
    -------
    list of pathlib.Path
        The pages written, in code order.
    """
    from helpers.book.notebooks import execute_in_place

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = nbformat.read(Path(template), as_version=4)
    codes = list(codebook.value_labels("municipality")) if codes is None else list(codes)
    written = []
    for code in codes:
        target = notebook_path(code, out_dir)
        tmp = _write_atomic(render_page(source, code), target)
        try:
            if execute:
                execute_in_place(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.book.feedback",
        description="Write the ten municipality feedback pages from the template.",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--no-execute", action="store_true", help="write without outputs")
    args = parser.parse_args(argv)
    for path in generate_pages(args.out, execute=not args.no_execute):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
