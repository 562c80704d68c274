"""Analysis commands on a loaded demo town, and on CSV input, as an analyst runs them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from saferplaces.cli import main
from saferplaces.commands.demo import load_demo
from saferplaces.demo import generate_town

pytestmark = pytest.mark.django_db(transaction=True)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_analyst_runs_trends_hotspots_near_repeat_evaluate_and_assess_on_the_store(tmp_path):
    town = tmp_path / "town"
    generate_town(town, seed=5, months=24, scale=0.4)
    load_demo(town, progress=lambda *a: None)
    truth = json.loads((town / "ground_truth.json").read_text(encoding="utf-8"))

    result = invoke("trends", "--out", str(tmp_path / "trends.json"))
    assert result.exit_code == 0, result.output
    table = {row["category"]: row for row in json.loads((tmp_path / "trends.json").read_text())["table"]}
    assert table[truth["rising_trend"]["category"]]["direction"] == "rising"

    result = invoke("hotspots", "--method", "gistar", "--cell-size", "250", "--permutations", "99",
                    "--out", str(tmp_path / "hot.geojson"))
    assert result.exit_code == 0, result.output
    collection = json.loads((tmp_path / "hot.geojson").read_text())
    assert collection["type"] == "FeatureCollection" and collection["features"]
    assert "hotspot" in {f["properties"]["hotspot"] for f in collection["features"]}

    result = invoke("near-repeat", "--iterations", "49", "--out", str(tmp_path / "nr.json"))
    assert result.exit_code == 0, result.output
    assert "Same location" in result.output and "Knox" in result.output
    assert json.loads((tmp_path / "nr.json").read_text())["cells"]

    operation = truth["operation"]
    before = operation["suggested_before_period"]
    result = invoke("evaluate", "--kind", "neighbourhood", "--treatment", operation["neighbourhood_code"],
                    "--control", operation["control_neighbourhood_code"], "--source", "police-uk",
                    *(arg for c in operation["categories"] for arg in ("--category", c)),
                    "--before", f"{before['start'][:7]}..{before['end'][:7]}",
                    "--after", f"{operation['start'][:7]}..{operation['end'][:7]}")
    assert result.exit_code == 0, result.output
    assert "WDD total" in result.output

    result = invoke("assess", "--out", str(tmp_path / "report"), "--format", "html,json", "--public")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "report").iterdir())
    assert written == ["assessment-2025-01-to-2025-12-public.html", "assessment-2025-01-to-2025-12-public.json"]
    assert "Priorities:" in result.output

    result = invoke("monitor")
    assert result.exit_code == 0, result.output
    # the assessment covers 2025, the latest year of data: its targets apply from 2026, so the
    # year itself is never judged against them
    assert "Monitoring" in result.output
    assert "Before the target period (not judged): " in result.output
    assert "on track" not in result.output and "off track" not in result.output
    assert "Targets apply from 2026-01" in result.output

    result = invoke("street-weeks", "--top", "5")
    assert result.exit_code == 0, result.output
    assert "Next Street Week" in result.output

    result = invoke("deep-dive", "theme:violent-crime", "--from", "2025-07", "--to", "2025-09",
                    "--out", str(tmp_path / "dd"), "--format", "json")
    assert result.exit_code == 0, result.output
    deep = json.loads(next((tmp_path / "dd").glob("*.json")).read_text())
    assert deep["topic"]["id"] == "theme:violent-crime"

    result = CliRunner().invoke(main, ["deep-dive", "theme:no-such-topic"])
    assert result.exit_code != 0 and "no candidate" in result.output


def test_near_repeat_refuses_month_only_police_uk_data(small_police_file):
    invoke("ingest", "police-uk", str(small_police_file))
    result = CliRunner().invoke(main, ["near-repeat", "--source", "police-uk", "--category", "Burglary",
                                       "--category", "Shoplifting", "--category", "Anti-social behaviour",
                                       "--iterations", "9"])
    assert result.exit_code != 0
    assert "month" in result.output.lower()


def test_hotspots_on_a_csv_name_a_bad_row(tmp_path):
    rng = np.random.default_rng(0)
    lines = ["x,y"] + [f"{a:.1f},{b:.1f}" for a, b in rng.uniform(0, 3000, (200, 2))]
    lines[7] = "12.5,north"
    path = tmp_path / "points.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["hotspots", "--input", str(path), "--method", "kde"])
    assert result.exit_code != 0
    assert "row 7 (line 8)" in result.output and "'y'" in result.output
