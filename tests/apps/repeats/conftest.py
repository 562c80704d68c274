"""Incidents in the store for repeat detection: the owner agency (Essex Police) holds the local
police records (victim references), the partner (the council) its ASB log (complainant
references). Built as the store holds them; detection and decisions go through the services."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pytest

from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.repeats import services
from saferplaces.apps.repeats.models import Proposal
from saferplaces.geo import to_wgs84

#: A home and a flat (British National Grid, whole metres).
HOME = (601999, 223737)
FLAT = (601111, 226969)
#: Detection reads from here in every test (so the default look-back never hides a record).
SINCE = datetime.date(2025, 1, 1)

_made = iter(range(1, 10**6))


def incident(day: str, *, victim: str = "", category: str = "Violence with injury",
             source: str = "local", at: tuple[int, int] = HOME, location: str = "",
             area: str = "Colchester 016C", point: Any = None) -> Incident:
    x, y = at
    lon, lat = (float(v[0]) for v in to_wgs84(np.array([float(x)]), np.array([float(y)])))
    when = datetime.date.fromisoformat(day)
    return Incident.objects.create(
        source=source, source_ref=f"{source}/{next(_made):06d}", category=category,
        month=when.replace(day=1), occurred=datetime.datetime(when.year, when.month, when.day,
                                                              12, tzinfo=datetime.UTC),
        precision="day", x=x, y=y, lon=lon, lat=lat, location=location,
        lsoa_name=area, victim_ref=victim, point=point)


def propose(**kwargs: Any) -> services.Run:
    return services.propose(since=kwargs.pop("since", SINCE), **kwargs)


def only(**lookup: Any) -> Proposal:
    return Proposal.objects.get(**lookup)


@pytest.fixture
def holders(partnership):
    services.set_holder("local", partnership.owner, "victim")
    services.set_holder("council-asb", partnership.partner, "complainant")
    return partnership


@pytest.fixture
def repeat_victim(holders) -> list[Incident]:
    """Two crimes against victim V100001 at their home, a month apart."""
    return [incident("2025-03-02", victim="V100001"), incident("2025-04-02", victim="V100001")]
