"""Fixtures: tiny hand-made raw deliveries, independent of the generator.

Three municipalities, each with its own variable names and codings, written
with :func:`helpers.data.sav.write_sav_atomic` into ``tmp_path/raw`` together with
their mappings in ``tmp_path/mappings``:

* ``gemeente_a.sav`` (municipality 1, online): text gender ``M``/``V``,
  a reversed appearance scale and a reversed Likert item, BIN knowledge coded
  0/1, declared user-missing codes (9 = no answer, 8 = don't know, 999 for
  age), an SPSS date, a test entry (excluded by rule), an empty row
  (excluded: no substantive answer), two role items not asked, one
  dropped free-text variable. 6 rows read, 4 written.
* ``gemeente_b.sav`` (municipality 2, door to door): numeric gender, dates as
  text ``dd/mm/yyyy``, no BIN in this municipality (``not_asked``). 4 rows.
* ``gemeente_c.sav`` (municipality 3, mix): recruitment per respondent from a
  source variable. 3 rows.

Tests change a source frame or mapping through the :class:`Deliveries`
object and rewrite the files.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers.data import codebook
from helpers.data.harmonise import harmonise_file
from helpers.data.sav import write_sav_atomic

NAN = np.nan

ROLE = codebook.variables_in_group("Tabel 4")
POLICY = codebook.variables_in_group("Tabel 5")
INIT = codebook.variables_in_group("Tabel 8")


def delivery_a():
    """Source frame, SPSS metadata and mapping of Gemeente A."""
    n = 6
    role_asked = [v for v in ROLE if v not in ("role_develop", "role_effort")]
    data = {
        "resp_nr": [1, 2, 3, 4, 5, 7],
        "geslacht": ["M", "V", "V", "X", "", "M"],
        "lft": [34, 51, 999, 40, NAN, 67],
        "datum": [
            dt.date(2020, 1, 10),
            dt.date(2020, 2, 3),
            dt.date(2020, 2, 3),
            dt.date(2020, 2, 4),
            None,
            dt.date(2020, 3, 30),
        ],
        "opl": [1, 2, 9, 7, NAN, 3],
        "beroep": [1, 4, 3, 1, NAN, 2],
        "woonduur": [4, 3, 8, 1, NAN, 2],
        "uitzicht": [1, 2, 3, 4, NAN, 4],  # reversed: 1 = heel verzorgd
        "bin_kent": [1, 0, 1, 1, NAN, NAN],  # 1 = ja, 0 = nee
        "bin_lid": [1, NAN, 2, 1, NAN, NAN],
        "bin_bereid": [NAN, 4, 5, NAN, NAN, NAN],
        "testinvoer": [0, 0, 0, 1, 0, 0],
        "opmerking": ["", "goede buurt", "", "test", "", ""],
    }
    specs = {
        "gender": {"source": "geslacht", "recode": {"M": 1, "V": 2}},
        "age": {"source": "lft", "missing": {999: 99}},
        "interview_date": {"source": "datum"},
        "education": {"source": "opl", "missing": {9: 99}},
        "occupation": {"source": "beroep"},
        "residence_duration": {"source": "woonduur", "missing": {8: 98}},
        "neighbourhood_appearance": {"source": "uitzicht", "recode": {1: 4, 2: 3, 3: 2, 4: 1}},
        "bin_known": {"source": "bin_kent", "recode": {1: 1, 0: 2}},
        "bin_member": {"source": "bin_lid"},
        "bin_willing": {"source": "bin_bereid"},
    }
    likert = [[1, 2, 3, 4, NAN, 5], [5, 4, 3, 2, NAN, 1], [2, 2, 4, 4, NAN, 3]]
    for i, name in enumerate(role_asked + POLICY + INIT, start=1):
        src = f"v{i:02d}"
        data[src] = list(likert[i % 3])
        specs[name] = {"source": src}
    # role_police_guarantee is asked the other way round in this municipality.
    specs["role_police_guarantee"]["recode"] = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    df = pd.DataFrame(data)
    assert len(df) == n
    sav = {
        "missing_ranges": {"opl": [9], "woonduur": [8], "lft": [999]},
        "variable_value_labels": {"bin_kent": {0: "nee", 1: "ja"}},
        "column_labels": {"geslacht": "Geslacht", "testinvoer": "Testinvoer"},
    }
    mapping = {
        "file": "gemeente_a.sav",
        "municipality": 1,
        "design": "online",
        "id": "resp_nr",
        "recruitment": {"value": 1},
        "variables": specs,
        "not_asked": ["role_develop", "role_effort"],
        "drop": {"opmerking": "Open antwoord, niet gecodeerd"},
        "exclude": [{"source": "testinvoer", "equals": 1, "reason": "Testinvoer"}],
    }
    return df, sav, mapping


def delivery_b():
    """Gemeente B: numeric gender, text dates, no BIN."""
    data = {
        "nr": [3, 7, 12, 20],
        "sex": [2, 1, 2, 2],
        "leeftijd": [23, 45, 78, 16],
        "dag": ["15/01/2020", "16/01/2020", "02/02/2020", "31/03/2020"],
        "diploma": [3, 3, 1, 2],
        "job": [3, 1, 4, 6],
        "jaren": [1, 2, 4, 4],
        "buurt": [3, 4, 2, 1],
    }
    specs = {
        "gender": {"source": "sex"},
        "age": {"source": "leeftijd"},
        "interview_date": {"source": "dag", "format": "%d/%m/%Y"},
        "education": {"source": "diploma"},
        "occupation": {"source": "job"},
        "residence_duration": {"source": "jaren"},
        "neighbourhood_appearance": {"source": "buurt"},
    }
    for i, name in enumerate(ROLE + POLICY + INIT, start=1):
        src = f"q{i}"
        data[src] = [(i + k) % 5 + 1 for k in range(4)]
        specs[name] = {"source": src}
    mapping = {
        "file": "gemeente_b.sav",
        "municipality": 2,
        "design": "door_to_door",
        "id": "nr",
        "recruitment": {"value": 2},
        "variables": specs,
        "not_asked": ["bin_known", "bin_member", "bin_willing"],
    }
    return pd.DataFrame(data), {}, mapping


def delivery_c():
    """Gemeente C: mixed recruitment read per respondent."""
    data = {
        "id": [1, 2, 3],
        "werving": [1, 2, 2],
        "g": [1, 2, 1],
        "a": [30, 31, 32],
        "d": [dt.date(2020, 1, 20)] * 3,
        "bk": [2, 2, 1],
        "bm": [NAN, NAN, 2],
        "bw": [1, 98, 3],
    }
    specs = {
        "gender": {"source": "g"},
        "age": {"source": "a"},
        "interview_date": {"source": "d"},
        "bin_known": {"source": "bk"},
        "bin_member": {"source": "bm"},
        "bin_willing": {"source": "bw", "missing": {98: 98}},
    }
    for i, name in enumerate(
        ["education", "occupation", "residence_duration", "neighbourhood_appearance"]
        + ROLE
        + POLICY
        + INIT,
        start=1,
    ):
        src = f"x{i}"
        data[src] = [1, 2, 1]
        specs[name] = {"source": src}
    mapping = {
        "file": "gemeente_c.sav",
        "municipality": 3,
        "design": "mix",
        "id": "id",
        "recruitment": {"source": "werving", "recode": {1: 1, 2: 3}},
        "variables": specs,
        "not_asked": [],
    }
    return pd.DataFrame(data), {"missing_ranges": {"bw": [98]}}, mapping


@dataclass
class Deliveries:
    """Raw files and mappings of the fixture, editable by tests."""

    root: Path
    frames: dict = field(default_factory=dict)
    sav_meta: dict = field(default_factory=dict)
    mappings: dict = field(default_factory=dict)

    @property
    def raw(self):
        return self.root / "raw"

    @property
    def mappings_dir(self):
        return self.root / "mappings"

    @property
    def out(self):
        return self.root / "processed"

    def write(self):
        """(Re)write every raw file and mapping."""
        for d in (self.raw, self.mappings_dir, self.out):
            d.mkdir(exist_ok=True)
        for key, df in self.frames.items():
            write_sav_atomic(df, self.raw / f"gemeente_{key}.sav", **self.sav_meta[key])
        for key, mapping in self.mappings.items():
            path = self.mappings_dir / f"gemeente_{key}.yaml"
            path.write_text(
                yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        return self


def harmonise_made(
    make, edit_frame=None, edit_mapping=None, labels=None, value_labels=None, encoding="UTF-8"
):
    """Harmonise a made delivery (``delivery_a`` ...) in memory, without a file.

    ``edit_frame`` and ``edit_mapping`` change the data and a copy of the
    mapping in place; ``labels`` and ``value_labels`` are merged over the
    file's variable and value labels, as if the file had been delivered so.
    """
    df, sav, mapping = make()
    mapping = copy.deepcopy(mapping)
    if edit_frame:
        edit_frame(df)
    if edit_mapping:
        edit_mapping(mapping)
    meta = SimpleNamespace(
        missing_ranges={
            k: [{"lo": v[0], "hi": v[0]}] for k, v in sav.get("missing_ranges", {}).items()
        },
        column_names_to_labels={**sav.get("column_labels", {}), **(labels or {})},
        variable_value_labels={**sav.get("variable_value_labels", {}), **(value_labels or {})},
        file_encoding=encoding,
    )
    return harmonise_file(df, meta, mapping, mapping["file"])


@pytest.fixture
def deliveries(tmp_path):
    """Three small deliveries with mappings, written to ``tmp_path``."""
    d = Deliveries(tmp_path)
    for key, make in (("a", delivery_a), ("b", delivery_b), ("c", delivery_c)):
        df, sav, mapping = make()
        d.frames[key], d.sav_meta[key], d.mappings[key] = df, sav, copy.deepcopy(mapping)
    return d.write()
