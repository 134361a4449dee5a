"""The project files people look for agree with pyproject.toml."""

import re
import tomllib

import yaml

from helpers.data.config import PROJECT_ROOT


def _pyproject():
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _citation():
    return yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_license_file_matches_pyproject():
    assert _pyproject()["project"]["license"] == "MIT"
    text = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    assert "Hogeschool VIVES, Expertisecentrum Sociale Innovatie" in text


def test_citation_file_is_cff_12_and_matches_pyproject():
    cff = _citation()
    project = _pyproject()["project"]
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] in ("software", "dataset")
    assert cff["license"] == project["license"]
    assert str(cff["version"]) == project["version"]
    for key in ("message", "title", "authors"):
        assert cff[key], key
    assert all("name" in a or "family-names" in a for a in cff["authors"])


def test_citation_references_the_2020_report():
    reports = [r for r in _citation().get("references", []) if r.get("type") == "report"]
    assert any(
        r["year"] == 2020
        and r["title"].startswith("Burgers als partners in lokale veiligheidszorg")
        for r in reports
    ), reports


def test_contributing_covers_the_everyday_tasks():
    text = (PROJECT_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in (
        "## Set-up",
        "## Lint and format",
        "## Test",
        "## Add a chapter",
        "## Add an exercise",
        "## Add a municipality",
    ):
        assert heading in text, heading


def test_license_and_book_footer_name_the_same_years():
    """The LICENSE's copyright years are the ones the book's footer shows."""
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    license_years = re.search(
        r"^Copyright \(c\) (\d{4})-(\d{4})",
        (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8"),
        re.M,
    )
    assert license_years, "LICENSE has no 'Copyright (c) YYYY-YYYY' line"
    assert tuple(re.split(r"[–-]", str(config["copyright"]))) == license_years.groups()
