"""The repeat proposals API answers as the pages do: only the holding agency's case managers
see a proposal (others 404, members without ``cases.manage`` 403), accept and dismiss take the
same data as the page's forms, and a stale version saves nothing (409, the proposal as it is)."""

from __future__ import annotations

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Case
from tests.apps.repeats.conftest import only, propose


def test_the_api_lists_and_shows_only_the_agencys_own_proposals(repeat_victim, holders,
                                                                signed_in_client):
    propose()
    proposal = only(kind="victim")
    owner = signed_in_client(holders.user("owner", "case_manager"))
    listed = owner.get("/api/repeats/proposals/").json()
    assert [(p["id"], p["subject"], p["incidents"]) for p in listed] == [
        (proposal.pk, "Victim reference V100001", 2)]
    detail = owner.get(f"/api/repeats/proposals/{proposal.pk}/").json()
    assert len(detail["evidence"]) == 2 and detail["version"] == proposal.version
    assert AuditEvent.objects.filter(object_type="repeat-proposal", action="view",
                                     object_id=str(proposal.pk)).exists()
    outsider = signed_in_client(holders.user("outsider", "case_manager"))
    assert outsider.get("/api/repeats/proposals/").json() == []
    assert outsider.get(f"/api/repeats/proposals/{proposal.pk}/").status_code == 404
    assert outsider.post(f"/api/repeats/proposals/{proposal.pk}/dismiss/",
                         {"reason": "Not ours to dismiss, but trying", "version": 1},
                         content_type="application/json").status_code == 404
    assert only(kind="victim").status == "open"


def test_accepting_through_the_api_opens_a_case_as_the_page_does(repeat_victim, holders,
                                                                 signed_in_client):
    propose()
    proposal = only(kind="victim")
    client = signed_in_client(holders.user("owner", "case_manager"))
    answer = client.post(f"/api/repeats/proposals/{proposal.pk}/accept/",
                         {"decision": "new", "risk": "standard", "version": proposal.version},
                         content_type="application/json")
    assert answer.status_code == 200, answer.content
    case = Case.objects.get(pk=answer.json()["case_id"])
    assert answer.json()["case"] == case.reference and case.incident_links.count() == 2
    assert only(kind="victim").status == "accepted"
    again = client.post(f"/api/repeats/proposals/{proposal.pk}/accept/",
                        {"decision": "new", "version": proposal.version},
                        content_type="application/json")
    assert again.status_code == 409 and again.json()["current"]["status"] == "accepted"


def test_dismissing_through_the_api_needs_a_reason_and_the_current_version(
        repeat_victim, holders, signed_in_client):
    propose()
    proposal = only(kind="victim")
    client = signed_in_client(holders.user("owner", "case_manager"))
    url = f"/api/repeats/proposals/{proposal.pk}/dismiss/"
    short = client.post(url, {"reason": "no", "version": proposal.version},
                        content_type="application/json")
    assert short.status_code == 400 and short.json()["field"] == "reason"
    stale = client.post(url, {"reason": "Known to the neighbourhood team already",
                              "version": proposal.version + 1}, content_type="application/json")
    assert stale.status_code == 409
    done = client.post(url, {"reason": "Known to the neighbourhood team already",
                             "version": proposal.version}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    assert done.json()["reason"] == "Known to the neighbourhood team already"
