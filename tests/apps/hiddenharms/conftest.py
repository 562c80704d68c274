"""The hidden-harms test world for the quarter 2026-Q2 (April to June 2026), built through the
services where there are some, with small counts (which every reader must see withheld) beside
large ones, and personal data (names, references, addresses, postcodes, phone numbers, line
names, a registration) that no page or briefing may show:

- safeguarding: two child criminal exploitation concerns about a child (2: withheld) and eleven
  domestic-abuse concerns about an adult (11: shown);
- modern slavery: one NRM referral of a child (withheld);
- hate: three hate crimes (withheld);
- incidents: twelve flagged domestic (shown), two flagged hate (withheld), each with a street
  location and a victim reference;
- intelligence: two deal lines active (a count of lines), eleven addresses at risk of cuckooing
  in the Castle neighbourhood and two in Greenstead (thirteen in all: shown in public, being at
  or above the threshold), three child runners of whom one is flagged a victim, a vehicle.

"Small" and "large" are read against the public report's threshold (``[public] suppress_below``,
10 when written): the fixture checks that the counts fall on the sides the tests expect.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.hiddenharms.quarters import Quarter
from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.apps.intelligence.models import Entity, Link
from saferplaces.apps.safeguarding import services as safeguarding
from saferplaces.apps.slavery import services as slavery
from saferplaces.geo import to_wgs84
from tests.apps.cases.conftest import add, open_case, person
from tests.apps.hate.conftest import details, hate_case

QUARTER = Quarter(2026, 2)
DAY = datetime.date(2026, 5, 12)
CASTLE = (599600.0, 225200.0)  # BNG, inside the Castle square below
GREENSTEAD = (602600.0, 225200.0)

_refs = itertools.count(1)


@dataclass
class Harms:
    partnership: Any
    #: text from the seeded records that must never be shown
    personal: list[str] = field(default_factory=list)


def square(centre: tuple[float, float], half: float = 500.0) -> dict[str, Any]:
    """A WGS84 GeoJSON polygon: the BNG square of side ``2 * half`` around ``centre``."""
    x, y = centre
    xs = np.array([x - half, x + half, x + half, x - half, x - half])
    ys = np.array([y - half, y - half, y + half, y + half, y - half])
    lon, lat = to_wgs84(xs, ys)
    return {"type": "Polygon", "coordinates": [[[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]]}


def incident(day: datetime.date, *, location: str, victim: str, **flags: bool) -> Incident:
    return Incident.objects.create(
        source="local", source_ref=f"local/{next(_refs):06d}", category="Violence with injury",
        month=day.replace(day=1), occurred=datetime.datetime(day.year, day.month, day.day, 12,
                                                              tzinfo=datetime.UTC),
        precision="day", x=CASTLE[0], y=CASTLE[1], location=location, victim_ref=victim, **flags)


def entity(agency: Any, kind: str, label: str, **fields: Any) -> Entity:
    return Entity.objects.create(kind=kind, label=label, agency=agency,
                                 review_date=datetime.date(2027, 1, 1),
                                 retain_until=datetime.date(2030, 1, 1), **fields)


def link(a: Entity, b: Entity, kind: str = "visits", day: datetime.date = DAY) -> Link:
    return Link.objects.create(a=a, b=b, kind=kind, date=day, source="Officer observation",
                               source_grade="2", intelligence_grade="B", handling_code="P",
                               agency=a.agency, review_date=datetime.date(2027, 1, 1))


def _casework(partnership: Any, world: Harms) -> None:
    manager = partnership.user("owner", "case_manager")
    child_case = open_case(manager, "vulnerable-child", "County line contact")
    child = person(partnership.owner, "Casey", "Quillfeather", born=datetime.date(2011, 1, 15))
    add(manager, child_case, child, "vulnerable-person")
    access = get_case_for_user(manager, child_case.pk)
    for day in (datetime.date(2026, 4, 7), datetime.date(2026, 5, 19)):
        safeguarding.record_concern(access, manager, person_id=child.pk, concern_on=day,
                                    exploitation_types=["child-criminal-exploitation"])
    world.personal += ["Quillfeather", child_case.reference]
    case = open_case(manager, "vulnerable-adult", "Abuse at a family home")
    adult = person(partnership.owner, "Vanora", "Brisketwood", born=datetime.date(1980, 2, 2))
    add(manager, case, adult, "vulnerable-person")
    for n in range(11):
        safeguarding.record_concern(get_case_for_user(manager, case.pk), manager, person_id=adult.pk,
                                    concern_on=DAY + datetime.timedelta(days=n),
                                    exploitation_types=["domestic-abuse"])
    world.personal += ["Brisketwood", case.reference]
    slave_case = open_case(manager, "modern-slavery", "Car wash workers")
    iris = person(partnership.owner, "Iris", "Sainfoyne", born=datetime.date(2012, 4, 1))
    add(manager, slave_case, iris)
    party = slave_case.parties.get(person=iris)
    slavery.refer(get_case_for_user(manager, slave_case.pk), manager, party_id=party.pk,
                  first_responder="police", referred_on=DAY,
                  exploitation_types=["labour"], consented=None)
    world.personal += ["Sainfoyne", slave_case.reference]
    for _ in range(3):
        case = hate_case(manager, title="Abuse at the bus stop")
        details(manager, case, on=DAY, strands=("race",))
        world.personal.append(case.reference)


def _incidents(world: Harms) -> None:
    for n in range(12):
        incident(DAY, location="14 Juniper Close", victim=f"VR-7781{n}", domestic=True)
    for n in range(2):
        incident(DAY, location="2 Wrenfield Parade", victim=f"VR-8892{n}", hate_race=True)
    world.personal += ["Juniper Close", "VR-7781", "Wrenfield Parade", "VR-8892"]


def _intelligence(partnership: Any, world: Harms) -> None:
    police = partnership.owner
    Area.objects.create(kind="neighbourhood", code="N-CASTLE", name="Castle", geometry=square(CASTLE))
    Area.objects.create(kind="neighbourhood", code="N-GREEN", name="Greenstead",
                        geometry=square(GREENSTEAD))
    lines = [entity(police, "deal_line", f"Line {name}", phone_number=phone, line_name=name,
                    status="open", opened=datetime.date(2026, 1, 10), exporting_area="London")
             for name, phone in (("Blazewick", "07700 900461"), ("Tundrasol", "07700 900462"))]
    world.personal += ["Blazewick", "07700 900461", "07700900461", "Tundrasol", "07700 900462"]
    for n, (where, postcode) in enumerate([(CASTLE, "CO1 9ZQ")] * 11 + [(GREENSTEAD, "CO4 9ZX")] * 2):
        address = entity(police, "address", f"Address {n}", address_text=f"Flat {n}, 9 Quarrymoor Lane",
                         postcode=postcode, x=where[0] + n, y=where[1],
                         cuckooing_risk="confirmed" if n < 3 else "possible")
        link(lines[0], address)
    world.personal += ["Quarrymoor", "CO1 9ZQ", "CO4 9ZX"]
    for n in range(3):
        runner = entity(police, "nominal", f"Kestrelhawk {n}", role="runner",
                        date_of_birth=datetime.date(2010, 6, 1), victim_of_exploitation=n == 0)
        link(runner, lines[0], "runs for")
    van = entity(police, "vehicle", "Van", registration="XK19 QZW")
    link(van, lines[1], "used by")
    world.personal += ["Kestrelhawk", "XK19 QZW"]


@pytest.fixture(autouse=True)
def counted_afresh():
    """The public page keeps its figures for a while: each test counts its own database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def harms(partnership) -> Harms:
    assert 3 < suppress_below() <= 11, "the world's small and large counts need another threshold"
    world = Harms(partnership)
    _casework(partnership, world)
    _incidents(world)
    _intelligence(partnership, world)
    return world
