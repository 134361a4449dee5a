"""Unit tests for helpers.book.practice on tiny hand-made inputs, plus checks of the shipped files."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.analysis.qualitative import load_coding_frame
from helpers.book.practice import (
    CODING_KEY_FILE,
    STUDENT_CODING_FILE,
    agreement_by_theme,
    coding_differences,
    coding_matrix,
    cohens_kappa,
    guide_coverage,
    guide_to_markdown,
    load_coding,
    load_interview_guide,
    load_transcript,
    not_asked_by_municipality,
    questionnaire_items,
    questionnaire_routing,
    questionnaire_to_markdown,
    transcript_to_markdown,
)
from helpers.data import codebook

BOOK = {
    "value_sets": {"yn": {1: "Ja", 2: "Nee"}, "sc": {1: "Laag", 2: "Midden", 3: "Hoog"}},
    "variables": {
        "id": {"label": "Nummer", "kind": "id", "group": "admin"},
        "age": {"label": "Leeftijd", "kind": "numeric", "group": "bg", "min": 16, "max": 99},
        "known": {"label": "Kent u het?", "kind": "categorical", "values": "yn", "group": "k"},
        "member": {"label": "Doet u mee?", "kind": "categorical", "values": "yn", "group": "k"},
        "willing": {
            "label": "Wilt u meedoen?",
            "kind": "categorical",
            "values": "sc",
            "group": "k",
        },
        "s1": {"label": "Stelling 1", "kind": "categorical", "values": "sc", "group": "s"},
        "s2": {"label": "Stelling 2", "kind": "categorical", "values": "sc", "group": "s"},
        "s3": {"label": "Stelling 3", "kind": "categorical", "values": "sc", "group": "s"},
    },
}
BLOCKS = (
    {
        "section": "A",
        "section_title": "Deel A",
        "title": "Over u",
        "groups": ("bg",),
        "instruction": "Eerst over u.",
    },
    {
        "section": "B",
        "section_title": "Deel B",
        "title": "Netwerk",
        "groups": ("k",),
        "instruction": "Volg de pijlen.",
    },
    {
        "section": "B",
        "section_title": "Deel B",
        "title": "Stellingen",
        "groups": ("s",),
        "instruction": "Geef uw mening.",
    },
)
FILTERS = {
    "member": [{"known": [1]}],
    "willing": [{"known": [2]}, {"member": [2]}],
}


@pytest.fixture()
def items():
    return questionnaire_items(BOOK, BLOCKS)


# ---------------------------------------------------------------- questionnaire


def test_questionnaire_items_numbers_in_block_order(items):
    assert items["variable"].tolist() == ["age", "known", "member", "willing", "s1", "s2", "s3"]
    assert items["number"].tolist() == list(range(1, 8))
    assert items.loc[1, "answers"] == ((1, "Ja"), (2, "Nee"))
    assert items.loc[0, "answers"] == ()
    assert items.loc[0, "max"] == 99


def test_questionnaire_items_rejects_empty_group():
    blocks = BLOCKS + (
        {
            "section": "C",
            "section_title": "C",
            "title": "Leeg",
            "groups": ("nothing",),
            "instruction": "",
        },
    )
    with pytest.raises(ValueError, match="no variables"):
        questionnaire_items(BOOK, blocks)


def test_questionnaire_items_rejects_variable_in_two_blocks():
    blocks = BLOCKS + (dict(BLOCKS[0]),)
    with pytest.raises(ValueError, match="two blocks"):
        questionnaire_items(BOOK, blocks)


def test_routing_table_derives_skips(items):
    routing = questionnaire_routing(items, FILTERS)
    got = {(r.variable, r.code): r.goto_variable for r in routing.itertuples()}
    # known = Nee skips member; member = Ja skips willing (known = Ja is implied).
    assert got == {("known", 2): "willing", ("member", 1): "s1"}
    assert routing.set_index("variable").loc["member", "goto_number"] == 5


def test_routing_table_unknown_condition_is_conservative(items):
    # A filter on a variable that is not in the questionnaire cannot be
    # evaluated: the question is then treated as possibly asked (no skip).
    routing = questionnaire_routing(items, {"member": [{"elsewhere": [1]}]})
    assert routing.empty


def test_routing_table_matches_codebook_filters():
    items = questionnaire_items(codebook.load_codebook())
    routing = questionnaire_routing(items, codebook.FILTERS)
    number = dict(zip(items["variable"], items["number"]))
    got = {(r.variable, r.code): r.goto_number for r in routing.itertuples()}
    assert got == {
        ("bin_known", 2): number["bin_willing"],
        ("bin_member", 1): number["bin_willing"] + 1,
    }


def test_questionnaire_covers_every_substantive_codebook_variable():
    items = questionnaire_items(codebook.load_codebook())
    expected = [
        v
        for v in codebook.variable_names()
        if codebook.load_codebook()["variables"][v]["group"] != "administratie"
    ]
    assert sorted(items["variable"]) == sorted(expected)


def test_not_asked_by_municipality():
    df = pd.DataFrame(
        {
            "municipality": [1, 1, 2, 2, 3],
            "q": [97, 97, 97, 97, 1],
            "r": [97, 1, 2, 3, 4],  # partly 97: still asked
            "s": [1, 2, 3, 4, 5],
        }
    )
    table = not_asked_by_municipality(df, ["q", "r", "s"], labels={1: "A", 2: "B", 3: "C"})
    assert table["variable"].tolist() == ["q"]
    assert table.loc[0, "n_not_asked"] == 2
    assert table.loc[0, "municipalities"] == ("A", "B")


def test_not_asked_by_municipality_none():
    df = pd.DataFrame({"municipality": [1, 2], "q": [1, 2]})
    table = not_asked_by_municipality(df, ["q"])
    assert table.empty
    assert list(table.columns) == ["variable", "n_not_asked", "municipalities"]


def test_questionnaire_markdown_has_routing_filters_and_notes(items):
    routing = questionnaire_routing(items, FILTERS)
    not_asked = pd.DataFrame(
        {"variable": ["s2"], "n_not_asked": [2], "municipalities": [("Gemeente A", "Gemeente B")]}
    )
    text = questionnaire_to_markdown(items, routing, FILTERS, not_asked)
    assert "☐ Nee → ga naar vraag 4" in text
    assert "☐ Ja → ga naar vraag 5" in text
    assert "*Alleen als vraag 2 = 'Nee' of als vraag 3 = 'Nee'.*" in text
    assert "Antwoordschaal: 1 = Laag · 2 = Midden · 3 = Hoog" in text
    assert "*Niet gesteld in Gemeente A en Gemeente B.*" in text
    assert "… jaar (van 16 tot 99)" in text
    assert "#" not in text  # no headings inside notebook output
    only_a = questionnaire_to_markdown(items, section="A")
    assert "Stelling 1" not in only_a and "Leeftijd" in only_a


# ---------------------------------------------------------------- interview guide

FRAME = pd.DataFrame({"code": ["a", "b", "c"], "theme": ["Thema A", "Thema B", "Thema C"]})


def test_load_interview_guide_and_coverage(tmp_path):
    path = tmp_path / "guide.csv"
    path.write_text(
        "theme_code,question,probe\n"
        'a,"Eerste vraag, met komma?",Doorvraag\n'
        "a,Tweede vraag?,\n"
        "b,Derde vraag?,Nog een doorvraag\n",
        encoding="utf-8",
    )
    guide = load_interview_guide(path, coding_frame=FRAME)
    assert guide.loc[0, "question"] == "Eerste vraag, met komma?"
    coverage = guide_coverage(guide, FRAME)
    assert coverage["Vragen"].tolist() == [2, 1, 0]
    assert coverage["Doorvragen"].tolist() == [1, 1, 0]
    text = guide_to_markdown(guide, FRAME)
    assert text.count("**Thema: Thema A**") == 1
    assert "**3.** Derde vraag?" in text
    assert "*Doorvraag:* Doorvraag" in text


def test_load_interview_guide_rejects_unknown_theme(tmp_path):
    path = tmp_path / "guide.csv"
    path.write_text("theme_code,question,probe\nzzz,Vraag?,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not in the coding frame"):
        load_interview_guide(path, coding_frame=FRAME)


def test_load_interview_guide_rejects_empty_question(tmp_path):
    path = tmp_path / "guide.csv"
    path.write_text("theme_code,question,probe\na,,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        load_interview_guide(path)


# ---------------------------------------------------------------- coding and agreement


def test_cohens_kappa_known_values():
    # 2x2 table: both 1 = 1, only first = 1, both 0 = 2 -> po = .75, pe = .5
    assert cohens_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)
    assert cohens_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert cohens_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    # Textbook example: a=20, b=5, c=10, d=15 (n=50): po=.7, pe=.5, kappa=.4
    first = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohens_kappa(first, second) == pytest.approx(0.4)


def test_cohens_kappa_undefined_and_invalid():
    assert math.isnan(cohens_kappa([0, 0, 0], [0, 0, 0]))
    with pytest.raises(ValueError):
        cohens_kappa([1, 0], [1])
    with pytest.raises(ValueError):
        cohens_kappa([2, 0], [1, 0])
    with pytest.raises(ValueError):
        cohens_kappa([], [])


def test_load_coding_and_matrix(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("segment_id,themes,rationale\ns1,a; b,uitleg\ns3,,\n", encoding="utf-8")
    coding = load_coding(path, coding_frame=FRAME, segments=["s1", "s2", "s3"])
    assert coding["themes"].tolist() == [("a", "b"), ()]
    assert "rationale" in coding.columns
    matrix = coding_matrix(coding, ["s1", "s2", "s3"], ["a", "b", "c"])
    assert matrix.values.tolist() == [[1, 1, 0], [0, 0, 0], [0, 0, 0]]


def test_load_coding_rejects_unknown_codes_and_segments(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("segment_id,themes\ns1,zzz\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not in the coding frame"):
        load_coding(path, coding_frame=FRAME)
    path.write_text("segment_id,themes\ns9,a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown segment"):
        load_coding(path, segments=["s1"])


def test_agreement_by_theme_counts_and_kappa():
    first = pd.DataFrame({"a": [1, 1, 0, 0], "b": [0, 0, 0, 0]}, index=list("wxyz"))
    second = pd.DataFrame({"a": [1, 0, 0, 0], "b": [0, 0, 0, 0]}, index=list("wxyz"))
    table = agreement_by_theme(first, second, labels={"a": "Thema A"})
    assert table.loc[
        "Thema A", ["Beide", "Alleen eerste", "Alleen tweede", "Geen van beide"]
    ].tolist() == [1, 1, 0, 2]
    assert table.loc["Thema A", "Overeenstemming (%)"] == pytest.approx(75.0)
    assert table.loc["Thema A", "Kappa"] == pytest.approx(0.5)
    # Theme never used by either coder: full agreement, kappa undefined.
    assert table.loc["b", "Overeenstemming (%)"] == pytest.approx(100.0)
    assert math.isnan(table.loc["b", "Kappa"])
    pooled = table.loc["Alle thema's samen"]
    assert pooled["Overeenstemming (%)"] == pytest.approx(87.5)
    # pooled: po = 7/8, p1 = 2/8, p2 = 1/8 -> pe = .25*.125 + .75*.875
    pe = 0.25 * 0.125 + 0.75 * 0.875
    assert pooled["Kappa"] == pytest.approx((7 / 8 - pe) / (1 - pe))


def test_agreement_requires_same_shape():
    with pytest.raises(ValueError):
        agreement_by_theme(pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}))


def test_coding_differences():
    first = pd.DataFrame({"a": [1, 0], "b": [0, 0]}, index=["s1", "s2"])
    second = pd.DataFrame({"a": [0, 0], "b": [1, 0]}, index=["s1", "s2"])
    diff = coding_differences(first, second, labels={"a": "A", "b": "B"})
    assert diff.index.tolist() == ["s1"]
    assert diff.loc["s1"].tolist() == ["A", "B"]


# ---------------------------------------------------------------- shipped files


def test_shipped_practice_files_fit_together():
    frame = load_coding_frame()
    guide = load_interview_guide(coding_frame=frame)
    assert (guide_coverage(guide, frame)["Vragen"] >= 1).all()
    transcript = load_transcript()
    assert set(transcript["speaker"]) == {"Interviewer", "Respondent (fictief: korpschef)"}
    respondent = transcript.loc[transcript["speaker"] != "Interviewer", "segment_id"]
    key = load_coding(CODING_KEY_FILE, frame, transcript["segment_id"])
    student = load_coding(STUDENT_CODING_FILE, frame, transcript["segment_id"])
    # The key codes every respondent segment and nothing else.
    assert sorted(key["segment_id"]) == sorted(respondent)
    assert (key["themes"].map(len) > 0).all()
    assert (key["rationale"] != "").all()
    assert set(student["segment_id"]) <= set(respondent)
    assert "**S01 · Interviewer:**" in transcript_to_markdown(transcript)
