"""The processed file knows which data it holds: generated or delivered.

A build records each raw file's checksum and origin in the processed file's
SPSS documents. A file is the generator's only when its checksum is in
``data/synthetic/checksums.csv``; files saved again with pyreadstat from the
synthetic ones count as delivered.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
import yaml

from helpers.data import config
from helpers.data.errors import DeliveryError
from helpers.data.pipeline import build_processed
from helpers.data.provenance import (
    DELIVERED,
    GENERATED,
    MODE_DELIVERED,
    MODE_GENERATED,
    MODE_MIXED,
    Delivery,
    Provenance,
    file_checksum,
    generator_checksums,
    parse_provenance_notes,
    provenance_notes,
    read_provenance,
)
from helpers.data.redelivery import resave
from helpers.data.sav import read_sav, write_sav_atomic


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("provenance")
    shutil.copytree(config.RAW_DIR, root / "raw")
    shutil.copytree(config.MAPPINGS_DIR, root / "mappings")
    return root


def _build(root, raw, out="processed"):
    build_processed(raw, root / "mappings", root / out)
    return read_provenance(root / out / "enquete.sav")


def test_every_generated_file_is_listed_with_its_checksum():
    known = generator_checksums()
    on_disk = {p.name: file_checksum(p) for p in sorted((config.DATA_DIR / "raw").glob("*.sav"))}
    assert len(on_disk) == 10
    assert {checksum: name for name, checksum in on_disk.items()} == known


def test_the_synthetic_build_is_generated(project_copy):
    provenance = _build(project_copy, project_copy / "raw", "generated")
    assert provenance.mode == MODE_GENERATED and provenance.generated
    assert [d.municipality for d in provenance.deliveries] == list(range(1, 11))
    assert all(d.saved == dt.date(2020, 1, 1) for d in provenance.deliveries)
    assert provenance.missing == ()


def test_files_saved_again_with_pyreadstat_count_as_delivered(project_copy):
    raw = project_copy / "resaved"
    raw.mkdir()
    for path in sorted((project_copy / "raw").glob("*.sav")):
        resave(path, raw / path.name)
        # the same answers, other bytes
        pd.testing.assert_frame_equal(read_sav(raw / path.name)[0], read_sav(path)[0])
        assert file_checksum(raw / path.name) != file_checksum(path)
    provenance = _build(project_copy, raw, "delivered")
    assert provenance.mode == MODE_DELIVERED and not provenance.generated
    assert {d.origin for d in provenance.deliveries} == {DELIVERED}
    assert all(d.saved == dt.date.today() for d in provenance.deliveries)


def test_one_delivered_file_among_generated_ones_is_mixed(project_copy):
    raw = project_copy / "one_resaved"
    shutil.copytree(project_copy / "raw", raw)
    resave(project_copy / "raw" / "gemeente_d.sav", raw / "gemeente_d.sav")
    provenance = _build(project_copy, raw, "mixed")
    assert provenance.mode == MODE_MIXED
    origins = {d.file: d.origin for d in provenance.deliveries}
    assert origins["gemeente_d.sav"] == DELIVERED
    assert {o for f, o in origins.items() if f != "gemeente_d.sav"} == {GENERATED}


def test_whose_data_and_when_come_from_the_mapping(tmp_path):
    shutil.copytree(config.RAW_DIR, tmp_path / "raw")
    shutil.copytree(config.MAPPINGS_DIR, tmp_path / "mappings")
    path = tmp_path / "mappings" / "gemeente_a.yaml"
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    mapping["delivered_by"] = "Studentengroep 1 (Ann, Bert en Chloë)"
    mapping["delivered_on"] = dt.date(2020, 3, 20)
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    provenance = _build(tmp_path, tmp_path / "raw")
    first = provenance.deliveries[0]
    assert first.delivered_by == "Studentengroep 1 (Ann, Bert en Chloë)"
    assert first.delivered_on == dt.date(2020, 3, 20) == first.received
    assert provenance.deliveries[1].received == dt.date(2020, 1, 1)  # the SPSS header date


def test_notes_round_trip_with_long_and_accented_values():
    long_name = "Studentengroep " + "é" * 100
    provenance = Provenance(
        (
            Delivery("gemeente_a.sav", 1, "a" * 64, GENERATED, dt.date(2020, 1, 1)),
            Delivery(
                "gemeente_b_" + "x" * 90 + ".sav",
                2,
                "b" * 64,
                DELIVERED,
                None,
                long_name,
                dt.date(2020, 3, 2),
            ),
        ),
        (3, 10),
    )
    lines = provenance_notes(provenance)
    assert all(len(line.encode("utf-8")) <= 80 for line in lines)
    assert parse_provenance_notes(lines) == provenance
    assert parse_provenance_notes(["some other document"]) is None


def test_a_file_without_provenance_is_refused(tmp_path):
    df, meta = read_sav(config.RAW_DIR / "gemeente_a.sav")
    path = write_sav_atomic(df, tmp_path / "enquete.sav")
    with pytest.raises(DeliveryError, match=r"records no provenance.*make data"):
        read_provenance(path)
