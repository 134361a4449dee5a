"""No tracebacks: every failure of the pipeline's command line is a message.

Each case breaks one thing (a mapping, a folder, a file, the output path),
runs ``python -m helpers.data.pipeline`` (in-process through ``main``, and
once as a real subprocess) and checks the exit code, that the message names
what is wrong, and that the output folder is byte-identical to before.
Permission problems are simulated (the tests may run as root, who may read
and write anything).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.data import merge, pipeline
from helpers.data.pipeline import build_processed, main

EXTERNAL = Path(__file__).parent / "data"


def _digests(folder):
    if not folder.exists():
        return None
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture
def built(deliveries):
    """The fixture deliveries with a good earlier build in their output folder."""
    build_processed(deliveries.raw, deliveries.mappings_dir, deliveries.out)
    return deliveries


def _run(capsys, raw, mappings, out):
    code = main(["--raw", str(raw), "--mappings", str(mappings), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.err


def _fails(capsys, built, expected, raw=None, mappings=None, out=None):
    out = built.out if out is None else out
    before = _digests(out) if out.is_dir() else out.read_bytes() if out.exists() else None
    code, err = _run(capsys, raw or built.raw, mappings or built.mappings_dir, out)
    assert code == 1, err
    assert err.startswith("error: ") and "nothing was written" in err, err
    assert "Traceback" not in err and "unexpected failure" not in err, err
    for text in expected:
        assert text in err, f"{text!r} not in: {err}"
    after = _digests(out) if out.is_dir() else out.read_bytes() if out.exists() else None
    assert after == before, "the output changed"
    return err


def _edit_mapping(built, key, edit):
    path = built.mappings_dir / f"gemeente_{key}.yaml"
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(mapping)
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# mappings
# --------------------------------------------------------------------------


def test_a_list_where_the_mapping_expects_a_name(capsys, built):
    _edit_mapping(built, "a", lambda m: m.__setitem__("id", ["resp_nr"]))
    _fails(capsys, built, ["gemeente_a.yaml", "key 'id'", "['resp_nr']"])


def test_a_boolean_where_the_mapping_expects_a_code(capsys, built):
    _edit_mapping(built, "b", lambda m: m.__setitem__("municipality", True))
    _fails(capsys, built, ["gemeente_b.yaml", "key 'municipality'"])


def test_a_mapping_that_is_a_list(capsys, built):
    (built.mappings_dir / "gemeente_c.yaml").write_text("- file: gemeente_c.sav\n")
    _fails(capsys, built, ["gemeente_c.yaml", "must be a YAML dictionary"])


def test_a_mapping_that_is_a_folder(capsys, built):
    (built.mappings_dir / "extra.yaml").mkdir()
    _fails(capsys, built, ["extra.yaml", "cannot be read"])


def test_a_mapping_that_is_a_broken_link(capsys, built):
    (built.mappings_dir / "gemeente_z.yaml").symlink_to(built.root / "nowhere.yaml")
    _fails(capsys, built, ["gemeente_z.yaml", "cannot be read"])


def test_missing_mappings_folder(capsys, built):
    _fails(capsys, built, ["no mapping"], mappings=built.root / "absent")


# --------------------------------------------------------------------------
# raw files and folders
# --------------------------------------------------------------------------


def test_missing_raw_folder(capsys, built):
    _fails(capsys, built, ["raw data folder not found"], raw=built.root / "absent")


def test_raw_folder_is_a_broken_link(capsys, built):
    link = built.root / "raw_link"
    link.symlink_to(built.root / "nowhere")
    _fails(capsys, built, ["raw data folder not found"], raw=link)


def test_broken_link_in_the_raw_folder(capsys, built):
    path = built.raw / "gemeente_a.sav"
    path.unlink()
    path.symlink_to(built.root / "elsewhere" / "gemeente_a.sav")
    _fails(capsys, built, ["gemeente_a.sav", "broken symbolic link", "elsewhere"])


def test_unreadable_raw_file(capsys, built, monkeypatch):
    real_open = open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("gemeente_b.sav"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(merge, "open", refuse, raising=False)
    _fails(capsys, built, ["gemeente_b.sav", "cannot be read", "Permission denied"])


def test_undecodable_spss_file_names_the_variable(capsys, built):
    # haven's test file holds a DATETIME value far outside any calendar pandas knows
    shutil.copy(EXTERNAL / "haven" / "datetime.sav", built.raw / "gemeente_c.sav")
    _fails(capsys, built, ["gemeente_c.sav", "'date.posix'", "DATETIME20", "cannot be decoded"])


# --------------------------------------------------------------------------
# the output
# --------------------------------------------------------------------------


def test_output_path_is_a_file(capsys, built):
    target = built.root / "enquete_output"
    target.write_text("not a folder")
    _fails(capsys, built, [str(target), "is a file, not a folder"], out=target)


def test_output_folder_inside_a_file(capsys, built):
    target = built.root / "a_file"
    target.write_text("not a folder")
    _fails(capsys, built, ["cannot be created"], out=target / "processed")
    assert target.read_text() == "not a folder"


def test_unwritable_output_folder(capsys, built, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pipeline.tempfile, "mkstemp", refuse)
    _fails(capsys, built, [str(built.out), "cannot be written", "Permission denied"])


def test_unwritable_new_output_folder_is_not_left_behind(capsys, built, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.tempfile, "mkstemp", refuse)
    target = built.root / "new_output"
    _fails(capsys, built, ["No space left on device"], out=target)
    assert not target.exists()


# --------------------------------------------------------------------------
# the real command
# --------------------------------------------------------------------------


def test_the_module_command_prints_no_traceback(built):
    _edit_mapping(built, "a", lambda m: m["variables"]["gender"].__setitem__("source", ["x"]))
    before = _digests(built.out)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.data.pipeline",
            "--raw",
            str(built.raw),
            "--mappings",
            str(built.mappings_dir),
            "--out",
            str(built.out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "key 'variables.gender.source'" in result.stderr
    assert _digests(built.out) == before
