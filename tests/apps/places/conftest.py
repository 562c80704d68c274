"""Places to work with: a place recorded by the owner agency (Essex Police) near Colchester's
High Street, incidents around it (ordinary and sensitive), and a case involving it shared in
full with the partner (the council). Built through the services, as the pages build them."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pytest

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.places import services
from saferplaces.apps.places.models import Place
from saferplaces.geo import to_wgs84
from tests.apps.cases.conftest import open_case, share

#: The place's point (British National Grid): central Colchester.
PX, PY = 599500.0, 225100.0


def place_at(user: Any, name: str = "Castle Park bandstand", *, x: float = PX,
             y: float = PY) -> Place:
    return services.create_place(user, name=name, kind="location", x=x, y=y)


def incident(category: str, dx: float, dy: float, *, source: str = "local",
             month: str = "2025-03", victim_ref: str = "", ref: str = "") -> Incident:
    """An incident ``dx``, ``dy`` metres from the place."""
    x, y = PX + dx, PY + dy
    lon, lat = (float(v[0]) for v in to_wgs84(np.array([x]), np.array([y])))
    day = datetime.date.fromisoformat(f"{month}-01")
    return Incident.objects.create(
        source=source, source_ref=ref or f"{category}-{dx}-{dy}-{month}-{victim_ref}",
        category=category, month=day,
        occurred=datetime.datetime(day.year, day.month, 1, tzinfo=datetime.UTC),
        precision="month", x=x, y=y, lon=lon, lat=lat, location=f"Near {category.lower()}",
        victim_ref=victim_ref)


@pytest.fixture
def place(partnership) -> Place:
    return place_at(partnership.user("owner", "case_manager"))


@pytest.fixture
def linked(partnership, place):
    """The place linked to an owner case shared in full with the partner."""
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, title="Bandstand disorder")
    share(case, partnership.partner)
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    return case
