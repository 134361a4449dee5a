"""Read the raw folder, harmonise every delivery and stack them into one survey.

:func:`scan_raw_folder` matches the raw folder's files to the mappings and
decides what to do with everything else, :func:`read_delivery` reads one file
and explains what is wrong when it cannot, and :func:`merge_deliveries`
harmonises each file (:func:`helpers.data.harmonise.harmonise_file`) and
stacks them with a merge log of rows read, written and excluded.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pandas as pd

from helpers.data.errors import DeliveryError
from helpers.data.harmonise import FREQUENCY_COLUMNS, harmonise_file
from helpers.data.mapping import load_mappings, mapping_files
from helpers.data.provenance import (
    Provenance,
    delivery_record,
    generator_checksums,
    missing_municipalities,
)
from helpers.data.sav import read_sav, spss_weight_variable

#: SPSS data files that are not ``.sav`` but would be a delivery all the same
#: (compressed ``.zsav``, portable ``.por``): never silently ignored.
SPSS_SUFFIXES = (".sav", ".zsav", ".por")
#: Decision logged for a file in the raw folder that is not an SPSS file.
DECISION_IGNORED = (
    "Genegeerd: geen SPSS-bestand (.sav); alleen de .sav-bestanden die een "
    "mapping noemt, worden ingelezen"
)
#: Decision logged for a folder inside the raw folder.
DECISION_IGNORED_FOLDER = "Genegeerd: map in de map met ruwe data (wordt niet doorzocht)"
DECISION_COLUMNS = ["file", "decision"]

MERGE_LOG_COLUMNS = [
    "file",
    "municipality",
    "design",
    "rows_read",
    "rows_written",
    "rows_excluded",
    "reason",
    "notes",
]
#: Columns of the frequency table (``frequencies.csv``).
FREQUENCY_TABLE_COLUMNS = ["municipality", "file", *FREQUENCY_COLUMNS]
#: Note for a file weighted in SPSS (``WEIGHT BY``): the weight is not used.
NOTE_WEIGHT = (
    "SPSS-weegvariabele {variable!r} (WEIGHT BY) genegeerd: elke respondent telt één keer; "
    "het boek weegt zelf waar dat zinvol is"
)
#: Note for a municipality of the codebook without any file.
NOTE_NOT_DELIVERED = (
    "Geen bestand aangeleverd: deze gemeente ontbreekt in de samengevoegde gegevens"
)


def _format_reasons(excluded):
    return "; ".join(f"{reason} ({count})" for reason, count in excluded.items())


def _declared_encoding(data):
    """The character encoding named in a .sav file's encoding record, if any."""
    marker = struct.pack("<3i", 7, 20, 1)
    i = data.find(marker)
    if i < 0 or i + 16 > len(data):
        return None
    (count,) = struct.unpack("<i", data[i + 12 : i + 16])
    name = data[i + 16 : i + 16 + count]
    return name.decode("ascii", "replace") if 0 < count < 64 else None


def _what_is_it(head):
    """A guess at what a non-SPSS file is, from its first bytes."""
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive, e.g. an Excel .xlsx workbook"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Microsoft Office file, e.g. an Excel .xls workbook"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"SPSS PORT FILE") or b"SPSS PORT FILE" in head[:512]:
        return "an SPSS portable (.por) file"
    text = head.lstrip(b"\xef\xbb\xbf")
    try:
        first = text.decode("utf-8").splitlines()[0] if text else ""
    except UnicodeDecodeError:
        try:
            first = text.decode("cp1252").splitlines()[0]
        except (UnicodeDecodeError, IndexError):
            return "binary data of an unknown kind"
    except IndexError:
        first = ""
    return f"text (it starts with {first[:60]!r}), e.g. a CSV file renamed to .sav"


def read_delivery(path):
    """Read one raw delivery, explaining what is wrong when it cannot be read.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.sav`` file.

    Returns
    -------
    df, meta
        As :func:`helpers.data.sav.read_sav` (user-missing codes kept).

    Raises
    ------
    DeliveryError
        If the file is missing or unreadable (a broken link, no permission),
        empty, not an SPSS system file (with a guess at what it is),
        truncated, its text does not fit its declared encoding, or a value
        cannot be decoded (naming the variable).
    """
    path = Path(path)
    head = _read_head(path)
    if head[:4] not in (b"$FL2", b"$FL3"):
        raise DeliveryError(
            path.name,
            f"cannot be read as an SPSS .sav file: its content looks like "
            f"{_what_is_it(head)}; "
            f"save the data from SPSS as a .sav file (File > Save As)",
        )
    try:
        return read_sav(path)
    except DeliveryError as exc:
        cause = str(exc.__cause__ or exc)
        if "encoding" in cause.lower():
            declared = _declared_encoding(path.read_bytes()) or "none (assumed UTF-8)"
            raise DeliveryError(
                path.name,
                f"cannot be read as an SPSS .sav file: text in the file "
                f"(labels or values) is not valid in the "
                f"character encoding the file declares ({declared}); save the file again from "
                f"SPSS (Unicode mode) ({cause})",
            ) from exc
        if "expected number of rows" in cause or "unable to read" in cause.lower():
            raise DeliveryError(
                path.name,
                f"cannot be read as an SPSS .sav file: it is truncated or "
                f"damaged (an interrupted upload or "
                f"copy?); deliver it again ({cause})",
            ) from exc
        variable = _undecodable_variable(path)
        if variable is not None:
            name, fmt, reason = variable
            raise DeliveryError(
                path.name,
                f"the values of this variable (SPSS format {fmt}) cannot be decoded "
                f"({reason}); correct them in SPSS (a date far outside any survey period?) "
                f"and deliver the file again",
                name,
            ) from exc
        raise


def _read_head(path):
    """The first bytes of a raw file; a clear error when it cannot be opened."""
    if path.is_symlink() and not path.exists():
        raise DeliveryError(
            path.name,
            f"broken symbolic link: it points to {str(path.readlink())!r}, which does not "
            f"exist; copy the delivery itself into the raw folder",
        )
    if not path.exists():
        raise DeliveryError(path.name, "file not found")
    if not path.is_file():
        raise DeliveryError(path.name, "not a regular file (a folder or a device?)")
    try:
        if path.stat().st_size == 0:
            raise DeliveryError(
                path.name,
                "file is empty (0 bytes): the upload or copy went wrong; deliver the file again",
            )
        with open(path, "rb") as fh:
            return fh.read(4096)
    except OSError as exc:
        raise DeliveryError(path.name, f"cannot be read ({exc.strerror or exc})") from None


def _undecodable_variable(path):
    """``(name, SPSS format, reason)`` of the first variable that cannot be read, if any."""
    try:
        _, meta = read_sav(path, metadataonly=True)
    except DeliveryError:
        return None
    formats = getattr(meta, "original_variable_types", None) or {}
    for name in meta.column_names:
        try:
            read_sav(path, usecols=[name])
        except DeliveryError as exc:
            return name, formats.get(name, "?"), str(exc.__cause__ or exc)
    return None


def scan_raw_folder(raw_dir, mappings):
    """Match the raw folder's files to the mappings.

    Parameters
    ----------
    raw_dir : pathlib.Path
        Folder with the raw deliveries.
    mappings : list of dict
        Validated mappings (:func:`helpers.data.mapping.load_mappings`).

    Returns
    -------
    present : dict
        ``{file name in lower case: path}`` of the mapped ``.sav`` files.
    decisions : list of dict
        ``{"file", "decision"}`` for every entry that is not read (a non-SPSS
        file or a folder), in name order.

    Raises
    ------
    DeliveryError
        If the folder cannot be listed, two files differ only in case, an
        SPSS file (``.sav``, ``.zsav``, ``.por``) has no mapping, or a
        mapping's file is absent (the first of these problems).
    """
    present, decisions, problems = raw_folder_problems(raw_dir, mappings)
    if problems:
        raise problems[0]
    return present, decisions


def raw_folder_problems(raw_dir, mappings):
    """:func:`scan_raw_folder`, collecting every problem instead of raising the first.

    Returns
    -------
    present, decisions
        As :func:`scan_raw_folder`.
    problems : list of DeliveryError
    """
    mapped = {file.lower(): m for m in mappings for file in mapping_files(m)}
    present, decisions, by_lower, problems = {}, [], {}, []
    for entry in _folder_entries(raw_dir):
        lower = entry.name.lower()
        if lower in by_lower:
            problems.append(
                DeliveryError(
                    entry.name,
                    f"two files in the raw folder whose names differ only in case "
                    f"({by_lower[lower]!r} and {entry.name!r}): which one is the delivery? "
                    f"Keep one",
                )
            )
            continue
        by_lower[lower] = entry.name
        if entry.is_dir():
            decisions.append({"file": entry.name + "/", "decision": DECISION_IGNORED_FOLDER})
        elif entry.suffix.lower() == ".sav":
            present[lower] = entry
        elif entry.suffix.lower() in SPSS_SUFFIXES:
            problems.append(
                DeliveryError(
                    entry.name,
                    f"SPSS file of type {entry.suffix!r} in the raw folder: deliveries "
                    f"must be .sav files named by a mapping (save it as .sav, or move it out)",
                )
            )
        else:
            decisions.append({"file": entry.name, "decision": DECISION_IGNORED})
    for extra in sorted(set(present) - set(mapped)):
        problems.append(
            DeliveryError(
                present[extra].name,
                "unexpected .sav file in the raw folder: no mapping names it "
                "(a second file for one municipality? list both under 'file' in its "
                "mapping, or move it out)",
            )
        )
    for mapping in mappings:
        for file in mapping_files(mapping):
            if file.lower() not in present:
                problems.append(
                    DeliveryError(
                        file,
                        f"file named in mapping {mapping['_mapping_file']!r} not found in "
                        f"{raw_dir}: a mapping whose file is absent is an error, since the "
                        f"published figures would silently lose a municipality; if this "
                        f"municipality delivered no file, move its mapping out of the "
                        f"mappings folder (the build then reports it as not delivered)",
                    )
                )
    return present, decisions, problems


def _folder_entries(folder):
    """The entries of a folder in name order; a clear error when it cannot be listed."""
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise DeliveryError(
            str(folder), f"the raw data folder cannot be read ({exc.strerror or exc})"
        ) from None


def merge_deliveries(raw_dir, mappings_dir):
    """Harmonise every raw delivery and stack them.

    Parameters
    ----------
    raw_dir : str or pathlib.Path
        Folder with the raw ``.sav`` files.
    mappings_dir : str or pathlib.Path
        Folder with one mapping per municipality.

    Returns
    -------
    merged : pandas.DataFrame
        The codebook's columns in codebook order; rows ordered by municipality,
        then file, then source order.
    merge_log : pandas.DataFrame
        One row per file with :data:`MERGE_LOG_COLUMNS`, then one row per
        codebook municipality without a file (``file`` empty, zero rows, a
        note). ``reason`` lists each exclusion reason with its count
        (``"reason (n); ..."``), empty when no row was excluded; ``notes``
        lists what the build decided about the file (labels the mapping
        accepts, an SPSS weight variable that is ignored).

        ``merge_log.attrs["decisions"]`` lists the entries of ``raw_dir``
        that were not read (:func:`scan_raw_folder`);
        ``merge_log.attrs["source_variables"]`` maps each municipality code
        to ``{harmonised variable: source variable}``;
        ``merge_log.attrs["provenance"]`` is the build's
        :class:`~helpers.data.provenance.Provenance`;
        ``merge_log.attrs["frequencies"]`` the frequency table of every
        file (:data:`FREQUENCY_TABLE_COLUMNS`): delivered code and label,
        harmonised code and label, and how many respondents have them.

    Raises
    ------
    DeliveryError
        If a file is faulty, a mapping's file is absent, a ``.sav`` in
        ``raw_dir`` has no mapping, or two files of one municipality share a
        respondent id.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise DeliveryError(str(raw_dir), "raw data folder not found")
    mappings = load_mappings(mappings_dir)
    present, decisions = scan_raw_folder(raw_dir, mappings)
    known = generator_checksums()

    frames, logs, deliveries, tables = [], [], [], []
    for mapping in mappings:
        files, seen_ids = mapping_files(mapping), {}
        for file in files:
            path = present[file.lower()]
            df, meta = read_delivery(path)
            harmonised, log = harmonise_file(df, meta, mapping, path.name)
            assert log["rows_read"] == log["rows_written"] + log["rows_excluded"], log
            if len(files) > 1:
                _check_ids_across_files(log["source_ids"], seen_ids, path.name, mapping["id"])
            weight = spss_weight_variable(path)
            if weight is not None:
                log["notes"].append(NOTE_WEIGHT.format(variable=weight))
            frames.append(harmonised)
            logs.append(_log_row(log))
            tables.append(
                log["frequencies"].assign(municipality=mapping["municipality"], file=path.name)
            )
            deliveries.append(delivery_record(path, mapping, meta, known))

    missing = missing_municipalities(m["municipality"] for m in mappings)
    logs += [_missing_row(code) for code in missing]
    merged = pd.concat(frames, ignore_index=True)
    merge_log = pd.DataFrame(logs, columns=MERGE_LOG_COLUMNS)
    assert merge_log["rows_read"].sum() == (
        merge_log["rows_written"].sum() + merge_log["rows_excluded"].sum()
    )
    assert len(merged) == merge_log["rows_written"].sum()
    # Not part of the CSV: entries of the raw folder that were not read,
    # where each harmonised variable came from (for schema error messages),
    # and the provenance the processed file records.
    merge_log.attrs["decisions"] = decisions
    merge_log.attrs["source_variables"] = {
        m["municipality"]: {var: spec["source"] for var, spec in m["variables"].items()}
        for m in mappings
    }
    merge_log.attrs["id_variables"] = {m["municipality"]: m["id"] for m in mappings}
    merge_log.attrs["provenance"] = Provenance(tuple(deliveries), missing)
    merge_log.attrs["frequencies"] = pd.concat(tables, ignore_index=True)[FREQUENCY_TABLE_COLUMNS]
    return merged, merge_log


def _log_row(log):
    return {
        **{k: log[k] for k in MERGE_LOG_COLUMNS[:-2]},
        "reason": _format_reasons(log["excluded"]),
        "notes": "; ".join(log["notes"]),
    }


def _missing_row(code):
    """The merge-log row of a codebook municipality without any file."""
    return {
        "file": "",
        "municipality": code,
        "design": "",
        "rows_read": 0,
        "rows_written": 0,
        "rows_excluded": 0,
        "reason": "",
        "notes": NOTE_NOT_DELIVERED,
    }


def _check_ids_across_files(ids, seen, file_name, id_variable):
    """Respondent ids stay unique across the files of one municipality (all rows read)."""
    for source_id in ids.tolist():
        key = source_id.casefold() if isinstance(source_id, str) else source_id
        if key in seen:
            raise DeliveryError(
                file_name,
                f"respondent id also occurs in {seen[key]!r}, another file of the same "
                f"municipality (ids must be unique across all its files)",
                id_variable,
                source_id,
            )
        seen[key] = file_name
