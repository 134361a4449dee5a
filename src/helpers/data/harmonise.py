"""Harmonise one municipality's SPSS delivery with its mapping.

:func:`harmonise_file` turns one source file (as read by
:func:`helpers.data.sav.read_sav`) into the codebook's variables, following the
file's mapping (:mod:`helpers.data.mapping`). It is pure: DataFrames and
dictionaries in, a DataFrame and a log out; reading the raw folder and stacking
the files is :mod:`helpers.data.merge`.

Conventions applied to every categorical variable (see ``codebook.yaml``):

* a source value is translated with ``recode`` (or kept when there is no
  ``recode`` and it is a valid codebook code), or with ``missing`` (source
  missing code -> 96-99); anything else is a :class:`DeliveryError`;
* system-missing (NaN, empty text) in an asked item becomes 99 (no answer);
* a variable listed under ``not_asked`` becomes 97 for every row;
* questionnaire routing (:data:`helpers.data.codebook.FILTERS`): where a filter
  question does not apply the value becomes 96; a real answer (a valid code or
  "don't know") given where the question does not apply is an error.

Numeric variables (``age``) keep their value; system-missing and source missing
codes become NaN (SPSS system-missing): the codebook declares missing codes for
categorical variables only, and a respondent who did not give an age has still
answered the substantive items. Range checks (16-100) are left to
:mod:`helpers.data.schema`. Dates likewise become NaT when missing; their range is
checked by the schema.

Dates: :func:`pyreadstat.read_sav` returns a variable with an SPSS date format
(``DATE11``, ``ADATE10``, ...) as ``datetime.date`` objects in an object
column, and one with a ``DATETIME`` format as ``datetime.datetime`` (kept to
the day here); NaN for system-missing. A date typed in as text needs a
``format`` (``strptime`` syntax) in its variable spec. Numbers without a date
format are refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

import numpy as np
import pandas as pd

from helpers.data import codebook
from helpers.data.errors import DeliveryError
from helpers.data.labels import (
    categories_named,
    is_missing_like,
    missing_code_for,
    normalise_label,
    propose_recode,
)
from helpers.data.mapping import validate_mapping
from helpers.data.values import (
    DistinctValues,
    display_value,
    first_true,
    is_missing,
    normalise_value,
)

#: Administrative variables: not substantive answers (a row is excluded when
#: everything except these is missing).
ADMINISTRATIVE = ("resp_id", "municipality", "recruitment", "interview_date")
#: Reason logged for rows without any substantive answer.
REASON_ALL_MISSING = "Geen inhoudelijke antwoorden (alle inhoudelijke variabelen ontbreken)"


def municipality_id_prefix(code):
    """Return the respondent-id prefix of a municipality code (1 -> ``"A"``).

    Parameters
    ----------
    code : int
        Harmonised municipality code, 1-10.

    Returns
    -------
    str
    """
    return chr(ord("A") + int(code) - 1)


def _categorical_codes(name):
    return set(codebook.value_labels(name))


# --------------------------------------------------------------------------
# the steps of harmonise_file
# --------------------------------------------------------------------------


def harmonise_file(df, meta, mapping, file_name):
    """Harmonise one delivery with its mapping.

    Parameters
    ----------
    df : pandas.DataFrame
        The source file as read by :func:`helpers.data.sav.read_sav` (codes, user-
        missing codes kept).
    meta : pyreadstat.metadata_container or None
        Its metadata; ``meta.missing_ranges`` is checked against the mapping.
    mapping : dict
        The file's mapping (validated with
        :func:`helpers.data.mapping.validate_mapping` if it was not already).
    file_name : str
        Name of the source file, for error messages and the log.

    Returns
    -------
    harmonised : pandas.DataFrame
        The codebook's columns in codebook order, one row per retained
        respondent, in source order (index reset).
    log : dict
        ``file``, ``municipality``, ``design``, ``rows_read``,
        ``rows_written``, ``rows_excluded``, ``excluded``
        (``{reason: count}``, in order of first use), ``notes`` (list of
        decisions for the merge log), ``frequencies`` (delivered code and
        label -> harmonised code and label, with counts) and ``source_ids``
        (the id of every row read, excluded rows included).

    Raises
    ------
    DeliveryError
        Naming the file, the source variable and the offending value.
    """
    mapping = validate_mapping(mapping, f"mapping of {file_name}")
    df = df.reset_index(drop=True)
    _check_file_as_a_whole(df, meta, file_name)
    _check_variables_accounted_for(df, meta, mapping, file_name)
    ids = _ids(df, mapping, file_name)
    # Row exclusions from the mapping come before the value checks: test
    # entries need not hold valid answers.
    keep, excluded = _apply_exclusions(df, mapping, file_name)
    rows, rows_ids = df.loc[keep], ids[keep]
    notes = []
    result, source_values = _harmonise_values(df, rows, meta, mapping, rows_ids, file_name, notes)
    _apply_routing(result, mapping["variables"], source_values, rows_ids, file_name)
    left = _drop_rows_without_answers(result, len(rows), excluded, file_name)
    harmonised = _result_frame(result, left)
    log = {
        "file": file_name,
        "municipality": mapping["municipality"],
        "design": mapping["design"],
        "rows_read": len(df),
        "rows_written": len(harmonised),
        "rows_excluded": sum(excluded.values()),
        "excluded": excluded,
        "notes": notes,
        "frequencies": _frequencies(rows, meta, mapping, result, left),
        "source_ids": ids,
    }
    return harmonised, log


#: Columns of the frequency table of one file (see :func:`_frequencies`).
FREQUENCY_COLUMNS = [
    "variable",
    "source_variable",
    "delivered_code",
    "delivered_label",
    "harmonised_code",
    "harmonised_label",
    "count",
]


def _frequencies(rows, meta, mapping, result, left):
    """Delivered code and label -> harmonised code and label, with counts.

    One row per categorical variable read from the file (``recruitment``
    too when a source variable holds it) and per distinct pair of delivered
    value and harmonised code among the respondents written; a delivered
    system-missing value has an empty code and label.
    """
    sources = {var: spec["source"] for var, spec in mapping["variables"].items()}
    if "source" in mapping["recruitment"]:
        sources["recruitment"] = mapping["recruitment"]["source"]
    book = codebook.load_codebook()["variables"]
    out = []
    for var in book:
        if var not in sources or book[var]["kind"] != "categorical":
            continue
        src = sources[var]
        values = DistinctValues(rows[src])
        labels = _file_value_labels(meta, src)
        harmonised_labels = codebook.value_labels(var, include_missing=True)
        codes = np.asarray(result[var])[left]
        # one integer per (distinct delivered value, harmonised code) pair
        pairs, counts = np.unique(values.codes[left] * 128 + codes, return_counts=True)
        found = []
        for pair, count in zip(pairs.tolist(), counts.tolist()):
            position, code = divmod(pair, 128)
            norm = values.norms[position]
            found.append(
                (
                    (norm is None, isinstance(norm, str), norm if norm is not None else 0, code),
                    [
                        var,
                        src,
                        "" if norm is None else str(norm),
                        "" if norm is None else str(labels.get(norm, "")),
                        code,
                        harmonised_labels.get(code, ""),
                        count,
                    ],
                )
            )
        out += [row for _, row in sorted(found, key=lambda item: item[0])]
    return pd.DataFrame(out, columns=FREQUENCY_COLUMNS)


def _check_file_as_a_whole(df, meta, file_name):
    """At least one row, no two names equal but for case, labels not garbled."""
    if len(df) == 0:
        raise DeliveryError(
            file_name,
            "the file holds no respondents (0 rows): was the data "
            "exported before the answers were entered, or filtered?",
        )
    folded = {}
    for column in df.columns:
        other = folded.setdefault(str(column).casefold(), column)
        if other != column:
            raise DeliveryError(
                file_name,
                f"two variables whose names differ only in case ({other!r} and "
                f"{column!r}); SPSS variable names are case-insensitive, rename one",
                column,
            )
    _check_text_encoding(meta, file_name)


def _check_variables_accounted_for(df, meta, mapping, file_name):
    """Every source variable is mapped or dropped, and every named one exists.

    Names the mapping gives but the file lacks come first: a typo in the
    mapping then shows as itself, not as the real variable being unknown.
    """
    problems = _accounting_problems(df, meta, mapping, file_name)
    if problems:
        raise problems[0]


def _accounting_problems(df, meta, mapping, file_name):
    """The errors of :func:`_check_variables_accounted_for`, all of them, in order."""
    problems = []
    named = [(spec["source"], f"source of {var!r}") for var, spec in mapping["variables"].items()]
    named += [(mapping["id"], "id")] + [(src, "dropped") for src in mapping["drop"]]
    for src, role in named:
        try:
            _source_column(df, src, file_name, role, extract=False)
        except DeliveryError as exc:
            problems.append(exc)
    known = {mapping["id"], *mapping["drop"], *(r["source"] for r in mapping["exclude"])}
    known |= {spec["source"] for spec in mapping["variables"].values()}
    if "source" in mapping["recruitment"]:
        known.add(mapping["recruitment"]["source"])
    for column in df.columns:
        if column not in known:
            label = (getattr(meta, "column_names_to_labels", None) or {}).get(column)
            labelled = f" (label {label!r})" if label else ""
            problems.append(
                DeliveryError(
                    file_name,
                    f"variable{labelled} not in the mapping: map it under "
                    f"'variables' or list it under 'drop' with a reason",
                    column,
                )
            )
    return problems


def delivery_problems(df, meta, mapping, file_name):
    """Every problem of one delivery at once, instead of the first.

    Runs the checks of :func:`harmonise_file` one by one and collects what
    they find: the file as a whole, unknown and absent variables, the ids,
    then each mapped variable on its own (its declared missing codes, its
    labels, its values). Routing and the rows without answers are checked
    last, only when everything before passed.

    Parameters
    ----------
    df, meta, mapping, file_name
        As for :func:`harmonise_file`; ``mapping`` already validated.

    Returns
    -------
    problems : list of DeliveryError
        Empty when the file harmonises.
    result : tuple or None
        :func:`harmonise_file`'s ``(harmonised, log)`` when the file
        harmonises.
    """
    df = df.reset_index(drop=True)
    problems = []

    def attempt(step, *args):
        try:
            return step(*args)
        except DeliveryError as exc:
            problems.append(exc)
            return None

    attempt(_check_file_as_a_whole, df, meta, file_name)
    if len(df) == 0:
        return problems, None
    problems += _accounting_problems(df, meta, mapping, file_name)
    ids = attempt(_ids, df, mapping, file_name)
    if ids is None:
        ids = pd.Series(np.arange(1, len(df) + 1), index=df.index)
    keep = attempt(_apply_exclusions, df, mapping, file_name)
    rows, rows_ids = (df.loc[keep[0]], ids[keep[0]]) if keep is not None else (df, ids)
    book = codebook.load_codebook()["variables"]
    for var, spec in mapping["variables"].items():
        if spec["source"] in df.columns:
            attempt(
                _harmonise_variable,
                *(df, rows, meta, spec, var, book[var]["kind"], rows_ids, file_name, []),
            )
    if "source" in mapping["recruitment"] and mapping["recruitment"]["source"] in df.columns:
        attempt(_recruitment, rows, meta, mapping["recruitment"], rows_ids, file_name)
    if problems:
        return problems, None
    return problems, attempt(harmonise_file, df, meta, mapping, file_name)


def _apply_exclusions(df, mapping, file_name):
    """Rows to keep after the mapping's ``exclude`` rules (the first matching rule wins).

    Returns the boolean mask of kept rows and ``{reason: count}``.
    """
    excluded = {}
    keep = np.ones(len(df), dtype=bool)
    for rule in mapping["exclude"]:
        col = _source_column(df, rule["source"], file_name, "exclusion")
        hit = keep & DistinctValues(col).rows(lambda norm, rule=rule: norm in rule["equals"])
        if hit.any():
            excluded[rule["reason"]] = excluded.get(rule["reason"], 0) + int(hit.sum())
            keep &= ~hit
    return keep, excluded


def _harmonise_values(df, rows, meta, mapping, ids, file_name, notes):
    """One array per codebook variable (the frame is built once, at the end).

    Returns ``result`` (harmonised variable -> array of values, ``resp_id`` a
    list of text) and ``source_values`` (harmonised variable -> its source
    column, for the mapped variables). Notes for the merge log (labels the
    mapping accepts) are appended to ``notes``.
    """
    result, source_values = {}, {}
    for var, var_book in codebook.load_codebook()["variables"].items():
        kind = var_book["kind"]
        if var == "resp_id":
            letter = municipality_id_prefix(mapping["municipality"])
            result[var] = _resp_ids(letter, ids)
        elif var == "municipality":
            result[var] = np.full(len(rows), mapping["municipality"], dtype="int64")
        elif var == "recruitment":
            result[var] = _recruitment(rows, meta, mapping["recruitment"], ids, file_name)
        elif var in mapping["not_asked"]:
            result[var] = _not_asked_column(kind, len(rows))
        else:
            spec = mapping["variables"][var]
            source_values[var] = rows[spec["source"]]
            result[var] = _harmonise_variable(
                df, rows, meta, spec, var, kind, ids, file_name, notes
            )
    return result, source_values


def _not_asked_column(kind, n):
    """A variable absent from the file: 97, NaT or NaN for every row."""
    if kind == "categorical":
        return np.full(n, codebook.NOT_ASKED, dtype="int64")
    if kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    return np.full(n, np.nan, dtype="float64")


def _harmonise_variable(df, rows, meta, spec, var, kind, ids, file_name, notes):
    """Check one mapped variable against the file and translate its values."""
    col = rows[spec["source"]]
    values = DistinctValues(col)
    labels = _file_value_labels(meta, spec["source"])
    _check_declared_missing(df, meta, spec, file_name)
    _check_variable_label(meta, spec, var, file_name)
    _check_missing_like_labels(col, meta, spec, var, kind, ids, file_name, values, labels)
    notes += _check_value_labels(col, spec, var, kind, ids, file_name, values, labels)
    if kind == "categorical":
        return _harmonise_categorical(col, var, spec, ids, file_name, labels, values)
    if kind == "numeric":
        return _harmonise_numeric(col, var, spec, ids, file_name, values)
    if kind == "date":
        return _harmonise_date(col, var, spec, ids, file_name, values)
    raise ValueError(f"unknown kind {kind!r} of {var!r} in the codebook")  # pragma: no cover


def _drop_rows_without_answers(result, n, excluded, file_name):
    """Mask of rows with at least one substantive answer; the others are logged.

    Raises when no row is left: the file would silently drop out of the
    merged survey.
    """
    empty = _all_missing(result, n)
    if empty.any():
        excluded[REASON_ALL_MISSING] = excluded.get(REASON_ALL_MISSING, 0) + int(empty.sum())
    left = ~empty
    if not left.any():
        reasons = "; ".join(f"{r} ({count})" for r, count in excluded.items())
        raise DeliveryError(
            file_name,
            f"no respondent is left after the exclusions ({reasons}): the file "
            f"would silently drop out of the merged survey",
        )
    return left


def substantive_variables():
    """List the codebook variables that hold answers (not administrative).

    Returns
    -------
    list of str
    """
    return [v for v in codebook.variable_names() if v not in ADMINISTRATIVE]


def _all_missing(result, n):
    """Rows (of ``n``) whose substantive answers are all missing codes or missing.

    ``result`` maps each harmonised variable to its array of values.
    """
    book_vars = codebook.load_codebook()["variables"]
    empty = np.ones(n, dtype=bool)
    for var in substantive_variables():
        if book_vars[var]["kind"] == "categorical":
            empty &= result[var] >= codebook.MISSING_LOW
        else:
            empty &= pd.isna(result[var])
    return empty


def _result_frame(result, left):
    """The harmonised frame of the rows in ``left``, codebook columns in order."""
    return pd.DataFrame(
        {
            var: (
                pd.Series([r for r, keep_row in zip(column, left) if keep_row], dtype="str")
                if var == "resp_id"
                else column[left]
            )
            for var, column in result.items()
        }
    )


# --------------------------------------------------------------------------
# checks of the file, its variables and labels
# --------------------------------------------------------------------------


def _source_column(df, src, file_name, role, extract=True):
    """The column ``src`` of ``df`` (only checked to exist if not ``extract``)."""
    if src not in df.columns:
        hint = [c for c in df.columns if str(c).lower() == str(src).lower()]
        if hint:
            extra = (
                f" (the file has {hint[0]!r}; SPSS names are case-insensitive, the mapping is not)"
            )
        else:
            close = difflib.get_close_matches(str(src), [str(c) for c in df.columns], n=1)
            extra = f" (did you mean {close[0]!r}?)" if close else ""
        raise DeliveryError(
            file_name, f"{role} variable named in the mapping is absent from the file{extra}", src
        )
    return df[src] if extract else None


def _norm_label(text):
    """Label for comparison: whitespace collapsed, case folded."""
    return " ".join(str(text).split()).casefold()


def _looks_garbled(text):
    """True for text that is UTF-8 read as Latin-1/Windows-1252 ("cafÃ©").

    Such text encodes back to valid UTF-8 with a different meaning; genuine
    Windows-1252 text with accents ("café" -> ``caf\\xe9``) is not valid UTF-8.
    """
    if not isinstance(text, str) or text.isascii():
        return False
    for encoding in ("cp1252", "latin-1"):
        try:
            if text.encode(encoding).decode("utf-8") != text:
                return True
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return False


def _check_text_encoding(meta, file_name):
    """Refuse labels garbled by a wrong encoding declaration in the file."""
    declared = getattr(meta, "file_encoding", None) or "unknown"
    labels = getattr(meta, "column_names_to_labels", None) or {}
    value_labels = getattr(meta, "variable_value_labels", None) or {}
    texts = [(var, label) for var, label in labels.items()]
    texts += [(var, label) for var, codes in value_labels.items() for label in codes.values()]
    for var, text in texts:
        if _looks_garbled(text):
            try:
                meant = text.encode("cp1252").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                meant = text.encode("latin-1").decode("utf-8")
            raise DeliveryError(
                file_name,
                f"label text is garbled ({text!r}, meant {meant!r}): the file "
                f"declares character encoding {declared!r} but its text is UTF-8; save the "
                f"file again from SPSS (Unicode mode) so that the declaration matches",
                var,
                text,
            )


def _check_variable_label(meta, spec, var, file_name):
    """The optional ``label`` of a spec must match the file's variable label."""
    expected = spec.get("label")
    if expected is None:
        return
    src = spec["source"]
    labels = getattr(meta, "column_names_to_labels", None) or {}
    actual = labels.get(src)
    if actual is None or not str(actual).strip():
        raise DeliveryError(
            file_name,
            f"the variable has no label in the file, but the mapping expects "
            f"{expected!r} (harmonised variable {var!r}): is this the right variable?",
            src,
        )
    if _norm_label(actual) != _norm_label(expected):
        raise DeliveryError(
            file_name,
            f"variable label differs from the label the mapping expects "
            f"({expected!r}; compared ignoring case and spaces) for harmonised variable "
            f"{var!r}: is this the right variable, or did the questionnaire change?",
            src,
            actual,
        )


def _file_value_labels(meta, src):
    """The file's value labels of one variable, keys normalised."""
    labels = (getattr(meta, "variable_value_labels", None) or {}).get(src) or {}
    return {normalise_value(code): label for code, label in labels.items()}


def _check_missing_like_labels(
    col, meta, spec, var, kind, ids, file_name, values=None, labels=None
):
    """A value the file labels "weet niet", "geen antwoord", ... must be missing.

    Catches a missing-value code that the file does not declare user-missing
    (or whose declaration got lost) and that the mapping would otherwise take
    as a real answer: an identity-coded item, a ``recode`` key, or a number
    (an age of 99 meaning "no answer"). ``labels``: the file's value labels of
    the variable (:func:`_file_value_labels`), if already at hand. A code
    whose label the mapping accepts (``accept_labels``) is a real answer.
    """
    if labels is None:
        labels = _file_value_labels(meta, spec["source"])
    if not labels:
        return
    missing = spec.get("missing", {})
    recode = spec.get("recode")
    accepted = spec.get("accept_labels", {})
    valid = _categorical_codes(var) if kind == "categorical" else None
    for code, label in labels.items():
        if code is None or code in missing or code in accepted or not is_missing_like(label):
            continue
        if kind == "categorical":
            used_as_answer = code in recode if recode is not None else code in valid
        else:
            used_as_answer = True
        if not used_as_answer:
            continue  # an unmapped value is refused anyway where it occurs
        if values is None:
            values = DistinctValues(col)
        hits = values.rows_equal(code)
        if hits.any():
            first = ids.iloc[first_true(hits)]
            how = (
                f"recodes it to {recode[code]}"
                if recode is not None and code in recode
                else "takes it as a real answer"
            )
            raise DeliveryError(
                file_name,
                f"the file labels this value {label!r}, a missing-value code, "
                f"but does not declare it user-missing and the mapping {how} (harmonised "
                f"variable {var!r}, {int(hits.sum())} respondent(s), first at source id "
                f"{first}); list it under 'missing' in the mapping: under variables.{var} "
                f"write missing: {{{_yaml_key(code)}: {missing_code_for(label)}}}",
                spec["source"],
                display_value(code),
            )


def _yaml_key(code):
    """A source code as it would be written in a YAML flow mapping."""
    return repr(code) if isinstance(code, str) else str(code)


def _yaml_flow(mapping):
    """``{1: 5, 'M': 1}`` as a YAML flow mapping: ``{1: 5, 'M': 1}``."""
    return "{" + ", ".join(f"{_yaml_key(k)}: {v}" for k, v in mapping.items()) + "}"


def _labels_to_check(col, spec, labels):
    """The labels to compare with the codebook: the file's, or text codes themselves.

    A text variable without value labels ("M"/"V") carries its meaning in
    its codes: the ``recode`` keys are then checked as if they were labels.
    """
    if labels:
        return labels
    recode = spec.get("recode") or {}
    return {code: code for code in recode if isinstance(code, str)}


def _check_value_labels(col, spec, var, kind, ids, file_name, values, labels):
    """Compare the meaning of the file's value labels with what the mapping does.

    Returns the notes for the merge log (labels accepted in the mapping).
    Raises for a label that names another category than the one the mapping
    gives its code, a label that names no category (unless accepted), and a
    labelled code of a numeric variable that occurs in the data without
    being declared missing or accepted.
    """
    if kind == "categorical":
        value_set = codebook.value_set_name(var) if var != "recruitment" else "recruitment"
        return _check_category_labels(
            spec, var, value_set, file_name, _labels_to_check(col, spec, labels)
        )
    if kind == "numeric" and labels:
        return _check_labelled_numbers(spec, var, ids, file_name, values, labels)
    return []


def _translation(spec, code, valid):
    """The codebook code the mapping gives a source code (None: not mapped)."""
    missing, recode = spec.get("missing", {}), spec.get("recode")
    if code in missing:
        return missing[code]
    if recode is not None:
        return recode.get(code)
    return code if code in valid else None


def _check_category_labels(spec, var, value_set, file_name, labels):
    accepted = spec.get("accept_labels", {})
    valid = set(codebook.load_codebook()["value_sets"][value_set])
    book_labels = (
        codebook.value_labels(var, include_missing=True)
        if var != "recruitment"
        else {int(k): v for k, v in codebook.load_codebook()["value_sets"]["recruitment"].items()}
    )
    notes = []
    for code, label in labels.items():
        target = _translation(spec, code, valid)
        if code is None or target is None:
            continue  # an unmapped code is refused where it occurs
        named = categories_named(value_set, label)
        is_accepted = code in accepted and normalise_label(accepted[code]) == normalise_label(label)
        if target in named or (not named and target >= codebook.MISSING_LOW):
            continue
        if not named and is_missing_like(label):
            continue  # a missing-value code: _check_missing_like_labels decides
        if is_accepted:
            what = (
                f"noemt categorie {sorted(named)[0]} ({book_labels[sorted(named)[0]]})"
                if named
                else "noemt geen categorie van het codeboek"
            )
            notes.append(
                f"label {label!r} van code {_yaml_key(code)} in {spec['source']} {what}; "
                f"aanvaard in de mapping als {target} ({book_labels.get(target, target)}) "
                f"voor {var}"
            )
            continue
        raise _label_error(spec, var, value_set, file_name, code, label, target, named, labels)
    _check_acceptances(spec, var, file_name, labels)
    return notes


def _label_error(spec, var, value_set, file_name, code, label, target, named, labels):
    """The error for a label that contradicts the mapping or names no category."""
    book_labels = {int(k): v for k, v in codebook.load_codebook()["value_sets"][value_set].items()}
    book_labels.update({int(k): v for k, v in codebook.load_codebook()["missing_codes"].items()})
    src = spec["source"]
    accept = f"accept_labels: {{{_yaml_key(code)}: {str(label)!r}}}"
    stale = ""
    if code in spec.get("accept_labels", {}):
        stale = (
            f" (the mapping accepts {spec['accept_labels'][code]!r} for this code, but the file "
            f"now labels it {label!r})"
        )
    if named:
        other = sorted(named)[0]
        proposed, missing, _ = propose_recode(value_set, labels)
        proposed = {k: v for k, v in proposed.items() if k not in spec.get("missing", {})}
        missing = {**missing, **spec.get("missing", {})}
        with_missing = f", missing: {_yaml_flow(missing)}" if missing else ""
        problem = (
            f"the file labels this code {label!r}, which is the codebook's category {other} "
            f"{book_labels[other]!r} of {var!r}, but the mapping turns it into {target} "
            f"{book_labels.get(target, '')!r}: a reversed scale or swapped codes?{stale} "
            f"If the labels are right, write under variables.{var}: recode: "
            f"{_yaml_flow(proposed)}{with_missing}; if the codes are right and the label is "
            f"wrong, write "
            f"{accept}"
        )
    else:
        problem = (
            f"the file labels this code {label!r}, which names no category of {var!r} "
            f"in the codebook (the mapping turns it into {target} "
            f"{book_labels.get(target, '')!r}){stale}. Check what the code means; if "
            f"{target} is right, accept the label under variables.{var}: {accept} (or add "
            f"the wording to 'synonyms' in {codebook.CODEBOOK_FILE} if every group may use it)"
        )
    return DeliveryError(file_name, problem, src, display_value(code))


def _check_acceptances(spec, var, file_name, labels):
    """Every ``accept_labels`` entry names a code the file labels."""
    for code, text in spec.get("accept_labels", {}).items():
        if code not in labels:
            raise DeliveryError(
                file_name,
                f"the mapping accepts the label {text!r} for this code (variables.{var}."
                f"accept_labels), but the file has no value label for it: remove the entry",
                spec["source"],
                display_value(code),
            )


def _check_labelled_numbers(spec, var, ids, file_name, values, labels):
    """A labelled code on a numeric variable is a missing code unless the mapping says not.

    An age of 99 labelled "Wil ik niet zeggen" (declared missing or not)
    must never reach the processed data as an age: where such a code occurs
    it has to be listed under ``missing`` (it then becomes system-missing) or
    accepted as a real value under ``accept_labels``.
    """
    accepted = spec.get("accept_labels", {})
    notes = []
    for code, label in labels.items():
        if code is None or code in spec.get("missing", {}):
            continue
        if code in accepted and normalise_label(accepted[code]) == normalise_label(label):
            notes.append(
                f"label {label!r} van waarde {_yaml_key(code)} in {spec['source']} aanvaard "
                f"in de mapping: {code} blijft een geldige waarde van {var}"
            )
            continue
        hits = values.rows_equal(code)
        if hits.any():
            first = ids.iloc[first_true(hits)]
            raise DeliveryError(
                file_name,
                f"the file labels this value {label!r} (harmonised variable {var!r}, "
                f"{int(hits.sum())} respondent(s), first at source id {first}); a labelled "
                f"code on a numeric variable is a missing code unless the mapping says "
                f"otherwise: under variables.{var} write missing: {{{_yaml_key(code)}: "
                f"{missing_code_for(label)}}} (it then becomes system-missing), or, if "
                f"{display_value(code)} is a real value, accept_labels: "
                f"{{{_yaml_key(code)}: {str(label)!r}}}",
                spec["source"],
                display_value(code),
            )
    _check_acceptances(spec, var, file_name, labels)
    return notes


def _check_declared_missing(df, meta, spec, file_name):
    """The file's own user-missing codes must be covered by ``missing``."""
    src = spec["source"]
    ranges = (getattr(meta, "missing_ranges", None) or {}).get(src, [])
    declared = set(spec.get("missing", {}))
    recode = spec.get("recode") or {}
    values = None
    for rng in ranges:
        lo, hi = normalise_value(rng.get("lo")), normalise_value(rng.get("hi"))
        if lo == hi:
            if lo in recode:
                raise DeliveryError(
                    file_name,
                    f"the file declares this code user-missing, but the mapping "
                    f"recodes it as a real answer ({lo} -> {recode[lo]}); move it from "
                    f"'recode' to 'missing'",
                    src,
                    lo,
                )
            if lo not in declared:
                raise DeliveryError(
                    file_name,
                    "user-missing code declared in the file is not covered by the "
                    "mapping's 'missing'",
                    src,
                    lo,
                )
            continue
        if values is None:
            values = DistinctValues(df[src])
        # Distinct values in order of first appearance: the first that fails
        # is the value of the first row that fails.
        for norm in values.norms:
            if isinstance(norm, (int, float)) and lo <= norm <= hi and norm not in declared:
                raise DeliveryError(
                    file_name,
                    f"value in the file's user-missing range {lo}-{hi} is not "
                    "covered by the mapping's 'missing'",
                    src,
                    norm,
                )


# --------------------------------------------------------------------------
# respondent ids
# --------------------------------------------------------------------------


#: Largest respondent id: SPSS stores numbers as doubles, which hold every
#: whole number of up to 15 digits exactly.
MAX_SOURCE_ID = 10**15 - 1


def _id_ok(norm):
    return (
        norm is not None
        and isinstance(norm, int)
        and not isinstance(norm, bool)
        and 0 <= norm <= MAX_SOURCE_ID
    )


def _check_id(value, row, src, file_name):
    """Raise the error for one respondent id (``row`` counts from 1)."""
    norm = normalise_value(value)
    if norm is None:
        raise DeliveryError(
            file_name,
            f"respondent id is empty in row {row} of the file "
            "(every respondent needs a unique whole-number id)",
            src,
        )
    if not isinstance(norm, int) or isinstance(norm, bool):
        raise DeliveryError(
            file_name, "respondent id must be an integer", src, display_value(value)
        )
    if not 0 <= norm <= MAX_SOURCE_ID:
        raise DeliveryError(
            file_name,
            f"respondent id must lie in 0-{MAX_SOURCE_ID} (a whole number of at most 15 digits)",
            src,
            norm,
        )


def _ids(df, mapping, file_name):
    src = mapping["id"]
    col = _source_column(df, src, file_name, "id")
    if pd.api.types.is_float_dtype(col.dtype) or pd.api.types.is_integer_dtype(col.dtype):
        # Numbers (how pyreadstat returns every numeric SPSS variable): checked
        # as a whole, since ids are (nearly) all distinct.
        numbers = col.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = ~((numbers == np.floor(numbers)) & (numbers >= 0) & (numbers <= MAX_SOURCE_ID))
        ids = np.where(bad, 0, numbers).astype("int64")
    else:
        values = DistinctValues(col)
        if any(isinstance(n, str) for n in values.norms):
            return _text_ids(col, values, src, file_name)
        ok = [_id_ok(n) for n in values.norms]
        bad = ~values.spread(ok, dtype=bool)
        ids = values.spread([n if good else 0 for n, good in zip(values.norms, ok)], dtype="int64")
    if bad.any():
        row = first_true(bad)
        _check_id(col.iloc[row : row + 1].tolist()[0], row + 1, src, file_name)
        raise AssertionError("unreachable: the id check must fail")  # pragma: no cover
    ids = pd.Series(ids, index=df.index, dtype="int64")
    duplicated = ids.duplicated()
    if duplicated.any():
        raise DeliveryError(
            file_name,
            "duplicate respondent id",
            src,
            int(ids.iloc[first_true(duplicated.to_numpy())]),
        )
    return ids


#: A text respondent id as online survey tools export them (``R_1a2B3c``).
TEXT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _text_ids(col, values, src, file_name):
    """Text respondent ids, kept as delivered (only surrounding spaces dropped).

    An id column that holds any text that is not a whole number (an online
    survey's ``R_1a2B3c``) is taken as text: every id must then be a letter
    or digit followed by letters, digits, ``_``, ``.`` or ``-`` (at most 64
    characters), and unique, also when case is ignored.
    """
    texts = []
    for value in values.values[:-1]:
        text = str(value).strip()
        texts.append(text if TEXT_ID.match(text) else None)
    texts.append(None)  # missing values
    bad = values.spread([t is None for t in texts], dtype=bool)
    if bad.any():
        row = first_true(bad)
        value = values.value_at(row)
        if is_missing(value):
            raise DeliveryError(
                file_name,
                f"respondent id is empty in row {row + 1} of the file "
                "(every respondent needs a unique id)",
                src,
            )
        raise DeliveryError(
            file_name,
            "text respondent id must start with a letter or digit and hold only letters, "
            "digits, '_', '.' and '-' (at most 64 characters)",
            src,
            value,
        )
    ids = pd.Series(values.spread(texts, dtype=object), index=col.index, dtype=object)
    folded = ids.str.casefold()
    duplicated = folded.duplicated()
    if duplicated.any():
        row = first_true(duplicated.to_numpy())
        first = ids[folded == folded.iloc[row]].iloc[0]
        same = (
            "duplicate respondent id"
            if first == ids.iloc[row]
            else (
                f"respondent id differs only in case from {first!r} (ids must stay unique "
                f"when case is ignored)"
            )
        )
        raise DeliveryError(file_name, same, src, ids.iloc[row])
    return ids


def _resp_ids(letter, ids):
    """``resp_id`` per row: the letter plus the id zero-padded to at least 4 digits.

    Text ids (:func:`_text_ids`) keep their text after the letter and a
    hyphen: ``J-R_1a2B3c``.
    """
    if ids.dtype == object:
        return [f"{letter}-{i}" for i in ids.tolist()]
    return [f"{letter}{i:04d}" for i in ids.tolist()]


# --------------------------------------------------------------------------
# translating values
# --------------------------------------------------------------------------


def _harmonise_categorical(col, var, spec, ids, file_name, file_labels=None, values=None):
    file_labels = file_labels or {}
    recode = spec.get("recode")
    missing = spec.get("missing", {})
    valid = _categorical_codes(var)
    src = spec["source"]
    values = values if values is not None else DistinctValues(col)
    lookup = {}
    for value, norm in zip(values.values[:-1], values.norms[:-1]):
        if norm is None or norm in lookup:
            continue
        if recode is not None and norm in recode:
            lookup[norm] = recode[norm]
        elif norm in missing:
            lookup[norm] = missing[norm]
        elif recode is None and isinstance(norm, int) and norm in valid:
            lookup[norm] = norm
        else:
            hits = values.rows_equal(norm)
            first = ids.iloc[first_true(hits)]
            allowed = "a recode key" if recode is not None else f"a codebook code {sorted(valid)}"
            file_label = file_labels.get(norm)
            labelled = f"; the file labels it {file_label!r}" if file_label else ""
            raise DeliveryError(
                file_name,
                f"value is neither {allowed} nor a declared missing code "
                f"(harmonised variable {var!r}, {int(hits.sum())} respondent(s), first at "
                f"source id {first}{labelled})",
                src,
                display_value(value),
            )
    if var not in codebook.FILTERS:
        # A group may declare its "not applicable" code on every item; it must
        # not occur in a question without routing.
        for norm, code in lookup.items():
            if code == codebook.NOT_APPLICABLE:
                first = ids.iloc[first_true(values.rows_equal(norm))]
                raise DeliveryError(
                    file_name,
                    f"'not applicable' code in a question without routing "
                    f"(harmonised variable {var!r}, first at source id {first})",
                    src,
                    norm,
                )
    out = [lookup[n] if n is not None else codebook.NO_ANSWER for n in values.norms]
    return values.spread(out, dtype="int64")


def _numeric_value(value, rid, var, src, missing, file_name):
    """One numeric source value as float (NaN when missing), or a DeliveryError."""
    norm = normalise_value(value)
    if norm is None or norm in missing:
        return np.nan
    if isinstance(norm, str):
        try:
            norm = float(norm.replace(",", "."))
        except ValueError:
            raise DeliveryError(
                file_name, f"{var} must be numeric (source id {rid})", src, display_value(value)
            ) from None
    if not float(norm).is_integer():
        raise DeliveryError(
            file_name, f"{var} must be a whole number (source id {rid})", src, display_value(value)
        )
    return float(norm)


def _per_value(values, convert, ids):
    """Apply ``convert(value, rid)`` per distinct value; raise for the first bad row.

    ``convert`` raises :class:`DeliveryError` for a value it refuses; that
    error is raised again for the first row holding such a value, with that
    row's own value and source id, exactly as a row-by-row loop would.
    """
    out, bad = [], []
    for value in values.values:
        try:
            out.append(convert(value, None))
            bad.append(False)
        except DeliveryError:
            out.append(None)
            bad.append(True)
    if any(bad):
        row = first_true(values.spread(bad, dtype=bool))
        convert(values.value_at(row), ids.iloc[row])
        raise AssertionError("unreachable: the conversion must fail")  # pragma: no cover
    return out


def _harmonise_numeric(col, var, spec, ids, file_name, values=None):
    missing = spec.get("missing", {})
    src = spec["source"]
    values = values if values is not None else DistinctValues(col)
    out = _per_value(
        values, lambda value, rid: _numeric_value(value, rid, var, src, missing, file_name), ids
    )
    return values.spread(out, dtype="float64")


def _date_value(value, rid, var, src, missing, fmt, file_name):
    """One date source value as Timestamp (NaT when missing), or a DeliveryError."""
    if is_missing(value) or normalise_value(value) in missing:
        return pd.NaT
    if isinstance(value, (dt.date, np.datetime64)):  # SPSS date (pyreadstat)
        return pd.Timestamp(value).normalize()  # SPSS DATETIME: keep the day
    if isinstance(value, str):
        if fmt is None:
            raise DeliveryError(
                file_name,
                f"{var} is text but the mapping gives no 'format' (source id {rid})",
                src,
                value,
            )
        day = _text_date(value, fmt)
        if day is None:
            raise DeliveryError(
                file_name,
                f"{var} does not match format {fmt!r} (source id {rid})",
                src,
                value,
            )
        return day
    raise DeliveryError(
        file_name,
        f"{var} is neither an SPSS date nor text with a 'format' (source id {rid})",
        src,
        display_value(value),
    )


#: A time of day after a date: ``14:05``, ``14:05:33``, ``14:05:33.120``.
_TIME_PART = re.compile(r"^(?P<date>.+?)[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*$")
#: strptime directives of a time of day.
_TIME_DIRECTIVES = re.compile(r"%[HIMSfpXc]")


def _text_date(value, fmt):
    """The day of a text date (a Timestamp), or None when it does not fit ``fmt``.

    A time part is allowed: either ``fmt`` has time directives
    (``%d/%m/%Y %H:%M``), or the text carries a time after the date that
    ``fmt`` describes (``2020-02-03 14:05:33`` with ``%Y-%m-%d``, as online
    survey tools export their start dates). Only the day is kept.
    """
    text = value.strip()
    try:
        return pd.Timestamp(dt.datetime.strptime(text, fmt)).normalize()
    except ValueError:
        pass
    match = _TIME_PART.match(text)
    if match is None or _TIME_DIRECTIVES.search(fmt):
        return None
    try:
        return pd.Timestamp(dt.datetime.strptime(match["date"], fmt)).normalize()
    except ValueError:
        return None


def _harmonise_date(col, var, spec, ids, file_name, values=None):
    missing = spec.get("missing", {})
    fmt = spec.get("format")
    src = spec["source"]
    values = values if values is not None else DistinctValues(col)
    out = _per_value(
        values, lambda value, rid: _date_value(value, rid, var, src, missing, fmt, file_name), ids
    )
    days = np.asarray(pd.to_datetime(out).astype("datetime64[s]"))
    return days[values.codes]


def _recruitment(df, meta, spec, ids, file_name):
    if "value" in spec:
        return np.full(len(df), spec["value"], dtype="int64")
    src = spec["source"]
    col = _source_column(df, src, file_name, "recruitment")
    labels = _file_value_labels(meta, src)
    if labels or spec["recode"] is not None:
        _check_category_labels(
            {"source": src, "recode": spec["recode"] if spec["recode"] is not None else None},
            "recruitment",
            "recruitment",
            file_name,
            _labels_to_check(col, {"recode": spec["recode"]}, labels),
        )
    valid = _categorical_codes("recruitment")
    values = DistinctValues(col)
    out = [spec["recode"].get(n) if spec["recode"] is not None else n for n in values.norms]
    bad = values.spread([code not in valid for code in out], dtype=bool)
    if bad.any():
        row = first_true(bad)
        raise DeliveryError(
            file_name,
            f"recruitment value not in the mapping's recode (source id {ids.iloc[row]})",
            src,
            display_value(values.value_at(row)),
        )
    return values.spread([c if c in valid else 0 for c in out], dtype="int64")


# --------------------------------------------------------------------------
# routing
# --------------------------------------------------------------------------


def _describe(alternatives):
    """Routing condition as text: ``bin_known in [2] or bin_member in [2]``."""
    return " or ".join(
        " and ".join(f"{var} in {codes}" for var, codes in cond.items()) for cond in alternatives
    )


def _apply_routing(result, specs, source_values, ids, file_name):
    """Set 96 where a filter question does not apply; reject answers there.

    ``result`` maps each harmonised variable to its array of codes (rows in
    the order of ``ids`` and of the ``source_values`` columns).
    """
    answer_codes = lambda var: _categorical_codes(var) | {codebook.DONT_KNOW}  # noqa: E731
    for var, alternatives in codebook.FILTERS.items():
        if var not in specs:
            continue  # not asked at all: stays 97
        values = result[var]
        applies = np.zeros(len(values), dtype=bool)
        for condition in alternatives:
            holds = np.ones(len(values), dtype=bool)
            for cond_var, codes in condition.items():
                holds &= np.isin(result[cond_var], list(codes))
            applies |= holds
        src = specs[var]["source"]
        wrong = ~applies & np.isin(values, sorted(answer_codes(var)))
        if wrong.any():
            i = first_true(wrong)
            raise DeliveryError(
                file_name,
                f"answer given where the question does not apply "
                f"(asked only if {_describe(alternatives)}; source id {ids.iloc[i]})",
                src,
                display_value(source_values[var].iloc[i]),
            )
        na_given = applies & (values == codebook.NOT_APPLICABLE)
        if na_given.any():
            i = first_true(na_given)
            raise DeliveryError(
                file_name,
                f"coded 'not applicable' although the routing asks the "
                f"question (source id {ids.iloc[i]})",
                src,
                display_value(source_values[var].iloc[i]),
            )
        result[var] = np.where(applies, values, codebook.NOT_APPLICABLE).astype("int64")
