"""The queue and proposal pages: only the holding agency's case managers see a proposal (others
404, members without ``cases.manage`` 403), its evidence shown as the incident store shows it
(a street withheld from a reader without sensitive locations), accepted or dismissed through
the forms, a stale decision refused with both versions shown."""

from __future__ import annotations

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.models import Case
from saferplaces.apps.repeats.models import Proposal
from tests.apps.repeats.conftest import FLAT, incident, only, propose


def cuckooed_flat() -> None:
    for day, victim in (("2025-03-01", ""), ("2025-03-20", ""), ("2025-04-02", "V7"), ("2025-05-02", "V8")):
        incident(day, victim=victim, category="Trafficking of drugs", at=FLAT)


def test_the_queue_lists_only_the_agencys_own_proposals(repeat_victim, holders, signed_in_client):
    propose()
    owner = signed_in_client(holders.user("owner", "case_manager")).get("/repeats/")
    assert owner.status_code == 200 and "Victim reference V100001" in owner.content.decode()
    outsider = signed_in_client(holders.user("outsider", "case_manager")).get("/repeats/")
    assert outsider.status_code == 200 and "V100001" not in outsider.content.decode()
    assert "No proposals." in outsider.content.decode()


def test_an_outsider_case_manager_gets_404_for_a_proposal_and_cannot_decide_it(
        repeat_victim, holders, signed_in_client):
    propose()
    proposal = only(kind="victim")
    client = signed_in_client(holders.user("outsider", "case_manager"))
    assert client.get(f"/repeats/{proposal.pk}/").status_code == 404
    assert client.post(f"/repeats/{proposal.pk}/dismiss/", {
        "reason": "Trying to dismiss another agency's proposal", "version": proposal.version,
    }).status_code == 404
    assert client.post(f"/repeats/{proposal.pk}/accept/", {
        "decision": "new", "risk": "standard", "version": proposal.version}).status_code == 404
    assert only(kind="victim").status == "open"


def test_a_partner_practitioner_without_cases_manage_is_refused(repeat_victim, holders, signed_in_client):
    propose()
    client = signed_in_client(holders.user("owner", "practitioner"))
    assert client.get(f"/repeats/{only(kind='victim').pk}/").status_code == 403


def test_the_proposal_page_shows_the_evidence_and_is_audited(repeat_victim, holders, signed_in_client):
    propose()
    proposal = only(kind="victim")
    page = signed_in_client(holders.user("owner", "case_manager")).get(f"/repeats/{proposal.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 incidents" in text and "March 2025" in text and "repeats.victim.threshold" in text
    assert AuditEvent.objects.filter(object_type="repeat-proposal", action="view",
                                     object_id=str(proposal.pk)).exists()


def test_a_repeat_locations_street_is_withheld_from_a_case_manager_without_sensitive_locations(
        holders, signed_in_client):
    cuckooed_flat()
    propose()
    proposal = only(kind="location")
    manager = signed_in_client(holders.user("owner", "case_manager")).get(f"/repeats/{proposal.pk}/")
    assert "street withheld: sensitive" in manager.content.decode()
    assert "601111" not in manager.content.decode()
    coordinator = signed_in_client(holders.user("owner", "coordinator")).get(f"/repeats/{proposal.pk}/")
    assert "Grid reference 601111 226969" in coordinator.content.decode()


def test_accepting_through_the_page_opens_the_case_and_goes_to_it(repeat_victim, holders, signed_in_client):
    propose()
    proposal = only(kind="victim")
    done = signed_in_client(holders.user("owner", "case_manager")).post(
        f"/repeats/{proposal.pk}/accept/", {"decision": "new", "case_type": "repeat-asb",
                                            "title": "", "risk": "high",
                                            "version": proposal.version})
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/"
    assert (case.risk, case.incident_links.count()) == ("high", 2)


def test_dismissing_through_the_page_needs_a_reason(repeat_victim, holders, signed_in_client):
    propose()
    proposal = only(kind="victim")
    client = signed_in_client(holders.user("owner", "case_manager"))
    refused = client.post(f"/repeats/{proposal.pk}/dismiss/", {"reason": "", "version": proposal.version})
    assert refused.status_code == 400 and only(kind="victim").status == "open"
    done = client.post(f"/repeats/{proposal.pk}/dismiss/", {
        "reason": "Already managed by the domestic abuse team", "version": proposal.version})
    assert done.status_code == 302 and only(kind="victim").status == "dismissed"
    listed = client.get("/repeats/?status=dismissed").content.decode()
    assert f"/repeats/{proposal.pk}/" in listed


def test_a_decision_on_a_proposal_that_gained_incidents_is_refused_showing_both(
        repeat_victim, holders, signed_in_client):
    propose()
    proposal = only(kind="victim")
    seen = proposal.version
    incident("2025-05-01", victim="V100001")
    propose()
    answer = signed_in_client(holders.user("owner", "case_manager")).post(
        f"/repeats/{proposal.pk}/dismiss/", {"reason": "Dealt with already by the team", "version": seen})
    text = answer.content.decode()
    assert answer.status_code == 409 and "Nothing was saved" in text
    assert "3 incidents now" in text and "Waiting for a decision" in text
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_the_repeats_link_is_in_the_menu_for_case_managers_only(holders, signed_in_client):
    manager = signed_in_client(holders.user("owner", "case_manager")).get("/cases/").content.decode()
    practitioner = signed_in_client(holders.user("owner", "practitioner")).get("/cases/").content.decode()
    assert 'href="/repeats/"' in manager and 'href="/repeats/"' not in practitioner
