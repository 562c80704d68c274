"""What an action's record may say: its day is not after today and not before the power came
into force (a refusal naming the commencement, never a server error); review and comply-by dates
lie within the record horizon; the agency that took it works on the case (the owner or a live
full share); a Community Protection Warning is not given to a child under 16. Nothing is saved
when a rule is broken, on the page or through the API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions
from saferplaces.apps.asb.models import AsbAction, RiskAssessment
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, ShareLevel, Task
from saferplaces.apps.cases.services import CaseRuleError
from tests.apps.asb.conftest import CALM, day_fields, years_ago
from tests.apps.cases.conftest import add, person

TODAY = timezone.localdate()
D = datetime.date


def _page_body(asb, subject, **fields):
    return {"subject": str(subject), "officer": "PC 1234 Example",
            "agency": str(asb.case.owner_agency.pk), "conditions": "", **fields}


def _api(asb, client, **body):
    values = {"person_id": asb.perpetrator.pk, "officer": "PC 9 Other",
              "agency": asb.case.owner_agency.pk, **body}
    return client.post(f"/api/cases/{asb.case.pk}/asb-actions/", values,
                       content_type="application/json")


@pytest.mark.parametrize("kind, on, said", [
    ("cbo", D(2013, 5, 1), "The 2014 Act power did not exist on 1 May 2013 "
                           "(in force from 20 October 2014)"),
    ("cpn", D(1900, 1, 1), "The 2014 Act power did not exist on 1 January 1900 "
                           "(in force from 20 October 2014)"),
    ("injunction", D(2010, 1, 1), "The 2014 Act power did not exist on 1 January 2010 "
                                  "(in force from 23 March 2015)"),
])
def test_an_action_dated_before_its_power_is_a_form_error_not_a_server_error(
        asb, signed_in_client, kind, on, said):
    answer = signed_in_client(asb.manager).post(
        f"/cases/{asb.case.pk}/actions/record/{kind}/",
        _page_body(asb, asb.perpetrator.pk, **day_fields("on", on)))
    assert answer.status_code == 400
    assert said in answer.content.decode()
    assert not AsbAction.objects.exists()


def test_an_action_dated_before_its_power_is_a_400_through_the_api(asb, signed_in_client):
    answer = _api(asb, signed_in_client(asb.manager), kind="cbo", on="2013-05-01")
    assert answer.status_code == 400
    assert "The 2014 Act power did not exist on 1 May 2013" in answer.content.decode()
    assert not AsbAction.objects.exists()


def test_an_action_dated_after_today_is_refused(asb, signed_in_client):
    client = signed_in_client(asb.manager)
    far = _api(asb, client, kind="abc", on="9999-12-01", ends_on="9999-12-31",
               review_on="9999-12-31")
    assert far.status_code == 400 and "cannot be in the future" in far.content.decode()
    page = client.post(f"/cases/{asb.case.pk}/actions/record/abc/", _page_body(
        asb, asb.perpetrator.pk, **day_fields("on", D(2999, 1, 1)),
        **day_fields("ends_on", D(2999, 3, 1)), **day_fields("review_on", D(2999, 2, 1))))
    assert page.status_code == 400 and "cannot be in the future" in page.content.decode()
    assert not AsbAction.objects.exists() and not Task.objects.exists()


def test_a_warning_dated_in_year_one_with_a_comply_by_in_9999_is_refused(asb, signed_in_client):
    answer = _api(asb, signed_in_client(asb.manager), kind="cpw", on="0001-01-01",
                  comply_by="9999-12-31")
    assert answer.status_code == 400
    assert not AsbAction.objects.exists() and not Task.objects.exists()


def test_a_comply_by_date_beyond_the_horizon_is_refused_and_sets_no_task(asb):
    access = get_case_for_user(asb.manager, asb.case.pk)
    with pytest.raises(CaseRuleError, match="at most 10 years after it"):
        actions.record_action(access, asb.manager, kind="cpw", agency=asb.case.owner_agency,
                              officer="PC 1", person_id=asb.perpetrator.pk, on=TODAY,
                              comply_by=TODAY.replace(year=TODAY.year + 11))
    assert not AsbAction.objects.exists() and not Task.objects.exists()


def test_a_comply_by_date_within_the_horizon_is_recorded(asb):
    access = get_case_for_user(asb.manager, asb.case.pk)
    made = actions.record_action(access, asb.manager, kind="cpw", agency=asb.case.owner_agency,
                                 officer="PC 1", person_id=asb.perpetrator.pk, on=TODAY,
                                 comply_by=TODAY + datetime.timedelta(days=28))
    assert made.review_task is not None


def test_a_huge_person_id_is_a_400_not_a_server_error(asb, signed_in_client):
    answer = _api(asb, signed_in_client(asb.manager), kind="warning-letter",
                  person_id=999999999999999999999, on=TODAY.isoformat())
    assert answer.status_code == 400
    huge_agency = _api(asb, signed_in_client(asb.manager), kind="warning-letter",
                       agency=999999999999999999999, on=TODAY.isoformat())
    assert huge_agency.status_code == 400
    assert not AsbAction.objects.exists()


def test_an_action_cannot_be_attributed_to_an_agency_not_on_the_case(asb, partnership,
                                                                     signed_in_client):
    client = signed_in_client(asb.manager)
    api = _api(asb, client, kind="warning-letter", agency=partnership.outsider.pk,
               on=TODAY.isoformat())
    assert api.status_code == 400 and "works on this case" in api.content.decode()
    body = _page_body(asb, asb.perpetrator.pk, **day_fields("on", TODAY))
    body["agency"] = str(partnership.outsider.pk)
    page = client.post(f"/cases/{asb.case.pk}/actions/record/warning-letter/", body)
    assert page.status_code == 400
    form = client.get(f"/cases/{asb.case.pk}/actions/record/warning-letter/").content.decode()
    assert partnership.outsider.name not in form and partnership.partner.name in form
    assert not AsbAction.objects.exists()


def test_a_limited_share_agency_cannot_be_named_as_the_one_that_took_the_action(
        asb, partnership, signed_in_client):
    CaseShare.objects.filter(case=asb.case).update(level=ShareLevel.LIMITED)
    answer = _api(asb, signed_in_client(asb.manager), kind="warning-letter",
                  agency=partnership.partner.pk, on=TODAY.isoformat())
    assert answer.status_code == 400 and not AsbAction.objects.exists()


def test_the_partner_with_a_full_share_can_be_named(asb, partnership, signed_in_client):
    answer = _api(asb, signed_in_client(asb.manager), kind="warning-letter",
                  agency=partnership.partner.pk, on=TODAY.isoformat())
    assert answer.status_code == 201


def test_a_community_protection_warning_to_a_14_year_old_is_refused(asb, partnership,
                                                                    signed_in_client):
    teen = person(partnership.owner, "Tia", "Teen", born=years_ago(14))
    add(asb.manager, asb.case, teen, "alleged-perpetrator")
    answer = _api(asb, signed_in_client(asb.manager), kind="cpw", person_id=teen.pk,
                  on=TODAY.isoformat(),
                  comply_by=(TODAY + datetime.timedelta(days=28)).isoformat())
    assert answer.status_code == 400
    assert "cpw.min_age" in answer.content.decode()
    assert not AsbAction.objects.exists()


def test_a_risk_assessment_cannot_be_dated_in_the_future_or_before_1900(asb):
    from saferplaces.apps.asb import risk
    access = get_case_for_user(asb.manager, asb.case.pk)
    with pytest.raises(CaseRuleError, match="in the future"):
        risk.assess_person(access, asb.manager, person_id=asb.victim.pk, answers=CALM,
                           on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(CaseRuleError, match="before 1900"):
        risk.assess_person(access, asb.manager, person_id=asb.victim.pk, answers=CALM,
                           on=D(1899, 12, 31))
    assert not RiskAssessment.objects.exists()


def test_a_risk_assessment_of_a_huge_person_id_is_a_400(asb, signed_in_client):
    answer = signed_in_client(asb.manager).post(
        f"/api/cases/{asb.case.pk}/risk-assessments/",
        {"person_id": 999999999999999999999, "answers": CALM}, content_type="application/json")
    assert answer.status_code == 400 and not RiskAssessment.objects.exists()
