"""Referrals between agencies (answered within the case type's working days, England bank
holidays excluded; accepted into a full share or declined with a reason; overdue shown to both)
and ownership transfers (accepted: new owner, the old one keeps a full share; or rejected with a
reason), history kept, the receiving case managers notified by case reference only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, Notification, Referral, Transfer
from saferplaces.apps.cases.types import case_type
from saferplaces.apps.cases.workingdays import add_working_days
from tests.apps.cases.conftest import REASON, consent

DECLINE = "Not in our area: the family moved to Ipswich last month"


@pytest.mark.parametrize("start, days, due", [
    (datetime.date(2026, 3, 2), 5, datetime.date(2026, 3, 9)),     # Monday + 5: next Monday
    (datetime.date(2026, 3, 6), 1, datetime.date(2026, 3, 9)),     # Friday + 1: Monday
    (datetime.date(2026, 4, 2), 1, datetime.date(2026, 4, 7)),     # Good Friday, Easter Monday
    (datetime.date(2026, 12, 24), 1, datetime.date(2026, 12, 29)),  # Christmas, Boxing Day moved
    (datetime.date(2026, 5, 22), 1, datetime.date(2026, 5, 26)),   # spring bank holiday
])
def test_response_targets_count_working_days_in_england(start, days, due):
    assert add_working_days(start, days) == due


def test_each_case_type_sets_its_response_target():
    assert services.response_target(case_type("repeat-asb"), datetime.date(2026, 3, 6)) == \
        datetime.date(2026, 3, 13)
    assert services.response_target(case_type("vulnerable-child"), datetime.date(2026, 3, 6)) == \
        datetime.date(2026, 3, 9)


@pytest.fixture
def referral(world, partnership):
    """The case, not shared with the partner, referred to it on a lawful basis."""
    CaseShare.objects.filter(case=world.case).delete()
    access = get_case_for_user(world.owner_manager, world.case.pk)
    return services.refer_case(access, world.owner_manager, agency=partnership.partner,
                               reason=REASON, basis="crime-and-disorder-s115")


def test_a_referral_notifies_the_receiving_case_managers_by_reference_only(referral, world):
    notes = Notification.objects.all()
    assert {n.user.username for n in notes} == {"partner-case_manager", "partner-coordinator"}
    assert all(world.case.reference in n.text and "Alex" not in n.text for n in notes)


def test_the_receiver_sees_the_referral_but_not_the_case_until_it_accepts(referral, world,
                                                                          signed_in_client):
    client = signed_in_client(world.partner_manager)
    assert world.case.reference in client.get("/cases/referrals/").content.decode()
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    answered = client.post(f"/cases/referrals/{referral.pk}/", {"decision": "accept"})
    assert answered.status_code == 302
    share = CaseShare.objects.get(case=world.case, agency=world.partner_manager.membership.agency)
    assert share.level == "full" and share.basis == "crime-and-disorder-s115"
    assert client.get(f"/cases/{world.case.pk}/").status_code == 200
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.decided_by == world.partner_manager
    # answered once: a second answer is refused
    assert client.post(f"/cases/referrals/{referral.pk}/",
                       {"decision": "decline", "reason": DECLINE}).status_code == 403


def test_declining_needs_a_reason_and_keeps_the_history(referral, world, signed_in_client):
    client = signed_in_client(world.partner_manager)
    assert client.post(f"/cases/referrals/{referral.pk}/", {"decision": "decline"}).status_code == 400
    assert client.post(f"/cases/referrals/{referral.pk}/",
                       {"decision": "decline", "reason": DECLINE}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("declined", DECLINE)
    assert not CaseShare.objects.filter(case=world.case).exists()
    owner_page = signed_in_client(world.owner_manager).get(f"/cases/{world.case.pk}/")
    assert DECLINE in owner_page.content.decode()


def test_the_referring_agency_cannot_answer_its_own_referral(referral, world, signed_in_client):
    client = signed_in_client(world.owner_manager)
    assert client.post(f"/cases/referrals/{referral.pk}/", {"decision": "accept"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.decide_referral(world.owner_manager, referral, accept=True)


def test_an_outsider_cannot_see_or_answer_the_referral(referral, world, signed_in_client):
    client = signed_in_client(world.outsider_manager)
    assert client.get(f"/cases/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/api/cases/referrals/{referral.pk}/decision/", {"accept": True},
                       content_type="application/json").status_code == 404
    assert world.case.reference not in client.get("/cases/referrals/").content.decode()


def test_an_overdue_referral_shows_to_both_agencies(referral, world, signed_in_client):
    Referral.objects.filter(pk=referral.pk).update(respond_by=datetime.date(2020, 1, 1))
    for user in (world.owner_manager, world.partner_manager):
        html = signed_in_client(user).get("/cases/referrals/").content.decode()
        assert "Overdue" in html
    rows = signed_in_client(world.partner_manager).get("/api/cases/referrals/").json()
    assert rows[0]["overdue"] is True


def test_the_api_accepts_a_referral(referral, world, signed_in_client):
    client = signed_in_client(world.partner_manager)
    answer = client.post(f"/api/cases/referrals/{referral.pk}/decision/",
                         {"accept": False, "reason": DECLINE}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "declined"


@pytest.fixture
def offer(world, partnership):
    CaseShare.objects.filter(case=world.case).delete()
    access = get_case_for_user(world.owner_manager, world.case.pk)
    return services.offer_transfer(access, world.owner_manager, agency=partnership.partner,
                                   reason=REASON, basis="crime-and-disorder-s115")


def test_an_accepted_transfer_changes_the_owner_and_the_old_owner_keeps_a_full_share(
        offer, world, partnership, signed_in_client):
    assert Notification.objects.filter(user=world.partner_manager,
                                       text__contains=world.case.reference).exists()
    client = signed_in_client(world.partner_manager)
    assert client.post(f"/cases/transfers/{offer.pk}/", {"decision": "accept"}).status_code == 302
    world.case.refresh_from_db()
    assert world.case.owner_agency == partnership.partner and world.case.lead_officer is None
    kept = CaseShare.objects.get(case=world.case, ended_at__isnull=True)
    assert (kept.agency, kept.level) == (partnership.owner, "full")
    assert client.get(f"/cases/{world.case.pk}/edit/").status_code == 200
    old = signed_in_client(world.owner_manager)
    assert old.get(f"/cases/{world.case.pk}/").status_code == 200
    assert old.get(f"/cases/{world.case.pk}/edit/").status_code == 403
    history = signed_in_client(world.partner_manager).get("/cases/transfers/").content.decode()
    assert world.case.reference in history and "Accepted" in history


def test_a_rejected_transfer_needs_a_reason_and_changes_nothing(offer, world, partnership,
                                                                 signed_in_client):
    client = signed_in_client(world.partner_manager)
    assert client.post(f"/cases/transfers/{offer.pk}/", {"decision": "decline"}).status_code == 400
    assert client.post(f"/cases/transfers/{offer.pk}/",
                       {"decision": "decline", "reason": DECLINE}).status_code == 302
    world.case.refresh_from_db()
    assert world.case.owner_agency == partnership.owner
    offer.refresh_from_db()
    assert (offer.status, offer.decision_reason) == ("declined", DECLINE)
    assert not CaseShare.objects.filter(case=world.case).exists()
    # history kept: a new offer may follow, and both show
    access = get_case_for_user(world.owner_manager, world.case.pk)
    services.offer_transfer(access, world.owner_manager, agency=partnership.partner, reason=REASON,
                            basis="crime-and-disorder-s115")
    assert Transfer.objects.filter(case=world.case).count() == 2


def test_only_one_transfer_waits_at_a_time(offer, world, partnership):
    access = get_case_for_user(world.owner_manager, world.case.pk)
    with pytest.raises(services.CaseRuleError, match="already waiting"):
        services.offer_transfer(access, world.owner_manager, agency=partnership.outsider,
                                reason=REASON)


# --- a transfer discloses every party: consent or a lawful basis, as for a share ---------------

OVERRIDE = "Immediate risk to life: the family cannot be reached for consent tonight"


@pytest.fixture
def unshared(world):
    """The case (one adult party, no consent) shared with no one."""
    CaseShare.objects.filter(case=world.case).delete()
    return get_case_for_user(world.owner_manager, world.case.pk)


def test_a_transfer_is_refused_with_neither_consent_nor_a_basis(unshared, world, partnership):
    with pytest.raises(services.BasisRefused) as refused:
        services.offer_transfer(unshared, world.owner_manager, agency=partnership.partner,
                                reason=REASON)
    assert [p.person.name for p in refused.value.check.uncovered] == ["Alex Adult"]
    assert not Transfer.objects.exists() and not Notification.objects.exists()


def test_a_transfer_on_a_basis_records_it_on_the_timeline_and_in_the_audit(unshared, world,
                                                                          partnership):
    made = services.offer_transfer(unshared, world.owner_manager, agency=partnership.partner,
                                   reason=REASON, basis="crime-and-disorder-s115")
    assert (made.basis, made.override_reason) == ("crime-and-disorder-s115", "")
    entry = world.case.timeline.filter(kind="transfer").get()
    assert "on the basis: Preventing crime and disorder" in entry.text
    event = AuditEvent.objects.filter(object_type="case", object_id=str(world.case.pk),
                                      changed_fields=["transfers"]).get()
    assert event.reason == "basis: crime-and-disorder-s115"


def test_a_transfer_with_the_partys_consent_needs_no_basis(unshared, world, partnership):
    consent(world.adult)
    made = services.offer_transfer(unshared, world.owner_manager, agency=partnership.partner,
                                   reason=REASON)
    assert made.basis == ""
    assert "with the consent of every party" in world.case.timeline.filter(kind="transfer").get().text


def test_a_transfer_override_needs_the_capability_and_a_reason(unshared, world, partnership):
    with pytest.raises(PermissionDenied):
        services.offer_transfer(unshared, world.owner_manager, agency=partnership.partner,
                                reason=REASON, override_reason=OVERRIDE)
    coordinator = partnership.user("owner", "coordinator")
    made = services.offer_transfer(unshared, coordinator, agency=partnership.partner,
                                   reason=REASON, override_reason=OVERRIDE)
    assert made.override_reason == OVERRIDE
    event = AuditEvent.objects.filter(object_type="case", object_id=str(world.case.pk),
                                      changed_fields=["transfers"]).get()
    assert event.reason == f"override: {OVERRIDE}"
    assert "override" in world.case.timeline.filter(kind="transfer").get().text


def test_the_transfer_page_asks_for_the_basis_and_shows_who_is_not_covered(unshared, world,
                                                                         partnership,
                                                                         signed_in_client):
    client = signed_in_client(world.owner_manager)
    assert 'name="basis"' in client.get(f"/cases/{world.case.pk}/transfer/").content.decode()
    response = client.post(f"/cases/{world.case.pk}/transfer/", {
        "agency": partnership.partner.pk, "reason": REASON, "basis": "safeguarding-children"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="basis-check"' in html
    assert "an adult: safeguarding a child" in html.lower()
    assert not Transfer.objects.exists()
    assert client.post(f"/cases/{world.case.pk}/transfer/", {
        "agency": partnership.partner.pk, "reason": REASON,
        "basis": "crime-and-disorder-s115"}).status_code == 302
    assert Transfer.objects.get().basis == "crime-and-disorder-s115"


def test_the_old_owner_keeps_its_share_on_the_transfers_basis(offer, world, partnership):
    services.decide_transfer(world.partner_manager, offer, accept=True)
    kept = CaseShare.objects.get(case=world.case, ended_at__isnull=True)
    assert (kept.agency, kept.basis) == (partnership.owner, "crime-and-disorder-s115")


def test_accepting_a_referral_widens_a_limited_share_on_the_referrals_basis(world, partnership):
    CaseShare.objects.filter(case=world.case).update(level="limited", basis="public-task")
    consent(world.adult)
    access = get_case_for_user(world.owner_manager, world.case.pk)
    made = services.refer_case(access, world.owner_manager, agency=partnership.partner,
                               reason=REASON)
    services.decide_referral(world.partner_manager, made, accept=True)
    share = CaseShare.objects.get(case=world.case, ended_at__isnull=True)
    assert (share.level, share.basis) == ("full", "")
