"""Tasks on a case: given to an agency working on it (or one of its people), seen through the
case's share, changed without lost updates, and every change on the timeline and in the audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import tasks
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, Notification, Task, TaskStatus
from saferplaces.apps.cases.services import CaseRuleError

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def day_fields(day, prefix="due"):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def visible(world, username):
    return set(tasks.tasks_for_user(world.user(username)).values_list("pk", flat=True))


# --- who sees a task -------------------------------------------------------------------------------


def test_a_task_for_the_partner_is_seen_by_it_only_through_the_cases_share(world, client_of):
    task = world.task(agency=world.partnership.partner)
    assert task.pk in visible(world, "partner-practitioner")
    assert client_of("partner-practitioner").get(f"/tasks/{task.pk}/").status_code == 200
    assert "Visit the estate" in client_of("partner-practitioner").get("/tasks/").content.decode()
    CaseShare.objects.filter(case=world.case, agency=world.partnership.partner).update(
        ended_at=timezone.now())
    assert task.pk not in visible(world, "partner-practitioner")
    partner = client_of("partner-practitioner")
    assert partner.get(f"/tasks/{task.pk}/").status_code == 404
    assert partner.get(f"/api/tasks/{task.pk}/").status_code == 404
    assert "Visit the estate" not in partner.get("/tasks/").content.decode()


def test_the_outsider_never_sees_a_task_nor_can_be_given_one(world, client_of):
    task = world.task()
    outsider = client_of("outsider-case_manager")
    assert visible(world, "outsider-case_manager") == set()
    for path in (f"/tasks/{task.pk}/", f"/tasks/{task.pk}/edit/", f"/tasks/case/{world.case.pk}/",
                 f"/api/tasks/{task.pk}/"):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"/tasks/{task.pk}/complete/", {"version": 1}).status_code == 404
    with pytest.raises(CaseRuleError):
        world.task(agency=world.partnership.outsider)
    assert outsider.get("/api/tasks/").json() == []


def test_on_a_limited_share_the_partner_sees_only_its_own_tasks(world, client_of):
    ours = world.task(world.limited_case, agency=world.partnership.partner, title="Check the flat")
    theirs = world.task(world.limited_case, title="Owner's own step")
    assert visible(world, "partner-practitioner") == {ours.pk}
    partner = client_of("partner-practitioner")
    page = partner.get(f"/tasks/case/{world.limited_case.pk}/").content.decode()
    assert "Check the flat" in page and "Owner&#x27;s own step" not in page and "Owner's own step" not in page
    assert partner.get(f"/tasks/{theirs.pk}/").status_code == 404


def test_the_assigned_agency_completes_its_task_on_a_limited_share_but_cannot_change_it(world, client_of):
    task = world.task(world.limited_case, agency=world.partnership.partner)
    partner = client_of("partner-practitioner")
    assert partner.get(f"/tasks/{task.pk}/edit/").status_code == 403
    assert partner.post(f"/tasks/{task.pk}/cancel/", {"version": task.version}).status_code == 403
    assert partner.get(f"/tasks/case/{world.limited_case.pk}/add/").status_code == 403
    response = partner.post(f"/tasks/{task.pk}/complete/", {"version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None


def test_a_viewer_without_cases_view_is_refused_not_told_whether_a_task_exists(world):
    with pytest.raises(PermissionDenied):
        tasks.get_task_for_user(world.user("owner-viewer"), 999999)
    with pytest.raises(Http404):
        tasks.get_task_for_user(world.user("owner-practitioner"), 999999)


# --- adding and assigning ----------------------------------------------------------------------------


def test_adding_a_task_for_a_partner_user_notifies_them_and_is_on_the_timeline_and_audit(world, client_of):
    assignee = world.user("partner-practitioner")
    client = client_of("owner-practitioner")
    form = client.get(f"/tasks/case/{world.case.pk}/add/").content.decode()
    assert f'value="user-{assignee.pk}"' in form
    assert f'value="agency-{world.partnership.outsider.pk}"' not in form
    response = client.post(f"/tasks/case/{world.case.pk}/add/", {
        "title": "Visit the household at number 4", "assign_to": f"user-{assignee.pk}",
        **day_fields(TOMORROW)})
    assert response.status_code == 302
    task = Task.objects.get(case=world.case)
    assert (task.assigned_agency, task.assigned_user) == (world.partnership.partner, assignee)
    [note] = Notification.objects.filter(user=assignee)
    assert world.case.reference in note.text and "household" not in note.text
    entry = world.case.timeline.filter(kind="task").get()
    assert "Colchester City Council" in entry.text and "household" not in entry.text
    event = AuditEvent.objects.filter(object_type="case", object_id=str(world.case.pk),
                                      action="update").latest("sequence")
    assert event.changed_fields == ["tasks"] and event.username == "owner-practitioner"


def test_a_task_due_in_the_past_or_for_someone_outside_the_agency_is_refused(world, client_of):
    client = client_of("owner-practitioner")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(f"/tasks/case/{world.case.pk}/add/", {
        "title": "Too late", "assign_to": f"agency-{world.partnership.owner.pk}",
        **day_fields(yesterday)})
    assert response.status_code == 400 and "today or later" in response.content.decode()
    manager = world.user("owner-case_manager")
    with pytest.raises(CaseRuleError):
        tasks.create_task(get_case_for_user(manager, world.case.pk), manager, title="x",
                          due=TOMORROW, assigned_agency=world.partnership.owner,
                          assigned_user=world.user("partner-practitioner"))
    assert not Task.objects.exists()


# --- no lost updates ----------------------------------------------------------------------------------


def test_two_people_editing_one_task_the_second_saves_nothing_and_sees_both_versions(world, client_of):
    task = world.task(title="Write to the landlord")
    first, second = client_of("owner-practitioner"), client_of("partner-practitioner")
    for client in (first, second):
        assert f'value="{task.version}"' in client.get(f"/tasks/{task.pk}/edit/").content.decode()
    owner_anyone = f"agency-{world.partnership.owner.pk}"
    saved = first.post(f"/tasks/{task.pk}/edit/", {
        "title": "Write to the housing association", "assign_to": owner_anyone,
        "version": task.version, **day_fields(TOMORROW)})
    assert saved.status_code == 302
    refused = second.post(f"/tasks/{task.pk}/edit/", {
        "title": "Phone the landlord", "assign_to": owner_anyone, "version": task.version,
        **day_fields(TOMORROW)})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Phone the landlord" in page and "Write to the housing association" in page
    task.refresh_from_db()
    assert (task.title, task.version) == ("Write to the housing association", 2)


def test_completing_with_a_stale_version_saves_nothing(world, client_of):
    task = world.task()
    tasks.cancel_task(tasks.get_task_for_user(world.user("owner-case_manager"), task.pk),
                      world.user("owner-case_manager"), version=task.version)
    response = client_of("owner-practitioner").post(f"/tasks/{task.pk}/complete/",
                                                    {"version": task.version})
    assert response.status_code == 409 and "Someone else changed this task" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_lists_creates_and_completes_tasks_with_the_same_rules(world, client_of):
    partner = client_of("partner-practitioner")
    created = partner.post("/api/tasks/", {
        "case": world.case.pk, "title": "Fit a door chain", "due": TOMORROW.isoformat(),
        "assigned_agency": world.partnership.partner.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["case_reference"] == world.case.reference and body["version"] == 1
    assert [item["id"] for item in partner.get("/api/tasks/").json()] == [body["id"]]
    assert client_of("outsider-case_manager").post("/api/tasks/", {
        "case": world.case.pk, "title": "x", "due": TOMORROW.isoformat(),
        "assigned_agency": world.partnership.outsider.pk},
        content_type="application/json").status_code == 404
    done = partner.post(f"/api/tasks/{body['id']}/complete/", {"version": 1},
                        content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = partner.post(f"/api/tasks/{body['id']}/complete/", {"version": 1},
                         content_type="application/json")
    assert again.status_code == 409 and again.json()["version"] == 2
