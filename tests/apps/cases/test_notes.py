"""Notes: a shared note reaches every agency with a full share; an owner-only note, and the
timeline entry about it, reach the owner agency alone: never a partner's page, API or
timeline."""

from __future__ import annotations

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Note, TimelineEntry

SECRET = "Informant says the tenant at number 4 is being exploited"
SHARED = "Council to check the tenancy conditions this week"


def write(client, case, text, visibility):
    return client.post(f"/cases/{case.pk}/notes/add/", {"text": text, "visibility": visibility})


def test_an_owner_only_note_never_reaches_a_partner(world, signed_in_client):
    owner = signed_in_client(world.owner_manager)
    assert write(owner, world.case, SECRET, "owner").status_code == 302
    assert write(owner, world.case, SHARED, "shared").status_code == 302
    partner = signed_in_client(world.partner_practitioner)
    html = partner.get(f"/cases/{world.case.pk}/").content.decode()
    assert SHARED in html and SECRET not in html and "Owner-only note" not in html
    notes = partner.get(f"/api/cases/{world.case.pk}/notes/").json()
    assert [n["text"] for n in notes] == [SHARED]
    detail = partner.get(f"/api/cases/{world.case.pk}/").json()
    assert [n["text"] for n in detail["notes"]] == [SHARED]
    assert not any("Owner-only" in entry["text"] for entry in detail["timeline"])
    assert SECRET not in str(detail)
    # the owner sees both, and the timeline says a note was added, never what it says
    mine = owner.get(f"/cases/{world.case.pk}/").content.decode()
    assert SECRET in mine and SHARED in mine and "Owner-only note added" in mine
    assert not TimelineEntry.objects.filter(text__contains="tenant").exists()


def test_a_partner_cannot_write_an_owner_only_note(world, signed_in_client):
    partner = signed_in_client(world.partner_practitioner)
    response = write(partner, world.case, SECRET, "owner")
    assert response.status_code == 400 and not Note.objects.exists()
    api = partner.post(f"/api/cases/{world.case.pk}/notes/",
                       {"text": SECRET, "visibility": "owner"}, content_type="application/json")
    assert api.status_code == 400 and not Note.objects.exists()
    assert write(partner, world.case, SHARED, "shared").status_code == 302
    assert Note.objects.get().agency == world.partner_practitioner.membership.agency


def test_a_limited_share_reads_no_notes_at_all(world, signed_in_client):
    from saferplaces.apps.cases.models import CaseShare

    CaseShare.objects.filter(case=world.case).update(level="limited")
    write(signed_in_client(world.owner_manager), world.case, SHARED, "shared")
    access = get_case_for_user(world.partner_practitioner, world.case.pk)
    assert list(access.notes()) == [] and list(access.timeline()) == []
