"""What one audit event holds: who (kept even when the account goes), their agency then, what,
which record, the names of the fields changed and never their values, why, and from where."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import RequestFactory

from saferplaces.apps.audit.middleware import RequestIdMiddleware
from saferplaces.apps.audit.models import Action, AuditEvent
from saferplaces.apps.audit.services import record, record_history

pytestmark = pytest.mark.django_db


def test_a_member_is_recorded_with_their_agency_at_the_time(partnership):
    officer = partnership.user("owner", "practitioner")
    event = record("view", user=officer, object_type="case", object_id=12, reason="planning a visit")
    assert (event.user_id, event.username) == (officer.pk, "owner-practitioner")
    assert (event.agency_id, event.agency_name) == (partnership.owner.pk, "Essex Police")
    assert (event.object_type, event.object_id, event.reason) == ("case", "12", "planning a visit")


def test_a_user_with_no_agency_can_still_be_recorded(partnership):
    event = record("view", user=partnership.users["nobody"], object_type="case", object_id=1)
    assert event.username == "nobody"
    assert (event.agency_id, event.agency_name) == (None, "")
    admin = record("export", user=partnership.users["site-admin"], object_type="audit-log")
    assert admin.username == "site-admin" and admin.agency_id is None


def test_nobody_signed_in_is_recorded_without_a_user():
    event = record("login-failed")
    assert (event.user_id, event.username, event.agency_id) == (None, "", None)


def test_changed_fields_are_stored_as_names_never_values():
    event = record("update", object_type="person", object_id=3,
                   fields=["date_of_birth", "address.postcode", "date_of_birth"])
    assert AuditEvent.objects.get(pk=event.pk).changed_fields == ["address.postcode", "date_of_birth"]


@pytest.mark.parametrize("fields, error", [
    ({"date_of_birth": "1990-02-03"}, TypeError),
    ("surname", TypeError),
    (["Jane Smith, 12 High Street"], ValueError),
    (["07700 900123"], ValueError),
])
def test_values_passed_as_changed_fields_are_refused(fields, error):
    with pytest.raises(error):
        record("update", object_type="person", object_id=3, fields=fields)
    assert not AuditEvent.objects.exists()


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError):
        record("peek", object_type="case", object_id=1)


def test_deleting_an_account_leaves_its_events_alone(partnership):
    officer = partnership.user("partner", "viewer")
    record("view", user=officer, object_type="case", object_id=9)
    officer.delete()
    event = AuditEvent.objects.get()
    assert event.username == "partner-viewer" and event.agency_name == "Colchester City Council"
    assert not get_user_model().objects.filter(username="partner-viewer").exists()


def test_an_event_is_rolled_back_with_the_change_it_describes():
    with pytest.raises(RuntimeError), transaction.atomic():
        record("update", object_type="case", object_id=5, fields=["status"])
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()


def test_the_request_gives_the_user_address_and_request_id(partnership, settings):
    settings.SAFERPLACES_BEHIND_PROXY = True  # the proxy in front sets the request id
    request = RequestFactory().get("/cases/5/", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="abc-123")
    request.user = partnership.user("owner", "viewer")
    first = record("view", request=request, object_type="case", object_id=5)
    second = record("view", request=request, object_type="person", object_id=8)
    assert first.username == "owner-viewer"
    assert first.ip_address == "203.0.113.9"
    assert first.request_id == second.request_id == "abc-123"


def test_the_middleware_gives_each_request_an_id_and_returns_it(settings):
    settings.SAFERPLACES_BEHIND_PROXY = True
    seen = {}

    def view(request):
        seen["id"] = request.request_id
        from django.http import HttpResponse
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view)
    response = middleware(RequestFactory().get("/"))
    assert len(seen["id"]) == 32 and response["X-Request-ID"] == seen["id"]
    other = middleware(RequestFactory().get("/"))
    assert other["X-Request-ID"] != response["X-Request-ID"]
    kept = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="proxy-7f3a"))
    assert kept["X-Request-ID"] == "proxy-7f3a"
    injected = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="x\nForged: log line"))
    assert "\n" not in injected["X-Request-ID"] and len(injected["X-Request-ID"]) == 32


def proxied(**headers: str):
    """A request as it reaches the app through the partnership's proxy at 10.0.0.5."""
    return RequestFactory().get("/cases/5/", REMOTE_ADDR="10.0.0.5", **headers)


def test_a_request_id_sent_by_a_client_is_not_trusted_without_a_proxy(settings):
    settings.SAFERPLACES_BEHIND_PROXY = False
    event = record("view", request=proxied(HTTP_X_REQUEST_ID="someone-elses-request"))
    assert event.request_id != "someone-elses-request" and len(event.request_id) == 32


@pytest.mark.parametrize("offered", ["a" * 65, "dots.are.not.ids", "under_score", "", "x y",
                                     "x\nForged: log line"])
def test_behind_a_proxy_only_a_well_formed_request_id_is_kept(settings, offered):
    settings.SAFERPLACES_BEHIND_PROXY = True
    event = record("view", request=proxied(HTTP_X_REQUEST_ID=offered))
    assert event.request_id != offered and len(event.request_id) == 32
    kept = record("view", request=proxied(HTTP_X_REQUEST_ID="0f3a-" + "b" * 59))
    assert kept.request_id == "0f3a-" + "b" * 59


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added_last(settings):
    settings.SAFERPLACES_BEHIND_PROXY = True
    # The client claims 192.0.2.1; our proxy appends the address it saw, 203.0.113.9.
    event = record("view", request=proxied(HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9"))
    assert event.ip_address == "203.0.113.9"
    assert record("view", request=proxied(HTTP_X_FORWARDED_FOR="2001:db8::7")).ip_address == "2001:db8::7"
    assert record("view", request=proxied()).ip_address == "10.0.0.5"  # no header: the proxy's own
    assert record("view", request=proxied(HTTP_X_FORWARDED_FOR="1.2.3.4, nonsense")).ip_address is None


def test_without_a_proxy_a_forwarded_address_is_ignored(settings):
    settings.SAFERPLACES_BEHIND_PROXY = False
    event = record("view", request=proxied(HTTP_X_FORWARDED_FOR="192.0.2.1"))
    assert event.ip_address == "10.0.0.5"


def test_an_address_that_is_not_an_address_is_left_empty():
    request = RequestFactory().get("/", REMOTE_ADDR="unknown")
    assert record("login-failed", request=request).ip_address is None


def test_record_history_lists_who_did_what_to_one_record_latest_first(partnership):
    record("view", user=partnership.user("owner", "practitioner"), object_type="case", object_id=4)
    record("view", user=partnership.user("partner", "case_manager"), object_type="case", object_id=5)
    record("update", user=partnership.user("partner", "practitioner"), object_type="case", object_id=4,
           fields=["status"])
    record("export", user=partnership.users["nobody"], object_type="case", object_id=4)
    history = record_history("case", 4)
    assert [(h.username, h.agency_name, h.action) for h in history] == [
        ("nobody", "", Action.EXPORT.label),
        ("partner-practitioner", "Colchester City Council", Action.UPDATE.label),
        ("owner-practitioner", "Essex Police", Action.VIEW.label),
    ]
    assert history[0].when >= history[-1].when
    assert len(record_history("case", 4, limit=2)) == 2
    assert record_history("person", 4) == []
