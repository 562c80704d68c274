"""The Assessments section through Django's test client on a real database: who may see and do
what, the runs list and start form, a run's page and reports, comparing runs, partner entries."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_tasks_db.models import DBTaskResult

from saferplaces.apps.accounts.services import provision_totp
from saferplaces.apps.assessments.models import (
    AssessmentRun,
    EnteredScore,
    HorizonItem,
    Recommendation,
    RunStatus,
    Target,
)
from saferplaces.apps.assessments.services import entered_inputs
from tests.apps.assessments.conftest import PDF_BYTES, first_result, store_run
from tests.web.conftest import html_tables

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    """Visible text, tags dropped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def error_summary(html: str) -> list[tuple[str, str]]:
    """(link target, message) of each entry in the GOV.UK error summary."""
    summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "the page has no error summary"
    return [(href, " ".join(text.split()))
            for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', summary.group(1), re.S)]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def month_values(html: str, name: str) -> tuple[str, str]:
    month = re.search(rf'id="{name}-month" name="{name}_month" type="text" inputmode="numeric" value="([^"]*)"', html)
    year = re.search(rf'id="{name}-year" name="{name}_year" type="text" inputmode="numeric" value="([^"]*)"', html)
    assert month and year
    return month.group(1), year.group(1)


# --- who may see and do what ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_for_every_page_and_download(client, finished_run):
    pk = finished_run.pk
    for url in ["/assessments/", f"/assessments/{pk}/", f"/assessments/{pk}/status.json",
                f"/assessments/{pk}/report.html", f"/assessments/{pk}/report.pdf",
                f"/assessments/{pk}/public.html", f"/assessments/{pk}/public.json",
                f"/assessments/compare/?a={pk}&b={pk}", "/assessments/entries/",
                "/assessments/default-config.toml"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/assessments/"), url
    response = client.post("/assessments/start/", {"first_month_month": "4", "first_month_year": "2023",
                                                   "last_month_month": "3", "last_month_year": "2024"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert AssessmentRun.objects.count() == 1


def test_signing_in_returns_to_the_page_asked_for(client, analyst, finished_run):
    response = client.get(f"/assessments/{finished_run.pk}/")
    login_url = response["Location"]
    html = page(client, login_url)
    assert '<h1 class="govuk-heading-xl">Sign in</h1>' in html
    assert 'autocomplete="current-password"' in html and 'type="password"' in html
    app = provision_totp(analyst)
    response = client.post(login_url, {"username": "alice", "password": "correct horse battery",
                                       "next": f"/assessments/{finished_run.pk}/"})
    # then the second factor: a code from the authenticator app
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/verify/")
    response = client.post(response["Location"], {"code": f"{totp(app.device.bin_key):06d}"})
    assert response.status_code == 302 and response["Location"] == f"/assessments/{finished_run.pk}/"
    assert "Signed in as <strong>Alice Analyst</strong>" in page(client, response["Location"])


def test_wrong_password_is_shown_in_an_error_summary_and_password_is_not_echoed(client, analyst):
    response = client.post("/accounts/login/", {"username": "alice", "password": "not-the-password"})
    html = response.content.decode()
    assert response.status_code == 200
    [(target, message)] = error_summary(html)
    assert target == "#id_username" and "correct username and password" in message
    assert "not-the-password" not in html
    assert "<title>Error: Sign in" in html


def test_signing_out_is_a_post_and_ends_the_session(analyst_client):
    assert page(analyst_client, "/assessments/")
    assert analyst_client.get("/accounts/logout/").status_code == 405
    response = analyst_client.post("/accounts/logout/")
    assert response.status_code == 200 and "You have signed out" in response.content.decode()
    assert analyst_client.get("/assessments/").status_code == 302


def test_a_signed_in_user_can_change_their_password(analyst_client, analyst):
    html = page(analyst_client, "/accounts/password_change/")
    assert '<h1 class="govuk-heading-xl">Change your password</h1>' in html
    html = analyst_client.post("/accounts/password_change/", {
        "old_password": "wrong", "new_password1": "a new long passphrase",
        "new_password2": "a new long passphrase"}).content.decode()
    assert error_summary(html)[0][0] == "#id_old_password"
    response = analyst_client.post("/accounts/password_change/", {
        "old_password": "correct horse battery", "new_password1": "a new long passphrase",
        "new_password2": "a new long passphrase"})
    assert response["Location"] == "/accounts/password_change/done/"
    assert "Password changed" in page(analyst_client, response["Location"])
    analyst.refresh_from_db()
    assert analyst.check_password("a new long passphrase")


def test_the_assessments_section_is_marked_in_the_navigation(analyst_client, finished_run):
    for url in ["/assessments/", f"/assessments/{finished_run.pk}/", "/assessments/entries/"]:
        html = page(analyst_client, url)
        assert re.search(r'govuk-service-navigation__item--active">\s*<a class="govuk-service-navigation__link" '
                         r'href="/assessments/" aria-current="(page|true)"><strong[^>]*>Assessments</strong>', html), url


def test_viewer_reads_runs_and_reports_but_may_not_start_or_enter(viewer_client, store, finished_run):
    pk = finished_run.pk
    index = page(viewer_client, "/assessments/")
    assert "Start the assessment" not in index and "ask an administrator for analyst permission" in index
    assert page(viewer_client, f"/assessments/{pk}/")
    assert viewer_client.get(f"/assessments/{pk}/report.pdf").content == PDF_BYTES
    entries = page(viewer_client, "/assessments/entries/")
    assert "Save the score" not in entries and "Withdraw" not in entries

    item = HorizonItem.objects.create(heading="social", title="New student housing")
    refused = {
        "/assessments/start/": {"first_month_month": "4", "first_month_year": "2023",
                                "last_month_month": "3", "last_month_year": "2024"},
        "/assessments/entries/scores/": {"score-candidate": "theme:violence", "score-dimension": "concern",
                                         "score-score": "4", "score-source": "survey"},
        "/assessments/entries/horizon/": {"horizon-heading": "social", "horizon-title": "Festival"},
        "/assessments/entries/recommendations/": {"recommendation-finding": "theme:violence",
                                                  "recommendation-text": "Patrol"},
        "/assessments/entries/targets/": {"target-candidate": "theme:violence", "target-measure": "incidents",
                                          "target-change_pct": "-10"},
        f"/assessments/entries/horizon/{item.pk}/withdraw/": {},
    }
    for url, data in refused.items():
        assert viewer_client.post(url, data).status_code == 403, url
    assert AssessmentRun.objects.count() == 1
    assert not EnteredScore.objects.exists() and not Recommendation.objects.exists()
    assert not Target.objects.exists()
    assert list(HorizonItem.objects.values_list("title", "active")) == [("New student housing", True)]


def test_missing_runs_and_reports_are_not_found(viewer_client, finished_run):
    queued = store_run(None, status=RunStatus.QUEUED)
    for url in ["/assessments/999999/", "/assessments/999999/status.json",
                "/assessments/999999/report.pdf", f"/assessments/{queued.pk}/report.html",
                f"/assessments/{queued.pk}/public.pdf", "/assessments/entries/target/999999/withdraw/"]:
        response = viewer_client.get(url)
        # withdrawing needs assessments.run, which a viewer lacks: refused before anything is looked up
        assert response.status_code == (403 if url.endswith("withdraw/") else 404), url


def test_withdrawing_a_missing_entry_is_not_found_for_an_analyst(analyst_client):
    assert analyst_client.post("/assessments/entries/target/999999/withdraw/").status_code == 404


# --- the runs list and the start form ------------------------------------------------------------


def test_runs_list_shows_period_kind_status_priorities_and_who_started(analyst_client, store, finished_run):
    store_run(None, status=RunStatus.FAILED, error="ValueError: no incidents")
    rows = html_tables(page(analyst_client, "/assessments/"))["2 assessments, latest first"]
    assert rows[0] == ["Assessment year", "Kind", "Status", "Priorities", "Started"]
    failed, done = rows[1:]
    assert failed[:4] == ["April 2023 to March 2024", "Strategic assessment", "Failed", "None: the run failed"]
    assert failed[4].startswith("Not recorded")
    assert done[:4] == ["April 2023 to March 2024", "Strategic assessment", "Finished", "Violence Burglary"]
    assert done[4].startswith("Alice Analyst")


def test_runs_list_reads_a_fixed_number_of_queries_however_many_runs(analyst_client, store, finished_run):
    with CaptureQueriesContext(connection) as one:
        page(analyst_client, "/assessments/")
    for _ in range(4):
        store_run(first_result())
    with CaptureQueriesContext(connection) as five:
        html = page(analyst_client, "/assessments/")
    assert html.count("<li>Violence</li>") == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_start_form_defaults_to_the_latest_twelve_months_of_data(analyst_client, store):
    html = page(analyst_client, "/assessments/")
    assert month_values(html, "first_month") == ("4", "2023")
    assert month_values(html, "last_month") == ("3", "2024")
    assert '<details class="govuk-details">' in html  # the configuration box starts closed


def test_the_default_configuration_is_offered_as_text(analyst_client):
    response = analyst_client.get("/assessments/default-config.toml")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"[scoring.weights]" in response.content and b"priorities = 5" in response.content


def test_an_empty_store_offers_no_start_form(analyst_client):
    html = page(analyst_client, "/assessments/")
    assert "The incident store is empty" in html and "Start the assessment" not in html


def test_starting_creates_a_queued_run_and_hands_it_to_the_worker(analyst_client, analyst, store):
    response = analyst_client.post("/assessments/start/", {
        "first_month_month": "4", "first_month_year": "2023", "last_month_month": "03",
        "last_month_year": "2024", "config_toml": "[assessment]\npriorities = 3\n"})
    run = AssessmentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessments/{run.pk}/"
    assert (run.first_month, run.last_month, run.status) == ("2023-04", "2024-03", RunStatus.QUEUED)
    assert run.created_by == analyst and "priorities = 3" in run.config_toml
    task = DBTaskResult.objects.get()
    assert task.task_path == "saferplaces.apps.assessments.tasks.run_assessment_task"
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}


@pytest.mark.parametrize("config, message", [
    ("[assessment]\npriorities = \"many\"\n", "The configuration has a mistake: assessment config: assessment.priorities"),
    ("[assesment]\npriorities = 3\n", "The configuration has a mistake: assessment config: assesment"),
    ("[assessment\npriorities = 3\n", "The configuration is not valid TOML"),
    ("[assessment]\npriorities = 100000000000000000\n",
     "The configuration has a mistake: assessment config: assessment.priorities: must be a whole "
     "number from 1 to 20 (a partnership names a few)"),
    ("[hotspots]\npermutations = 10000000\n",
     "The configuration has a mistake: assessment config: hotspots.permutations: must be a whole "
     "number from 1 to 99,999"),
])
def test_a_bad_configuration_is_explained_in_the_error_summary(analyst_client, store, config, message):
    response = analyst_client.post("/assessments/start/", {
        "first_month_month": "4", "first_month_year": "2023", "last_month_month": "3",
        "last_month_year": "2024", "config_toml": config})
    html = response.content.decode()
    [(target, text)] = error_summary(html)
    assert target == "#config_toml" and text.startswith(message)
    assert '<details class="govuk-details" open>' in html
    assert "govuk-textarea--error" in html
    assert month_values(html, "first_month") == ("4", "2023")
    assert not AssessmentRun.objects.exists() and not DBTaskResult.objects.exists()


def test_month_mistakes_are_named_and_linked_to_their_boxes(analyst_client, store):
    html = analyst_client.post("/assessments/start/", {
        "first_month_month": "13", "first_month_year": "2023", "last_month_month": "3",
        "last_month_year": ""}).content.decode()
    assert error_summary(html) == [("#first_month-month", "First month must be a real month, for example 1 2025"),
                                   ("#last_month-year", "Last month must include a year")]
    # only the box with the problem is outlined
    assert 'govuk-input--error" id="first_month-month"' in html and 'govuk-input--error" id="first_month-year"' not in html
    assert 'govuk-input--error" id="last_month-year"' in html and 'govuk-input--error" id="last_month-month"' not in html
    html = analyst_client.post("/assessments/start/", {
        "first_month_month": "4", "first_month_year": "2024", "last_month_month": "3",
        "last_month_year": "2024"}).content.decode()
    assert error_summary(html) == [("#last_month-month", "Last month must be the same as or after the first month")]
    assert not AssessmentRun.objects.exists()


def test_an_assessment_over_months_without_data_is_refused_before_it_starts(analyst_client, store):
    html = analyst_client.post("/assessments/start/", {
        "first_month_month": "1", "first_month_year": "2030", "last_month_month": "12",
        "last_month_year": "2030"}).content.decode()
    [(target, text)] = error_summary(html)
    assert target == "#first_month-month"
    assert text.startswith("There are no incidents from January 2030 to December 2030: choose "
                           "months with data (the store holds ")
    assert not AssessmentRun.objects.exists() and not DBTaskResult.objects.exists()


# --- a run's page ---------------------------------------------------------------------------------


def test_a_running_run_shows_its_stage_and_progress_and_keeps_itself_up_to_date(analyst_client, analyst):
    run = store_run(None, status=RunStatus.RUNNING, user=analyst, stage="Measuring and scoring candidate priorities",
                    reports=False)
    AssessmentRun.objects.filter(pk=run.pk).update(progress=20)
    html = page(analyst_client, f"/assessments/{run.pk}/")
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert '<p class="govuk-body" id="run-stage" aria-live="polite">Measuring and scoring candidate priorities</p>' in html
    assert 'max="100" value="20"' in html
    assert f'data-status-url="/assessments/{run.pk}/status.json"' in html
    status = analyst_client.get(f"/assessments/{run.pk}/status.json").json()
    assert status == {"status": "running", "label": "Running",
                      "stage": "Measuring and scoring candidate priorities", "progress": 20}


def test_a_finished_run_lists_its_priorities_with_their_evidence(analyst_client, finished_run):
    html = page(analyst_client, f"/assessments/{finished_run.pk}/")
    assert "http-equiv" not in html and "run-progress" not in html
    tables = html_tables(html)
    assert tables["Recommended priorities"] == [
        ["Priority", "Candidate", "Risk score", "Rank of 3", "Rank range", "Change on the year before"],
        ["1", "Violence", "62.5", "1", "1 to 2", "+30%"],
        ["2", "Burglary", "48.0", "2", "1 to 3", "-20%"],
    ]
    # the top two ranked neighbourhoods (top_areas = 2), the unranked one left out
    assert tables["Violence: highest rates by neighbourhood"] == [
        ["Neighbourhood", "Incidents", "Year before", "Per 1,000 residents", "Change"],
        ["Castle", "80", "50", "9.5", "+60%"],
        ["Berechurch", "50", "50", "3.1", "0%"],
    ]
    text = words(html)
    assert "Violence: 130 incidents, 100 the year before." in text
    assert ("exact conditional Poisson test (C-test), two-sided; Benjamini–Hochberg adjusted across "
            "candidates: p=0.004, adjusted p=0.012: rising") in text
    assert "4 Getis–Ord Gi* hot cells (1 new this year), holding 35% of the incidents" in text
    assert "+8% a year, adjusted p=0.030" in text
    assert f'href="/assessments/{finished_run.pk}/report.html#priority-1"' in html
    assert "entered community concern score for unknown candidate &#x27;theme:old&#x27; ignored" in html
    assert "Started " in text and "by Alice Analyst" in text


def test_a_finished_run_offers_both_versions_of_the_report_in_every_format(analyst_client, finished_run):
    html = page(analyst_client, f"/assessments/{finished_run.pk}/")
    pk = finished_run.pk
    for version in ("report", "public"):
        assert f'href="/assessments/{pk}/{version}.html"' in html
        assert f'href="/assessments/{pk}/{version}.pdf" download' in html
        assert f'href="/assessments/{pk}/{version}.json" download' in html
    assert "Download the panel report as PDF" in words(html)


def test_reports_show_html_in_the_browser_and_download_pdf_and_json(analyst_client, finished_run):
    pk = finished_run.pk
    html = analyst_client.get(f"/assessments/{pk}/report.html")
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert html["Content-Disposition"] == 'inline; filename="assessment-2023-04-to-2024-03-panel.html"'
    assert "default-src 'none'" in html["Content-Security-Policy"]
    assert "no-store" in html["Cache-Control"] and "private" in html["Cache-Control"]
    assert b"Restricted" in html.content
    assert b"Public version" in analyst_client.get(f"/assessments/{pk}/public.html").content
    pdf = analyst_client.get(f"/assessments/{pk}/public.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == PDF_BYTES
    assert pdf["Content-Disposition"] == 'attachment; filename="assessment-2023-04-to-2024-03-public.pdf"'
    body = analyst_client.get(f"/assessments/{pk}/report.json")
    assert body["Content-Disposition"].startswith("attachment;")
    assert json.loads(body.content) == {"public": False}


def test_a_failed_run_shows_its_error(analyst_client):
    run = store_run(None, status=RunStatus.FAILED, error="ValueError: the store has no incidents before 2023-04")
    html = page(analyst_client, f"/assessments/{run.pk}/")
    assert "The assessment failed" in html
    assert '<p class="govuk-body" id="run-error">ValueError: the store has no incidents before 2023-04</p>' in html
    assert "http-equiv" not in html and "Reports" not in html


# --- comparing two runs ---------------------------------------------------------------------------


def test_comparing_two_runs_shows_moves_and_new_and_dropped_priorities(analyst_client, finished_run, later_run):
    a, b = finished_run.pk, later_run.pk
    html = page(analyst_client, f"/assessments/compare/?a={a}&b={b}")
    assert re.findall(r"<li>(.*?)</li>", re.search(r'id="priorities-a">(.*?)</ol>', html).group(1)) == [
        "Violence", "Burglary"]
    assert re.findall(r"<li>(.*?)</li>", re.search(r'id="priorities-b">(.*?)</ol>', html).group(1)) == [
        "Shoplifting", "Violence"]
    assert words(re.search(r'id="new-priorities">(.*?)</dd>', html).group(1)) == "Shoplifting"
    assert words(re.search(r'id="dropped-priorities">(.*?)</dd>', html).group(1)) == "Burglary"
    assert html_tables(html)["Every candidate's rank and risk score"] == [
        ["Candidate", f"Rank, run {a}", f"Rank, run {b}", "Move", f"Risk score, run {a}",
         f"Risk score, run {b}", "Change"],
        ["Shoplifting Priority", "3", "1", "▲ Up 2", "40.0", "58.0", "+18.0"],
        ["Violence Priority", "1", "2", "▼ Down 1", "62.5", "55.2", "-7.2"],
        ["Drugs", "–", "3", "New candidate", "–", "45.0", "–"],
        ["Burglary Was a priority", "2", "4", "▼ Down 2", "48.0", "48.0", "0.0"],
    ]


def test_the_run_page_offers_to_compare_with_other_finished_runs(analyst_client, finished_run, later_run):
    html = page(analyst_client, f"/assessments/{later_run.pk}/")
    assert f'<input type="hidden" name="b" value="{later_run.pk}">' in html
    assert re.findall(r'<option value="(\d+)">', re.search(r'id="compare-a" name="a">(.*?)</select>', html, re.S).group(1)) == [
        str(finished_run.pk)]


def test_comparing_needs_two_different_finished_runs(analyst_client, finished_run, later_run):
    same = analyst_client.get(f"/assessments/compare/?a={finished_run.pk}&b={finished_run.pk}").content.decode()
    assert error_summary(same) == [("#b", "Choose two different assessments")]
    running = store_run(None, status=RunStatus.RUNNING)
    html = analyst_client.get(f"/assessments/compare/?a={running.pk}&b={later_run.pk}").content.decode()
    assert error_summary(html) == [("#a", "Choose a finished assessment")]
    assert "Every candidate" not in html


# --- partner entries -------------------------------------------------------------------------------


def post_score(client, **overrides):
    data = {"score-candidate": "theme:violence", "score-dimension": "concern", "score-score": "4",
            "score-source": "Residents' survey 2024 (1,200 replies)", "score-note": ""}
    data.update({f"score-{k}": v for k, v in overrides.items()})
    return client.post("/assessments/entries/scores/", data)


def test_a_score_out_of_range_or_without_its_source_is_refused_with_an_error_summary(analyst_client, finished_run):
    response = post_score(analyst_client, score="7", source="   ")
    html = response.content.decode()
    assert response.status_code == 200
    assert error_summary(html) == [("#score-score", "Choose a score from 1 to 5"),
                                   ("#score-source", "Enter where the score comes from")]
    assert "<title>Error: Partner entries" in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert not EnteredScore.objects.exists()
    html = post_score(analyst_client, candidate="theme:unknown").content.decode()
    assert error_summary(html) == [("#score-candidate", "Choose the candidate priority the score is for from the list")]


def test_scores_show_the_latest_per_candidate_with_history_and_reach_the_next_run(analyst_client, finished_run):
    assert post_score(analyst_client, score="2", source="Councillor casework").status_code == 302
    response = post_score(analyst_client, score="4")
    assert response.status_code == 302 and response["Location"] == "/assessments/entries/#scores"
    assert post_score(analyst_client, dimension="capacity", score="5", candidate="police-uk:burglary",
                      source="Burglary task group").status_code == 302
    html = page(analyst_client, "/assessments/entries/")
    assert "Score saved. The next assessment run uses it." in html
    tables = html_tables(html)
    assert tables["Current scores"][1:] == [
        ["Violence", tables["Current scores"][1][1], "Not entered"],
        ["Burglary", "Not entered", tables["Current scores"][2][2]],
    ]
    assert tables["Current scores"][1][1].startswith("4 from Residents' survey 2024 (1,200 replies)")
    assert tables["Current scores"][2][2].startswith("5 from Burglary task group")
    history = tables["Scores entered, latest first"]
    assert [row[1:4] for row in history[1:]] == [["Burglary", "Partnership capacity and confidence to act", "5"],
                                                 ["Violence", "Community concern", "4"],
                                                 ["Violence", "Community concern", "2"]]
    entered = entered_inputs()
    assert entered.concern["theme:violence"].score == 4
    assert entered.concern["theme:violence"].source == "Residents' survey 2024 (1,200 replies)"
    assert entered.capacity["police-uk:burglary"].score == 5


def test_horizon_items_recommendations_and_targets_reach_the_next_run_until_withdrawn(analyst_client, finished_run):
    responses = [
        analyst_client.post("/assessments/entries/horizon/", {
            "horizon-heading": "economic", "horizon-title": "Night-time economy grows",
            "horizon-description": "Two late bars open", "horizon-source": "Licensing"}),
        analyst_client.post("/assessments/entries/recommendations/", {
            "recommendation-finding": "theme:violence", "recommendation-text": "Fund street marshals",
            "recommendation-owner": "Town centre partnership"}),
        analyst_client.post("/assessments/entries/targets/", {
            "target-candidate": "police-uk:burglary", "target-measure": "incidents",
            "target-change_pct": "-10", "target-baseline": "", "target-note": "Three-year plan"}),
    ]
    assert [r["Location"] for r in responses] == ["/assessments/entries/#horizon",
                                                  "/assessments/entries/#recommendations",
                                                  "/assessments/entries/#targets"]
    entered = entered_inputs()
    assert [(h.heading, h.title, h.source) for h in entered.horizon] == [
        ("economic", "Night-time economy grows", "Licensing")]
    assert [(r.finding, r.text, r.owner) for r in entered.recommendations] == [
        ("theme:violence", "Fund street marshals", "Town centre partnership")]
    assert [(t.candidate, t.measure, t.change_pct, t.baseline) for t in entered.targets] == [
        ("police-uk:burglary", "incidents", -10.0, None)]

    tables = html_tables(page(analyst_client, "/assessments/entries/"))
    assert tables["Recommendations in use"][1][:3] == ["Fund street marshals", "Violence", "Town centre partnership"]
    assert tables["Targets in use"][1][:5] == ["Burglary", "Incidents", "-10%", "This year's value", "Three-year plan"]

    target = Target.objects.get()
    response = analyst_client.post(f"/assessments/entries/target/{target.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == "/assessments/entries/#targets"
    assert entered_inputs().targets == ()
    assert Target.objects.filter(active=False).count() == 1


def test_targets_are_set_only_for_the_latest_runs_priorities(analyst_client, finished_run):
    html = analyst_client.post("/assessments/entries/targets/", {
        "target-candidate": "police-uk:shoplifting", "target-measure": "incidents",
        "target-change_pct": "-150"}).content.decode()
    assert error_summary(html) == [
        ("#target-candidate", "Choose the priority the target is for from the list"),
        ("#target-change_pct", "Change to aim for cannot be a fall of more than 100%")]
    assert not Target.objects.exists()


def test_without_a_finished_run_only_horizon_items_can_be_entered(analyst_client):
    html = page(analyst_client, "/assessments/entries/")
    assert "Add the item" in html
    assert "Save the score" not in html and "Set the target" not in html
    assert "come from a finished assessment" in html
    html = post_score(analyst_client).content.decode()
    assert error_summary(html)[0] == ("#score-candidate", "Choose the candidate priority the score is for from the list")


def test_synthetic_store_is_labelled_on_the_assessments_pages(analyst_client, tmp_path, finished_run):
    from tests.web.conftest import build_store

    build_store(tmp_path, synthetic_council_log=True)
    for url in ["/assessments/", f"/assessments/{finished_run.pk}/", "/assessments/entries/"]:
        assert 'id="synthetic-data-banner"' in page(analyst_client, url), url
