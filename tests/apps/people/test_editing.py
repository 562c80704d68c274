"""Changing a person: details with optimistic locking (a save from an old version saves nothing
and shows both), other names, addresses (history kept), consent (history kept), restrictions
(owner case managers only). Every change is audited by field name, never value."""

from __future__ import annotations

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.people.models import Person


def details(person: Person, **changes: str) -> dict:
    data = {"given_name": person.given_name, "family_name": person.family_name,
            "gender": person.gender, "version": str(person.version),
            "date_of_birth_day": str(person.date_of_birth.day),
            "date_of_birth_month": str(person.date_of_birth.month),
            "date_of_birth_year": str(person.date_of_birth.year)}
    data.update(changes)
    return data


def test_an_edit_is_saved_and_audited_by_field_name(world, client_of):
    saved = client_of("partner-practitioner").post(f"/people/{world.john.pk}/edit/",
                                                   details(world.john, phone="01206 000000"))
    assert saved.status_code == 302
    world.john.refresh_from_db()
    assert world.john.phone == "01206 000000" and world.john.version == 2
    event = AuditEvent.objects.filter(action="update", object_id=str(world.john.pk)).get()
    assert event.changed_fields == ["phone"] and "01206" not in event.reason


def test_two_people_editing_at_once_the_second_save_is_refused_and_shows_both(world, client_of):
    first, second = client_of("owner-case_manager"), client_of("partner-practitioner")
    opened = details(world.john)  # both opened version 1
    assert first.post(f"/people/{world.john.pk}/edit/",
                      {**opened, "notes": "Moved in with his sister"}).status_code == 302
    clash = second.post(f"/people/{world.john.pk}/edit/", {**opened, "notes": "Works nights"})
    html = clash.content.decode()
    assert clash.status_code == 409
    assert "Someone else changed this record" in html
    assert "Moved in with his sister" in html and "Works nights" in html
    world.john.refresh_from_db()
    assert world.john.notes == "Moved in with his sister" and world.john.version == 2
    # saving again from the form shown (now naming version 2) is a deliberate overwrite
    assert 'name="version" value="2"' in html


def test_other_names_addresses_and_consent_keep_their_history(world, client_of):
    client = client_of("owner-practitioner")
    pk = world.john.pk
    assert client.post(f"/people/{pk}/aliases/add/", {"name": "J Smith"}).status_code == 302
    old = world.john.addresses.get()
    assert client.post(f"/people/{pk}/addresses/add/", {
        "text": "4 Castle Road", "postcode": "co1 2zz", "since_day": "1", "since_month": "5",
        "since_year": "2024", "current": "on"}).status_code == 302
    old.refresh_from_db()
    assert str(old.until) == "2024-05-01"
    assert world.john.addresses.filter(until__isnull=True).get().postcode == "CO1 2ZZ"
    for status, day in (("refused", "1"), ("given", "3")):
        assert client.post(f"/people/{pk}/consent/", {
            "status": status, "recorded_on_day": day, "recorded_on_month": "6",
            "recorded_on_year": "2024", "note": "Asked at home"}).status_code == 302
    assert list(world.john.consents.values_list("status", flat=True)) == ["given", "refused"]
    page = client.get(f"/people/{pk}/").content.decode()
    assert "J Smith" in page and "4 Castle Road" in page and "12 High Street" in page
    fields = AuditEvent.objects.filter(action="update", object_id=str(pk)) \
        .values_list("changed_fields", flat=True)
    assert sorted(f[0] for f in fields) == ["addresses", "aliases", "consents", "consents"]


def test_closing_an_address(world, client_of):
    address = world.john.addresses.get()
    assert client_of("owner-practitioner").post(
        f"/people/{world.john.pk}/addresses/{address.pk}/close/", {}).status_code == 302
    address.refresh_from_db()
    assert address.until is not None


def test_restrictions_are_for_the_owners_case_managers(world, client_of):
    assert client_of("owner-practitioner").get(
        f"/people/{world.john.pk}/restrictions/").status_code == 403
    assert client_of("partner-case_manager").get(
        f"/people/{world.john.pk}/restrictions/").status_code == 403
    saved = client_of("owner-case_manager").post(f"/people/{world.john.pk}/restrictions/", {
        "locked_down": "on", "confidential_address": "on", "version": "1"})
    assert saved.status_code == 302
    world.john.refresh_from_db()
    assert world.john.locked_down and world.john.confidential_address
    event = AuditEvent.objects.filter(action="update", object_id=str(world.john.pk)).get()
    assert event.changed_fields == ["confidential_address", "locked_down"]
    stub = client_of("partner-practitioner").get(f"/people/{world.john.pk}/").content.decode()
    assert "Request access" in stub and "12 High Street" not in stub


def test_restrictions_from_an_old_version_save_nothing(world, client_of):
    world.john.version = 5
    world.john.save()
    page = client_of("owner-case_manager").post(f"/people/{world.john.pk}/restrictions/", {
        "locked_down": "on", "version": "1"})
    assert page.status_code == 409
    world.john.refresh_from_db()
    assert not world.john.locked_down


def test_a_partner_sees_a_locked_down_stub_and_cannot_change_it(world, client_of):
    client = client_of("partner-practitioner")
    assert client.get(f"/people/{world.lena.pk}/edit/").status_code == 403
    assert client.post(f"/people/{world.lena.pk}/aliases/add/", {"name": "X"}).status_code == 403
    assert not world.lena.aliases.exists()
