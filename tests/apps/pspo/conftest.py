"""Orders for the PSPO tests, made through the services."""

from __future__ import annotations

import datetime

from saferplaces.apps.pspo import services
from saferplaces.apps.pspo.geometry import parse_geometry
from saferplaces.apps.pspo.models import Consultee

#: A small zone in Colchester town centre (WGS84).
ZONE = {"type": "Polygon", "coordinates": [[[0.8990, 51.8880], [0.9040, 51.8880],
                                            [0.9040, 51.8910], [0.8990, 51.8910],
                                            [0.8990, 51.8880]]]}


def consult_everyone(user, order, day):
    for consultee in Consultee.values:
        services.add_consultation(user, order, consultee=consultee, consulted_on=day)


def made_order(user, *, made=datetime.date(2024, 1, 1), expires=datetime.date(2026, 12, 31)):
    """An order owned by ``user``'s agency, with a zone, everyone consulted, made."""
    order = services.create_order(user, title="Town centre PSPO", made=made, expires=expires,
                                  terms=["alcohol-when-asked", "aggressive-begging"])
    services.add_zones(user, order, [parse_geometry(ZONE, name="Town centre")])
    consult_everyone(user, order, made - datetime.timedelta(days=30))
    return services.make_order(user, order, today=made)  # made on its made date
