"""A complainant who reports the same behaviour both to the council's ASB log and to an agency
on the case is one complainant: staff link the party to their log complainant reference on the
case (audited), and from then on the same person's reports of the same day's behaviour count
once. Only a party who is not solely the alleged perpetrator can be a complainant, and the days
of complaints and review stages are neither in the future nor before 1900."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.casereview import services
from saferplaces.apps.casereview.models import ComplainantLink, Complaint
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import TimelineEntry
from tests.apps.casereview.conftest import complain, days_ago, store_row
from tests.apps.cases.conftest import add, person


def _link(asb, who, ref="RC-007", user=None):
    user = user or asb.police
    return services.link_complainant(get_case_for_user(user, asb.case.pk), user,
                                     person_id=who.pk, source="council-asb", reference=ref)


def test_the_same_persons_same_day_report_to_the_log_and_the_police_counts_once(asb):
    complain(asb.police, asb.case, asb.victim, days_ago(10))
    store_row(asb.case, days_ago(10), ref="RC-007")
    complain(asb.police, asb.case, asb.neighbour, days_ago(5))
    assert len(services.standing(asb.case).assessment.qualifying) == 3  # counted twice: unlinked
    _link(asb, asb.victim)
    now = services.standing(asb.case).assessment
    assert len(now.qualifying) == 2 and not now.met
    assert {c.complaint.complainant for c in now.qualifying} == {
        f"person:{asb.victim.pk}", f"person:{asb.neighbour.pk}"}


def test_a_linked_persons_report_of_another_days_behaviour_still_counts(asb):
    complain(asb.police, asb.case, asb.victim, days_ago(20))
    store_row(asb.case, days_ago(10), ref="RC-007")
    complain(asb.police, asb.case, asb.neighbour, days_ago(5))
    _link(asb, asb.victim)
    assert services.standing(asb.case).assessment.met


def test_linking_is_audited_and_on_the_timeline_without_the_reference(asb):
    store_row(asb.case, days_ago(10), ref="RC-007")
    link = _link(asb, asb.victim)
    assert link.linked_by == asb.police
    assert any("complainant_link" in event.changed_fields for event in AuditEvent.objects.filter(
        action="create", object_type="case", object_id=str(asb.case.pk)))
    entry = TimelineEntry.objects.get(case=asb.case, kind="case-review")
    assert asb.case.reference in entry.text and "RC-007" not in entry.text


def test_a_reference_not_in_the_log_rows_of_the_case_cannot_be_linked(asb):
    store_row(asb.case, days_ago(10), ref="RC-007")
    with pytest.raises(services.ReviewRuleError, match="No row of the council ASB log"):
        _link(asb, asb.victim, ref="RC-999")
    assert not ComplainantLink.objects.exists()


def test_a_log_reference_is_linked_to_one_person_only(asb):
    store_row(asb.case, days_ago(10), ref="RC-007")
    _link(asb, asb.victim)
    with pytest.raises(services.ReviewRuleError, match="already linked"):
        _link(asb, asb.neighbour)


def test_staff_link_a_complainant_on_the_panel_page(asb, signed_in_client):
    store_row(asb.case, days_ago(10), ref="RC-007")
    client = signed_in_client(asb.police)
    page = client.get(f"/case-review/cases/{asb.case.pk}/link-complainant/")
    assert page.status_code == 200 and "RC-007" not in page.content.decode()
    answer = client.post(f"/case-review/cases/{asb.case.pk}/link-complainant/",
                         {"person": str(asb.victim.pk), "source": "council-asb",
                          "reference": "RC-007"})
    assert answer.status_code == 302
    assert ComplainantLink.objects.get().person == asb.victim
    panel = client.get(f"/cases/{asb.case.pk}/").content.decode()
    assert "Complainant in the council ASB log" not in panel and "RC-007" not in panel


def test_an_outsider_cannot_link_a_complainant(asb, partnership, signed_in_client):
    store_row(asb.case, days_ago(10), ref="RC-007")
    client = signed_in_client(partnership.user("outsider", "case_manager"))
    answer = client.post(f"/case-review/cases/{asb.case.pk}/link-complainant/",
                         {"person": str(asb.victim.pk), "source": "council-asb",
                          "reference": "RC-007"})
    assert answer.status_code == 404 and not ComplainantLink.objects.exists()


# --- who may complain, and when ----------------------------------------------------------------

def test_the_alleged_perpetrator_cannot_be_recorded_as_a_complainant(asb, partnership):
    accused = person(partnership.owner, "Perry", "Neighbour", born=datetime.date(1990, 7, 2))
    add(asb.police, asb.case, accused, "alleged-perpetrator")
    with pytest.raises(services.ReviewRuleError, match="alleged perpetrator"):
        complain(asb.police, asb.case, accused, days_ago(3))
    assert not Complaint.objects.exists()


def test_a_party_who_is_also_a_victim_can_complain_despite_a_counter_allegation(asb):
    add(asb.police, asb.case, asb.neighbour, "alleged-perpetrator")
    assert complain(asb.police, asb.case, asb.neighbour, days_ago(3)).pk


def test_the_complaint_form_does_not_offer_the_alleged_perpetrator(asb, partnership,
                                                                   signed_in_client):
    accused = person(partnership.owner, "Perry", "Neighbour", born=datetime.date(1990, 7, 2))
    add(asb.police, asb.case, accused, "alleged-perpetrator")
    page = signed_in_client(asb.police).get(f"/case-review/cases/{asb.case.pk}/complaints/add/")
    assert "Perry" not in page.content.decode() and "Vera" in page.content.decode()


def test_a_complaint_about_behaviour_before_1900_is_refused(asb):
    with pytest.raises(services.ReviewRuleError, match="before 1900"):
        complain(asb.police, asb.case, asb.victim, days_ago(3), datetime.date(1899, 12, 31))
    assert not Complaint.objects.exists()


def test_a_review_stage_or_application_before_1900_or_in_the_future_is_refused(asb):
    access = get_case_for_user(asb.police, asb.case.pk)
    with pytest.raises(services.ReviewRuleError, match="before 1900"):
        services.apply(access, asb.police, applied_on=datetime.date(1899, 1, 1),
                       channel="telephone")
    review = services.apply(access, asb.police, applied_on=days_ago(10), channel="telephone")
    with pytest.raises(services.ReviewRuleError, match="in the future"):
        services.record_stage(access, review, asb.police, stage="acknowledgement", version=1,
                              values={"acknowledged_on": days_ago(-1)})
    with pytest.raises(services.ReviewRuleError, match="before 1900"):
        services.record_stage(access, review, asb.police, stage="acknowledgement", version=1,
                              values={"acknowledged_on": datetime.date(1800, 1, 1)})


# --- removing a wrong link ----------------------------------------------------------------------


def test_removing_a_complainant_link_keeps_it_with_the_reason_and_recomputes_the_count(
        asb, signed_in_client):
    """A removed link no longer counts: the linked person's report count drops (their log report
    is again another complainant's, so their second-report prompt goes), the case's qualifying
    complaints are counted again, the removal is on the timeline and audited, and the link is
    kept with who removed it and why."""
    complain(asb.police, asb.case, asb.victim, days_ago(40))
    store_row(asb.case, days_ago(10), ref="RC-007")
    link = _link(asb, asb.victim)
    victim = f"person:{asb.victim.pk}"
    linked = services.standing(asb.case)
    assert [c.complaint.complainant for c in linked.assessment.qualifying].count(victim) == 2
    assert victim in {p.complainant for p in linked.due}

    answer = signed_in_client(asb.police).post(
        f"/case-review/cases/{asb.case.pk}/links/{link.pk}/remove/",
        {"reason": "RC-007 is the upstairs neighbour's reference, not hers"})
    assert answer.status_code == 302

    after = services.standing(asb.case)
    assert [c.complaint.complainant for c in after.assessment.qualifying].count(victim) == 1
    assert victim not in {p.complainant for p in after.due}
    link.refresh_from_db()
    assert link.removed_by == asb.police and link.removed_at is not None
    assert link.removal_reason == "RC-007 is the upstairs neighbour's reference, not hers"
    entry = TimelineEntry.objects.filter(case=asb.case, text__contains="link").latest("pk")
    assert entry.text == (f"Complainant link to a reference in the council ASB log removed on "
                          f"{asb.case.reference}")
    assert "RC-007" not in entry.text and "Vera" not in entry.text
    assert any("complainant_link_removed" in event.changed_fields
               for event in AuditEvent.objects.filter(action="update", object_type="case",
                                                      object_id=str(asb.case.pk)))
    page = signed_in_client(asb.police).get(f"/cases/{asb.case.pk}/").content.decode()
    assert entry.text in page
    assert 'id="complainant-links"' not in page


def test_a_removal_that_makes_the_threshold_met_says_so_on_the_timeline(asb):
    complain(asb.police, asb.case, asb.victim, days_ago(10))
    store_row(asb.case, days_ago(10), ref="RC-007")
    complain(asb.police, asb.case, asb.neighbour, days_ago(5))
    link = _link(asb, asb.victim)
    assert not services.standing(asb.case).assessment.met
    services.remove_complainant_link(get_case_for_user(asb.police, asb.case.pk), asb.police,
                                     link.pk, reason="Wrong resident")
    assert services.standing(asb.case).assessment.met
    assert TimelineEntry.objects.filter(
        case=asb.case, text=f"ASB Case Review threshold met on {asb.case.reference}").exists()


def test_a_link_is_not_removed_without_a_reason_and_the_reference_can_be_linked_again(asb):
    store_row(asb.case, days_ago(10), ref="RC-007")
    link = _link(asb, asb.victim)
    access = get_case_for_user(asb.police, asb.case.pk)
    with pytest.raises(services.ReviewRuleError, match="Say why"):
        services.remove_complainant_link(access, asb.police, link.pk, reason="  ")
    services.remove_complainant_link(access, asb.police, link.pk, reason="Wrong person")
    again = _link(asb, asb.neighbour)
    assert ComplainantLink.objects.filter(case=asb.case).count() == 2
    assert again.removed_at is None


def test_an_outsider_cannot_remove_a_link(asb, partnership, signed_in_client):
    store_row(asb.case, days_ago(10), ref="RC-007")
    link = _link(asb, asb.victim)
    outsider = partnership.user("outsider", "case_manager")
    answer = signed_in_client(outsider).post(
        f"/case-review/cases/{asb.case.pk}/links/{link.pk}/remove/", {"reason": "x"})
    assert answer.status_code == 404
    link.refresh_from_db()
    assert link.removed_at is None
