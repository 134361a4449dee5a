"""Harmonisation mappings: read the YAML files and check them against the codebook.

Each raw file comes with a declarative mapping (``data/mappings/*.yaml``, format
in ``data/mappings/README.md``) that says, per harmonised variable of the
codebook, which source variable holds it and how its codes translate.
:func:`load_mapping` reads one file, :func:`validate_mapping` checks its
structure and normalises it, :func:`load_mappings` reads a whole folder and
checks that the mappings fit together. Nothing here looks at a data file:
that is :mod:`helpers.data.harmonise`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from helpers.data import codebook
from helpers.data.errors import MappingError
from helpers.data.values import normalise_value

#: Codebook variables filled by the pipeline itself, not by ``variables``.
ADMIN_DERIVED = ("resp_id", "municipality", "recruitment")
#: Recruitment design of a student group -> recruitment code (``mix`` reads it
#: per respondent from a source variable).
DESIGNS = {"online": 1, "door_to_door": 2, "street": 3, "mix": None}

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
    "delivered_by",
    "delivered_on",
}
_REQUIRED_TOP_KEYS = ("file", "municipality", "design", "id", "recruitment", "variables")
_SPEC_KEYS = {"source", "recode", "missing", "format", "label", "accept_labels"}


def _categorical_codes(name):
    return set(codebook.value_labels(name))


def _is_code(value):
    """A whole number that is not a YAML boolean (``True == 1`` in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


#: What a YAML boolean in a mapping most likely was meant to be.
_BOOLEAN_HINT = (
    "true and false are YAML booleans, not codes or names: write 1 or 0 for a "
    "number, or put the text in quotes ('true') if the file holds that text"
)


def _scalar_key(value, key, name):
    """A source code (a recode/missing key or an exclusion value): a number or a text."""
    if isinstance(value, bool):
        raise MappingError(name, _BOOLEAN_HINT, key, value)
    if not isinstance(value, (int, float, str)) and value is not None:
        raise MappingError(
            name,
            f"must be a single source value (a number or a text), not a {type(value).__name__}",
            key,
            value,
        )


def _name(value, key, name, what="must name a source variable (a text)"):
    """A source variable's name: non-empty text."""
    if isinstance(value, bool):
        raise MappingError(name, f"{what}; {_BOOLEAN_HINT}", key, value)
    if not isinstance(value, str) or not value.strip():
        raise MappingError(name, what, key, value)
    return value


# --------------------------------------------------------------------------
# one mapping
# --------------------------------------------------------------------------


def validate_mapping(mapping, name="<mapping>"):
    """Check a mapping's structure against the codebook and normalise it.

    Parameters
    ----------
    mapping : dict
        The mapping as read from YAML (see ``data/mappings/README.md``).
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
    _check_top_keys(mapping, name)
    # Keys starting with "_" are bookkeeping added by this module.
    out = {k: v for k, v in mapping.items() if str(k).startswith("_")}
    out.update(_validate_header(mapping, name))
    out["variables"] = _validate_variables(mapping["variables"], name)
    used = _check_sources_used_once(out, name)
    out["not_asked"] = _validate_not_asked(mapping.get("not_asked") or [], out, name)
    _check_every_variable_covered(out, name)
    _check_routing_mapped(out, name)
    out["drop"] = _validate_drop(mapping.get("drop") or {}, used, out["id"], name)
    out["exclude"] = _validate_exclude(mapping.get("exclude") or [], name)
    return out


def mapping_problems(mapping, name="<mapping>"):
    """Every problem of a mapping at once, instead of the first.

    Validates the parts of the mapping one by one (the top-level keys, the
    header, each variable spec, ``not_asked``, ``drop``, ``exclude``) and
    collects the errors; the checks across parts (each source used once,
    every codebook variable covered, routing) run when the parts pass.

    Parameters
    ----------
    mapping : dict
        The mapping as read from YAML.
    name : str
        Name of the mapping file.

    Returns
    -------
    list of MappingError
        Empty when :func:`validate_mapping` accepts the mapping.
    """
    problems = []

    def attempt(step, *args):
        try:
            return step(*args)
        except MappingError as exc:
            problems.append(exc)
            return None

    attempt(_check_top_keys, mapping, name)
    if problems:
        return problems
    header = attempt(_validate_header, mapping, name)
    specs = mapping["variables"]
    if isinstance(specs, dict) and specs:
        for var, spec in specs.items():
            attempt(_validate_variables, {var: spec}, name)
    else:
        attempt(_validate_variables, specs, name)
    used = {}
    if isinstance(specs, dict):
        used = {
            spec["source"]: var
            for var, spec in specs.items()
            if isinstance(spec, dict) and isinstance(spec.get("source"), str)
        }
    id_variable = header["id"] if header else None
    attempt(_validate_drop, mapping.get("drop") or {}, used, id_variable, name)
    attempt(_validate_exclude, mapping.get("exclude") or [], name)
    if not problems:
        attempt(validate_mapping, mapping, name)
    return problems


def _check_top_keys(mapping, name):
    """The mapping is a dictionary with the known top-level keys, required ones present."""
    if not isinstance(mapping, dict):
        raise MappingError(name, "the mapping must be a YAML dictionary")
    unknown = sorted((k for k in set(mapping) - _TOP_KEYS if not str(k).startswith("_")), key=str)
    if unknown:
        raise MappingError(name, "unknown top-level key", unknown[0])
    for key in _REQUIRED_TOP_KEYS:
        if key not in mapping:
            raise MappingError(name, "required key is missing", key)


def _validate_header(mapping, name):
    """``file``, ``municipality``, ``design``, ``id`` and ``recruitment``."""
    _validate_files(mapping["file"], name)

    muni = mapping["municipality"]
    if not _is_code(muni) or muni not in _categorical_codes("municipality"):
        raise MappingError(name, "not a municipality code of the codebook", "municipality", muni)

    design = mapping["design"]
    if not isinstance(design, str) or design not in DESIGNS:
        raise MappingError(
            name, f"unknown design (expected one of {', '.join(DESIGNS)})", "design", design
        )

    id_variable = _name(mapping["id"], "id", name, "must name the source id variable")
    return {
        "file": mapping["file"],
        "municipality": muni,
        "design": design,
        "id": id_variable,
        "recruitment": _validate_recruitment(mapping["recruitment"], design, name),
        **_validate_delivery(mapping, name),
    }


def mapping_files(mapping):
    """List the raw files a mapping reads.

    Parameters
    ----------
    mapping : dict
        A validated mapping.

    Returns
    -------
    list of str
        ``file`` itself when it names one file, else its list (a municipality
        delivered in several parts).
    """
    file = mapping["file"]
    return list(file) if isinstance(file, list) else [file]


def _validate_files(file, name):
    """``file``: one .sav file name, or a list of them (one municipality in parts)."""
    files = file if isinstance(file, list) else [file]
    if not files:
        raise MappingError(name, "must name at least one .sav file", "file")
    for one in files:
        if not isinstance(one, str) or not one.lower().endswith(".sav") or Path(one).name != one:
            raise MappingError(
                name,
                "must be a plain .sav file name (no folder), or a list of them",
                "file",
                one,
            )
    lower = [one.lower() for one in files]
    if len(set(lower)) != len(lower):
        dup = next(one for one in files if lower.count(one.lower()) > 1)
        raise MappingError(name, "file listed twice", "file", dup)
    return list(files)


def _validate_delivery(mapping, name):
    """``delivered_by`` (whose data) and ``delivered_on`` (date of receipt), both optional."""
    out = {}
    by = mapping.get("delivered_by")
    if by is not None:
        if not isinstance(by, str) or not by.strip():
            raise MappingError(name, "must say who delivered the file (a text)", "delivered_by", by)
        out["delivered_by"] = " ".join(by.split())
    on = mapping.get("delivered_on")
    if on is not None:
        try:
            out["delivered_on"] = dt.date.fromisoformat(str(on))
        except ValueError:
            raise MappingError(
                name, "must be a date written as YYYY-MM-DD", "delivered_on", on
            ) from None
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
        if not _is_code(value) or value not in codes:
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
    source = _name(spec["source"], "recruitment.source", name)
    recode = spec.get("recode")
    if recode is not None:
        if not isinstance(recode, dict):
            raise MappingError(name, "must be a dictionary", "recruitment.recode")
        for src, target in recode.items():
            _scalar_key(src, f"recruitment.recode.{src}", name)
            if not _is_code(target) or target not in codes:
                raise MappingError(
                    name,
                    "recode target is not a recruitment code",
                    f"recruitment.recode.{src}",
                    target,
                )
        recode = _normalised_keys(recode, "recruitment.recode", name)
    return {"source": source, "recode": recode}


def _validate_variables(specs, name):
    """The ``variables`` block: harmonised name -> validated source spec."""
    variables = codebook.load_codebook()["variables"]
    if not isinstance(specs, dict) or not specs:
        raise MappingError(name, "must be a non-empty dictionary", "variables")
    out = {}
    for var, spec in specs.items():
        key = f"variables.{var}"
        if not isinstance(var, str) or var not in variables:
            raise MappingError(name, "unknown harmonised variable (not in the codebook)", key)
        if var in ADMIN_DERIVED:
            raise MappingError(
                name,
                "filled by the pipeline (use the top-level keys id/municipality/recruitment)",
                key,
            )
        out[var] = _validate_spec(spec, var, variables[var], name)
    return out


def _check_sources_used_once(out, name):
    """One source variable feeds one harmonised variable, and is not the id.

    A copy-paste slip ("source: stelling5" twice) would otherwise duplicate an
    item silently. Returns ``{source variable: harmonised variable}``.
    """
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
    return used


def _validate_not_asked(not_asked, out, name):
    variables = codebook.load_codebook()["variables"]
    if not isinstance(not_asked, list):
        raise MappingError(name, "must be a list of harmonised variables", "not_asked")
    for var in not_asked:
        if not isinstance(var, str) or var not in variables:
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
    return list(not_asked)


def _check_every_variable_covered(out, name):
    """Every codebook variable is mapped or ``not_asked``."""
    for var in codebook.load_codebook()["variables"]:
        if var in ADMIN_DERIVED:
            continue
        if var not in out["variables"] and var not in out["not_asked"]:
            raise MappingError(
                name,
                "codebook variable is neither in 'variables' nor in 'not_asked'",
                f"variables.{var}",
            )


def _check_routing_mapped(out, name):
    """A filtered question can only be asked when the questions routing to it were."""
    for var, alternatives in codebook.FILTERS.items():
        if var not in out["variables"]:
            continue
        for condition in alternatives:
            for cond_var in condition:
                if cond_var not in out["variables"]:
                    raise MappingError(
                        name,
                        f"filter question is mapped but its filter variable "
                        f"{cond_var!r} is not_asked",
                        f"variables.{var}",
                    )


def _validate_drop(drop, used, id_variable, name):
    if not isinstance(drop, dict):
        raise MappingError(name, "must be a dictionary 'source variable: reason'", "drop")
    for src, reason in drop.items():
        _name(src, f"drop.{src}", name, "must name a source variable (a text)")
        if not isinstance(reason, str) or not reason.strip():
            raise MappingError(name, "every dropped variable needs a reason", f"drop.{src}")
        if src in used or src == id_variable:
            what = f"mapped to {used[src]!r}" if src in used else "the id variable"
            raise MappingError(name, f"variable is both dropped and {what}", f"drop.{src}")
    return dict(drop)


def _validate_exclude(exclude, name):
    if not isinstance(exclude, list):
        raise MappingError(name, "must be a list of rules", "exclude")
    out = []
    for i, rule in enumerate(exclude):
        key = f"exclude[{i}]"
        if not isinstance(rule, dict) or set(rule) != {"source", "equals", "reason"}:
            raise MappingError(name, "a rule has exactly the keys source, equals, reason", key)
        if not isinstance(rule["reason"], str) or not rule["reason"].strip():
            raise MappingError(name, "the reason must be a non-empty text", f"{key}.reason")
        source = _name(rule["source"], f"{key}.source", name)
        out.append(
            {
                "source": source,
                "equals": _exclusion_values(rule["equals"], f"{key}.equals", name),
                "reason": rule["reason"],
            }
        )
    return out


def _exclusion_values(equals, key, name):
    """``equals``: one value or a list of values; normalised, as a list."""
    values = equals if isinstance(equals, list) else [equals]
    if not values:
        raise MappingError(name, "must be a value or a non-empty list of values", key)
    out = []
    for value in values:
        _scalar_key(value, key, name)
        norm = normalise_value(value)
        if norm is None:
            raise MappingError(name, "cannot exclude on a missing value", key)
        if norm not in out:
            out.append(norm)
    return out


# --------------------------------------------------------------------------
# one variable spec
# --------------------------------------------------------------------------


def _validate_spec(spec, var, var_book, name):
    """One entry of ``variables``: source, recode, missing, format, label."""
    key = f"variables.{var}"
    if not isinstance(spec, dict) or "source" not in spec:
        raise MappingError(name, "needs at least a 'source'", key)
    unknown = sorted(set(spec) - _SPEC_KEYS, key=str)
    if unknown:
        raise MappingError(name, "unknown key in a variable spec", f"{key}.{unknown[0]}")
    kind = var_book["kind"]
    out = {"source": _name(spec["source"], f"{key}.source", name)}
    if spec.get("recode") is not None:
        out["recode"] = _validate_recode(spec["recode"], var, kind, key, name)
    if spec.get("missing") is not None:
        out["missing"] = _validate_missing(spec["missing"], out.get("recode", {}), key, name)
    if spec.get("format") is not None:
        out["format"] = _validate_format(spec["format"], kind, key, name)
    if spec.get("label") is not None:
        out["label"] = _validate_label(spec["label"], key, name)
    if spec.get("accept_labels") is not None:
        out["accept_labels"] = _validate_accept_labels(spec["accept_labels"], kind, key, name)
    return out


def _validate_recode(recode, var, kind, key, name):
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
        _scalar_key(src, f"{key}.recode.{src}", name)
        if not _is_code(target) or target not in valid:
            raise MappingError(
                name,
                f"recode target outside the codebook's value labels "
                f"{sorted(valid)} (missing codes go under 'missing')",
                f"{key}.recode.{src}",
                target,
            )
    return _normalised_keys(recode, f"{key}.recode", name)


def _validate_missing(missing, recode, key, name):
    if not isinstance(missing, dict) or not missing:
        raise MappingError(name, "must be a non-empty dictionary", f"{key}.missing")
    for src, target in missing.items():
        _scalar_key(src, f"{key}.missing.{src}", name)
        if not _is_code(target) or not (codebook.MISSING_LOW <= target <= codebook.MISSING_HIGH):
            raise MappingError(name, "missing target outside 96-99", f"{key}.missing.{src}", target)
    out = _normalised_keys(missing, f"{key}.missing", name)
    overlap = set(out) & set(recode)
    if overlap:
        raise MappingError(
            name,
            "source code is both recoded and missing",
            f"{key}.missing",
            sorted(overlap, key=str)[0],
        )
    return out


def _validate_format(fmt, kind, key, name):
    if kind != "date":
        raise MappingError(name, "format is only allowed for date variables", f"{key}.format", fmt)
    if not isinstance(fmt, str) or "%" not in fmt:
        raise MappingError(
            name, "must be a strptime format such as '%d/%m/%Y'", f"{key}.format", fmt
        )
    return fmt


def _validate_label(label, key, name):
    if not isinstance(label, str) or not label.strip():
        raise MappingError(
            name,
            "must be the expected SPSS variable label (non-empty text)",
            f"{key}.label",
            label,
        )
    return label


def _validate_accept_labels(accept, kind, key, name):
    """``accept_labels``: source code -> the file's value label, accepted as it is."""
    if kind not in ("categorical", "numeric"):
        raise MappingError(
            name, "accept_labels is only allowed for categorical and numeric variables", key
        )
    if not isinstance(accept, dict) or not accept:
        raise MappingError(
            name,
            "must be a non-empty dictionary 'source code: value label as in the file'",
            f"{key}.accept_labels",
        )
    for src, label in accept.items():
        _scalar_key(src, f"{key}.accept_labels.{src}", name)
        if not isinstance(label, str) or not label.strip():
            raise MappingError(
                name,
                "must be the file's value label of the code (non-empty text)",
                f"{key}.accept_labels.{src}",
                label,
            )
    return _normalised_keys(accept, f"{key}.accept_labels", name)


def _normalised_keys(mapping, key, name):
    out = {}
    for src, target in mapping.items():
        norm = normalise_value(src)
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


# --------------------------------------------------------------------------
# reading YAML
# --------------------------------------------------------------------------


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
    return validate_mapping(read_mapping_file(path), path.name)


def read_mapping_file(path):
    """Read a mapping file's YAML, without validating it.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    object
        What the YAML holds (a dictionary, for a well-formed mapping).

    Raises
    ------
    MappingError
        If the file cannot be read, is not UTF-8, is not YAML or lists a key
        twice.
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
    return raw


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


def _yaml12_booleans(loader):
    """Let a loader resolve only ``true``/``false`` as booleans (as YAML 1.2 does).

    PyYAML follows YAML 1.1, where ``yes``, ``no``, ``on`` and ``off`` are
    booleans too: ``recode: {yes: 1, no: 2}`` would silently become
    ``{True: 1, False: 2}``, that is ``{1: 1, 0: 2}``. With this loader they
    stay the text the file holds; ``true`` and ``false`` remain booleans,
    which the validation refuses wherever a code or a name is expected.
    """
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in loader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return loader


@_yaml12_booleans
class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """The pure-Python safe loader, refusing duplicate keys."""


#: The same with libyaml's parser (several times faster), where available.
_FastUniqueKeyLoader = (
    _yaml12_booleans(type("_FastUniqueKeyLoader", (_UniqueKeys, yaml.CSafeLoader), {}))
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
# a folder of mappings
# --------------------------------------------------------------------------


def mapping_paths(mappings_dir):
    """The mapping files of a folder (``*.yaml``, ``*.yml``), in name order.

    Parameters
    ----------
    mappings_dir : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    MappingError
        If the folder holds no mapping.
    """
    mappings_dir = Path(mappings_dir)
    paths = sorted(p for p in mappings_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml"))
    if not paths:
        raise MappingError(str(mappings_dir), "no mapping (*.yaml) found in the mappings folder")
    return paths


def load_mappings(mappings_dir):
    """Read every mapping of a folder and check they fit together.

    Parameters
    ----------
    mappings_dir : str or pathlib.Path
        Folder with one ``*.yaml`` mapping per raw file.

    Returns
    -------
    list of dict
        Validated mappings, sorted by municipality code; each carries the
        name of its file under ``_mapping_file``.

    Raises
    ------
    MappingError
        If the folder holds no mapping, or two mappings share a municipality
        or a file.
    """
    paths = mapping_paths(mappings_dir)
    mappings, by_muni, by_file = [], {}, {}
    for path in paths:
        mapping = load_mapping(path)
        mapping["_mapping_file"] = path.name
        muni = mapping["municipality"]
        if muni in by_muni:
            raise MappingError(
                path.name,
                f"municipality already mapped by {by_muni[muni]!r} (a municipality delivered "
                f"in several files has one mapping whose 'file' lists them all)",
                "municipality",
                muni,
            )
        by_muni[muni] = path.name
        for file in mapping_files(mapping):
            if file.lower() in by_file:
                raise MappingError(
                    path.name, f"file already mapped by {by_file[file.lower()]!r}", "file", file
                )
            by_file[file.lower()] = path.name
        mappings.append(mapping)
    return sorted(mappings, key=lambda m: m["municipality"])
