"""The analyst's tools: draft a mapping, check everything at once, read the frequencies."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from helpers.data import codebook, config
from helpers.data.check import ERROR, NOTE, check_deliveries, format_report
from helpers.data.check import main as check_main
from helpers.data.draft import (
    compare_with_mapping,
    draft_hit_rate,
    draft_mapping,
    label_similarity,
    render_draft,
)
from helpers.data.draft import main as draft_main
from helpers.data.frequencies import load_frequencies, recode_overview
from helpers.data.frequencies import main as frequencies_main
from helpers.data.harmonise import harmonise_file
from helpers.data.labels import categories_named, is_missing_like
from helpers.data.mapping import load_mapping, mapping_paths, validate_mapping
from helpers.data.merge import read_delivery
from helpers.data.pipeline import build_processed
from helpers.data.redelivery import as_other_group


def _digests(folder):
    return sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("tools")
    shutil.copytree(config.DATA_DIR / "raw", root / "raw")
    shutil.copytree(config.DATA_DIR / "mappings", root / "mappings")
    return root


# --------------------------------------------------------------------------
# draft
# --------------------------------------------------------------------------


def test_label_similarity_prefers_the_right_item():
    item = "Ik vind het belangrijk om anderen te helpen"
    right = label_similarity(item, "Stelling: Ik vind het belangrijk om anderen te helpen")
    other = label_similarity(item, "Stelling: Ik vind het mijn plicht om te helpen")
    assert right > other
    assert (
        label_similarity("Hoelang woonachtig in de buurt", "Hoelang woont u al in deze buurt?")
        > 0.45
    )


def test_draft_of_each_delivery_is_a_valid_mapping_that_harmonises_it(project_copy):
    for path in mapping_paths(project_copy / "mappings"):
        committed = load_mapping(path)
        sav = project_copy / "raw" / committed["file"]
        text = render_draft(draft_mapping(sav))
        drafted = yaml.safe_load(text)
        # the header is the analyst's to fill in (marked CHECK where unsure)
        drafted["design"], drafted["recruitment"] = committed["design"], committed["recruitment"]
        drafted = validate_mapping(drafted, "draft")
        df, meta = read_delivery(sav)
        expected, _ = harmonise_file(df, meta, committed, sav.name)
        got, _ = harmonise_file(df, meta, drafted, sav.name)
        pd.testing.assert_frame_equal(got, expected)


def test_draft_hit_rate_on_the_ten_deliveries():
    rates = draft_hit_rate()
    assert len(rates) == 10
    totals = rates[["variables", "variables_right", "recodes", "recodes_right"]].sum()
    assert totals["variables"] == 10 * (len(codebook.variable_names()) - 3 + 1)
    assert totals["variables_right"] >= 0.95 * totals["variables"]
    assert totals["recodes_right"] >= 0.95 * totals["recodes"]


def test_draft_of_a_delivery_renamed_and_recoded_by_another_group(tmp_path):
    mapping = load_mapping(config.MAPPINGS_DIR / "gemeente_b.yaml")
    path = tmp_path / "gemeente_b.sav"
    changes = as_other_group(config.DATA_DIR / "raw" / "gemeente_b.sav", mapping, path)
    draft = draft_mapping(path)
    variables = draft.mapping["variables"]
    assert draft.mapping["id"] == changes["id"]
    assert variables["gender"]["source"] == "sekse"
    assert variables["gender"]["recode"] == {1: 2, 2: 1}
    assert variables["role_help_others"]["source"] == "vraag_anderen_helpen"
    assert variables["role_help_others"]["recode"] == {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    assert variables["age"] == {"source": "leeftijd_jaren", "missing": {99: 99}}
    assert draft.mapping["exclude"][0]["source"] == "testinvoer"
    # and the harmonised data are those of the original delivery
    drafted = yaml.safe_load(render_draft(draft))
    drafted["design"], drafted["recruitment"] = mapping["design"], mapping["recruitment"]
    drafted["drop"]["opmerking"] = "Vrije tekst"
    df, meta = read_delivery(path)
    got, _ = harmonise_file(df, meta, validate_mapping(drafted, "draft"), path.name)
    original, _ = harmonise_file(
        *read_delivery(config.DATA_DIR / "raw" / "gemeente_b.sav"), mapping, "gemeente_b.sav"
    )
    for var in codebook.variable_names():
        if var == "resp_id":  # the text ids keep what the group wrote: R_ and five digits
            expected = [f"B-R_{int(r[1:]):05d}" for r in original[var]]
            assert got[var].tolist() == expected
        elif var == "age":  # three respondents would not say their age
            withheld = got["resp_id"].isin([f"B-{i}" for i in changes["withheld"]])
            assert withheld.sum() == 3 and got.loc[withheld, var].isna().all()
            pd.testing.assert_series_equal(got.loc[~withheld, var], original.loc[~withheld, var])
        else:
            pd.testing.assert_series_equal(got[var], original[var], obj=var)


def test_compare_with_mapping_counts_a_wrong_recode(project_copy):
    committed = load_mapping(project_copy / "mappings" / "gemeente_d.yaml")
    sav = project_copy / "raw" / "gemeente_d.sav"
    draft = draft_mapping(sav)
    right = compare_with_mapping(draft, committed, sav)
    assert right["recodes_right"] == right["recodes"]
    draft.mapping["variables"]["role_duty"].pop("recode")  # forget the reversal
    wrong = compare_with_mapping(draft, committed, sav)
    assert wrong["recodes_right"] == right["recodes"] - 1
    assert any(m.startswith("role_duty: codes") for m in wrong["misses"])


def test_draft_command(tmp_path, capsys):
    out = tmp_path / "gemeente_x.yaml"
    assert draft_main([str(config.DATA_DIR / "raw" / "gemeente_a.sav"), "--out", str(out)]) == 0
    assert "CHECK" in out.read_text(encoding="utf-8")
    assert draft_main([str(config.DATA_DIR / "raw" / "gemeente_a.sav"), "--out", str(out)]) == 1
    assert "never overwrites" in capsys.readouterr().err
    not_spss = tmp_path / "notes.sav"
    not_spss.write_text("a,b\n1,2\n")
    assert draft_main([str(not_spss)]) == 1
    err = capsys.readouterr().err
    assert "CSV" in err and "Traceback" not in err


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------


def test_check_passes_the_project_deliveries(project_copy, capsys):
    before = _digests(project_copy)
    assert (
        check_main(
            ["--raw", str(project_copy / "raw"), "--mappings", str(project_copy / "mappings")]
        )
        == 0
    )
    report = capsys.readouterr().out
    assert report.count("  ok: ") == 10 and "no errors" in report
    assert _digests(project_copy) == before


def test_check_lists_every_problem_grouped_by_file(tmp_path, capsys):
    shutil.copytree(config.DATA_DIR / "raw", tmp_path / "raw")
    shutil.copytree(config.DATA_DIR / "mappings", tmp_path / "mappings")
    # two faults in one mapping
    path = tmp_path / "mappings" / "gemeente_a.yaml"
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    mapping["variables"]["age"]["source"] = ["leeftijd"]
    mapping["variables"]["role_fun"]["missing"] = {8: 100}
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    # a file delivered by another group under the old mapping: several faults
    committed = load_mapping(tmp_path / "mappings" / "gemeente_b.yaml")
    as_other_group(
        tmp_path / "raw" / "gemeente_b.sav", committed, tmp_path / "raw" / "gemeente_b.sav"
    )
    # an extra file nobody mapped
    (tmp_path / "raw" / "gemeente_k.sav").write_bytes(
        (tmp_path / "raw" / "gemeente_c.sav").read_bytes()
    )
    before = _digests(tmp_path)
    findings = check_deliveries(tmp_path / "raw", tmp_path / "mappings")
    assert _digests(tmp_path) == before  # nothing written
    errors = [f for f in findings if f.level == ERROR]
    by_file = {}
    for f in errors:
        by_file.setdefault(f.where, []).append(f.message)
    assert set(by_file) == {"gemeente_a.yaml", "gemeente_b.sav", "gemeente_k.sav"}
    assert len(by_file["gemeente_a.yaml"]) == 2
    assert len(by_file["gemeente_b.sav"]) >= 8  # five renamed + five unmapped variables
    assert any("'sekse'" in m for m in by_file["gemeente_b.sav"])
    # the other files are checked all the same
    assert sum(f.level == "ok" for f in findings) == 8
    report = format_report(findings)
    assert report.index("gemeente_a.yaml") < report.index("gemeente_b.sav")
    assert (
        check_main(["--raw", str(tmp_path / "raw"), "--mappings", str(tmp_path / "mappings")]) == 1
    )
    assert "error(s) in 3 file(s)" in capsys.readouterr().out


def test_check_reports_the_label_problems_of_each_variable(tmp_path):
    shutil.copytree(config.DATA_DIR / "raw", tmp_path / "raw")
    shutil.copytree(config.DATA_DIR / "mappings", tmp_path / "mappings")
    committed = load_mapping(tmp_path / "mappings" / "gemeente_b.yaml")
    changes = as_other_group(
        tmp_path / "raw" / "gemeente_b.sav", committed, tmp_path / "raw" / "b.sav"
    )
    (tmp_path / "raw" / "gemeente_b.sav").unlink()
    # a mapping that follows the renames but not the recodes
    path = tmp_path / "mappings" / "gemeente_b.yaml"
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    mapping["file"] = "b.sav"
    for spec in mapping["variables"].values():
        spec["source"] = changes["renamed"].get(spec["source"], spec["source"])
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    findings = [
        f for f in check_deliveries(tmp_path / "raw", tmp_path / "mappings") if f.level == ERROR
    ]
    messages = " | ".join(f.message for f in findings)
    assert {f.where for f in findings} == {"b.sav"}
    assert "'sekse'" in messages and "'Vrouw'" in messages
    assert "'vraag_anderen_helpen'" in messages and "'Helemaal eens'" in messages
    assert "'leeftijd_jaren'" in messages and "'Wil ik niet zeggen'" in messages
    assert len(findings) == 3


def test_check_notes_what_the_build_decides(tmp_path):
    shutil.copytree(config.DATA_DIR / "raw", tmp_path / "raw")
    shutil.copytree(config.DATA_DIR / "mappings", tmp_path / "mappings")
    (tmp_path / "mappings" / "gemeente_j.yaml").unlink()
    (tmp_path / "raw" / "gemeente_j.sav").unlink()
    (tmp_path / "raw" / "leesmij.txt").write_text("notes")
    findings = check_deliveries(tmp_path / "raw", tmp_path / "mappings")
    notes = {f.where: f.message for f in findings if f.level == NOTE}
    assert "Geen bestand aangeleverd" in notes["Gemeente J"]
    assert "leesmij.txt" in notes
    assert not [f for f in findings if f.level == ERROR]


# --------------------------------------------------------------------------
# frequencies
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frequencies(project_copy):
    build_processed(project_copy / "raw", project_copy / "mappings", project_copy / "processed")
    return load_frequencies(project_copy / "processed" / "frequencies.csv")


def test_frequencies_add_up_to_the_respondents(frequencies, project_copy):
    log = pd.read_csv(project_copy / "processed" / "merge_log.csv", keep_default_na=False)
    written = log.groupby("municipality")["rows_written"].sum()
    per_variable = frequencies.groupby(["municipality", "variable"])["count"].sum()
    for (municipality, _variable), total in per_variable.items():
        assert total == written[municipality]


def test_every_delivered_label_names_the_category_it_became(frequencies):
    """The table shows a wrong recode at a glance; on the project's own
    deliveries there is none."""
    book = codebook.load_codebook()["variables"]
    labelled = frequencies[frequencies["delivered_label"] != ""]
    checked = 0
    for row in labelled.itertuples():
        if row.harmonised_code >= codebook.MISSING_LOW or is_missing_like(row.delivered_label):
            continue
        value_set = book[row.variable]["values"]
        assert row.harmonised_code in categories_named(value_set, row.delivered_label), row
        checked += 1
    assert checked > 1000


def test_recode_overview_groups_items_recoded_alike(frequencies):
    overview = recode_overview(frequencies)
    d = overview[overview["Gemeente"] == "Gemeente D"]
    reversed_items = d[d["Variabelen"].str.contains("andere")]
    assert set(reversed_items["Geleverde code"]) == {"1", "2", "4", "5"}
    assert (
        reversed_items["Label"].str.lower() == reversed_items["Geleverd label"].str.lower()
    ).all()


def test_frequencies_command(project_copy, capsys):
    path = project_copy / "processed" / "frequencies.csv"
    assert (
        frequencies_main(["--file", str(path), "--municipality", "4", "--variable", "Rol_6"]) == 0
    )
    out = capsys.readouterr().out
    assert "helemaal eens" in out and "Helemaal eens" in out
    assert frequencies_main(["--file", str(project_copy / "absent.csv")]) == 1
    assert "make data" in capsys.readouterr().err
