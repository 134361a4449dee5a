"""Scaled copies of the raw SPSS deliveries, for the pipeline benchmark.

:func:`scale_sav` replicates the rows of one ``.sav`` file ``k`` times. The
first copy keeps the original respondent ids; every further row gets a new id
(the smallest whole numbers not used yet), so ids stay unique within the file.
All SPSS metadata that :func:`pyreadstat.write_sav` can write are carried
over: variable labels, value labels, user-missing values and ranges, measure
levels, print formats, display widths and the file label. The data are read
as codes with user-missing values kept (as the pipeline reads them), so a
scaled file holds exactly ``k`` times the rows of its source, exclusions
(test entries, empty rows) included.

:func:`scale_raw_folder` does this for every ``.sav`` file of a raw folder,
with the id variable of each file taken from its mapping.

This is benchmark tooling only: nothing in ``src/helpers`` depends on it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import yaml

from helpers.data.sav import read_sav, write_sav_atomic


def sav_write_kwargs(meta):
    """Keyword arguments for :func:`pyreadstat.write_sav` that reproduce ``meta``.

    Parameters
    ----------
    meta : pyreadstat.metadata_container
        Metadata as returned by :func:`pyreadstat.read_sav` with
        ``user_missing=True``.

    Returns
    -------
    dict
        ``file_label``, ``column_labels``, ``variable_value_labels``,
        ``missing_ranges``, ``variable_measure``, ``variable_format`` and
        ``variable_display_width``.
    """
    labels = dict(zip(meta.column_names, meta.column_labels))
    missing = {}
    for name, ranges in (meta.missing_ranges or {}).items():
        missing[name] = [
            r["lo"] if r["lo"] == r["hi"] else {"lo": r["lo"], "hi": r["hi"]} for r in ranges
        ]
    measure = {
        name: level
        for name, level in (meta.variable_measure or {}).items()
        if level in ("nominal", "ordinal", "scale")
    }
    return {
        "file_label": meta.file_label or "",
        "column_labels": labels,
        "variable_value_labels": dict(meta.variable_value_labels or {}),
        "missing_ranges": missing,
        "variable_measure": measure,
        "variable_format": dict(meta.original_variable_types or {}),
        "variable_display_width": dict(meta.variable_display_width or {}),
    }


def _as_int(value, name):
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+-").isdigit():
            raise ValueError(f"id variable {name!r}: {value!r} is not a whole number")
        return int(text)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"id variable {name!r} has an empty value")
    if float(value) != int(value):
        raise ValueError(f"id variable {name!r}: {value!r} is not a whole number")
    return int(value)


def new_ids(existing, count):
    """The ``count`` smallest positive whole numbers not in ``existing``.

    Parameters
    ----------
    existing : iterable of int
    count : int

    Returns
    -------
    list of int
        In increasing order.
    """
    taken = set(existing)
    out, candidate = [], 1
    while len(out) < count:
        if candidate not in taken:
            out.append(candidate)
        candidate += 1
    return out


def scale_frame(df, k, id_var):
    """Replicate the rows of ``df`` ``k`` times with unique ids.

    Parameters
    ----------
    df : pandas.DataFrame
        One delivery as read by :func:`helpers.data.sav.read_sav`.
    k : int
        Replication factor (1 returns an unchanged copy).
    id_var : str
        The respondent id variable (numeric, or text holding whole numbers).

    Returns
    -------
    pandas.DataFrame
        ``k * len(df)`` rows: the original rows with their ids, then ``k - 1``
        further copies with new ids; the column dtypes of ``df``.
    """
    if k < 1 or int(k) != k:
        raise ValueError(f"k must be a whole number >= 1, got {k!r}")
    k = int(k)
    if id_var not in df.columns:
        raise KeyError(f"id variable {id_var!r} not in the file")
    original = [_as_int(v, id_var) for v in df[id_var]]
    if len(set(original)) != len(original):
        raise ValueError(f"id variable {id_var!r} is not unique in the source file")
    out = pd.concat([df] * k, ignore_index=True)
    extra = new_ids(original, (k - 1) * len(df))
    ids = original + extra
    if pd.api.types.is_numeric_dtype(df[id_var].dtype):
        out[id_var] = np.asarray(ids, dtype=df[id_var].dtype)
    else:
        out[id_var] = [str(i) for i in ids]
    return out


def scale_sav(src, dst, k, id_var):
    """Write ``dst``: the rows of ``src`` replicated ``k`` times, same metadata.

    Parameters
    ----------
    src, dst : str or pathlib.Path
        Source and target ``.sav`` files; the target folder must exist.
    k : int
        Replication factor.
    id_var : str
        The respondent id variable of the file.

    Returns
    -------
    int
        Rows written.
    """
    df, meta = read_sav(src)
    scaled = scale_frame(df, k, id_var)
    write_sav_atomic(scaled, dst, **sav_write_kwargs(meta))
    return len(scaled)


def id_variables(mappings_dir):
    """``{file name: id variable}`` from the mappings of a folder."""
    out = {}
    for path in sorted(Path(mappings_dir).glob("*.yaml")):
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(mapping, dict) and "file" in mapping and "id" in mapping:
            out[mapping["file"]] = mapping["id"]
    return out


def scale_raw_folder(raw_dir, mappings_dir, out_dir, k):
    """Scale every ``.sav`` file of ``raw_dir`` by ``k`` into ``out_dir``.

    Parameters
    ----------
    raw_dir, mappings_dir, out_dir : str or pathlib.Path
        Raw folder, its mappings (for the id variable of each file) and the
        target folder (created if needed).
    k : int
        Replication factor.

    Returns
    -------
    dict
        ``{file name: rows written}``.

    Raises
    ------
    KeyError
        If a ``.sav`` file has no mapping naming its id variable.
    """
    ids = {name.lower(): var for name, var in id_variables(mappings_dir).items()}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {}
    for path in sorted(Path(raw_dir).glob("*.sav")):
        if path.name.lower() not in ids:
            raise KeyError(f"{path.name}: no mapping in {mappings_dir} names its id variable")
        rows[path.name] = scale_sav(path, out_dir / path.name, k, ids[path.name.lower()])
    return rows


def max_rows_per_file(raw_dir):
    """Largest number of rows of any ``.sav`` file in ``raw_dir`` (metadata only)."""
    sizes = [
        pyreadstat.read_sav(str(p), metadataonly=True)[1].number_rows
        for p in sorted(Path(raw_dir).glob("*.sav"))
    ]
    return max(sizes) if sizes else 0
