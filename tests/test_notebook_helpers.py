"""Helpers that took over table assembly and plumbing from the notebooks."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.comparison import bin_routing_table
from helpers.analysis.counts import likert_table, rounding_differences
from helpers.analysis.reliability import principal_axis_diagnostics, scale_items
from helpers.analysis.uncertainty import half_width, in_table_order, report_tables_with_ci
from helpers.data import codebook
from helpers.data.config import find_project_root
from helpers.data.pipeline import CodedSeries, Survey, apply_labels, load_survey
from helpers.present.statistics import chi2_test_table as summary_table
from helpers.present.statistics import chi2_test_texts as texts
from helpers.present.style import new_figure


@pytest.fixture(scope="module")
def survey():
    return load_survey()[0]


# --- helpers.analysis --------------------------------------------------------


def test_rounding_differences_lists_nothing_when_sums_match():
    table = pd.DataFrame(
        [[4, 25, 25, 0, 25, 25, 50, 50]],
        index=["x"],
        columns=["N", "A", "B", "C", "D", "E", "Som oneens", "Som eens"],
    )
    result = rounding_differences({"T": table})
    assert result.empty and list(result.columns) == ["Tabel", "Stelling", "Som", "Delen"]


def test_rounding_differences_on_the_report_tables(survey):
    tables = {
        name: likert_table(survey, codebook.variables_in_group(name))
        for name in ("Tabel 4", "Tabel 5", "Tabel 8")
    }
    found = rounding_differences(tables)
    for row in found.itertuples():
        printed = tables[row.Tabel].loc[row.Stelling]
        assert int(printed[list(row.Delen)].sum()) != int(printed[row.Som])


def test_bin_routing_table_counts_asked_and_valid():
    df = pd.DataFrame(
        {
            "bin_known": [1, 2, 98, 97],
            "bin_member": [1, 96, 96, 97],
            "bin_willing": [96, 3, 96, 97],
        }
    )
    table = bin_routing_table(df)
    known = table.loc[codebook.variable_label("bin_known")]
    assert (
        known["Gesteld"],
        known["Geldig antwoord (N)"],
        known["Weet niet of geen antwoord"],
    ) == (
        3,
        2,
        1,
    )
    assert table.loc[codebook.variable_label("bin_member"), "Gesteld"] == 1


def test_report_tables_with_ci_in_printed_order_and_exact_on_request(survey):
    rounded = report_tables_with_ci(survey)
    exact = report_tables_with_ci(survey, decimals=None)
    assert list(rounded) == ["Tabel 4", "Tabel 5", "Tabel 6", "Tabel 7", "Tabel 8"]
    printed = likert_table(survey, codebook.variables_in_group("Tabel 4"))
    assert list(dict.fromkeys(rounded["Tabel 4"]["Stelling"])) == list(printed.index)
    assert (rounded["Tabel 4"]["Ondergrens"] == rounded["Tabel 4"]["Ondergrens"].round(1)).all()
    assert not (exact["Tabel 4"]["Ondergrens"] == exact["Tabel 4"]["Ondergrens"].round(1)).all()
    np.testing.assert_allclose(
        half_width(exact["Tabel 4"]), half_width(rounded["Tabel 4"]), atol=0.051
    )


def test_in_table_order_is_stable():
    long = pd.DataFrame({"Stelling": ["b", "a", "b", "a"], "Categorie": ["x", "x", "y", "y"]})
    ordered = in_table_order(long, pd.DataFrame(index=["a", "b"]))
    assert ordered.values.tolist() == [["a", "x"], ["a", "y"], ["b", "x"], ["b", "y"]]


def test_principal_axis_reports_a_heywood_case(survey):
    diagnostics = principal_axis_diagnostics(scale_items(survey), 4)
    assert not diagnostics.converged
    assert diagnostics.heywood and diagnostics.communalities.max() >= 1
    assert diagnostics.iterations < 1000


def test_principal_axis_stops_at_maxiter_without_claiming_convergence(survey):
    diagnostics = principal_axis_diagnostics(scale_items(survey), 4, maxiter=50)
    assert diagnostics.iterations == 50 and not diagnostics.converged
    assert not diagnostics.heywood and diagnostics.max_change > 1e-6


# --- helpers.present ---------------------------------------------------------


def _result(p):
    return types.SimpleNamespace(
        n=1219,
        chi2=12.345,
        dof=4,
        p_value=p,
        cramers_v=0.0712,
        min_expected=3.25,
        summary=lambda: pd.Series(range(6), index=list("abcdef")),
    )


def test_test_texts_in_flemish_notation():
    t = texts(_result(0.0312))
    assert t["n"] == "1.219" and t["chi2"] == "12,3" and t["p_text"] == "= 0,031"
    assert t["strength"] == "zeer zwak" and t["expected_text"].startswith("te klein")
    assert texts(_result(0.0001))["p_text"] == "< 0,001"


def test_test_summary_table_is_text():
    table = summary_table(_result(0.5))
    assert table["Waarde"].tolist() == ["1.219", "12,35", "4", "0,500", "0,071", "3,3"]


def test_charts_display_themselves_in_a_notebook():
    fig = new_figure(2)
    fig.add_subplot().plot([0, 1])
    assert fig._repr_png_().startswith(b"\x89PNG")


# --- helpers.data: first edits that work -----------------------------------------


def test_municipality_names_work_in_filters(survey):
    assert isinstance(survey, Survey) and isinstance(survey["municipality"], CodedSeries)
    by_name = survey[survey["municipality"] == "Gemeente A"]
    assert len(by_name) == (survey["municipality"] == 1).sum() > 0
    assert (survey["municipality"] != "gemeente a").sum() == len(survey) - len(by_name)
    assert survey["municipality"].isin(["Gemeente A", 2]).sum() == (
        survey["municipality"].isin([1, 2]).sum()
    )


def test_an_unknown_label_is_an_error_that_lists_the_labels(survey):
    with pytest.raises(ValueError, match=r"'Gemeente K' is not one of its labels.*1 = Gemeente A"):
        _ = survey["municipality"] == "Gemeente K"


def test_labelled_and_other_columns_compare_as_usual(survey):
    labelled = apply_labels(survey, ["municipality"])
    assert (labelled["municipality"] == "Gemeente A").sum() == (survey["municipality"] == 1).sum()
    assert (survey["resp_id"] == "Gemeente A").sum() == 0


def test_missing_processed_file_says_to_run_make_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="make data"):
        load_survey(tmp_path / "enquete.sav")


def test_project_root_is_found_from_a_kit_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("VEILIGHEID_PROJECT_ROOT", raising=False)
    kit = tmp_path / "kit"
    (kit / "data" / "reference").mkdir(parents=True)
    (kit / "notebooks").mkdir()
    site_packages = tmp_path / "venv" / "lib"
    assert find_project_root(kit / "notebooks", package_root=site_packages) == kit.resolve()
    monkeypatch.setenv("VEILIGHEID_PROJECT_ROOT", str(tmp_path))
    assert find_project_root(kit / "notebooks", package_root=site_packages) == tmp_path
