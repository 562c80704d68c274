"""The Case Review pages and API endpoints as each kind of person (columns in
``tests/sweep.py``): the case belongs to the owner agency and is shared in full with the
partner, so the outsider's case manager gets 404 for its complaints and review. The figures
are aggregate: every role may see them."""

from __future__ import annotations

import pytest

from saferplaces.apps.casereview import services
from saferplaces.apps.cases.access import get_case_for_user
from tests.apps.casereview.conftest import store_row
from tests.apps.cases.conftest import add, open_case, person, share
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'case-review/figures/': ('/case-review/figures/', "302 200 200 200 200 200 200 200"),
    'case-review/cases/<id:pk>/complaints/add/': ('/case-review/cases/{case}/complaints/add/', "302 404 200 403 200 403 403 403"),
    'case-review/cases/<id:pk>/explained/': ('/case-review/cases/{case}/explained/', "302 404 200 403 200 403 403 403"),
    'case-review/cases/<id:pk>/link-complainant/': ('/case-review/cases/{case}/link-complainant/', "302 404 200 403 200 403 403 403"),
    'case-review/cases/<id:pk>/links/<id:link>/remove/': ('/case-review/cases/{case}/links/{link}/remove/', "302 404 200 403 200 403 403 403"),
    'case-review/cases/<id:pk>/apply/': ('/case-review/cases/{case}/apply/', "302 404 200 403 200 403 403 403"),
    'case-review/reviews/<id:pk>/': ('/case-review/reviews/{review}/', "302 404 200 403 200 403 403 403"),
    'case-review/reviews/<id:pk>/<slug:stage>/': ('/case-review/reviews/{review}/threshold/', "302 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/complaints/': ('/api/cases/{case}/complaints/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/case-reviews/': ('/api/cases/{case}/case-reviews/', "401 404 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(partnership):
    import datetime

    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    share(case, partnership.partner)
    review = services.apply(get_case_for_user(manager, case.pk), manager,
                            applied_on=datetime.date(2026, 1, 5), channel="telephone")
    resident = person(partnership.owner, "Rita", "Resident", born=datetime.date(1970, 2, 3))
    add(manager, case, resident, "complainant")
    store_row(case, datetime.date(2026, 1, 4), ref="RC-009")
    link = services.link_complainant(get_case_for_user(manager, case.pk), manager,
                                     person_id=resident.pk, source="council-asb",
                                     reference="RC-009")
    return {"case": case.pk, "review": review.pk, "link": link.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)
