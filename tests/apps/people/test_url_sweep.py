"""The people pages and API as each kind of person (columns in ``tests/sweep.py``): the
partner reaches a person through a case shared with it in full, the outsider gets 404 for
every person, members without ``cases.view`` 403. POST-only views answer a GET with 405 after
the capability check, so the sweep changes nothing.
"""

from __future__ import annotations

import pytest

from saferplaces.apps.people.access import get_person_for_user
from saferplaces.apps.people.merging import merge_people
from saferplaces.apps.people.models import ProfileAccessRequest
from tests.apps.people.conftest import make_person
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'people/': ('/people/', "302 200 200 403 200 403 403 403"),
    'people/new/': ('/people/new/', "302 200 200 403 200 403 403 403"),
    'people/request-access/': ('/people/request-access/', "302 405 405 403 405 403 403 403"),
    'people/requests/': ('/people/requests/', "302 200 403 403 200 403 403 403"),
    'people/requests/<id:pk>/': ('/people/requests/{request}/', "302 404 403 403 200 403 403 403"),
    'people/merges/': ('/people/merges/', "302 403 403 403 403 403 200 200"),
    'people/merges/<id:pk>/': ('/people/merges/{merge}/', "302 403 403 403 403 403 200 200"),
    'people/<id:pk>/': ('/people/{person}/', "302 404 200 403 200 403 403 403"),
    'people/<id:pk>/reveal-address/': ('/people/{confidential}/reveal-address/', "302 405 403 403 405 403 403 403"),
    'people/<id:pk>/edit/': ('/people/{person}/edit/', "302 404 200 403 200 403 403 403"),
    'people/<id:pk>/aliases/add/': ('/people/{person}/aliases/add/', "302 404 200 403 200 403 403 403"),
    'people/<id:pk>/addresses/add/': ('/people/{person}/addresses/add/', "302 404 200 403 200 403 403 403"),
    'people/<id:pk>/addresses/<id:address_id>/close/': ('/people/{person}/addresses/{address}/close/', "302 404 200 403 200 403 403 403"),
    'people/<id:pk>/consent/': ('/people/{person}/consent/', "302 404 403 403 200 403 403 403"),
    'people/<id:pk>/restrictions/': ('/people/{person}/restrictions/', "302 404 403 403 200 403 403 403"),
    'people/<id:pk>/request-access/': ('/people/{locked}/request-access/', "302 404 200 403 302 403 403 403"),
    'people/<id:pk>/merge/': ('/people/{person}/merge/', "302 404 403 403 200 403 403 403"),
    'api/people/': ('/api/people/', "401 200 200 403 200 403 403 403"),
    'api/people/<id:pk>/': ('/api/people/{person}/', "401 404 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(world):
    partnership = world.partnership
    manager = partnership.user("owner", "case_manager")
    asked = ProfileAccessRequest.objects.create(
        person=world.lena, agency=partnership.partner,
        requested_by=partnership.user("partner", "practitioner"), reason="Safeguarding visit")
    one = make_person(partnership.owner, "Sam", "Twice")
    two = make_person(partnership.owner, "Sam", "Twice")
    merge = merge_people(manager, get_person_for_user(manager, one.pk),
                         get_person_for_user(manager, two.pk), {})
    return {"person": world.john.pk, "address": world.john.addresses.get().pk,
            "confidential": world.cora.pk, "locked": world.lena.pk, "request": asked.pk,
            "merge": merge.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)
