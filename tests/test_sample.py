"""Unit tests for helpers.analysis.sample on tiny hand-made frames with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.sample import (
    age_distribution,
    combined_share,
    fieldwork_period,
    item_response_table,
    merge_log_table,
    motive_table,
    recruitment_table,
    routing_check,
)
from helpers.data import codebook

# ---------------------------------------------------------------------------
# fieldwork_period
# ---------------------------------------------------------------------------


def test_fieldwork_period_within_one_year():
    period = fieldwork_period(pd.Series(["2019-10-07", "2019-12-12", "2019-11-01"]))
    assert period["begin"] == pd.Timestamp("2019-10-07")
    assert period["einde"] == pd.Timestamp("2019-12-12")
    assert period["begin_tekst"] == "7 oktober 2019"
    assert period["einde_tekst"] == "12 december 2019"
    assert period["maanden"] == "oktober-december 2019"
    assert period["dagen"] == 67
    assert isinstance(period["dagen"], int)


def test_fieldwork_period_one_month_and_year_boundary():
    assert fieldwork_period(pd.Series(["2020-03-02", "2020-03-13"]))["maanden"] == "maart 2020"
    across = fieldwork_period(pd.Series(["2019-12-30", "2020-02-01"]))
    assert across["maanden"] == "december 2019-februari 2020"


def test_fieldwork_period_ignores_missing_and_rejects_empty():
    dates = pd.Series([pd.NaT, pd.Timestamp("2020-01-06 14:30"), None])
    period = fieldwork_period(dates)
    assert period["begin"] == pd.Timestamp("2020-01-06")  # normalised to the day
    assert period["dagen"] == 1
    with pytest.raises(ValueError, match="no valid date"):
        fieldwork_period(pd.Series([None, pd.NaT]))


# ---------------------------------------------------------------------------
# merge_log_table
# ---------------------------------------------------------------------------


def _log():
    return pd.DataFrame(
        {
            "file": ["gemeente_a.sav", "gemeente_b.sav"],
            "municipality": [1, 2],
            "design": ["online", "mix"],
            "rows_read": [10, 7],
            "rows_written": [8, 7],
            "rows_excluded": [2, 0],
            "reason": ["Testinvoer (2)", np.nan],
        }
    )


def test_merge_log_table_labels_and_total():
    table = merge_log_table(_log())
    assert table.index.tolist() == ["gemeente_a.sav", "gemeente_b.sav", "Totaal"]
    assert table["Gemeente"].tolist() == ["Gemeente A", "Gemeente B", ""]
    assert table["Werving"].tolist() == ["Online via sociale media", "Combinatie van methodes", ""]
    assert table.loc["Totaal", ["Gelezen", "Opgenomen", "Uitgesloten"]].tolist() == [17, 15, 2]
    assert table["Reden van uitsluiting"].tolist() == ["Testinvoer (2)", "", ""]
    assert table["Gelezen"].dtype == np.int64


def test_merge_log_table_rejects_counts_that_do_not_add_up():
    log = _log()
    log.loc[0, "rows_written"] = 9
    with pytest.raises(ValueError, match="gemeente_a.sav"):
        merge_log_table(log)


def test_merge_log_table_does_not_change_input():
    log = _log()
    before = log.copy()
    merge_log_table(log)
    pd.testing.assert_frame_equal(log, before)


# ---------------------------------------------------------------------------
# recruitment_table
# ---------------------------------------------------------------------------


def test_recruitment_table_counts_all_modes_with_totals():
    df = pd.DataFrame({"municipality": [3, 1, 1, 3, 3], "recruitment": [1, 2, 2, 3, 1]})
    table = recruitment_table(df)
    assert table.index.tolist() == ["Gemeente A", "Gemeente C", "Totaal"]
    assert table.columns.tolist() == [
        "Online via sociale media",
        "Deur aan deur",
        "Straat of markt",
        "Totaal",
    ]
    assert table.loc["Gemeente A"].tolist() == [0, 2, 0, 2]
    assert table.loc["Gemeente C"].tolist() == [2, 0, 1, 3]
    assert table.loc["Totaal"].tolist() == [2, 2, 1, 5]
    assert (table.dtypes == np.int64).all()


def test_recruitment_table_without_totals():
    df = pd.DataFrame({"municipality": [2], "recruitment": [3]})
    table = recruitment_table(df, total=False)
    assert table.shape == (1, 3)
    assert "Totaal" not in table.index


# ---------------------------------------------------------------------------
# item_response_table
# ---------------------------------------------------------------------------


def test_item_response_table_counts_codes_and_municipalities():
    df = pd.DataFrame(
        {
            "municipality": [1, 1, 1, 2, 2, 3],
            "bin_known": [1, 2, 98, 97, 97, 99],
            "bin_member": [2, 96, 96, 97, 97, np.nan],
        }
    )
    table = item_response_table(df, ["bin_known", "bin_member"])
    assert table.index.names == ["Blok", "Vraag"]
    assert table.index.tolist() == [("Tabel 6", "BIN Kennis"), ("Tabel 7", "BIN Deelname")]
    assert table.columns.tolist() == [
        "Geldige N",
        "Niet van toepassing (96)",
        "Niet gevraagd (97)",
        "Weet niet (98)",
        "Geen antwoord (99)",
        "Gemeenten bevraagd",
    ]
    assert table.loc[("Tabel 6", "BIN Kennis")].tolist() == [2, 0, 2, 1, 1, 2]
    # NaN counts as no answer (99)
    assert table.loc[("Tabel 7", "BIN Deelname")].tolist() == [1, 2, 2, 0, 1, 2]


def test_item_response_table_default_skips_administrative_variables():
    names = [
        n
        for n, s in codebook.load_codebook()["variables"].items()
        if s["kind"] == "categorical" and s["group"] != "administratie"
    ]
    df = pd.DataFrame({name: [1, 1] for name in names} | {"municipality": [1, 2]})
    table = item_response_table(df)
    assert len(table) == len(names)
    assert "Gemeente" not in table.index.get_level_values("Vraag")
    assert table.index[0] == ("Achtergrond", codebook.variable_label("gender"))
    assert (table["Gemeenten bevraagd"] == 2).all()


def test_item_response_table_rejects_unknown_codes():
    df = pd.DataFrame({"municipality": [1], "gender": [5]})
    with pytest.raises(ValueError, match="gender"):
        item_response_table(df, ["gender"])


# ---------------------------------------------------------------------------
# motive_table
# ---------------------------------------------------------------------------


def test_motive_table_marks_reversed_items():
    motives = {
        "a": {"label": "Vermeende inspanning", "items": {"role_effort": -1}},
        "b": {"label": "Persoonlijke waarden", "items": {"role_duty": 1, "role_fend_self": -1}},
    }
    table = motive_table(motives)
    assert table.index.get_level_values("Motief").tolist() == [
        "Vermeende inspanning",
        "Persoonlijke waarden",
        "Persoonlijke waarden",
    ]
    assert table.index[0][1] == codebook.variable_label("role_effort")
    assert table["Formulering"].tolist() == [
        "negatief (omgekeerd)",
        "positief",
        "negatief (omgekeerd)",
    ]


def test_motive_table_covers_the_project_scale():
    table = motive_table(codebook.load_scales())
    assert len(table) == len(codebook.variables_in_group("Tabel 4"))
    assert table.index.get_level_values("Motief").nunique() == len(codebook.load_scales())


def test_motive_table_rejects_bad_direction():
    with pytest.raises(ValueError, match="direction"):
        motive_table({"a": {"label": "X", "items": {"role_duty": 0}}})


# ---------------------------------------------------------------------------
# routing_check
# ---------------------------------------------------------------------------


def test_routing_table_describes_and_counts():
    df = pd.DataFrame(
        {
            "bin_known": [1, 1, 2, 98, 97],
            "bin_member": [1, 2, 96, 96, 97],
            "bin_willing": [96, 4, 98, 96, 97],
        }
    )
    table = routing_check(df, codebook.FILTERS)
    assert table.index.tolist() == ["BIN Deelname", "BIN Bereidheid tot deelname"]
    assert table.loc["BIN Deelname", "Gesteld als"] == "BIN Kennis = 'Ja'"
    assert table.loc["BIN Bereidheid tot deelname", "Gesteld als"] == (
        "BIN Kennis = 'Nee' of BIN Deelname = 'Nee'"
    )
    assert table.loc["BIN Deelname"].tolist()[1:] == [2, 2, 2]
    # bin_willing: condition holds for rows 1 (member = Nee) and 2 (known = Nee)
    assert table.loc["BIN Bereidheid tot deelname"].tolist()[1:] == [2, 2, 1]


# ---------------------------------------------------------------------------
# combined_share
# ---------------------------------------------------------------------------


def test_combined_share_rounds_once_from_counts():
    # 1 of 8 in each of two categories: 12.5% each (13% rounded), together 25%.
    df = pd.DataFrame({"education": [1, 1, 1, 1, 1, 1, 2, 3, 99]})
    share = combined_share(df, "education", ["Hoger middelbaar", "Hogere studie"])
    assert share["n"] == 2
    assert share["N"] == 8
    assert share["%"] == 25
    assert math.isclose(share["% exact"], 25.0)
    assert isinstance(share["%"], int)


def test_combined_share_rejects_unknown_category():
    with pytest.raises(KeyError, match="Universiteit"):
        combined_share(pd.DataFrame({"education": [1]}), "education", ["Universiteit"])


# ---------------------------------------------------------------------------
# age_distribution
# ---------------------------------------------------------------------------


def test_age_distribution_shares_within_group():
    df = pd.DataFrame(
        {
            "age": [18, 30, 30, 80, np.nan, 45],
            "gender": [1, 1, 2, 2, 2, 99],
        }
    )
    bands = [("jong", 16, 29), ("midden", 30, 59), ("oud", 60, 120)]
    table = age_distribution(df, bands=bands)
    assert table.index.tolist() == ["jong", "midden", "oud"]
    assert table.columns.tolist() == ["Man", "Vrouw"]
    assert table["Man"].tolist() == [50.0, 50.0, 0.0]
    assert table["Vrouw"].tolist() == [0.0, 50.0, 50.0]
    assert table.attrs["n"] == {"Man": 2, "Vrouw": 2}


def test_age_distribution_default_bands_cover_codebook_range():
    spec = codebook.load_codebook()["variables"]["age"]
    df = pd.DataFrame({"age": [spec["min"], spec["max"]], "occupation": [1, 4]})
    table = age_distribution(df, by="occupation")
    assert table.sum().loc[["Werknemer/ambtenaar", "Gepensioneerd"]].tolist() == [100.0, 100.0]
    assert table.attrs["n"]["Student"] == 0
    assert table["Student"].isna().all()
