"""A confidential address appears in no page, list, form or API answer for anyone, in the
raw bytes, until one of the owner agency's case managers reveals it with a reason; the reveal
is audited with the reason and shows the address in that response only."""

from __future__ import annotations

import pytest

from saferplaces.apps.agencies import breakglass
from saferplaces.apps.audit.models import AuditEvent
from tests.apps.people.conftest import SECRET_ADDRESS, SECRET_POSTCODE
from tests.sweep import ACTORS

SECRETS = (SECRET_ADDRESS.encode(), SECRET_POSTCODE.encode(), b"Secret", b"CO9")


def pages(pk: int) -> list[str]:
    return [f"/people/{pk}/", "/people/", f"/people/{pk}/edit/", f"/people/{pk}/aliases/add/",
            f"/people/{pk}/consent/", f"/people/{pk}/restrictions/", f"/people/{pk}/merge/",
            f"/people/{pk}/addresses/add/", f"/api/people/{pk}/", "/api/people/",
            "/api/people/?format=json", "/people/requests/", "/people/merges/"]


def assert_hidden(content: bytes) -> None:
    for secret in SECRETS:
        assert secret not in content


@pytest.mark.parametrize("actor", [name for name in ACTORS.values() if name]
                         + ["owner-practitioner", "owner-coordinator", "partner-case_manager"])
def test_no_one_sees_the_confidential_address_on_any_page_or_api(world, client_of, actor):
    client = client_of(actor)
    for path in pages(world.cora.pk):
        assert_hidden(client.get(path).content)


def test_nor_after_breaking_the_glass(world, client_of, partnership):
    breakglass.break_glass(partnership.user("outsider", "case_manager"), "person",
                           str(world.cora.pk), "Missing person enquiry tonight, urgent")
    client = client_of("outsider-case_manager")
    page = client.get(f"/people/{world.cora.pk}/")
    assert page.status_code == 200 and b"Cora Hidden" in page.content
    assert_hidden(page.content)
    assert_hidden(client.get(f"/api/people/{world.cora.pk}/").content)


def test_the_api_says_the_address_is_withheld(world, client_of):
    data = client_of("owner-case_manager").get(f"/api/people/{world.cora.pk}/").json()
    assert data["addresses"] is None and data["address_withheld"] is True


def test_owner_case_manager_reveals_it_with_a_reason_once_and_it_is_audited(world, client_of):
    client = client_of("owner-case_manager")
    reason = "Serving a court order at her current address"
    shown = client.post(f"/people/{world.cora.pk}/reveal-address/", {"reason": reason})
    assert shown.status_code == 200
    assert SECRET_ADDRESS.encode() in shown.content and SECRET_POSTCODE.encode() in shown.content
    event = AuditEvent.objects.filter(object_type="person", object_id=str(world.cora.pk),
                                      reason=reason).get()
    assert event.action == "view" and event.changed_fields == ["addresses"]
    assert event.username == "owner-case_manager"
    # the next page view hides it again
    assert_hidden(client.get(f"/people/{world.cora.pk}/").content)


def test_a_reveal_without_a_real_reason_shows_nothing(world, client_of):
    page = client_of("owner-case_manager").post(f"/people/{world.cora.pk}/reveal-address/",
                                                {"reason": "x"})
    assert page.status_code == 400
    assert_hidden(page.content)


@pytest.mark.parametrize("actor", ["owner-practitioner", "partner-case_manager",
                                   "outsider-case_manager"])
def test_nobody_else_may_reveal_it(world, client_of, actor):
    page = client_of(actor).post(f"/people/{world.cora.pk}/reveal-address/",
                                 {"reason": "I would like to see it please"})
    assert page.status_code in (403, 404)
    assert_hidden(page.content)


def test_a_practitioner_may_not_change_a_confidential_address(world, client_of):
    client = client_of("owner-practitioner")
    assert client.get(f"/people/{world.cora.pk}/addresses/add/").status_code == 403
    address = world.cora.addresses.get()
    assert client.get(f"/people/{world.cora.pk}/addresses/{address.pk}/close/").status_code == 403
