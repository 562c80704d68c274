"""The Places pages and API endpoints as each kind of person (columns in ``tests/sweep.py``).
Places are shared partnership knowledge: every member who may read cases, the outsider's case
manager included, may open one; what it shows of cases follows the cases' own rules."""

from __future__ import annotations

import pytest

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.places import services
from tests.apps.cases.conftest import open_case, share
from tests.apps.places.conftest import place_at
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'places/': ('/places/', "302 200 200 403 200 403 403 403"),
    'places/new/': ('/places/new/', "302 200 200 403 200 403 403 403"),
    'places/<id:pk>/': ('/places/{place}/', "302 200 200 403 200 403 403 403"),
    'places/<id:pk>/link/': ('/places/{place}/link/', "302 200 200 403 200 403 403 403"),
    # only the agency that recorded the place changes it; the others read it (so 403, not 404)
    'places/<id:pk>/edit/': ('/places/{place}/edit/', "302 403 403 403 200 403 403 403"),
    # the owner's case managers unlink; an agency that cannot see the case gets 404
    'places/<id:pk>/cases/<id:case_pk>/unlink/': ('/places/{place}/cases/{case}/unlink/',
                                                  "302 404 403 403 200 403 403 403"),
    'api/places/': ('/api/places/', "401 200 200 403 200 403 403 403"),
    'api/places/<id:pk>/': ('/api/places/{place}/', "401 200 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(partnership):
    """A place recorded by the owner, linked to an owner case shared in full with the partner."""
    manager = partnership.user("owner", "case_manager")
    place = place_at(manager)
    case = open_case(manager)
    share(case, partnership.partner)
    services.link_place(get_case_for_user(manager, case.pk), manager, place)
    return {"place": place.pk, "case": case.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)


@pytest.mark.parametrize("path", ["/places/999999/", "/places/999999/link/",
                                  "/places/999999/edit/", "/api/places/999999/"])
def test_a_place_that_does_not_exist_is_not_found_for_everyone_who_may_read_places(
        path, partnership, signed_in_client):
    for user in ("owner-case_manager", "partner-practitioner", "outsider-case_manager"):
        assert signed_in_client(partnership.users[user]).get(path).status_code == 404


def test_unlinking_from_a_case_the_place_is_not_linked_to_or_that_does_not_exist_is_not_found(
        partnership, objects, signed_in_client):
    client = signed_in_client(partnership.user("owner", "case_manager"))
    other = open_case(partnership.user("owner", "case_manager"))
    for path in (f"/places/{objects['place']}/cases/{other.pk}/unlink/",
                 f"/places/{objects['place']}/cases/999999/unlink/",
                 f"/places/999999/cases/{objects['case']}/unlink/"):
        assert client.get(path).status_code == 404, path
