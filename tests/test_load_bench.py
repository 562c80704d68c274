"""``benchmarks/load.py`` keeps working: a tiny run in a fresh process (three users on SQLite
against the real gunicorn server), and its lost-update check finds a lost update."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "load.py"


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_tiny_load_run_signs_in_browses_edits_and_loses_no_update(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = str(ROOT / "src")
    figures_file = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--users", "3", "--requests", "16", "--think", "0.05",
         "--ramp", "0.3", "--seconds", "60", "--scale", "0.02", "--hot", "1",
         "--work", str(tmp_path / "work"), "--json", str(figures_file)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert figures_file.exists(), done.stdout + done.stderr
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    # every user signed in (two pages, each a GET and a POST) and then used the site
    assert figures["kinds"]["sign in"]["requests"] == 3 * 4
    assert figures["requests"] == 3 * 16
    assert figures["errors"] == 0, done.stdout
    assert figures["lost_updates"] == [], done.stdout
    edits = figures["edits"]
    assert edits["error"] == 0 and edits["saved"] >= 1, done.stdout
    assert "PASS  0 lost updates" in done.stdout
    assert figures["load"]["database"] == "sqlite"


def test_the_check_finds_two_saves_of_one_version_and_a_missing_last_save() -> None:
    load = _load_module()
    case = load.Record("case", 7, "council")
    before = {case: (3, "Noise")}
    saved = [load.Edit(case, 3, "r u01 e1", "saved"), load.Edit(case, 3, "r u02 e1", "saved")]
    # both users were told "saved" from version 3, but only one change is stored
    after = {case: (4, "Noise [load edit r u02 e1]")}
    problems = load.lost_updates(saved, before, after)
    assert any("two saves of one version" in p for p in problems)
    assert any("2 saves reported" in p for p in problems)
    # one after the other, the second from version 4: nothing lost
    chained = [saved[0], load.Edit(case, 4, "r u02 e1", "saved"),
               load.Edit(case, 4, "r u03 e1", "conflict")]
    assert load.lost_updates(chained, before, {case: (5, "Noise [load edit r u02 e1]")}) == []
    # a save answered as a conflict must leave no trace
    stored_conflict = {case: (5, "Noise [load edit r u03 e1]")}
    assert any("reported as a conflict" in p
               for p in load.lost_updates(chained, before, stored_conflict))
