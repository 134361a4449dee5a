"""Check every mapping against its delivery and report all problems at once.

Command line::

    python -m helpers.data.check [--raw DIR] [--mappings DIR]

(``make check``). Nothing is written. The report lists, grouped by file,
every error (the build would stop on it) and every note (the build decides
and logs it: a label accepted in the mapping, an SPSS weight that is
ignored, a municipality without a file, a file in the raw folder that is
not read). The exit code is 1 when there is any error, else 0.

Where :func:`helpers.data.pipeline.build_processed` stops at the first
problem, this command keeps going: each mapping's parts, each raw file, each
variable of each file is checked on its own. The schema of the merged data
(plausibility ranges, routing, unique ids) is checked when every file
harmonises.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.data import codebook, config
from helpers.data.errors import DeliveryError, MappingError
from helpers.data.harmonise import delivery_problems
from helpers.data.mapping import (
    mapping_files,
    mapping_paths,
    mapping_problems,
    read_mapping_file,
    validate_mapping,
)
from helpers.data.merge import (
    NOTE_NOT_DELIVERED,
    NOTE_WEIGHT,
    raw_folder_problems,
    read_delivery,
)
from helpers.data.provenance import missing_municipalities
from helpers.data.sav import spss_weight_variable
from helpers.data.schema import validate_survey

ERROR, NOTE = "error", "note"


@dataclass(frozen=True)
class Finding:
    """One line of the report.

    Attributes
    ----------
    where : str
        The file the finding is about (a mapping, a raw file, a folder).
    level : str
        :data:`ERROR` (the build would stop) or :data:`NOTE` (the build
        decides and logs it).
    message : str
    """

    where: str
    level: str
    message: str


def _finding(exc, level=ERROR):
    where = exc.file
    message = str(exc)
    for prefix in (f"mapping {where!r}: ", f"mapping {where!r}, ", f"file {where!r}: "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
            break
    if message.startswith(f"file {where!r}, "):
        message = message[len(f"file {where!r}, ") :]
    return Finding(where, level, message)


def check_deliveries(raw_dir=config.RAW_DIR, mappings_dir=config.MAPPINGS_DIR):
    """Check every mapping and delivery; collect every problem.

    Parameters
    ----------
    raw_dir : str or pathlib.Path
        Folder with the raw ``.sav`` deliveries.
    mappings_dir : str or pathlib.Path
        Folder with one mapping per municipality.

    Returns
    -------
    list of Finding
        In report order: the folders, then each mapping with its files.
    """
    raw_dir, mappings_dir = Path(raw_dir), Path(mappings_dir)
    findings, claimed = [], {"files": set(), "municipalities": set()}
    mappings = _check_mappings(mappings_dir, findings, claimed)
    if not raw_dir.is_dir():
        findings.append(Finding(str(raw_dir), ERROR, "raw data folder not found"))
        return findings
    try:
        present, decisions, problems = raw_folder_problems(raw_dir, mappings)
    except DeliveryError as exc:
        findings.append(_finding(exc))
        return findings
    # a file (or municipality) whose mapping has errors is reported there,
    # not again as unexpected (or missing)
    findings += [
        _finding(exc)
        for exc in problems
        if not (exc.file.lower() in claimed["files"] and "no mapping names it" in str(exc))
    ]
    findings += [Finding(d["file"], NOTE, d["decision"]) for d in decisions]
    frames, logs = _check_files(mappings, present, findings)
    municipalities = [m["municipality"] for m in mappings] + list(claimed["municipalities"])
    for code in missing_municipalities(municipalities):
        label = codebook.value_labels("municipality")[code]
        findings.append(Finding(label, NOTE, NOTE_NOT_DELIVERED))
    if frames and not any(f.level == ERROR for f in findings):
        merged = pd.concat(frames, ignore_index=True)
        files = {log["municipality"]: log["file"] for log in logs}
        try:
            validate_survey(merged, files)
        except DeliveryError as exc:
            findings.append(Finding(exc.file, ERROR, str(exc)))
    return findings


def _claim(raw, claimed):
    """Remember the files and municipality an invalid mapping names, where readable."""
    if not isinstance(raw, dict):
        return
    files = raw.get("file")
    for file in files if isinstance(files, list) else [files]:
        if isinstance(file, str):
            claimed["files"].add(file.lower())
    if isinstance(raw.get("municipality"), int):
        claimed["municipalities"].add(raw["municipality"])


def _check_mappings(mappings_dir, findings, claimed):
    """Validate every mapping file; return the valid ones (with ``_mapping_file``)."""
    try:
        paths = mapping_paths(mappings_dir)
    except MappingError as exc:
        findings.append(_finding(exc))
        return []
    mappings, by_muni, by_file = [], {}, {}
    for path in paths:
        try:
            raw = read_mapping_file(path)
        except MappingError as exc:
            findings.append(_finding(exc))
            continue
        problems = mapping_problems(raw, path.name)
        if problems:
            findings += [_finding(exc) for exc in problems]
            findings.append(
                Finding(path.name, NOTE, "its delivery is not checked until the mapping is valid")
            )
            _claim(raw, claimed)
            continue
        mapping = validate_mapping(raw, path.name)
        mapping["_mapping_file"] = path.name
        muni = mapping["municipality"]
        if muni in by_muni:
            findings.append(
                Finding(
                    path.name, ERROR, f"municipality {muni} already mapped by {by_muni[muni]!r}"
                )
            )
            continue
        clash = [f for f in mapping_files(mapping) if f.lower() in by_file]
        if clash:
            findings.append(
                Finding(
                    path.name,
                    ERROR,
                    f"file {clash[0]!r} already mapped by {by_file[clash[0].lower()]!r}",
                )
            )
            continue
        by_muni[muni] = path.name
        by_file.update({f.lower(): path.name for f in mapping_files(mapping)})
        mappings.append(mapping)
    return sorted(mappings, key=lambda m: m["municipality"])


def _check_files(mappings, present, findings):
    """Check each present file of each valid mapping; return frames and logs that passed."""
    frames, logs = [], []
    for mapping in mappings:
        for file in mapping_files(mapping):
            path = present.get(file.lower())
            if path is None:
                continue  # reported by the raw-folder check
            try:
                df, meta = read_delivery(path)
            except DeliveryError as exc:
                findings.append(_finding(exc))
                continue
            problems, result = delivery_problems(df, meta, mapping, path.name)
            findings += [_finding(exc) for exc in problems]
            if result is None:
                continue
            harmonised, log = result
            weight = spss_weight_variable(path)
            notes = log["notes"] + ([NOTE_WEIGHT.format(variable=weight)] if weight else [])
            findings += [Finding(path.name, NOTE, note) for note in notes]
            findings.append(
                Finding(
                    path.name,
                    "ok",
                    f"{log['rows_written']} respondents (of {log['rows_read']} rows; "
                    f"mapping {mapping['_mapping_file']})",
                )
            )
            frames.append(harmonised)
            logs.append(log)
    return frames, logs


def format_report(findings):
    """The findings as text, grouped by file.

    Parameters
    ----------
    findings : list of Finding

    Returns
    -------
    str
    """
    lines, order = [], []
    for finding in findings:
        if finding.where not in order:
            order.append(finding.where)
    for where in order:
        lines.append(where)
        for finding in findings:
            if finding.where == where:
                lines.append(f"  {finding.level}: {finding.message}")
    errors = sum(f.level == ERROR for f in findings)
    notes = sum(f.level == NOTE for f in findings)
    with_errors = len({f.where for f in findings if f.level == ERROR})
    lines.append("")
    lines.append(
        f"{errors} error(s) in {with_errors} file(s), {notes} note(s); nothing was written."
        if errors
        else f"no errors, {notes} note(s): 'make data' will build from these files."
    )
    return "\n".join(lines)


def main(argv=None):
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data.check",
        description="Check every mapping against its SPSS delivery and list all problems, "
        "grouped by file, without writing anything.",
    )
    parser.add_argument("--raw", type=Path, default=config.RAW_DIR, help="raw .sav folder")
    parser.add_argument("--mappings", type=Path, default=config.MAPPINGS_DIR, help="mapping folder")
    args = parser.parse_args(argv)
    try:
        findings = check_deliveries(args.raw, args.mappings)
    except DeliveryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a failure no check foresaw: still no traceback
        print(f"error: unexpected failure ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    print(format_report(findings))
    return 1 if any(f.level == ERROR for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
