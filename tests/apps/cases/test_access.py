"""Who sees a case, in the page and the API: the owner agency and a full share see it all; a
limited share sees only that it exists, its type, status, owner and lead officer; an outsider
agency gets 404 (no hint it exists) until it breaks the glass with a reason; a viewer gets 403.
Every read is audited."""

from __future__ import annotations

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, ShareLevel
from saferplaces.apps.cases.services import add_note

WHY = "Child reported missing overnight; checking for known associates"


def page(client, case):
    return client.get(f"/cases/{case.pk}/")


def api(client, case, part=""):
    return client.get(f"/api/cases/{case.pk}/{part}")


def test_the_owner_sees_the_case_its_parties_and_who_has_seen_it(world, signed_in_client):
    response = page(signed_in_client(world.owner_manager), world.case)
    html = response.content.decode()
    assert response.status_code == 200
    assert world.case.reference in html and "Alex Adult" in html
    assert 'id="who-has-seen-title"' in html


def test_a_partner_case_manager_does_not_see_who_has_seen_the_case(world, signed_in_client):
    html = page(signed_in_client(world.partner_manager), world.case).content.decode()
    assert "Alex Adult" in html and 'id="who-has-seen-title"' not in html


def test_a_partner_with_a_full_share_sees_parties_and_incidents_but_not_edit_links(
        world, signed_in_client):
    client = signed_in_client(world.partner_practitioner)
    html = page(client, world.case).content.decode()
    assert "Alex Adult" in html and 'id="timeline"' in html
    assert f"/cases/{world.case.pk}/edit/" not in html
    detail = api(client, world.case).json()
    assert detail["full"] is True and [p["name"] for p in detail["parties"]] == ["Alex Adult"]


def test_a_partner_with_a_limited_share_sees_only_that_the_case_exists(world, signed_in_client):
    CaseShare.objects.filter(case=world.case).update(level=ShareLevel.LIMITED)
    add_note(get_case_for_user(world.owner_manager, world.case.pk), world.owner_manager,
             text="Shared note about the estate", visibility="shared")
    client = signed_in_client(world.partner_practitioner)
    html = page(client, world.case).content.decode()
    assert world.case.reference in html and 'id="limited"' in html
    for hidden in ("Alex Adult", "Shared note", world.case.title, 'id="timeline"'):
        assert hidden not in html
    detail = api(client, world.case).json()
    assert detail["full"] is False and detail["title"] is None
    assert detail["parties"] == detail["notes"] == detail["timeline"] == []
    assert api(client, world.case, "parties/").json() == []
    assert api(client, world.case, "notes/").json() == []
    assert client.get(f"/cases/{world.case.pk}/parties/add/").status_code == 403


def test_an_outsider_gets_404_until_it_breaks_the_glass_with_a_reason(world, signed_in_client):
    client = signed_in_client(world.outsider_manager)
    assert page(client, world.case).status_code == 404
    assert api(client, world.case).status_code == 404
    assert api(client, world.case, "notes/").status_code == 404
    assert world.case.reference not in client.get("/cases/").content.decode()
    assert all(row["id"] != world.case.pk for row in client.get("/api/cases/").json())
    refused = client.post(f"/break-glass/case/{world.case.pk}/", {"reason": "need it"})
    assert refused.status_code == 400 and page(client, world.case).status_code == 404
    opened = client.post(f"/break-glass/case/{world.case.pk}/", {"reason": WHY})
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{world.case.pk}/"
    html = page(client, world.case).content.decode()
    assert "break-glass access" in html and "Alex Adult" in html
    # break-glass is for reading: no adding to the case
    assert client.get(f"/cases/{world.case.pk}/notes/add/").status_code == 403
    assert AuditEvent.objects.filter(action="break-glass", object_type="case",
                                     object_id=str(world.case.pk), reason=WHY).exists()


@pytest.mark.parametrize("role", ["viewer", "analyst", "administrator"])
def test_members_without_cases_view_get_403(world, signed_in_client, partnership, role):
    client = signed_in_client(partnership.user("owner", role))
    assert page(client, world.case).status_code == 403
    assert api(client, world.case).status_code == 403
    assert client.get("/cases/").status_code == 403


def test_every_read_of_a_case_is_audited(world, signed_in_client):
    client = signed_in_client(world.partner_practitioner)
    before = AuditEvent.objects.filter(action="view", object_type="case").count()
    page(client, world.case)
    api(client, world.case)
    api(client, world.case, "parties/")
    events = AuditEvent.objects.filter(action="view", object_type="case",
                                       object_id=str(world.case.pk))
    assert events.count() == before + 3
    assert set(events.values_list("username", flat=True)) == {"partner-practitioner"}


def test_the_list_shows_reference_type_status_owner_and_filters_by_type(world, signed_in_client):
    client = signed_in_client(world.partner_practitioner)
    html = client.get("/cases/").content.decode()
    assert world.case.reference in html and "Repeat anti-social behaviour" in html
    assert "Essex Police" in html
    assert world.case.reference not in client.get("/cases/?case_type=hate").content.decode()
    assert world.case.reference in client.get("/cases/?status=open").content.decode()
    assert [row["reference"] for row in client.get("/api/cases/?type=repeat-asb").json()] == [
        world.case.reference]


def test_an_ended_share_ends_the_partners_access(world, signed_in_client):
    client = signed_in_client(world.owner_manager)
    share = CaseShare.objects.get(case=world.case)
    response = client.post(f"/cases/{world.case.pk}/shares/{share.pk}/end/")
    assert response.status_code == 302
    assert page(signed_in_client(world.partner_practitioner), world.case).status_code == 404
