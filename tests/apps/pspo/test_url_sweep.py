"""The PSPO pages and API endpoints as each kind of person (columns in ``tests/sweep.py``).
Orders are public documents: every member reads them (the outsider too). Changing one is for
the owner agency (others 403). Breaches name people: the outsider, with whom the order is not
shared, gets 404."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.apps.pspo import services
from tests.apps.pspo.conftest import made_order
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'pspo/': ('/pspo/', "302 200 200 200 200 200 200 200"),
    'pspo/new/': ('/pspo/new/', "302 200 200 403 200 403 403 403"),
    'pspo/<id:pk>/': ('/pspo/{order}/', "302 200 200 200 200 200 200 200"),
    'pspo/<id:pk>/make/': ('/pspo/{order}/make/', "302 405 405 403 405 403 403 403"),
    'pspo/<id:pk>/zones/draw/': ('/pspo/{order}/zones/draw/', "302 403 403 403 200 403 403 403"),
    'pspo/<id:pk>/zones/import/': ('/pspo/{order}/zones/import/', "302 403 403 403 200 403 403 403"),
    'pspo/<id:pk>/consultation/': ('/pspo/{order}/consultation/', "302 403 403 403 200 403 403 403"),
    'pspo/<id:pk>/extend/': ('/pspo/{order}/extend/', "302 403 403 403 200 403 403 403"),
    'pspo/<id:pk>/share/': ('/pspo/{order}/share/', "302 403 403 403 200 403 403 403"),
    'pspo/<id:pk>/evidence/': ('/pspo/{order}/evidence/', "302 200 200 200 200 200 200 200"),
    'pspo/<id:pk>/breaches/': ('/pspo/{order}/breaches/', "302 404 200 403 200 403 403 403"),
    'pspo/<id:pk>/breaches/new/': ('/pspo/{order}/breaches/new/', "302 404 200 403 200 403 403 403"),
    'pspo/<id:pk>/breaches/<id:breach_pk>/': ('/pspo/{order}/breaches/{breach}/', "302 404 200 403 200 403 403 403"),
    'api/pspo/orders/': ('/api/pspo/orders/', "401 200 200 200 200 200 200 200"),
    'api/pspo/orders/<id:pk>/': ('/api/pspo/orders/{order}/', "401 200 200 200 200 200 200 200"),
    'api/pspo/orders/<id:pk>/breaches/': ('/api/pspo/orders/{order}/breaches/', "401 404 200 403 200 403 403 403"),
}


@pytest.fixture
def objects(partnership):
    """An order made by the owner, shared with the partner, with one breach."""
    officer = partnership.user("owner", "case_manager")
    order = made_order(officer)
    services.share_order(officer, order, partnership.partner)
    breach = services.record_breach(officer, order, term=order.terms.first(),
                                    occurred_on=datetime.date(2024, 3, 1), person_name="A Person")
    return {"order": order.pk, "breach": breach.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)


def test_an_outsider_never_sees_a_breach_and_a_partner_it_is_shared_with_does(
        partnership, objects, signed_in_client):
    outsider = signed_in_client(partnership.user("outsider", "case_manager"))
    partner = signed_in_client(partnership.user("partner", "practitioner"))
    order_page = outsider.get(f"/pspo/{objects['order']}/")
    assert order_page.status_code == 200 and b"A Person" not in order_page.content
    assert b"breaches-link" not in order_page.content
    assert outsider.get(f"/api/pspo/orders/{objects['order']}/breaches/").status_code == 404
    assert b"A Person" in partner.get(f"/pspo/{objects['order']}/breaches/").content
