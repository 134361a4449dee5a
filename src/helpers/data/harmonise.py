"""Harmonise the municipalities' SPSS deliveries and merge them.

Each raw file comes with a declarative mapping (``data/mappings/*.yaml``, format
in ``ARCHITECTURE.md``) that says, per harmonised variable of the codebook,
which source variable holds it and how its codes translate. The functions here
are pure: DataFrames and dictionaries in, DataFrames and dictionaries out; the
only side effect is reading the raw files in :func:`merge_deliveries`.

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
import numbers
import re
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.data import codebook
from helpers.data.errors import DeliveryError, MappingError
from helpers.data.sav import read_sav

#: Codebook variables filled by the pipeline itself, not by ``variables``.
ADMIN_DERIVED = ("resp_id", "municipality", "recruitment")
#: Administrative variables: not substantive answers (a row is excluded when
#: everything except these is missing).
ADMINISTRATIVE = ("resp_id", "municipality", "recruitment", "interview_date")
#: Recruitment design of a student group -> recruitment code (``mix`` reads it
#: per respondent from a source variable).
DESIGNS = {"online": 1, "door_to_door": 2, "street": 3, "mix": None}
#: Reason logged for rows without any substantive answer.
REASON_ALL_MISSING = "Geen inhoudelijke antwoorden (alle inhoudelijke variabelen ontbreken)"

_TOP_KEYS = {
    "file",
    "municipality",
    "design",
    "id",
    "recruitment",
    "variables",
    "not_asked",
    "drop",
    "exclude",
}
_REQUIRED_TOP_KEYS = ("file", "municipality", "design", "id", "recruitment", "variables")
_SPEC_KEYS = {"source", "recode", "missing", "format", "label"}
_INT_TEXT = re.compile(r"^[+-]?\d+$")
#: Value labels that mark a code as a missing-value code ("weet niet", "geen
#: antwoord", ...). A value with such a label in the delivered file must be
#: declared under ``missing`` in the mapping before it can be used: see
#: :func:`_check_missing_like_labels`. Deliberately narrow ("onbekend" is not
#: in it: "BIN onbekend" can be a real answer), as there is no way to
#: overrule a match other than listing the code under ``missing``.
MISSING_LIKE_LABEL = re.compile(
    r"(?<!\w)(weet\s+niet|geen\s+antwoord|niet\s+van\s+toepassing|n\.?\s?v\.?\s?t\.?|"
    r"geen\s+opgave|ontbrek\w*|geweigerd|weigert|missing|"
    r"no\s+answer|don'?t\s+know|not\s+applicable|refused|sans\s+r[eé]ponse|"
    r"ne\s+sait\s+pas)(?!\w)",
    re.IGNORECASE,
)
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


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------


def _is_missing(value):
    """True for None, NaN, NaT and empty or blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _norm(value):
    """Normalise a source value or a mapping key for comparison.

    Integral floats become ``int`` (pyreadstat returns every number as
    float64), text is stripped and integer-looking text becomes ``int`` (so
    that YAML keys ``1`` and ``"1"`` and SPSS values ``1.0`` and ``"1"`` all
    match). Missing values become ``None``.
    """
    kind = type(value)
    if kind is float:  # the common case first (exactly as below, only faster)
        if value != value:  # NaN
            return None
        return int(value) if value.is_integer() else value
    if kind is int:
        return value
    if _is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        text = value.strip()
        return int(text) if _INT_TEXT.match(text) else text
    return value


def _show(value):
    """A source value as it should appear in an error message."""
    if isinstance(value, (np.floating, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


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
# mapping validation
# --------------------------------------------------------------------------


def validate_mapping(mapping, name="<mapping>"):  # noqa: C901, PLR0915 - cut up with the harmonise split
    """Check a mapping's structure against the codebook and normalise it.

    Parameters
    ----------
    mapping : dict
        The mapping as read from YAML (see ``ARCHITECTURE.md``).
    name : str
        Name of the mapping file, used in error messages.

    Returns
    -------
    dict
        A new dictionary: optional keys filled in (``not_asked`` empty list,
        ``drop`` and ``exclude`` empty), ``recode`` and ``missing`` keys
        normalised (``1.0``, ``"1"`` -> ``1``).

    Raises
    ------
    MappingError
        Naming the mapping file and the offending key.
    """
    if not isinstance(mapping, dict):
        raise MappingError(name, "the mapping must be a YAML dictionary")
    # Keys starting with "_" are bookkeeping added by this module.
    unknown = sorted(k for k in set(mapping) - _TOP_KEYS if not str(k).startswith("_"))
    if unknown:
        raise MappingError(name, "unknown top-level key", unknown[0])
    for key in _REQUIRED_TOP_KEYS:
        if key not in mapping:
            raise MappingError(name, "required key is missing", key)

    book = codebook.load_codebook()
    variables = book["variables"]
    out = {k: v for k, v in mapping.items() if str(k).startswith("_")}

    file = mapping["file"]
    if not isinstance(file, str) or not file.lower().endswith(".sav") or Path(file).name != file:
        raise MappingError(name, "must be a plain .sav file name (no folder)", "file", file)
    out["file"] = file

    muni = mapping["municipality"]
    if not isinstance(muni, int) or muni not in _categorical_codes("municipality"):
        raise MappingError(name, "not a municipality code of the codebook", "municipality", muni)
    out["municipality"] = muni

    design = mapping["design"]
    if design not in DESIGNS:
        raise MappingError(
            name, f"unknown design (expected one of {', '.join(DESIGNS)})", "design", design
        )
    out["design"] = design

    if not isinstance(mapping["id"], str) or not mapping["id"]:
        raise MappingError(name, "must name the source id variable", "id", mapping["id"])
    out["id"] = mapping["id"]

    out["recruitment"] = _validate_recruitment(mapping["recruitment"], design, name)

    specs = mapping["variables"]
    if not isinstance(specs, dict) or not specs:
        raise MappingError(name, "must be a non-empty dictionary", "variables")
    out["variables"] = {}
    for var, spec in specs.items():
        key = f"variables.{var}"
        if var not in variables:
            raise MappingError(name, "unknown harmonised variable (not in the codebook)", key)
        if var in ADMIN_DERIVED:
            raise MappingError(
                name,
                "filled by the pipeline (use the top-level keys id/municipality/recruitment)",
                key,
            )
        out["variables"][var] = _validate_spec(spec, var, variables[var], name)

    # One source variable feeds one harmonised variable: a copy-paste slip
    # ("source: stelling5" twice) would otherwise duplicate an item silently.
    used = {}
    for var, spec in out["variables"].items():
        src = spec["source"]
        if src == out["id"]:
            raise MappingError(
                name,
                "the id variable cannot also be the source of a harmonised variable",
                f"variables.{var}.source",
                src,
            )
        if src in used:
            raise MappingError(
                name,
                f"source variable is mapped twice, to {used[src]!r} and to {var!r} "
                f"(each source variable feeds one harmonised variable; check for a "
                f"copy-paste slip)",
                f"variables.{var}.source",
                src,
            )
        used[src] = var

    not_asked = mapping.get("not_asked") or []
    if not isinstance(not_asked, list):
        raise MappingError(name, "must be a list of harmonised variables", "not_asked")
    for var in not_asked:
        if var not in variables:
            raise MappingError(
                name, "unknown harmonised variable (not in the codebook)", "not_asked", var
            )
        if var in ADMIN_DERIVED:
            raise MappingError(
                name, "administrative variable cannot be not_asked", "not_asked", var
            )
        if var in out["variables"]:
            raise MappingError(name, "variable is both mapped and not_asked", "not_asked", var)
    if len(set(not_asked)) != len(not_asked):
        dup = next(v for v in not_asked if not_asked.count(v) > 1)
        raise MappingError(name, "variable listed twice", "not_asked", dup)
    out["not_asked"] = list(not_asked)

    for var in variables:
        if var in ADMIN_DERIVED:
            continue
        if var not in out["variables"] and var not in out["not_asked"]:
            raise MappingError(
                name,
                "codebook variable is neither in 'variables' nor in 'not_asked'",
                f"variables.{var}",
            )

    # Routing: a filtered question can only be asked when the questions that
    # route to it were asked too.
    for var, alternatives in codebook.FILTERS.items():
        if var in out["variables"]:
            for condition in alternatives:
                for cond_var in condition:
                    if cond_var not in out["variables"]:
                        raise MappingError(
                            name,
                            f"filter question is mapped but its filter variable "
                            f"{cond_var!r} is not_asked",
                            f"variables.{var}",
                        )

    drop = mapping.get("drop") or {}
    if not isinstance(drop, dict):
        raise MappingError(name, "must be a dictionary 'source variable: reason'", "drop")
    for src, reason in drop.items():
        if not isinstance(reason, str) or not reason.strip():
            raise MappingError(name, "every dropped variable needs a reason", f"drop.{src}")
        if src in used or src == out["id"]:
            what = f"mapped to {used[src]!r}" if src in used else "the id variable"
            raise MappingError(name, f"variable is both dropped and {what}", f"drop.{src}")
    out["drop"] = dict(drop)

    exclude = mapping.get("exclude") or []
    if not isinstance(exclude, list):
        raise MappingError(name, "must be a list of rules", "exclude")
    out["exclude"] = []
    for i, rule in enumerate(exclude):
        key = f"exclude[{i}]"
        if not isinstance(rule, dict) or set(rule) != {"source", "equals", "reason"}:
            raise MappingError(name, "a rule has exactly the keys source, equals, reason", key)
        if not isinstance(rule["reason"], str) or not rule["reason"].strip():
            raise MappingError(name, "the reason must be a non-empty text", f"{key}.reason")
        if _norm(rule["equals"]) is None:
            raise MappingError(name, "cannot exclude on a missing value", f"{key}.equals")
        out["exclude"].append(
            {"source": rule["source"], "equals": _norm(rule["equals"]), "reason": rule["reason"]}
        )
    return out


def _validate_recruitment(spec, design, name):
    codes = _categorical_codes("recruitment")
    if not isinstance(spec, dict) or not (
        set(spec) == {"value"} or ("source" in spec and set(spec) <= {"source", "recode"})
    ):
        raise MappingError(
            name, "use either {value: code} or {source: variable, recode: {...}}", "recruitment"
        )
    if "value" in spec:
        value = spec["value"]
        if value not in codes:
            raise MappingError(
                name, "not a recruitment code of the codebook", "recruitment.value", value
            )
        if DESIGNS[design] is not None and value != DESIGNS[design]:
            raise MappingError(
                name,
                f"contradicts design {design!r} (expected {DESIGNS[design]})",
                "recruitment.value",
                value,
            )
        return {"value": value}
    recode = spec.get("recode")
    if recode is not None:
        if not isinstance(recode, dict):
            raise MappingError(name, "must be a dictionary", "recruitment.recode")
        for src, target in recode.items():
            if target not in codes:
                raise MappingError(
                    name,
                    "recode target is not a recruitment code",
                    f"recruitment.recode.{src}",
                    target,
                )
        recode = {_norm(k): v for k, v in recode.items()}
    return {"source": spec["source"], "recode": recode}


def _validate_spec(spec, var, var_book, name):  # noqa: C901 - cut up with the harmonise split
    key = f"variables.{var}"
    if not isinstance(spec, dict) or "source" not in spec:
        raise MappingError(name, "needs at least a 'source'", key)
    unknown = sorted(set(spec) - _SPEC_KEYS)
    if unknown:
        raise MappingError(name, "unknown key in a variable spec", f"{key}.{unknown[0]}")
    kind = var_book["kind"]
    out = {"source": spec["source"]}

    recode = spec.get("recode")
    if recode is not None:
        if kind != "categorical":
            raise MappingError(
                name,
                f"recode is only allowed for categorical variables ({var} is {kind})",
                f"{key}.recode",
            )
        if not isinstance(recode, dict) or not recode:
            raise MappingError(name, "must be a non-empty dictionary", f"{key}.recode")
        valid = _categorical_codes(var)
        for src, target in recode.items():
            if target not in valid:
                raise MappingError(
                    name,
                    f"recode target outside the codebook's value labels "
                    f"{sorted(valid)} (missing codes go under 'missing')",
                    f"{key}.recode.{src}",
                    target,
                )
        out["recode"] = _normalised_keys(recode, f"{key}.recode", name)

    missing = spec.get("missing")
    if missing is not None:
        if not isinstance(missing, dict) or not missing:
            raise MappingError(name, "must be a non-empty dictionary", f"{key}.missing")
        for src, target in missing.items():
            if not isinstance(target, int) or not (
                codebook.MISSING_LOW <= target <= codebook.MISSING_HIGH
            ):
                raise MappingError(
                    name, "missing target outside 96-99", f"{key}.missing.{src}", target
                )
        out["missing"] = _normalised_keys(missing, f"{key}.missing", name)
        overlap = set(out["missing"]) & set(out.get("recode", {}))
        if overlap:
            raise MappingError(
                name,
                "source code is both recoded and missing",
                f"{key}.missing",
                sorted(overlap, key=str)[0],
            )

    fmt = spec.get("format")
    if fmt is not None:
        if kind != "date":
            raise MappingError(
                name, "format is only allowed for date variables", f"{key}.format", fmt
            )
        if not isinstance(fmt, str) or "%" not in fmt:
            raise MappingError(
                name, "must be a strptime format such as '%d/%m/%Y'", f"{key}.format", fmt
            )
        out["format"] = fmt

    label = spec.get("label")
    if label is not None:
        if not isinstance(label, str) or not label.strip():
            raise MappingError(
                name,
                "must be the expected SPSS variable label (non-empty text)",
                f"{key}.label",
                label,
            )
        out["label"] = label
    return out


def _normalised_keys(mapping, key, name):
    out = {}
    for src, target in mapping.items():
        norm = _norm(src)
        if norm is None:
            raise MappingError(
                name,
                "a missing value cannot be a source code (system-missing is handled automatically)",
                key,
                src,
            )
        if norm in out:
            raise MappingError(name, "source code listed twice", key, src)
        out[norm] = target
    return out


def load_mapping(path):
    """Read and validate one harmonisation mapping.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``data/mappings/gemeente_x.yaml`` file.

    Returns
    -------
    dict
        The validated mapping (see :func:`validate_mapping`).

    Raises
    ------
    MappingError
        If the file cannot be parsed or does not fit the codebook; the message
        names the mapping file and the offending key.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise MappingError(path.name, f"cannot be read ({exc})") from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise MappingError(
            path.name,
            f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} on line "
            f"{line}, probably an accented letter saved "
            f"as Windows-1252); save the mapping as UTF-8",
        ) from None
    try:
        raw = _load_yaml(text)
    except _DuplicateKeyError as exc:
        raise MappingError(
            path.name,
            f"key listed twice (line {exc.line}); YAML would keep only the last one",
            exc.key,
        ) from None
    except yaml.YAMLError as exc:
        raise MappingError(path.name, f"cannot be read as YAML ({exc})") from exc
    return validate_mapping(raw, path.name)


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key, line):
        super().__init__(f"duplicate key {key!r} on line {line}")
        self.key, self.line = key, line


class _UniqueKeys:
    """Mixin for a safe YAML loader: refuse a key listed twice in one dictionary.

    PyYAML silently keeps the last of two equal keys, so a variable listed
    twice in a mapping would lose its first spec without notice.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable key: let PyYAML report it
                continue
            if duplicate:
                raise _DuplicateKeyError(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """The pure-Python safe loader, refusing duplicate keys."""


#: The same with libyaml's parser (several times faster), where available.
_FastUniqueKeyLoader = (
    type("_FastUniqueKeyLoader", (_UniqueKeys, yaml.CSafeLoader), {})
    if getattr(yaml, "__with_libyaml__", False)
    else None
)


#: Characters that send a mapping's text to PyYAML's own parser (see
#: :func:`_load_yaml`).
_YAML_SLOW_PATH = re.compile(r"[\t?]")


def _load_yaml(text):
    """Parse a mapping's text as :class:`_UniqueKeyLoader` does, but faster.

    libyaml parses a well-formed mapping to the same data as PyYAML's own
    parser. Text with a character where the two are known to differ (libyaml
    accepts some tabs and some ``?`` in flow collections that PyYAML refuses;
    characters PyYAML's reader refuses), and any text libyaml cannot parse,
    go to the pure-Python loader, so that what is accepted, and every error
    message, is exactly PyYAML's.
    """
    if (
        _FastUniqueKeyLoader is not None
        and not _YAML_SLOW_PATH.search(text)
        and not yaml.reader.Reader.NON_PRINTABLE.search(text)
    ):
        try:
            return yaml.load(text, Loader=_FastUniqueKeyLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError:
            pass  # parse again below for PyYAML's own error
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader


# --------------------------------------------------------------------------
# harmonising one file
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
    return {_norm(code): label for code, label in labels.items()}


class _Values:
    """A source column seen through its distinct values.

    Every distinct value is normalised (:func:`_norm`) once instead of once per
    row, and checks and translations are made per distinct value and then
    spread over the rows with ``codes``. Distinct values are in order of first
    appearance, so "the first distinct value that fails" is the value of the
    first row that fails. Missing values (NaN, None, NaT) share one extra slot
    at the end (value ``None``).

    Parameters
    ----------
    col : pandas.Series
        A source column.
    """

    def __init__(self, col):
        self.col = col
        if isinstance(col.dtype, np.dtype) and col.dtype.kind == "f":
            # Numbers, as pyreadstat returns every numeric variable: their
            # _norm is int when integral, else the float itself.
            codes, uniques = pd.factorize(col.to_numpy(), use_na_sentinel=True)
            values = uniques.tolist()
            norms = [int(v) if v.is_integer() else v for v in values]
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            values = list(uniques)
            norms = [_norm(v) for v in values]
        n = len(values)
        #: Position of each row's distinct value in :attr:`values`.
        self.codes = np.where(codes < 0, n, codes).astype(np.intp, copy=False)
        #: Distinct values, then ``None`` for the missing values.
        self.values = values + [None]
        #: :func:`_norm` of each distinct value.
        self.norms = norms + [None]

    def spread(self, per_value, dtype=None):
        """Per-row array from one entry per distinct value (:attr:`values`)."""
        return np.asarray(per_value, dtype=dtype)[self.codes]

    def rows(self, predicate):
        """Boolean row mask: ``predicate(norm)`` of each row's distinct value."""
        return self.spread([bool(predicate(n)) for n in self.norms], dtype=bool)

    def rows_equal(self, norm):
        """Rows whose normalised value equals ``norm`` (as ``_norm(v) == norm``)."""
        return self.rows(lambda n: n == norm)

    def value_at(self, position):
        """The row's value as iterating the column gives it (a Python scalar)."""
        return self.col.iloc[position : position + 1].tolist()[0]


def _first(mask):
    """Position of the first True of a boolean array."""
    return int(np.argmax(mask))


def _check_missing_like_labels(
    col, meta, spec, var, kind, ids, file_name, values=None, labels=None
):
    """A value the file labels "weet niet", "geen antwoord", ... must be missing.

    Catches a missing-value code that the file does not declare user-missing
    (or whose declaration got lost) and that the mapping would otherwise take
    as a real answer: an identity-coded item, a ``recode`` key, or a number
    (an age of 99 meaning "no answer"). ``labels``: the file's value labels of
    the variable (:func:`_file_value_labels`), if already at hand.
    """
    if labels is None:
        labels = _file_value_labels(meta, spec["source"])
    if not labels:
        return
    missing = spec.get("missing", {})
    recode = spec.get("recode")
    valid = _categorical_codes(var) if kind == "categorical" else None
    for code, label in labels.items():
        if code is None or code in missing or not MISSING_LIKE_LABEL.search(str(label)):
            continue
        if kind == "categorical":
            used_as_answer = code in recode if recode is not None else code in valid
        else:
            used_as_answer = True
        if not used_as_answer:
            continue  # an unmapped value is refused anyway where it occurs
        if values is None:
            values = _Values(col)
        hits = values.rows_equal(code)
        if hits.any():
            first = ids.iloc[_first(hits)]
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
                f"{first}); list it under 'missing' in the mapping",
                spec["source"],
                _show(code),
            )


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
    norm = _norm(value)
    if norm is None:
        raise DeliveryError(
            file_name,
            f"respondent id is empty in row {row} of the file "
            "(every respondent needs a unique whole-number id)",
            src,
        )
    if not isinstance(norm, int) or isinstance(norm, bool):
        raise DeliveryError(file_name, "respondent id must be an integer", src, _show(value))
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
        values = _Values(col)
        ok = [_id_ok(n) for n in values.norms]
        bad = ~values.spread(ok, dtype=bool)
        ids = values.spread([n if good else 0 for n, good in zip(values.norms, ok)], dtype="int64")
    if bad.any():
        row = _first(bad)
        _check_id(col.iloc[row : row + 1].tolist()[0], row + 1, src, file_name)
        raise AssertionError("unreachable: the id check must fail")  # pragma: no cover
    ids = pd.Series(ids, index=df.index, dtype="int64")
    duplicated = ids.duplicated()
    if duplicated.any():
        raise DeliveryError(
            file_name, "duplicate respondent id", src, int(ids.iloc[_first(duplicated.to_numpy())])
        )
    return ids


def _resp_ids(letter, ids):
    """``resp_id`` per row: the letter plus the id zero-padded to at least 4 digits."""
    return [f"{letter}{i:04d}" for i in ids.tolist()]


def _check_declared_missing(df, meta, spec, file_name):
    """The file's own user-missing codes must be covered by ``missing``."""
    src = spec["source"]
    ranges = (getattr(meta, "missing_ranges", None) or {}).get(src, [])
    declared = set(spec.get("missing", {}))
    recode = spec.get("recode") or {}
    values = None
    for rng in ranges:
        lo, hi = _norm(rng.get("lo")), _norm(rng.get("hi"))
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
            values = _Values(df[src])
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


def _harmonise_categorical(col, var, spec, ids, file_name, file_labels=None, values=None):
    file_labels = file_labels or {}
    recode = spec.get("recode")
    missing = spec.get("missing", {})
    valid = _categorical_codes(var)
    src = spec["source"]
    values = values if values is not None else _Values(col)
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
            first = ids.iloc[_first(hits)]
            allowed = "a recode key" if recode is not None else f"a codebook code {sorted(valid)}"
            file_label = file_labels.get(norm)
            labelled = f"; the file labels it {file_label!r}" if file_label else ""
            raise DeliveryError(
                file_name,
                f"value is neither {allowed} nor a declared missing code "
                f"(harmonised variable {var!r}, {int(hits.sum())} respondent(s), first at "
                f"source id {first}{labelled})",
                src,
                _show(value),
            )
    if var not in codebook.FILTERS:
        # A group may declare its "not applicable" code on every item; it must
        # not occur in a question without routing.
        for norm, code in lookup.items():
            if code == codebook.NOT_APPLICABLE:
                first = ids.iloc[_first(values.rows_equal(norm))]
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
    norm = _norm(value)
    if norm is None or norm in missing:
        return np.nan
    if isinstance(norm, str):
        try:
            norm = float(norm.replace(",", "."))
        except ValueError:
            raise DeliveryError(
                file_name, f"{var} must be numeric (source id {rid})", src, _show(value)
            ) from None
    if not float(norm).is_integer():
        raise DeliveryError(
            file_name, f"{var} must be a whole number (source id {rid})", src, _show(value)
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
        row = _first(values.spread(bad, dtype=bool))
        convert(values.value_at(row), ids.iloc[row])
        raise AssertionError("unreachable: the conversion must fail")  # pragma: no cover
    return out


def _harmonise_numeric(col, var, spec, ids, file_name, values=None):
    missing = spec.get("missing", {})
    src = spec["source"]
    values = values if values is not None else _Values(col)
    out = _per_value(
        values, lambda value, rid: _numeric_value(value, rid, var, src, missing, file_name), ids
    )
    return values.spread(out, dtype="float64")


def _date_value(value, rid, var, src, missing, fmt, file_name):
    """One date source value as Timestamp (NaT when missing), or a DeliveryError."""
    if _is_missing(value) or _norm(value) in missing:
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
        try:
            return pd.Timestamp(dt.datetime.strptime(value.strip(), fmt))
        except ValueError:
            raise DeliveryError(
                file_name,
                f"{var} does not match format {fmt!r} (source id {rid})",
                src,
                value,
            ) from None
    raise DeliveryError(
        file_name,
        f"{var} is neither an SPSS date nor text with a 'format' (source id {rid})",
        src,
        _show(value),
    )


def _harmonise_date(col, var, spec, ids, file_name, values=None):
    missing = spec.get("missing", {})
    fmt = spec.get("format")
    src = spec["source"]
    values = values if values is not None else _Values(col)
    out = _per_value(
        values, lambda value, rid: _date_value(value, rid, var, src, missing, fmt, file_name), ids
    )
    days = np.asarray(pd.to_datetime(out).astype("datetime64[s]"))
    return days[values.codes]


def _recruitment(df, spec, ids, file_name):
    if "value" in spec:
        return np.full(len(df), spec["value"], dtype="int64")
    src = spec["source"]
    col = _source_column(df, src, file_name, "recruitment")
    valid = _categorical_codes("recruitment")
    values = _Values(col)
    out = [spec["recode"].get(n) if spec["recode"] is not None else n for n in values.norms]
    bad = values.spread([code not in valid for code in out], dtype=bool)
    if bad.any():
        row = _first(bad)
        raise DeliveryError(
            file_name,
            f"recruitment value not in the mapping's recode (source id {ids.iloc[row]})",
            src,
            _show(values.value_at(row)),
        )
    return values.spread([c if c in valid else 0 for c in out], dtype="int64")


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
            i = _first(wrong)
            raise DeliveryError(
                file_name,
                f"answer given where the question does not apply "
                f"(asked only if {_describe(alternatives)}; source id {ids.iloc[i]})",
                src,
                _show(source_values[var].iloc[i]),
            )
        na_given = applies & (values == codebook.NOT_APPLICABLE)
        if na_given.any():
            i = _first(na_given)
            raise DeliveryError(
                file_name,
                f"coded 'not applicable' although the routing asks the "
                f"question (source id {ids.iloc[i]})",
                src,
                _show(source_values[var].iloc[i]),
            )
        result[var] = np.where(applies, values, codebook.NOT_APPLICABLE).astype("int64")


def harmonise_file(  # noqa: C901, PLR0915 - cut up with the harmonise split
    df, meta, mapping, file_name
):
    """Harmonise one delivery with its mapping.

    Parameters
    ----------
    df : pandas.DataFrame
        The source file as read by :func:`helpers.data.sav.read_sav` (codes, user-
        missing codes kept).
    meta : pyreadstat.metadata_container or None
        Its metadata; ``meta.missing_ranges`` is checked against the mapping.
    mapping : dict
        The file's mapping (validated with :func:`validate_mapping` if it was
        not already).
    file_name : str
        Name of the source file, for error messages and the log.

    Returns
    -------
    harmonised : pandas.DataFrame
        The codebook's columns in codebook order, one row per retained
        respondent, in source order (index reset).
    log : dict
        ``file``, ``municipality``, ``design``, ``rows_read``,
        ``rows_written``, ``rows_excluded`` and ``excluded``
        (``{reason: count}``, in order of first use).

    Raises
    ------
    DeliveryError
        Naming the file, the source variable and the offending value.
    """
    mapping = validate_mapping(mapping, f"mapping of {file_name}")
    book_vars = codebook.load_codebook()["variables"]
    df = df.reset_index(drop=True)
    specs = mapping["variables"]

    # 0. The file as a whole.
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

    # 1. Every source variable must be accounted for, and vice versa. Names
    #    the mapping gives but the file lacks come first: a typo in the
    #    mapping then shows as itself, not as the real variable being unknown.
    for var, spec in specs.items():
        _source_column(df, spec["source"], file_name, f"source of {var!r}", extract=False)
    _source_column(df, mapping["id"], file_name, "id", extract=False)
    for src in mapping["drop"]:
        _source_column(df, src, file_name, "dropped", extract=False)
    known = {mapping["id"], *mapping["drop"], *(r["source"] for r in mapping["exclude"])}
    known |= {spec["source"] for spec in specs.values()}
    if "source" in mapping["recruitment"]:
        known.add(mapping["recruitment"]["source"])
    for column in df.columns:
        if column not in known:
            label = (getattr(meta, "column_names_to_labels", None) or {}).get(column)
            labelled = f" (label {label!r})" if label else ""
            raise DeliveryError(
                file_name,
                f"variable{labelled} not in the mapping: map it under "
                f"'variables' or list it under 'drop' with a reason",
                column,
            )

    ids = _ids(df, mapping, file_name)

    # 2. Row exclusions from the mapping (before value checks: test entries
    #    need not hold valid answers). The first matching rule wins.
    excluded = {}
    keep = np.ones(len(df), dtype=bool)
    for rule in mapping["exclude"]:
        col = _source_column(df, rule["source"], file_name, "exclusion")
        hit = keep & _Values(col).rows_equal(rule["equals"])
        if hit.any():
            excluded[rule["reason"]] = excluded.get(rule["reason"], 0) + int(hit.sum())
            keep &= ~hit
    rows = df.loc[keep]
    rows_ids = ids[keep]

    # 3. Values: one array per variable (the frame is built once, at the end).
    result = {}
    source_values = {}
    for var, var_book in book_vars.items():
        kind = var_book["kind"]
        if var == "resp_id":
            letter = municipality_id_prefix(mapping["municipality"])
            result[var] = _resp_ids(letter, rows_ids)  # a list of str
        elif var == "municipality":
            result[var] = np.full(len(rows), mapping["municipality"], dtype="int64")
        elif var == "recruitment":
            result[var] = _recruitment(rows, mapping["recruitment"], rows_ids, file_name)
        elif var in mapping["not_asked"]:
            if kind == "categorical":
                result[var] = np.full(len(rows), codebook.NOT_ASKED, dtype="int64")
            elif kind == "date":
                result[var] = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[s]")
            else:
                result[var] = np.full(len(rows), np.nan, dtype="float64")
        else:
            spec = specs[var]
            col = rows[spec["source"]]
            source_values[var] = col
            values = _Values(col)
            labels = _file_value_labels(meta, spec["source"])
            _check_declared_missing(df, meta, spec, file_name)
            _check_variable_label(meta, spec, var, file_name)
            _check_missing_like_labels(
                col, meta, spec, var, kind, rows_ids, file_name, values, labels
            )
            if kind == "categorical":
                result[var] = _harmonise_categorical(
                    col, var, spec, rows_ids, file_name, labels, values
                )
            elif kind == "numeric":
                result[var] = _harmonise_numeric(col, var, spec, rows_ids, file_name, values)
            elif kind == "date":
                result[var] = _harmonise_date(col, var, spec, rows_ids, file_name, values)
            else:  # pragma: no cover - codebook kinds are fixed
                raise ValueError(f"unknown kind {kind!r} of {var!r} in the codebook")

    # 4. Routing.
    _apply_routing(result, specs, source_values, rows_ids, file_name)

    # 5. Rows without any substantive answer.
    empty = _all_missing(result, len(rows))
    if empty.any():
        excluded[REASON_ALL_MISSING] = excluded.get(REASON_ALL_MISSING, 0) + int(empty.sum())
    left = ~empty

    if not left.any():
        reasons = "; ".join(f"{r} ({n})" for r, n in excluded.items())
        raise DeliveryError(
            file_name,
            f"no respondent is left after the exclusions ({reasons}): the file "
            f"would silently drop out of the merged survey",
        )

    result = pd.DataFrame(
        {
            var: (
                pd.Series([r for r, keep_row in zip(column, left) if keep_row], dtype="str")
                if var == "resp_id"
                else column[left]
            )
            for var, column in result.items()
        }
    )
    log = {
        "file": file_name,
        "municipality": mapping["municipality"],
        "design": mapping["design"],
        "rows_read": len(df),
        "rows_written": len(result),
        "rows_excluded": sum(excluded.values()),
        "excluded": excluded,
    }
    return result, log


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


# --------------------------------------------------------------------------
# merging
# --------------------------------------------------------------------------

MERGE_LOG_COLUMNS = [
    "file",
    "municipality",
    "design",
    "rows_read",
    "rows_written",
    "rows_excluded",
    "reason",
]


def _format_reasons(excluded):
    return "; ".join(f"{reason} ({count})" for reason, count in excluded.items())


def load_mappings(mappings_dir):
    """Read every mapping of a folder and check they fit together.

    Parameters
    ----------
    mappings_dir : str or pathlib.Path
        Folder with one ``*.yaml`` mapping per raw file.

    Returns
    -------
    list of dict
        Validated mappings, sorted by municipality code.

    Raises
    ------
    MappingError
        If the folder holds no mapping, or two mappings share a municipality
        or a file.
    """
    mappings_dir = Path(mappings_dir)
    paths = sorted(p for p in mappings_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml"))
    if not paths:
        raise MappingError(str(mappings_dir), "no mapping (*.yaml) found in the mappings folder")
    mappings, by_muni, by_file = [], {}, {}
    for path in paths:
        mapping = load_mapping(path)
        mapping["_mapping_file"] = path.name
        muni, file = mapping["municipality"], mapping["file"]
        if muni in by_muni:
            raise MappingError(
                path.name, f"municipality already mapped by {by_muni[muni]!r}", "municipality", muni
            )
        if file.lower() in by_file:
            raise MappingError(
                path.name, f"file already mapped by {by_file[file.lower()]!r}", "file", file
            )
        by_muni[muni] = by_file[file.lower()] = path.name
        mappings.append(mapping)
    return sorted(mappings, key=lambda m: m["municipality"])


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
        If the file is empty, not an SPSS system file (with a guess at what
        it is), truncated, or its text does not fit its declared encoding.
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        raise DeliveryError(
            path.name,
            "file is empty (0 bytes): the upload or copy went wrong; deliver the file again",
        )
    with open(path, "rb") as fh:
        head = fh.read(4096)
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
        raise


def scan_raw_folder(raw_dir, mappings):
    """Match the raw folder's files to the mappings.

    Parameters
    ----------
    raw_dir : pathlib.Path
        Folder with the raw deliveries.
    mappings : list of dict
        Validated mappings (:func:`load_mappings`).

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
        If two files differ only in case, an SPSS file (``.sav``, ``.zsav``,
        ``.por``) has no mapping, or a mapping's file is absent.
    """
    mapped = {m["file"].lower(): m for m in mappings}
    present, decisions, by_lower = {}, [], {}
    for entry in sorted(raw_dir.iterdir(), key=lambda p: p.name):
        lower = entry.name.lower()
        if lower in by_lower:
            raise DeliveryError(
                entry.name,
                f"two files in the raw folder whose names differ only in case "
                f"({by_lower[lower]!r} and {entry.name!r}): which one is the delivery? Keep "
                f"one",
            )
        by_lower[lower] = entry.name
        if entry.is_dir():
            decisions.append({"file": entry.name + "/", "decision": DECISION_IGNORED_FOLDER})
        elif entry.suffix.lower() == ".sav":
            present[lower] = entry
        elif entry.suffix.lower() in SPSS_SUFFIXES:
            raise DeliveryError(
                entry.name,
                f"SPSS file of type {entry.suffix!r} in the raw folder: deliveries "
                f"must be .sav files named by a mapping (save it as .sav, or move it out)",
            )
        else:
            decisions.append({"file": entry.name, "decision": DECISION_IGNORED})
    extra = sorted(set(present) - set(mapped))
    if extra:
        raise DeliveryError(
            present[extra[0]].name,
            "unexpected .sav file in the raw folder: no mapping names it "
            "(a second file for one municipality? add a mapping or move it out)",
        )
    for mapping in mappings:
        if mapping["file"].lower() not in present:
            raise DeliveryError(
                mapping["file"],
                f"file named in mapping {mapping['_mapping_file']!r} "
                f"not found in {raw_dir}: every municipality's file must be present, the "
                f"published figures include all of them",
            )
    return present, decisions


def merge_deliveries(raw_dir, mappings_dir):
    """Harmonise every raw delivery and stack them.

    Parameters
    ----------
    raw_dir : str or pathlib.Path
        Folder with the raw ``.sav`` files.
    mappings_dir : str or pathlib.Path
        Folder with one mapping per raw file.

    Returns
    -------
    merged : pandas.DataFrame
        The codebook's columns in codebook order; rows ordered by municipality,
        then source order.
    merge_log : pandas.DataFrame
        One row per file with :data:`MERGE_LOG_COLUMNS`; ``reason`` lists each
        exclusion reason with its count (``"reason (n); ..."``), empty when no
        row was excluded.

        ``merge_log.attrs["decisions"]`` lists the entries of ``raw_dir``
        that were not read (:func:`scan_raw_folder`);
        ``merge_log.attrs["source_variables"]`` maps each municipality code
        to ``{harmonised variable: source variable}``.

    Raises
    ------
    DeliveryError
        If a file is faulty, a mapping's file is absent, or a ``.sav`` in
        ``raw_dir`` has no mapping.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise DeliveryError(str(raw_dir), "raw data folder not found")
    mappings = load_mappings(mappings_dir)
    present, decisions = scan_raw_folder(raw_dir, mappings)

    frames, logs = [], []
    for mapping in mappings:
        path = present[mapping["file"].lower()]
        df, meta = read_delivery(path)
        harmonised, log = harmonise_file(df, meta, mapping, path.name)
        assert log["rows_read"] == log["rows_written"] + log["rows_excluded"], log
        frames.append(harmonised)
        logs.append(
            {
                **{k: log[k] for k in MERGE_LOG_COLUMNS[:-1]},
                "reason": _format_reasons(log["excluded"]),
            }
        )

    merged = pd.concat(frames, ignore_index=True)
    merge_log = pd.DataFrame(logs, columns=MERGE_LOG_COLUMNS)
    assert merge_log["rows_read"].sum() == (
        merge_log["rows_written"].sum() + merge_log["rows_excluded"].sum()
    )
    assert len(merged) == merge_log["rows_written"].sum()
    # Not part of the CSV: entries of the raw folder that were not read, and
    # where each harmonised variable came from (for schema error messages).
    merge_log.attrs["decisions"] = decisions
    merge_log.attrs["source_variables"] = {
        m["municipality"]: {var: spec["source"] for var, spec in m["variables"].items()}
        for m in mappings
    }
    merge_log.attrs["id_variables"] = {m["municipality"]: m["id"] for m in mappings}
    return merged, merge_log
