"""Complaints about a repeat-ASB case counted across agencies for the ASB Case Review
threshold (2014 Act s.104), each explained; the second report within six months prompting
staff to explain the Case Review (statutory guidance, 2025) until they record that they did."""

from __future__ import annotations

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.casereview import services
from saferplaces.apps.casereview.models import Explanation
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import ShareLevel
from tests.apps.casereview.conftest import complain, days_ago, store_row


def case_page(client, case) -> str:
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_case_review_triggered_by_third_qualifying_complaint_across_agencies(
        asb, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(60))  # made to the police
    complain(asb.council, asb.case, asb.neighbour, days_ago(30), days_ago(33))  # to the council
    client = signed_in_client(asb.police)
    assert not services.standing(asb.case).assessment.met
    assert 'id="case-review-flag"' not in case_page(client, asb.case)

    store_row(asb.case, days_ago(10), ref="RC-007")  # the council's ASB log, linked to the case
    now = services.standing(asb.case).assessment
    assert now.met
    assert [c.complaint.source for c in now.qualifying] == [
        "Essex Police", "Colchester City Council", "the council ASB log"]
    page = case_page(client, asb.case)
    assert 'id="case-review-flag"' in page
    assert "Complainant in the council ASB log 1" in page and "RC-007" not in page
    assert 'id="case-review-flag"' in case_page(signed_in_client(asb.council), asb.case)


def test_complaint_made_more_than_a_month_after_the_behaviour_does_not_qualify(
        asb, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(90))
    complain(asb.council, asb.case, asb.neighbour, days_ago(50))
    late = complain(asb.police, asb.case, asb.neighbour, days_ago(5), days_ago(45))
    now = services.standing(asb.case).assessment
    assert not now.met
    [why] = now.not_qualifying
    assert why.complaint.reference.endswith(f"/C{late.pk}")
    assert why.reason.startswith("made 40 days after the behaviour")
    page = case_page(signed_in_client(asb.police), asb.case)
    assert "made 40 days after the behaviour" in page and 'id="case-review-flag"' not in page


def test_police_asb_without_a_complainant_reference_does_not_count(asb):
    store_row(asb.case, days_ago(3), source="police-uk", ref="", category="Anti-social behaviour")
    [row] = services.standing(asb.case).assessment.complaints
    assert not row.qualifies and "no complainant is recorded" in row.reason


def test_second_report_within_six_months_prompts_case_review_explanation(
        asb, signed_in_client):
    client = signed_in_client(asb.council)
    complain(asb.police, asb.case, asb.victim, days_ago(150))
    assert 'id="case-review-prompt"' not in case_page(client, asb.case)

    complain(asb.council, asb.case, asb.victim, days_ago(2))
    page = case_page(client, asb.case)
    assert 'id="case-review-prompt"' in page and "Vera Victim reported again" in page

    answer = client.post(f"/case-review/cases/{asb.case.pk}/explained/", {
        "complainant": f"person:{asb.victim.pk}", "explained_on_day": days_ago(1).day,
        "explained_on_month": days_ago(1).month, "explained_on_year": days_ago(1).year,
        "how": "telephone"})
    assert answer.status_code == 302
    done = Explanation.objects.get()
    assert (done.explained_by, done.explained_on, done.how) == (asb.council, days_ago(1),
                                                                "telephone")
    page = case_page(client, asb.case)
    assert 'id="case-review-prompt"' not in page and "by partner-practitioner" in page
    events = AuditEvent.objects.filter(action="create", object_type="case",
                                       object_id=str(asb.case.pk), username=asb.council.username)
    assert ["case_review_explanation"] in [event.changed_fields for event in events]


def test_an_explanation_is_refused_when_no_second_report_asks_for_it(asb):
    complain(asb.police, asb.case, asb.victim, days_ago(20))
    with pytest.raises(services.ReviewRuleError, match="second report"):
        services.record_explanation(get_case_for_user(asb.police, asb.case.pk), asb.police,
                                    complainant_key=f"person:{asb.victim.pk}",
                                    explained_on=days_ago(1), how="letter")


def test_a_complaint_by_someone_who_is_not_a_party_is_refused(asb, partnership):
    from tests.apps.cases.conftest import person

    stranger = person(partnership.owner, "Sam", "Stranger")
    with pytest.raises(services.ReviewRuleError, match="party of the case"):
        complain(asb.police, asb.case, stranger, days_ago(1))


def test_an_outsider_agency_gets_404_for_the_complaints_of_a_case_it_cannot_see(
        asb, partnership, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(1))
    client = signed_in_client(partnership.user("outsider", "case_manager"))
    for path in (f"/case-review/cases/{asb.case.pk}/complaints/add/",
                 f"/case-review/cases/{asb.case.pk}/explained/",
                 f"/api/cases/{asb.case.pk}/complaints/"):
        assert client.get(path).status_code == 404, path


def test_a_limited_share_sees_no_complaints(asb, partnership, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(1))
    share = asb.case.shares.get(agency=partnership.partner)
    share.level = ShareLevel.LIMITED
    share.save()
    client = signed_in_client(asb.council)
    page = case_page(client, asb.case)
    assert 'id="case-review"' not in page and "Vera Victim" not in page
    assert client.get(f"/api/cases/{asb.case.pk}/complaints/").status_code == 404
    assert client.get(f"/case-review/cases/{asb.case.pk}/complaints/add/").status_code == 404


def test_the_api_gives_the_threshold_and_each_complaint(asb, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(1))
    body = signed_in_client(asb.council).get(f"/api/cases/{asb.case.pk}/complaints/").json()
    assert body["threshold_met"] is False
    assert body["routes"][0]["needed"] == 3 and body["routes"][0]["found"] == 1
    assert body["complaints"][0]["complainant"] == "Vera Victim"
