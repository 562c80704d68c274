"""Opening a case (reference from the type's prefix, the year and the next number, unique even
when two are made at once), the status workflow with its refused moves, and no lost updates:
an edit made from an old version saves nothing and shows both versions."""

from __future__ import annotations

import datetime
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case
from tests.apps.cases.conftest import open_case


def test_references_follow_type_prefix_year_and_number(partnership):
    manager = partnership.user("owner", "case_manager")
    year = timezone.localdate().year
    first, second = open_case(manager), open_case(manager)
    hate = open_case(manager, "hate")
    assert (first.reference, second.reference, hate.reference) == (
        f"ASB-{year}-0001", f"ASB-{year}-0002", f"HATE-{year}-0001")


def test_a_reference_taken_meanwhile_makes_the_new_case_take_the_next(partnership, monkeypatch):
    """Two people opening a case at once both compute the same next number; the database's
    unique reference refuses the second, which retries with the next."""
    manager = partnership.user("owner", "case_manager")
    taken = open_case(manager)
    real = services._next_sequence
    calls = []

    def stale(prefix, year):  # the first attempt sees the world before ``taken`` was stored
        calls.append(prefix)
        return 1 if len(calls) == 1 else real(prefix, year)

    monkeypatch.setattr(services, "_next_sequence", stale)
    second = open_case(manager)
    assert taken.reference.endswith("-0001") and second.reference.endswith("-0002")
    assert len(calls) == 2 and Case.objects.count() == 2


def test_numbers_past_9999_keep_counting(partnership):
    manager = partnership.user("owner", "case_manager")
    year = timezone.localdate().year
    Case.objects.create(reference=f"ASB-{year}-9999", case_type="repeat-asb", title="x",
                        owner_agency=partnership.owner, opened_on=datetime.date.today())
    assert open_case(manager).reference == f"ASB-{year}-10000"
    assert open_case(manager).reference == f"ASB-{year}-10001"


def test_the_create_page_makes_a_case_owned_by_the_users_agency(partnership, signed_in_client):
    practitioner = partnership.user("owner", "practitioner")
    client = signed_in_client(practitioner)
    response = client.post("/cases/new/", {"case_type": "vulnerable-child", "title": "Missing episodes",
                                           "risk": "high", "lead_officer": practitioner.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.owner_agency == partnership.owner and case.lead_officer == practitioner
    assert case.reference.startswith("SGC-")
    assert AuditEvent.objects.filter(action="create", object_type="case").exists()


def test_the_lead_officer_must_belong_to_the_owner_agency(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "practitioner"))
    response = client.post("/cases/new/", {"case_type": "repeat-asb", "title": "Noise",
                                           "risk": "standard",
                                           "lead_officer": partnership.user("partner", "practitioner").pk})
    assert response.status_code == 400 and not Case.objects.exists()


def test_the_api_opens_a_case_and_a_viewer_cannot(partnership, signed_in_client):
    made = signed_in_client(partnership.user("owner", "practitioner")).post(
        "/api/cases/", {"case_type": "hate", "title": "Graffiti on the mosque"},
        content_type="application/json")
    assert made.status_code == 201 and made.json()["reference"].startswith("HATE-")
    bad = signed_in_client(partnership.user("owner", "practitioner")).post(
        "/api/cases/", {"case_type": "nonsense", "title": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert signed_in_client(partnership.user("owner", "viewer")).post(
        "/api/cases/", {"case_type": "hate", "title": "x"},
        content_type="application/json").status_code == 403


def move(user, case, status, **kwargs):
    case.refresh_from_db()
    return services.change_status(get_case_for_user(user, case.pk), user, version=case.version,
                                  status=status, **kwargs)


def test_the_workflow_runs_open_active_review_closed_and_reopens(world):
    manager, case = world.owner_manager, world.case
    move(manager, case, "active")
    move(manager, case, "under_review")
    with pytest.raises(services.CaseRuleError, match="reason the case is closed"):
        move(manager, case, "closed")
    with pytest.raises(services.CaseRuleError, match="outcome"):
        move(manager, case, "closed", closure_reason="Behaviour stopped")
    closed = move(manager, case, "closed", closure_reason="Behaviour stopped",
                  outcome="Acceptable behaviour contract kept for six months")
    assert closed.status == "closed" and closed.closed_on == timezone.localdate()
    reopened = move(manager, case, "active")
    assert reopened.status == "active" and reopened.closed_on is None
    texts = list(case.timeline.values_list("text", flat=True))
    assert any("reopened" in t for t in texts) and any("moved to closed" in t for t in texts)


@pytest.mark.parametrize("path", [("open", "closed"), ("open", "under_review"),
                                  ("open", "open")])
def test_invalid_moves_are_refused(world, path):
    with pytest.raises(services.CaseRuleError, match="cannot be moved"):
        move(world.owner_manager, world.case, path[1])
    world.case.refresh_from_db()
    assert world.case.status == "open" and world.case.version == 1


def test_closing_and_reopening_need_a_case_manager(world):
    practitioner = world.owner_practitioner
    move(practitioner, world.case, "active")
    move(practitioner, world.case, "under_review")
    with pytest.raises(PermissionDenied):
        move(practitioner, world.case, "closed", closure_reason="Done", outcome="Resolved")
    move(world.owner_manager, world.case, "closed", closure_reason="Done", outcome="Resolved")
    with pytest.raises(PermissionDenied):
        move(practitioner, world.case, "active")


def test_a_partner_cannot_move_the_status(world, signed_in_client):
    client = signed_in_client(world.partner_manager)
    response = client.post(f"/cases/{world.case.pk}/status/",
                           {"version": 1, "status": "active"})
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == "open"


def test_an_edit_from_an_old_version_saves_nothing_and_shows_both(world, signed_in_client):
    """Two people open the edit page at version 1; the first saves; the second's save is a
    conflict that shows their change and the saved one, and stores nothing."""
    first = signed_in_client(world.owner_manager)
    second = signed_in_client(world.owner_practitioner)
    form = {"version": 1, "title": "Noise on Elm Estate", "summary": "", "risk": "standard",
            "lead_officer": ""}
    assert first.post(f"/cases/{world.case.pk}/edit/", {**form, "risk": "high"}).status_code == 302
    clash = second.post(f"/cases/{world.case.pk}/edit/", {**form, "title": "Noise on Oak Estate"})
    html = clash.content.decode()
    assert clash.status_code == 409 and 'id="conflict-versions"' in html
    assert "Noise on Oak Estate" in html and "High" in html.replace("high", "High")
    world.case.refresh_from_db()
    assert (world.case.title, world.case.risk, world.case.version) == (
        "Noise on Elm Estate", "high", 2)


def test_a_status_move_from_an_old_version_is_a_conflict(world, signed_in_client):
    client = signed_in_client(world.owner_manager)
    assert client.post(f"/cases/{world.case.pk}/status/",
                       {"version": 1, "status": "active"}).status_code == 302
    stale = client.post(f"/cases/{world.case.pk}/status/",
                        {"version": 1, "status": "under_review"})
    assert stale.status_code == 409 and 'id="conflict-versions"' in stale.content.decode()
    world.case.refresh_from_db()
    assert (world.case.status, world.case.version) == ("active", 2)
    with pytest.raises(services.Conflict):
        services.change_status(get_case_for_user(world.owner_manager, world.case.pk),
                               world.owner_manager, version=1, status="under_review")
    world.case.refresh_from_db()
    assert world.case.status == "active"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                    reason="concurrent writers need PostgreSQL (SQLite takes turns)")
def test_cases_opened_at_the_same_moment_get_different_references(partnership):
    from django.db import connection

    manager = partnership.user("owner", "case_manager")
    start = threading.Barrier(4)

    def make(_):
        try:
            start.wait()
            return open_case(manager).reference
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        references = list(pool.map(make, range(4)))
    assert len(set(references)) == 4 and Case.objects.count() == 4
