"""Cancelling a task asks first, on a GOV.UK confirmation page that works without JavaScript."""

from __future__ import annotations

from saferplaces.apps.cases.models import TaskStatus


def test_cancelling_a_task_asks_first_and_only_the_button_cancels_it(world, client_of):
    task = world.task(world.case, title="Visit the complainant")
    manager = client_of("owner-case_manager")
    url = f"/tasks/{task.pk}/cancel/"
    assert f'href="{url}"' in manager.get(f"/tasks/{task.pk}/").content.decode()

    page = manager.get(url).content.decode()
    assert "Are you sure you want to cancel this task?" in page and "Visit the complainant" in page
    assert f'href="/tasks/{task.pk}/">Keep the task' in page
    task.refresh_from_db()
    assert task.status != TaskStatus.CANCELLED

    assert manager.post(url, {"version": task.version}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_the_assigned_partner_who_cannot_change_the_task_gets_no_confirmation_page(world, client_of):
    task = world.task(world.limited_case, agency=world.partnership.partner)
    assert client_of("partner-practitioner").get(f"/tasks/{task.pk}/cancel/").status_code == 403
