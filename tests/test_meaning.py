"""Meaning, not only form: delivered value labels checked against the codebook.

A file whose codes and labels were reversed or swapped together passes every
check of form; only its labels tell. These tests run on the hand-made
fixtures of ``conftest.py`` (the same cases on the project's own deliveries
are in ``test_hostile_inputs.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import delivery_a, delivery_b, harmonise_made
from helpers.data import codebook
from helpers.data.errors import DeliveryError
from helpers.data.labels import (
    categories_named,
    is_missing_like,
    missing_code_for,
    normalise_label,
    propose_recode,
)

LIKERT_REVERSED = {
    1: "Helemaal eens",
    2: "Eens",
    3: "Neutraal",
    4: "Oneens",
    5: "Helemaal oneens",
}


def _source_of(make, var):
    return make()[2]["variables"][var]["source"]


def _refused(expected, **kwargs):
    with pytest.raises(DeliveryError) as info:
        harmonise_made(**kwargs)
    message = str(info.value)
    for text in expected:
        assert text in message, f"{text!r} not in: {message}"
    return info.value


# --------------------------------------------------------------------------
# the label functions
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "weet niet",
        "Weet het niet",
        "WEET  NIET",
        "wil niet zeggen",
        "Wil ik niet zeggen",
        "onbekend",
        "Onbekend.",
        "Geen antwoord",
        "geen  antwoord",
        "n.v.t.",
        "N.V.T",
        "nvt",
        "niet van toepassing",
        "Niet van toepassing",
        "9 = Weet niet",
    ],
)
def test_missing_like_labels_in_their_usual_forms(label):
    assert is_missing_like(label)


@pytest.mark.parametrize(
    "label", ["Eens", "Niet eens, niet oneens", "Neen", "Misschien", "Weet wel", "Niet"]
)
def test_answers_are_not_missing_like(label):
    assert not is_missing_like(label)


def test_missing_codes_proposed_by_meaning():
    assert missing_code_for("Weet het niet") == codebook.DONT_KNOW
    assert missing_code_for("N.v.t.") == codebook.NOT_APPLICABLE
    assert missing_code_for("Wil ik niet zeggen") == codebook.NO_ANSWER


@pytest.mark.parametrize(
    ("value_set", "label", "code"),
    [
        ("likert", "Helemaal mee eens", 5),
        ("likert", "  helemaal EENS ", 5),
        ("likert", "1 = Helemaal oneens", 1),
        ("likert", "(3) Neutraal", 3),
        ("likert", "Niet eens/niet oneens", 3),
        ("gender", "M", 1),
        ("gender", "vrouw", 2),
        ("recruitment", "Markt / straat", 3),
        ("recruitment", "Deur-aan-deur", 2),
        ("appearance", "Heel verzorgd", 4),
        ("yes_no", "Neen", 2),
    ],
)
def test_labels_name_their_category(value_set, label, code):
    assert categories_named(value_set, label) == {code}


def test_a_leading_number_that_is_part_of_the_label_stays():
    assert normalise_label("1-5 jaar") == "1 5 jaar"
    assert categories_named("likert", "Eens") == {4}
    assert categories_named("likert", "Soms eens") == set()


def test_propose_recode_from_reversed_labels():
    recode, missing, unplaced = propose_recode(
        "likert", {**LIKERT_REVERSED, 8: "Weet niet", 7: "Soms"}
    )
    assert recode == {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    assert missing == {8: 98}
    assert unplaced == {7: "Soms"}


# --------------------------------------------------------------------------
# reversed and swapped codes
# --------------------------------------------------------------------------


def test_reversed_scale_with_identity_mapping_stops_the_run():
    # role_help_others (v02) is delivered 1 = "Helemaal eens"; the mapping,
    # copied from another municipality, keeps the codes as they are.
    src = _source_of(delivery_a, "role_help_others")
    error = _refused(
        [
            "gemeente_a.sav",
            repr(src),
            "value 1",
            "'Helemaal eens'",  # the delivered label
            "'Helemaal oneens'",  # the codebook's label of what the mapping makes of it
            "role_help_others",
            "recode: {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}",
            "accept_labels",
        ],
        make=delivery_a,
        value_labels={src: LIKERT_REVERSED},
    )
    assert error.file == "gemeente_a.sav" and error.variable == src and error.value == 1


def test_codes_and_labels_reversed_together_with_the_right_recode_pass():
    src = _source_of(delivery_a, "role_help_others")
    plain, _ = harmonise_made(delivery_a)

    def reverse(df):
        df[src] = 6 - df[src]

    def recode(mapping):
        mapping["variables"]["role_help_others"]["recode"] = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}

    result, log = harmonise_made(
        delivery_a,
        edit_frame=reverse,
        edit_mapping=recode,
        value_labels={src: LIKERT_REVERSED},
    )
    assert result["role_help_others"].tolist() == plain["role_help_others"].tolist()
    assert log["notes"] == []


def test_gender_coded_one_for_woman_stops_the_run():
    src = _source_of(delivery_b, "gender")
    _refused(
        [
            "gemeente_b.sav",
            repr(src),
            "value 1",
            "'Vrouw'",
            "'Man'",
            "recode: {1: 2, 2: 1}",
        ],
        make=delivery_b,
        value_labels={src: {1: "Vrouw", 2: "Man"}},
    )


def test_swapped_text_codes_stop_the_run():
    # a text variable without value labels carries its meaning in its codes
    def swap(mapping):
        mapping["variables"]["gender"]["recode"] = {"M": 2, "V": 1}

    _refused(
        ["gemeente_a.sav", "'geslacht'", "value 'M'", "'Man'", "recode: {'M': 1, 'V': 2}"],
        make=delivery_a,
        edit_mapping=swap,
    )


def test_a_code_declared_missing_but_labelled_as_an_answer_stops_the_run():
    src = _source_of(delivery_a, "education")  # 'missing: {9: 99}' in the mapping
    _refused(
        ["'opl'", "value 9", "'Hogere studie'", "99"],
        make=delivery_a,
        value_labels={src: {1: "Geen diploma", 9: "Hogere studie"}},
    )


def test_accepted_label_overrides_the_check_and_is_logged():
    src = _source_of(delivery_a, "role_help_others")

    def accept(mapping):
        mapping["variables"]["role_help_others"]["accept_labels"] = {1: "Helemaal eens"}

    labels = {1: "Helemaal eens", 5: "Helemaal eens"}
    result, log = harmonise_made(delivery_a, edit_mapping=accept, value_labels={src: labels})
    assert len(log["notes"]) == 1
    assert "Helemaal eens" in log["notes"][0] and src in log["notes"][0]


# --------------------------------------------------------------------------
# labels the check cannot place
# --------------------------------------------------------------------------


def test_unplaceable_label_needs_acceptance():
    src = _source_of(delivery_a, "role_help_others")
    labels = {1: "Helemaal oneens", 5: "Totaal akkoord"}
    _refused(
        [repr(src), "value 5", "'Totaal akkoord'", "names no category", "accept_labels"],
        make=delivery_a,
        value_labels={src: labels},
    )

    def accept(mapping):
        mapping["variables"]["role_help_others"]["accept_labels"] = {5: "totaal  akkoord"}

    _, log = harmonise_made(delivery_a, edit_mapping=accept, value_labels={src: labels})
    assert log["notes"] and "'Totaal akkoord'" in log["notes"][0]


def test_acceptance_stops_counting_when_the_file_changes_its_label():
    src = _source_of(delivery_a, "role_help_others")

    def accept(mapping):
        mapping["variables"]["role_help_others"]["accept_labels"] = {5: "Totaal akkoord"}

    _refused(
        ["'Volledig akkoord'", "the mapping accepts 'Totaal akkoord'", "now labels it"],
        make=delivery_a,
        edit_mapping=accept,
        value_labels={src: {5: "Volledig akkoord"}},
    )


def test_acceptance_of_a_code_without_a_label_is_refused():
    src = _source_of(delivery_a, "role_help_others")

    def accept(mapping):
        mapping["variables"]["role_help_others"]["accept_labels"] = {4: "Akkoord"}

    _refused(
        [repr(src), "value 4", "no value label for it"],
        make=delivery_a,
        edit_mapping=accept,
        value_labels={src: {5: "Helemaal eens"}},
    )


# --------------------------------------------------------------------------
# labelled codes on a numeric variable
# --------------------------------------------------------------------------


def _age_99(df):
    df.loc[1, "lft"] = 99


def test_labelled_age_never_becomes_an_age():
    _refused(
        ["'lft'", "value 99", "'Wil ik niet zeggen'", "missing: {99: 99}", "source id 2"],
        make=delivery_a,
        edit_frame=_age_99,
        value_labels={"lft": {99: "Wil ik niet zeggen"}},
    )


def test_labelled_age_declared_missing_becomes_system_missing():
    def missing(mapping):
        mapping["variables"]["age"]["missing"] = {999: 99, 99: 99}

    result, _ = harmonise_made(
        delivery_a,
        edit_frame=_age_99,
        edit_mapping=missing,
        value_labels={"lft": {99: "Wil ik niet zeggen"}},
    )
    assert np.isnan(result.loc[1, "age"])
    assert 99 not in result["age"].tolist()


def test_labelled_number_that_is_not_missing_like_is_refused_too():
    def edit(df):
        df.loc[1, "lft"] = 100

    _refused(
        ["'lft'", "value 100", "'100 of ouder'", "a labelled code on a numeric variable"],
        make=delivery_a,
        edit_frame=edit,
        value_labels={"lft": {100: "100 of ouder"}},
    )

    def accept(mapping):
        mapping["variables"]["age"]["accept_labels"] = {100: "100 of ouder"}

    result, log = harmonise_made(
        delivery_a,
        edit_frame=edit,
        edit_mapping=accept,
        value_labels={"lft": {100: "100 of ouder"}},
    )
    assert result.loc[1, "age"] == 100
    assert "'100 of ouder'" in log["notes"][0]


def test_labelled_number_that_does_not_occur_is_fine():
    result, log = harmonise_made(delivery_a, value_labels={"lft": {99: "Wil ik niet zeggen"}})
    assert log["notes"] == []
