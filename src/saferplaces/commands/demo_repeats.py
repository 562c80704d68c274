"""The demo's repeat detection: the demo town's local police records are held by the demo
constabulary (victim references) and its council ASB log by the demo borough council
(complainant references), and ``repeats propose`` is run over the whole of the town's period
(from the first day in ``ground_truth.json``, as a partnership switching detection on would
read its back records once). The planted repeat victims, repeat complainants and the county
line's cuckooed addresses come out as proposals; those whose incidents the demo cases already
hold are not proposed, and those partly on a case are proposed as links to it.

Running it again adds nothing: the holders are already set, and the proposals are already made.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DemoRepeats", "HOLDERS", "make"]

#: The demo town's sources → (the key of the demo agency holding them, what references name).
HOLDERS = {"local": ("police", "victim"), "council-asb": ("council", "complainant")}


@dataclass
class DemoRepeats:
    proposed: int = 0
    updated: int = 0
    on_cases: int = 0

    def __str__(self) -> str:
        if not (self.proposed or self.updated):
            return (f"Demo repeat proposals already made: nothing added ({self.on_cases} "
                    "repeats are on the demo cases).")
        return (f"Demo repeat proposals made: {self.proposed} proposed to the police's and the "
                f"council's case managers ({self.on_cases} repeats already on the demo cases).")


def make(directory: Path) -> DemoRepeats:
    """Set the demo holders and propose the town's repeats (module docstring)."""
    from saferplaces.apps.agencies.models import Agency
    from saferplaces.apps.repeats import services
    from saferplaces.commands.demo_people import DEMO_AGENCIES

    truth = json.loads((directory / "ground_truth.json").read_text(encoding="utf-8"))
    for source, (key, references) in HOLDERS.items():
        agency = Agency.objects.get(name=DEMO_AGENCIES[key][0])
        services.set_holder(source, agency, references)
    run = services.propose(since=datetime.date.fromisoformat(truth["period"]["first_day"]))
    return DemoRepeats(run.proposed, run.updated, run.on_cases)
