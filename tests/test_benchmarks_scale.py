"""The scaling code of the benchmarks (``benchmarks/scale.py``): no timings here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from helpers.data.sav import write_sav_atomic

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "scale.py")
scale = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(scale)

#: Metadata attributes that must survive scaling unchanged.
META_ATTRS = (
    "column_names",
    "column_labels",
    "variable_value_labels",
    "missing_ranges",
    "variable_measure",
    "original_variable_types",
    "variable_display_width",
    "readstat_variable_types",
    "file_label",
    "file_encoding",
)


@pytest.fixture
def delivery(tmp_path):
    """A small raw file with labels, user-missing codes, a date and text."""
    import datetime as dt

    df = pd.DataFrame(
        {
            "nr": [3.0, 1.0, 7.0, 2.0],
            "geslacht": [1.0, 2.0, 9.0, 1.0],
            "leeftijd": [34.0, np.nan, 51.0, 999.0],
            "datum": [dt.date(2020, 2, 3), dt.date(2020, 2, 4), np.nan, dt.date(2020, 3, 1)],
            "opmerking": ["a", "", "ccc", "dd"],
        }
    )
    raw = tmp_path / "raw"
    raw.mkdir()
    write_sav_atomic(
        df,
        raw / "gemeente_x.sav",
        file_label="Testlevering",
        column_labels={
            "nr": "Respondentnummer",
            "geslacht": "Geslacht",
            "leeftijd": "Leeftijd",
            "datum": "Datum",
            "opmerking": "Opmerking",
        },
        variable_value_labels={"geslacht": {1: "Man", 2: "Vrouw", 9: "Geen antwoord"}},
        missing_ranges={"geslacht": [9], "leeftijd": [{"lo": 998, "hi": 999}]},
        variable_measure={
            "nr": "nominal",
            "geslacht": "nominal",
            "leeftijd": "scale",
            "datum": "scale",
            "opmerking": "nominal",
        },
        variable_format={"nr": "F5.0", "geslacht": "F1.0", "leeftijd": "F3.0", "datum": "DATE11"},
    )
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "gemeente_x.yaml").write_text("file: gemeente_x.sav\nid: nr\n", encoding="utf-8")
    return raw, mappings


@pytest.mark.parametrize("k", [1, 3, 10])
def test_scaled_file_has_k_times_the_rows_unique_ids_same_metadata(delivery, tmp_path, k):
    raw, mappings = delivery
    rows = scale.scale_raw_folder(raw, mappings, tmp_path / f"x{k}", k)
    assert rows == {"gemeente_x.sav": 4 * k}

    src, src_meta = pyreadstat.read_sav(str(raw / "gemeente_x.sav"), user_missing=True)
    out, out_meta = pyreadstat.read_sav(
        str(tmp_path / f"x{k}" / "gemeente_x.sav"), user_missing=True
    )
    assert len(out) == k * len(src)
    assert out["nr"].is_unique
    assert (out["nr"] == out["nr"].round()).all() and (out["nr"] > 0).all()
    # The first copy keeps the original ids; every copy repeats the other values.
    assert out["nr"].iloc[: len(src)].tolist() == src["nr"].tolist()
    others = [c for c in src.columns if c != "nr"]
    for j in range(k):
        block = out.iloc[j * len(src) : (j + 1) * len(src)].reset_index(drop=True)
        pd.testing.assert_frame_equal(block[others], src[others])
    for attr in META_ATTRS:
        assert getattr(out_meta, attr) == getattr(src_meta, attr), attr


def test_scale_one_is_byte_identical(delivery, tmp_path):
    raw, mappings = delivery
    scale.scale_raw_folder(raw, mappings, tmp_path / "x1", 1)
    assert (tmp_path / "x1" / "gemeente_x.sav").read_bytes() == (
        raw / "gemeente_x.sav"
    ).read_bytes()


def test_new_ids_skip_the_ones_in_use():
    assert scale.new_ids([1, 2, 5], 4) == [3, 4, 6, 7]


def test_text_ids_stay_text():
    df = pd.DataFrame({"id": ["1", "2"], "v": [1.0, 2.0]})
    out = scale.scale_frame(df, 3, "id")
    assert out["id"].tolist() == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize("bad", [0, 1.5, -2])
def test_k_must_be_a_positive_whole_number(bad):
    with pytest.raises(ValueError):
        scale.scale_frame(pd.DataFrame({"id": [1.0]}), bad, "id")


def test_duplicate_source_ids_are_refused():
    with pytest.raises(ValueError, match="not unique"):
        scale.scale_frame(pd.DataFrame({"id": [1.0, 1.0]}), 2, "id")


def test_raw_file_without_mapping_is_refused(delivery, tmp_path):
    raw, _ = delivery
    empty = tmp_path / "no-mappings"
    empty.mkdir()
    with pytest.raises(KeyError, match="gemeente_x.sav"):
        scale.scale_raw_folder(raw, empty, tmp_path / "out", 2)
