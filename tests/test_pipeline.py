"""The pipeline on the project's own raw data (data/raw + data/mappings).

Runs on whatever :data:`helpers.data.config.RAW_DIR` points to: the synthetic
deliveries by default, the real files when ``VEILIGHEID_RAW_DIR`` is set.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import codebook, config
from helpers.data.mapping import load_mappings
from helpers.data.pipeline import build_processed, load_survey

#: Respondents in the report (section 2.2: "1,219 burgers").
REPORT_N = 1219

#: The synthetic deliveries are in use (not the real files via VEILIGHEID_RAW_DIR).
SYNTHETIC = config.RAW_DIR.resolve() == (config.DATA_DIR / "raw").resolve()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    merged, merge_log = build_processed(config.RAW_DIR, config.MAPPINGS_DIR, out)
    df, meta = load_survey(out / "enquete.sav")
    log = pd.read_csv(out / "merge_log.csv", keep_default_na=False)
    return merged, merge_log, df, meta, log


def test_one_mapping_per_municipality():
    mappings = load_mappings(config.MAPPINGS_DIR)
    assert [m["municipality"] for m in mappings] == list(range(1, len(mappings) + 1))


def test_merge_accounting(built):
    merged, merge_log, df, _, log = built
    assert (log["rows_read"] == log["rows_written"] + log["rows_excluded"]).all()
    assert log["rows_read"].sum() == log["rows_written"].sum() + log["rows_excluded"].sum()
    assert log["rows_written"].sum() == len(df) == len(merged) == REPORT_N
    # every excluded group has its reason
    assert ((log["rows_excluded"] > 0) == (log["reason"] != "")).all()


def test_written_file_matches_codebook(built):
    merged, _, df, meta, _ = built
    names = codebook.variable_names()
    assert list(df.columns) == names
    assert meta.column_names_to_labels == {v: codebook.variable_label(v) for v in names}
    book = codebook.load_codebook()["variables"]
    for var in names:
        if book[var]["kind"] == "categorical":
            expected = {
                float(k): v for k, v in codebook.value_labels(var, include_missing=True).items()
            }
            assert meta.variable_value_labels[var] == expected, var
            assert meta.missing_ranges[var] == [{"lo": 96.0, "hi": 99.0}], var
        else:
            assert var not in meta.variable_value_labels
    assert meta.original_variable_types["interview_date"].startswith("DATE")
    assert meta.readstat_variable_types["resp_id"] == "string"


def test_written_file_reads_back_as_merged(built):
    merged, _, df, _, _ = built
    assert df["resp_id"].tolist() == merged["resp_id"].tolist()
    for var in codebook.variable_names():
        if var == "resp_id":
            continue
        # load_survey's columns are CodedSeries (labels work in filters): compare values.
        pd.testing.assert_series_equal(
            df[var],
            merged[var],
            check_dtype=False,
            check_exact=False,
            check_series_type=False,
            obj=var,
        )


@pytest.mark.skipif(not SYNTHETIC, reason="real deliveries: there is no synthetic truth")
def test_recovers_the_synthetic_truth(built):
    """The generator made the raw files by inverting the mappings; harmonising
    them must give its respondent-level truth back exactly."""
    from helpers.synthetic.generate import build

    _, truth = build()
    _, _, df, _, _ = built
    expected = truth.data
    assert list(expected.columns) == list(df.columns)
    assert df["resp_id"].tolist() == expected["resp_id"].tolist()
    for var in df.columns:
        pd.testing.assert_series_equal(
            df[var],
            expected[var].astype(df[var].dtype),
            check_names=False,
            check_series_type=False,
            obj=var,
        )
