"""Harmonisation of single deliveries and the merge, on hand-made fixtures."""

from __future__ import annotations

import copy
import hashlib
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import delivery_a, delivery_b, delivery_c
from helpers.data import codebook
from helpers.data.errors import DeliveryError, MappingError
from helpers.data.harmonise import REASON_ALL_MISSING, harmonise_file
from helpers.data.mapping import load_mapping, validate_mapping
from helpers.data.merge import merge_deliveries
from helpers.data.pipeline import apply_labels, build_processed, load_survey, main
from helpers.data.sav import read_sav
from helpers.data.schema import SurveySchemaError, validate_survey


def harmonise(make, frame_edit=None, mapping_edit=None):
    """Harmonise a fixture delivery in memory (after optional edits)."""
    df, sav, mapping = make()
    mapping = copy.deepcopy(mapping)
    if frame_edit:
        frame_edit(df)
    if mapping_edit:
        mapping_edit(mapping)

    class Meta:
        missing_ranges = {
            k: [{"lo": v[0], "hi": v[0]}] for k, v in sav.get("missing_ranges", {}).items()
        }

    return harmonise_file(df, Meta, mapping, mapping["file"])


@pytest.fixture(scope="module")
def a():
    return harmonise(delivery_a)


def row(result, resp_id):
    df = result[0]
    return df.loc[df["resp_id"] == resp_id].iloc[0]


# --------------------------------------------------------------------------
# known answers
# --------------------------------------------------------------------------


def test_columns_in_codebook_order(a):
    assert list(a[0].columns) == codebook.variable_names()


def test_resp_id_is_letter_plus_padded_source_id(a):
    assert a[0]["resp_id"].tolist() == ["A0001", "A0002", "A0003", "A0007"]
    b, _ = harmonise(delivery_b)
    assert b["resp_id"].tolist() == ["B0003", "B0007", "B0012", "B0020"]
    assert all(re.fullmatch(r"[A-J]\d{4}", r) for r in b["resp_id"])


def test_resp_id_pads_to_at_least_four_digits():
    # ids above 9999 keep all their digits; shorter ones are padded to four
    def edit(df):
        df["resp_nr"] = [9999, 10000, 3, 4, 5, 123456]

    result, _ = harmonise(delivery_a, frame_edit=edit)
    assert result["resp_id"].tolist() == ["A9999", "A10000", "A0003", "A123456"]
    assert all(re.fullmatch(r"[A-J]\d{4,}", r) for r in result["resp_id"])


@pytest.mark.parametrize("value", [-1, 10**15])
def test_id_outside_range_raises(value):
    with pytest.raises(
        DeliveryError,
        match=rf"'resp_nr', value {value}: respondent id "
        r"must lie in 0-999999999999999",
    ):
        harmonise(delivery_a, frame_edit=_set("resp_nr", 1, value))


def test_large_duplicate_id_raises():
    with pytest.raises(DeliveryError, match=r"'resp_nr', value 12345: duplicate respondent id"):
        harmonise(
            delivery_a, frame_edit=lambda df: df.__setitem__("resp_nr", [1, 12345, 3, 4, 12345, 7])
        )


def test_text_gender_is_recoded(a):
    assert a[0]["gender"].tolist() == [1, 2, 2, 1]


def test_reversed_scales(a):
    # appearance: source 1 = heel verzorgd -> code 4
    assert a[0]["neighbourhood_appearance"].tolist() == [4, 3, 2, 1]
    src, _, _ = delivery_a()
    kept = src.loc[src["resp_nr"].isin([1, 2, 3, 7])]
    source_col = delivery_a()[2]["variables"]["role_police_guarantee"]["source"]
    assert a[0]["role_police_guarantee"].tolist() == (6 - kept[source_col]).astype(int).tolist()


def test_zero_one_yes_no(a):
    # 1 = ja -> 1, 0 = nee -> 2; system-missing in an asked item -> 99
    assert a[0]["bin_known"].tolist() == [1, 2, 1, 99]


def test_missing_codes(a):
    assert row(a, "A0003")["education"] == 99  # source 9 (declared user-missing)
    assert row(a, "A0003")["residence_duration"] == 98  # source 8 = weet niet
    assert np.isnan(row(a, "A0003")["age"])  # source 999 -> system-missing
    assert row(a, "A0001")["age"] == 34


def test_not_asked_is_97(a):
    assert (a[0]["role_develop"] == 97).all() and (a[0]["role_effort"] == 97).all()
    b, _ = harmonise(delivery_b)
    for var in ("bin_known", "bin_member", "bin_willing"):
        assert (b[var] == 97).all()


def test_routing_not_applicable_is_96(a):
    # A0001: knows the BIN and is a member -> willingness not asked
    assert row(a, "A0001")[["bin_known", "bin_member", "bin_willing"]].tolist() == [1, 1, 96]
    # A0002: does not know the BIN -> membership not asked, willingness asked
    assert row(a, "A0002")[["bin_known", "bin_member", "bin_willing"]].tolist() == [2, 96, 4]
    # A0003: knows, not a member -> willingness asked
    assert row(a, "A0003")[["bin_known", "bin_member", "bin_willing"]].tolist() == [1, 2, 5]
    # A0007: no answer on knowledge -> neither follow-up applies
    assert row(a, "A0007")[["bin_known", "bin_member", "bin_willing"]].tolist() == [99, 96, 96]


def test_dates_spss_and_text(a):
    assert row(a, "A0001")["interview_date"] == pd.Timestamp("2020-01-10")
    b, _ = harmonise(delivery_b)
    assert b["interview_date"].tolist() == [
        pd.Timestamp(d) for d in ("2020-01-15", "2020-01-16", "2020-02-02", "2020-03-31")
    ]


def test_recruitment_from_source_variable():
    c, log = harmonise(delivery_c)
    assert c["recruitment"].tolist() == [1, 3, 3]
    assert c["bin_willing"].tolist() == [1, 98, 3]


def test_exclusions_are_logged(a):
    _, log = a
    assert log["rows_read"] == 6
    assert log["rows_written"] == 4
    assert log["rows_excluded"] == 2
    assert log["excluded"] == {"Testinvoer": 1, REASON_ALL_MISSING: 1}


def test_merge_orders_and_counts(deliveries):
    merged, merge_log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    assert merged["municipality"].tolist() == [1] * 4 + [2] * 4 + [3] * 3
    assert merged["resp_id"].is_unique
    # one row per file, then one per codebook municipality without a file
    assert merge_log["file"].tolist()[:3] == ["gemeente_a.sav", "gemeente_b.sav", "gemeente_c.sav"]
    assert merge_log["rows_read"].tolist() == [6, 4, 3] + [0] * 7
    assert merge_log["municipality"].tolist() == list(range(1, 11))
    assert (merge_log["file"].iloc[3:] == "").all()
    assert merge_log["notes"].iloc[3:].str.startswith("Geen bestand aangeleverd").all()
    assert (merge_log["rows_read"] == merge_log["rows_written"] + merge_log["rows_excluded"]).all()
    assert "Testinvoer (1)" in merge_log.loc[0, "reason"]
    assert merge_log.attrs["provenance"].missing == tuple(range(4, 11))
    validate_survey(merged)


# --------------------------------------------------------------------------
# faulty values (in memory)
# --------------------------------------------------------------------------


def _set(column, index, value):
    def edit(df):
        df[column] = df[column].astype(object)
        df.loc[index, column] = value

    return edit


@pytest.mark.parametrize(
    "edit, variable, value",
    [
        (_set("bin_lid", 1, 1), "bin_lid", 1),  # member although BIN unknown
        (_set("bin_bereid", 0, 3), "bin_bereid", 3),  # willing although already member
        (_set("geslacht", 0, "F"), "geslacht", "F"),  # not a recode key
        (_set("datum", 0, "2020-01-10"), "datum", "2020-01-10"),  # text without format
        (_set("lft", 0, 34.5), "lft", 34.5),  # age not a whole number
        (_set("resp_nr", 1, 1), "resp_nr", 1),  # duplicate id
        (_set("resp_nr", 1, 2.5), "resp_nr", 2.5),  # id not an integer
    ],
)
def test_faulty_values_raise(edit, variable, value):
    with pytest.raises(DeliveryError) as info:
        harmonise(delivery_a, frame_edit=edit)
    message = str(info.value)
    assert "gemeente_a.sav" in message
    assert repr(variable) in message
    assert repr(value) in message


def test_unparseable_text_date():
    with pytest.raises(DeliveryError, match=r"'dag'.*'31/02/2020'.*does not match"):
        harmonise(delivery_b, frame_edit=_set("dag", 2, "31/02/2020"))


def test_not_applicable_code_where_question_applies():
    def mapping_edit(m):
        m["variables"]["bin_member"]["missing"] = {0: 96}

    with pytest.raises(DeliveryError, match="routing asks the question"):
        harmonise(delivery_a, frame_edit=_set("bin_lid", 0, 0), mapping_edit=mapping_edit)


def test_not_applicable_code_in_question_without_routing():
    def mapping_edit(m):
        m["variables"]["education"]["missing"] = {9: 99, 7: 96}

    with pytest.raises(DeliveryError, match=r"'opl'.*value 7.*without routing"):
        harmonise(delivery_a, frame_edit=_set("opl", 0, 7), mapping_edit=mapping_edit)
    # declared but unused: fine
    harmonise(delivery_a, mapping_edit=mapping_edit)


def test_declared_user_missing_code_must_be_covered():
    def mapping_edit(m):
        del m["variables"]["education"]["missing"]

    with pytest.raises(DeliveryError, match=r"'opl'.*value 9.*user-missing"):
        harmonise(delivery_a, mapping_edit=mapping_edit)


def test_mapped_source_absent_from_file():
    with pytest.raises(DeliveryError, match=r"'sex'.*absent from the file"):
        harmonise(delivery_b, frame_edit=lambda df: df.pop("sex"))


def test_excluded_rows_are_not_value_checked():
    # the test entry holds gender "X" and education 7; it is excluded first
    _, log = harmonise(delivery_a)
    assert log["excluded"]["Testinvoer"] == 1


# --------------------------------------------------------------------------
# mapping validation
# --------------------------------------------------------------------------


def _write_mapping(tmp_path, mapping):
    path = tmp_path / "gemeente_a.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda m: m["variables"].__setitem__("gendr", {"source": "x"}), "variables.gendr"),
        (lambda m: m["not_asked"].remove("role_effort"), "variables.role_effort"),
        (
            lambda m: m["variables"]["gender"]["recode"].__setitem__("X", 3),
            "variables.gender.recode.X",
        ),
        (
            lambda m: m["variables"]["education"].__setitem__("missing", {9: 95}),
            "variables.education.missing.9",
        ),
        (lambda m: m["recruitment"].__setitem__("value", 2), "recruitment.value"),
        (lambda m: m.__setitem__("municipality", 11), "municipality"),
        (lambda m: m.pop("id"), "id"),
    ],
)
def test_mapping_errors_name_file_and_key(tmp_path, edit, key):
    mapping = copy.deepcopy(delivery_a()[2])
    edit(mapping)
    with pytest.raises(MappingError) as info:
        load_mapping(_write_mapping(tmp_path, mapping))
    assert "gemeente_a.yaml" in str(info.value)
    assert repr(key) in str(info.value)
    assert isinstance(info.value, DeliveryError)


def test_valid_mapping_loads(tmp_path):
    mapping = load_mapping(_write_mapping(tmp_path, delivery_a()[2]))
    assert mapping["variables"]["gender"]["recode"] == {"M": 1, "V": 2}
    assert validate_mapping(mapping) == mapping  # idempotent


# --------------------------------------------------------------------------
# faulty deliveries through the pipeline: error + no partial output
# --------------------------------------------------------------------------


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def previous_output(deliveries):
    """An existing output folder whose bytes must survive a failed build."""
    (deliveries.out / "enquete.sav").write_bytes(b"previous enquete.sav")
    (deliveries.out / "merge_log.csv").write_text("previous log\n")
    return {p.name: _digest(p) for p in deliveries.out.iterdir()}


def _corrupt(d):
    (d.raw / "gemeente_b.sav").write_bytes(b"not an SPSS file at all " * 40)


def _truncate(d):
    path = d.raw / "gemeente_b.sav"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def _unknown_variable(d):
    d.frames["b"]["extra_vraag"] = [1, 2, 3, 4]
    d.write()


def _code_outside_labels(d):
    d.frames["b"].loc[2, "sex"] = 3
    d.write()


def _duplicate_id(d):
    d.frames["b"]["nr"] = [3, 7, 7, 20]
    d.write()


def _extra_file(d):
    (d.raw / "gemeente_k.sav").write_bytes((d.raw / "gemeente_c.sav").read_bytes())


def _two_mappings_one_municipality(d):
    mapping = copy.deepcopy(d.mappings["c"])
    mapping["municipality"] = 2
    d.mappings["c"] = mapping
    d.write()


def _age_out_of_range(d):
    d.frames["b"]["leeftijd"] = [23, 45, 12, 16]
    d.write()


@pytest.mark.parametrize(
    "damage, expected",
    [
        (_corrupt, ["gemeente_b.sav", "cannot be read"]),
        (_truncate, ["gemeente_b.sav", "cannot be read"]),
        (_unknown_variable, ["gemeente_b.sav", "'extra_vraag'", "not in the mapping"]),
        (_code_outside_labels, ["gemeente_b.sav", "'sex'", "value 3", "source id 12"]),
        (_duplicate_id, ["gemeente_b.sav", "'nr'", "value 7", "duplicate"]),
        (_extra_file, ["gemeente_k.sav", "no mapping"]),
        (_two_mappings_one_municipality, ["gemeente_c.yaml", "municipality", "gemeente_b.yaml"]),
        (_age_out_of_range, ["'age'", "12", "B0012", "gemeente_b.sav"]),
    ],
    ids=[
        "corrupt",
        "truncated",
        "unknown-variable",
        "code-outside-labels",
        "duplicate-id",
        "extra-file",
        "two-mappings-one-municipality",
        "age-out-of-range",
    ],
)
def test_faulty_delivery_leaves_output_untouched(deliveries, previous_output, damage, expected):
    damage(deliveries)
    with pytest.raises(DeliveryError) as info:
        build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    for text in expected:
        assert text in str(info.value)
    assert {p.name: _digest(p) for p in deliveries.out.iterdir()} == previous_output


def test_schema_error_type(deliveries):
    _age_out_of_range(deliveries)
    merged, log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    with pytest.raises(SurveySchemaError) as info:
        validate_survey(merged, dict(zip(log["municipality"], log["file"])))
    assert info.value.variable == "age"


def test_cli_reports_error_and_writes_nothing(deliveries, previous_output, capsys):
    _duplicate_id(deliveries)
    code = main(
        [
            "--raw",
            str(deliveries.raw),
            "--mappings",
            str(deliveries.mappings_dir),
            "--out",
            str(deliveries.out),
        ]
    )
    assert code == 1
    assert "duplicate respondent id" in capsys.readouterr().err
    assert {p.name: _digest(p) for p in deliveries.out.iterdir()} == previous_output


# --------------------------------------------------------------------------
# the written file
# --------------------------------------------------------------------------


def test_written_file_and_log(deliveries, previous_output):
    code = main(
        [
            "--raw",
            str(deliveries.raw),
            "--mappings",
            str(deliveries.mappings_dir),
            "--out",
            str(deliveries.out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in deliveries.out.iterdir()) == [
        "enquete.sav",
        "frequencies.csv",
        "merge_log.csv",
    ]
    df, meta = load_survey(deliveries.out / "enquete.sav")
    assert list(df.columns) == codebook.variable_names()
    assert len(df) == 11
    assert meta.column_names_to_labels == {
        v: codebook.variable_label(v) for v in codebook.variable_names()
    }
    assert meta.variable_value_labels["gender"] == {
        float(k): v for k, v in codebook.value_labels("gender", include_missing=True).items()
    }
    assert meta.missing_ranges["role_develop"] == [{"lo": 96.0, "hi": 99.0}]
    assert meta.original_variable_types["interview_date"].startswith("DATE")
    assert meta.readstat_variable_types["resp_id"] == "string"
    assert meta.variable_measure["age"] == "scale"
    assert meta.variable_measure["role_duty"] == "ordinal"
    assert meta.variable_measure["gender"] == "nominal"
    assert df["interview_date"].iloc[0] == pd.Timestamp("2020-01-10")
    assert df.loc[df["resp_id"] == "A0001", "role_develop"].item() == 97
    log = pd.read_csv(deliveries.out / "merge_log.csv", keep_default_na=False)
    assert log["rows_written"].sum() == len(df)
    assert log["rows_read"].sum() == log["rows_written"].sum() + log["rows_excluded"].sum()


def test_ids_above_9999_are_written(deliveries):
    deliveries.frames["b"]["nr"] = [3, 7, 12000, 20]
    deliveries.write()
    merged, _ = build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    assert "B12000" in merged["resp_id"].tolist()
    df, meta = load_survey(deliveries.out / "enquete.sav")
    assert df["resp_id"].tolist() == merged["resp_id"].tolist()
    assert meta.original_variable_types["resp_id"] == "A6"


def test_schema_resp_id_has_at_least_four_digits(deliveries):
    merged, log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    letter = merged.loc[0, "resp_id"][0]
    merged.loc[0, "resp_id"] = f"{letter}12345"
    validate_survey(merged)
    merged.loc[0, "resp_id"] = f"{letter}123"
    with pytest.raises(SurveySchemaError, match=r"'resp_id'.*str_matches"):
        validate_survey(merged)


def test_apply_labels(deliveries):
    merged, _ = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    before = merged.copy()
    labelled = apply_labels(merged)
    pd.testing.assert_frame_equal(merged, before)  # pure
    gender = labelled["gender"]
    assert gender.cat.ordered
    assert list(gender.cat.categories) == ["Man", "Vrouw"]
    willing = labelled["bin_willing"]
    assert list(willing.cat.categories) == list(codebook.value_labels("bin_willing").values())
    assert willing.isna().sum() == (merged["bin_willing"] >= 96).sum()
    assert labelled.loc[1, "bin_willing"] == "Waarschijnlijk wel"
    assert labelled["resp_id"].tolist() == merged["resp_id"].tolist()
    only = apply_labels(merged, ["education"])
    assert isinstance(only["education"].dtype, pd.CategoricalDtype)
    assert only["gender"].dtype == merged["gender"].dtype


def test_read_sav_roundtrip_is_byte_stable(deliveries):
    build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    first = _digest(deliveries.out / "enquete.sav")
    build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    assert _digest(deliveries.out / "enquete.sav") == first
    df, _ = read_sav(deliveries.out / "enquete.sav")
    assert len(df) == 11
