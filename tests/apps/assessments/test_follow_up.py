"""The pages between assessments: deep dives (started from a form, shown on the run page),
monitoring the priorities against their targets, and ranking areas for the next Street Week
with recording the Street Weeks held.

Access and form mistakes are tested on the small web store; the figures on a small synthetic
demo town (generated once for the module, loaded per test), checked against counts taken
straight from the incident table. One real deep dive runs, through the immediate task backend.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from saferplaces.apps.assessments.models import (
    AssessmentRun,
    RunKind,
    RunStatus,
    StreetWeek,
    Target,
)
from saferplaces.apps.assessments.services import rank_street_weeks
from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.commands.demo import load_demo
from saferplaces.demo import generate_town
from tests.apps.assessments.conftest import candidate, make_result, store_run
from tests.apps.assessments.test_pages import error_summary, month_values, page, words
from tests.web.conftest import html_tables

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SHOPLIFTING = "police-uk:shoplifting"
ASB = "theme:anti-social-behaviour"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> Path:
    """A small synthetic town, January 2024 to December 2025 (files only: no database)."""
    folder = tmp_path_factory.mktemp("town")
    generate_town(folder, seed=2, months=24, scale=0.1)
    return folder


@pytest.fixture
def demo_town(db, demo_files) -> None:
    load_demo(demo_files, progress=lambda *a: None)


@pytest.fixture
def demo_assessment(db, analyst, demo_town) -> AssessmentRun:
    """A finished 2025 assessment (hand-made result) whose priorities are Shoplifting and the
    anti-social behaviour theme, both candidates in the demo town."""
    return store_run(make_result([
        candidate(SHOPLIFTING, "Shoplifting", 1, 61.0),
        candidate(ASB, "Anti-social behaviour (including repeat ASB)", 2, 55.0),
        candidate("police-uk:burglary", "Burglary", 3, 40.0),
    ], [SHOPLIFTING, ASB], first="2025-01", last="2025-12"), user=analyst)


@pytest.fixture
def assessment_of_2024(db, analyst, demo_town) -> AssessmentRun:
    """A finished 2024 assessment with the same priorities: its targets apply to 2025."""
    return store_run(make_result([
        candidate(SHOPLIFTING, "Shoplifting", 1, 61.0),
        candidate(ASB, "Anti-social behaviour (including repeat ASB)", 2, 55.0),
    ], [SHOPLIFTING, ASB], first="2024-01", last="2024-12"), user=analyst)


def monthly_counts(source: str, category: str, first: str, last: str) -> list[int]:
    """Incidents a month, straight from the incident table: the oracle for the pages."""
    months = pd.period_range(first, last, freq="M")
    counts = dict.fromkeys(months, 0)
    for month in Incident.objects.filter(source=source, category=category,
                                         month__gte=months[0].start_time.date(),
                                         month__lte=months[-1].start_time.date()
                                         ).values_list("month", flat=True):
        counts[pd.Period(month, "M")] += 1
    return [counts[m] for m in months]


def street_week(area: str, start: tuple[int, int, int], end: tuple[int, int, int] | None = None
                ) -> dict[str, str]:
    data = {"street-week-area_code": area}
    for name, day in (("start", start), ("end", end or ("", "", ""))):
        for part, value in zip(("day", "month", "year"), day, strict=True):
            data[f"street-week-{name}_{part}"] = str(value)
    return data


def deep_dive(topic: str, first: tuple[int, int], last: tuple[int, int]) -> dict[str, str]:
    return {"topic": topic, "first_month_month": str(first[0]), "first_month_year": str(first[1]),
            "last_month_month": str(last[0]), "last_month_year": str(last[1])}


def ranked_areas(html: str) -> list[tuple[str, str]]:
    """(name, code) of the ranked areas, in rank order."""
    table = re.search(r'id="ranking-caption">.*?</table>', html, re.S).group(0)
    return re.findall(r'data-area="([^"]+)">.*?<th scope="row" class="govuk-table__header">([^<]+)<br>',
                      table, re.S)


# --- who may see and do what ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client):
    for url in ["/assessments/deep-dive/", "/assessments/monitoring/", "/assessments/street-weeks/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    for url, data in {"/assessments/deep-dive/start/": deep_dive("theme:violence", (1, 2024), (3, 2024)),
                      "/assessments/street-weeks/record/": street_week("N1", (2, 6, 2025))}.items():
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert not AssessmentRun.objects.exists() and not StreetWeek.objects.exists()


def test_viewers_read_the_pages_but_may_not_start_a_deep_dive_or_record_a_street_week(
        viewer_client, store, finished_run):
    deep = page(viewer_client, "/assessments/deep-dive/")
    assert "Start the deep dive" not in deep and "ask an administrator for analyst permission" in deep
    weeks = page(viewer_client, "/assessments/street-weeks/")
    assert "Record the Street Week" not in weeks and "ask an administrator for analyst permission" in weeks
    # the hand-made assessment's priorities are not candidates in the small store
    monitoring = words(page(viewer_client, "/assessments/monitoring/"))
    assert "Showing April 2023 to March 2024" in monitoring
    assert "None of the assessment's 2 priorities can be monitored in these data" in monitoring
    assert viewer_client.post("/assessments/deep-dive/start/",
                              deep_dive("theme:violence", (1, 2024), (3, 2024))).status_code == 403
    assert viewer_client.post("/assessments/street-weeks/record/",
                              street_week("N1", (2, 6, 2025))).status_code == 403
    assert list(AssessmentRun.objects.all()) == [finished_run] and not StreetWeek.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_index_links_to_the_pages_between_assessments_which_sit_in_the_section(analyst_client, store):
    index = page(analyst_client, "/assessments/")
    links = re.search(r'id="between-links">(.*?)</ul>', index, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', links) == ["/assessments/monitoring/", "/assessments/deep-dive/",
                                                    "/assessments/street-weeks/"]
    for url in ["/assessments/deep-dive/", "/assessments/monitoring/", "/assessments/street-weeks/"]:
        assert 'govuk-service-navigation__item--active">' in page(analyst_client, url), url


# --- deep dives -----------------------------------------------------------------------------------


def test_deep_dive_topics_are_the_latest_assessments_candidates_over_the_latest_quarter(
        analyst_client, store, finished_run):
    html = page(analyst_client, "/assessments/deep-dive/")
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>',
                         re.search(r'<select[^>]*id="topic".*?</select>', html, re.S).group(0))
    assert options == [("", "Choose a topic"), ("theme:violence", "Violence (priority 1)"),
                       ("police-uk:burglary", "Burglary (priority 2)"), ("police-uk:shoplifting", "Shoplifting")]
    # the store's latest month is March 2024
    assert month_values(html, "first_month") == ("1", "2024")
    assert month_values(html, "last_month") == ("3", "2024")


def test_without_a_finished_assessment_there_are_no_deep_dive_topics(analyst_client, store):
    html = page(analyst_client, "/assessments/deep-dive/")
    assert 'id="no-topics"' in html and 'href="/assessments/#start"' in html
    assert "Start the deep dive" not in html


@pytest.mark.parametrize("data, expected", [
    ({}, [("#topic", "Choose the topic of the deep dive"), ("#first_month-month", "Enter the first month"),
          ("#last_month-month", "Enter the last month")]),
    (deep_dive("theme:unknown", (1, 2024), (3, 2024)),
     [("#topic", "Choose the topic of the deep dive from the list")]),
    (deep_dive("theme:violence", (3, 2024), (1, 2024)),
     [("#last_month-month", "Last month must be the same as or after the first month")]),
    (deep_dive("theme:violence", (1, 2023), (3, 2024)),
     [("#last_month-month", "Last month must be no more than 11 months after the first month (12 months at most)")]),
    (deep_dive("theme:violence", (2, 2024), (4, 2024)),
     [("#last_month-month", "Last month must be March 2024 or earlier: the latest month of data")]),
])
def test_deep_dive_mistakes_are_named_and_start_nothing(analyst_client, store, finished_run, data, expected):
    response = analyst_client.post("/assessments/deep-dive/start/", data)
    html = response.content.decode()
    assert response.status_code == 200 and error_summary(html) == expected
    assert "<title>Error: Deep dives" in html
    assert list(AssessmentRun.objects.all()) == [finished_run] and not DBTaskResult.objects.exists()


def test_starting_a_deep_dive_queues_it_for_the_worker(analyst_client, analyst, store, finished_run):
    response = analyst_client.post("/assessments/deep-dive/start/",
                                   deep_dive("police-uk:burglary", (1, 2024), (3, 2024)))
    run = AssessmentRun.objects.get(kind=RunKind.DEEP_DIVE)
    assert response.status_code == 302 and response["Location"] == f"/assessments/{run.pk}/"
    assert (run.topic, run.first_month, run.last_month, run.status) == (
        "police-uk:burglary", "2024-01", "2024-03", RunStatus.QUEUED)
    assert run.created_by == analyst
    assert DBTaskResult.objects.get().args_kwargs == {"args": [run.pk], "kwargs": {}}
    waiting = page(analyst_client, response["Location"])
    assert "<title>Deep dive: Burglary, January 2024 to March 2024" in waiting and 'id="run-progress"' in waiting
    listed = html_tables(page(analyst_client, "/assessments/deep-dive/"))["1 deep dive, latest first"]
    assert listed[1][:3] == ["Burglary", "January 2024 to March 2024", "Waiting to start"]


def deep_dive_result() -> dict:
    """A Burglary deep dive, January to March 2024, in the shape of ``DeepDiveResult.to_dict()``
    (the keys the run page reads). The history starts with one month of 2022 Q4."""
    area = {"population": 10000.0, "harm_rate": 1.0, "p_value": 0.5, "p_adj": 0.9}
    return {
        "kind": "saferplaces deep dive", "synthetic": False,
        "topic": {"id": "police-uk:burglary", "name": "Burglary", "kind": "police-uk",
                  "kind_label": "police.uk category", "sensitive": False},
        "period": {"first_month": "2024-01", "last_month": "2024-03", "months": 3},
        "same_period_last_year": {"first_month": "2023-01", "last_month": "2023-03", "months": 3},
        "period_before": {"first_month": "2023-10", "last_month": "2023-12", "months": 3},
        "measures": {"count": 60, "previous": 40, "pct_change": 50.0, "p_value": 0.0321,
                     "direction": "rising", "rate": 3.75, "harm_rate": 150.0,
                     "same_period_last_year": {"count": 40, "pct_change": 50.0, "p_value": 0.0321},
                     "period_before": {"count": 48, "pct_change": 25.0, "p_value": 0.31},
                     "test": "exact conditional Poisson test (C-test), two-sided",
                     "repeat": {"referenced_incidents": 20, "repeat_incident_rate": 0.25}},
        "quarterly": [{"quarter": "2022 Q4", "count": 10, "months": 1, "complete": False},
                      {"quarter": "2023 Q1", "count": 40, "months": 3, "complete": True},
                      {"quarter": "2023 Q2", "count": 35, "months": 3, "complete": True},
                      {"quarter": "2023 Q3", "count": 42, "months": 3, "complete": True},
                      {"quarter": "2023 Q4", "count": 48, "months": 3, "complete": True},
                      {"quarter": "2024 Q1", "count": 60, "months": 3, "complete": True}],
        "composition": {"categories": [{"group": "Burglary", "count": 60, "last_year": 40, "pct_change": 50.0}],
                        "flags": [{"group": "weapon", "count": 3, "last_year": 1, "pct_change": 200.0}],
                        "hate_strands": []},
        "areas": [{**area, "code": "N2", "name": "Berechurch", "count": 20, "previous": 20, "rate": 2.0,
                   "pct_change": 0.0, "rank": 2},
                  {**area, "code": "N3", "name": "Lexden", "count": 2, "previous": 1, "rate": 0.2,
                   "pct_change": 100.0, "rank": None},
                  {**area, "code": "N1", "name": "Castle", "count": 38, "previous": 19, "rate": 3.8,
                   "pct_change": 100.0, "rank": 1}],
        "hotspots": {"hot_cells": 3, "new_hot_cells": 2, "hot_share": 0.4, "areas_with_hot_cells": ["N1"]},
        "finding": "Burglary 60 incidents against 40 the same months a year before, +50% & rising.",
        "area_kind": "neighbourhood", "parameters": {"top_areas": 5},
    }


def test_a_finished_deep_dive_shows_its_finding_comparisons_quarters_and_places(
        analyst_client, analyst, finished_run, later_run):
    run = store_run(deep_dive_result(), user=analyst, kind=RunKind.DEEP_DIVE, topic="police-uk:burglary")
    html = page(analyst_client, f"/assessments/{run.pk}/")
    assert "<title>Deep dive: Burglary, January 2024 to March 2024" in html
    assert '<h1 class="govuk-heading-xl">Burglary</h1>' in html
    assert ('id="deep-dive-finding">Burglary 60 incidents against 40 the same months a year before, '
            '+50% &amp; rising.</div>') in html
    assert '<strong class="govuk-tag govuk-tag--red">Rising</strong>' in html
    tables = html_tables(html)
    assert tables["Burglary: incidents compared"] == [
        ["Period", "Incidents", "Change to this period", "Exact Poisson test"],
        ["This period January 2024 to March 2024", "60", "–", "–"],
        ["Same months a year before January 2023 to March 2023", "40", "+50%", "p=0.032"],
        ["Period before October 2023 to December 2023", "48", "+25%", "p=0.310"],
    ]
    assert tables["Burglary: incidents by quarter, latest first"] == [
        ["Quarter", "Incidents", "Same quarter a year before", "Change"],
        ["January to March 2024 (in the period examined)", "60", "40", "+50%"],
        ["October to December 2023", "48", "–", "–"],  # a year before is incomplete
        ["July to September 2023", "42", "–", "–"],
        ["April to June 2023", "35", "–", "–"],
        ["January to March 2023", "40", "–", "–"],
        ["October to December 2022 (1 of 3 months in the data)", "10", "–", "–"],
    ]
    assert tables["Burglary: highest rates by neighbourhood"][1:] == [
        ["Castle", "38", "19", "3.8", "+100%"], ["Berechurch", "20", "20", "2.0", "0%"]]
    assert tables["Burglary: incidents flagged"][1:] == [["Weapon", "3", "1", "+200%"]]
    assert "Burglary: by category" not in tables  # one category says nothing
    text = words(html)
    assert "25% of the 20 incidents with a victim or complainant reference were repeats" in text
    assert "3 Getis–Ord Gi* hot cells (2 not hot in the same months a year before), holding 40% of the incidents" in text
    # a deep dive is not an assessment to compare rankings with
    assert "compare-a" not in html and "Recommended priorities" not in html
    options = page(analyst_client, f"/assessments/{later_run.pk}/")
    assert re.findall(r'<option value="(\d+)">', re.search(r'id="compare-a" name="a">(.*?)</select>',
                                                           options, re.S).group(1)) == [str(finished_run.pk)]
    compare = analyst_client.get(f"/assessments/compare/?a={run.pk}&b={later_run.pk}").content.decode()
    assert error_summary(compare) == [("#a", "Choose a finished assessment")]

    pdf = analyst_client.get(f"/assessments/{run.pk}/report.pdf")
    assert pdf["Content-Disposition"] == 'attachment; filename="deep-dive-police-uk-burglary-2024-01-to-2024-03-panel.pdf"'
    index = html_tables(page(analyst_client, "/assessments/"))["3 assessments, latest first"]
    assert [row[1:4] for row in index if row[1].startswith("Deep dive")] == [
        ["Deep dive: Burglary", "Finished", "None: a deep dive looks at one topic"]]


@pytest.mark.slow
def test_a_deep_dive_started_from_the_form_finishes_and_its_page_shows_the_finding(
        analyst_client, demo_assessment, settings):
    settings.TASKS = IMMEDIATE
    form = page(analyst_client, "/assessments/deep-dive/")
    assert month_values(form, "first_month") == ("10", "2025") and month_values(form, "last_month") == ("12", "2025")
    response = analyst_client.post("/assessments/deep-dive/start/", deep_dive(SHOPLIFTING, (10, 2025), (12, 2025)))
    run = AssessmentRun.objects.get(kind=RunKind.DEEP_DIVE)
    assert response["Location"] == f"/assessments/{run.pk}/"
    assert run.status == RunStatus.DONE, run.error
    assert run.synthetic and run.result["topic"]["id"] == SHOPLIFTING

    html = page(analyst_client, response["Location"])
    assert f'id="deep-dive-finding">{escape(run.result["finding"])}</div>' in html
    assert run.result["finding"].startswith("Shoplifting")
    quarters = {row[0].split(" (")[0]: row[1:] for row in
                html_tables(html)["Shoplifting: incidents by quarter, latest first"][1:]}
    q4_2025 = sum(monthly_counts("police-uk", "Shoplifting", "2025-10", "2025-12"))
    q4_2024 = sum(monthly_counts("police-uk", "Shoplifting", "2024-10", "2024-12"))
    assert quarters["October to December 2025"][:2] == [str(q4_2025), str(q4_2024)]
    compared = html_tables(html)["Shoplifting: incidents compared"]
    assert compared[1][1] == str(q4_2025) and compared[2][1] == str(q4_2024)
    ranked = sorted((a for a in run.result["areas"] if a["rank"] is not None), key=lambda a: a["rank"])
    places = html_tables(html)["Shoplifting: highest rates by neighbourhood"][1:]
    assert [row[0] for row in places] == [a["name"] for a in ranked[:5]] and places
    assert analyst_client.get(f"/assessments/{run.pk}/report.pdf").content.startswith(b"%PDF")
    assert b"Deep dive: Shoplifting" in analyst_client.get(f"/assessments/{run.pk}/public.html").content


# --- monitoring -----------------------------------------------------------------------------------


def test_monitoring_without_a_finished_assessment_says_so_and_links_to_start_one(analyst_client, store):
    html = page(analyst_client, "/assessments/monitoring/")
    assert "No strategic assessment has finished yet" in html
    assert '<a class="govuk-link" href="/assessments/#start">Start an assessment</a>' in html
    assert 'id="monitoring-overview"' not in html


def test_monitoring_shows_each_priority_month_by_month_against_its_target(analyst_client,
                                                                          assessment_of_2024):
    Target.objects.create(candidate=SHOPLIFTING, measure="incidents", change_pct=-10, note="Retail plan")
    html = page(analyst_client, "/assessments/monitoring/")
    # the latest 12 months of data by default
    assert month_values(html, "first_month") == ("1", "2025") and month_values(html, "last_month") == ("12", "2025")
    actual = monthly_counts("police-uk", "Shoplifting", "2025-01", "2025-12")
    last_year = monthly_counts("police-uk", "Shoplifting", "2024-01", "2024-12")
    target = [0.9 * n for n in last_year]
    tables = html_tables(html)
    months = pd.period_range("2025-01", "2025-12", freq="M")
    assert tables["Shoplifting: month by month"] == [["Month", "Actual", "Same month last year", "Target"]] + [
        [m.strftime("%B %Y"), str(a), str(b), f"{t:,.1f}".removesuffix(".0")]
        for m, a, b, t in zip(months, actual, last_year, target, strict=True)]
    on_track = sum(actual) <= sum(target)
    overview = tables["Year to date"]
    assert overview[1] == ["Shoplifting", f"{sum(actual):,}", f"{sum(target):,.1f}".removesuffix(".0"),
                           "On track" if on_track else "Off track"]
    assert overview[2][0] == "Anti-social behaviour (including repeat ASB)"
    tag = "green" if on_track else "red"
    assert re.search(r'2\. Anti-social behaviour \(including repeat ASB\) <strong class="govuk-tag govuk-tag--(green|red)">', html)
    assert f'1. Shoplifting <strong class="govuk-tag govuk-tag--{tag}">' in html
    text = words(html)
    assert "A 10% fall on the same months a year before (Retail plan)" in text
    assert "No target entered: monitored against no change on the same months a year before" in text
    assert "strategic assessment for January 2024 to December 2024" in text
    assert "January 2025 to December 2025 against January 2024 to December 2024" in text

    quarter = page(analyst_client, "/assessments/monitoring/?first_month_month=4&first_month_year=2025"
                                   "&last_month_month=6&last_month_year=2025")
    rows = html_tables(quarter)["Shoplifting: month by month"][1:]
    assert [row[:3] for row in rows] == [["April 2025", str(actual[3]), str(last_year[3])],
                                         ["May 2025", str(actual[4]), str(last_year[4])],
                                         ["June 2025", str(actual[5]), str(last_year[5])]]
    assert "Showing April 2025 to June 2025" in words(quarter)


def test_monitoring_never_judges_the_assessment_year_against_a_target_set_for_the_next_year(
        analyst_client, demo_assessment):
    Target.objects.create(candidate=SHOPLIFTING, measure="incidents", change_pct=-10)
    html = page(analyst_client, "/assessments/monitoring/")
    assert month_values(html, "last_month") == ("12", "2025")
    assert "Off track" not in html and "On track" not in html
    assert '1. Shoplifting <strong class="govuk-tag govuk-tag--blue">Before the target period' in html
    assert "The target applies from January 2026; these months come before it." in words(html)


def test_monitoring_period_mistakes_are_named_and_show_no_figures(analyst_client, store, finished_run):
    too_long = analyst_client.get("/assessments/monitoring/?first_month_month=1&first_month_year=2023"
                                  "&last_month_month=3&last_month_year=2024").content.decode()
    assert error_summary(too_long) == [
        ("#last_month-month", "Last month must be no more than 11 months after the first month (12 months at most)")]
    assert 'id="monitoring-overview"' not in too_long
    unfinished = analyst_client.get("/assessments/monitoring/?first_month_month=13&first_month_year=2023"
                                    "&last_month_month=&last_month_year=2024").content.decode()
    assert error_summary(unfinished) == [("#first_month-month", "First month must be a real month, for example 1 2025"),
                                         ("#last_month-month", "Last month must include a month")]


# --- Street Weeks ---------------------------------------------------------------------------------


def test_street_weeks_are_ranked_with_reasons_and_a_recorded_week_leaves_its_area_out(analyst_client, demo_town):
    neighbourhoods = Area.objects.filter(kind="neighbourhood").count()
    html = page(analyst_client, "/assessments/street-weeks/")
    ranked = ranked_areas(html)
    expected = rank_street_weeks("2025-01", "2025-12")
    assert ranked == [(a.code, a.name) for a in expected.ranked] and len(ranked) == neighbourhoods
    table = html_tables(html)[f"{neighbourhoods} neighbourhoods, highest score first"]
    scores = [int(row[2]) for row in table[1:]]
    assert scores == sorted(scores, reverse=True) and all(row[3] for row in table[1:])
    assert "None: no neighbourhood has had a Street Week in the last 12 months" in html

    (first_code, first_name), (second_code, second_name) = ranked[:2]
    response = analyst_client.post("/assessments/street-weeks/record/", street_week(first_code, (2, 6, 2025)))
    assert response.status_code == 302 and response["Location"] == "/assessments/street-weeks/"
    held = StreetWeek.objects.get()
    # the last day left empty: a 7-day Street Week
    assert (held.area_code, held.area_name, held.start, held.end) == (first_code, first_name, date(2025, 6, 2),
                                                                       date(2025, 6, 8))
    # one planned after the latest month of data (December 2025) is left out too
    analyst_client.post("/assessments/street-weeks/record/", street_week(second_code, (2, 2, 2026), (6, 2, 2026)))

    html = page(analyst_client, "/assessments/street-weeks/")
    assert f"Street Week in {second_name} recorded: 2 to 6 February 2026" in html
    # the percentile ranks are among the areas left in, so the order is the ranking without both
    left_in = rank_street_weeks("2025-01", "2025-12", exclude=(first_code, second_code))
    assert ranked_areas(html) == [(a.code, a.name) for a in left_in.ranked]
    assert set(ranked_areas(html)) == set(ranked[2:])
    tables = html_tables(html)
    assert tables["Left out: a Street Week in the last 12 months or planned"][1:] == sorted(
        [[first_name, "2 to 8 June 2025"], [second_name, "2 to 6 February 2026"]])
    assert tables["Street Weeks recorded, latest first"][1:] == [[second_name, "2 to 6 February 2026", "5"],
                                                                 [first_name, "2 to 8 June 2025", "7"]]


def test_street_week_mistakes_are_named_and_linked_to_their_boxes(analyst_client, store):
    def problems(data: dict[str, str]) -> list[tuple[str, str]]:
        response = analyst_client.post("/assessments/street-weeks/record/", data)
        assert response.status_code == 200
        return error_summary(response.content.decode())

    assert problems({}) == [("#street-week-area_code", "Choose the neighbourhood of the Street Week"),
                            ("#street-week-start-day", "Enter the first day")]
    assert problems(street_week("N9", (2, 6, 2025))) == [
        ("#street-week-area_code", "Choose the neighbourhood from the list")]
    assert problems(street_week("N1", (31, 2, 2025))) == [
        ("#street-week-start-day", "First day must be a real date, for example 2 6 2025")]
    assert problems(street_week("N1", (2, "", 2025))) == [("#street-week-start-month", "First day must include a month")]
    assert problems(street_week("N1", (2, 6, 2025), (1, 6, 2025))) == [
        ("#street-week-end-day", "Last day must be the same as or after the first day")]
    html = analyst_client.post("/assessments/street-weeks/record/",
                               street_week("N1", (2, 6, 2025), (16, 6, 2025))).content.decode()
    assert error_summary(html) == [("#street-week-end-day", "Last day must be no more than 13 days after the first "
                                                            "day (a Street Week lasts 14 days at most)")]
    assert 'govuk-input--error" id="street-week-end-day"' in html
    assert 'govuk-input--error" id="street-week-start-day"' not in html
    assert 'value="16"' in html  # what was typed is kept
    assert not StreetWeek.objects.exists()

    # 14 days is the longest Street Week; an overlapping one in the same area is refused
    assert analyst_client.post("/assessments/street-weeks/record/",
                               street_week("N1", (2, 6, 2025), (15, 6, 2025))).status_code == 302
    assert problems(street_week("N1", (15, 6, 2025))) == [
        ("#street-week-start-day", "A Street Week in Castle from 2 to 15 June 2025 is already recorded")]
    assert analyst_client.post("/assessments/street-weeks/record/",
                               street_week("N2", (15, 6, 2025))).status_code == 302
    assert sorted(StreetWeek.objects.values_list("area_name", "start", "end")) == [
        ("Berechurch", date(2025, 6, 15), date(2025, 6, 21)), ("Castle", date(2025, 6, 2), date(2025, 6, 15))]


def test_a_repeat_rate_target_is_monitored_for_the_year_to_date_without_monthly_rows(analyst_client, demo_assessment):
    Target.objects.create(candidate=SHOPLIFTING, measure="repeat_rate", change_pct=-10, note="Repeat plan")
    html = page(analyst_client, "/assessments/monitoring/")
    assert "Shoplifting: month by month" not in html_tables(html)
    assert "is measured over the year to date, not month by month" in words(html)
    assert "Anti-social behaviour (including repeat ASB): month by month" in html_tables(html)
