"""The package's shape: stages import one way, privates stay private, names are unique.

The layer contract itself lives in ``pyproject.toml`` (``[tool.importlinter]``)
and is checked by ``lint-imports``; these tests run it, show that it catches
a wrong-way import, and check the two rules import-linter cannot express.
"""

from __future__ import annotations

import ast
import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.data import config

PACKAGE = config.PROJECT_ROOT / "src" / "helpers"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _lint_imports(src_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src_dir)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_layer_contracts_hold():
    result = _lint_imports(PACKAGE.parent, config.PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken"),
    [
        (
            "data/errors.py",
            "from helpers.present import render",
            "helpers.data.errors -> helpers.present.render",
        ),
        (
            "analysis/counts.py",
            "from helpers.book import glue",
            "helpers.analysis.counts -> helpers.book.glue",
        ),
        (
            "synthetic/design.py",
            "from helpers.analysis import counts",
            "helpers.synthetic.design -> helpers.analysis.counts",
        ),
    ],
)
def test_a_wrong_way_import_breaks_the_contract(tmp_path, module, wrong_import, broken):
    # A copy of the package with one import against the data flow.
    shutil.copytree(
        PACKAGE, tmp_path / "src" / "helpers", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(config.PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "helpers" / module
    target.write_text(
        target.read_text(encoding="utf-8") + f"\n{wrong_import}  # noqa\n", encoding="utf-8"
    )
    result = _lint_imports(tmp_path / "src", tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert broken in result.stdout


def test_no_module_imports_a_private_name_of_another():
    offences = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
                offences += [
                    f"{path.relative_to(PACKAGE)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id != "self"
            ):
                imported = {
                    a.asname or a.name
                    for n in ast.walk(tree)
                    if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("helpers")
                    for a in n.names
                }
                if node.value.id in imported:
                    offences.append(f"{path.relative_to(PACKAGE)}: {node.value.id}.{node.attr}")
    assert offences == []


def test_public_function_names_are_unique_across_the_package():
    # One name, one meaning: a reader who meets a function in a notebook
    # finds one definition (``setup`` and ``main`` are entry points).
    where = collections.defaultdict(list)
    for path, tree in _modules():
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef | ast.ClassDef)
                and not node.name.startswith("_")
                and node.name not in {"setup", "main"}
            ):
                where[node.name].append(str(path.relative_to(PACKAGE)))
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}


def test_every_sub_package_says_what_lives_there():
    for sub in ("data", "analysis", "present", "book", "synthetic"):
        docstring = ast.get_docstring(ast.parse((PACKAGE / sub / "__init__.py").read_text()))
        assert docstring, f"helpers.{sub} has no docstring"
