"""Tests for helpers.analysis.audit (codebook and reproduction-audit tables).

Hand-made frames and a tiny SPSS file with known answers; the checks on the
report's own figures need only ``data/reference`` (no processed data).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis.audit import (
    ASKED_MARK,
    NOT_ASKED_MARK,
    PARTLY_ASKED_MARK,
    audit_detail,
    audit_summary,
    codebook_overview,
    count_bounds,
    explain_row_nl,
    interview_figures,
    item_availability,
    missing_code_counts,
    missing_code_labels,
    reference_sums,
    report_table1_figures,
    row_consistency,
    valid_counts,
    value_label_sets,
)
from helpers.analysis.counts import round_half_up_percent
from helpers.analysis.reproduction import load_report_figures, published_vs_recomputed
from helpers.data import codebook
from helpers.data.sav import read_sav, write_sav_atomic
from helpers.present.render import render_table

# --------------------------------------------------------------------------
# Codebook
# --------------------------------------------------------------------------


@pytest.fixture
def tiny_sav(tmp_path):
    """A four-row SPSS file with labels, missing ranges and measures."""
    df = pd.DataFrame(
        {
            "resp_id": ["A1", "A2", "B1", "B2"],
            "municipality": [1, 1, 2, 2],
            "bin_known": [1, 98, 97, 97],
            "bin_member": [2, 96, 97, 97],
            "age": [30.0, None, 50.0, 61.0],
        }
    )
    yes_no = {
        1.0: "Ja",
        2.0: "Nee",
        96.0: "Niet van toepassing",
        97.0: "Niet gevraagd in deze gemeente",
        98.0: "Weet niet",
        99.0: "Geen antwoord",
    }
    path = tmp_path / "tiny.sav"
    write_sav_atomic(
        df,
        path,
        column_labels={
            "resp_id": "Respondentnummer",
            "municipality": "Gemeente",
            "bin_known": "BIN Kennis",
            "bin_member": "BIN Deelname",
            "age": "Leeftijd",
        },
        variable_value_labels={
            "municipality": {1.0: "Gemeente A", 2.0: "Gemeente B"},
            "bin_known": yes_no,
            "bin_member": yes_no,
        },
        missing_ranges={
            "bin_known": [{"lo": 96.0, "hi": 99.0}],
            "bin_member": [{"lo": 96.0, "hi": 99.0}],
        },
        variable_measure={
            "resp_id": "nominal",
            "municipality": "nominal",
            "bin_known": "nominal",
            "bin_member": "nominal",
            "age": "scale",
        },
    )
    return read_sav(path)


def test_valid_counts_leave_out_user_and_system_missing(tiny_sav):
    df, meta = tiny_sav
    assert valid_counts(df, meta).to_dict() == {
        "resp_id": 4,
        "municipality": 4,
        "bin_known": 1,
        "bin_member": 1,
        "age": 3,
    }


def test_value_label_sets_group_identical_labels(tiny_sav):
    _df, meta = tiny_sav
    sets = value_label_sets(meta)
    assert list(sets.index) == ["W1", "W2"]
    assert sets.loc["W2", "Waarden"] == "1 = Ja; 2 = Nee"  # missing labels left out
    assert sets.loc["W2", "Variabelen"] == "bin_known, bin_member"
    assert sets.loc["W2", "Aantal variabelen"] == 2


def test_codebook_overview_from_metadata(tiny_sav):
    df, meta = tiny_sav
    groups = {"bin_known": "Tabel 6", "bin_member": "Tabel 7"}
    table = codebook_overview(df, meta, groups=groups)
    assert list(table.index) == ["resp_id", "municipality", "bin_known", "bin_member", "age"]
    row = table.loc["bin_member"]
    assert row["Label"] == "BIN Deelname"
    assert row["Meetniveau"] == "nominaal"
    assert row["Waardelabels"] == "W2"
    assert row["Ontbrekend"] == "96–99"
    assert row["Geldige N"] == 1
    assert row["Rapport"] == "Tabel 7"
    assert table.loc["age", "Meetniveau"] == "schaal"
    assert table.loc["age", "Ontbrekend"] == "" and table.loc["age", "Rapport"] == ""


def test_missing_codes_counted_and_labelled(tiny_sav):
    df, meta = tiny_sav
    counts = missing_code_counts(df, meta)
    assert list(counts.columns) == ["Geldig", "96", "97", "98", "99", "Leeg"]
    assert counts.loc["bin_known"].tolist() == [1, 0, 2, 1, 0, 0]
    assert counts.loc["bin_member"].tolist() == [1, 1, 2, 0, 0, 0]
    assert (counts.sum(axis=1) == len(df)).all()
    labels = missing_code_labels(meta)
    assert labels.loc[97, "Waardelabel"] == "Niet gevraagd in deze gemeente"
    assert labels["Variabelen"].tolist() == [2, 2, 2, 2]


def test_item_availability_marks_not_asked_groups():
    df = pd.DataFrame(
        {
            "municipality": [1, 1, 2, 2, 3],
            "q1": [1, 2, 97, 97, 3],
            "q2": [1, 97, 2, 2, 4],
        }
    )
    table = item_availability(df, ["q1", "q2"], group_labels={1: "A", 2: "B", 3: "C"})
    assert list(table.columns) == ["A", "B", "C", "Gevraagd in"]
    assert table.loc["q1", ["A", "B", "C"]].tolist() == [ASKED_MARK, NOT_ASKED_MARK, ASKED_MARK]
    assert table.loc["q2", "A"] == PARTLY_ASKED_MARK
    assert table["Gevraagd in"].tolist() == [2, 3]


# --------------------------------------------------------------------------
# Rounding consistency
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7, 8, 40, 123, 1219])
def test_count_bounds_agree_with_rounding(n):
    for percent in range(0, 101):
        lo, hi = count_bounds(percent, n)
        expected = [c for c in range(n + 1) if round_half_up_percent(c, n) == percent]
        assert list(range(lo, hi + 1)) == expected


def _figures(rows):
    return pd.DataFrame(rows, columns=["table", "variable", "row", "column", "value", "unit"])


def test_row_consistency_finds_impossible_rows():
    # 3 of 8 = 37.5 % -> 38; 5 of 8 = 62.5 % -> 63: printed 38 + 63 = 101 is fine,
    # printed 38 + 38 is not (no two counts summing to 8 both print 38).
    ok = _figures(
        [
            ("T", "bin_known", "", "N", 8, "count"),
            ("T", "bin_known", "Ja", "%", 38, "percent"),
            ("T", "bin_known", "Nee", "%", 63, "percent"),
        ]
    )
    bad = ok.assign(value=[8, 38, 38]).assign(table="U")
    result = row_consistency(pd.concat([ok, bad], ignore_index=True))
    assert result["feasible"].tolist() == [True, False]
    assert result.loc[0, "printed_sum"] == 101
    # each of the two categories must be exactly 3 of 8, which sums to 6, not 8
    assert (result.loc[1, "min_total"], result.loc[1, "max_total"]) == (6, 6)
    assert "meer" not in explain_row_nl(result.loc[0]) and "afronden" in explain_row_nl(
        result.loc[0]
    )
    assert "tellen samen maar op tot 6" in explain_row_nl(result.loc[1])


def test_row_consistency_uses_printed_sums():
    # Categories alone are possible, but the printed 'Som wel' is not.
    rows = [("T", "init_policy", "Beleidsbeïnvloeding", "N", 10, "count")]
    for label, value in [
        ("Zeker niet", 10),
        ("Waarschijnlijk niet", 10),
        ("Misschien", 20),
        ("Waarschijnlijk wel", 30),
        ("Zeker wel", 30),
        ("Som niet", 20),
        ("Som wel", 70),
    ]:
        rows.append(("T", "init_policy", "Beleidsbeïnvloeding", label, value, "percent"))
    result = row_consistency(_figures(rows))
    assert not result.loc[0, "feasible"]
    fixed = _figures(rows).replace({"value": {70: 60}})
    assert row_consistency(fixed).loc[0, "feasible"]


def test_row_consistency_agrees_with_the_generator_search():
    calibrate = pytest.importorskip("helpers.synthetic.calibrate")
    figures = load_report_figures()
    mine = row_consistency(figures).set_index(["table", "variable"])["feasible"]
    n_total = int(figures.loc[figures["table"] == "Tekst 2.2", "value"].iloc[0])
    for published in calibrate.published_rows(figures, codebook.value_labels, n_total):
        key = (published.table, published.variable)
        if key in mine.index:
            assert mine[key] == calibrate.feasible(published.row), key


def test_reference_sums_margin():
    reference = pd.DataFrame(
        {
            "table": ["T"] * 7,
            "variable": ["education"] * 3 + ["bin_known"] * 2 + ["gender", ""],
            "category": [
                "Geen diploma, lager onderwijs of lager middelbaar",
                "Hoger middelbaar",
                "Hogere studie",
                "Ja",
                "Nee",
                "Vrouw",
                "Los cijfer",
            ],
            "percent": [25, 35, 38, 44, 56, 54, 38],
        }
    )
    result = reference_sums(reference)
    assert result["variable"].tolist() == ["education", "bin_known"]  # complete ones only
    assert result["gap"].tolist() == [-2, 0]
    assert result["margin"].tolist() == [1.5, 1.0]
    assert result["within_margin"].tolist() == [False, True]


# --------------------------------------------------------------------------
# Audit presentation
# --------------------------------------------------------------------------


@pytest.fixture
def small_audit():
    figures = _figures(
        [
            ("Tabel 3", "residence_duration", "", "N", 100, "count"),
            ("Tabel 3", "residence_duration", "Meer dan 10 jaar", "%", 62, "percent"),
            ("Tekst 2.2.3", "age", "Gemiddelde leeftijd", "Gemiddelde", 48, "years"),
        ]
    )
    recomputed = figures[["table", "variable", "row", "column"]].assign(value=[100, 61, 48])
    deviations = pd.DataFrame(
        {
            "table": ["Tabel 3"],
            "variable": ["residence_duration"],
            "row": ["Meer dan 10 jaar"],
            "column": ["%"],
            "published": [62],
            "reproduced": [61],
            "reason": ["impossible row"],
        }
    )
    return published_vs_recomputed(figures, recomputed, deviations)


def test_audit_summary_counts_statuses(small_audit):
    summary = audit_summary(small_audit)
    assert list(summary.index) == ["Tabel 3", "Tekst 2.2.3", "Totaal"]
    assert summary.loc["Totaal"].tolist() == [3, 2, 1, 0]


def test_audit_detail_marks_deviations_in_dutch(small_audit):
    detail = audit_detail(
        small_audit, "Tabel 3", reasons={("Tabel 3", "residence_duration"): "Onmogelijke rij"}
    )
    assert list(detail.columns) == ["Gepubliceerd", "Herberekend", "≠", "Status", "Reden"]
    assert detail.index.names == ["Onderdeel", "Cel"]
    row = detail.loc[("Hoelang woonachtig in de buurt", "Meer dan 10 jaar (%)")]
    assert row["≠"] == "≠ \u22121"
    assert row["Status"] == "verklaard"
    assert row["Reden"] == "Onmogelijke rij"
    n_row = detail.loc[("Hoelang woonachtig in de buurt", "N")]
    assert n_row["≠"] == "" and n_row["Status"] == "gelijk" and n_row["Reden"] == ""
    text = audit_detail(small_audit, "Tekst 2.2.3")
    assert text.index.tolist() == [("Leeftijd", "Gemiddelde (jaar)")]
    flat = audit_detail(small_audit, ["Tabel 3"], flat=True)
    assert flat.index[1] == "Tabel 3 · Hoelang woonachtig in de buurt · Meer dan 10 jaar (%)"
    assert flat.loc[flat.index[1], "Reden"] == "impossible row"  # recorded reason as fallback
    with pytest.raises(ValueError):
        audit_detail(small_audit, "Tabel 9")


def test_table1_cells_round_trip():
    expected = pd.DataFrame(
        {
            "table": ["Tabel 1", "Tabel 1", "Tekst 2.1"],
            "row": ["Politiezone", "TOTAAL", "Interviews"],
            "function": ["Korpschef", "", ""],
            "value": ["6", "7", "5"],
            "unit": ["count"] * 3,
        }
    )
    published = report_table1_figures(expected)
    table = pd.DataFrame(
        {"Organisatie": ["Politiezone", "TOTAAL"], "Functie": ["Korpschef", ""], "Aantal": [6, 8]}
    )
    summary = pd.Series({"Interviews": 5}, dtype=object)
    audit = published_vs_recomputed(published, interview_figures(table, summary))
    assert audit["status"].tolist() == ["match", "unexplained", "match"]
    assert audit_detail(audit, ["Tabel 1", "Tekst 2.1"]).index.tolist() == [
        ("Politiezone", "Korpschef"),
        ("TOTAAL", "Aantal"),
        ("Interviews", "Aantal"),
    ]


# --------------------------------------------------------------------------
# render_table(compact_columns=...), added for the audit and codebook tables
# --------------------------------------------------------------------------


def test_render_table_compact_columns_are_narrow_and_centred():
    frame = pd.DataFrame({"A": ["✓", "–"], "Uitleg": ["lange tekst", "nog een tekst"]})
    html = render_table(frame, "Matrix", "tbl-matrix", compact_columns=["A"]).html
    # The stylesheet centres "vives-teken" cells and lets "vives-tekst" wrap.
    assert '<td class="col0 vives-teken">✓</td>' in html
    assert '<td class="col1 vives-tekst">lange tekst</td>' in html
    with pytest.raises(KeyError):
        render_table(frame, "Matrix", compact_columns=["bestaat niet"])
