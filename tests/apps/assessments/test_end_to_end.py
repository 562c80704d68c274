"""One real assessment, started from the web form on a small synthetic demo town and run by the
task backend in the request (Django's TASKS setting switched to the immediate backend), then
read back through the run page and its downloads."""

from __future__ import annotations

import json
import re

import pytest

from saferplaces.apps.assessments.models import AssessmentRun, RunStatus
from saferplaces.commands.demo import load_demo
from saferplaces.demo import generate_town
from tests.web.conftest import html_tables

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def demo_town(db, tmp_path):
    generate_town(tmp_path / "town", seed=2, months=24, scale=0.3)
    load_demo(tmp_path / "town", progress=lambda *a: None)


def test_an_assessment_started_from_the_form_lists_its_priorities_and_serves_its_reports(
        analyst_client, demo_town, settings):
    settings.TASKS = IMMEDIATE
    index = analyst_client.get("/assessments/").content.decode()
    months = dict(re.findall(r'name="(\w+_month_(?:month|year))" type="text" inputmode="numeric" value="(\d+)"', index))
    assert months == {"first_month_month": "1", "first_month_year": "2025",
                      "last_month_month": "12", "last_month_year": "2025"}

    # two priorities keep the charts and PDFs (most of the run's time) few
    response = analyst_client.post("/assessments/start/", {**months,
                                                           "config_toml": "[assessment]\npriorities = 2\n"})
    run = AssessmentRun.objects.get()
    assert response["Location"] == f"/assessments/{run.pk}/"
    assert run.status == RunStatus.DONE, run.error
    assert run.synthetic and (run.first_month, run.last_month) == ("2025-01", "2025-12")

    html = analyst_client.get(response["Location"]).content.decode()
    names = {c["id"]: c["name"] for c in run.result["candidates"]}
    assert len(run.result["priorities"]) == 2
    rows = html_tables(html)["Recommended priorities"][1:]
    assert [row[:2] for row in rows] == [["1", names[run.result["priorities"][0]]],
                                         ["2", names[run.result["priorities"][1]]]]
    assert [row[3] for row in rows] == [str(c["rank"]) for c in run.result["candidates"]
                                        if c["id"] in run.result["priorities"]]
    for number, key in enumerate(run.result["priorities"], start=1):
        assert f'<section class="sp-priority" id="priority-{number}"' in html
        assert f'data-candidate="{key}"' in html
    assert 'id="synthetic-data-banner"' in html

    pdf = analyst_client.get(f"/assessments/{run.pk}/report.pdf")
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].startswith("attachment;")
    assert analyst_client.get(f"/assessments/{run.pk}/public.pdf").content.startswith(b"%PDF")
    panel = analyst_client.get(f"/assessments/{run.pk}/report.html").content.decode()
    for number, key in enumerate(run.result["priorities"], start=1):
        # the run page's evidence links land on the right section of the report
        assert f'id="priority-{number}" data-candidate="{key}"' in panel
    public = json.loads(analyst_client.get(f"/assessments/{run.pk}/public.json").content)
    assert public["priorities"] == run.result["priorities"] and "public" in public
