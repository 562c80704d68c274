"""The placeholder-references case as a user runs it: police.uk burglaries plus local records
whose victim references are often ``UNKNOWN``, ``N/A`` or ``0``. Every real reference is
unique, so the deep dive's repeat-victim rate must be 0 %."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from saferplaces.strategic import deep_dive, load_config, render_deep_dive_html
from tests.process import ok, saferplaces
from tests.strategic.smalltown import build

CASE = Path(__file__).parents[1] / "data" / "cases" / "placeholder-references"


def repeat_of_deep_dive(home: Path) -> dict:
    ok("deep-dive", "police-uk:burglary", "--format", "json", "--out", str(home / "out"), home=home)
    [written] = (home / "out").glob("deep-dive-police-uk-burglary-*.json")
    return json.loads(written.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("placeholders")
    ok("ingest", "police-uk", str(CASE / "pol"), home=home)
    printed = ok("ingest", "csv", "--mapping", "local-incidents", str(CASE / "local.csv"), home=home)
    return home, printed


def test_ingest_reports_the_placeholder_victim_references_it_treated_as_missing(loaded):
    _, printed = loaded
    assert ("local.csv: 119 placeholder references (UNKNOWN ×45, 0 ×44, N/A ×30) in column "
            "'victim_ref' treated as missing") in printed


def test_deep_dive_repeat_victim_rate_is_zero_when_every_real_reference_is_unique(loaded):
    home, _ = loaded
    data = repeat_of_deep_dive(home)
    repeat = data["measures"]["repeat"]
    assert repeat["repeat_victim_rate"] == 0.0
    assert repeat["repeat_incident_rate"] == 0.0
    assert repeat["repeat_victims"] == 0
    assert repeat["victims"] == repeat["referenced_incidents"] == 86
    assert repeat["placeholder_refs_excluded"] == 0  # already blanked when loaded
    assert "were repeats" not in data["finding"]


def test_a_store_loaded_before_placeholders_were_recognised_gives_the_same_rate(tmp_path):
    ok("ingest", "police-uk", str(CASE / "pol"), home=tmp_path)
    ok("ingest", "csv", "--mapping", "local-incidents", str(CASE / "local.csv"), home=tmp_path)
    raw = pd.read_csv(CASE / "local.csv", dtype=str, keep_default_na=False)
    stand_ins = raw[raw["victim_ref"].isin(["UNKNOWN", "N/A", "0"])]
    in_2024 = int(stand_ins["offence_date"].str.startswith("2024").sum())
    # put the placeholders back into the store, as an ingest before this rule would have left them
    script = (
        "import json, sys\n"
        "from saferplaces.commands.common import setup_django\n"
        "setup_django()\n"
        "from saferplaces.apps.incidents.models import Incident\n"
        "for ref, victim in json.loads(sys.stdin.read()):\n"
        "    Incident.objects.filter(source='local', source_ref=ref).update(victim_ref=victim)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["SAFERPLACES_DB"] = str(tmp_path / "store.sqlite3")
    pairs = stand_ins[["local_ref", "victim_ref"]].values.tolist()
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(pairs), env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    repeat = repeat_of_deep_dive(tmp_path)["measures"]["repeat"]
    assert repeat["repeat_victim_rate"] == 0.0 and repeat["repeat_incident_rate"] == 0.0
    assert repeat["placeholder_refs_excluded"] == in_2024 > 0
    assert repeat["referenced_incidents"] == 86


def test_a_mapping_with_a_bad_placeholder_list_is_refused_naming_the_file(tmp_path):
    shipped = Path(__file__).parents[2] / "src" / "saferplaces" / "ingest" / "mappings"
    text = (shipped / "local-incidents.toml").read_text(encoding="utf-8")
    mapping = tmp_path / "ours.toml"
    mapping.write_text(text + '\n[references]\nplaceholders = "XX"\n', encoding="utf-8")
    done = saferplaces("ingest", "csv", "--mapping", str(mapping), str(CASE / "local.csv"),
                       home=tmp_path)
    assert done.returncode != 0
    assert "ours.toml" in done.stderr and "[references] placeholders must be a list" in done.stderr


def test_deep_dive_leaves_placeholder_references_out_and_says_how_many():
    """The library route (old stores, notebooks): V-REPEAT is the one planted repeat victim."""
    clean = build()
    inputs = build()
    frame = inputs.incidents
    burglary = frame.index[(frame["source"] == "local") & (frame["category"] == "Burglary dwelling")
                           & (frame["month"] >= "2025-01-01") & (frame["victim_ref"] != "V-REPEAT")]
    stand_ins = burglary[::3]
    frame.loc[stand_ins, "victim_ref"] = ["UNKNOWN", "N/A", "0"] * (len(stand_ins) // 3) + [
        "UNKNOWN", "N/A"][: len(stand_ins) % 3]
    config = load_config()
    before = deep_dive(clean, config, "police-uk:burglary").measures["repeat"]
    after = deep_dive(inputs, config, "police-uk:burglary").measures["repeat"]
    assert after["placeholder_refs_excluded"] == len(stand_ins)
    assert after["referenced_incidents"] == before["referenced_incidents"] - len(stand_ins)
    assert after["repeat_victims"] == before["repeat_victims"] == 1
    assert after["victims"] == before["victims"] - len(stand_ins)
    html = render_deep_dive_html(deep_dive(inputs, config, "police-uk:burglary"))
    assert f"{len(stand_ins)} placeholder references such as UNKNOWN or N/A left out" in html
