"""The harmonised codebook: variable names, labels, value labels, missing codes.

The content lives in ``codebook.yaml`` and ``scales.yaml`` beside this module;
these functions only read it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

#: User-missing codes shared by every categorical variable of the processed file.
MISSING_LOW = 96
MISSING_HIGH = 99
NOT_APPLICABLE = 96
NOT_ASKED = 97
DONT_KNOW = 98
NO_ANSWER = 99

#: Questionnaire routing: variable -> list of alternative conditions
#: (``{variable: allowed codes}``); the question is asked when any holds.
FILTERS = {
    "bin_member": [{"bin_known": [1]}],
    "bin_willing": [{"bin_known": [2]}, {"bin_member": [2]}],
}


#: libyaml's safe loader where available (several times faster than PyYAML's
#: own parser; same result for these files).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load(name):
    text = resources.files("helpers.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


def load_codebook():
    """Return the harmonised codebook as a dictionary.

    Returns
    -------
    dict
        Keys ``missing_codes``, ``value_sets`` and ``variables`` as in
        ``codebook.yaml``. Treat the result as read-only (it is cached).
    """
    return _load("codebook.yaml")


def load_scales():
    """Return the motive structure of Schreurs' scale.

    Returns
    -------
    dict
        ``{motive: {"label": str, "items": {variable: direction}}}`` where
        direction is +1 or -1 (negatively worded item).
    """
    return _load("scales.yaml")["motives"]


def variable_names():
    """List the harmonised variables in codebook order.

    Returns
    -------
    list of str
    """
    return list(load_codebook()["variables"])


def value_set_name(variable):
    """Return the name of the value set a categorical variable uses.

    Parameters
    ----------
    variable : str
        Harmonised variable name.

    Returns
    -------
    str
        Key of ``value_sets`` in ``codebook.yaml`` (e.g. ``"likert"``).

    Raises
    ------
    ValueError
        If the variable is not categorical.
    """
    spec = load_codebook()["variables"][variable]
    if spec["kind"] != "categorical":
        raise ValueError(f"{variable!r} is not a categorical variable")
    return spec["values"]


def variable_label(name):
    """Return the SPSS variable label of a harmonised variable.

    Parameters
    ----------
    name : str
        Harmonised variable name.

    Returns
    -------
    str
    """
    return load_codebook()["variables"][name]["label"]


def value_labels(name, include_missing=False):
    """Return the value labels of a categorical variable.

    Parameters
    ----------
    name : str
        Harmonised variable name.
    include_missing : bool, default False
        Also return the labels of the user-missing codes 96-99.

    Returns
    -------
    dict
        ``{code: label}`` in code order; empty for non-categorical variables.
    """
    book = load_codebook()
    spec = book["variables"][name]
    if spec["kind"] != "categorical":
        return {}
    labels = {int(k): v for k, v in book["value_sets"][spec["values"]].items()}
    if include_missing and name not in ("municipality", "recruitment"):
        labels.update({int(k): v for k, v in book["missing_codes"].items()})
    return labels


def variables_in_group(group):
    """List the harmonised variables of one report table or block.

    Parameters
    ----------
    group : str
        For example ``"Tabel 4"`` or ``"achtergrond"``.

    Returns
    -------
    list of str
    """
    return [n for n, s in load_codebook()["variables"].items() if s["group"] == group]


#: Where the codebook lives, as error messages name it.
CODEBOOK_FILE = "src/helpers/data/codebook.yaml"


def category_synonyms(value_set):
    """Return the accepted other wordings of a value set's categories.

    Parameters
    ----------
    value_set : str
        Key of ``value_sets`` in ``codebook.yaml`` (e.g. ``"likert"``).

    Returns
    -------
    dict
        ``{code: [wording, ...]}``; empty when the codebook lists none.
    """
    synonyms = load_codebook().get("synonyms") or {}
    return {int(k): list(v) for k, v in (synonyms.get(value_set) or {}).items()}


def plausible_range(name):
    """Return the plausibility range of a numeric or date variable.

    Parameters
    ----------
    name : str
        Harmonised variable with ``min`` and ``max`` in the codebook
        (``age``, ``interview_date``).

    Returns
    -------
    tuple
        ``(min, max)`` as written in ``codebook.yaml`` (numbers, or ISO
        dates as text).

    Raises
    ------
    ValueError
        If the variable has no plausibility range.
    """
    spec = load_codebook()["variables"][name]
    if "min" not in spec or "max" not in spec:
        raise ValueError(f"{name!r} has no plausibility range in the codebook")
    return spec["min"], spec["max"]
