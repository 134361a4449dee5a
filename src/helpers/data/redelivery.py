"""Practice deliveries made from existing SPSS files.

Two ways to turn a delivery into another one, for the guide page, the tests
and the check that the book speaks correctly about delivered data:

* :func:`resave` saves a file again with pyreadstat, as a group that opened
  and saved its file would: the same answers and metadata, other bytes. The
  pipeline counts such a file as delivered, never as the generator's output.
* :func:`as_other_group` renames the variables and recodes some of them, the
  way another student group would have delivered the same answers (a
  reversed scale with its labels, other codes for gender, numbered questions,
  a text id), and returns what a correct mapping would have to say.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pyreadstat

from helpers.data.sav import read_sav
from helpers.data.values import normalise_value


def kept_sav_metadata(meta):
    """Keyword arguments for :func:`pyreadstat.write_sav` that keep a file's metadata.

    Parameters
    ----------
    meta : pyreadstat.metadata_container
        The metadata of the file as read.

    Returns
    -------
    dict
        Variable and value labels, missing ranges, measure levels, formats
        and display widths, copied so that editing them leaves ``meta`` alone.
    """
    return {
        "column_labels": dict(meta.column_names_to_labels),
        "variable_value_labels": copy.deepcopy(meta.variable_value_labels),
        "missing_ranges": copy.deepcopy(meta.missing_ranges),
        "variable_measure": dict(meta.variable_measure),
        "variable_format": dict(meta.original_variable_types),
        "variable_display_width": dict(meta.variable_display_width),
    }


def resave(source, target):
    """Save an SPSS file again with pyreadstat, keeping its data and metadata.

    Parameters
    ----------
    source : str or pathlib.Path
        An SPSS ``.sav`` file.
    target : str or pathlib.Path
        Where to write the copy (its folder must exist).

    Returns
    -------
    pathlib.Path
        ``target``. Its header carries the time of writing, so its bytes (and
        checksum) differ from the source's.
    """
    df, meta = read_sav(source)
    pyreadstat.write_sav(df, str(target), **kept_sav_metadata(meta))
    return Path(target)


#: How the other group named the harmonised variables it renames.
OTHER_NAMES = {
    "gender": "sekse",
    "age": "leeftijd_jaren",
    "interview_date": "afnamedatum",
    "role_help_others": "vraag_anderen_helpen",
    "role_police_guarantee": "vraag_politie",
}


def as_other_group(source, mapping, target, reverse=("role_help_others",), withheld_ages=3):
    """Deliver a file again the way another student group would have.

    The answers stay the same; the file changes: the respondent id becomes
    text (``R_`` plus a number, as online survey tools write it), the
    variables of :data:`OTHER_NAMES` are renamed, gender is coded 1 =
    "Vrouw", 2 = "Man", the Likert items in ``reverse`` run the other way (1
    = "Helemaal eens", labelled so), and the first ``withheld_ages``
    respondents (test entries aside) would not say their age: 99, labelled "Wil ik niet zeggen"
    (so the ages of these few respondents are no longer the source's).

    Parameters
    ----------
    source : str or pathlib.Path
        A delivery with its validated ``mapping``.
    mapping : dict
        The source's mapping (:func:`helpers.data.mapping.load_mapping`).
    target : str or pathlib.Path
        Where to write the new file (its folder must exist).
    reverse : tuple of str
        Harmonised Likert items to deliver reversed.
    withheld_ages : int
        How many respondents (the first ones with an age) get 99 instead.

    Returns
    -------
    dict
        What changed: ``renamed`` (``{old source name: new name}``),
        ``reversed``, ``id`` (the new id variable) and ``withheld`` (the
        new ids of the respondents whose age is 99).
    """
    df, meta = read_sav(source)
    kwargs = kept_sav_metadata(meta)
    specs = mapping["variables"]
    id_variable = mapping["id"]
    df[id_variable] = [f"R_{int(v):05d}" for v in df[id_variable]]
    kwargs["variable_format"][id_variable] = "A7"

    gender = specs["gender"]["source"]
    if "recode" not in specs["gender"] and df[gender].dtype.kind == "f":
        df[gender] = df[gender].map({1.0: 2.0, 2.0: 1.0}).where(df[gender].isin([1, 2]), df[gender])
        labels = kwargs["variable_value_labels"].setdefault(gender, {})
        labels.update({1.0: "Vrouw", 2.0: "Man"})

    for var in reverse:
        src = specs[var]["source"]
        answers = df[src].between(1, 5)
        if "recode" in specs[var]:
            continue  # already reversed in this delivery: leave it
        df.loc[answers, src] = 6 - df.loc[answers, src]
        labels = kwargs["variable_value_labels"].setdefault(src, {})
        labels.update(
            {
                1.0: "Helemaal eens",
                2.0: "Eens",
                3.0: "Neutraal",
                4.0: "Oneens",
                5.0: "Helemaal oneens",
            }
        )

    age = specs["age"]["source"]
    candidates = df[age].notna()
    for rule in mapping["exclude"]:  # test entries would not count anyway
        candidates &= ~df[rule["source"]].map(normalise_value).isin(rule["equals"])
    withheld = df.index[candidates][:withheld_ages]
    df.loc[withheld, age] = 99.0
    kwargs["variable_value_labels"][age] = {99.0: "Wil ik niet zeggen"}

    renamed = {specs[var]["source"]: new for var, new in OTHER_NAMES.items() if var in specs}
    df = df.rename(columns=renamed)
    for key in ("column_labels", "variable_value_labels", "missing_ranges", "variable_measure",
                "variable_format", "variable_display_width"):  # fmt: skip
        kwargs[key] = {renamed.get(k, k): v for k, v in kwargs[key].items()}
    pyreadstat.write_sav(df, str(target), **kwargs)
    return {
        "renamed": renamed,
        "reversed": list(reverse),
        "id": id_variable,
        "withheld": df.loc[withheld, id_variable].tolist(),
    }


def strip_variable_labels(source, target):
    """Save an SPSS file again without its variable labels.

    Some groups deliver files whose variables carry no label (the question
    text): only names such as ``V14`` and the value labels remain. Used to
    measure how well :mod:`helpers.data.draft` does on such files.

    Parameters
    ----------
    source, target : str or pathlib.Path

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    df, meta = read_sav(source)
    kwargs = kept_sav_metadata(meta)
    kwargs.pop("column_labels")
    pyreadstat.write_sav(df, str(target), **kwargs)
    return Path(target)
