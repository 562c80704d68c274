"""Who sees what of a person: the owner and a partner working the person's case see the full
record; an outsider gets 404; a locked-down profile shows others only the stub; break-glass
opens an ordinary record but never a locked-down one; every read is audited."""

from __future__ import annotations

from saferplaces.apps.agencies import breakglass
from saferplaces.apps.audit.models import AuditEvent

REASON = "Urgent welfare check after a 999 call tonight"


def reads(person) -> int:
    return AuditEvent.objects.filter(object_type="person", object_id=str(person.pk),
                                     action="view").count()


def test_owner_case_manager_sees_the_full_record_with_its_cases_and_who_has_seen_it(world, client_of):
    page = client_of("owner-case_manager").get(f"/people/{world.john.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "John Smith" in html and "Johnny Smith" in html and "12 High Street" in html
    assert "(adult)" in html and "ASB-1" in html and "victim" in html
    assert "Who has seen this record" in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_a_child_is_shown_as_a_child_from_the_date_of_birth(world, client_of):
    page = client_of("owner-case_manager").get(f"/people/{world.lena.pk}/")
    assert "(child)" in page.content.decode()


def test_partner_working_the_case_sees_the_full_record_but_not_who_has_seen_it(world, client_of):
    page = client_of("partner-practitioner").get(f"/people/{world.john.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "12 High Street" in html and "ASB-1" in html
    assert "Who has seen this record" not in html


def test_partner_without_a_shared_case_gets_404_for_the_owners_other_people(world, client_of):
    client = client_of("partner-practitioner")
    assert client.get(f"/people/{world.mary.pk}/").status_code == 404
    assert client.get(f"/api/people/{world.mary.pk}/").status_code == 404


def test_a_limited_share_does_not_open_its_parties(world, client_of):
    client = client_of("partner-practitioner")
    assert client.get(f"/people/{world.limited.pk}/").status_code == 404
    assert "Lee Limited" not in client.get("/people/").content.decode()


def test_outsider_gets_404_for_every_person_and_an_empty_list(world, client_of):
    client = client_of("outsider-case_manager")
    for person in (world.john, world.mary, world.lena, world.cora):
        assert client.get(f"/people/{person.pk}/").status_code == 404
        assert client.get(f"/people/{person.pk}/edit/").status_code == 404
    listing = client.get("/people/").content.decode()
    assert "Smith" not in listing and "Locke" not in listing


def test_members_without_cases_view_are_refused(world, client_of):
    for username in ("owner-viewer", "owner-analyst", "owner-administrator"):
        assert client_of(username).get(f"/people/{world.john.pk}/").status_code == 403


def test_locked_down_profile_shows_the_partner_only_the_stub(world, client_of):
    page = client_of("partner-practitioner").get(f"/people/{world.lena.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lena Locke" in html and "Essex Police" in html and "Colchester City Council" in html
    assert "Request access" in html
    assert "3 Mill Road" not in html and "2010" not in html and "ASB-1" not in html


def test_locked_down_profile_is_full_for_its_owner(world, client_of):
    html = client_of("owner-practitioner").get(f"/people/{world.lena.pk}/").content.decode()
    assert "3 Mill Road" in html and "Request access" not in html


def test_break_glass_opens_an_ordinary_record_but_not_a_locked_down_one(world, client_of, partnership):
    outsider = partnership.user("outsider", "case_manager")
    client = client_of("outsider-case_manager")
    breakglass.break_glass(outsider, "person", str(world.mary.pk), REASON)
    breakglass.break_glass(outsider, "person", str(world.lena.pk), REASON)
    ordinary = client.get(f"/people/{world.mary.pk}/").content.decode()
    assert "Mary Jones" in ordinary and "1 June 1985" in ordinary
    locked = client.get(f"/people/{world.lena.pk}/").content.decode()
    assert "Lena Locke" in locked and "Request access" in locked and "3 Mill Road" not in locked
    # break-glass is for reading: it does not let the outsider change the record
    assert client.get(f"/people/{world.mary.pk}/edit/").status_code == 403


def test_every_read_is_audited_full_and_stub(world, client_of):
    before_john, before_lena = reads(world.john), reads(world.lena)
    client_of("partner-practitioner").get(f"/people/{world.john.pk}/")
    client_of("partner-practitioner").get(f"/people/{world.lena.pk}/")
    assert reads(world.john) == before_john + 1
    assert reads(world.lena) == before_lena + 1
    stub_read = AuditEvent.objects.filter(object_id=str(world.lena.pk), action="view").last()
    assert stub_read.reason == "locked-down view" and stub_read.agency_name == "Colchester City Council"


def test_the_list_is_audited_and_shows_locked_down_people_by_name_only(world, client_of):
    page = client_of("partner-practitioner").get("/people/")
    html = page.content.decode()
    assert "Lena Locke" in html and "Locked down" in html
    assert "John Smith" in html and "Mary Jones" not in html
    assert AuditEvent.objects.filter(object_type="person-list", username="partner-practitioner").exists()


def test_a_person_page_url_holds_only_the_number(world):
    from django.urls import reverse

    assert reverse("people:person", args=[world.john.pk]) == f"/people/{world.john.pk}/"
