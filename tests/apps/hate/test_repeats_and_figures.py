"""Repeat victims (the same person a victim in 2+ hate cases within 12 months) and repeat
locations (a place linked to 2+ hate cases; hate-flagged incidents in the store at the same map
point) on the case page; figures by strand counting a two-strand case in each strand and once in
the total."""

from __future__ import annotations

import datetime

from saferplaces.apps.hate.figures import figures
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.places.models import CasePlace, Place
from tests.apps.cases.conftest import share
from tests.apps.hate.conftest import details, hate_case, victim

TAG = "Repeat victim</strong>"
PLACE = {"x": 599500.0, "y": 225200.0, "lon": 0.9, "lat": 51.89}


def test_repeat_victim_in_two_hate_cases_within_twelve_months_is_shown(partnership,
                                                                      signed_in_client):
    manager = partnership.user("owner", "case_manager")
    hazel = victim(partnership.owner)
    first, second = hate_case(manager, hazel), hate_case(manager, hazel)
    details(manager, first, on=datetime.date(2025, 4, 1))
    details(manager, second, on=datetime.date(2026, 4, 1))  # the anniversary: within 12 months
    late = hate_case(manager, victim(partnership.owner, "Desmond"))
    page = signed_in_client(manager).get(f"/cases/{second.pk}/").content.decode()
    assert TAG in page and first.reference in page and second.reference in page
    assert TAG not in signed_in_client(manager).get(f"/cases/{late.pk}/").content.decode()


def test_a_victim_whose_hate_cases_are_more_than_twelve_months_apart_is_not_a_repeat(
        partnership, signed_in_client):
    manager = partnership.user("owner", "case_manager")
    hazel = victim(partnership.owner)
    first, second = hate_case(manager, hazel), hate_case(manager, hazel)
    details(manager, first, on=datetime.date(2025, 4, 1))
    details(manager, second, on=datetime.date(2026, 4, 2))
    assert TAG not in signed_in_client(manager).get(f"/cases/{second.pk}/").content.decode()


def test_a_case_the_partner_cannot_see_in_full_is_neither_counted_nor_named(partnership,
                                                                           signed_in_client):
    manager = partnership.user("owner", "case_manager")
    hazel = victim(partnership.owner)
    hidden, shared = hate_case(manager, hazel), hate_case(manager, hazel)
    share(hidden, partnership.partner, "limited")
    share(shared, partnership.partner)
    owner_page = signed_in_client(manager).get(f"/cases/{shared.pk}/").content.decode()
    assert hidden.reference in owner_page
    partner_page = signed_in_client(partnership.user("partner", "case_manager")).get(
        f"/cases/{shared.pk}/").content.decode()
    assert TAG not in partner_page and hidden.reference not in partner_page


def test_repeat_location_linked_to_two_hate_cases_and_flagged_incidents_at_the_same_point(
        partnership, signed_in_client):
    manager = partnership.user("owner", "case_manager")
    stop = Place.objects.create(name="Bus stop, High Street (synthetic)", kind="location",
                                owner_agency=partnership.owner, **PLACE)
    first, second = hate_case(manager), hate_case(manager)
    for case in (first, second):
        CasePlace.objects.create(case=case, place=stop)
    for n, at in enumerate((PLACE["x"], PLACE["x"] + 0.5, PLACE["x"] + 30)):
        Incident.objects.create(source="local", source_ref=f"L{n}", category="Public order",
                                month=datetime.date(2026, 1, 1),
                                occurred=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                                precision="month", x=at, y=PLACE["y"], hate_race=True,
                                victim_ref=f"V{n}")
    page = signed_in_client(manager).get(f"/cases/{second.pk}/").content.decode()
    assert "Repeat location</strong>" in page and first.reference in page
    assert "flagged as hate" not in page  # a case manager may not see sensitive locations
    coordinator = signed_in_client(partnership.user("owner", "coordinator"))
    page = coordinator.get(f"/cases/{second.pk}/").content.decode()
    assert "2 incidents flagged as hate at the same map point" in page


def test_figures_count_a_two_strand_case_in_each_strand_and_once_in_the_total(partnership,
                                                                             signed_in_client):
    manager = partnership.user("owner", "case_manager")
    details(manager, hate_case(manager), strands=("race", "religion-or-belief"))
    details(manager, hate_case(manager), strands=("race",))
    details(manager, hate_case(manager), strands=("disability",), on=datetime.date(2025, 12, 31))
    counted = figures(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert counted["hate_total"] == 2 and counted["hate_strand_race"] == 2
    assert counted["hate_strand_religion-or-belief"] == 1 and counted["hate_strand_disability"] == 0
    page = signed_in_client(partnership.user("outsider", "viewer")).get(
        "/hate/figures/?start_day=1&start_month=1&start_year=2026"
        "&end_day=31&end_month=12&end_year=2026").content.decode()
    assert 'id="hate-total">fewer than 10<' in page and "HATE-" not in page
    api = signed_in_client(partnership.user("owner", "analyst")).get(
        "/api/hate/figures/?from=2026-01-01&to=2026-12-31")
    assert api.json()["figures"]["hate_strand_race"] is None
    assert api.json()["figures"]["hate_strand_disability"] == 0


def test_hate_figures_for_a_single_day_are_refused_and_a_month_withholds_small_counts(
        partnership, signed_in_client):
    manager = partnership.user("owner", "case_manager")
    day = datetime.date(2026, 11, 2)
    details(manager, hate_case(manager), strands=("disability",), on=day)
    client = signed_in_client(partnership.user("partner", "viewer"))
    probe = client.get("/api/hate/figures/?from=2026-11-02&to=2026-11-02")
    assert probe.status_code == 400 and "month" in probe.json()["detail"]
    page = client.get("/hate/figures/?start_day=2&start_month=11&start_year=2026"
                      "&end_day=2&end_month=11&end_year=2026")
    assert page.status_code == 400 and "first day of a month" in page.content.decode()
    month = client.get("/api/hate/figures/?from=2026-11-01&to=2026-11-30").json()
    assert month["figures"]["hate_total"] is None and month["figures"]["hate_strand_disability"] is None
    assert month["figures"]["hate_strand_race"] == 0 and month["suppress_below"] == 10
    page = client.get("/hate/figures/?start_day=1&start_month=11&start_year=2026"
                      "&end_day=30&end_month=11&end_year=2026").content.decode()
    assert 'id="hate-total">fewer than 10<' in page
