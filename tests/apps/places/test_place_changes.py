"""Changing a place (its owner agency only, with no lost updates) and unlinking it from a case
(the case's owner agency's case managers, with a reason that stays in the audit log)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.places import services
from saferplaces.apps.places.models import CasePlace, Place
from tests.apps.places.conftest import PX, PY

pytestmark = pytest.mark.django_db


def edit_form(place: Place, **changes) -> dict:
    data = {"version": place.version, "kind": place.kind, "name": place.name,
            "postcode": place.postcode, "uprn": place.uprn, "x": place.x, "y": place.y,
            "description": place.description}
    return {key: ("" if value is None else value) for key, value in (data | changes).items()}


# --- changing a place ------------------------------------------------------------------------------


def test_the_owner_agency_changes_the_address_and_point_and_the_audit_names_fields_only(
        partnership, place, signed_in_client):
    client = signed_in_client(partnership.user("owner", "practitioner"))
    assert client.get(f"/places/{place.pk}/edit/").status_code == 200
    response = client.post(f"/places/{place.pk}/edit/", edit_form(
        place, name="Flat 3, 12 Orchard Court", postcode="co1 1aa", uprn="100091234567",
        x=PX + 100, y=PY))
    assert response.status_code == 302 and response.url == f"/places/{place.pk}/"
    changed = Place.objects.get(pk=place.pk)
    assert (changed.name, changed.postcode, changed.uprn) == ("Flat 3, 12 Orchard Court",
                                                              "CO1 1AA", "100091234567")
    assert (changed.x, changed.version) == (PX + 100, place.version + 1)
    assert changed.lon > place.lon  # its longitude follows the new easting
    event = AuditEvent.objects.filter(action="update", object_type="place",
                                      object_id=str(place.pk)).order_by("sequence").last()
    assert event.changed_fields == ["name", "postcode", "uprn", "x"]
    assert "Orchard" not in event.reason


def test_a_stale_save_saves_nothing_and_shows_both_versions(partnership, place,
                                                            signed_in_client):
    first = signed_in_client(partnership.user("owner", "case_manager"))
    second = signed_in_client(partnership.user("owner", "practitioner"))
    opened = edit_form(place)  # both open the form at the same version
    assert first.post(f"/places/{place.pk}/edit/",
                      opened | {"name": "Castle Park bandstand (north)"}).status_code == 302
    stale = second.post(f"/places/{place.pk}/edit/", opened | {"name": "Bandstand, Castle Park",
                                                                "postcode": "CO1 1YG"})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else changed this place" in page
    assert "Bandstand, Castle Park" in page and "Castle Park bandstand (north)" in page
    stored = Place.objects.get(pk=place.pk)
    assert (stored.name, stored.postcode, stored.version) == ("Castle Park bandstand (north)", "",
                                                              place.version + 1)


def test_the_service_refuses_a_stale_version_too(partnership, place):
    user = partnership.user("owner", "practitioner")
    services.update_place(user, place, version=place.version, kind="location", name="One")
    with pytest.raises(services.Conflict) as refused:
        services.update_place(user, place, version=place.version, kind="location", name="Two")
    assert refused.value.current.name == "One"
    assert Place.objects.get(pk=place.pk).name == "One"


def test_other_agencies_read_the_place_but_may_not_change_it(partnership, place,
                                                             signed_in_client):
    for user in ("partner-practitioner", "outsider-case_manager", "owner-viewer"):
        client = signed_in_client(partnership.users[user])
        assert client.post(f"/places/{place.pk}/edit/",
                           edit_form(place, name="Renamed")).status_code == 403, user
    with pytest.raises(PermissionDenied):
        services.update_place(partnership.user("partner", "case_manager"), place,
                              version=place.version, kind="location", name="Renamed")
    assert Place.objects.get(pk=place.pk).name == "Castle Park bandstand"
    partner_page = signed_in_client(partnership.user("partner", "practitioner")).get(
        f"/places/{place.pk}/")
    assert b"Change the place" not in partner_page.content


def test_removing_the_point_clears_both_pairs_and_a_wrong_postcode_saves_nothing(
        partnership, place, signed_in_client):
    client = signed_in_client(partnership.user("owner", "practitioner"))
    refused = client.post(f"/places/{place.pk}/edit/", edit_form(place, postcode="nowhere"))
    assert refused.status_code == 400
    assert Place.objects.get(pk=place.pk).version == place.version
    assert client.post(f"/places/{place.pk}/edit/", edit_form(place, x="", y="")).status_code == 302
    cleared = Place.objects.get(pk=place.pk)
    assert (cleared.x, cleared.y, cleared.lon, cleared.lat) == (None, None, None, None)


# --- unlinking a place from a case -----------------------------------------------------------------


REASON = "Linked in error: wrong bandstand"


def test_the_owner_case_manager_unlinks_with_a_reason_kept_in_the_audit_log_not_the_timeline(
        partnership, place, linked, signed_in_client):
    client = signed_in_client(partnership.user("owner", "case_manager"))
    page = client.get(f"/places/{place.pk}/")
    assert f"/places/{place.pk}/cases/{linked.pk}/unlink/".encode() in page.content
    response = client.post(f"/places/{place.pk}/cases/{linked.pk}/unlink/", {"reason": REASON})
    assert response.status_code == 302 and response.url == f"/places/{place.pk}/"
    assert not CasePlace.objects.filter(case=linked, place=place).exists()
    entry = linked.timeline.filter(kind="place").first()
    assert entry.text == f"A place was unlinked from {linked.reference} by {partnership.owner.name}"
    event = AuditEvent.objects.filter(object_type="case", object_id=str(linked.pk),
                                      changed_fields=["places"]).order_by("sequence").last()
    assert event.reason == REASON and event.username == "owner-case_manager"
    assert AuditEvent.objects.filter(object_type="place", object_id=str(place.pk),
                                     changed_fields=["cases"], reason=REASON).exists()


def test_a_short_reason_unlinks_nothing(partnership, place, linked, signed_in_client):
    client = signed_in_client(partnership.user("owner", "case_manager"))
    response = client.post(f"/places/{place.pk}/cases/{linked.pk}/unlink/", {"reason": "oops"})
    assert response.status_code == 400
    assert CasePlace.objects.filter(case=linked, place=place).exists()


@pytest.mark.parametrize(("user", "answer"), [
    ("partner-case_manager", 403),   # works on the case (a full share) but does not own it
    ("partner-practitioner", 403),   # no cases.manage
    ("owner-practitioner", 403),     # owner agency, no cases.manage
    ("outsider-case_manager", 404),  # cannot see the case at all
])
def test_only_the_owner_agencys_case_managers_may_unlink(partnership, place, linked,
                                                         signed_in_client, user, answer):
    client = signed_in_client(partnership.users[user])
    path = f"/places/{place.pk}/cases/{linked.pk}/unlink/"
    assert client.get(path).status_code == answer
    assert client.post(path, {"reason": REASON}).status_code == answer
    assert CasePlace.objects.filter(case=linked, place=place).exists()
    assert path.encode() not in client.get(f"/places/{place.pk}/").content


def test_the_service_refuses_a_partner_and_an_unlinked_place(partnership, place, linked):
    partner = partnership.user("partner", "case_manager")
    with pytest.raises(PermissionDenied):
        services.unlink_place(get_case_for_user(partner, linked.pk), partner, place,
                              reason=REASON)
    manager = partnership.user("owner", "case_manager")
    services.unlink_place(get_case_for_user(manager, linked.pk), manager, place, reason=REASON)
    with pytest.raises(services.PlaceRuleError, match="no longer linked"):
        services.unlink_place(get_case_for_user(manager, linked.pk), manager, place,
                              reason=REASON)
