"""Locked-down profiles: another agency asks; the owner's case managers grant until a date or
decline with a reason; the requester's agency sees the full record until that date and the
stub after it. Each step is audited."""

from __future__ import annotations

import datetime

from django.utils import timezone

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.people.models import ProfileAccessRequest

REASON = "Planning a joint safeguarding visit next week"


def ask(world, client_of) -> ProfileAccessRequest:
    sent = client_of("partner-practitioner").post(f"/people/{world.lena.pk}/request-access/",
                                                  {"reason": REASON})
    assert sent.status_code == 302
    return ProfileAccessRequest.objects.get(person=world.lena)


def test_request_grant_full_until_the_date_then_the_stub_again(world, client_of):
    partner = client_of("partner-practitioner")
    asked = ask(world, client_of)
    assert AuditEvent.objects.filter(action="access-requested", object_id=str(world.lena.pk),
                                     reason=REASON).exists()
    assert "has not answered yet" in partner.get(f"/people/{world.lena.pk}/").content.decode()

    owner = client_of("owner-case_manager")
    listing = owner.get("/people/requests/").content.decode()
    assert "Colchester City Council" in listing and f"/people/requests/{asked.pk}/" in listing
    until = timezone.localdate() + datetime.timedelta(days=7)
    answered = owner.post(f"/people/requests/{asked.pk}/", {
        "decision": "grant", "until_day": until.day, "until_month": until.month,
        "until_year": until.year})
    assert answered.status_code == 302
    assert AuditEvent.objects.filter(action="access-granted", object_id=str(world.lena.pk)).exists()

    full = partner.get(f"/people/{world.lena.pk}/").content.decode()
    assert "3 Mill Road" in full and "Request access" not in full
    assert partner.get(f"/api/people/{world.lena.pk}/").json()["full"] is True
    # another partner-agency user sees it too: access is given to the agency
    assert "3 Mill Road" in client_of("partner-case_manager").get(
        f"/people/{world.lena.pk}/").content.decode()

    ProfileAccessRequest.objects.filter(pk=asked.pk).update(
        granted_until=timezone.localdate() - datetime.timedelta(days=1))
    after = partner.get(f"/people/{world.lena.pk}/").content.decode()
    assert "3 Mill Road" not in after and "Request access" in after
    assert partner.get(f"/api/people/{world.lena.pk}/").json()["full"] is False


def test_decline_needs_a_reason_and_is_audited(world, client_of):
    asked = ask(world, client_of)
    owner = client_of("owner-case_manager")
    refused = owner.post(f"/people/requests/{asked.pk}/", {"decision": "decline", "reason": ""})
    assert refused.status_code == 400
    owner.post(f"/people/requests/{asked.pk}/",
               {"decision": "decline", "reason": "A statutory strategy meeting is under way"})
    asked.refresh_from_db()
    assert asked.status == "declined"
    event = AuditEvent.objects.filter(action="update", object_id=str(world.lena.pk)).last()
    assert event.reason.startswith("access declined: A statutory strategy")
    assert "3 Mill Road" not in client_of("partner-practitioner").get(
        f"/people/{world.lena.pk}/").content.decode()


def test_a_grant_must_name_a_last_day(world, client_of):
    asked = ask(world, client_of)
    page = client_of("owner-case_manager").post(f"/people/requests/{asked.pk}/",
                                                {"decision": "grant"})
    assert page.status_code == 400
    asked.refresh_from_db()
    assert asked.status == "pending"


def test_only_the_owners_case_managers_answer(world, client_of):
    asked = ask(world, client_of)
    assert client_of("outsider-case_manager").get(f"/people/requests/{asked.pk}/").status_code == 404
    assert client_of("partner-case_manager").get(f"/people/requests/{asked.pk}/").status_code == 404
    assert client_of("owner-practitioner").get(f"/people/requests/{asked.pk}/").status_code == 403
    assert "Colchester" not in client_of("partner-case_manager").get("/people/requests/").content.decode()


def test_asking_twice_while_waiting_is_refused(world, client_of):
    ask(world, client_of)
    again = client_of("partner-case_manager").post(f"/people/{world.lena.pk}/request-access/",
                                                   {"reason": REASON})
    assert again.status_code == 400
    assert ProfileAccessRequest.objects.count() == 1


def test_the_outsider_cannot_ask_about_a_profile_it_cannot_see(world, client_of):
    page = client_of("outsider-case_manager").post(f"/people/{world.lena.pk}/request-access/",
                                                   {"reason": REASON})
    assert page.status_code == 404
    assert not ProfileAccessRequest.objects.exists()
