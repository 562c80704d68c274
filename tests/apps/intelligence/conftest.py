"""The intelligence tests' shared world: an owner-agency analyst and a partner practitioner
given the intelligence flag (``owner-analyst-intel``, ``partner-practitioner-intel``: the
sweep's people keep none), and a small county line held by the owner
agency: a line holder, a child runner who is a victim of exploitation, an adult dealer, a deal
line, a cuckooed flat whose vulnerable resident has a person record, a vehicle and an OCG,
linked with 3x5x2 grades (one link handled under code C)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.intelligence import services
from saferplaces.apps.intelligence.models import Entity, Link

CONDITIONS = "Share only with the exploitation panel; no onward disclosure."


def grant(user: Any) -> Any:
    """Give ``user`` the per-user intelligence flag."""
    user.membership.intelligence = True
    user.membership.save()
    if hasattr(user, "_saferplaces_capabilities"):
        del user._saferplaces_capabilities
    return user


def intelligence_user(partnership: Any, agency: str, role: str) -> Any:
    """A new user ``<agency>-<role>-intel`` with the flag (the sweep's people keep none)."""
    from django.contrib.auth import get_user_model

    from saferplaces.apps.agencies.models import Membership

    user = get_user_model().objects.create_user(f"{agency}-{role}-intel")
    Membership.objects.create(user=user, agency=partnership.agencies[agency], role=role,
                              intelligence=True)
    partnership.users[user.username] = user
    return user


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@dataclass
class Intel:
    analyst: Any
    partner: Any
    entities: dict[str, Entity] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in self.entities:
            return self.entities[name]
        if name in self.links:
            return self.links[name]
        raise AttributeError(name)


@pytest.fixture
def intel(partnership) -> Intel:
    from saferplaces.apps.people.models import Person

    analyst = intelligence_user(partnership, "owner", "analyst")
    partner = intelligence_user(partnership, "partner", "practitioner")
    agency = partnership.owner
    resident = Person.objects.create(owner_agency=agency, given_name="Edna", family_name="Hollis",
                                     date_of_birth=years_ago(78))

    def entity(kind: str, **values: Any) -> Entity:
        return services.create_entity(agency=agency, kind=kind, by=analyst, **values)

    world = Intel(analyst, partner)
    world.entities = {
        "boss": entity("nominal", label="Kestrel", role="line_holder", date_of_birth=years_ago(27)),
        "runner": entity("nominal", label="Moth", role="runner", date_of_birth=years_ago(15),
                         victim_of_exploitation=True),
        "dealer": entity("nominal", label="Tarn", role="local_dealer", date_of_birth=years_ago(31)),
        "phone": entity("deal_line", phone_number="07700 900418", line_name="Bravo line",
                        exporting_area="East London", opened=years_ago(1)),
        "flat": entity("address", address_text="Flat 8, 86 Granary Mews", postcode="co1 1aa",
                       cuckooing_risk="confirmed", vulnerable_resident=resident),
        "car": entity("vehicle", registration="ab12 cde"),
        "ocg": entity("ocg", name="The Granary crew"),
    }
    day = timezone.localdate() - datetime.timedelta(days=10)

    def link(a: str, b: str, kind: str, code: str = "P", **grades: Any) -> Link:
        return services.create_link(
            a=world.entities[a], b=world.entities[b], agency=agency, by=analyst, kind=kind,
            date=day, source="Essex Police intelligence report",
            source_grade=grades.get("source_grade", "2"),
            intelligence_grade=grades.get("intelligence_grade", "B"), handling_code=code,
            handling_conditions=CONDITIONS if code == "C" else "")

    world.links = {
        "runs_line": link("boss", "phone", "runs"),
        "runner_uses": link("runner", "phone", "uses", code="C"),
        "runner_at_flat": link("runner", "flat", "seen at", intelligence_grade="C"),
        "dealer_uses": link("dealer", "phone", "uses"),
        "boss_drives": link("boss", "car", "drives", source_grade="1", intelligence_grade="A"),
        "boss_in_ocg": link("boss", "ocg", "member of"),
    }
    return world
