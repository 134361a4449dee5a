"""Turn the harmonised truth into ten student-style SPSS files plus their mappings.

For every municipality the house style in :data:`design.STUDENT_FILES` is
turned into a list of :class:`SourceVariable` (name, label, value labels,
codes). From that list come two things that therefore always agree:

* the **mapping** (``data/mappings/gemeente_x.yaml``): source variable ->
  harmonised variable, value recodes, missing codes, in the format of
  ``ARCHITECTURE.md``;
* the **raw file** (``data/raw/gemeente_x.sav``): made by applying the
  mapping *in reverse* to the truth. A harmonised code goes back to the
  source code that the mapping maps onto it; where several source codes map
  onto one harmonised code (five education levels onto three) one of them is
  drawn at random.

Rows the harmonisation must drop are added afterwards: test entries (flagged
by a variable that the mapping's ``exclude`` names) and empty questionnaires.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import yaml

from helpers.data import codebook
from helpers.data.codebook import DONT_KNOW, NO_ANSWER, NOT_APPLICABLE
from helpers.synthetic import design

# ---------------------------------------------------------------------------
# Wording used by the student groups
# ---------------------------------------------------------------------------

#: Variable labels of the background, BIN and initiative questions:
#: (short label, label phrased as a question).
STUDENT_LABELS = {
    "gender": ("Geslacht", "Wat is uw geslacht?"),
    "age": ("Leeftijd", "Wat is uw leeftijd?"),
    "education": ("Hoogst behaalde diploma", "Wat is uw hoogst behaalde diploma?"),
    "occupation": ("Beroepssituatie", "Wat is uw huidige beroepssituatie?"),
    "residence_duration": ("Woonduur in de buurt", "Hoelang woont u al in deze buurt?"),
    "neighbourhood_appearance": (
        "Uitzicht van de buurt",
        "Hoe zou u het uitzicht van uw buurt omschrijven?",
    ),
    "bin_known": (
        "Kennis BIN (buurtinformatienetwerk)",
        "Kent u het BIN (buurtinformatienetwerk) in uw buurt?",
    ),
    "bin_member": ("Deelname BIN", "Neemt u deel aan het BIN?"),
    "bin_willing": (
        "Bereidheid deelname BIN",
        "Bent u bereid om in de toekomst deel te nemen aan het BIN?",
    ),
    "init_investigation": (
        "Bereidheid opsporing (bv. Faroek, burgernet)",
        "Zou u deelnemen aan opsporing (bv. Faroek, burgernet)?",
    ),
    "init_information": (
        "Bereidheid informatiedeling (bv. WhatsApp-groepen)",
        "Zou u deelnemen aan informatiedeling (bv. WhatsApp-groepen)?",
    ),
    "init_surveillance": (
        "Bereidheid toezicht (bv. BIN)",
        "Zou u deelnemen aan toezicht (bv. BIN)?",
    ),
    "init_contact": (
        "Bereidheid contactbevordering (bv. wijkbabbels)",
        "Zou u deelnemen aan contactbevordering (bv. wijkbabbels)?",
    ),
    "init_public_space": (
        "Bereidheid zorg openbare ruimte (bv. DOK Gent)",
        "Zou u deelnemen aan zorg voor de openbare ruimte?",
    ),
    "init_policy": (
        "Bereidheid beleidsbeïnvloeding (bv. buurtcafés)",
        "Zou u deelnemen aan beleidsbeïnvloeding (bv. buurtcafés)?",
    ),
    "init_mediation": (
        "Bereidheid conflictbemiddeling (bv. burenbemiddeling)",
        "Zou u deelnemen aan conflictbemiddeling (bv. burenbemiddeling)?",
    ),
}

LIKERT = {
    1: "Helemaal oneens",
    2: "Oneens",
    3: "Niet eens, niet oneens",
    4: "Eens",
    5: "Helemaal eens",
}
LIKERT_LOOSE = {1: "helemaal oneens", 2: "oneens", 3: "neutraal", 4: "eens", 5: "helemaal eens"}
WILLINGNESS = {
    1: "Zeker niet",
    2: "Waarschijnlijk niet",
    3: "Misschien",
    4: "Waarschijnlijk wel",
    5: "Zeker wel",
}
EDUCATION_5 = {
    1: "Geen diploma",
    2: "Lager onderwijs",
    3: "Lager secundair onderwijs",
    4: "Hoger secundair onderwijs",
    5: "Hoger onderwijs (bachelor/master)",
}
OCCUPATION_STUDENT_FIRST = {
    1: "Student",
    2: "Werknemer/ambtenaar",
    3: "Zelfstandige",
    4: "Werkloos/werkzoekend",
    5: "Gepensioneerd",
    6: "Andere",
}
OCCUPATION_SPLIT = {
    1: "Bediende/arbeider",
    2: "Ambtenaar",
    3: "Zelfstandige",
    4: "Student",
    5: "Gepensioneerd",
    6: "Werkloos/werkzoekend",
    7: "Andere",
}
MISSING_LABELS = {
    DONT_KNOW: "Weet niet",
    NO_ANSWER: "Geen antwoord",
    NOT_APPLICABLE: "Niet van toepassing",
}
REMARKS = (
    "Respondent had weinig tijd",
    "Afgenomen aan de voordeur",
    "Twijfelde bij de stellingen over de gemeente",
    "Vroeg wat een BIN is",
    "Enquête samen met partner ingevuld",
)


@dataclass
class SourceVariable:
    """One variable of a raw file and how it maps onto the harmonised data.

    Attributes
    ----------
    name : str
        Source variable name.
    target : str or None
        Harmonised variable, or None for a dropped variable.
    label : str
        SPSS variable label (Dutch).
    value_labels : dict
        Source value -> Dutch label (valid and missing codes).
    recode : dict
        Source value -> harmonised code (empty: identity).
    missing : dict
        Source user-missing code -> harmonised missing code (96/98/99).
    measure : str
        SPSS measurement level.
    storage : str
        ``numeric``, ``text`` or ``date``.
    date_format : str or None
        strftime format of a text date.
    extra : design.Extra or None
        For dropped municipality-specific variables.
    """

    name: str
    target: str | None
    label: str
    value_labels: dict = field(default_factory=dict)
    recode: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    measure: str = "nominal"
    storage: str = "numeric"
    date_format: str | None = None
    extra: design.Extra | None = None


def _flip(labels):
    """Reverse a 1..k scale: source code k+1-c carries the label of c."""
    k = max(labels)
    flipped = {k + 1 - c: lab for c, lab in sorted(labels.items(), reverse=True)}
    return flipped, {src: k + 1 - src for src in flipped}


def _loose(label):
    """Small wording differences of a group that typed the items themselves."""
    label = label.rstrip(".").replace("te veel", "teveel").replace("zich zelf", "zichzelf")
    return label[0].lower() + label[1:]


def _missing_codes(sf, routed):
    codes = {}
    if sf.dont_know is not None:
        codes[sf.dont_know] = DONT_KNOW
    if sf.no_answer is not None:
        codes[sf.no_answer] = NO_ANSWER
    if routed and sf.not_applicable is not None:
        codes[sf.not_applicable] = NOT_APPLICABLE
    return codes


def _names(sf, muni):
    """Source name of every asked harmonised item, in questionnaire order."""
    scheme = design.NAMING[sf.naming]
    keys = ("background", "role", "policy", "bin", "init")
    out = {}
    counter = 0
    for key, block in zip(keys, design.BLOCKS):
        asked = [
            v
            for v in block
            if v not in muni.not_asked and (muni.has_bin or v not in design.BIN_ITEMS)
        ]
        for pos, var in enumerate(asked, start=1):
            counter += 1
            if sf.naming == "vraagnr":
                name = f"V{counter}"
            elif isinstance(scheme[key], str):
                name = scheme[key].format(i=pos)
            else:
                name = scheme[key][block.index(var)]
            out[var] = name.upper() if sf.upper else name
    return out


def _item_label(sf, var):
    if var in STUDENT_LABELS:
        short, question = STUDENT_LABELS[var]
        return question if sf.labels == "question" else short
    label = codebook.variable_label(var)
    if sf.labels == "question":
        return f"Stelling: {label}"
    if sf.labels == "loose":
        return _loose(label)
    return label


def _coding(sf, var):
    """Value labels, recode and measure of a categorical item in this file."""
    value_set = codebook.load_codebook()["variables"][var].get("values")
    if var == "gender":
        if sf.gender == "MV":
            return {"M": "Man", "V": "Vrouw"}, {"M": 1, "V": 2}, "nominal"
        if sf.gender == "01":
            return {0: "Man", 1: "Vrouw"}, {0: 1, 1: 2}, "nominal"
        if sf.gender == "21":
            return {1: "Vrouw", 2: "Man"}, {1: 2, 2: 1}, "nominal"
        return {1: "Man", 2: "Vrouw"}, {}, "nominal"
    if var == "education" and sf.education == "5":
        return EDUCATION_5, {1: 1, 2: 1, 3: 1, 4: 2, 5: 3}, "ordinal"
    if var == "occupation" and sf.occupation == "student_first":
        return OCCUPATION_STUDENT_FIRST, {1: 3, 2: 1, 3: 2, 4: 5, 5: 4, 6: 6}, "nominal"
    if var == "occupation" and sf.occupation == "split":
        return OCCUPATION_SPLIT, {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6}, "nominal"
    if value_set == "yes_no":
        if sf.yes_no == "10":
            return {1: "Ja", 0: "Nee"}, {1: 1, 0: 2}, "nominal"
        return {1: "Ja", 2: "Nee"}, {}, "nominal"
    if value_set == "likert":
        labels = LIKERT_LOOSE if sf.labels == "loose" else LIKERT
        if sf.likert_reversed:
            flipped, recode = _flip(labels)
            return flipped, recode, "ordinal"
        return dict(labels), {}, "ordinal"
    if value_set == "willingness":
        if sf.willingness_zero:
            return (
                {c - 1: lab for c, lab in WILLINGNESS.items()},
                {c - 1: c for c in WILLINGNESS},
                "ordinal",
            )
        return dict(WILLINGNESS), {}, "ordinal"
    labels = codebook.value_labels(var)
    if (var == "residence_duration" and sf.residence_reversed) or (
        var == "neighbourhood_appearance" and sf.appearance_reversed
    ):
        flipped, recode = _flip(labels)
        return flipped, recode, "ordinal"
    measure = "nominal" if var == "occupation" else "ordinal"
    return dict(labels), {}, measure


def source_variables(sf, muni):
    """Describe every variable of one raw file, in file order.

    Parameters
    ----------
    sf : design.StudentFile
    muni : design.Municipality

    Returns
    -------
    list of SourceVariable
        The id variable first, then recruitment (mix designs), the interview
        date, the questionnaire items, extras and the test flag.
    """
    out = [SourceVariable(sf.id_name, "resp_id", "Respondentnummer", measure="scale")]
    if sf.recruitment_name:
        out.append(
            SourceVariable(
                sf.recruitment_name,
                "recruitment",
                "Wervingswijze",
                value_labels={src: lab for src, lab in sf.recruitment_codes.values()},
                recode={src: harm for harm, (src, _lab) in sf.recruitment_codes.items()},
            )
        )
    out.append(
        SourceVariable(
            sf.date_name,
            "interview_date",
            "Datum van afname",
            measure="scale",
            storage="text" if sf.text_date else "date",
            date_format=sf.text_date,
        )
    )
    for var, name in _names(sf, muni).items():
        if var == "age":
            out.append(SourceVariable(name, var, _item_label(sf, var), measure="scale"))
            continue
        labels, recode, measure = _coding(sf, var)
        missing = (
            {} if var in design.BACKGROUND else _missing_codes(sf, routed=var in codebook.FILTERS)
        )
        labels = {**labels, **{c: MISSING_LABELS[h] for c, h in missing.items()}}
        out.append(
            SourceVariable(
                name,
                var,
                _item_label(sf, var),
                value_labels=labels,
                recode=recode,
                missing=missing,
                measure=measure,
                storage="text" if var == "gender" and sf.gender == "MV" else "numeric",
            )
        )
    for extra in sf.extras:
        out.append(_extra_variable(sf, extra))
    if sf.test_flag:
        out.append(
            SourceVariable(
                sf.test_flag,
                None,
                "Testinvoer (1 = test)",
                value_labels={0: "Nee", 1: "Ja"},
                extra=design.Extra(
                    sf.test_flag,
                    "test",
                    "",
                    "Vlag voor testinvoer; enkel gebruikt om die rijen uit te sluiten",
                ),
            )
        )
    return out


def _extra_variable(sf, extra):
    if extra.kind == "willingness":
        labels, _recode, measure = _coding(sf, "init_policy")
        labels = {**labels, sf.dont_know: "Weet niet"}
        return SourceVariable(
            extra.name,
            None,
            extra.label,
            labels,
            measure=measure,
            missing={sf.dont_know: DONT_KNOW},
            extra=extra,
        )
    if extra.kind == "known":
        labels, _recode, measure = _coding(sf, "bin_known")
        return SourceVariable(extra.name, None, extra.label, labels, measure=measure, extra=extra)
    if extra.kind == "interviewer":
        return SourceVariable(
            extra.name, None, extra.label, {i: f"Student {i}" for i in range(1, 7)}, extra=extra
        )
    if extra.kind == "remark":
        return SourceVariable(extra.name, None, extra.label, storage="text", extra=extra)
    if extra.kind == "duration":
        return SourceVariable(extra.name, None, extra.label, measure="scale", extra=extra)
    raise ValueError(f"unknown extra kind {extra.kind!r}")


# ---------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------


def build_mapping(sf, muni, variables):
    """Return the declarative mapping of one raw file as a dictionary.

    Parameters
    ----------
    sf : design.StudentFile
    muni : design.Municipality
    variables : list of SourceVariable

    Returns
    -------
    dict
        Keys in the order of ``ARCHITECTURE.md``: file, municipality, design,
        id, recruitment, variables, not_asked, drop, exclude.
    """
    by_target = {v.target: v for v in variables if v.target}
    if "recruitment" in by_target:
        rv = by_target["recruitment"]
        recruitment = {"source": rv.name, "recode": dict(rv.recode)}
    else:
        (code,) = muni.modes
        recruitment = {"value": code}
    mapped = {}
    not_asked = []
    for var in codebook.variable_names():
        if var in ("resp_id", "municipality", "recruitment"):
            continue
        if var not in by_target:
            not_asked.append(var)
            continue
        v = by_target[var]
        spec = {"source": v.name}
        if v.recode:
            spec["recode"] = dict(v.recode)
        if v.missing:
            spec["missing"] = dict(v.missing)
        if v.date_format:
            spec["format"] = v.date_format
        mapped[var] = spec
    drop = {v.name: v.extra.reason for v in variables if v.extra is not None}
    exclude = []
    if sf.test_flag:
        exclude.append(
            {"source": sf.test_flag, "equals": 1, "reason": "Testinvoer van de studentengroep"}
        )
    return {
        "file": f"gemeente_{sf.letter.lower()}.sav",
        "municipality": muni.code,
        "design": muni.design,
        "id": sf.id_name,
        "recruitment": recruitment,
        "variables": mapped,
        "not_asked": not_asked,
        "drop": drop,
        "exclude": exclude,
    }


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _scalar(value, flow=False):
    """A YAML scalar: plain when unambiguous, otherwise double-quoted.

    Inside a flow mapping (``{...}``) only identifier-like strings stay plain.
    """
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected YAML value {value!r}")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and yaml.safe_load(text) == text:
        return text
    if not flow:
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _flow(mapping):
    return (
        "{"
        + ", ".join(f"{_scalar(k, flow=True)}: {_scalar(v, flow=True)}" for k, v in mapping.items())
        + "}"
    )


def render_mapping(mapping, muni):
    """Write a mapping as hand-readable, byte-stable YAML.

    Parameters
    ----------
    mapping : dict
        As returned by :func:`build_mapping`.
    muni : design.Municipality

    Returns
    -------
    str
    """
    lines = [
        f"# Harmonisation rules for {mapping['file']} ({muni.name}).",
        "#",
        "# The pipeline (helpers.data.pipeline) reads this file to turn the raw SPSS file",
        "# into the harmonised variables of src/helpers/data/codebook.yaml. The synthetic",
        "# data generator (helpers.synthetic) wrote it and made the raw file by",
        "# applying these rules in reverse, so the two agree by construction.",
        "# Format: ARCHITECTURE.md. Regenerate with `make synthetic`; for real data,",
        "# copy this file and adapt names and codes to the delivered file.",
        f"file: {_scalar(mapping['file'])}",
        f"municipality: {mapping['municipality']}",
        f"design: {mapping['design']}",
        f"id: {_scalar(mapping['id'])}",
        "recruitment:",
    ]
    for key, value in mapping["recruitment"].items():
        rendered = _flow(value) if isinstance(value, dict) else _scalar(value)
        lines.append(f"  {key}: {rendered}")
    lines.append("variables:")
    for var, spec in mapping["variables"].items():
        lines.append(f"  {var}:")
        for key, value in spec.items():
            rendered = _flow(value) if isinstance(value, dict) else _scalar(value)
            lines.append(f"    {key}: {rendered}")
    lines.append(f"not_asked: [{', '.join(mapping['not_asked'])}]")
    if mapping["drop"]:
        lines.append("drop:")
        lines += [f"  {_scalar(k)}: {_scalar(v)}" for k, v in mapping["drop"].items()]
    else:
        lines.append("drop: {}")
    if mapping["exclude"]:
        lines.append("exclude:")
        for rule in mapping["exclude"]:
            lines.append(f"  - source: {_scalar(rule['source'])}")
            lines.append(f"    equals: {_scalar(rule['equals'])}")
            lines.append(f"    reason: {_scalar(rule['reason'])}")
    else:
        lines.append("exclude: []")
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != mapping:  # the rendering must not change the rules
        raise AssertionError(f"rendered mapping of {mapping['file']} does not round-trip")
    return text


# ---------------------------------------------------------------------------
# The raw file: the mapping applied in reverse
# ---------------------------------------------------------------------------


def _inverse(variable, codes, rng):
    """Source values of harmonised codes under one variable's mapping."""
    preimages = {}
    if variable.recode:
        for src, harm in variable.recode.items():
            preimages.setdefault(harm, []).append(src)
    for src, harm in variable.missing.items():
        preimages.setdefault(harm, []).append(src)
    out = []
    for code in codes:
        code = int(code)
        options = preimages.get(code)
        if (
            options is None
            and not variable.recode
            and code not in (DONT_KNOW, NO_ANSWER, NOT_APPLICABLE)
        ):
            options = [code]  # identity
        if options is None:
            if code == NO_ANSWER:
                out.append(np.nan)  # left blank: system-missing
                continue
            raise ValueError(f"{variable.name}: harmonised code {code} has no source code")
        out.append(options[0] if len(options) == 1 else options[rng.integers(len(options))])
    return out


def _storage(values, variable):
    if variable.storage == "text":
        return pd.Series(["" if v is None or v != v else str(v) for v in values], dtype=object)
    if variable.storage == "date":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype=float)


def _extra_values(extra, sf, rng, latent, n):
    engagement = latent["engagement"].to_numpy() if latent is not None else rng.standard_normal(n)
    if extra.kind in ("willingness", "known"):
        index = 0.6 * engagement + 0.8 * rng.standard_normal(n)
        if extra.kind == "known":
            cut = np.quantile(index, 0.62)
            return np.where(index > cut, 1, 0 if sf.yes_no == "10" else 2).astype(float)
        cuts = np.quantile(index, [0.14, 0.36, 0.66, 0.88])
        codes = (np.searchsorted(cuts, index) + (0 if sf.willingness_zero else 1)).astype(float)
        codes[rng.random(n) < 0.03] = sf.dont_know
        return codes
    if extra.kind == "interviewer":
        return rng.integers(1, 7, size=n).astype(float)
    if extra.kind == "remark":
        picks = rng.integers(len(REMARKS), size=n)
        return [REMARKS[p] if rng.random() < 0.12 else "" for p in picks]
    if extra.kind == "duration":
        return np.round(rng.lognormal(np.log(420), 0.35, size=n)).astype(float)
    raise ValueError(extra.kind)


def build_raw(sf, muni, variables, truth, rng):
    """Make one municipality's raw file from the truth.

    Parameters
    ----------
    sf : design.StudentFile
    muni : design.Municipality
    variables : list of SourceVariable
    truth : helpers.synthetic.truth.Truth
    rng : numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Source variables in file order, rows sorted by respondent number;
        includes test entries and empty questionnaires.
    """
    mask = (truth.data["municipality"] == muni.code).to_numpy()
    data = truth.data.loc[mask].reset_index(drop=True)
    latent = truth.latent.loc[mask].reset_index(drop=True)
    ids = truth.source_id.loc[mask].to_numpy()
    n = len(data)
    columns = {}
    for v in variables:
        if v.target == "resp_id":
            values = ids.astype(float)
        elif v.target == "interview_date":
            dates = data["interview_date"].tolist()
            values = [d.strftime(v.date_format) for d in dates] if v.date_format else dates
        elif v.target == "age":
            values = data["age"].astype(float).to_numpy()
        elif v.target is not None:
            values = _inverse(v, data[v.target].to_numpy(), rng)
        elif v.extra.kind == "test":
            values = np.zeros(n)
        else:
            values = _extra_values(v.extra, sf, rng, latent, n)
        columns[v.name] = _storage(values, v)
    raw = pd.DataFrame(columns)
    extra_rows = _test_rows(sf, muni, variables, rng) + _empty_rows(sf, muni, variables, ids, rng)
    if extra_rows:
        raw = pd.concat([raw, pd.DataFrame(extra_rows, columns=raw.columns)], ignore_index=True)
    raw = raw.sort_values(sf.id_name, kind="stable").reset_index(drop=True)
    for v in variables:  # concat may have loosened the dtypes
        raw[v.name] = _storage(raw[v.name].tolist(), v)
    return raw


def _valid_source_values(v):
    if v.value_labels:
        return [c for c in v.value_labels if c not in v.missing]
    return []


def _test_rows(sf, muni, variables, rng):
    """Entries the group typed in to try out its data-entry form."""
    rows = []
    for test_id in sf.test_ids:
        row = {}
        for v in variables:
            if v.target == "resp_id":
                row[v.name] = float(test_id)
            elif v.target == "interview_date":
                d = muni.fieldwork[0]
                row[v.name] = d.strftime(v.date_format) if v.date_format else d
            elif v.target == "age":
                row[v.name] = float(rng.integers(18, 30))
            elif v.extra is not None and v.extra.kind == "test":
                row[v.name] = 1.0
            elif v.storage == "text" and not v.value_labels:
                row[v.name] = "test"
            elif v.extra is not None and v.extra.kind == "duration":
                row[v.name] = 60.0
            else:
                options = _valid_source_values(v)
                row[v.name] = options[rng.integers(len(options))]
        rows.append(row)
    return rows


def _empty_rows(sf, muni, variables, ids, rng):
    """Online submissions in which not a single question was answered."""
    if not sf.empty_rows:
        return []
    free = sorted(set(range(sf.id_start, int(ids.max()) + 1)) - set(ids.tolist()))
    chosen = sorted(rng.choice(free, size=sf.empty_rows, replace=False).tolist())
    days = pd.date_range(*muni.fieldwork, freq="D").date
    rows = []
    for empty_id in chosen:
        row = {}
        for v in variables:
            if v.target == "resp_id":
                row[v.name] = float(empty_id)
            elif v.target == "interview_date":
                d = days[rng.integers(len(days))]
                row[v.name] = d.strftime(v.date_format) if v.date_format else d
            elif v.extra is not None and v.extra.kind == "duration":
                row[v.name] = float(rng.integers(4, 30))
            elif v.storage == "text":
                row[v.name] = ""
            else:
                row[v.name] = np.nan
        rows.append(row)
    return rows


def delivery_sav_metadata(variables):
    """Keyword arguments for :func:`helpers.data.sav.write_sav_atomic`.

    Parameters
    ----------
    variables : list of SourceVariable

    Returns
    -------
    dict
        ``column_labels``, ``variable_value_labels``, ``missing_ranges``,
        ``variable_measure`` and ``variable_format``.
    """
    formats = {}
    for v in variables:
        if v.storage != "numeric":
            continue
        if v.value_labels:
            width = max(len(str(int(c))) for c in v.value_labels)
        else:  # respondent number, age, duration
            width = {"age": 3}.get(v.target, 5)
        formats[v.name] = f"F{width}.0"
    return {
        "column_labels": {v.name: v.label for v in variables},
        "variable_value_labels": {v.name: v.value_labels for v in variables if v.value_labels},
        "missing_ranges": {v.name: sorted(v.missing) for v in variables if v.missing},
        "variable_measure": {v.name: v.measure for v in variables},
        "variable_format": formats,
    }
