"""``saferplaces repeats holder`` and ``repeats propose`` as a user runs them: fresh processes on
a small synthetic town's local police records and council ASB log. Propose shows its progress,
reports what it found and proposed, and a second run proposes nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.process import environment, ok, saferplaces

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    home = tmp_path_factory.mktemp("repeats")
    ok("generate", str(home / "files"), "--months", "13", "--scale", "0.05", home=home)
    for mapping, name in (("local-incidents", "local-incidents"), ("council-asb", "council-asb")):
        ok("ingest", "csv", "--mapping", mapping, str(home / "files" / "partner" / f"{name}.csv"),
           home=home)
    ok("agency", "add", "Demo Police (synthetic)", "--kind", "police", home=home)
    ok("agency", "add", "Demo Council (synthetic)", "--kind", "council", home=home)
    truth = json.loads((home / "files" / "ground_truth.json").read_text(encoding="utf-8"))
    return {"home": home, "since": truth["period"]["first_day"], "truth": truth}


def test_holder_says_who_holds_a_source_and_refuses_an_unknown_agency(town):
    printed = ok("repeats", "holder", "local", "Demo Police (synthetic)", home=town["home"])
    assert "local: held by Demo Police (synthetic), its references name victims (800 incidents stored)" in printed
    refused = saferplaces("repeats", "holder", "local", "Nobody Here", home=town["home"])
    assert refused.returncode == 1 and "no active agency is called 'Nobody Here'" in refused.stderr


def test_propose_shows_progress_proposes_the_repeats_and_a_second_run_adds_nothing(town):
    home = town["home"]
    ok("repeats", "holder", "local", "Demo Police (synthetic)", home=home)
    ok("repeats", "holder", "council-asb", "Demo Council (synthetic)", "--references", "complainant",
       home=home)
    env = environment(home) | {"SAFERPLACES_PROGRESS": "true"}
    first = subprocess.run([sys.executable, "-m", "saferplaces.cli", "repeats", "propose",
                            "--since", town["since"]], env=env, cwd=home, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    printed = first.stdout + first.stderr
    assert re.search(r"local\s.*\d+/\d+", printed), "no progress bar for the local records"
    truth = town["truth"]
    victims, complainants = len(truth["repeat_victims"]), len(truth["repeat_complainants"])
    assert f"{victims} victims, {complainants} complainants" in printed
    proposed = int(re.search(r"(\d+) proposed", printed).group(1))
    assert proposed >= victims + complainants
    assert "Not read" not in printed  # both loaded sources have a holder
    again = ok("repeats", "propose", "--since", town["since"], home=home)
    assert "0 proposed, 0 open proposals given new incidents" in again


def test_propose_refuses_a_start_that_is_not_a_date(town):
    done = saferplaces("repeats", "propose", "--since", "last spring", home=town["home"])
    assert done.returncode == 2 and "is not a date YYYY-MM-DD" in done.stderr
