"""The synthetic data: deterministic, calibrated, plausible, and consistent with the mappings.

Expected values are the report's figures (``data/reference/report_figures.csv``
and ``data/reference/report_table1.csv``); nothing else is hard-coded.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.data import codebook, config
from helpers.data.codebook import FILTERS, NOT_APPLICABLE, NOT_ASKED
from helpers.data.sav import read_sav
from helpers.synthetic.calibrate import rounded_percent
from helpers.synthetic.generate import build, generate

FIGURES = pd.read_csv(config.REPORT_FIGURES)
TABLE1 = pd.read_csv(config.REPORT_TABLE1)
KEYS = ["table", "variable", "row", "column"]
#: The report's "som" columns: which answer codes they add up.
SOM = {
    "som oneens": (1, 2),
    "som eens": (4, 5),
    "som niet": (1, 2),
    "som wel": (4, 5),
    "som onverzorgd": (1, 2),
    "som verzorgd": (3, 4),
}
GENERATED = {"raw": None, "mappings": None, "synthetic": None, "interviews": ["interviews.csv"]}
#: Hand-written documentation that lives beside generated files.
DOCUMENTATION = {"README.md"}
DESIGN_MODE = {"online": 1, "door_to_door": 2, "street": 3}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    generate(out)
    return out


@pytest.fixture(scope="module")
def built():
    return build()


@pytest.fixture(scope="module")
def truth(built):
    return built[1].data


@pytest.fixture(scope="module")
def mappings():
    folder = config.DATA_DIR / "mappings"
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("gemeente_*.yaml"))
    }


@pytest.fixture(scope="module")
def deviations():
    return pd.read_csv(config.DATA_DIR / "synthetic" / "deviations.csv", keep_default_na=False)


def _valid(series):
    return series[series < codebook.MISSING_LOW]


# --- determinism ------------------------------------------------------------


def test_regeneration_is_byte_identical_to_the_committed_files(regenerated):
    for folder, only in GENERATED.items():
        new_dir, old_dir = regenerated / folder, config.DATA_DIR / folder
        names = sorted(p.name for p in new_dir.iterdir())
        if only is None:  # the generator owns the whole folder: no stale files
            committed = sorted(
                p.name for p in old_dir.iterdir() if p.is_file() and p.name not in DOCUMENTATION
            )
            assert names == committed, folder
        else:
            assert names == only
        for name in names:
            assert (new_dir / name).read_bytes() == (old_dir / name).read_bytes(), (
                f"{folder}/{name} differs from a fresh regeneration: run `make synthetic`"
            )


# --- calibration: the truth reproduces the report ---------------------------


def _recompute(truth, fig):
    """The figure of one report_figures.csv row, recomputed from the truth."""
    if fig.unit == "count":
        if not fig.variable:
            return len(truth)
        return int((truth[fig.variable] < codebook.MISSING_LOW).sum())
    if fig.unit == "years":
        ages = truth[fig.variable].astype(int)
        return (2 * int(ages.sum()) + len(ages)) // (2 * len(ages))
    name = (fig.column if fig.column != "%" else fig.row).casefold()
    labels = {lab.casefold(): code for code, lab in codebook.value_labels(fig.variable).items()}
    codes = SOM[name] if name in SOM else (labels[name],)
    valid = _valid(truth[fig.variable])
    return rounded_percent(int(valid.isin(codes).sum()), len(valid))


def test_truth_reproduces_every_published_figure_except_recorded_deviations(truth, deviations):
    figures = FIGURES.fillna({"variable": "", "row": ""})
    recorded = deviations.set_index(KEYS)
    assert recorded.index.isin(figures.set_index(KEYS).index).all(), (
        "deviations.csv names a cell that report_figures.csv does not have"
    )
    wrong = []
    for fig in figures.itertuples(index=False):
        key = (fig.table, fig.variable, fig.row, fig.column)
        got = _recompute(truth, fig)
        if key in recorded.index:
            rec = recorded.loc[key]
            assert int(rec["published"]) == fig.value
            expected = int(rec["reproduced"])
        else:
            expected = fig.value
        if got != expected:
            wrong.append((key, fig.value, expected, got))
    assert not wrong, wrong


def test_deviations_are_few_and_explained(deviations):
    assert list(deviations.columns) == [*KEYS, "published", "reproduced", "reason"]
    assert len(deviations) <= 3
    assert (deviations["reason"].str.len() > 20).all()
    assert ((deviations["published"] - deviations["reproduced"]).abs() >= 1).all()


def test_every_respondent_has_the_background_variables(truth):
    for var in (
        "gender",
        "age",
        "education",
        "occupation",
        "residence_duration",
        "neighbourhood_appearance",
        "interview_date",
    ):
        assert truth[var].notna().all()
    assert truth["resp_id"].is_unique


# --- the raw files and mappings agree ---------------------------------------


def _harmonise(raw, meta, mapping, letter):
    """A minimal, independent reading of a mapping (not the project's pipeline)."""
    keep = pd.Series(True, index=raw.index)
    for rule in mapping["exclude"]:
        keep &= raw[rule["source"]] != rule["equals"]
    sources = [s["source"] for v, s in mapping["variables"].items() if v != "interview_date"]
    blank = raw[sources].apply(lambda col: col.isna() | (col.astype(str) == ""))
    keep &= ~blank.all(axis=1)
    raw = raw[keep]
    out = pd.DataFrame(
        {"resp_id": [f"{letter}{int(i):04d}" for i in raw[mapping["id"]]]}, index=raw.index
    )
    out["municipality"] = mapping["municipality"]
    rec = mapping["recruitment"]
    out["recruitment"] = (
        rec["value"] if "value" in rec else raw[rec["source"]].map(lambda v: rec["recode"][int(v)])
    )
    for var, spec in mapping["variables"].items():
        col = raw[spec["source"]]
        if var == "interview_date":
            out[var] = (
                col.map(lambda s, fmt=spec["format"]: dt.datetime.strptime(s, fmt).date())
                if "format" in spec
                else col
            )
            continue
        missing, recode = spec.get("missing", {}), spec.get("recode", {})

        def code(v, missing=missing, recode=recode):
            if v is None or v == "" or (isinstance(v, float) and np.isnan(v)):
                return codebook.NO_ANSWER
            key = v if isinstance(v, str) else int(v)
            if key in missing:
                return missing[key]
            return recode[key] if recode else key

        out[var] = col.map(code)
    for var in mapping["not_asked"]:
        out[var] = NOT_ASKED
    return out, int((~keep).sum())


def test_raw_files_read_through_their_mappings_give_the_truth(truth, mappings):
    parts, excluded = [], 0
    for stem, mapping in mappings.items():
        raw, meta = read_sav(config.DATA_DIR / "raw" / mapping["file"])
        part, n_excluded = _harmonise(raw, meta, mapping, stem[-1].upper())
        parts.append(part)
        excluded += n_excluded
    merged = pd.concat(parts, ignore_index=True)[codebook.variable_names()]
    merged = merged.set_index("resp_id").sort_index()
    expected = truth.set_index("resp_id").sort_index()
    assert excluded > 0, "the harmonisation should have rows to exclude"
    assert list(merged.index) == list(expected.index)
    for var in expected.columns:
        same = merged[var].astype(object).to_numpy() == expected[var].astype(object).to_numpy()
        assert same.all(), (var, merged.loc[~same, var].head(), expected.loc[~same, var].head())


def test_every_source_variable_is_mapped_or_dropped(mappings):
    for mapping in mappings.values():
        raw, _meta = read_sav(config.DATA_DIR / "raw" / mapping["file"])
        known = {mapping["id"], *mapping["drop"]}
        known |= {s["source"] for s in mapping["variables"].values()}
        if "source" in mapping["recruitment"]:
            known.add(mapping["recruitment"]["source"])
        assert set(raw.columns) == known, mapping["file"]
        listed = set(mapping["variables"]) | set(mapping["not_asked"])
        assert listed == set(codebook.variable_names()) - {"resp_id", "municipality", "recruitment"}
        assert raw[mapping["id"]].is_unique


def test_mapping_missing_codes_are_declared_user_missing_in_spss(mappings):
    for mapping in mappings.values():
        _raw, meta = read_sav(config.DATA_DIR / "raw" / mapping["file"])
        for var, spec in mapping["variables"].items():
            if "missing" not in spec:
                continue
            declared = {r["lo"] for r in meta.missing_ranges.get(spec["source"], [])}
            assert declared == set(spec["missing"]), (mapping["file"], var)
            assert all(c in meta.variable_value_labels[spec["source"]] for c in spec["missing"])


def test_files_differ_in_the_ways_student_groups_differ(mappings):
    specs = [m["variables"] for m in mappings.values()]
    names = [frozenset(s["source"] for s in v.values()) for v in specs]
    assert len(set(names)) == len(names), "two files share all variable names"
    assert len({m["id"] for m in mappings.values()}) == len(mappings)
    reversed_likert = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    assert any(v["role_fun"].get("recode") == reversed_likert for v in specs)
    assert any(v.get("bin_known", {}).get("recode") == {1: 1, 0: 2} for v in specs)
    assert any("bin_known" in v and "recode" not in v["bin_known"] for v in specs)
    assert any(isinstance(k, str) for v in specs for k in v["gender"].get("recode", {}))
    text_dates = [m for m in mappings.values() if "format" in m["variables"]["interview_date"]]
    assert len(text_dates) == 1
    raw, meta = read_sav(config.DATA_DIR / "raw" / text_dates[0]["file"])
    assert (
        meta.readstat_variable_types[text_dates[0]["variables"]["interview_date"]["source"]]
        == "string"
    )
    dont_know = {c for v in specs for c, h in v["role_fun"].get("missing", {}).items() if h == 98}
    assert len(dont_know) >= 2, "every group codes 'weet niet' the same way"
    assert sum(bool(m["exclude"]) for m in mappings.values()) >= 1
    assert sum(bool(m["drop"]) for m in mappings.values()) >= 3


# --- design of the survey ---------------------------------------------------


def test_municipalities_sizes_designs_and_bin(truth, mappings):
    sizes = truth["municipality"].value_counts().sort_index()
    assert list(sizes.index) == list(range(1, 11))
    assert sizes.between(60, 170).all()
    designs = {m["municipality"]: m["design"] for m in mappings.values()}
    assert sum(d == "mix" for d in designs.values()) >= 2
    for code, design in designs.items():
        modes = set(truth.loc[truth["municipality"] == code, "recruitment"])
        if design == "mix":
            assert len(modes) >= 2
        else:
            assert modes == {DESIGN_MODE[design]}
    with_bin = {m["municipality"] for m in mappings.values() if "bin_known" in m["variables"]}
    assert len(with_bin) == 8
    no_bin = ~truth["municipality"].isin(with_bin)
    for var in ("bin_known", "bin_member", "bin_willing"):
        assert (truth.loc[no_bin, var] == NOT_ASKED).all()
        assert (truth.loc[~no_bin, var] != NOT_ASKED).all()


def test_interview_dates_fall_in_the_fieldwork(truth):
    dates = pd.to_datetime(truth["interview_date"])
    assert dates.min() >= pd.Timestamp("2020-01-06")
    assert dates.max() <= pd.Timestamp("2020-03-13")


def test_routing_of_the_bin_questions(truth):
    known, member, willing = truth["bin_known"], truth["bin_member"], truth["bin_willing"]
    in_bin = known != NOT_ASKED
    asked_member = known.isin([c for cond in FILTERS["bin_member"] for c in cond["bin_known"]])
    assert ((member == 1) <= (known == 1)).all()
    assert (member[in_bin & ~asked_member] == NOT_APPLICABLE).all()
    assert (member[asked_member] != NOT_APPLICABLE).all()
    asked_willing = (known == 2) | (member == 2)
    assert (willing[in_bin & ~asked_willing] == NOT_APPLICABLE).all()
    assert (willing[asked_willing] != NOT_APPLICABLE).all()
    assert (willing[member == 1] == NOT_APPLICABLE).all()


# --- joint structure --------------------------------------------------------


def _spearman(a, b):
    ok = (a < codebook.MISSING_LOW) & (b < codebook.MISSING_LOW)
    return a[ok].rank().corr(b[ok].rank())


def test_items_of_one_motive_correlate_positively_after_reversal(truth):
    for motive, spec in codebook.load_scales().items():
        for (a, da), (b, db) in itertools.combinations(spec["items"].items(), 2):
            r = _spearman(truth[a] * da, truth[b] * db)
            assert r > 0.15, (motive, a, b, r)


def test_policy_items_correlate_with_each_other(truth):
    for a, b in itertools.combinations(codebook.variables_in_group("Tabel 5"), 2):
        assert _spearman(truth[a], truth[b]) > 0.2, (a, b)


def test_willingness_goes_with_engagement(truth):
    init = codebook.variables_in_group("Tabel 8")
    for a, b in itertools.combinations(init, 2):
        assert _spearman(truth[a], truth[b]) > 0.1, (a, b)
    assert _spearman(truth["bin_willing"], truth["init_surveillance"]) > 0.1
    score = truth[init].where(truth[init] < codebook.MISSING_LOW).mean(axis=1)
    assert score[truth["bin_member"] == 1].mean() > score[truth["bin_member"] == 2].mean()


def test_age_follows_occupation_and_education(truth):
    age = truth.groupby("occupation")["age"].mean()
    student, retired = 3, 4
    assert age[student] < 30 < 60 < age[retired]
    by_edu = truth.groupby("education")["age"].mean()
    assert by_edu[3] < by_edu[1]
    assert truth["age"].between(16, 100).all()
    by_duration = truth.groupby("residence_duration")["age"].mean()
    assert by_duration[1] < by_duration[4]


# --- interviews (Tabel 1) ---------------------------------------------------


@pytest.fixture(scope="module")
def interviews():
    return pd.read_csv(config.INTERVIEWS_FILE, keep_default_na=False)


def test_interviews_reproduce_table_1(interviews):
    table = TABLE1.fillna({"function": ""})
    for rec in table[table["table"] == "Tabel 1"].itertuples(index=False):
        if rec.row == "TOTAAL":
            got = len(interviews)
        elif rec.function == "Totaal":
            got = int((interviews["organisation"] == rec.row).sum())
        else:
            got = int(
                (
                    (interviews["organisation"] == rec.row)
                    & (interviews["function"] == rec.function)
                ).sum()
            )
        assert got == rec.value, rec
    text = table[table["table"] == "Tekst 2.1"].set_index("row")["value"]
    assert interviews["interview_id"].nunique() == text["Interviews"]
    assert interviews["respondent_id"].nunique() == text["Respondenten"] == len(interviews)


def test_interviews_are_spread_over_the_municipalities(interviews):
    assert set(interviews["municipality"]) == set(range(1, 11))
    mayors = interviews.loc[interviews["function"] == "Burgemeester", "municipality"]
    assert mayors.is_unique and mayors.nunique() == 9  # "op één na alle burgemeesters"
    per_interview = interviews.groupby("interview_id")
    assert (per_interview.size() >= 2).any()
    assert (per_interview["municipality"].nunique() == 1).all()
    assert (per_interview["interview_date"].nunique() == 1).all()
    dates = pd.to_datetime(interviews["interview_date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2019-10-01")
    assert dates.max() <= pd.Timestamp("2019-12-31")
    assert list(interviews.columns) == [
        "interview_id",
        "respondent_id",
        "municipality",
        "interview_date",
        "organisation",
        "function",
    ]
