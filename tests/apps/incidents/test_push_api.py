"""Partner systems pushing incident rows: ``POST /api/incidents/push/`` goes through the one
mapped-ingest path of ``saferplaces ingest csv --mapping`` (checked whole, written in one
transaction, idempotent), with a per-agency service token or a person's token.

Runs on SQLite, and on PostgreSQL when ``DATABASE_URL`` points at one."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from saferplaces.apps.agencies import service_tokens
from saferplaces.apps.agencies.models import ServiceToken
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Case
from saferplaces.apps.incidents.models import ImportBatch, Incident
from saferplaces.apps.incidents.services import ingest_mapped, rows_as_csv
from saferplaces.ingest.mapped import load_mapping

PUSH = "/api/incidents/push/"


def row(ref: str, *, when: str = "25/12/2024 21:30", easting: str = "599123",
        category: str = "Noise") -> dict[str, str]:
    """One row of the council ASB log, in the shipped ``council-asb`` mapping's columns."""
    return {"case_ref": ref, "category": category, "reported_at": when, "easting": easting,
            "northing": "225456", "address": "High Street", "complainant_ref": "",
            "description": "Loud music"}


ROWS = [row("ASB-1001"), row("ASB-1002", category="Youth ASB"), row("ASB-1003", when="01/01/2025 00:15")]


@pytest.fixture
def council_token(partnership) -> str:
    """A service token of the partner agency (the council), allowed to push in council-asb."""
    return service_tokens.create_token(partnership.partner, name="ASB log", scopes=["incidents.push"],
                                       mapping="council-asb").key


def push(key: str, body: object, keyword: str = "Bearer"):
    return Client().post(PUSH, data=json.dumps(body), content_type="application/json",
                         HTTP_AUTHORIZATION=f"{keyword} {key}")


def test_a_partner_system_pushes_rows_and_they_are_stored(council_token, partnership):
    response = push(council_token, {"rows": ROWS})
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["ok"] and report["source"] == "council-asb" and report["mapping"] == "council-asb"
    assert (report["rows"], report["added"], report["present"], report["rejected"]) == (3, 3, 0, 0)
    stored = Incident.objects.filter(source="council-asb")
    assert sorted(stored.values_list("source_ref", flat=True)) == ["ASB-1001", "ASB-1002", "ASB-1003"]
    assert stored.filter(category="Youth nuisance").count() == 1  # the mapping's category map
    token = ServiceToken.objects.get()
    assert token.last_used_at is not None


def test_pushing_the_same_rows_again_adds_nothing(council_token):
    push(council_token, {"rows": ROWS})
    again = push(council_token, {"rows": ROWS}).json()
    assert (again["added"], again["updated"], again["present"]) == (0, 0, 3)
    assert Incident.objects.count() == 3


def test_a_push_and_the_same_rows_as_a_csv_file_are_one_set_of_records(council_token, tmp_path: Path):
    push(council_token, {"rows": ROWS})
    csv_file = tmp_path / "council.csv"
    csv_file.write_bytes(rows_as_csv(ROWS))
    report = ingest_mapped([csv_file], load_mapping("council-asb"))
    assert (report.total("rows_added"), report.total("rows_present")) == (0, 3)
    assert Incident.objects.count() == 3


def test_bad_rows_are_refused_naming_row_and_column_and_nothing_is_written(council_token):
    rows = [row("ASB-2001"), row("ASB-2002", when="31/02/2024 10:00"), row("ASB-2003", easting="east")]
    response = push(council_token, {"rows": rows})
    assert response.status_code == 400
    report = response.json()
    assert not report["ok"] and report["added"] == 0
    assert (report["rejected"], report["bad_rows"]) == (3, 2)  # one bad row: none written
    problems = {(p["row"], p["column"]) for p in report["problems"]}
    assert problems == {(2, "reported_at"), (3, "easting")}
    assert Incident.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_missing_column_is_refused_naming_it(council_token):
    rows = [{key: value for key, value in row("ASB-3001").items() if key != "easting"}]
    report = push(council_token, {"rows": rows}).json()
    assert [p["column"] for p in report["problems"]] == ["easting"]
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("body", [
    [], {"rows": "ASB-1"}, {"rows": []}, {"rows": [["ASB-1", "Noise"]]},
    {"rows": [{"case_ref": {"nested": "value"}}]},
], ids=["not-an-object", "rows-not-a-list", "no-rows", "row-not-an-object", "nested-value"])
def test_a_malformed_body_is_refused_with_a_message(council_token, body):
    response = push(council_token, body)
    assert response.status_code == 400 and response.json()["detail"]
    assert Incident.objects.count() == 0


def test_a_service_token_may_not_choose_another_mapping(council_token):
    response = push(council_token, {"rows": ROWS, "mapping": "fire-deliberate"})
    assert response.status_code == 400 and "council-asb" in response.json()["detail"]


def test_each_push_is_one_audit_event_of_the_token_and_its_agency(council_token, partnership):
    push(council_token, {"rows": ROWS})
    push(council_token, {"rows": [row("ASB-9", when="not a date")]})
    token = ServiceToken.objects.get()
    events = AuditEvent.objects.filter(object_type="service-token", object_id=str(token.pk),
                                       action="create").order_by("sequence")
    made, accepted, refused = events
    assert "3 added" in accepted.reason and "nothing written" in refused.reason
    assert accepted.username == f"service token {token.pk}: ASB log"
    assert accepted.agency_id == partnership.partner.pk and accepted.user_id is None
    assert council_token not in "".join(e.reason for e in AuditEvent.objects.all())


# --- who may push ---------------------------------------------------------------------------------


def test_an_analyst_pushes_with_their_own_token_naming_a_shipped_mapping(partnership):
    key = Token.objects.create(user=partnership.user("owner", "analyst")).key
    assert push(key, {"rows": ROWS}, "Token").status_code == 400  # no mapping named
    assert push(key, {"rows": ROWS, "mapping": "/etc/passwd"}, "Token").status_code == 400
    response = push(key, {"rows": ROWS, "mapping": "council-asb"}, "Token")
    assert response.status_code == 200 and response.json()["added"] == 3
    assert AuditEvent.objects.filter(object_type="incident-push",
                                     username=partnership.user("owner", "analyst").username).count() == 1


@pytest.mark.parametrize("role", ["viewer", "practitioner", "case_manager", "administrator"])
def test_people_without_incidents_push_are_refused(partnership, role):
    key = Token.objects.create(user=partnership.user("owner", role)).key
    assert push(key, {"rows": ROWS, "mapping": "council-asb"}, "Token").status_code == 403
    assert Incident.objects.count() == 0


def test_without_credentials_the_push_is_401(db):
    assert Client().post(PUSH, data="{}", content_type="application/json").status_code == 401


def test_an_unknown_expired_revoked_or_deactivated_agencys_token_is_401(council_token, partnership):
    assert push("sps_not-a-real-key", {"rows": ROWS}).status_code == 401
    assert push(council_token[:-1], {"rows": ROWS}).status_code == 401
    token = ServiceToken.objects.get()
    ServiceToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert push(council_token, {"rows": ROWS}).status_code == 401
    ServiceToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    partnership.partner.active = False
    partnership.partner.save()
    assert push(council_token, {"rows": ROWS}).status_code == 401
    partnership.partner.active = True
    partnership.partner.save()
    service_tokens.revoke_token(token)
    assert push(council_token, {"rows": ROWS}).status_code == 401
    assert Incident.objects.count() == 0


def test_a_token_without_the_push_scope_is_refused(partnership):
    made = service_tokens.create_token(partnership.partner, name="ASB log", scopes=["incidents.push"],
                                       mapping="council-asb")
    ServiceToken.objects.filter(pk=made.token.pk).update(scopes=[])
    assert push(made.key, {"rows": ROWS}).status_code == 403
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("path", [
    "/api/me/", "/api/schema/", "/api/cases/", "/api/cases/{case}/", "/api/cases/{case}/notes/",
    "/api/people/", "/api/tasks/", "/api/incidents/summary/", "/api/assessments/runs/",
    "/api/cases/referrals/",
])
def test_a_service_token_reads_nothing_not_even_its_own_agencys_cases(council_token, partnership, path):
    from saferplaces.apps.cases import services

    case = services.create_case(partnership.user("partner", "case_manager"), case_type_key="repeat-asb",
                                title="Noise on Elm Estate")
    assert Case.objects.filter(owner_agency=partnership.partner).exists()
    response = Client().get(path.format(case=case.pk), HTTP_AUTHORIZATION=f"Bearer {council_token}")
    assert response.status_code == 403
    assert b"Elm Estate" not in response.content
