"""Unit tests of helpers.analysis.counts on small hand-made frames with known answers."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.comparison import (
    REFERENCE_COLUMN,
    SURVEY_COLUMN,
    bin_knowledge_table,
    bin_participation_table,
    compare_with_reference,
    sample_summary,
)
from helpers.analysis.counts import (
    category_counts,
    frequency_table,
    likert_counts,
    likert_table,
    round_half_up,
    round_half_up_percent,
    valid_answers,
)
from helpers.analysis.interviews import interview_summary, interview_table
from helpers.analysis.reproduction import published_vs_recomputed
from helpers.data import codebook

LIKERT = list(codebook.value_labels("role_fun").values())
WILLINGNESS = list(codebook.value_labels("init_policy").values())


def frame(**columns):
    """A survey frame with float codes, as pyreadstat returns them."""
    return pd.DataFrame({k: pd.Series(v, dtype=float) for k, v in columns.items()})


# --------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "n", "expected"),
    [
        (1, 8, 13),  # 12.5 % -> 13 (round() gives 12)
        (1, 40, 3),  # 2.5 % -> 3 (round() gives 2)
        (3, 8, 38),  # 37.5 % -> 38
        (5, 200, 3),  # 2.5 %
        (1, 200, 1),  # 0.5 % -> 1
        (29, 200, 15),  # 14.5 %: 29 / 200 * 100 == 14.499999999999998 in floats
        (23, 40, 58),  # 57.5 %: float floor(x + 0.5) gives 57
        (0, 7, 0),
        (7, 7, 100),
        (1, 3, 33),
        (2, 3, 67),
        (646, 1219, 53),
    ],
)
def test_round_half_up_percent_scalar(count, n, expected):
    result = round_half_up_percent(count, n)
    assert result == expected
    assert type(result) is int


def test_round_half_up_differs_from_bankers_and_float_rounding():
    assert round(12.5) == 12 and round_half_up_percent(1, 8) == 13
    assert round(2.5) == 2 and round_half_up_percent(1, 40) == 3
    assert math.floor(29 / 200 * 100 + 0.5) == 14 and round_half_up_percent(29, 200) == 15


def test_round_half_up_percent_vectorised():
    counts = pd.Series([1, 1, 29, 0], index=list("abcd"), name="n")
    result = round_half_up_percent(
        counts, pd.Series([8, 40, 200, 5], index=list("abcd")).to_numpy()
    )
    assert isinstance(result, pd.Series)
    assert result.tolist() == [13, 3, 15, 0]
    assert list(result.index) == list("abcd")
    assert round_half_up_percent(np.array([1, 3, 5]), 8).tolist() == [13, 38, 63]
    assert round_half_up_percent([1.0, 3.0], 8).tolist() == [13, 38]  # integral floats


def test_round_half_up_percent_dataframe_keeps_labels():
    counts = pd.DataFrame({"x": [1, 2], "y": [3, 4]}, index=["p", "q"])
    result = round_half_up_percent(counts, np.array([[8], [40]]))
    assert result.to_dict() == {"x": {"p": 13, "q": 5}, "y": {"p": 38, "q": 10}}


@pytest.mark.parametrize(
    ("count", "n", "error"),
    [
        (1, 0, ValueError),
        (9, 8, ValueError),
        (-1, 8, ValueError),
        (1.5, 8, TypeError),
        (float("nan"), 8, TypeError),
        (True, 8, TypeError),
        ([1, 2], [8, 0], ValueError),
        ([1.5], 8, TypeError),
    ],
)
def test_round_half_up_percent_rejects_bad_input(count, n, error):
    with pytest.raises(error):
        round_half_up_percent(count, n)


def test_round_half_up_scalar_values():
    assert round_half_up(47.5) == 48
    assert round_half_up(48.49) == 48
    assert round_half_up(0.5) == 1
    assert round_half_up(2.5) == 3


# --------------------------------------------------------------------------
# Valid answers
# --------------------------------------------------------------------------


def test_valid_n_excludes_missing_codes_and_nan():
    df = frame(role_fun=[1, 2, 3, 4, 5, 96, 97, 98, 99, None, 5])
    assert valid_answers(df, "role_fun").tolist() == [1, 2, 3, 4, 5, 5]
    counts = category_counts(df, "role_fun")
    assert counts.sum() == 6
    assert counts.to_dict() == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2}
    assert likert_counts(df, ["role_fun"])["N"].iloc[0] == 6


def test_unexpected_code_is_an_error():
    with pytest.raises(ValueError, match="role_fun.*7"):
        valid_answers(frame(role_fun=[1, 7, 99]), "role_fun")


def test_non_categorical_variable_is_refused():
    with pytest.raises(ValueError, match="categorical"):
        valid_answers(frame(age=[40]), "age")


# --------------------------------------------------------------------------
# Frequency table
# --------------------------------------------------------------------------


def test_frequency_table_code_order_zero_counts_and_total():
    # Codes deliberately out of order; "Minder dan 1 jaar" (1) never occurs.
    df = frame(residence_duration=[4, 4, 4, 2, 3, 4, 4, 2, 98, None])
    table = frequency_table(df, "residence_duration")
    assert table.index.name == "Hoelang woonachtig in de buurt"
    assert list(table.index) == [*codebook.value_labels("residence_duration").values(), "Totaal"]
    assert list(table.columns) == ["n", "%"]
    assert table["n"].tolist() == [0, 2, 1, 5, 8]
    # 2/8 = 25, 1/8 = 12.5 -> 13, 5/8 = 62.5 -> 63
    assert table["%"].tolist() == [0, 25, 13, 63, 100]
    assert table.loc["Totaal", "n"] == 8


def test_frequency_table_unrounded_and_without_total():
    df = frame(gender=[1, 2, 2])
    table = frequency_table(df, "gender", rounded=False, total=False)
    assert list(table.index) == ["Man", "Vrouw"]
    assert table["%"].tolist() == pytest.approx([100 / 3, 200 / 3])


def test_frequency_table_without_valid_answers_has_missing_percentages():
    table = frequency_table(frame(gender=[99, 98]), "gender")
    assert table["n"].tolist() == [0, 0, 0]
    assert table["%"].isna().all()


# --------------------------------------------------------------------------
# Likert tables
# --------------------------------------------------------------------------


def test_likert_table_layout():
    df = frame(role_fun=[1, 2, 3, 4, 5], role_duty=[5, 5, 5, 5, 4])
    table = likert_table(df, ["role_fun", "role_duty"])
    assert table.index.name == "Stelling"
    assert list(table.columns) == ["N", *LIKERT, "Som oneens", "Som eens"]
    assert set(table.index) == {
        codebook.variable_label("role_fun"),
        codebook.variable_label("role_duty"),
    }


def test_likert_sums_come_from_counts_not_from_rounded_parts():
    # N = 8: one "Helemaal oneens" and one "Oneens" are 12.5 % each -> 13 and
    # 13, but together 2/8 = 25 %: the report's "Som" is 25, not 26.
    df = frame(role_fun=[1, 2, 3, 3, 3, 3, 4, 5])
    row = likert_table(df, ["role_fun"]).iloc[0]
    assert row["Helemaal oneens"] == 13 and row["Oneens"] == 13
    assert row["Som oneens"] == 25
    assert row["Helemaal oneens"] + row["Oneens"] != row["Som oneens"]
    assert row["Eens"] == 13 and row["Helemaal eens"] == 13 and row["Som eens"] == 25


def test_likert_counts_layout_and_values():
    df = frame(init_policy=[1, 2, 4, 5, 5, 98], init_mediation=[3, 3, 97, 97, 97, 97])
    counts = likert_counts(df, ["init_policy", "init_mediation"])
    assert list(counts.columns) == ["N", *WILLINGNESS, "Som niet", "Som wel"]
    assert counts.loc["Beleidsbeïnvloeding"].tolist() == [5, 1, 1, 0, 1, 2, 2, 3]
    assert counts.loc["Conflictbemiddeling"].tolist() == [2, 0, 0, 2, 0, 0, 0, 0]
    assert list(counts.index) == ["Beleidsbeïnvloeding", "Conflictbemiddeling"]  # given order


def test_likert_table_sorted_descending_ties_keep_codebook_order():
    # Som eens: role_help_others 1/4 = 25, role_police_guarantee 1/4 = 25,
    # role_fun 3/4 = 75. Ties keep the order in which the items are given.
    df = frame(
        role_police_guarantee=[4, 1, 1, 1],
        role_help_others=[5, 1, 1, 1],
        role_fun=[4, 4, 5, 1],
    )
    variables = ["role_police_guarantee", "role_help_others", "role_fun"]
    labels = [codebook.variable_label(v) for v in variables]
    table = likert_table(df, variables)
    assert list(table.index) == [labels[2], labels[0], labels[1]]
    assert list(likert_table(df, variables, sort_by=None).index) == labels
    assert list(likert_table(df, variables[::-1]).index) == [labels[2], labels[1], labels[0]]


def test_likert_sorting_follows_printed_values_even_unrounded():
    # Som eens is exactly 43/100 = 43 % for the first item and 40/93 = 43.01 %
    # for the second: both print as 43, a tie, so the given order is kept,
    # also in the unrounded table (the order follows the printed values).
    first = [4] * 43 + [1] * 57
    second = [4] * 40 + [1] * 53
    df = pd.DataFrame(
        {
            "role_duty": pd.Series(first, dtype=float),
            "role_benefits": pd.Series(second + [99] * 7, dtype=float),
        }
    )
    variables = ["role_duty", "role_benefits"]
    labels = [codebook.variable_label(v) for v in variables]
    for rounded in (True, False):
        table = likert_table(df, variables, rounded=rounded)
        assert list(table.index) == labels
    unrounded = likert_table(df, variables, rounded=False)
    assert unrounded.loc[labels[1], "Som eens"] > unrounded.loc[labels[0], "Som eens"]


def test_willingness_items_sum_and_sort_on_som_wel():
    df = frame(init_policy=[1, 1, 1, 5], init_mediation=[5, 5, 4, 1])
    table = likert_table(df, ["init_policy", "init_mediation"], index_name="Initiatief")
    assert table.index.name == "Initiatief"
    assert list(table.columns) == ["N", *WILLINGNESS, "Som niet", "Som wel"]
    assert list(table.index) == ["Conflictbemiddeling", "Beleidsbeïnvloeding"]
    assert table["Som wel"].tolist() == [75, 25]
    by_niet = likert_table(df, ["init_mediation", "init_policy"], sort_by="Som niet")
    assert list(by_niet.index) == ["Beleidsbeïnvloeding", "Conflictbemiddeling"]


def test_likert_table_unrounded_gives_floats():
    df = frame(role_fun=[1, 4, 4])
    row = likert_table(df, ["role_fun"], rounded=False).iloc[0]
    assert row["Eens"] == pytest.approx(200 / 3)
    assert row["Som eens"] == pytest.approx(200 / 3)
    assert row["N"] == 3


def test_likert_table_rejects_mixed_scales_and_unknown_sort_column():
    df = frame(role_fun=[1], init_policy=[1], gender=[1])
    with pytest.raises(ValueError, match="value set"):
        likert_table(df, ["role_fun", "init_policy"])
    with pytest.raises(ValueError, match="five-point"):
        likert_table(df, ["gender"])
    with pytest.raises(KeyError):
        likert_table(df, ["role_fun"], sort_by="Som wel")


# --------------------------------------------------------------------------
# Comparison with the Veiligheidsmonitor
# --------------------------------------------------------------------------


def reference_frame(rows):
    return pd.DataFrame(rows, columns=["table", "variable", "category", "percent"]).assign(note="")


def test_compare_with_reference_layout_and_sum_rows():
    # 1 + 1 of 8 onverzorgd -> parts 13 + 13, Som onverzorgd 25 (from counts).
    df = frame(
        neighbourhood_appearance=[1, 2, 3, 3, 3, 4, 4, 4, 99],
        education=[1, 3, 3, 3, 98, 2, 2, 2, 2],
    )
    reference = reference_frame(
        [
            ("Tabel 2", "education", "Geen diploma, lager onderwijs of lager middelbaar", 25),
            ("Tabel 2", "education", "Hoger middelbaar", 35),
            ("Tabel 2", "education", "Hogere studie", 38),
            ("Tabel 3", "neighbourhood_appearance", "Heel onverzorgd", 2),
            ("Tabel 3", "neighbourhood_appearance", "Eerder onverzorgd", 12),
            ("Tabel 3", "neighbourhood_appearance", "Som onverzorgd", 14),
            ("Tabel 3", "neighbourhood_appearance", "Eerder verzorgd", 66),
            ("Tabel 3", "neighbourhood_appearance", "Heel verzorgd", 18),
            ("Tabel 3", "neighbourhood_appearance", "Som verzorgd", 84),
            ("Tekst 3.2.1", "", "Geen antwoord", 38),
        ]
    )
    table = compare_with_reference(df, ["neighbourhood_appearance", "education"], reference)
    assert list(table.columns) == [SURVEY_COLUMN, REFERENCE_COLUMN]
    assert table.index.names == ["Variabele", "Categorie"]
    assert list(table.index) == [
        ("Uitzicht buurt", "Heel onverzorgd"),
        ("Uitzicht buurt", "Eerder onverzorgd"),
        ("Uitzicht buurt", "Som onverzorgd"),
        ("Uitzicht buurt", "Eerder verzorgd"),
        ("Uitzicht buurt", "Heel verzorgd"),
        ("Uitzicht buurt", "Som verzorgd"),
        ("Hoogst behaalde diploma", "Geen diploma, lager onderwijs of lager middelbaar"),
        ("Hoogst behaalde diploma", "Hoger middelbaar"),
        ("Hoogst behaalde diploma", "Hogere studie"),
    ]
    assert table[SURVEY_COLUMN].tolist() == [13, 13, 25, 38, 38, 75, 13, 50, 38]
    assert table[REFERENCE_COLUMN].tolist() == [2, 12, 14, 66, 18, 84, 25, 35, 38]


def test_compare_with_reference_without_sums_or_reference_figure():
    df = frame(neighbourhood_appearance=[1, 4], gender=[1, 2])
    reference = reference_frame([("Tabel 3", "neighbourhood_appearance", "Heel verzorgd", 18)])
    table = compare_with_reference(df, ["neighbourhood_appearance", "gender"], reference)
    categories = list(table.index.get_level_values("Categorie"))
    assert "Som onverzorgd" not in categories and "Som verzorgd" not in categories
    assert table[REFERENCE_COLUMN].isna().sum() == 5
    assert table.loc[("Uitzicht buurt", "Heel verzorgd"), REFERENCE_COLUMN] == 18


def test_compare_with_reference_rejects_unknown_reference_category():
    reference = reference_frame([("Tabel 3", "neighbourhood_appearance", "heel verzorgd", 18)])
    with pytest.raises(ValueError, match="heel verzorgd"):
        compare_with_reference(
            frame(neighbourhood_appearance=[1]), ["neighbourhood_appearance"], reference
        )


# --------------------------------------------------------------------------
# BIN tables
# --------------------------------------------------------------------------


def test_bin_tables_layout():
    df = frame(
        bin_known=[1, 1, 1, 2, 97, 97, 2, 1],
        bin_member=[1, 2, 98, 96, 97, 97, 96, 2],
        bin_willing=[96, 5, 96, 1, 97, 97, 3, 99],
    )
    reference = reference_frame(
        [("Tabel 6", "bin_known", "Ja", 44), ("Tabel 6", "bin_known", "Nee", 56)]
    )
    knowledge = bin_knowledge_table(df, reference)
    assert list(knowledge.columns) == ["Populatie", "N", SURVEY_COLUMN, REFERENCE_COLUMN]
    assert list(knowledge.index) == [("BIN Kennis", "Ja"), ("BIN Kennis", "Nee")]
    assert knowledge["N"].tolist() == [6, 6]
    assert knowledge[SURVEY_COLUMN].tolist() == [67, 33]
    assert knowledge[REFERENCE_COLUMN].tolist() == [44, 56]

    participation = bin_participation_table(df)
    assert list(participation.columns) == ["Populatie", "N", "%"]
    assert list(participation.index) == [
        ("BIN Deelname", "Ja"),
        ("BIN Deelname", "Nee"),
        *[("BIN Bereidheid tot deelname", c) for c in [*WILLINGNESS, "Som niet", "Som wel"]],
    ]
    assert participation.loc["BIN Deelname", "N"].tolist() == [3, 3]
    assert participation.loc["BIN Deelname", "%"].tolist() == [33, 67]
    willing = participation.loc["BIN Bereidheid tot deelname"]
    assert willing["N"].unique().tolist() == [3]
    assert willing["%"].tolist() == [33, 0, 33, 0, 33, 33, 33]


# --------------------------------------------------------------------------
# Sample summary
# --------------------------------------------------------------------------


def test_sample_summary():
    df = frame(age=[40, 55, None, 47, 48], gender=[2, 1, 2, 99, 2])
    summary = sample_summary(df)
    assert summary["N"] == 5
    assert summary["N leeftijd"] == 4
    assert summary["Gemiddelde leeftijd (exact)"] == pytest.approx(47.5)
    assert summary["Gemiddelde leeftijd"] == 48  # 47.5 rounded half up
    assert summary["N geslacht"] == 4
    assert summary["Vrouwen"] == 3
    assert summary["% vrouwen"] == 75
    assert type(summary["N"]) is int and type(summary["% vrouwen"]) is int
    assert type(summary["Gemiddelde leeftijd (exact)"]) is float


def test_sample_summary_rejects_age_outside_codebook_range():
    with pytest.raises(ValueError, match="age.*999"):
        sample_summary(frame(age=[40, 999], gender=[1, 2]))


# --------------------------------------------------------------------------
# Tabel 1
# --------------------------------------------------------------------------


def interviews_frame(rows):
    return pd.DataFrame(rows, columns=["interview_id", "respondent_id", "organisation", "function"])


def test_interview_table_totals_and_order():
    people = interviews_frame(
        [
            ("I1", "R1", "Stad/gemeente", "Burgemeester"),
            ("I1", "R2", "Stad/gemeente", "Gemeenteraadslid/ schepen"),  # report spacing
            ("I2", "R3", "Stad/gemeente", "Gemeenteraadslid/schepen"),
            ("I3", "R4", "Politiezone", "Korpschef"),
            ("I3", "R5", "Politiezone", "Korpschef"),
            ("I4", "R6", "Hulpverleningszone", ""),
            ("I5", "R7", "Hulpverleningszone", None),
        ]
    )
    table = interview_table(people)
    assert list(table.columns) == ["Organisatie", "Functie", "Aantal"]
    assert list(zip(table["Organisatie"], table["Functie"], table["Aantal"])) == [
        ("Stad/gemeente", "Burgemeester", 1),
        ("Stad/gemeente", "Gemeenteraadslid/schepen", 2),
        ("Stad/gemeente", "Ambtenaar preventiedienst/integrale veiligheid/andere", 0),
        ("Stad/gemeente", "Totaal", 3),
        ("Politiezone", "Korpschef", 2),
        ("Politiezone", "Commissaris wijkwerking/interventie/strategisch analist", 0),
        ("Politiezone", "Totaal", 2),
        ("Hulpverleningszone", "", 2),
        ("TOTAAL", "", 7),
    ]
    assert interview_summary(people).to_dict() == {"Interviews": 5, "Respondenten": 7}


def test_interview_table_rejects_unknown_function():
    people = interviews_frame([("I1", "R1", "Politiezone", "Burgemeester")])
    with pytest.raises(ValueError, match="Burgemeester"):
        interview_table(people)


# --------------------------------------------------------------------------
# Reproduction audit
# --------------------------------------------------------------------------

KEYS = ["table", "variable", "row", "column"]


def test_published_vs_recomputed_statuses():
    figures = pd.DataFrame(
        [
            ("T", "a", "", "N", 10, "count"),
            ("T", "a", "x", "%", 40, "percent"),
            ("T", "a", "y", "%", 60, "percent"),
            ("T", "b", "x", "%", 20, "percent"),
            ("T", "b", "y", "%", 80, "percent"),
            ("T", "c", "x", "%", 5, "percent"),
            ("T", "c", "z", "%", 7, "percent"),
        ],
        columns=[*KEYS, "value", "unit"],
    )
    recomputed = pd.DataFrame(
        [
            ("T", "a", "", "N", 10),
            ("T", "a", "x", "%", 41),  # recorded deviation
            ("T", "a", "y", "%", 59),  # recorded, but drifted to 59
            ("T", "b", "x", "%", 21),  # unexplained
            ("T", "b", "y", "%", 80),  # recorded, but matches again
            ("T", "c", "x", "%", 6),  # record's published value is wrong
        ],
        columns=[*KEYS, "value"],
    )
    deviations = pd.DataFrame(
        [
            ("T", "a", "x", "%", 40, 41, "rounding constraint"),
            ("T", "a", "y", "%", 60, 58, "rounding constraint"),
            ("T", "b", "y", "%", 80, 79, "old"),
            ("T", "c", "x", "%", 4, 6, "typo"),
        ],
        columns=[*KEYS, "published", "reproduced", "reason"],
    )
    audit = published_vs_recomputed(figures, recomputed, deviations)
    assert list(audit.columns) == [
        *KEYS,
        "unit",
        "published",
        "recomputed",
        "match",
        "recorded",
        "reason",
        "status",
    ]
    assert audit["status"].tolist() == [
        "match",
        "recorded deviation",
        "drifted",
        "unexplained",
        "stale record",
        "record mismatch",
        "not recomputed",
    ]
    assert audit["match"].tolist() == [True, False, False, False, True, False, False]
    assert audit["reason"].tolist()[:2] == ["", "rounding constraint"]

    no_records = published_vs_recomputed(figures, recomputed)
    assert no_records["status"].tolist()[:3] == ["match", "unexplained", "unexplained"]


def test_published_vs_recomputed_rejects_unknown_or_duplicated_keys():
    figures = pd.DataFrame([("T", "a", "", "N", 10, "count")], columns=[*KEYS, "value", "unit"])
    extra = pd.DataFrame(
        [("T", "a", "", "N", 10), ("T", "b", "", "N", 3)], columns=[*KEYS, "value"]
    )
    with pytest.raises(ValueError, match="not a published cell"):
        published_vs_recomputed(figures, extra)
    duplicated = pd.DataFrame([("T", "a", "", "N", 10)] * 2, columns=[*KEYS, "value"])
    with pytest.raises(ValueError, match="duplicated"):
        published_vs_recomputed(figures, duplicated)


def test_synthetic_deviations_do_not_excuse_the_real_data():
    from helpers.analysis.reproduction import load_deviations
    from helpers.data.provenance import DELIVERED, GENERATED, Delivery, Provenance

    def provenance(*origins):
        return Provenance(
            tuple(Delivery(f"f{i}.sav", i, "0" * 64, o) for i, o in enumerate(origins))
        )

    # the synthetic calibration records at least one deviation
    assert len(load_deviations(provenance=provenance(GENERATED, GENERATED))) >= 1
    # a delivered file among the generated ones: the records no longer apply
    assert load_deviations(provenance=provenance(GENERATED, DELIVERED)).empty
    assert load_deviations(provenance=provenance(DELIVERED, DELIVERED)).empty
