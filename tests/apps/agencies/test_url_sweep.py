"""The sweep: every URL of the site (pages and API) requested as each kind of person, against one
table of expected answers. A URL missing from the table fails the test, so a new view cannot ship
without someone deciding who may use it.

Columns, in this order:

    A  anonymous (signed out)                  O  outsider agency (a case manager there)
    P  partner agency (a practitioner)         V  owner agency viewer
    C  owner agency case manager               N  owner agency analyst
    D  owner agency administrator              S  site administrator (no agency)

Answers: 200 ok, 302 sent to sign in (anonymous) or on, 401 API without credentials, 403 no
capability, 404 not found (unknown record, or not theirs), 405 the view is reached but takes
POST only (GET is used throughout, so the sweep changes nothing).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from saferplaces.apps.assessments.models import Target
from tests.apps.agencies.test_declarations import walk
from tests.apps.assessments.conftest import first_result, store_run
from tests.partnership import sign_in

ACTORS = {
    "A": None,
    "O": "outsider-case_manager",
    "P": "partner-practitioner",
    "V": "owner-viewer",
    "C": "owner-case_manager",
    "N": "owner-analyst",
    "D": "owner-administrator",
    "S": "site-admin",
}

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    '': ('/', "302 200 200 200 200 200 200 200"),
    'map/': ('/map/', "302 200 200 200 200 200 200 200"),
    'map/incidents.geojson': ('/map/incidents.geojson?month=2024-03', "302 200 200 200 200 200 200 200"),
    'map/areas.geojson': ('/map/areas.geojson', "302 200 200 200 200 200 200 200"),
    'assessments/': ('/assessments/', "302 200 200 200 200 200 200 200"),
    'assessments/start/': ('/assessments/start/', "302 403 403 403 403 405 403 403"),
    'assessments/default-config.toml': ('/assessments/default-config.toml', "302 200 200 200 200 200 200 200"),
    'assessments/compare/': ('/assessments/compare/', "302 200 200 200 200 200 200 200"),
    'assessments/deep-dive/': ('/assessments/deep-dive/', "302 200 200 200 200 200 200 200"),
    'assessments/deep-dive/start/': ('/assessments/deep-dive/start/', "302 403 403 403 403 405 403 403"),
    'assessments/monitoring/': ('/assessments/monitoring/', "302 200 200 200 200 200 200 200"),
    'assessments/street-weeks/': ('/assessments/street-weeks/', "302 200 200 200 200 200 200 200"),
    'assessments/street-weeks/record/': ('/assessments/street-weeks/record/', "302 403 403 403 403 405 403 403"),
    'assessments/entries/': ('/assessments/entries/', "302 200 200 200 200 200 200 200"),
    'assessments/entries/scores/': ('/assessments/entries/scores/', "302 403 403 403 403 405 403 403"),
    'assessments/entries/horizon/': ('/assessments/entries/horizon/', "302 403 403 403 403 405 403 403"),
    'assessments/entries/recommendations/': ('/assessments/entries/recommendations/', "302 403 403 403 403 405 403 403"),
    'assessments/entries/targets/': ('/assessments/entries/targets/', "302 403 403 403 403 405 403 403"),
    'assessments/^entries/(?P<kind>horizon|recommendation|target)/(?P<pk>[0-9]+)/withdraw/$': ('/assessments/entries/target/{target}/withdraw/', "302 403 403 403 403 405 403 403"),
    'assessments/<int:pk>/': ('/assessments/{run}/', "302 200 200 200 200 200 200 200"),
    'assessments/<int:pk>/status.json': ('/assessments/{run}/status.json', "302 200 200 200 200 200 200 200"),
    'assessments/^(?P<pk>[0-9]+)/(?P<version>report|public)\\.(?P<fmt>html|pdf|json)$': ('/assessments/{run}/report.html', "302 200 200 200 200 200 200 200"),
    'break-glass/': ('/break-glass/', "302 200 403 403 200 403 403 403"),
    'break-glass/<slug:record_type>/<int:record_id>/': ('/break-glass/case/1/', "302 404 404 404 404 404 404 404"),
    'audit/': ('/audit/', "302 403 403 403 403 403 200 200"),
    'audit/export.csv': ('/audit/export.csv', "302 403 403 403 403 403 200 200"),
    'manage/agencies/': ('/manage/agencies/', "302 403 403 403 403 403 403 200"),
    'manage/agencies/add/': ('/manage/agencies/add/', "302 403 403 403 403 403 403 200"),
    'manage/agencies/<int:pk>/deactivate/': ('/manage/agencies/{agency}/deactivate/', "302 403 403 403 403 403 403 200"),
    'manage/users/': ('/manage/users/', "302 403 403 403 403 403 200 200"),
    'manage/users/add/': ('/manage/users/add/', "302 403 403 403 403 403 200 200"),
    'manage/users/<int:pk>/': ('/manage/users/{user}/', "302 403 403 403 403 403 200 200"),
    'manage/users/<int:pk>/disable/': ('/manage/users/{user}/disable/', "302 403 403 403 403 403 200 200"),
    'manage/users/<int:pk>/reset-two-factor/': ('/manage/users/{user}/reset-two-factor/', "302 403 403 403 403 403 200 200"),
    'api/schema/': ('/api/schema/', "401 200 200 200 200 200 200 200"),
    'api/token/': ('/api/token/', "302 200 200 200 200 200 200 200"),
    'api/me/': ('/api/me/', "401 200 200 200 200 200 200 200"),
    'api/assessments/runs/': ('/api/assessments/runs/', "401 200 200 200 200 200 200 200"),
    'api/assessments/runs/<int:pk>/': ('/api/assessments/runs/{run}/', "401 200 200 200 200 200 200 200"),
    'api/incidents/summary/': ('/api/incidents/summary/', "401 200 200 200 200 200 200 200"),
    'accounts/login/': ('/accounts/login/', "200 200 200 200 200 200 200 200"),
    'accounts/logout/': ('/accounts/logout/', "302 405 405 405 405 405 405 405"),
    'accounts/password_change/': ('/accounts/password_change/', "302 200 200 200 200 200 200 200"),
    'accounts/password_change/done/': ('/accounts/password_change/done/', "302 200 200 200 200 200 200 200"),
    'accounts/two-factor/': ('/accounts/two-factor/', "302 302 302 302 302 302 302 302"),
    'accounts/two-factor/set-up/': ('/accounts/two-factor/set-up/', "302 302 302 302 302 302 302 302"),
    'accounts/two-factor/verify/': ('/accounts/two-factor/verify/', "302 302 302 302 302 302 302 302"),
    'accounts/two-factor/recovery-codes/': ('/accounts/two-factor/recovery-codes/', "302 200 200 200 200 200 200 200"),
}


@pytest.fixture
def objects(partnership):
    run = store_run(first_result(), user=partnership.user("owner", "analyst"))
    target = Target.objects.create(candidate="police-uk:burglary", measure="incidents",
                                   change_pct=-10)
    return {"run": run.pk, "target": target.pk, "agency": partnership.outsider.pk,
            "user": partnership.user("owner", "viewer").pk}


def routes() -> list[str]:
    return [route for route, _ in walk(get_resolver().url_patterns)]


def test_every_url_is_in_the_sweep_table():
    assert sorted(set(routes()) - set(SWEEP)) == []
    assert sorted(set(SWEEP) - set(routes())) == []


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    path, expected = SWEEP[route]
    path = path.format(**objects)
    answers = []
    for user in ACTORS.values():
        client = Client() if user is None else sign_in(Client(), partnership.users[user])
        answers.append(str(client.get(path).status_code))
    assert " ".join(answers) == expected, f"{path}: columns {' '.join(ACTORS)}"
