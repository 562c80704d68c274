"""The dashboard, task, notification and search pages and the Tasks API as each kind of person
(columns in ``tests/sweep.py``). The case belongs to the owner agency and is shared in full with
the partner, and the task is on it, so the outsider's case manager gets 404 for the case's
tasks, the task and its API; pages that take only POST answer 405 to a GET from anyone allowed
to use them (the sweep changes nothing)."""

from __future__ import annotations

import pytest

from saferplaces.apps.cases.models import Notification
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'dashboard/': ('/dashboard/', "302 200 200 403 200 403 403 403"),
    'dashboard/overdue/': ('/dashboard/overdue/', "302 200 403 403 200 403 403 403"),
    'notifications/': ('/notifications/', "302 200 200 403 200 403 403 403"),
    'notifications/read-all/': ('/notifications/read-all/', "302 405 405 403 405 403 403 403"),
    'notifications/<id:pk>/read/': ('/notifications/{notification}/read/', "302 405 405 403 405 403 403 403"),
    'tasks/': ('/tasks/', "302 200 200 403 200 403 403 403"),
    'tasks/case/<id:pk>/': ('/tasks/case/{case}/', "302 404 200 403 200 403 403 403"),
    'tasks/case/<id:pk>/add/': ('/tasks/case/{case}/add/', "302 404 200 403 200 403 403 403"),
    'tasks/<id:pk>/': ('/tasks/{task}/', "302 404 200 403 200 403 403 403"),
    'tasks/<id:pk>/edit/': ('/tasks/{task}/edit/', "302 404 200 403 200 403 403 403"),
    'tasks/<id:pk>/complete/': ('/tasks/{task}/complete/', "302 405 405 403 405 403 403 403"),
    'tasks/<id:pk>/cancel/': ('/tasks/{task}/cancel/', "302 404 200 403 200 403 403 403"),
    'search/': ('/search/', "302 200 200 403 200 403 403 403"),
    'search/suggest.json': ('/search/suggest.json', "302 405 405 403 405 403 403 403"),
    'api/tasks/': ('/api/tasks/', "401 200 200 403 200 403 403 403"),
    'api/tasks/<id:pk>/': ('/api/tasks/{task}/', "401 404 200 403 200 403 403 403"),
    'api/tasks/<id:pk>/complete/': ('/api/tasks/{task}/complete/', "401 405 405 403 405 403 403 403"),
}


@pytest.fixture
def objects(world):
    task = world.task(agency=world.partnership.partner)
    notification = Notification.objects.create(user=world.user("owner-case_manager"),
                                               case=world.case, text="A note about a case")
    return {"case": world.case.pk, "task": task.pk, "notification": notification.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)
