"""Merging two records of one person held by one agency, choosing each differing value; and an
administrator undoing it, which puts both records back as they were."""

from __future__ import annotations

import datetime

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Party
from saferplaces.apps.people.models import Consent, Person, PersonMerge
from tests.apps.people.conftest import make_person


def twin_records(world):
    owner = world.partnership.owner
    kept = make_person(owner, "Jon", "Smyth", born=datetime.date(1990, 3, 4), phone="07000 111111",
                       address="9 Hythe Quay", postcode="CO2 8JB", aliases=("Jonny",))
    Consent.objects.create(person=world.john, status="given", recorded_on=datetime.date(2024, 1, 1))
    Party.objects.create(case=world.case, person=kept, role="witness")
    return kept


def test_merge_moves_the_history_and_keeps_the_chosen_values_then_an_admin_undoes_it(world, client_of):
    other = twin_records(world)
    john = world.john
    client = client_of("owner-case_manager")
    compare = client.get(f"/people/{john.pk}/merge/?with={other.pk}")
    assert compare.status_code == 200
    assert "field_given_name" in compare.content.decode()
    done = client.post(f"/people/{john.pk}/merge/", {
        "with": other.pk, "keep": john.pk, "field_given_name": john.pk,
        "field_family_name": john.pk, "field_phone": other.pk})
    assert done.status_code == 302 and done["Location"] == f"/people/{john.pk}/"

    john.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into == john
    assert john.name == "John Smith" and john.phone == "07000 111111"
    assert set(john.aliases.values_list("name", flat=True)) == {"Johnny Smith", "Jonny", "Jon Smyth"}
    assert john.addresses.count() == 2 and john.consents.count() == 1
    assert set(Party.objects.filter(person=john).values_list("role", flat=True)) == {"victim", "witness"}
    merge = PersonMerge.objects.get()
    assert merge.field_sources["phone"] == "merged" and merge.field_sources["given_name"] == "kept"
    assert AuditEvent.objects.filter(action="update", object_id=str(other.pk),
                                     changed_fields=["merged_into"]).exists()
    listing = client.get("/people/").content.decode()
    assert f"/people/{other.pk}/" not in listing
    assert "was merged" in client.get(f"/people/{other.pk}/").content.decode()

    # case managers may not undo; the owner's administrator may
    assert client.post(f"/people/merges/{merge.pk}/").status_code == 403
    assert client_of("outsider-administrator").get(f"/people/merges/{merge.pk}/").status_code == 404
    admin = client_of("owner-administrator")
    assert f"/people/merges/{merge.pk}/" in admin.get("/people/merges/").content.decode()
    assert admin.post(f"/people/merges/{merge.pk}/").status_code == 302

    john.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into is None
    assert (john.given_name, john.phone) == ("John", "")
    assert (other.given_name, other.family_name, other.phone) == ("Jon", "Smyth", "07000 111111")
    assert list(john.aliases.values_list("name", flat=True)) == ["Johnny Smith"]
    assert list(other.aliases.values_list("name", flat=True)) == ["Jonny"]
    assert john.addresses.get().postcode == "CO1 1AA" and other.addresses.get().postcode == "CO2 8JB"
    assert john.consents.count() == 1 and other.consents.count() == 0
    assert list(Party.objects.filter(person=other).values_list("role", flat=True)) == ["witness"]
    assert PersonMerge.objects.get().undone_at is not None
    assert AuditEvent.objects.filter(reason=f"merge {merge.pk} undone").count() == 2


def test_a_party_both_records_hold_is_dropped_on_merge_and_restored_on_undo(world, client_of):
    other = twin_records(world)
    Party.objects.create(case=world.case, person=other, role="victim")  # john is the victim too
    client_of("owner-case_manager").post(f"/people/{world.john.pk}/merge/",
                                         {"with": other.pk, "keep": world.john.pk})
    assert not Party.objects.filter(person=other).exists()
    merge = PersonMerge.objects.get()
    assert merge.moved["dropped_parties"] == [[world.case.pk, "victim"]]
    client_of("site-admin").post(f"/people/merges/{merge.pk}/")
    assert set(Party.objects.filter(person=other).values_list("role", flat=True)) == {"victim", "witness"}


def test_merge_keeps_the_stricter_restrictions(world, client_of):
    other = twin_records(world)
    other.locked_down = True
    other.save()
    client_of("owner-case_manager").post(f"/people/{world.john.pk}/merge/",
                                         {"with": other.pk, "keep": world.john.pk})
    world.john.refresh_from_db()
    assert world.john.locked_down


def test_only_records_of_ones_own_agency_are_merged(world, client_of, partnership):
    theirs = make_person(partnership.partner, "John", "Smith", born=datetime.date(1990, 3, 4))
    client = client_of("owner-case_manager")
    assert client.get(f"/people/{world.john.pk}/merge/?with={theirs.pk}").status_code == 404
    assert client_of("owner-practitioner").get(f"/people/{world.john.pk}/merge/").status_code == 403
    assert client_of("partner-case_manager").get(f"/people/{world.john.pk}/merge/").status_code == 403
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
