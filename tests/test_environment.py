"""The conda environment, the pip constraints and pyproject must agree."""

import re
import tomllib

import yaml

from helpers.data.config import PROJECT_ROOT


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_names():
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = data["project"]["dependencies"] + sum(
        data["project"]["optional-dependencies"].values(), []
    )
    return {_norm(re.split(r"[<>=!~\[ ;]", s, maxsplit=1)[0]) for s in specs}


def _constraints():
    pins = {}
    for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_norm(name)] = version
    return pins


def _conda_pins():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for entry in pip_section:
        if "==" in entry:
            name, version = entry.split("==")
            pins[_norm(name)] = version
    return env, pins


def test_every_dependency_is_pinned_in_constraints():
    missing = _pyproject_names() - set(_constraints())
    assert not missing, f"not in constraints.txt: {sorted(missing)}"


def test_conda_environment_pins_every_dependency():
    _, pins = _conda_pins()
    assert set(pins) == _pyproject_names()


def test_conda_pins_equal_constraints():
    _, pins = _conda_pins()
    constraints = _constraints()
    differing = {n: (v, constraints.get(n)) for n, v in pins.items() if constraints.get(n) != v}
    assert not differing, f"environment.yml vs constraints.txt: {differing}"


#: The Python versions the README says are tested.
TESTED_PYTHONS = ("3.11", "3.12", "3.13")


def test_conda_environment_allows_the_tested_pythons():
    from packaging.specifiers import SpecifierSet

    env, _ = _conda_pins()
    specs = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(specs) == 1, specs
    allowed = SpecifierSet(specs[0].removeprefix("python"))
    assert all(f"{v}.0" in allowed for v in TESTED_PYTHONS), specs[0]
    assert "3.10.0" not in allowed, specs[0]


def test_pyproject_requires_311_or_newer_without_a_cap():
    from packaging.specifiers import SpecifierSet

    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requires = SpecifierSet(data["project"]["requires-python"])
    assert all(f"{v}.0" in requires for v in TESTED_PYTHONS)
    assert "3.10.0" not in requires
    assert not any(s.operator in ("<", "<=", "==", "~=") for s in requires), requires


def test_readme_names_the_tested_pythons():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11, 3.12 and 3.13" in readme


def test_jupyter_book_pinned_below_2():
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    spec = next(s for s in data["project"]["dependencies"] if s.startswith("jupyter-book"))
    assert "<2" in spec
    assert _constraints()["jupyter-book"].startswith("1.")
