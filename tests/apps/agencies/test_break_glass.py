"""Break-glass: opening a record another agency owns takes a reason, lasts a limited time, is
audited and is shown to the owner's case managers. Records are stood in for by a registered
record type whose owner is looked up like any app's (cases and people register theirs)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from saferplaces.apps.agencies import breakglass
from saferplaces.apps.agencies.models import Agency, BreakGlassAccess
from saferplaces.apps.agencies.roles import CASES_VIEW

REASON = "Child reported missing overnight; checking for known associates"


@pytest.fixture
def owned_records(partnership, monkeypatch):
    """A record type "note" whose record N belongs to agency N (the owner agency's id)."""
    kind = breakglass.ScopedRecordType(
        name="note", label="note", capability=CASES_VIEW,
        owner_agency=lambda record_id: Agency.objects.filter(pk=record_id).first(),
        url=lambda record_id: f"/notes/{record_id}/")
    monkeypatch.setitem(breakglass._REGISTRY, "note", kind)
    return str(partnership.owner.pk)


def test_outsider_has_no_scope_until_the_glass_is_broken(partnership, owned_records):
    outsider = partnership.user("outsider", "practitioner")
    assert breakglass.scope_of(outsider, "note", owned_records, partnership.owner) is None
    breakglass.break_glass(outsider, "note", owned_records, REASON)
    assert breakglass.scope_of(outsider, "note", owned_records, partnership.owner) == "break-glass"


def test_owner_and_shared_agencies_need_no_glass(partnership, owned_records):
    owner = partnership.user("owner", "practitioner")
    partner = partnership.user("partner", "practitioner")
    assert breakglass.scope_of(owner, "note", owned_records, partnership.owner) == "owner"
    assert breakglass.scope_of(partner, "note", owned_records, partnership.owner,
                               [partnership.partner]) == "shared"
    with pytest.raises(ValueError, match="belongs to your agency"):
        breakglass.break_glass(owner, "note", owned_records, REASON)


def test_breaking_the_glass_needs_a_reason(partnership, owned_records):
    with pytest.raises(ValueError, match="reason"):
        breakglass.break_glass(partnership.user("outsider", "practitioner"), "note",
                               owned_records, "  need it  ")
    assert not BreakGlassAccess.objects.exists()


def test_access_ends_after_the_configured_hours(partnership, owned_records, settings):
    settings.SAFERPLACES_BREAK_GLASS_HOURS = 3
    outsider = partnership.user("outsider", "practitioner")
    access = breakglass.break_glass(outsider, "note", owned_records, REASON)
    assert access.expires_at - access.granted_at == timedelta(hours=3)
    BreakGlassAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert breakglass.scope_of(outsider, "note", owned_records, partnership.owner) is None


def test_the_glass_does_not_widen_what_a_role_may_do(partnership, owned_records):
    with pytest.raises(PermissionDenied):
        breakglass.break_glass(partnership.user("outsider", "viewer"), "note", owned_records,
                               REASON)
    with pytest.raises(PermissionDenied):
        breakglass.break_glass(partnership.users["nobody"], "note", owned_records, REASON)


def test_unknown_records_and_record_types_are_not_found(partnership, owned_records):
    outsider = partnership.user("outsider", "practitioner")
    with pytest.raises(Http404):
        breakglass.break_glass(outsider, "note", "999999", REASON)
    with pytest.raises(Http404):
        breakglass.break_glass(outsider, "safe-address", owned_records, REASON)


def test_breaking_the_glass_is_audited_with_its_reason(partnership, owned_records):
    from saferplaces.apps.audit.models import AuditEvent

    outsider = partnership.user("outsider", "practitioner")
    breakglass.break_glass(outsider, "note", owned_records, REASON)
    event = AuditEvent.objects.get(action="break-glass")
    assert (event.username, event.object_type, event.object_id, event.reason) == (
        outsider.username, "note", owned_records, REASON)


def test_the_page_asks_for_a_reason_then_opens_the_record(partnership, owned_records,
                                                          signed_in_client):
    client = signed_in_client(partnership.user("outsider", "practitioner"))
    url = f"/break-glass/note/{owned_records}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Why do you need this record?" in page.content
    refused = client.post(url, {"reason": "because"})
    assert refused.status_code == 400 and not BreakGlassAccess.objects.exists()
    opened = client.post(url, {"reason": REASON})
    assert opened.status_code == 302 and opened["Location"] == f"/notes/{owned_records}/"


def test_owner_case_managers_see_who_broke_the_glass(partnership, owned_records,
                                                     signed_in_client):
    outsider = partnership.user("outsider", "practitioner")
    breakglass.break_glass(outsider, "note", owned_records, REASON)
    owner_page = signed_in_client(partnership.user("owner", "case_manager")).get("/break-glass/")
    assert REASON.encode() in owner_page.content and b"Suffolk Fire and Rescue" in owner_page.content
    partner_page = signed_in_client(partnership.user("partner", "case_manager")).get("/break-glass/")
    assert partner_page.status_code == 200 and REASON.encode() not in partner_page.content
    viewer_page = signed_in_client(partnership.user("owner", "viewer")).get("/break-glass/")
    assert viewer_page.status_code == 403
