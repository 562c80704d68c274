"""The layers hold: import-linter's contracts (pyproject.toml) pass, and break when they should;
no module takes part in an import circle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).parents[1]
LINT_IMPORTS = shutil.which("lint-imports")

pytestmark = pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is a dev dependency")


def lint_imports(source: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"], env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_layer_contracts_are_kept():
    result = lint_imports(ROOT / "src", ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "statement", "contract"), [
    ("analysis/stats.py", "import django  # noqa", "No Django"),
    ("strategic/findings.py", "from django.db import models  # noqa", "No Django"),
    ("analysis/stats.py", "import saferplaces.apps.incidents.models  # noqa", "Layers"),
    ("ingest/errors.py", "import saferplaces.strategic.config  # noqa", "Layers"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, statement, contract):
    source = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "saferplaces", source / "saferplaces",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "*.geojson", "*.csv"))
    target = source / "saferplaces" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{statement}\n", encoding="utf-8")
    result = lint_imports(source, ROOT / "pyproject.toml")
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout


def test_no_module_is_part_of_an_import_circle():
    sys.path.insert(0, str(ROOT / "src"))
    graph = grimp.build_graph("saferplaces")
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(imported, module):
                circles.append((module, imported))
    assert circles == []
