"""The Explore page: any months, source and category as tables, charts and CSV downloads.

The store here is made row by row so every time is known: a council ASB log with times (one in
summer, when UK time is an hour ahead of UTC, and domestic abuse reports, a sensitive category),
local police records with a date only, and police.uk rows (month only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.utils import timezone

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.explore.groups import load_groups
from saferplaces.apps.explore.tables import LONDON
from saferplaces.apps.incidents.models import Incident, Precision

UTC = dt.UTC


def incident(source: str, ref: str, category: str, when: dt.datetime, precision: str,
             **extra) -> Incident:
    return Incident.objects.create(source=source, source_ref=ref, category=category,
                                   month=when.date().replace(day=1), occurred=when,
                                   precision=precision, **extra)


@pytest.fixture
def store(db):
    made = []
    # council ASB, to the minute: Friday 5 July 2024 22:30 UTC is 23:30 in the UK (BST)
    made.append(incident("council-asb", "A1", "Noise nuisance", dt.datetime(2024, 7, 5, 22, 30, tzinfo=UTC), Precision.MINUTE))
    made.append(incident("council-asb", "A2", "Noise nuisance", dt.datetime(2024, 7, 5, 22, 45, tzinfo=UTC), Precision.MINUTE))
    # Saturday 6 January 2024 23:10 UTC is 23:10 in the UK (GMT)
    made.append(incident("council-asb", "A3", "Youth nuisance", dt.datetime(2024, 1, 6, 23, 10, tzinfo=UTC), Precision.MINUTE))
    made.append(incident("council-asb", "A4", "Street drinking", dt.datetime(2024, 3, 11, 14, 5, tzinfo=UTC), Precision.MINUTE))
    # two domestic abuse reports on a Monday morning: sensitive, fewer than the threshold (10)
    for i in range(2):
        made.append(incident("council-asb", f"D{i}", "Domestic abuse", dt.datetime(2024, 3, 4, 9, 15 + i, tzinfo=UTC),
                             Precision.MINUTE))
    # local police records with a date only, and police.uk with the month only
    made.append(incident("local-incidents", "L1", "Burglary dwelling", dt.datetime(2024, 3, 2, 0, 0, tzinfo=UTC), Precision.DAY))
    for i in range(3):
        made.append(incident("police-uk", f"P{i}", "Anti-social behaviour", dt.datetime(2024, 3, 1, tzinfo=UTC), Precision.MONTH))
    made.append(incident("police-uk", "P9", "Burglary", dt.datetime(2024, 7, 1, tzinfo=UTC), Precision.MONTH))
    return made


def page(client, **params):
    return client.get("/explore/", params)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


ALL_2024 = {"first": "2024-01", "last": "2024-07", "source": "all"}


def test_heat_table_counts_equal_a_direct_count_of_incidents_with_times(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    response = page(client, **ALL_2024)
    assert response.status_code == 200, response.content
    assert "form" not in response.context or not response.context["form"].errors, response.context["form"].errors
    heat = response.context["tables"]["heat"]
    expected = Counter()
    for each in Incident.objects.filter(precision=Precision.MINUTE):
        local = timezone.localtime(each.occurred, LONDON)
        expected[(local.hour, local.isoweekday())] += 1
    shown = {(hour, day): row[day] for hour, row in enumerate(heat.rows) for day in range(1, 8) if row[day]}
    assert shown == dict(expected)
    assert heat.rows[23][5] == 2  # Friday 23:30 BST, stored as 22:30 UTC
    assert heat.rows[23][6] == 1  # Saturday 23:10 GMT
    assert heat.foot[-1] == Incident.objects.filter(precision=Precision.MINUTE).count() == 6


def test_month_only_and_date_only_records_are_left_out_with_the_note(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    response = page(client, **ALL_2024)
    note = response.context["tables"]["sources"]
    assert response.context["month_only"] == 4 and response.context["day_only"] == 1
    text = response.content.decode()
    assert "police.uk publishes only the month of each crime" in text
    assert "4 records with the month only are left out" in text
    assert note.foot == ["All sources", 6, 1, 4, 11]

    police = page(client, first="2024-01", last="2024-07", source="police-uk")
    assert police.context["tables"]["heat"].foot[-1] == 0
    body = police.content.decode()
    assert 'id="heat-empty"' in body and 'id="heat-table"' not in body
    assert "Sources with times" in body  # the council log is offered instead


def test_every_csv_download_matches_the_table_on_the_page(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    response = page(client, **ALL_2024)
    for key, table in response.context["tables"].items():
        download = client.get(response.context["downloads"][key])
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/csv")
        assert rows_of(download) == table.csv_rows()
        assert rows_of(download)[0] == table.header
    trend = rows_of(client.get(response.context["downloads"]["trend"]))
    assert trend[1][0] == "January 2024" and len(trend) == 1 + 7 + 1  # header, every month, total
    assert AuditEvent.objects.filter(action="export", object_type="incident-counts").count() == 5


def test_the_trend_counts_by_group_and_the_range_is_not_one_month(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    response = page(client, first="2024-03", last="2024-07", source="all", group="asb")
    trend = response.context["tables"]["trend"]
    assert trend.header == ["Month", load_groups().get("asb").label, "All groups"]
    assert [row[-1] for row in trend.rows] == [4, 0, 0, 0, 2]  # March: street drinking + 3 police.uk ASB
    assert "Domestic abuse" not in response.content.decode().split('id="categories"')[1].split("</table>")[0]


def test_all_sources_together_warns_that_sources_overlap(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    together = page(client, **ALL_2024).content.decode()
    assert 'id="overlap-warning"' in together and "describe the same events" in together
    assert 'id="overlap-warning"' not in page(client, first="2024-01", last="2024-07",
                                               source="council-asb").content.decode()


def test_the_map_link_carries_the_same_source_category_and_months(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    response = page(client, first="2024-03", last="2024-07", source="council-asb", category="Noise nuisance")
    assert response.context["map_url"] == ("/map/?month=2024-07&start=2024-03&source=council-asb"
                                           "&category=Noise+nuisance")


def test_a_user_without_sensitive_locations_gets_small_sensitive_counts_withheld(store, partnership, signed_in_client):
    viewer = signed_in_client(partnership.users["owner-viewer"])
    response = page(viewer, **ALL_2024)
    heat = response.context["tables"]["heat"]
    assert heat.rows[9][1] is None  # Monday 09:00: two domestic abuse reports
    assert heat.rows[9][-1] is None and heat.foot[1] is None
    assert heat.foot[-1] == 6  # the total is the home page's
    assert "withheld" in rows_of(viewer.get(response.context["downloads"]["heat"]))[10]
    assert 'id="withheld-note"' in response.content.decode()
    analyst = signed_in_client(partnership.users["owner-analyst"])
    assert page(analyst, **ALL_2024).context["tables"]["heat"].rows[9][1] == 2


def test_the_outsider_agency_sees_counts_as_every_member_does_and_signed_out_visitors_nothing(
        store, partnership, signed_in_client, client, settings):
    outsider = signed_in_client(partnership.users["outsider-case_manager"])
    assert page(outsider, **ALL_2024).context["tables"]["heat"].rows[9][1] is None
    assert page(client, **ALL_2024).status_code == 302
    settings.SAFERPLACES_PUBLIC_SITE = True  # the public site gets nothing new
    assert page(client, **ALL_2024).status_code == 302
    assert client.get("/explore/heat.csv", ALL_2024).status_code == 302
    assert client.get("/explore/charts/hours.svg", ALL_2024).status_code == 302


def test_choices_the_page_does_not_offer_are_explained(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    backwards = page(client, first="2024-07", last="2024-03", source="all")
    assert "The last month must be the same as or after the first month" in backwards.content.decode()
    mixed = page(client, first="2024-01", last="2024-07", source="all", group="drugs", category="Noise nuisance")
    assert "Choose a category in the group chosen" in mixed.content.decode()
    assert client.get("/explore/heat.csv", {"first": "2024-07", "last": "2024-03", "source": "all"}).status_code == 404
    assert client.get("/explore/nothing.csv", ALL_2024).status_code == 404


def test_charts_are_svg_drawn_from_the_tables(store, partnership, signed_in_client):
    client = signed_in_client(partnership.users["owner-analyst"])
    for name in ("trend", "hours"):
        response = client.get(f"/explore/charts/{name}.svg", ALL_2024)
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.content
    assert b"withheld" in signed_in_client(partnership.users["owner-viewer"]).get(
        "/explore/charts/hours.svg", ALL_2024).content


def test_every_category_falls_in_one_group_and_unknown_ones_in_other():
    groups = load_groups()
    assert groups.group_of("Anti-social behaviour").key == "asb"
    assert groups.group_of("violence  AND sexual offences").key == "violence"
    assert groups.group_of("Deliberate secondary fire - refuse").key == "damage"
    assert groups.group_of("Something new").key == "other"
    assert len({g.colour for g in groups.groups}) == len(groups.groups)
