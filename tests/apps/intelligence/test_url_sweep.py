"""The intelligence pages and API endpoints as each kind of person (columns in
``tests/sweep.py``): nobody in the sweep holds the intelligence flag, so every one of them gets
404 (never 403, which would say the record exists), anonymous visitors the sign-in page (401 on
the API). A holder of the flag gets the page (``test_a_holder_of_the_flag_gets_every_page``)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.partnership import sign_in
from tests.sweep import check

NONE = "302 404 404 404 404 404 404 404"
NONE_API = "401 404 404 404 404 404 404 404"

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'intelligence/': ('/intelligence/', NONE),
    'intelligence/reviews/': ('/intelligence/reviews/', NONE),
    'intelligence/retention/': ('/intelligence/retention/', NONE),
    'intelligence/alerts/': ('/intelligence/alerts/', NONE),
    'intelligence/kinds/<slug:kind>/': ('/intelligence/kinds/nominal/', NONE),
    'intelligence/kinds/<slug:kind>/new/': ('/intelligence/kinds/address/new/', NONE),
    'intelligence/entities/<id:pk>/': ('/intelligence/entities/{runner}/', NONE),
    'intelligence/entities/<id:pk>/edit/': ('/intelligence/entities/{runner}/edit/', NONE),
    'intelligence/entities/<id:pk>/links/new/': ('/intelligence/entities/{runner}/links/new/', NONE),
    'intelligence/entities/<id:pk>/review/': ('/intelligence/entities/{runner}/review/', NONE),
    'intelligence/entities/<id:pk>/safeguarding/': ('/intelligence/entities/{runner}/safeguarding/', NONE),
    'intelligence/entities/<id:pk>/retention/': ('/intelligence/entities/{runner}/retention/', NONE),
    'intelligence/entities/<id:pk>/export/': ('/intelligence/entities/{runner}/export/', NONE),
    'intelligence/links/<id:pk>/edit/': ('/intelligence/links/{link}/edit/', NONE),
    'intelligence/links/<id:pk>/review/': ('/intelligence/links/{link}/review/', NONE),
    'intelligence/network/': ('/intelligence/network/', NONE),
    'intelligence/network/data.json': ('/intelligence/network/data.json', NONE),
    'api/intelligence/entities/': ('/api/intelligence/entities/', NONE_API),
    'api/intelligence/entities/<id:pk>/': ('/api/intelligence/entities/{runner}/', NONE_API),
    'api/intelligence/links/': ('/api/intelligence/links/', NONE_API),
    'api/intelligence/links/<id:pk>/': ('/api/intelligence/links/{link}/', NONE_API),
}

#: The routes above that belong to this app's core (the network helper's rows are its own).
CORE = sorted(route for route in SWEEP if "network" not in route)


@pytest.fixture
def objects(intel):
    return {"runner": intel.runner.pk, "link": intel.runner_uses.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)


def test_a_holder_of_the_flag_gets_every_page(intel, objects):
    client = sign_in(Client(), intel.analyst)
    for route in CORE:
        path = SWEEP[route][0].format(**objects)
        assert client.get(path).status_code == 200, path
