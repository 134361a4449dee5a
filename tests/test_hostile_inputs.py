"""Hostile deliveries: a bad file never silently changes the published figures.

Every case copies the project's own raw files and mappings into ``tmp_path``,
damages ONE thing (a raw file rewritten with :func:`helpers.data.sav.write_sav_atomic`
with its metadata preserved, a file added or removed, or one mapping edited)
and runs :func:`helpers.data.pipeline.build_processed` into an output folder that
already holds the good ``enquete.sav`` and ``merge_log.csv`` of a clean run.
Each case ends in exactly one of two ways:

* **refused**: a :class:`~helpers.data.errors.DeliveryError` (or its subclass
  :class:`~helpers.data.errors.MappingError`) whose message names the file, the
  variable and the offending value where they exist, and the output folder is
  byte-identical to before (no partial output, no stray temporary file);
* **logged decision**: the build succeeds, the decision is visible in
  ``merge_log.csv`` or ``decisions.csv``, and every published figure
  (:func:`helpers.analysis.reproduction.recompute_report_figures`) is unchanged.

The cases look up variable names in the mappings instead of hard-coding the
synthetic files' names, so they also run on the real deliveries. The second
part of the file covers the same checks on the generator-independent fixtures
of ``conftest.py``. The decisions are documented in ``data/mappings/README.md``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import shutil
import struct
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import delivery_a, harmonise_made
from helpers.analysis.reproduction import recompute_report_figures
from helpers.data import codebook, config
from helpers.data.errors import DeliveryError, MappingError
from helpers.data.harmonise import REASON_ALL_MISSING
from helpers.data.mapping import load_mapping
from helpers.data.merge import DECISION_IGNORED, merge_deliveries
from helpers.data.pipeline import DECISIONS_FILE_NAME, build_processed, load_survey
from helpers.data.provenance import DELIVERED, MODE_MIXED, read_provenance
from helpers.data.redelivery import kept_sav_metadata
from helpers.data.sav import read_sav, write_sav_atomic
from helpers.data.schema import SurveySchemaError

ROLE = codebook.variables_in_group("Tabel 4")


# --------------------------------------------------------------------------
# harness
# --------------------------------------------------------------------------


def _digests(folder):
    """sha256 of every entry of a folder (hidden temporary files included)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _survey_unchanged(work, rewritten):
    """The survey's data and metadata are the baseline's; only its provenance
    differs: it records each rewritten raw file as delivered."""
    new, new_meta = read_sav(work.out / "enquete.sav")
    old, old_meta = read_sav(work.baseline.out / "enquete.sav")
    pd.testing.assert_frame_equal(new, old)
    for attr in (
        "column_names_to_labels",
        "variable_value_labels",
        "missing_ranges",
        "variable_measure",
        "original_variable_types",
    ):
        assert getattr(new_meta, attr) == getattr(old_meta, attr), attr
    provenance = read_provenance(work.out / "enquete.sav")
    delivered = {d.file for d in provenance.deliveries if d.origin == DELIVERED}
    assert delivered == {work.sav(m).name for m in rewritten}
    assert provenance.mode == MODE_MIXED


def _figures(out_dir):
    df, _ = load_survey(out_dir / "enquete.sav")
    return recompute_report_figures(df).reset_index(drop=True)


@pytest.fixture(scope="session")
def baseline(tmp_path_factory):
    """A clean build of a private copy of the project's deliveries."""
    root = tmp_path_factory.mktemp("hostile_baseline")
    shutil.copytree(config.RAW_DIR, root / "raw")
    shutil.copytree(config.MAPPINGS_DIR, root / "mappings")
    out = root / "processed"
    _, merge_log = build_processed(root / "raw", root / "mappings", out)
    assert not (out / DECISIONS_FILE_NAME).exists()
    return SimpleNamespace(
        root=root,
        out=out,
        figures=_figures(out),
        digests=_digests(out),
        merge_log=pd.read_csv(out / "merge_log.csv", keep_default_na=False),
    )


class Work:
    """A copy of the baseline's raw files, mappings and output folder."""

    def __init__(self, root, baseline):
        self.raw, self.mappings, self.out = root / "raw", root / "mappings", root / "processed"
        shutil.copytree(baseline.root / "raw", self.raw)
        shutil.copytree(baseline.root / "mappings", self.mappings)
        shutil.copytree(baseline.out, self.out)
        self.baseline = baseline

    # mappings ------------------------------------------------------------
    def mapping_path(self, municipality):
        for path in sorted(self.mappings.glob("*.yaml")):
            if yaml.safe_load(path.read_text(encoding="utf-8"))["municipality"] == municipality:
                return path
        raise LookupError(municipality)

    def mapping(self, municipality):
        return yaml.safe_load(self.mapping_path(municipality).read_text(encoding="utf-8"))

    def write_mapping(self, municipality, mapping, name=None):
        path = self.mappings / name if name else self.mapping_path(municipality)
        path.write_text(
            yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return path

    # raw files -----------------------------------------------------------
    def sav(self, municipality):
        return self.raw / self.mapping(municipality)["file"]

    def read(self, municipality):
        return read_sav(self.sav(municipality))

    def rewrite(self, municipality, edit):
        """Read a raw file, let ``edit(df, kwargs)`` change it, write it back."""
        df, meta = self.read(municipality)
        kwargs = kept_sav_metadata(meta)
        result = edit(df, kwargs)
        df = result if isinstance(result, pd.DataFrame) else df
        write_sav_atomic(df, self.sav(municipality), **kwargs)

    # running -------------------------------------------------------------
    def build(self):
        return build_processed(self.raw, self.mappings, self.out)

    def refused(self, error=DeliveryError, expected=()):
        """The build raises ``error`` naming ``expected``; nothing changed."""
        before = _digests(self.out)
        assert before == self.baseline.digests
        with pytest.raises(error) as info:
            self.build()
        message = str(info.value)
        for text in expected:
            assert text in message, f"{text!r} not in: {message}"
        assert _digests(self.out) == before, "the output folder changed"
        return info.value

    def accepted(self):
        """The build succeeds and every published figure is unchanged."""
        merged, merge_log = self.build()
        pd.testing.assert_frame_equal(_figures(self.out), self.baseline.figures)
        return merged, merge_log


@pytest.fixture
def work(tmp_path, baseline):
    return Work(tmp_path, baseline)


#: The municipality whose file is damaged (Gemeente C: mixed recruitment).
TARGET = 3


def _src(work, var, municipality=TARGET):
    return work.mapping(municipality)["variables"][var]["source"]


def _ids(work, municipality=TARGET):
    df, _ = work.read(municipality)
    return df[work.mapping(municipality)["id"]]


def _likert_item(work, municipality=TARGET):
    mapping = work.mapping(municipality)
    return next(v for v in ROLE if v in mapping["variables"])


def _first_row(df, column, condition):
    rows = df.index[condition(df[column])]
    assert len(rows), f"no suitable row in {column}"
    return rows[0]


def _resp_id(work, source_id, municipality=TARGET):
    return f"{chr(ord('A') + municipality - 1)}{int(source_id):04d}"


# --------------------------------------------------------------------------
# control: the harness itself changes nothing
# --------------------------------------------------------------------------


def test_rewriting_a_file_unchanged_changes_nothing(work):
    for municipality in range(1, 11):
        work.rewrite(municipality, lambda df, kw: None)
    work.accepted()
    assert _digests(work.out) == work.baseline.digests


# --------------------------------------------------------------------------
# the file as a whole
# --------------------------------------------------------------------------


def test_empty_file(work):
    work.sav(TARGET).write_bytes(b"")
    work.refused(expected=[work.sav(TARGET).name, "empty (0 bytes)", "deliver the file again"])


def test_csv_renamed_to_sav(work):
    df, _ = work.read(TARGET)
    path = work.sav(TARGET)
    path.write_text(df.to_csv(index=False), encoding="utf-8")
    work.refused(
        expected=[
            path.name,
            "cannot be read as an SPSS .sav file",
            "CSV",
            repr(df.columns[0])[1:-1],
            "Save As",
        ]
    )


def test_excel_renamed_to_sav(work):
    df, _ = work.read(TARGET)
    path = work.sav(TARGET)
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # the start of an .xlsx (a ZIP file)
    work.refused(expected=[path.name, "cannot be read as an SPSS .sav file", "Excel"])


def test_zero_rows(work):
    work.rewrite(TARGET, lambda df, kw: df.iloc[0:0])
    work.refused(expected=[work.sav(TARGET).name, "no respondents (0 rows)"])


def test_every_row_excluded(work):
    # Gemeente B flags test entries; a file where every row carries the flag
    # would drop the municipality from the survey.
    mapping = work.mapping(2)
    assert mapping.get("exclude"), "Gemeente B excludes test entries by rule"
    rule = mapping["exclude"][0]

    def edit(df, kw):
        df[rule["source"]] = float(rule["equals"])

    work.rewrite(2, edit)
    work.refused(expected=[mapping["file"], "no respondent is left", rule["reason"]])


# --------------------------------------------------------------------------
# character encoding
# --------------------------------------------------------------------------


def _encoding_record(name):
    return struct.pack("<4i", 7, 20, 1, len(name)) + name.encode("ascii")


def _declare_encoding(data, name):
    old = _encoding_record("UTF-8")
    assert data.count(old) == 1, "the file declares UTF-8 in an encoding record"
    return data.replace(old, _encoding_record(name))


def _write_labels_in_cp1252(work, municipality):
    """Rewrite a file with its non-ASCII labels stored as Windows-1252 bytes.

    pyreadstat always writes UTF-8, so the labels are written with one ASCII
    placeholder per accented character and then patched byte for byte.
    Returns the labels the file should read back with.
    """
    df, meta = work.read(municipality)
    kwargs = kept_sav_metadata(meta)
    accented = {v: lab for v, lab in kwargs["column_labels"].items() if lab and not lab.isascii()}
    assert accented, "the file has labels with accents (beïnvloeding, cafés, ...)"
    patches = {}
    for var, label in accented.items():
        placeholder = "".join(c if c.isascii() else "#" for c in label)
        kwargs["column_labels"][var] = placeholder
        patches[placeholder.encode()] = label.encode("cp1252")
    path = work.sav(municipality)
    write_sav_atomic(df, path, **kwargs)
    data = path.read_bytes()
    for placeholder, target in patches.items():
        assert data.count(placeholder) == 1
        data = data.replace(placeholder, target)
    path.write_bytes(data)
    return accented


def test_labels_in_windows_1252_declared_read_correctly(work):
    accented = _write_labels_in_cp1252(work, TARGET)
    path = work.sav(TARGET)
    path.write_bytes(_declare_encoding(path.read_bytes(), "windows-1252"))
    _, meta = work.read(TARGET)
    assert meta.file_encoding == "windows-1252"
    for var, label in accented.items():
        assert meta.column_names_to_labels[var] == label
    work.accepted()
    _survey_unchanged(work, [TARGET])


def test_labels_in_windows_1252_declared_utf8(work):
    _write_labels_in_cp1252(work, TARGET)  # bytes cp1252, record still says UTF-8
    work.refused(
        expected=[
            work.sav(TARGET).name,
            "not valid in the character encoding",
            "UTF-8",
            "save the file again from SPSS",
        ]
    )


def test_utf8_labels_declared_windows_1252_are_garbled(work):
    path = work.sav(TARGET)
    _, meta = work.read(TARGET)
    var, label = next(
        (v, lab) for v, lab in meta.column_names_to_labels.items() if lab and not lab.isascii()
    )
    path.write_bytes(_declare_encoding(path.read_bytes(), "windows-1252"))
    garbled = label.encode("utf-8").decode("cp1252")
    error = work.refused(expected=[path.name, repr(var), "garbled", "windows-1252", repr(label)])
    assert error.variable == var and error.value == garbled


# --------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------


def test_likert_item_coded_1_to_7(work):
    var = _likert_item(work)
    src = _src(work, var)

    def edit(df, kw):
        valid = df[src].between(1, 5)
        rows = df.index[valid][:2]
        df.loc[rows[0], src] = 7
        df.loc[rows[1], src] = 6
        kw["variable_value_labels"].setdefault(src, {}).update({6.0: "Eens", 7.0: "Helemaal eens"})
        edit.first = df.loc[rows[0], work.mapping(TARGET)["id"]]

    work.rewrite(TARGET, edit)
    work.refused(
        expected=[
            work.sav(TARGET).name,
            repr(src),
            "value 7",
            repr(var),
            f"source id {int(edit.first)}",
            "'Helemaal eens'",
            "[1, 2, 3, 4, 5]",
        ]
    )


def test_age_of_250(work):
    src = _src(work, "age")

    def edit(df, kw):
        row = _first_row(df, src, lambda c: c.notna())
        df.loc[row, src] = 250
        edit.id = df.loc[row, work.mapping(TARGET)["id"]]

    work.rewrite(TARGET, edit)
    error = work.refused(
        SurveySchemaError,
        expected=[
            work.sav(TARGET).name,
            "'age'",
            "[250]",
            f"{src!r} in {work.sav(TARGET).name}",
            _resp_id(work, edit.id),
            f"source id {int(edit.id)}",
        ],
    )
    assert error.variable == "age"


def test_age_as_text(work):
    src = _src(work, "age")

    def edit(df, kw):
        text = df[src].map(lambda v: "" if pd.isna(v) else str(int(v)))
        row = _first_row(df, src, lambda c: c.notna())
        text[row] = "veertig"
        df[src] = text
        edit.id = df.loc[row, work.mapping(TARGET)["id"]]
        for key in ("variable_value_labels", "missing_ranges"):
            kw[key].pop(src, None)
        kw["variable_format"][src] = "A10"
        kw["variable_measure"][src] = "nominal"

    work.rewrite(TARGET, edit)
    work.refused(
        expected=[
            work.sav(TARGET).name,
            repr(src),
            "'veertig'",
            "numeric",
            f"source id {int(edit.id)}",
        ]
    )


def test_interview_date_outside_fieldwork(work):
    src = _src(work, "interview_date")

    def edit(df, kw):
        row = _first_row(df, src, lambda c: c.notna())
        df.loc[row, src] = dt.date(2019, 12, 24)
        edit.id = df.loc[row, work.mapping(TARGET)["id"]]

    work.rewrite(TARGET, edit)
    error = work.refused(
        SurveySchemaError,
        expected=[
            "'interview_date'",
            "2019-12-24",
            f"{src!r} in {work.sav(TARGET).name}",
            _resp_id(work, edit.id),
        ],
    )
    assert error.variable == "interview_date"


def test_empty_respondent_id(work):
    id_var = work.mapping(TARGET)["id"]

    def edit(df, kw):
        df.loc[4, id_var] = np.nan

    work.rewrite(TARGET, edit)
    work.refused(expected=[work.sav(TARGET).name, repr(id_var), "empty in row 5"])


# --------------------------------------------------------------------------
# missing-value codes
# --------------------------------------------------------------------------


def _code_for(spec, target):
    return next((k for k, v in (spec.get("missing") or {}).items() if v == target), None)


def test_user_missing_code_recoded_as_a_real_answer(work):
    """The file declares 9 user-missing; the mapping recodes 9 as "5"."""
    mapping = work.mapping(1)
    var = _likert_item(work, 1)
    spec = mapping["variables"][var]
    code = _code_for(spec, codebook.NO_ANSWER)
    assert code is not None
    del spec["missing"][code]
    spec["recode"] = {**{c: c for c in range(1, 6)}, code: 5}
    work.write_mapping(1, mapping)
    work.refused(
        expected=[
            mapping["file"],
            repr(spec["source"]),
            f"value {code}",
            "declares this code user-missing",
            f"{code} -> 5",
            "'missing'",
        ]
    )


def test_missing_code_without_declaration_used_as_a_number(work):
    """99 = "Geen antwoord" in the age column, not declared user-missing:
    it would pass as an age of 99 and shift the mean age."""
    src = _src(work, "age")

    def edit(df, kw):
        row = _first_row(df, src, lambda c: c.notna())
        df.loc[row, src] = 99
        kw["variable_value_labels"][src] = {99.0: "Geen antwoord"}
        kw["missing_ranges"].pop(src, None)
        edit.id = df.loc[row, work.mapping(TARGET)["id"]]

    work.rewrite(TARGET, edit)
    work.refused(
        expected=[
            work.sav(TARGET).name,
            repr(src),
            "value 99",
            "'Geen antwoord'",
            "does not declare it user-missing",
            f"source id {int(edit.id)}",
            "'missing'",
        ]
    )


def test_missing_declaration_lost_but_mapping_covers_it(work):
    """The file no longer declares 8/9 user-missing on one item; the mapping
    still says 9 = no answer, so the output is byte-identical."""
    var = _likert_item(work)
    src = _src(work, var)
    spec = work.mapping(TARGET)["variables"][var]
    assert spec.get("missing")
    work.rewrite(TARGET, lambda df, kw: kw["missing_ranges"].pop(src))
    work.accepted()
    _survey_unchanged(work, [TARGET])


# --------------------------------------------------------------------------
# meaning: labels that contradict the mapping
# --------------------------------------------------------------------------


def _identity_likert_item(work, municipality=TARGET):
    """A Likert item the mapping keeps as coded (no recode)."""
    mapping = work.mapping(municipality)
    return next(
        v for v in ROLE if v in mapping["variables"] and "recode" not in mapping["variables"][v]
    )


def test_likert_item_delivered_reversed_with_its_labels(work):
    """Codes and labels reversed together (1 = "Helemaal eens"): every check of
    form passes, and without the label check the item's figures would flip."""
    var = _identity_likert_item(work)
    src = _src(work, var)

    def edit(df, kw):
        df[src] = df[src].where(~df[src].between(1, 5), 6 - df[src])
        labels = kw["variable_value_labels"][src]
        for code in range(1, 6):
            labels[float(code)] = codebook.value_labels(var)[6 - code]

    work.rewrite(TARGET, edit)
    work.refused(
        expected=[
            work.sav(TARGET).name,
            repr(src),
            "value 1",
            "'Helemaal eens'",
            "'Helemaal oneens'",
            repr(var),
            "recode: {1: 5, 2: 4, 3: 3, 4: 2, 5: 1",
        ]
    )


def test_gender_codes_and_labels_swapped_together(work):
    src = _src(work, "gender")
    assert "recode" not in work.mapping(TARGET)["variables"]["gender"]

    def edit(df, kw):
        df[src] = df[src].map({1.0: 2.0, 2.0: 1.0}).where(df[src].isin([1, 2]), df[src])
        kw["variable_value_labels"][src] = {1.0: "Vrouw", 2.0: "Man"}

    work.rewrite(TARGET, edit)
    work.refused(
        expected=[work.sav(TARGET).name, repr(src), "value 1", "'Vrouw'", "'Man'", "'gender'"]
    )


def test_undeclared_labelled_age_never_reaches_the_data(work):
    """An age of 99 labelled "Wil ik niet zeggen", not declared user-missing."""
    src = _src(work, "age")

    def edit(df, kw):
        row = _first_row(df, src, lambda c: c.notna())
        df.loc[row, src] = 99
        kw["variable_value_labels"][src] = {99.0: "Wil ik niet zeggen"}
        kw["missing_ranges"].pop(src, None)

    work.rewrite(TARGET, edit)
    work.refused(expected=[work.sav(TARGET).name, repr(src), "value 99", "'Wil ik niet zeggen'"])


# --------------------------------------------------------------------------
# respondents without answers (logged decision)
# --------------------------------------------------------------------------


def _add_empty_respondent(work, municipality, fill):
    mapping = work.mapping(municipality)
    book = codebook.load_codebook()["variables"]

    def edit(df, kw):
        row = df.iloc[[0]].copy()
        row[mapping["id"]] = df[mapping["id"]].max() + 1
        for var, spec in mapping["variables"].items():
            if var == "interview_date":
                continue
            src = spec["source"]
            row[src] = fill(spec, book[var]["kind"], row[src])
        return pd.concat([df, row], ignore_index=True)

    work.rewrite(municipality, edit)
    return mapping["file"]


def _blank(spec, kind, col):
    return "" if col.dtype == object or pd.api.types.is_string_dtype(col) else np.nan


def _no_answer_code(spec, kind, col):
    code = _code_for(spec, codebook.NO_ANSWER) if kind == "categorical" else None
    return _blank(spec, kind, col) if code is None else float(code)


@pytest.mark.parametrize("fill", [_blank, _no_answer_code], ids=["system-missing", "code-99"])
def test_respondent_without_any_answer_is_excluded_and_logged(work, fill):
    file = _add_empty_respondent(work, TARGET, fill)
    work.accepted()
    # the survey itself is unchanged; only the log records the extra row
    _survey_unchanged(work, [TARGET])
    log = pd.read_csv(work.out / "merge_log.csv", keep_default_na=False).set_index("file")
    before = work.baseline.merge_log.set_index("file")
    assert log.loc[file, "rows_read"] == before.loc[file, "rows_read"] + 1
    assert log.loc[file, "rows_excluded"] == before.loc[file, "rows_excluded"] + 1
    assert log.loc[file, "rows_written"] == before.loc[file, "rows_written"]
    assert f"{REASON_ALL_MISSING} (1)" in log.loc[file, "reason"]


# --------------------------------------------------------------------------
# the raw folder
# --------------------------------------------------------------------------


def test_missing_municipality(work):
    path = work.sav(TARGET)
    path.unlink()
    work.refused(
        expected=[
            path.name,
            work.mapping_path(TARGET).name,
            "not found",
            "silently lose a municipality",
            "move its mapping out",
        ]
    )


def test_unrelated_files_are_ignored_and_logged(work):
    (work.raw / "notes.txt").write_text(
        "Gemeente C: 3 enquêtes op papier nagekeken\n", encoding="utf-8"
    )
    (work.raw / "gemeente_c.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (work.raw / "oud").mkdir()
    _, merge_log = work.accepted()
    assert _digests(work.out)["enquete.sav"] == work.baseline.digests["enquete.sav"]
    assert _digests(work.out)["merge_log.csv"] == work.baseline.digests["merge_log.csv"]
    decisions = pd.read_csv(work.out / DECISIONS_FILE_NAME, keep_default_na=False)
    assert decisions.to_dict("records") == [
        {"file": "gemeente_c.xlsx", "decision": DECISION_IGNORED},
        {"file": "notes.txt", "decision": DECISION_IGNORED},
        {"file": "oud/", "decision": decisions.loc[2, "decision"]},
    ]
    assert merge_log.attrs["decisions"] == decisions.to_dict("records")
    # a later build without such files removes the stale decisions log
    for name in ("notes.txt", "gemeente_c.xlsx"):
        (work.raw / name).unlink()
    (work.raw / "oud").rmdir()
    work.accepted()
    assert _digests(work.out) == work.baseline.digests


def test_spss_file_of_another_type(work):
    shutil.copy(work.sav(TARGET), work.raw / "gemeente_k.zsav")
    work.refused(expected=["gemeente_k.zsav", "'.zsav'", "must be .sav files"])


def test_two_files_for_one_municipality_differing_in_case(work):
    path = work.sav(TARGET)
    shutil.copy(path, path.with_name(path.name.upper()))
    work.refused(expected=[path.name, path.name.upper(), "differ only in case"])


def test_copy_of_a_mapping(work):
    # "gemeente_c - kopie.yaml" left beside the original: two mappings for
    # one municipality and one file
    mapping = work.mapping(TARGET)
    work.write_mapping(TARGET, mapping, name="zz_kopie.yaml")
    work.refused(
        MappingError,
        expected=["zz_kopie.yaml", "municipality already mapped", work.mapping_path(TARGET).name],
    )


def test_two_mappings_same_file_other_municipality_number(work):
    # Two mappings naming one file under different municipality codes would
    # count its respondents twice: refused on the file name.
    mapping = work.mapping(TARGET)
    other = work.mapping(4)
    work.sav(4).unlink()
    work.mapping_path(4).unlink()
    mapping["municipality"] = other["municipality"]
    work.write_mapping(TARGET, mapping, name="zz_copy.yaml")
    work.refused(
        MappingError, expected=["zz_copy.yaml", "file already mapped", repr(mapping["file"])]
    )


# --------------------------------------------------------------------------
# variables and mappings
# --------------------------------------------------------------------------


def test_items_swapped_caught_by_expected_label(work):
    """A group swapped two items' columns (labels travel with the data).
    Without the ``label`` expectation both items' figures would silently swap."""
    mapping = work.mapping(1)
    _, meta = work.read(1)
    var_a, var_b = [v for v in ROLE if v in mapping["variables"]][:2]
    src_a, src_b = (mapping["variables"][v]["source"] for v in (var_a, var_b))
    for var in (var_a, var_b):
        src = mapping["variables"][var]["source"]
        # expected labels as declared in a mapping: case and spaces may differ
        mapping["variables"][var]["label"] = "  " + meta.column_names_to_labels[src].upper()
    work.write_mapping(1, mapping)
    work.accepted()  # control: the expectations hold for the delivered file

    def edit(df, kw):
        df[[src_a, src_b]] = df[[src_b, src_a]].to_numpy()
        labels = kw["column_labels"]
        labels[src_a], labels[src_b] = labels[src_b], labels[src_a]

    work.rewrite(1, edit)
    error = work.refused(
        expected=[
            mapping["file"],
            repr(src_a),
            repr(var_a),
            "differs from the label the mapping expects",
            "right variable",
        ]
    )
    assert error.value == meta.column_names_to_labels[src_b]


def test_mapping_with_a_typo_in_a_source_variable(work):
    mapping = work.mapping(TARGET)
    var = _likert_item(work)
    real = mapping["variables"][var]["source"]
    typo = real[0] + real  # a doubled first letter: "sstelling5", "ss08"
    mapping["variables"][var]["source"] = typo
    work.write_mapping(TARGET, mapping)
    work.refused(
        expected=[mapping["file"], repr(typo), "absent from the file", f"did you mean {real!r}"]
    )


def test_mapping_maps_one_source_twice(work):
    mapping = work.mapping(TARGET)
    var_a, var_b = [v for v in ROLE if v in mapping["variables"]][:2]
    mapping["variables"][var_b]["source"] = mapping["variables"][var_a]["source"]
    path = work.write_mapping(TARGET, mapping)
    work.refused(
        MappingError,
        expected=[
            path.name,
            f"variables.{var_b}.source",
            repr(mapping["variables"][var_a]["source"]),
            "mapped twice",
            repr(var_a),
        ],
    )


def test_mapping_lists_a_variable_twice(work):
    path = work.mapping_path(TARGET)
    text = path.read_text(encoding="utf-8")
    var = _likert_item(work)
    src = _src(work, var)
    # a second entry for the same variable at the end of 'variables'
    text = text.replace("\nnot_asked:", f"\n  {var}:\n    source: {src}\nnot_asked:", 1)
    path.write_text(text, encoding="utf-8")
    work.refused(MappingError, expected=[path.name, repr(var), "key listed twice", "line"])


def test_mapping_not_utf8(work):
    path = work.mapping_path(TARGET)
    text = path.read_text(encoding="utf-8") + "# opmerking: enquête nagekeken\n"
    path.write_bytes(text.encode("cp1252"))
    work.refused(MappingError, expected=[path.name, "not UTF-8", "0xea", "on line"])


def test_two_variables_differing_only_in_case(work):
    id_var = work.mapping(TARGET)["id"]
    twin = id_var.swapcase()
    assert twin != id_var
    work.rewrite(TARGET, lambda df, kw: df.insert(len(df.columns), twin, df[id_var]))
    work.refused(expected=[work.sav(TARGET).name, repr(id_var), repr(twin), "differ only in case"])


# --------------------------------------------------------------------------
# the same checks on the generator-independent fixtures (conftest.py)
# --------------------------------------------------------------------------


def _harmonise_a(**edits):
    return harmonise_made(delivery_a, **edits)


def _label(var, label):
    return lambda m: m["variables"][var].__setitem__("label", label)


@pytest.mark.parametrize("label", ["Geslacht", "  geslacht ", "GESLACHT"])
def test_expected_label_matches_ignoring_case_and_spaces(label):
    result, _ = _harmonise_a(edit_mapping=_label("gender", label))
    assert result["gender"].tolist() == [1, 2, 2, 1]


def test_expected_label_differs():
    with pytest.raises(DeliveryError) as info:
        _harmonise_a(edit_mapping=_label("gender", "Leeftijd"))
    message = str(info.value)
    for text in (
        "gemeente_a.sav",
        "'geslacht'",
        "value 'Geslacht'",
        "'Leeftijd'",
        "'gender'",
        "differs",
    ):
        assert text in message, message


def test_expected_label_absent_from_file():
    with pytest.raises(DeliveryError, match=r"'lft'.*no label in the file.*'Leeftijd'"):
        _harmonise_a(edit_mapping=_label("age", "Leeftijd"))


@pytest.mark.parametrize("label", ["", 3, None])
def test_expected_label_must_be_text(tmp_path, label):
    mapping = copy.deepcopy(delivery_a()[2])
    mapping["variables"]["gender"]["label"] = label
    path = tmp_path / "gemeente_a.yaml"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    if label is None:  # an explicit null means "no expectation"
        assert "label" not in load_mapping(path)["variables"]["gender"]
        return
    with pytest.raises(MappingError, match=r"'variables.gender.label'"):
        load_mapping(path)


def test_garbled_value_label():
    with pytest.raises(DeliveryError) as info:
        _harmonise_a(
            value_labels={"bin_kent": {0: "nee", 1: "ja, geÃ¯nteresseerd"}}, encoding="windows-1252"
        )
    for text in (
        "gemeente_a.sav",
        "'bin_kent'",
        "value 'ja, geÃ¯nteresseerd'",
        "garbled",
        "'windows-1252'",
        "meant 'ja, geïnteresseerd'",
    ):
        assert text in str(info.value)


def test_genuine_accents_are_not_garbled():
    _harmonise_a(labels={"opmerking": "Opmerking enquêteur (beïnvloeding, café)"})


def test_missing_like_label_used_as_answer():
    # education is identity-coded; code 3 labelled "weet niet" in the file
    def edit(df):
        df.loc[0, "opl"] = 3

    with pytest.raises(DeliveryError) as info:
        _harmonise_a(edit_frame=edit, value_labels={"opl": {3: "Weet niet"}})
    for text in ("'opl'", "value 3", "'Weet niet'", "source id 1", "'education'"):
        assert text in str(info.value)
    # declared under 'missing' in the mapping: accepted, becomes 98
    result, _ = _harmonise_a(
        edit_frame=edit,
        value_labels={"opl": {3: "Weet niet"}},
        edit_mapping=lambda m: m["variables"]["education"].__setitem__("missing", {9: 99, 3: 98}),
    )
    assert result.loc[0, "education"] == 98


def test_missing_like_label_on_an_unused_code_is_fine():
    _harmonise_a(value_labels={"lft": {998: "Weigert te antwoorden"}})


def test_unlabelled_value_hint_uses_file_label():
    def edit(df):
        df.loc[0, "beroep"] = 8

    with pytest.raises(DeliveryError, match=r"'beroep'.*value 8.*the file labels it 'Huisvrouw'"):
        _harmonise_a(edit_frame=edit, value_labels={"beroep": {8: "Huisvrouw"}})


def test_unknown_variable_message_says_what_to_do():
    def edit(df):
        df["extra"] = 1

    with pytest.raises(DeliveryError, match=r"'extra'.*label 'Extra vraag'.*'drop'"):
        _harmonise_a(edit_frame=edit, labels={"extra": "Extra vraag"})


def test_all_rows_excluded_fixture():
    def edit(df):
        df["testinvoer"] = 1

    with pytest.raises(DeliveryError, match=r"no respondent is left.*Testinvoer \(6\)"):
        _harmonise_a(edit_frame=edit)


def test_id_and_source_clash(tmp_path):
    mapping = copy.deepcopy(delivery_a()[2])
    mapping["drop"]["lft"] = "per ongeluk ook geschrapt"
    path = tmp_path / "gemeente_a.yaml"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    with pytest.raises(MappingError, match=r"'drop.lft'.*both dropped and mapped to 'age'"):
        load_mapping(path)


def test_ignored_files_on_fixture(deliveries):
    (deliveries.raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    merged, merge_log = merge_deliveries(deliveries.raw, deliveries.mappings_dir)
    assert merge_log.attrs["decisions"] == [{"file": ".DS_Store", "decision": DECISION_IGNORED}]
    build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    decisions = pd.read_csv(deliveries.out / DECISIONS_FILE_NAME, keep_default_na=False)
    assert decisions.to_dict("records") == merge_log.attrs["decisions"]
