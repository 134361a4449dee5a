"""Build ``data/processed/enquete.sav`` and ``merge_log.csv`` from the raw files.

Command line::

    python -m helpers.data.pipeline [--raw DIR] [--mappings DIR] [--out DIR]

The raw folder defaults to :data:`helpers.data.config.RAW_DIR` (environment
variable ``VEILIGHEID_RAW_DIR``), so the same command runs on the synthetic
and on the real deliveries. Nothing in the output folder changes unless every
file harmonises and the merged data pass the schema: both outputs are written
to temporary files first and only then moved into place.

Notebooks read the result with :func:`load_survey` (codes) and turn codes into
labelled, ordered categories with :func:`apply_labels`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from helpers.data import codebook, config
from helpers.data.errors import DeliveryError, OutputError
from helpers.data.merge import DECISION_COLUMNS, merge_deliveries
from helpers.data.provenance import FILE_LABELS, provenance_notes
from helpers.data.sav import read_sav, write_sav_atomic, write_text_atomic
from helpers.data.schema import validate_survey

#: Value sets whose codes are ordered (SPSS measure "ordinal").
ORDINAL_VALUE_SETS = ("education", "residence_duration", "appearance", "likert", "willingness")
#: Written beside ``merge_log.csv`` only when the build decided something
#: about the raw folder (an ignored non-SPSS file or folder): one row per
#: entry, columns :data:`helpers.data.merge.DECISION_COLUMNS`. Removed by a
#: build that made no such decision, so it never describes an older build.
DECISIONS_FILE_NAME = "decisions.csv"
#: Delivered code and label -> harmonised code and label per municipality and
#: variable, with counts (:data:`helpers.data.merge.FREQUENCY_TABLE_COLUMNS`).
FREQUENCIES_FILE_NAME = "frequencies.csv"
#: SPSS print formats per codebook kind.
_FORMATS = {"categorical": "F2.0", "numeric": "F3.0", "date": "DATE11"}


def processed_sav_metadata(df=None):
    """SPSS metadata of the processed file, built from the codebook.

    Parameters
    ----------
    df : pandas.DataFrame, optional
        The data; used only to size the ``resp_id`` string format.

    Returns
    -------
    dict
        Keyword arguments for :func:`pyreadstat.write_sav`: ``column_labels``,
        ``variable_value_labels`` (value labels plus 96-99),
        ``missing_ranges`` (96-99 for every categorical variable),
        ``variable_measure`` and ``variable_format``.
    """
    book = codebook.load_codebook()
    labels, value_labels, missing, measure, formats = {}, {}, {}, {}, {}
    width = 5
    if df is not None and len(df):
        width = max(width, int(df["resp_id"].str.len().max()))
    for name, spec in book["variables"].items():
        kind = spec["kind"]
        labels[name] = spec["label"]
        if kind == "id":
            measure[name] = "nominal"
            formats[name] = f"A{width}"
        elif kind == "categorical":
            value_labels[name] = {
                float(k): v for k, v in codebook.value_labels(name, include_missing=True).items()
            }
            missing[name] = [
                {"lo": float(codebook.MISSING_LOW), "hi": float(codebook.MISSING_HIGH)}
            ]
            measure[name] = "ordinal" if spec["values"] in ORDINAL_VALUE_SETS else "nominal"
            formats[name] = _FORMATS[kind]
        else:
            measure[name] = "scale"
            formats[name] = _FORMATS[kind]
    return {
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": measure,
        "variable_format": formats,
    }


def _to_writable(df):
    """Types pyreadstat writes as intended (dates as datetime64)."""
    out = df.copy()
    for name, spec in codebook.load_codebook()["variables"].items():
        if spec["kind"] == "categorical":
            out[name] = out[name].astype("int64")
        elif spec["kind"] == "date":
            out[name] = pd.to_datetime(out[name])
        elif spec["kind"] == "id":
            out[name] = out[name].astype(str)
    return out


def _source_files(merge_log):
    """``{municipality code: file name(s)}`` for the schema's error messages."""
    files = {}
    for code, file in zip(merge_log["municipality"], merge_log["file"]):
        if file:
            files[int(code)] = f"{files[int(code)]}, {file}" if int(code) in files else file
    return files


def _temp_path(out_dir, name, temporary):
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}-", suffix=".tmp")
    os.close(fd)
    temporary.append(Path(tmp))
    return Path(tmp)


def build_processed(
    raw_dir=config.RAW_DIR, mappings_dir=config.MAPPINGS_DIR, out_dir=config.PROCESSED_DIR
):
    """Harmonise, merge, validate and write the processed survey.

    Parameters
    ----------
    raw_dir : str or pathlib.Path
        Folder with the raw ``.sav`` deliveries.
    mappings_dir : str or pathlib.Path
        Folder with one mapping per raw file.
    out_dir : str or pathlib.Path
        Output folder; receives ``enquete.sav`` (which records its
        provenance, :mod:`helpers.data.provenance`), ``merge_log.csv``,
        ``frequencies.csv`` (and ``decisions.csv`` when entries of
        ``raw_dir`` were ignored, see :data:`DECISIONS_FILE_NAME`).

    Returns
    -------
    merged : pandas.DataFrame
        The validated merged survey.
    merge_log : pandas.DataFrame
        Rows read, written and excluded (with reasons) per file.

    Raises
    ------
    DeliveryError
        When any file or mapping is faulty or the merged data fail the
        schema, or (:class:`~helpers.data.errors.OutputError`) when the output
        cannot be written; the output folder is then left exactly as it was.
    """
    merged, merge_log = merge_deliveries(raw_dir, mappings_dir)
    merged = validate_survey(
        merged, _source_files(merge_log), merge_log.attrs.get("source_variables")
    )
    _write_outputs(Path(out_dir), merged, merge_log)
    return merged, merge_log


def _prepare_output_folder(out_dir):
    """Create the output folder if needed; return whether this call created it."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(
            str(out_dir), "the output path is a file, not a folder; name a folder with --out"
        )
    existed = out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            str(out_dir), f"the output folder cannot be created ({exc.strerror or exc})"
        ) from None
    return not existed


def _write_outputs(out_dir, merged, merge_log):
    """Write every output to temporary files, check, then move them into place.

    Nothing in ``out_dir`` changes unless every file was written: a failure
    (no permission, a full disk) leaves the folder as it was, and removes it
    again if this build created it.
    """
    created = _prepare_output_folder(out_dir)
    temporary = []
    try:
        _write_and_replace(out_dir, merged, merge_log, temporary)
    except OSError as exc:
        raise OutputError(
            str(out_dir), f"the processed data cannot be written ({exc.strerror or exc})"
        ) from None
    except Exception as exc:  # pyreadstat's write errors, a failed read-back
        raise OutputError(
            str(out_dir), f"the processed data cannot be written ({type(exc).__name__}: {exc})"
        ) from None
    finally:
        for tmp in temporary:
            if tmp.exists():
                tmp.unlink()
        if created and out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()


def _write_and_replace(out_dir, merged, merge_log, temporary):
    decisions = merge_log.attrs.get("decisions") or []
    provenance = merge_log.attrs["provenance"]
    frequencies = merge_log.attrs["frequencies"]
    sav_tmp = _temp_path(out_dir, "enquete.sav", temporary)
    log_tmp = _temp_path(out_dir, "merge_log.csv", temporary)
    freq_tmp = _temp_path(out_dir, FREQUENCIES_FILE_NAME, temporary)
    dec_tmp = _temp_path(out_dir, DECISIONS_FILE_NAME, temporary)
    write_sav_atomic(
        _to_writable(merged),
        sav_tmp,
        file_label=FILE_LABELS[provenance.mode],
        note=provenance_notes(provenance),
        **processed_sav_metadata(merged),
    )
    write_text_atomic(merge_log.to_csv(index=False, lineterminator="\n"), log_tmp)
    write_text_atomic(frequencies.to_csv(index=False, lineterminator="\n"), freq_tmp)
    if decisions:
        table = pd.DataFrame(decisions, columns=DECISION_COLUMNS)
        write_text_atomic(table.to_csv(index=False, lineterminator="\n"), dec_tmp)
    # Read the new file back before it replaces the old one: its variables
    # (metadata), and every row, parsed through one variable (materialising
    # all variables would cost as much as the whole build's reading).
    _, written = read_sav(sav_tmp, metadataonly=True)
    columns = list(written.column_names)
    rows = (
        len(read_sav(sav_tmp, usecols=columns[:1])[0]) if columns == list(merged.columns) else None
    )
    if rows != len(merged) or columns != list(merged.columns):
        raise RuntimeError(f"{sav_tmp.name}: written file does not read back as written")
    os.replace(sav_tmp, out_dir / "enquete.sav")
    os.replace(log_tmp, out_dir / "merge_log.csv")
    os.replace(freq_tmp, out_dir / FREQUENCIES_FILE_NAME)
    if decisions:
        os.replace(dec_tmp, out_dir / DECISIONS_FILE_NAME)
    elif (out_dir / DECISIONS_FILE_NAME).exists():
        # A decisions log left by an earlier build no longer applies.
        (out_dir / DECISIONS_FILE_NAME).unlink()


class CodedSeries(pd.Series):
    """A survey column of codes that also understands its value labels.

    ``survey["municipality"] == "Gemeente A"`` compares with the code of that
    label (1), so a filter written with a name works; a name that is not a
    label of the variable raises an error that lists the labels, instead of
    silently matching no row. ``!=`` and :meth:`isin` do the same. Columns of
    labels (after :func:`apply_labels`) and columns that are not categorical
    codebook variables behave exactly as a plain :class:`pandas.Series`.
    """

    @property
    def _constructor(self):
        return CodedSeries

    @property
    def _constructor_expanddim(self):
        return Survey

    def _labels(self):
        name = self.name
        if not isinstance(name, str) or not pd.api.types.is_numeric_dtype(self.dtype):
            return None
        spec = codebook.load_codebook()["variables"].get(name)
        if spec is None or spec["kind"] != "categorical":
            return None
        return codebook.value_labels(name, include_missing=True)

    def _code(self, value):
        labels = self._labels()
        if labels is None or not isinstance(value, str):
            return value
        by_label = {label.casefold(): code for code, label in labels.items()}
        code = by_label.get(value.strip().casefold())
        if code is None:
            shown = ", ".join(f"{c} = {label}" for c, label in labels.items())
            raise ValueError(
                f"{self.name!r} holds codes, and {value!r} is not one of its labels "
                f"({shown}). Compare with a code, e.g. survey[{self.name!r}] == "
                f"{next(iter(labels))}, or with one of these labels."
            )
        return code

    def __eq__(self, other):
        return super().__eq__(self._code(other))

    def __ne__(self, other):
        return super().__ne__(self._code(other))

    def isin(self, values):
        """Like :meth:`pandas.Series.isin`; value labels count as their codes."""
        if isinstance(values, str):
            values = [values]
        return super().isin([self._code(v) for v in values])


class Survey(pd.DataFrame):
    """The processed survey: a DataFrame whose columns are :class:`CodedSeries`."""

    @property
    def _constructor(self):
        return Survey

    @property
    def _constructor_sliced(self):
        return CodedSeries


def load_survey(path=None):
    """Read the processed survey as codes plus metadata.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``data/processed/enquete.sav``
        (:data:`helpers.data.config.SURVEY_FILE`).

    Returns
    -------
    df : Survey
        Codes, not labels; user-missing codes 96-99 kept as values;
        categorical codes as ``int64``, ``interview_date`` as
        ``datetime64``. A :class:`pandas.DataFrame` in every respect, except
        that a categorical column compared with a value label compares with
        its code: ``df["municipality"] == "Gemeente A"`` selects the
        respondents of Gemeente A (see :class:`CodedSeries`).
    meta : pyreadstat.metadata_container
        Variable labels, value labels, missing ranges, measure levels.

    Raises
    ------
    FileNotFoundError
        When the processed file does not exist; the message says how to
        build it (``make data``).
    """
    path = Path(path) if path is not None else config.SURVEY_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: build the processed survey first with `make data` "
            "(or `python -m helpers.data.pipeline`), which harmonises and merges the raw "
            "SPSS files."
        )
    df, meta = read_sav(path)
    for name, spec in codebook.load_codebook()["variables"].items():
        if name not in df.columns:
            continue
        if spec["kind"] == "categorical" and df[name].notna().all():
            df[name] = df[name].astype("int64")
        elif spec["kind"] == "date":
            df[name] = pd.to_datetime(df[name])
    return Survey(df), meta


def label_dtype(name):
    """Ordered categorical dtype of a codebook variable's valid labels.

    Parameters
    ----------
    name : str
        Harmonised categorical variable.

    Returns
    -------
    pandas.CategoricalDtype
        All value labels in code order (whether observed or not), without
        the missing codes.
    """
    return pd.CategoricalDtype(list(codebook.value_labels(name).values()), ordered=True)


def apply_labels(df, variables=None):
    """Replace codes by ordered categorical labels.

    Parameters
    ----------
    df : pandas.DataFrame
        Survey data as codes.
    variables : list of str, optional
        Variables to label; by default every categorical codebook variable
        present in ``df``.

    Returns
    -------
    pandas.DataFrame
        A new frame; labelled variables are ordered ``Categorical`` with the
        codebook's full label set as categories; missing codes 96-99 and NaN
        become NaN.

    Raises
    ------
    ValueError
        If a variable is not categorical in the codebook, or a code is
        neither a value label nor a missing code.
    """
    book = codebook.load_codebook()["variables"]
    if variables is None:
        variables = [v for v in df.columns if v in book and book[v]["kind"] == "categorical"]
    out = df.copy()
    for name in variables:
        if name not in book or book[name]["kind"] != "categorical":
            raise ValueError(f"{name!r} is not a categorical variable of the codebook")
        labels = codebook.value_labels(name)
        col = out[name]
        is_missing = col.isna() | col.between(codebook.MISSING_LOW, codebook.MISSING_HIGH)
        unknown = col[~is_missing & ~col.isin(list(labels))]
        if len(unknown):
            raise ValueError(f"{name!r}: code {unknown.iloc[0]!r} has no value label")
        mapped = col.where(~is_missing).map(
            lambda c, labels=labels: labels.get(int(c)) if pd.notna(c) else None
        )
        out[name] = pd.Categorical(mapped, dtype=label_dtype(name))
    return out


def main(argv=None):
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data.pipeline",
        description="Harmonise and merge the raw SPSS deliveries into enquete.sav.",
    )
    parser.add_argument(
        "--raw",
        type=Path,
        default=config.RAW_DIR,
        help=f"raw .sav folder (default {config.RAW_DIR})",
    )
    parser.add_argument(
        "--mappings",
        type=Path,
        default=config.MAPPINGS_DIR,
        help=f"mapping folder (default {config.MAPPINGS_DIR})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=config.PROCESSED_DIR,
        help=f"output folder (default {config.PROCESSED_DIR})",
    )
    args = parser.parse_args(argv)
    try:
        merged, merge_log = build_processed(args.raw, args.mappings, args.out)
    except DeliveryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    except Exception as exc:  # a failure no check foresaw: still no traceback
        print(
            f"error: unexpected failure ({type(exc).__name__}: {exc}); nothing was written. "
            f"Please report this, with the command you ran, to the maintainers of the book",
            file=sys.stderr,
        )
        return 2
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(merge_log.drop(columns="notes").to_string(index=False))
    for row in merge_log.itertuples():
        if row.notes:
            print(f"note: {row.file or f'municipality {row.municipality}'}: {row.notes}")
    for decision in merge_log.attrs.get("decisions") or []:
        print(f"note: {decision['file']}: {decision['decision']}")
    print(
        f"wrote {args.out / 'enquete.sav'} ({len(merged)} respondents, "
        f"{_describe_provenance(merge_log.attrs['provenance'])}), "
        f"{args.out / 'merge_log.csv'} and {args.out / FREQUENCIES_FILE_NAME}"
    )
    return 0


def _describe_provenance(provenance):
    counts = {}
    for delivery in provenance.deliveries:
        counts[delivery.origin] = counts.get(delivery.origin, 0) + 1
    return ", ".join(f"{n} {origin} file(s)" for origin, n in sorted(counts.items()))


if __name__ == "__main__":
    sys.exit(main())
