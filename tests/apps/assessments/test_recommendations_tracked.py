"""Recommendations tracked: added with a lead, agency and due date, reported on with dated
progress updates (the latest sets the status; dropped needs a reason), edited with the version
they were opened on, and carried into the next assessment's "progress on last year's priorities"
with their status and latest update."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from saferplaces.apps.assessments.models import AssessmentRun, Recommendation, RunStatus
from saferplaces.apps.assessments.services import entered_inputs, previous_result
from saferplaces.apps.assessments.tracking import last_years_recommendations
from saferplaces.strategic import Period, load_config, run_assessment
from saferplaces.strategic.report import render_html
from tests.apps.assessments.conftest import first_result, store_run
from tests.strategic.smalltown import build

ENTRY = {"recommendation-finding": "police-uk:shoplifting", "recommendation-text": "Fund a retail crime officer",
         "recommendation-owner": "Retail crime partnership", "recommendation-due_day": "31",
         "recommendation-due_month": "3", "recommendation-due_year": "2026"}


def progress(status: str, note: str, *, on: dt.date, reason: str = "") -> dict[str, str]:
    return {"progress-on_day": str(on.day), "progress-on_month": str(on.month), "progress-on_year": str(on.year),
            "progress-status": status, "progress-note": note, "progress-reason": reason}


@pytest.fixture
def added(db, partnership, signed_in_client) -> Recommendation:
    store_run(first_result())  # its candidates are the findings a recommendation can answer
    client = signed_in_client(partnership.users["owner-analyst"])
    response = client.post("/assessments/entries/recommendations/",
                           {**ENTRY, "recommendation-agency": str(partnership.partner.pk)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Recommendation.objects.get()


def test_an_analyst_adds_a_recommendation_with_its_lead_agency_and_due_date(added, partnership):
    assert (added.owner, added.agency, added.due, added.status) == (
        "Retail crime partnership", partnership.partner, dt.date(2026, 3, 31), "not-started")


def test_progress_updates_set_the_status_and_the_latest_counts(added, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-coordinator"])
    url = f"/assessments/recommendations/{added.pk}/progress/"
    today = timezone.localdate()
    assert client.post(url, progress("in-progress", "Officer recruited", on=today)).status_code == 302
    assert client.post(url, progress("not-started", "Older note entered late",
                                     on=today - dt.timedelta(days=30))).status_code == 302
    added.refresh_from_db()
    assert added.status == "in-progress"  # the update of the latest day, not the latest typed
    page = client.get(f"/assessments/recommendations/{added.pk}/").content.decode()
    assert "Officer recruited" in page and "Older note entered late" in page
    listing = client.get("/assessments/recommendations/").content.decode()
    assert "Fund a retail crime officer" in listing and "Colchester City Council" in listing


def test_dropping_a_recommendation_needs_a_reason_and_a_future_date_is_refused(added, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    url = f"/assessments/recommendations/{added.pk}/progress/"
    today = timezone.localdate()
    response = client.post(url, progress("dropped", "Stopped", on=today))
    assert response.status_code == 400 and "Enter why the recommendation was dropped" in response.content.decode()
    future = client.post(url, progress("done", "Done early", on=today + dt.timedelta(days=3)))
    assert "must be today or in the past" in future.content.decode()
    assert client.post(url, progress("dropped", "Stopped", on=today, reason="Funding withdrawn")).status_code == 302
    added.refresh_from_db()
    assert (added.status, added.status_reason) == ("dropped", "Funding withdrawn")
    # done and dropped ones are reported, not recommended again
    assert entered_inputs().recommendations == ()


def test_an_edit_on_an_old_version_saves_nothing_and_shows_both(added, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    url = f"/assessments/recommendations/{added.pk}/edit/"
    form = {"edit-text": added.text, "edit-owner": "Town centre manager", "edit-agency": "",
            "edit-due_day": "", "edit-due_month": "", "edit-due_year": "", "edit-version": str(added.version)}
    assert client.post(url, form).status_code == 302
    stale = client.post(url, {**form, "edit-owner": "Someone else"})
    assert stale.status_code == 409 and 'id="conflict-versions"' in stale.content.decode()
    added.refresh_from_db()
    assert (added.owner, added.agency, added.due) == ("Town centre manager", None, None)


def test_readers_read_and_only_analysts_and_coordinators_change(added, partnership, signed_in_client, client):
    today = timezone.localdate()
    viewer = signed_in_client(partnership.users["owner-viewer"])
    assert viewer.get(f"/assessments/recommendations/{added.pk}/").status_code == 200
    assert 'id="progress-form"' not in viewer.get(f"/assessments/recommendations/{added.pk}/").content.decode()
    assert viewer.post(f"/assessments/recommendations/{added.pk}/progress/",
                       progress("done", "x", on=today)).status_code == 403
    assert viewer.get("/assessments/recommendations/999999/").status_code == 404
    assert client.get(f"/assessments/recommendations/{added.pk}/").status_code == 302
    added.refresh_from_db()
    assert added.updates.count() == 0


@pytest.mark.slow
def test_a_tracked_recommendation_appears_in_the_next_assessments_progress_section(
        added, partnership, signed_in_client):
    """Year one's run lists the recommendation; progress is reported; the next year's run
    (its previous year found as the web app finds it) reports its status and latest update."""
    config = load_config()
    year_one = run_assessment(dataclasses.replace(build(), period=Period("2024-01", "2024-12"),
                                                  entered=entered_inputs()), config)
    stored = store_run(year_one.to_dict(), reports=False)
    assert stored.result["entered"]["recommendations"][0]["ref"] == added.pk

    client = signed_in_client(partnership.users["owner-analyst"])
    on = timezone.localdate()
    client.post(f"/assessments/recommendations/{added.pk}/progress/",
                progress("in-progress", "Officer in post since June", on=on))

    year_two = AssessmentRun.objects.create(first_month="2025-01", last_month="2025-12", status=RunStatus.QUEUED)
    previous = previous_result(year_two)
    assert previous is not None and previous["period"]["first_month"] == "2024-01"
    result = run_assessment(dataclasses.replace(
        build(), previous=previous, tracked_recommendations=last_years_recommendations(previous)), config)
    [carried] = result.to_dict()["progress"]["recommendations"]
    assert (carried["text"], carried["status"], carried["agency"], carried["due"]) == (
        "Fund a retail crime officer", "in progress", "Colchester City Council", "2026-03-31")
    assert (carried["latest_update"], carried["latest_update_on"]) == ("Officer in post since June", on.isoformat())

    section = render_html(result).split('<section id="progress">')[1].split("</section>")[0]
    assert "Fund a retail crime officer" in section and "In progress".lower() in section.lower()
    assert "Officer in post since June" in section and "31 March 2026" in section
    public = render_html(result, public=True).split('<section id="progress">')[1].split("</section>")[0]
    assert "Fund a retail crime officer" in public and "Officer in post since June" not in public
