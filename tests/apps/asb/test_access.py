"""Who sees and records risk assessments and 2014 Act actions: through the case's access helper,
in full view only. An outsider agency gets 404 (no hint they exist), so does a limited share; a
partner with a full share reads and records them; a member without the capability (a viewer)
gets 403; break-glass is for reading, never recording."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions, risk
from saferplaces.apps.asb.models import AsbAction, RiskAssessment
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, ShareLevel
from tests.apps.asb.conftest import CALM, MEDIUM, answers_form, day_fields

WHY = "Fire at the address overnight: checking for known risks to crews attending"


@pytest.fixture
def records(asb):
    access = get_case_for_user(asb.manager, asb.case.pk)
    assessment = risk.assess_person(access, asb.manager, person_id=asb.victim.pk, answers=MEDIUM)
    letter = actions.record_action(access, asb.manager, kind="warning-letter",
                                   agency=asb.case.owner_agency, officer="PC 1234 Example",
                                   person_id=asb.perpetrator.pk, on=timezone.localdate())
    return assessment, letter


def _urls(asb, letter):
    party = asb.party(asb.victim)
    return [f"/cases/{asb.case.pk}/risk/{party}/", f"/cases/{asb.case.pk}/risk/{party}/assess/",
            f"/cases/{asb.case.pk}/actions/record/cpw/", f"/cases/{asb.case.pk}/actions/{letter.pk}/",
            f"/cases/{asb.case.pk}/actions/{letter.pk}/breach/",
            f"/api/cases/{asb.case.pk}/risk-assessments/", f"/api/cases/{asb.case.pk}/asb-actions/"]


def _warning_letter(asb):
    return {"kind": "warning-letter", "person_id": asb.perpetrator.pk, "officer": "PC 9 Other",
            "agency": asb.case.owner_agency.pk, "on": timezone.localdate().isoformat()}


def test_outsider_agency_gets_404_for_every_page_and_endpoint(asb, records, signed_in_client):
    client = signed_in_client(asb.outsider)
    assert [client.get(url).status_code for url in _urls(asb, records[1])] == [404] * 7
    api = client.post(f"/api/cases/{asb.case.pk}/asb-actions/", _warning_letter(asb),
                      content_type="application/json")
    assert api.status_code == 404 and AsbAction.objects.count() == 1


def test_limited_share_gets_404_and_no_panel(asb, records, signed_in_client):
    CaseShare.objects.filter(case=asb.case).update(level=ShareLevel.LIMITED)
    client = signed_in_client(asb.partner)
    assert [client.get(url).status_code for url in _urls(asb, records[1])] == [404] * 7
    page = client.get(f"/cases/{asb.case.pk}/").content.decode()
    assert page.count("risk-assessments") == 0 and "asb-actions" not in page
    assert "Medium" not in page and "Warning letter" not in page


def test_partner_with_a_full_share_reads_and_records(asb, records, signed_in_client):
    client = signed_in_client(asb.partner)
    listed = client.get(f"/api/cases/{asb.case.pk}/risk-assessments/").json()
    assert [(row["band"], row["name"], row["current"]) for row in listed] == [
        ("medium", "Vera Victim", True)]
    made = client.post(f"/api/cases/{asb.case.pk}/risk-assessments/",
                       {"person_id": asb.victim.pk, "answers": CALM,
                        "opened_on_latest": records[0].pk}, content_type="application/json")
    assert made.status_code == 201 and made.json()["band"] == "standard"
    recorded = client.post(f"/api/cases/{asb.case.pk}/asb-actions/", _warning_letter(asb),
                           content_type="application/json")
    assert recorded.status_code == 201 and recorded.json()["kind_label"] == "Warning letter"
    assert recorded.json()["agency"] == asb.case.owner_agency.name
    assert AuditEvent.objects.filter(object_type="asb-action", action="create",
                                     username="partner-practitioner").exists()
    actions_seen = client.get(f"/api/cases/{asb.case.pk}/asb-actions/").json()
    assert len(actions_seen) == 2


def test_the_api_answers_a_refusal_with_each_rule_and_source(asb, records, signed_in_client):
    client = signed_in_client(asb.manager)
    answer = client.post(f"/api/cases/{asb.case.pk}/asb-actions/",
                         {**_warning_letter(asb), "kind": "cpn"}, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["refusals"][0]["rule"] == "cpn.written_warning_first"
    assert "s.43(5)(a)" in answer.json()["refusals"][0]["source"]
    stale = client.post(f"/api/cases/{asb.case.pk}/risk-assessments/",
                        {"person_id": asb.victim.pk, "answers": CALM, "opened_on_latest": 0},
                        content_type="application/json")
    assert stale.status_code == 409 and RiskAssessment.objects.count() == 1


def test_viewer_cannot_read_or_write(asb, records, signed_in_client):
    client = signed_in_client(asb.viewer)
    assert client.get(f"/api/cases/{asb.case.pk}/risk-assessments/").status_code == 403
    posted = client.post(f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/assess/",
                         answers_form(CALM, latest=records[0].pk))
    api = client.post(f"/api/cases/{asb.case.pk}/asb-actions/", _warning_letter(asb),
                      content_type="application/json")
    assert (posted.status_code, api.status_code) == (403, 403)
    assert (RiskAssessment.objects.count(), AsbAction.objects.count()) == (1, 1)


def test_break_glass_reads_but_never_records(asb, records, signed_in_client):
    client = signed_in_client(asb.outsider)
    assert client.post(f"/break-glass/case/{asb.case.pk}/", {"reason": WHY}).status_code == 302
    assert client.get(f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/").status_code == 200
    assert client.get(f"/api/cases/{asb.case.pk}/asb-actions/").status_code == 200
    refused = client.post(f"/cases/{asb.case.pk}/actions/record/warning-letter/",
                          {"subject": str(asb.perpetrator.pk), "officer": "Watch manager",
                           "agency": str(asb.outsider.membership.agency.pk),
                           **day_fields("on", timezone.localdate())})
    assert refused.status_code == 403 and AsbAction.objects.count() == 1


def test_reading_a_persons_history_is_audited(asb, records, signed_in_client):
    signed_in_client(asb.partner).get(f"/cases/{asb.case.pk}/risk/{asb.party(asb.victim)}/")
    assert AuditEvent.objects.filter(action="view", object_type="person",
                                     object_id=str(asb.victim.pk),
                                     username="partner-practitioner").exists()


def test_the_pages_do_not_exist_for_a_case_of_another_type(partnership, signed_in_client):
    from tests.apps.cases.conftest import add, open_case, person

    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="hate")
    victim = person(partnership.owner, "Hana", "Example", born=datetime.date(1980, 1, 1))
    add(manager, case, victim, "victim")
    party = case.parties.get().pk
    client = signed_in_client(manager)
    assert client.get(f"/cases/{case.pk}/risk/{party}/assess/").status_code == 404
    assert client.get(f"/api/cases/{case.pk}/asb-actions/").status_code == 404
