"""Repeat detection on the demo town, measured against its planted truth (``ground_truth.json``):
the repeat victims (people with two or more crimes in the local police records), the repeat
complainants (two or more council ASB reports) and the county line's cuckooed addresses.

The town's local police records and council ASB log are loaded into the store, the demo's
holders set and detection run exactly as ``saferplaces demo`` runs it
(:mod:`saferplaces.commands.demo_repeats`), with no demo cases, so every repeat found becomes a
proposal. A proposal is right when it names a planted repeat victim or complainant, or is a
place within ``NEAR_M`` metres of a cuckooed address or of a planted repeat location (a shop,
nightclub or petrol station the truth lists: a real repeat, though not among the three kinds
measured for recall). Recall is over the three kinds measured.

Measured on seed 1 at this scale (13 months, scale 0.05; the figures are printed; the README's
*Repeat detection* section gives them with the full-size demo's): precision 1.00 (16 of 16) and
recall 1.00 (14 of 14). The floors are the issue's 0.9: a change to the rules that loses planted
repeats, or proposes places nobody planted, fails here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.incidents.services import ingest_mapped
from saferplaces.apps.repeats.models import Proposal
from saferplaces.commands.demo_people import DEMO_AGENCIES
from saferplaces.commands.demo_repeats import HOLDERS, make
from saferplaces.demo import generate_town
from saferplaces.ingest.mapped import load_mapping

PRECISION_FLOOR = 0.9
RECALL_FLOOR = 0.9
#: How near a proposed place must be to a planted one (metres; the store keeps whole metres).
NEAR_M = 5.0

PARTNER_FILES = {"local-incidents": "partner/local-incidents.csv",
                 "council-asb": "partner/council-asb.csv"}


@dataclass
class Figures:
    proposals: int = 0
    right: int = 0
    truth: int = 0
    found: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind → [proposed, right]
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.proposals if self.proposals else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 0.0

    def __str__(self) -> str:
        kinds = "; ".join(f"{kind} {right} of {made} right" for kind, (made, right) in
                          sorted(self.by_kind.items()))
        return (f"{self.proposals} proposals, {self.right} right: precision {self.precision:.2f}; "
                f"{self.found} of {self.truth} planted repeats proposed: recall {self.recall:.2f} "
                f"({kinds}); missed {self.missed or 'none'}; wrong {self.wrong or 'none'}")


def load(directory: Path) -> None:
    """The town's local police records and council ASB log in the store, and the demo agencies
    that hold them."""
    for mapping, file in PARTNER_FILES.items():
        report = ingest_mapped([directory / file], load_mapping(mapping))
        assert report.ok, report.files[0].error
    for key, _ in HOLDERS.values():
        name, kind = DEMO_AGENCIES[key]
        Agency.objects.get_or_create(name=name, defaults={"kind": kind})


def _near(point: tuple[float, float], places: list[tuple[float, float]]) -> bool:
    return any(abs(point[0] - x) <= NEAR_M and abs(point[1] - y) <= NEAR_M for x, y in places)


def measure(truth: dict[str, Any]) -> Figures:
    """Every stored proposal scored against ``truth`` (module docstring)."""
    victims = {v["victim_ref"] for v in truth["repeat_victims"]}
    complainants = {c["complainant_ref"] for c in truth["repeat_complainants"]}
    addresses = {a["ref"]: (a["easting"], a["northing"])
                 for a in truth["county_line"]["cuckooed_addresses"]}
    landmarks = [(spot["easting"], spot["northing"]) for spot in truth["repeat_locations"]]
    figures = Figures(truth=len(victims) + len(complainants) + len(addresses))
    found: set[str] = set()
    for proposal in Proposal.objects.all():
        if proposal.kind == "location":
            x, y = (float(v) for v in proposal.key.split(","))
            hit = {ref for ref, point in addresses.items() if _near((x, y), [point])}
            right = bool(hit) or _near((x, y), landmarks)
            found |= hit
        else:
            right = proposal.key in (victims if proposal.kind == "victim" else complainants)
            if right:
                found.add(proposal.key)
        made, good = figures.by_kind.get(proposal.kind, [0, 0])
        figures.by_kind[proposal.kind] = [made + 1, good + right]
        figures.proposals += 1
        figures.right += right
        if not right:
            figures.wrong.append(f"{proposal.kind} {proposal.key} ({proposal.source})")
    figures.found = len(found)
    figures.missed = sorted((victims | complainants | set(addresses)) - found)
    return figures


@pytest.fixture
def demo_town(db, tmp_path):
    directory = tmp_path / "town"
    generate_town(directory, seed=1, months=13, scale=0.05)
    load(directory)
    return directory


def test_repeat_detection_proposes_the_planted_repeats_and_little_else(demo_town, capsys):
    made = make(demo_town)
    truth = json.loads((demo_town / "ground_truth.json").read_text(encoding="utf-8"))
    figures = measure(truth)
    with capsys.disabled():
        print(f"\nRepeat detection on the demo town (seed 1, 13 months, scale 0.05): {figures}")
    assert made.proposed == figures.proposals > 0
    assert figures.recall >= RECALL_FLOOR
    assert figures.precision >= PRECISION_FLOOR
    assert str(make(demo_town)).startswith("Demo repeat proposals already made: nothing added")
