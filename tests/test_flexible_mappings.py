"""Fewer rigidities: what real deliveries look like, accepted or refused clearly.

Each case is documented with an example in ``data/mappings/README.md``. The
fixtures are the hand-made deliveries of ``conftest.py``.
"""

from __future__ import annotations

import copy
import re
import struct

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.data import codebook
from helpers.data.errors import DeliveryError, MappingError
from helpers.data.mapping import load_mapping, validate_mapping
from helpers.data.merge import NOTE_NOT_DELIVERED, merge_deliveries
from helpers.data.pipeline import build_processed, load_survey
from helpers.data.provenance import read_provenance
from helpers.data.sav import spss_weight_variable, write_sav_atomic
from helpers.data.schema import SurveySchemaError


def _write_yaml(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# text respondent ids
# --------------------------------------------------------------------------

QUALTRICS_IDS = ["R_1a2B3c4D", "R_9zYx8WvU", "R_00aa11BB", "R_Zz99yY88"]


def test_text_ids_are_kept_and_unique(deliveries):
    deliveries.frames["b"]["nr"] = QUALTRICS_IDS
    deliveries.write()
    merged, _ = build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    ids = merged.loc[merged["municipality"] == 2, "resp_id"].tolist()
    assert ids == [f"B-{i}" for i in QUALTRICS_IDS]
    df, _ = load_survey(deliveries.out / "enquete.sav")
    assert df["resp_id"].tolist() == merged["resp_id"].tolist()
    # the numeric ids of the other files are as before
    assert "A0001" in df["resp_id"].tolist()


def test_text_ids_keep_leading_zeros_when_mixed_with_text(deliveries):
    deliveries.frames["b"]["nr"] = ["0007", "7", "R_1", "R_2"]
    deliveries.write()
    merged, _ = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    assert merged.loc[merged["municipality"] == 2, "resp_id"].tolist() == [
        "B-0007",
        "B-7",
        "B-R_1",
        "B-R_2",
    ]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["R_1", "R_2", "R_1", "R_3"], "duplicate respondent id"),
        (["R_abc", "R_ABC", "R_1", "R_2"], "differs only in case from 'R_abc'"),
        (["R_1", "R 2", "R_3", "R_4"], "only letters, digits"),
        (["R_1", "", "R_3", "R_4"], "empty in row 2"),
    ],
)
def test_bad_text_ids_are_refused(deliveries, ids, expected):
    deliveries.frames["b"]["nr"] = ids
    deliveries.write()
    with pytest.raises(DeliveryError, match=expected) as info:
        merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    assert info.value.file == "gemeente_b.sav" and info.value.variable == "nr"


# --------------------------------------------------------------------------
# one municipality in several files
# --------------------------------------------------------------------------


def _split_a(deliveries, second_ids):
    """Deliver Gemeente A in two files, the second with the given ids."""
    df = deliveries.frames["a"]
    first, second = df.iloc[:3].copy(), df.iloc[3:].copy()
    second["resp_nr"] = second_ids
    deliveries.frames.pop("a")
    deliveries.frames["a_deel1"], deliveries.frames["a_deel2"] = first, second
    deliveries.sav_meta["a_deel1"] = deliveries.sav_meta["a_deel2"] = deliveries.sav_meta["a"]
    (deliveries.raw / "gemeente_a.sav").unlink()
    deliveries.mappings["a"]["file"] = ["gemeente_a_deel1.sav", "gemeente_a_deel2.sav"]
    return deliveries.write()


def test_one_municipality_in_two_files(deliveries):
    whole, _ = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    _split_a(deliveries, [4, 5, 7])
    merged, merge_log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    pd.testing.assert_frame_equal(merged, whole)
    rows = merge_log[merge_log["municipality"] == 1]
    assert rows["file"].tolist() == ["gemeente_a_deel1.sav", "gemeente_a_deel2.sav"]
    assert rows["rows_read"].tolist() == [3, 3]


def test_ids_must_be_unique_across_the_files_of_a_municipality(deliveries):
    _split_a(deliveries, [4, 2, 7])  # id 2 is also in the first part
    with pytest.raises(DeliveryError) as info:
        merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    message = str(info.value)
    for text in ("gemeente_a_deel2.sav", "'resp_nr'", "value 2", "gemeente_a_deel1.sav"):
        assert text in message, message


def test_a_second_mapping_for_one_municipality_points_to_the_file_list(deliveries):
    mapping = copy.deepcopy(deliveries.mappings["a"])
    mapping["file"] = "gemeente_a_extra.sav"
    _write_yaml(deliveries.mappings_dir / "gemeente_a2.yaml", yaml.safe_dump(mapping))
    with pytest.raises(MappingError, match=r"already mapped.*'file' lists them all"):
        merge_deliveries(deliveries.raw, deliveries.mappings_dir)


# --------------------------------------------------------------------------
# plausibility ranges, dates, exclusions
# --------------------------------------------------------------------------


def test_range_error_says_where_the_range_is_set(deliveries):
    deliveries.frames["b"]["leeftijd"] = [23, 45, 12, 16]
    deliveries.write()
    with pytest.raises(SurveySchemaError) as info:
        build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    message = str(info.value)
    low, high = codebook.plausible_range("age")
    assert f"in_range({low}, {high})" in message
    assert "variables.age" in message and codebook.CODEBOOK_FILE in message


@pytest.mark.parametrize(
    ("texts", "fmt"),
    [
        (["15/01/2020 09:12", "16/01/2020 18:00:59", "02/02/2020", "31/03/2020 23:59"], "%d/%m/%Y"),
        (
            ["2020-01-15 09:12:03", "2020-01-16T18:00:59", "2020-02-02 00:00", "2020-03-31"],
            "%Y-%m-%d",
        ),
        (
            ["15/01/2020 09:12", "16/01/2020 18:00", "02/02/2020 00:00", "31/03/2020 23:59"],
            "%d/%m/%Y %H:%M",
        ),
    ],
)
def test_text_dates_with_a_time_part(deliveries, texts, fmt):
    deliveries.frames["b"]["dag"] = texts
    deliveries.mappings["b"]["variables"]["interview_date"]["format"] = fmt
    deliveries.write()
    merged, _ = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    days = merged.loc[merged["municipality"] == 2, "interview_date"]
    assert days.dt.strftime("%Y-%m-%d").tolist() == [
        "2020-01-15",
        "2020-01-16",
        "2020-02-02",
        "2020-03-31",
    ]
    assert (days == days.dt.normalize()).all()


def test_text_date_with_a_garbled_time_part_is_refused(deliveries):
    deliveries.frames["b"]["dag"] = ["15/01/2020 9u12", "16/01/2020", "02/02/2020", "31/03/2020"]
    deliveries.write()
    with pytest.raises(DeliveryError, match=r"'dag', value '15/01/2020 9u12'.*format"):
        merge_deliveries(deliveries.raw, deliveries.mappings_dir)


def test_exclude_on_a_list_of_values(deliveries):
    deliveries.frames["a"]["testinvoer"] = [0, 2, 0, 1, 0, 0]
    deliveries.mappings["a"]["exclude"][0]["equals"] = [1, 2]
    deliveries.write()
    merged, merge_log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    assert "A0002" not in merged["resp_id"].tolist()
    assert "Testinvoer (2)" in merge_log.loc[0, "reason"]


# --------------------------------------------------------------------------
# YAML booleans
# --------------------------------------------------------------------------


def test_yes_and_no_keys_stay_text(deliveries):
    deliveries.frames["a"]["geslacht"] = ["yes", "no", "no", "X", "", "yes"]
    deliveries.write()
    path = deliveries.mappings_dir / "gemeente_a.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("recode:\n      M: 1\n      V: 2", "recode: {yes: 1, no: 2}")
    assert "{yes: 1, no: 2}" in text
    _write_yaml(path, text)
    assert load_mapping(path)["variables"]["gender"]["recode"] == {"yes": 1, "no": 2}
    with pytest.raises(DeliveryError, match=r"'geslacht', value 'yes'.*'Man'"):
        # yes/no name no gender: the label check asks for an explicit decision
        merge_deliveries(deliveries.raw, deliveries.mappings_dir)


@pytest.mark.parametrize("key", ["true", "false", "True"])
def test_true_and_false_keys_are_refused_with_an_explanation(tmp_path, key):
    path = _write_yaml(
        tmp_path / "gemeente_a.yaml",
        yaml.safe_dump(_fixture_mapping()).replace("V: 2", f"{key}: 2"),
    )
    with pytest.raises(MappingError, match=r"YAML booleans.*quotes") as info:
        load_mapping(path)
    assert "variables.gender.recode" in str(info.value)


def _fixture_mapping():
    from conftest import delivery_a

    return copy.deepcopy(delivery_a()[2])


# --------------------------------------------------------------------------
# wrong types anywhere in a mapping
# --------------------------------------------------------------------------

WRONG_VALUES = [["a", "b"], {"a": 1}, True, 3.5, None, "tekst", 7, []]


def _leaves(node, path=()):
    """Every (path, value) of a nested mapping, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))


def _replace(mapping, path, value):
    out = copy.deepcopy(mapping)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def test_wrong_types_anywhere_give_a_mapping_error_not_a_crash():
    """Any value of any key replaced by a list, a dictionary, a boolean, ...:
    the mapping is accepted or refused with a MappingError, never a TypeError."""
    mapping = _fixture_mapping()
    paths = [p for p, _ in _leaves(mapping) if p]
    tried = refused = 0
    for path in paths:
        for value in WRONG_VALUES:
            tried += 1
            try:
                validate_mapping(_replace(mapping, path, value), "gemeente_a.yaml")
            except MappingError as exc:
                refused += 1
                assert str(exc).startswith("mapping 'gemeente_a.yaml'"), exc
    assert tried > 500 and refused > tried / 2


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        (("id",), ["resp_nr", "nr"], "'id'"),
        (("municipality",), True, "'municipality'"),
        (("design",), ["online"], "'design'"),
        (("variables", "gender", "source"), ["geslacht"], "'variables.gender.source'"),
        (("variables", "gender", "recode"), [1, 2], "'variables.gender.recode'"),
        (("not_asked",), [{"role_develop": 1}], "'not_asked'"),
        (("exclude", 0, "equals"), {"a": 1}, "'exclude[0].equals'"),
        (("recruitment", "value"), True, "'recruitment.value'"),
    ],
)
def test_wrong_types_name_the_key(path, value, key):
    with pytest.raises(MappingError, match=re.escape(key)):
        validate_mapping(_replace(_fixture_mapping(), path, value), "gemeente_a.yaml")


# --------------------------------------------------------------------------
# weight variables and municipalities without a file
# --------------------------------------------------------------------------


def _weight(path, element):
    """Mark the file as weighted by its ``element``-th variable (``WEIGHT BY``)."""
    data = bytearray(path.read_bytes())
    struct.pack_into("<i", data, 76, element)
    path.write_bytes(bytes(data))


def test_spss_weight_variable_is_reported_and_ignored(deliveries):
    # the weight is the first variable: the first 8-byte element of a case
    deliveries.frames["b"].insert(0, "gewicht", [1.2, 0.8, 1.0, 1.0])
    deliveries.mappings["b"]["drop"] = {"gewicht": "Weegfactor van de groep (niet gebruikt)"}
    deliveries.write()
    path = deliveries.raw / "gemeente_b.sav"
    assert spss_weight_variable(path) is None
    _weight(path, 1)
    assert spss_weight_variable(path) == "gewicht"
    merged, merge_log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    note = merge_log.set_index("file").loc["gemeente_b.sav", "notes"]
    assert "'gewicht'" in note and "WEIGHT BY" in note and "genegeerd" in note
    assert len(merged[merged["municipality"] == 2]) == 4  # every respondent counts once


def test_weight_after_a_long_text_variable(tmp_path):
    # a text of 20 characters takes three 8-byte elements: the weight is the 5th
    df = pd.DataFrame({"id": [1.0], "opmerking": ["x" * 20], "gew": [1.0]})
    path = write_sav_atomic(df, tmp_path / "w.sav")
    _weight(path, 5)
    assert spss_weight_variable(path) == "gew"


def test_fewer_municipalities_than_expected(deliveries):
    build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    log = pd.read_csv(deliveries.out / "merge_log.csv", keep_default_na=False)
    missing = log[log["file"] == ""]
    assert missing["municipality"].tolist() == list(range(4, 11))
    assert (missing["notes"] == NOTE_NOT_DELIVERED).all()
    assert (missing[["rows_read", "rows_written", "rows_excluded"]] == 0).all().all()
    provenance = read_provenance(deliveries.out / "enquete.sav")
    assert provenance.missing == tuple(range(4, 11))
    assert provenance.municipalities == [1, 2, 3]


def test_ages_stay_numbers_without_labels(deliveries):
    merged, _ = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    assert np.isnan(merged.loc[merged["resp_id"] == "A0003", "age"].item())
