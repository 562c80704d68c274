"""The sweep of the site's original URLs (home, map, assessments, agencies, audit, API,
sign-in) as each kind of person (see ``tests/sweep.py`` for the columns), and the check that the
apps' sweep tables together cover every URL: a new view fails until someone decides who may
use it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.urls import get_resolver

from saferplaces.apps.agencies.service_tokens import create_token
from saferplaces.apps.assessments.models import Target
from tests.apps.agencies.test_declarations import walk
from tests.apps.assessments.conftest import first_result, store_run
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    '': ('/', "302 200 200 200 200 200 200 200"),
    'map/': ('/map/', "302 200 200 200 200 200 200 200"),
    'map/incidents.geojson': ('/map/incidents.geojson?month=2024-03', "302 200 200 200 200 200 200 200"),
    'map/areas.geojson': ('/map/areas.geojson', "302 200 200 200 200 200 200 200"),
    # the case layer: offered with cases.view (the outsider's is empty), else 404 like an unknown layer
    'map/layers/<slug:key>.geojson': ('/map/layers/case-locations.geojson', "302 200 200 404 200 404 404 404"),
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
    'assessments/^entries/(?P<kind>horizon|recommendation|target)/(?P<pk>[0-9]{1,18})/withdraw/$': ('/assessments/entries/target/{target}/withdraw/', "302 403 403 403 403 200 403 403"),
    'assessments/<id:pk>/': ('/assessments/{run}/', "302 200 200 200 200 200 200 200"),
    'assessments/<id:pk>/status.json': ('/assessments/{run}/status.json', "302 200 200 200 200 200 200 200"),
    'assessments/^(?P<pk>[0-9]{1,18})/(?P<version>report|public)\\.(?P<fmt>html|pdf|json|docx)$': ('/assessments/{run}/report.html', "302 200 200 200 200 200 200 200"),
    'break-glass/': ('/break-glass/', "302 200 403 403 200 403 403 403"),
    'break-glass/<slug:record_type>/<id:record_id>/': ('/break-glass/case/1/', "302 200 200 403 200 403 403 403"),
    'audit/': ('/audit/', "302 403 403 403 403 403 200 200"),
    'audit/export.csv': ('/audit/export.csv', "302 403 403 403 403 403 200 200"),
    'manage/agencies/': ('/manage/agencies/', "302 403 403 403 403 403 403 200"),
    'manage/agencies/add/': ('/manage/agencies/add/', "302 403 403 403 403 403 403 200"),
    'manage/agencies/<id:pk>/deactivate/': ('/manage/agencies/{agency}/deactivate/', "302 403 403 403 403 403 403 200"),
    'manage/users/': ('/manage/users/', "302 403 403 403 403 403 200 200"),
    'manage/users/add/': ('/manage/users/add/', "302 403 403 403 403 403 200 200"),
    'manage/users/<id:pk>/': ('/manage/users/{user}/', "302 403 403 403 403 403 200 200"),
    'manage/users/<id:pk>/disable/': ('/manage/users/{user}/disable/', "302 403 403 403 403 403 200 200"),
    'manage/users/<id:pk>/reset-two-factor/': ('/manage/users/{user}/reset-two-factor/', "302 403 403 403 403 403 200 200"),
    'manage/users/<id:pk>/enable/': ('/manage/users/{user}/enable/', "302 403 403 403 403 403 200 200"),
    'manage/users/<id:pk>/unlock/': ('/manage/users/{user}/unlock/', "302 403 403 403 403 403 200 200"),
    'manage/agencies/<id:pk>/reactivate/': ('/manage/agencies/{agency}/reactivate/', "302 403 403 403 403 403 403 200"),
    'manage/service-tokens/': ('/manage/service-tokens/', "302 403 403 403 403 403 200 200"),
    'manage/service-tokens/add/': ('/manage/service-tokens/add/', "302 403 403 403 403 403 200 200"),
    'manage/service-tokens/<id:pk>/revoke/': ('/manage/service-tokens/{service_token}/revoke/', "302 403 403 403 403 403 200 200"),
    'api/schema/': ('/api/schema/', "401 200 200 200 200 200 200 200"),
    'api/token/': ('/api/token/', "302 200 200 200 200 200 200 200"),
    'api/me/': ('/api/me/', "401 200 200 200 200 200 200 200"),
    'api/assessments/runs/': ('/api/assessments/runs/', "401 200 200 200 200 200 200 200"),
    'api/assessments/runs/<id:pk>/': ('/api/assessments/runs/{run}/', "401 200 200 200 200 200 200 200"),
    'api/incidents/summary/': ('/api/incidents/summary/', "401 200 200 200 200 200 200 200"),
    'accessibility/': ('/accessibility/', "200 200 200 200 200 200 200 200"),
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
    token = create_token(partnership.owner, name="ASB log", scopes=["incidents.push"],
                         mapping="council-asb").token
    return {"run": run.pk, "target": target.pk, "agency": partnership.outsider.pk,
            "user": partnership.user("owner", "viewer").pk, "service_token": token.pk}


def routes() -> list[str]:
    return [route for route, _ in walk(get_resolver().url_patterns)]


def every_sweep_table() -> dict[str, tuple[str, str]]:
    tables: dict[str, tuple[str, str]] = {}
    for path in sorted(Path(__file__).parents[1].glob("*/test_url_sweep.py")):
        module = importlib.import_module(f"tests.apps.{path.parent.name}.test_url_sweep")
        overlap = set(tables) & set(module.SWEEP)
        assert not overlap, f"{path.parent.name} repeats routes: {sorted(overlap)}"
        tables.update(module.SWEEP)
    return tables


def test_every_url_is_in_a_sweep_table():
    tables = every_sweep_table()
    assert sorted(set(routes()) - set(tables)) == []
    assert sorted(set(tables) - set(routes())) == []


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)
