"""The audit log pages: administrators search the log and download it as CSV; an agency's
administrator sees only their own agency's people; everyone else is refused."""

from __future__ import annotations

import csv
import datetime
import io
import re
from unittest import mock

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from saferplaces.apps.audit.models import Action, AuditEvent
from saferplaces.apps.audit.services import record

pytestmark = pytest.mark.django_db

LONDON_NOON = datetime.time(12, 0)


def on(day: str):
    """Make ``record`` write its events at noon UTC on ``day``."""
    when = datetime.datetime.combine(datetime.date.fromisoformat(day), LONDON_NOON, tzinfo=datetime.UTC)
    return mock.patch.object(timezone, "now", return_value=when)


@pytest.fixture
def log(partnership):
    """Four events in three months of 2025, by people of two agencies and one of none."""
    with on("2025-01-10"):
        record("view", user=partnership.user("owner", "practitioner"), object_type="case", object_id=1,
               reason="planning a visit")
    with on("2025-02-10"):
        record("view", user=partnership.user("partner", "practitioner"), object_type="case", object_id=1)
    with on("2025-03-10"):
        record("update", user=partnership.user("owner", "case_manager"), object_type="case", object_id=2,
               fields=["status", "owner"])
    with on("2025-03-31"):
        record("export", user=partnership.users["nobody"], object_type="person", object_id=3,
               reason="=HYPERLINK(\"http://example.invalid\")")
    return partnership


def sequences(response) -> list[int]:
    """The sequence numbers of the events listed on a results page, in order."""
    return [int(n) for n in re.findall(r"event (\d+)</span>", response.content.decode())]


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_site_administrator_sees_every_agencys_events(log, signed_in_client):
    page = signed_in_client(log.users["site-admin"]).get("/audit/", {"action": ""})
    assert page.status_code == 200
    listed = sequences(page)
    assert listed[-4:] == [4, 3, 2, 1]
    assert "Colchester City Council" in page.content.decode() and "Essex Police" in page.content.decode()


def test_an_agency_administrator_sees_only_their_own_agencys_people(log, signed_in_client):
    page = signed_in_client(log.user("owner", "administrator")).get("/audit/")
    assert page.status_code == 200
    found = AuditEvent.objects.filter(sequence__in=sequences(page))
    assert set(found.values_list("agency_name", flat=True)) == {"Essex Police"}
    assert {1, 3} <= set(sequences(page))
    assert 'name="agency"' not in page.content.decode()


@pytest.mark.parametrize("role", ["viewer", "practitioner", "case_manager", "analyst", "coordinator"])
def test_people_without_audit_view_are_refused_the_log_and_its_export(log, signed_in_client, role):
    client = signed_in_client(log.user("owner", role))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT, object_type="audit-log").exists()


def test_someone_not_signed_in_is_sent_to_sign_in(log, client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("query, expected", [
    ({"username": "OWNER-practitioner"}, [1]),
    ({"action": "update"}, [3]),
    ({"object_type": "case", "object_id": "1"}, [2, 1]),
    ({"object_type": "person"}, [4]),
    ({"date_from_day": "1", "date_from_month": "2", "date_from_year": "2025",
      "date_to_day": "10", "date_to_month": "3", "date_to_year": "2025", "object_type": "case"}, [3, 2]),
    ({"date_to_day": "31", "date_to_month": "1", "date_to_year": "2025"}, [1]),
])
def test_the_search_filters_by_person_action_record_and_days(log, signed_in_client, query, expected):
    page = signed_in_client(log.users["site-admin"]).get("/audit/", query)
    assert page.status_code == 200
    assert sequences(page) == expected


def test_a_site_administrator_can_search_by_agency(log, signed_in_client):
    page = signed_in_client(log.users["site-admin"]).get("/audit/", {"agency": log.partner.pk})
    assert sequences(page) == [2]


def test_a_search_ending_before_it_starts_says_so(log, signed_in_client):
    page = signed_in_client(log.users["site-admin"]).get("/audit/", {
        "date_from_day": "2", "date_from_month": "3", "date_from_year": "2025",
        "date_to_day": "1", "date_to_month": "3", "date_to_year": "2025"})
    assert page.status_code == 200
    assert "The last day must be the same as or after the first day" in page.content.decode()
    assert sequences(page) == []


def test_long_results_are_paged_keeping_the_search(partnership, signed_in_client):
    officer = partnership.user("owner", "viewer")
    for i in range(60):
        record("view", user=officer, object_type="case", object_id=i)
    client = signed_in_client(partnership.users["site-admin"])
    first = client.get("/audit/", {"object_type": "case"})
    assert len(sequences(first)) == 50 and sequences(first)[0] == 60
    assert "?object_type=case&amp;page=2" in first.content.decode()
    second = client.get("/audit/", {"object_type": "case", "page": "2"})
    assert sequences(second) == list(range(10, 0, -1))


def test_the_csv_export_has_the_searched_events_and_is_itself_recorded(log, signed_in_client):
    admin = log.users["site-admin"]
    response = signed_in_client(admin).get("/audit/export.csv", {"object_type": "case"},
                                           REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["sequence"] for row in rows] == ["3", "2", "1"]
    assert rows[0]["fields changed"] == "owner;status"
    assert rows[2]["reason"] == "planning a visit" and rows[2]["agency"] == "Essex Police"
    export = AuditEvent.objects.get(action=Action.EXPORT, object_type="audit-log")
    assert export.username == "site-admin" and export.ip_address == "192.0.2.44"
    assert export.reason == "filters: object_type=case"


def test_an_agency_administrators_export_has_only_their_agencys_events(log, signed_in_client):
    response = signed_in_client(log.user("partner", "administrator")).get("/audit/export.csv")
    agencies = {row["agency"] for row in csv_rows(response)}
    assert agencies == {"Colchester City Council"}


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_plain_text(log, signed_in_client):
    rows = csv_rows(signed_in_client(log.users["site-admin"]).get("/audit/export.csv", {"action": "export"}))
    person = next(row for row in rows if row["record type"] == "person")
    assert person["reason"] == "'=HYPERLINK(\"http://example.invalid\")"


WHO_HAS_SEEN = Template('{% load audit %}{% who_has_seen "case" 1 %}')


def test_who_has_seen_a_record_shows_to_those_who_may_see_record_history(log):
    request = RequestFactory().get("/cases/1/")
    request.user = log.user("owner", "case_manager")
    shown = WHO_HAS_SEEN.render(Context({"request": request}))
    assert "Who has seen this record" in shown
    assert "owner-practitioner" in shown and "partner-practitioner" in shown
    assert "Colchester City Council" in shown


def test_who_has_seen_a_record_is_hidden_from_those_who_may_not(log):
    request = RequestFactory().get("/cases/1/")
    request.user = log.user("owner", "practitioner")
    assert "Who has seen" not in WHO_HAS_SEEN.render(Context({"request": request}))


def test_days_are_uk_calendar_days_in_summer_time(partnership, signed_in_client):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time)
    with mock.patch.object(timezone, "now",
                           return_value=datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        record("view", user=partnership.user("owner", "viewer"), object_type="case", object_id=77)
    client = signed_in_client(partnership.users["site-admin"])
    july = {"date_from_day": "1", "date_from_month": "7", "date_from_year": "2025", "object_id": "77"}
    june = {"date_to_day": "30", "date_to_month": "6", "date_to_year": "2025", "object_id": "77"}
    assert sequences(client.get("/audit/", july)) == [1]
    assert sequences(client.get("/audit/", june)) == []
