"""Reading and writing SPSS ``.sav`` files.

Readers return ``(df, meta)`` the way :mod:`pyreadstat` does: labels and
user-missing codes travel in ``meta``; applying labels is a separate step.
Writers are atomic (temporary file in the target folder, then
:func:`os.replace`) and byte-stable: the creation timestamp that SPSS files
carry in their header is fixed, so regenerating a file gives identical bytes.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import pyreadstat

from helpers.data.errors import DeliveryError

#: Creation date and time written into every ``.sav`` header (the first day
#: of the survey's fieldwork), so that files are byte-identical across runs.
FIXED_HEADER_DATE = b"01 Jan 20"
FIXED_HEADER_TIME = b"00:00:00"
# Offsets in the SPSS system-file header: rec_type(4) prod_name(60)
# layout_code(4) nominal_case_size(4) compression(4) weight_index(4)
# ncases(4) bias(8) -> creation_date(9) creation_time(8).
_DATE_OFFSET = 92
_TIME_OFFSET = _DATE_OFFSET + 9


def read_sav(path, user_missing=True, usecols=None, metadataonly=False):
    """Read an SPSS file as codes plus metadata.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.sav`` file.
    user_missing : bool, default True
        Keep user-missing codes as values (declared in
        ``meta.missing_ranges``) instead of turning them into NaN.
    usecols : list of str, optional
        Only these variables (every row is still read); ``meta`` then
        describes only these.
    metadataonly : bool, default False
        Read the metadata only (``df`` is empty).

    Returns
    -------
    df : pandas.DataFrame
        One column per variable, values as stored (codes, not labels).
    meta : pyreadstat.metadata_container
        Variable labels, value labels, missing ranges and measure levels.

    Raises
    ------
    DeliveryError
        If the file is missing, empty, truncated or not an SPSS file.
    """
    path = Path(path)
    if not path.is_file():
        raise DeliveryError(path.name, "file not found")
    if path.stat().st_size == 0:
        raise DeliveryError(path.name, "file is empty")
    try:
        return pyreadstat.read_sav(
            str(path),
            user_missing=user_missing,
            apply_value_formats=False,
            usecols=usecols,
            metadataonly=metadataonly,
        )
    except Exception as exc:  # pyreadstat raises several private types
        raise DeliveryError(path.name, f"cannot be read as an SPSS .sav file ({exc})") from exc


def _default_mode():
    """Permission bits of a newly created file under the current umask.

    :func:`tempfile.mkstemp` creates files readable by their owner only
    (0600); :func:`os.replace` would carry that over to the target.
    """
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fix_header_timestamp(path):
    with open(path, "r+b") as fh:
        head = fh.read(4)
        if head not in (b"$FL2", b"$FL3"):
            raise ValueError(f"{path}: not an SPSS system file")
        fh.seek(_DATE_OFFSET)
        fh.write(FIXED_HEADER_DATE)
        fh.seek(_TIME_OFFSET)
        fh.write(FIXED_HEADER_TIME)


def write_sav_atomic(df, path, **kwargs):
    """Write a DataFrame to an SPSS file atomically and byte-stably.

    Parameters
    ----------
    df : pandas.DataFrame
        Data to write: numeric codes plus value labels, never pandas
        Categoricals (pyreadstat would write them as plain strings).
    path : str or pathlib.Path
        Target file; its folder must exist.
    **kwargs
        Passed to :func:`pyreadstat.write_sav` (``column_labels``,
        ``variable_value_labels``, ``missing_ranges``, ``variable_measure``,
        ``variable_format``, ...).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(df, tmp, **kwargs)
        _fix_header_timestamp(tmp)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(text, path):
    """Write a text file atomically (UTF-8, ``\\n`` line ends).

    Parameters
    ----------
    text : str
        Content.
    path : str or pathlib.Path
        Target file; its folder must exist.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


# SPSS system-file layout, as far as reading the weight variable needs it:
# the header's weight_index (offset 76) counts 8-byte case elements from 1;
# each variable record (type 2) is one element, a long string continues in
# records of type -1. Long variable names are in extension record 7/13.
_WEIGHT_OFFSET = 76
_LAYOUT_OFFSET = 64
_HEADER_SIZE = 176
#: Bytes read to find the weight variable: the header and the variable
#: records come first and take a few kilobytes even for hundreds of variables.
_DICTIONARY_READ = 1 << 20


def _dictionary_records(data, endian):
    """Yield ``(record type, fields)`` of an SPSS file's dictionary, in order."""
    pos = _HEADER_SIZE

    def ints(count):
        nonlocal pos
        values = struct.unpack_from(f"{endian}{count}i", data, pos)
        pos += 4 * count
        return values

    while pos + 4 <= len(data):
        (rec_type,) = ints(1)
        if rec_type == 2:
            var_type, has_label, n_missing, _, _ = ints(5)
            name = data[pos : pos + 8]
            pos += 8
            if has_label:
                (length,) = ints(1)
                pos += (length + 3) // 4 * 4
            pos += abs(n_missing) * 8
            yield 2, (var_type, name)
        elif rec_type == 3:
            (count,) = ints(1)
            for _ in range(count):
                pos += 8
                length = data[pos]
                pos += (length + 1 + 7) // 8 * 8
        elif rec_type == 4:
            (count,) = ints(1)
            pos += 4 * count
        elif rec_type == 6:
            (lines,) = ints(1)
            pos += 80 * lines
        elif rec_type == 7:
            subtype, size, count = ints(3)
            yield 7, (subtype, data[pos : pos + size * count])
            pos += size * count
        else:  # 999: end of the dictionary (or something this reader does not know)
            return


def spss_weight_variable(path):
    """Name the variable an SPSS file is weighted by (``WEIGHT BY``), if any.

    pyreadstat does not report a file's weight variable, so the header and
    the variable records are read here.

    Parameters
    ----------
    path : str or pathlib.Path
        An SPSS system file (``.sav``).

    Returns
    -------
    str or None
        The variable's name (its long name where the file has one), or None
        when the file is not weighted or its dictionary cannot be read.
    """
    with open(path, "rb") as fh:
        data = fh.read(_DICTIONARY_READ)  # the dictionary precedes the data
    if len(data) < _HEADER_SIZE or data[:4] not in (b"$FL2", b"$FL3"):
        return None
    endian = "<"
    if struct.unpack_from("<i", data, _LAYOUT_OFFSET)[0] not in (2, 3):
        endian = ">"
    (weight_index,) = struct.unpack_from(f"{endian}i", data, _WEIGHT_OFFSET)
    if weight_index <= 0:
        return None
    short, long_names, element = None, {}, 0
    try:
        for rec_type, fields in _dictionary_records(data, endian):
            if rec_type == 2:
                element += 1
                var_type, name = fields
                if element == weight_index and var_type != -1:
                    short = name.decode("utf-8", "replace").rstrip()
            elif fields[0] == 13:
                for pair in fields[1].decode("utf-8", "replace").split("\t"):
                    key, _, value = pair.partition("=")
                    long_names[key.strip()] = value.strip()
    except (struct.error, IndexError):
        return None
    if short is None:
        return None
    return long_names.get(short, short)
