"""SPSS files nobody here wrote: a correct result or a clear error, never a crash.

The files come from the public test suites of pyreadstat and haven (see
``tests/data/README.md`` for their source and licences). Each goes through the
pipeline's loader (:func:`helpers.data.merge.read_delivery`); a few go on
through the harmonisation with a small mapping, so that their labels and
missing codes meet the checks a real delivery meets.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers.data import codebook
from helpers.data.errors import DeliveryError
from helpers.data.harmonise import REASON_ALL_MISSING, harmonise_file
from helpers.data.mapping import ADMIN_DERIVED
from helpers.data.merge import read_delivery, scan_raw_folder

DATA = Path(__file__).parent / "data"
PYREADSTAT = DATA / "pyreadstat"
HAVEN = DATA / "haven"


def test_every_external_file_is_accounted_for():
    files = sorted(p.name for p in (*PYREADSTAT.glob("*.*"), *HAVEN.glob("*.*")))
    tested = {
        "sample.sav", "sample.zsav", "sample.por", "sample_missing.sav", "missing_char.sav",
        "missing_test.sav", "simple_alltypes.sav", "hebrews.sav", "tegulu.sav",
        "labelled-str.sav", "labelled-num-na.sav", "umlauts.sav", "variable-label.sav",
        "iris.sav", "datetime.sav",
    }  # fmt: skip
    spss = {f for f in files if f.endswith((".sav", ".zsav", ".por"))}
    assert spss == tested
    assert (PYREADSTAT / "LICENSE").is_file() and (HAVEN / "LICENSE.md").is_file()


# --------------------------------------------------------------------------
# read correctly
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sample.sav", "sample.zsav"])
def test_pyreadstat_sample_reads_as_its_authors_record(name):
    df, meta = read_delivery(PYREADSTAT / name)
    expected = pd.read_csv(PYREADSTAT / "sample.csv", encoding="utf-8-sig")
    assert df["mychar"].tolist() == expected["mychar"].tolist()
    np.testing.assert_allclose(df["mynum"], expected["mynum"])
    assert df["mylabl"].tolist() == expected["mylabl"].astype(float).tolist()
    shown = [d.isoformat() if isinstance(d, dt.date) else "" for d in df["mydate"]]
    assert shown == expected["mydate"].fillna("").tolist()
    assert meta.variable_value_labels["mylabl"] == {1.0: "Male", 2.0: "Female"}
    assert meta.column_names_to_labels["mychar"] == "character"


def test_user_missing_values_are_kept_with_their_ranges():
    df, meta = read_delivery(PYREADSTAT / "sample_missing.sav")
    assert {"lo": 2000.0, "hi": 3000.0} in meta.missing_ranges["mynum"]
    assert meta.missing_ranges["mylabl"] == [{"lo": -1.0, "hi": -1.0}]
    assert -1.0 in df["mylabl"].tolist()  # the code itself, not NaN
    df, meta = read_delivery(PYREADSTAT / "missing_char.sav")
    assert meta.missing_ranges["mychar"] == [{"lo": "Z", "hi": "Z"}]
    assert df["mychar"].tolist() == ["Z", "a"]


def test_non_latin_names_and_text():
    df, _ = read_delivery(PYREADSTAT / "hebrews.sav")
    assert list(df.columns) == ["ותק_ב"] and len(df) == 99
    df, meta = read_delivery(PYREADSTAT / "tegulu.sav")
    assert df["Q16br9oe_Q24br9oe"].iloc[0].startswith("నేను")
    assert meta.column_names_to_labels["record"] == "record : Record number"


def test_haven_files_read_correctly():
    df, meta = read_delivery(HAVEN / "umlauts.sav")
    assert meta.column_names_to_labels["var1"] == "This is an ä-umlaut"
    assert meta.variable_value_labels["var1"][1.0] == "the ä umlaut"
    df, meta = read_delivery(HAVEN / "variable-label.sav")
    assert meta.column_names_to_labels == {"sex": "Gender"}
    df, meta = read_delivery(HAVEN / "iris.sav")
    assert df.shape == (150, 5)
    assert meta.variable_value_labels["Species"] == {
        1.0: "setosa",
        2.0: "versicolor",
        3.0: "virginica",
    }
    df, meta = read_delivery(HAVEN / "labelled-str.sav")
    assert df["gender"].tolist() == ["M", "F"]
    assert meta.variable_value_labels["gender"] == {"F": "Female", "M": "Male"}


# --------------------------------------------------------------------------
# clear errors
# --------------------------------------------------------------------------


def test_portable_file_is_refused_with_what_it_is():
    with pytest.raises(DeliveryError, match=r"'sample.por'.*SPSS portable \(\.por\) file"):
        read_delivery(PYREADSTAT / "sample.por")


def test_undecodable_datetime_names_the_variable():
    with pytest.raises(DeliveryError) as info:
        read_delivery(HAVEN / "datetime.sav")
    assert info.value.variable == "date.posix"
    assert "DATETIME20" in str(info.value) and "cannot be decoded" in str(info.value)


@pytest.mark.parametrize("name", ["sample.zsav", "sample.por"])
def test_other_spss_formats_in_the_raw_folder_are_refused(tmp_path, name):
    shutil.copy(PYREADSTAT / name, tmp_path / name)
    with pytest.raises(DeliveryError, match=r"SPSS file of type .* must be \.sav files"):
        scan_raw_folder(tmp_path, [])


# --------------------------------------------------------------------------
# through the harmonisation, with a small mapping
# --------------------------------------------------------------------------


def _mapping(specs):
    """A mapping of Gemeente A reading only ``specs``; everything else not asked."""
    variables = [v for v in codebook.variable_names() if v not in ADMIN_DERIVED]
    return {
        "file": "extern.sav",
        "municipality": 1,
        "design": "online",
        "id": "volgnummer",
        "recruitment": {"value": 1},
        "variables": specs,
        "not_asked": [v for v in variables if v not in specs],
    }


def _harmonise(path, specs, edit=None):
    """Read an external file, number its rows, harmonise it with ``specs``."""
    df, meta = read_delivery(path)
    df.insert(0, "volgnummer", np.arange(1, len(df) + 1, dtype=float))
    if edit:
        edit(df)
    meta = SimpleNamespace(**{k: getattr(meta, k) for k in dir(meta) if not k.startswith("_")})
    return harmonise_file(df, meta, _mapping(specs), path.name)


def test_english_gender_labels_need_an_explicit_decision():
    path = HAVEN / "labelled-str.sav"
    with pytest.raises(DeliveryError) as info:
        _harmonise(path, {"gender": {"source": "gender", "recode": {"M": 1, "F": 2}}})
    message = str(info.value)
    for text in ("labelled-str.sav", "'gender'", "value 'F'", "'Female'", "accept_labels"):
        assert text in message, message
    accept = {"F": "Female", "M": "Male"}
    result, log = _harmonise(
        path, {"gender": {"source": "gender", "recode": {"M": 1, "F": 2}, "accept_labels": accept}}
    )
    assert result["gender"].tolist() == [1, 2]
    assert len(log["notes"]) == 2


def test_swapped_codes_in_a_text_file_are_caught():
    # the same file with Dutch labels and a mapping that swaps the codes
    path = HAVEN / "labelled-str.sav"
    df, meta = read_delivery(path)
    df.insert(0, "volgnummer", [1.0, 2.0])
    meta = SimpleNamespace(
        variable_value_labels={"gender": {"F": "Vrouw", "M": "Man"}},
        column_names_to_labels=meta.column_names_to_labels,
        missing_ranges={},
    )
    mapping = _mapping({"gender": {"source": "gender", "recode": {"M": 2, "F": 1}}})
    with pytest.raises(DeliveryError, match=r"value 'F'.*'Vrouw'.*recode: \{'F': 2, 'M': 1\}"):
        harmonise_file(df, meta, mapping, path.name)


def test_declared_missing_code_must_be_covered():
    path = HAVEN / "labelled-num-na.sav"  # VAR00002: 1 "This is one", 9 user-missing

    def spec(**extra):
        return {"bin_known": {"source": "VAR00002", "accept_labels": {1: "This is one"}, **extra}}

    with pytest.raises(DeliveryError, match=r"'VAR00002', value 9: user-missing code declared"):
        _harmonise(path, spec())
    result, log = _harmonise(path, spec(missing={9: 99}))
    # the respondent whose only answer is the missing code has no answer left
    assert result["bin_known"].tolist() == [1]
    assert log["excluded"] == {REASON_ALL_MISSING: 1}


def test_missing_range_and_fractions_on_a_number():
    # simple_alltypes.sav: z has the missing range -999 to 0, the missing
    # code 999 (labelled "skipped") and a fraction; read as an age
    path = PYREADSTAT / "simple_alltypes.sav"
    df, meta = read_delivery(path)
    df.insert(0, "volgnummer", np.arange(1, len(df) + 1, dtype=float))

    def harmonise(spec):
        mapping = _mapping({"age": spec})
        mapping["drop"] = {c: "niet nodig" for c in df.columns if c not in ("z", "volgnummer")}
        return harmonise_file(df, meta, mapping, path.name)

    with pytest.raises(DeliveryError, match=r"'z', value -9: value in the file's user-missing"):
        harmonise({"source": "z"})
    with pytest.raises(DeliveryError, match=r"'z', value 1.234: age must be a whole number"):
        harmonise({"source": "z", "missing": {-9: 99, 999: 99}})
