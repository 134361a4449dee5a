"""Validation of the merged survey against the codebook (pandera).

The schema is built from ``codebook.yaml``, so a new variable or value label
needs no change here:

* ``resp_id``: text, unique, a municipality letter plus at least four digits
  (the source id zero-padded to four) or plus a hyphen and a text id
  (``J-R_1a2B3c``, from an online survey), the letter matching
  ``municipality``;
* categorical variables: whole numbers within the value labels plus the
  missing codes 96-99 (``municipality`` 1-10 and ``recruitment`` without
  missing codes: the pipeline always knows them);
* ``age``: 16-100 or system-missing; ``interview_date``: within the
  codebook's ``min``/``max`` or system-missing;
* routing: a filter question is 96 exactly where it does not apply.

A failure raises :class:`SurveySchemaError`, which names the variable, the
offending values, their ``resp_id`` and the raw file they came from.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from helpers.data import codebook
from helpers.data.errors import DeliveryError

#: ``resp_id``: the municipality letter and the source id, zero-padded to four
#: digits, or a hyphen and a text id (see :mod:`helpers.data.harmonise`).
RESP_ID_PATTERN = r"^[A-J](?:\d{4,}|-[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$"
#: Variables that take no missing codes.
NO_MISSING_CODES = ("municipality", "recruitment")
_MAX_SHOWN = 10


class SurveySchemaError(DeliveryError):
    """The merged survey violates the codebook schema.

    ``file`` names the raw file(s) the offending rows came from, ``variable``
    the first failing variable and ``value`` its offending values; the message
    lists every failure with ``resp_id`` and file.
    """

    def __init__(self, message, file, variable=None, value=None):
        super().__init__(file, message, variable=variable, value=value)
        self.args = (message,)

    def __str__(self):
        return self.args[0]


def allowed_codes(name):
    """Codes a categorical variable may take in the processed file.

    Parameters
    ----------
    name : str
        Harmonised categorical variable.

    Returns
    -------
    list of int
        Value-label codes, plus 96-99 unless the variable is in
        :data:`NO_MISSING_CODES`.
    """
    codes = list(codebook.value_labels(name))
    if name not in NO_MISSING_CODES:
        codes += list(range(codebook.MISSING_LOW, codebook.MISSING_HIGH + 1))
    return codes


def _routing_check(var, alternatives):
    def check(df):
        if (df[var] == codebook.NOT_ASKED).all():
            return pd.Series(True, index=df.index)
        applies = pd.Series(False, index=df.index)
        for condition in alternatives:
            holds = pd.Series(True, index=df.index)
            for cond_var, codes in condition.items():
                holds &= df[cond_var].isin(codes)
            applies |= holds
        not_asked = df[var] == codebook.NOT_ASKED
        return not_asked | (applies == (df[var] != codebook.NOT_APPLICABLE))

    return pa.Check(
        check,
        name=f"routing_{var}",
        error=f"{var} must be 96 exactly where routing {alternatives} does not apply",
    )


def _letter_check(df):
    # One chr() per distinct municipality code, not per row.
    codes = df["municipality"]
    letters = codes.map({c: chr(ord("A") + int(c) - 1) for c in pd.unique(codes)})
    return df["resp_id"].str[0] == letters


def survey_schema():
    """Build the pandera schema of the merged survey from the codebook.

    Returns
    -------
    pandera.pandas.DataFrameSchema
    """
    columns = {}
    for name, spec in codebook.load_codebook()["variables"].items():
        kind = spec["kind"]
        if kind == "id":
            columns[name] = pa.Column(
                str, checks=pa.Check.str_matches(RESP_ID_PATTERN), unique=True
            )
        elif kind == "categorical":
            columns[name] = pa.Column(
                "int64", checks=pa.Check.isin(allowed_codes(name)), coerce=True
            )
        elif kind == "numeric":
            columns[name] = pa.Column(
                "float64",
                checks=pa.Check.in_range(spec["min"], spec["max"]),
                nullable=True,
                coerce=True,
            )
        elif kind == "date":
            columns[name] = pa.Column(
                "datetime64[s]",
                checks=pa.Check.in_range(pd.Timestamp(spec["min"]), pd.Timestamp(spec["max"])),
                nullable=True,
                coerce=True,
            )
        else:  # pragma: no cover
            raise ValueError(f"unknown kind {kind!r} of {name!r} in the codebook")
    checks = [
        pa.Check(
            _letter_check, name="resp_id_letter", error="resp_id letter must match municipality"
        )
    ]
    checks += [_routing_check(v, alt) for v, alt in codebook.FILTERS.items()]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, coerce=False)


@lru_cache(maxsize=1)
def _schema():
    """:func:`survey_schema`, built once (the codebook it reads is cached too)."""
    return survey_schema()


def _origin(df, index, source_files):
    """resp_id and raw file of row ``index`` of ``df``."""
    if index is None or pd.isna(index) or index not in df.index:
        return None, None
    row = df.loc[index]
    resp_id = row.get("resp_id")
    muni = row.get("municipality")
    file = None
    if source_files and muni is not None and not pd.isna(muni):
        file = source_files.get(int(muni))
    if file is None and isinstance(resp_id, str) and resp_id:
        file = f"gemeente_{resp_id[0].lower()}.sav"
    return resp_id, file


def _range_hint(name, check):
    """Where a plausibility range is set, for a failed range check."""
    spec = codebook.load_codebook()["variables"].get(name) or {}
    if not str(check).startswith("in_range") or "min" not in spec:
        return ""
    return (
        f" (the plausibility range is set as min/max of variables.{name} in "
        f"{codebook.CODEBOOK_FILE}; change it there if these values are right)"
    )


def _source_id(resp_id):
    """``", source id 7"`` for ``A0007``, ``", source id R_1a"`` for ``J-R_1a``."""
    if resp_id[1:].isdigit():
        return f", source id {int(resp_id[1:])}"
    if resp_id[1:2] == "-":
        return f", source id {resp_id[2:]}"
    return ""


def _shown(value):
    """A failing value as a student would recognise it (250, not 250.0)."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return _shown(value.item())
    return value


def _source_names(name, df, indexes, source_files, source_variables):
    """``'V2' in gemeente_b.sav`` for the rows of a failing variable."""
    if not source_variables or name not in df.columns:
        return ""
    found = []
    for index in indexes:
        if index is None or pd.isna(index) or index not in df.index:
            continue
        muni = df.loc[index].get("municipality")
        if muni is None or pd.isna(muni):
            continue
        src = (source_variables.get(int(muni)) or {}).get(name)
        file = (source_files or {}).get(int(muni), f"gemeente_{chr(ord('a') + int(muni) - 1)}.sav")
        if src is not None and (src, file) not in found:
            found.append((src, file))
    if not found:
        return ""
    return " (source variable " + ", ".join(f"{s!r} in {f}" for s, f in found) + ")"


def validate_survey(df, source_files=None, source_variables=None):
    """Validate the merged survey against the codebook.

    Parameters
    ----------
    df : pandas.DataFrame
        The merged survey (codes), codebook columns in codebook order.
    source_files : dict, optional
        ``{municipality code: raw file name}`` so that errors name the file;
        by default the file is guessed from the resp_id letter
        (``gemeente_x.sav``).
    source_variables : dict, optional
        ``{municipality code: {harmonised variable: source variable}}`` (as
        in ``merge_log.attrs["source_variables"]``), so that errors also name
        the variable as the delivering group called it.

    Returns
    -------
    pandas.DataFrame
        The validated (type-coerced) frame.

    Raises
    ------
    SurveySchemaError
        Naming each failing variable, its offending values, their resp_id and
        their raw file.
    """
    try:
        return _schema().validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines, files = [], set()
        first_var = first_values = None
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
            values = [_shown(v) for v in group["failure_case"].tolist()][:_MAX_SHOWN]
            origins = []
            indexes = group["index"].tolist()[:_MAX_SHOWN]
            for index in indexes:
                resp_id, file = _origin(df, index, source_files)
                if resp_id is not None:
                    source_id = _source_id(resp_id)
                    origins.append(f"{resp_id} ({file}{source_id})")
                    files.add(file)
            more = f" and {len(group) - _MAX_SHOWN} more" if len(group) > _MAX_SHOWN else ""
            where = f"; rows: {', '.join(origins)}" if origins else ""
            name = column if isinstance(column, str) else "<table>"
            source = _source_names(name, df, indexes, source_files, source_variables)
            hint = _range_hint(name, check)
            lines.append(
                f"  variable {name!r}{source} fails {check}: values {values}{more}{where}{hint}"
            )
            if first_var is None:
                first_var, first_values = name, values
        file = ", ".join(sorted(f for f in files if f)) or "merged survey"
        message = f"merged survey fails the codebook schema (file {file}):\n" + "\n".join(lines)
        raise SurveySchemaError(message, file, first_var, first_values) from None
