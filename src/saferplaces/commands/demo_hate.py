"""The demo's hate details: each demo hate case (made by :mod:`.demo_cases`, found by its type
and marker) gets its strands, who perceived the hostility and whether it is a crime, through the
hate app's services, so the engine's rules apply. One is a non-crime hate incident recorded with
the Code of Practice's ground and reasoning. Synthetic; idempotent (a case that has details is
left as it is)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER

__all__ = ["DemoHate", "make"]

#: (kind, strands, perceived by, who else, NCHI ground, reasoning) for the demo cases in order.
DETAILS = (
    ("crime", ("race", "religion-or-belief"), "victim", "", "", ""),
    ("crime", ("disability",), "other", "witness", "", ""),
    ("non-crime", ("sexual-orientation",), "victim", "", "risk-of-future-offence",
     "Synthetic demo: repeated messages naming the victim and threatening an assault."),
)


@dataclass
class DemoHate:
    recorded: int = 0

    def __str__(self) -> str:
        return f"Demo hate details: {self.recorded} hate cases given strands and perception."


def make(directory: Path) -> DemoHate:
    from django.contrib.auth import get_user_model

    from saferplaces.apps.cases.access import get_case_for_user
    from saferplaces.apps.cases.models import Case
    from saferplaces.apps.hate import services
    from saferplaces.apps.hate.models import HateDetails

    made = DemoHate()
    officer = get_user_model().objects.filter(username=DEMO_OFFICERS["police"]).first()
    if officer is None:
        return made
    cases = Case.objects.filter(case_type="hate", summary__contains=MARKER).order_by("pk")
    for case, (kind, strands, by, who, ground, reasoning) in zip(cases, DETAILS, strict=False):
        if HateDetails.objects.filter(case=case).exists():
            continue
        services.save_details(get_case_for_user(officer, case.pk), officer, version=None,
                              recorded_on=case.opened_on, kind=kind, strands=strands,
                              perceived_by=by, perceiver=who, nchi_ground=ground,
                              nchi_reasoning=reasoning)
        made.recorded += 1
    return made
