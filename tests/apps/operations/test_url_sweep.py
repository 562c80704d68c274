"""The operations pages and API endpoints as each kind of person (columns in ``tests/sweep.py``):
the operation is led by the owner agency with the partner agency; the outsider agency takes no
part, so it gets 404 for the operation and everything of it."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.apps.operations import services
from tests.apps.cases.conftest import open_case, share
from tests.apps.operations.conftest import access_of
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'operations/': ('/operations/', "302 200 200 200 200 200 200 200"),
    'operations/new/': ('/operations/new/', "302 200 200 403 200 200 403 403"),
    'operations/<id:pk>/': ('/operations/{operation}/', "302 404 200 200 200 200 200 404"),
    'operations/<id:pk>/edit/': ('/operations/{operation}/edit/', "302 404 403 403 200 200 403 403"),
    'operations/<id:pk>/activity/': ('/operations/{operation}/activity/', "302 405 405 403 405 405 403 403"),
    'operations/<id:pk>/legacy-actions/': ('/operations/{operation}/legacy-actions/', "302 405 405 403 405 405 403 403"),
    'operations/legacy-actions/<id:pk>/': ('/operations/legacy-actions/{legacy}/', "302 404 200 403 200 200 403 403"),
    'operations/<id:pk>/cases/': ('/operations/{operation}/cases/', "302 405 405 403 405 405 403 403"),
    'operations/<id:pk>/cases/<id:case_pk>/unlink/': ('/operations/{operation}/cases/{case}/unlink/', "302 405 405 403 405 405 403 403"),
    'operations/cases/<id:case_pk>/link/': ('/operations/cases/{case}/link/', "302 405 405 403 405 405 403 403"),
    'operations/<id:pk>/impact/': ('/operations/{operation}/impact/', "302 404 200 200 200 200 200 404"),
    'operations/<id:pk>/comparison/': ('/operations/{operation}/comparison/', "302 405 405 403 405 405 403 403"),
    'operations/^(?P<pk>[0-9]{1,18})/result\\.(?P<fmt>html|pdf)$': ('/operations/{operation}/result.html', "302 404 200 200 200 200 200 404"),
    'operations/street-weeks/': ('/operations/street-weeks/', "302 200 200 200 200 200 200 200"),
    'operations/street-weeks/exclusions/': ('/operations/street-weeks/exclusions/', "302 405 405 403 405 405 403 403"),
    'operations/street-weeks/exclusions/<id:pk>/lift/': ('/operations/street-weeks/exclusions/{exclusion}/lift/', "302 405 405 403 405 405 403 403"),
    'api/operations/': ('/api/operations/', "401 200 200 200 200 200 200 200"),
    'api/operations/<id:pk>/': ('/api/operations/{operation}/', "401 404 200 200 200 200 200 404"),
    'api/operations/<id:pk>/activity/': ('/api/operations/{operation}/activity/', "401 405 405 403 405 405 403 403"),
    'api/operations/<id:pk>/impact/': ('/api/operations/{operation}/impact/', "401 404 409 409 409 409 409 404"),
}


@pytest.fixture
def objects(world, partnership):
    lead = world.lead
    case = open_case(partnership.user("owner", "case_manager"))
    share(case, partnership.partner)
    services.link_case(access_of(lead, world.operation), lead, case.pk)
    legacy = services.add_legacy_action(access_of(lead, world.operation), lead,
                                        description="Alley gated",
                                        owner_agency_id=partnership.owner.pk)
    exclusion = services.add_exclusion(lead, area=world.operation.areas.get(),
                                       reason="Roadworks", until=datetime.date(2099, 1, 1))
    return {"operation": world.operation.pk, "legacy": legacy.pk, "case": case.pk,
            "exclusion": exclusion.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)


def test_the_one_page_result_comes_as_a_pdf(partnership, objects, signed_in_client):
    client = signed_in_client(partnership.user("partner", "practitioner"))
    response = client.get(f"/operations/{objects['operation']}/result.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
