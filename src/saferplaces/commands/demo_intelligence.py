"""The demo's restricted intelligence (synthetic): the planted county line of
``ground_truth.json["county_line"]`` as entities and graded links, made through the
intelligence services and owned by the police.

- its **deal lines** (numbers in Ofcom's drama range, never allocated to real phones), open
  since the first address was cuckooed, run from the controller's home area;
- its **nominals** under their pseudonyms, with their roles and dates of birth from their ages;
  the child runners are **victims of exploitation**, each tied to its person on the demo's child
  criminal exploitation case; the first is linked to that case as its safeguarding case, the
  second is not (so the reminders run raises the alert: an intelligence record needs a
  safeguarding case);
- its **cuckooed addresses** (risk confirmed), each with its vulnerable resident (the person on
  the demo's cuckooed-addresses case) and that case as its safeguarding case;
- the **links** of the truth between them, each dated (an address's links from the day it was
  cuckooed; the others from the first address's) and graded on the 3x5x2 scale by kind of
  link (:data:`GRADING`; invented for the demo). The resident victims are not nominals: each is
  the address's vulnerable resident.

The network analysis then finds the controller as the most central entity and the cuckooed
addresses in its network. Idempotent: each record carries a ``source_ref`` (``demo-cl:...``)
and one already present is left as it is.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplaces.commands.demo_cases import DEMO_OFFICERS, MARKER

__all__ = ["GRADING", "DemoIntelligence", "make"]

#: Where each demo record says it came from.
SOURCE = "Synthetic demo intelligence (saferplaces demo)"
#: Prefix of the demo records' source references.
REF = "demo-cl:"
#: Handling conditions of the demo's C links (invented for the demo).
CONDITIONS = ("Synthetic demo: share only with the partnership's exploitation panel; do not "
              "disclose the source.")
#: 3x5x2 grading of each kind of link in the truth: (source, intelligence, handling code).
GRADING: dict[str, tuple[str, str, str]] = {
    "controls deal line": ("2", "B", "C"),
    "uses phone": ("1", "B", "P"),
    "frequent contact": ("1", "A", "P"),
    "handset located at address": ("1", "B", "P"),
    "seen at": ("2", "C", "P"),
    "associate": ("3", "C", "C"),
}
_DEFAULT_GRADING = ("2", "C", "P")
_ROLES = {"line holder": "line_holder", "runner": "runner", "local dealer": "local_dealer",
          "user": "user", "associate": "associate"}


@dataclass
class DemoIntelligence:
    entities: int = 0
    links: int = 0
    alerts: int = 0
    no_county_line: bool = False

    def __str__(self) -> str:
        if self.no_county_line:
            return "Demo intelligence: the town has no county line, nothing added."
        if not (self.entities or self.links):
            return "Demo intelligence already present: nothing added."
        return (f"Demo intelligence made: {self.entities} entities and {self.links} graded "
                f"links of the county line ({self.alerts} safeguarding alert raised)")


def _born(age: int, today: datetime.date) -> datetime.date:
    """A date of birth ``age`` years and about four months before ``today``."""
    day = today - datetime.timedelta(days=120)
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)


def _case(title_start: str) -> Any:
    from saferplaces.apps.cases.models import Case

    return (Case.objects.filter(case_type="exploitation", summary__contains=MARKER,
                                title__startswith=title_start).order_by("pk").first())


def _nominal_people(case: Any) -> list[Any]:
    """The case's nominals in the order the demo cases added them (the truth's order): the case
    record carries no pseudonym, so the intelligence ties its nominals to people by order."""
    if case is None:
        return []
    return [party.person for party in case.parties.filter(role="nominal")
            .select_related("person").order_by("pk")]


def _residents(case: Any) -> list[Any]:
    if case is None:
        return []
    return [party.person for party in case.parties.filter(role="vulnerable-person")
            .select_related("person").order_by("pk")]


class _Builder:
    def __init__(self, line: dict[str, Any], today: datetime.date) -> None:
        from django.contrib.auth import get_user_model

        self.line = line
        self.today = today
        self.officer = get_user_model().objects.get(username=DEMO_OFFICERS["police"])
        self.agency = self.officer.membership.agency
        self.made = DemoIntelligence()
        self.entities: dict[str, Any] = {}
        addresses = line.get("cuckooed_addresses", [])
        self.cuckooed_from = {a["ref"]: self._day(a["cuckooed_from"]) for a in addresses}
        self.start = min(self.cuckooed_from.values(), default=today)

    def _day(self, text: str) -> datetime.date:
        return min(datetime.date.fromisoformat(text), self.today)

    def entity(self, ref: str, kind: str, **values: Any) -> Any:
        from saferplaces.apps.intelligence import services
        from saferplaces.apps.intelligence.models import Entity

        found = Entity.objects.filter(agency=self.agency, source_ref=REF + ref).first()
        if found is None:
            found = services.create_entity(agency=self.agency, kind=kind, by=self.officer,
                                           source_ref=REF + ref, **values)
            self.made.entities += 1
        self.entities[ref] = found
        return found

    def safeguard(self, entity: Any, case: Any) -> None:
        from saferplaces.apps.intelligence import services

        if case is not None and entity.safeguarding_case_id is None:
            services.link_safeguarding_case(entity, case, by=self.officer)

    def deal_lines(self) -> None:
        holder = next((n for n in self.line.get("nominals", []) if n["role"] == "line holder"),
                      None)
        area = (holder or {}).get("home_area", "")
        area = area.removeprefix("out of area (").removesuffix(")") if area else ""
        for i, number in enumerate(self.line.get("deal_lines", [])):
            self.entity(number, "deal_line", label=number, phone_number=number,
                        line_name=f"{self.line.get('name', 'county line')} handset {i + 1}",
                        status="open", opened=self.start, exporting_area=area)

    def nominals(self) -> None:
        child_case = _case("Child criminal exploitation")
        people = iter(_nominal_people(child_case))
        for i, nominal in enumerate(self.line.get("nominals", [])):
            child = int(nominal["age"]) < 18
            person = next(people, None) if child else None
            entity = self.entity(nominal["ref"], "nominal", label=nominal["pseudonym"],
                                 role=_ROLES[nominal["role"]],
                                 date_of_birth=_born(int(nominal["age"]), self.today),
                                 victim_of_exploitation=child, person=person)
            # the first child runner's record is tied to its case; the second is left for the
            # reminders run to flag (the demo shows the alert)
            if child and i == min(j for j, n in enumerate(self.line["nominals"])
                                  if int(n["age"]) < 18):
                self.safeguard(entity, child_case)

    def addresses(self) -> None:
        case = _case("Cuckooed addresses")
        residents = _residents(case)
        for n, address in enumerate(self.line.get("cuckooed_addresses", [])):
            entity = self.entity(address["ref"], "address", label=address["address"],
                                 address_text=address["address"], x=float(address["easting"]),
                                 y=float(address["northing"]),
                                 lsoa_code=address.get("lsoa_code", ""),
                                 cuckooing_risk="confirmed",
                                 vulnerable_resident=residents[n] if n < len(residents) else None)
            self.safeguard(entity, case)

    def links(self) -> None:
        from saferplaces.apps.intelligence import services
        from saferplaces.apps.intelligence.models import Link

        for i, link in enumerate(self.line.get("links", [])):
            a, b = self.entities.get(link["from"]), self.entities.get(link["to"])
            if a is None or b is None:  # a resident victim: the address's vulnerable resident
                continue
            ref = f"{REF}link-{i + 1:03d}"
            if Link.objects.filter(agency=self.agency, source_ref=ref).exists():
                continue
            source, grade, code = GRADING.get(link["type"], _DEFAULT_GRADING)
            day = self.cuckooed_from.get(link["to"], self.cuckooed_from.get(link["from"],
                                                                             self.start))
            services.create_link(a=a, b=b, agency=self.agency, by=self.officer,
                                 kind=link["type"], date=day, source=SOURCE, source_grade=source,
                                 intelligence_grade=grade, handling_code=code,
                                 handling_conditions=CONDITIONS if code == "C" else "",
                                 source_ref=ref)
            self.made.links += 1


def make(directory: Path, *, today: datetime.date | None = None) -> DemoIntelligence:
    """Build the county line's intelligence from ``directory``'s ``ground_truth.json`` (module
    docstring); records already present are left as they are."""
    from django.db import transaction
    from django.utils import timezone

    from saferplaces.apps.intelligence.alerts import check_safeguarding

    truth = json.loads((directory / "ground_truth.json").read_text(encoding="utf-8"))
    line = truth.get("county_line") or {}
    if not line.get("nominals"):
        return DemoIntelligence(no_county_line=True)
    with transaction.atomic():
        builder = _Builder(line, today or timezone.localdate())
        builder.deal_lines()
        builder.nominals()
        builder.addresses()
        builder.links()
    if builder.made.entities:
        builder.made.alerts = check_safeguarding()
    return builder.made
