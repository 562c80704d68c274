"""The JSON form of every result is byte-for-byte what it was before the typed contracts.

``data/smalltown_snapshot.json`` was written from the small town (``smalltown``) before the
measures and results became dataclasses: the assessment (full and public, and a second run with
the first as its previous year), two deep dives, monitoring and Street Weeks. Regenerate it only
for a deliberate change of the stored shape: ``python -m tests.strategic.test_json_snapshot``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import saferplaces
from saferplaces.strategic import (
    Entered,
    HorizonItem,
    Period,
    Recommendation,
    Target,
    deep_dive,
    load_config,
    monitoring,
    run_assessment,
    street_weeks,
)
from tests.strategic.smalltown import build

SNAPSHOT = Path(__file__).parent / "data" / "smalltown_snapshot.json"


def snapshot() -> dict[str, Any]:
    """Every ``to_dict()`` of the small town, keyed by what produced it."""
    cfg = load_config()
    inputs = build()
    entered = Entered(
        concern={"council-asb:noise-nuisance": {"score": 5, "source": "survey"}},
        capacity={"theme:acquisitive-crime": {"score": 2, "source": "audit"}},
        horizon=(HorizonItem("economic", "Cost of living", "Shop theft", "Forum"),),
        recommendations=(Recommendation("Retail partnership", "police-uk:shoplifting",
                                        "Police"),),
        targets=(Target("police-uk:shoplifting", change_pct=-10.0),))
    full = run_assessment(dataclasses.replace(inputs, entered=entered), cfg)
    again = run_assessment(dataclasses.replace(build(rising=False), previous=full.to_dict()), cfg)
    quarter = dataclasses.replace(inputs, period=Period("2025-10", "2025-12"))
    dd = deep_dive(quarter, cfg, "police-uk:shoplifting")
    dd2 = deep_dive(quarter, cfg, "local:racially-or-religiously-aggravated-public-order")
    mon = monitoring(inputs, cfg, ["police-uk:shoplifting", "local:burglary-dwelling",
                                   "theme:acquisitive-crime", "nope:x"],
                     [Target("police-uk:shoplifting", "incidents", -10.0),
                      Target("local:burglary-dwelling", "repeat_rate", -5.0),
                      Target("theme:acquisitive-crime", "harm", 5.0, baseline=1000.0)])
    sw = street_weeks(inputs, cfg, exclude_recent=["N1", "ZZ"])
    return {"assessment": full.to_dict(), "assessment_public": full.to_dict(public=True),
            "progress_run": again.to_dict(),
            "deep_dive": dd.to_dict(), "deep_dive_sensitive_public": dd2.to_dict(public=True),
            "monitoring": mon.to_dict(), "street_weeks": sw.to_dict()}


#: where saferplaces is installed: results name the configuration and harm-weight files they
#: used by path, which differs from one checkout to another
PACKAGE = json.dumps(str(Path(saferplaces.__file__).parent))[1:-1]


def _text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=0).replace(PACKAGE, "<saferplaces>")


def test_every_to_dict_matches_the_snapshot_byte_for_byte() -> None:
    stored = SNAPSHOT.read_text(encoding="utf-8")
    now = snapshot()
    before = json.loads(stored)
    for key, value in now.items():  # name the first part that differs
        assert _text(value) == _text(before[key]), f"{key} differs from the snapshot"
    assert _text(now) == stored


if __name__ == "__main__":
    SNAPSHOT.write_text(_text(snapshot()), encoding="utf-8")
    sys.exit(0)
