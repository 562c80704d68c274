"""Task reminders: one notification per task, person and day, for tasks due tomorrow, due
today or overdue; none for tasks done, not yet near, on closed cases, or for an agency the
case is no longer shared with. Run through the service and, in a fresh process, the CLI."""

from __future__ import annotations

import datetime
import sqlite3
import subprocess
import sys

from django.utils import timezone

from saferplaces.apps.cases.models import Case, CaseShare, Notification, Status, Task, TaskStatus
from saferplaces.apps.cases.reminders import next_run, send_reminders
from tests.process import environment, ok, saferplaces

TODAY = datetime.date(2026, 3, 10)


def reminders_of(user):
    return sorted(Notification.objects.filter(user=user, text__startswith="Reminder")
                  .values_list("text", flat=True))


def test_reminders_for_tomorrow_today_and_overdue_are_sent_once_a_day(world):
    partner_user = world.user("partner-practitioner")
    tomorrow = world.task(agency=world.partnership.partner, user=partner_user,
                          due=TODAY + datetime.timedelta(days=1), title="Call Mrs Example")
    today = world.task(due=TODAY)
    late = world.task(due=TODAY - datetime.timedelta(days=3))
    world.task(due=TODAY + datetime.timedelta(days=3))  # not yet
    done = world.task(due=TODAY)
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE)

    first = send_reminders(TODAY)
    assert (first.tasks, first.already) == (3, 0)
    assert reminders_of(partner_user) == [
        f"Reminder for 10 March 2026: task {tomorrow.pk} on case {world.case.reference} is due "
        "tomorrow (11 March 2026)"]
    owner_practitioner = world.user("owner-practitioner")
    assert reminders_of(owner_practitioner) == sorted([
        f"Reminder for 10 March 2026: task {today.pk} on case {world.case.reference} is due today",
        f"Reminder for 10 March 2026: task {late.pk} on case {world.case.reference} is overdue by "
        "3 days (due 7 March 2026)"])
    # the agency's task goes to everyone there who may edit cases, the viewer and analyst not
    assert reminders_of(world.user("owner-viewer")) == []
    assert first.sent == 1 + 2 * 3  # partner user; owner practitioner, case manager, co-ordinator
    assert not any("Mrs Example" in text for text in Notification.objects.values_list("text", flat=True))

    again = send_reminders(TODAY)
    assert (again.sent, again.already) == (0, first.sent)
    assert Notification.objects.filter(text__startswith="Reminder").count() == first.sent

    next_day = send_reminders(TODAY + datetime.timedelta(days=1))
    assert next_day.sent == first.sent  # a new day: reminded again (tomorrow's task is now due today)


def test_no_reminder_after_the_share_ended_or_once_the_case_is_closed(world):
    partner_task = world.task(agency=world.partnership.partner, due=TODAY)
    CaseShare.objects.filter(case=world.case, agency=world.partnership.partner).update(
        ended_at=timezone.now())
    assert send_reminders(TODAY).sent == 0
    assert not Notification.objects.filter(text__contains=f"task {partner_task.pk} ").exists()
    world.task(world.private_case, due=TODAY)
    Case.objects.filter(pk=world.private_case.pk).update(status=Status.CLOSED)
    assert send_reminders(TODAY).tasks == 1  # the partner's task only, which reaches nobody


def test_the_daily_run_is_queued_for_six_in_the_morning():
    zone = timezone.get_current_timezone()
    early = datetime.datetime(2026, 3, 10, 5, 0, tzinfo=zone)
    late = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=zone)
    assert next_run(early) == datetime.datetime(2026, 3, 10, 6, 0, tzinfo=zone)
    assert next_run(late) == datetime.datetime(2026, 3, 11, 6, 0, tzinfo=zone)


SETUP = """
import datetime, django
django.setup()
from django.contrib.auth import get_user_model
from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.cases.models import Case, Task
police = Agency.objects.create(name="Essex Police", kind="police")
officer = get_user_model().objects.create_user("officer")
Membership.objects.create(user=officer, agency=police, role="practitioner")
case = Case.objects.create(reference="ASB-2026-0001", case_type="repeat-asb", title="Noise",
                           owner_agency=police, opened_on=datetime.date(2026, 3, 1))
Task.objects.create(case=case, title="Visit", assigned_agency=police, assigned_user=officer,
                    due=datetime.date(2026, 3, 10))
"""


def test_reminders_command_in_a_fresh_process_sends_once_and_queues_the_worker(tmp_path):
    assert "0 sent" in ok("reminders", home=tmp_path)  # an empty store: nothing to remind
    env = environment(tmp_path) | {"DJANGO_SETTINGS_MODULE": "saferplaces.web.settings"}
    made = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    first = ok("reminders", "--day", "2026-03-10", "--schedule", home=tmp_path)
    assert "Reminders for 10 March 2026: 1 sent, 0 already sent" in first
    assert "queued for the worker" in first
    second = ok("reminders", "--day", "2026-03-10", "--schedule", home=tmp_path)
    assert "0 sent, 1 already sent" in second and "already queued" in second
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        texts = [row[0] for row in db.execute("SELECT text FROM cases_notification")]
    assert texts == ["Reminder for 10 March 2026: task 1 on case ASB-2026-0001 is due today"]
    refused = saferplaces("reminders", "--day", "10/03/2026", home=tmp_path)
    assert refused.returncode == 2 and "YYYY-MM-DD" in refused.stderr
