"""Adding a person to a case that is already shared, referred or offered for transfer discloses
them to every agency it is shared with or made to. So each of those disclosures must cover the
new party, by their consent or by the basis recorded for it; otherwise nothing is saved, unless
the user holds cases.share_without_basis and gives a reason (stored on the party, audited).

The same holds for a partner agency adding its own person to another agency's case: a third
agency with a share would read that person, so the share with it must cover them too; the
owner's case managers are told (by case reference only)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, Notification, Party, ShareLevel
from saferplaces.apps.people.models import ConsentStatus
from tests.apps.cases.conftest import REASON, add, consent, open_case, person

OVERRIDE = "Immediate risk to life: the family cannot be reached for consent tonight"


def shared_on(case, agency, basis: str, level: str = ShareLevel.FULL) -> CaseShare:
    return CaseShare.objects.create(case=case, agency=agency, level=level, basis=basis)


@pytest.fixture
def child_case(partnership):
    """A case shared in full with the council on the child-safeguarding basis, no parties yet."""
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="vulnerable-child", title="Worries at Elm School")
    shared_on(case, partnership.partner, "safeguarding-children")
    return case


def adult(agency, given="Alex"):
    return person(agency, given, "Adult", born=datetime.date(1980, 5, 1))


def child(agency, given="Casey"):
    return person(agency, given, "Child", born=datetime.date(2015, 2, 1))


def test_an_adult_is_not_added_to_a_case_shared_on_child_safeguarding(child_case, partnership):
    manager = partnership.user("owner", "case_manager")
    with pytest.raises(services.PartyNotCovered) as refused:
        add(manager, child_case, adult(partnership.owner), "parent-carer")
    message = str(refused.value)
    assert "Colchester City Council" in message and "children only" in message
    assert "Alex" not in message  # the message names agencies and bases, not the person
    assert not Party.objects.filter(case=child_case).exists()


def test_a_child_is_covered_by_the_share_and_their_parent_by_consent(child_case, partnership):
    manager = partnership.user("owner", "case_manager")
    add(manager, child_case, child(partnership.owner), "vulnerable-person")
    parent = adult(partnership.owner)
    consent(parent)
    add(manager, child_case, parent, "parent-carer")
    assert Party.objects.filter(case=child_case).count() == 2


def test_a_case_with_no_parties_may_be_shared_but_its_first_party_is_then_checked(partnership):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    made = services.share_case(get_case_for_user(manager, case.pk), manager,
                               agency=partnership.partner, level="full")
    assert made.basis == ""  # nothing personal to cover: shared on the consent of every party
    first = adult(partnership.owner)
    with pytest.raises(services.PartyNotCovered, match="consent"):
        add(manager, case, first)
    consent(first)
    add(manager, case, first)
    assert case.parties.count() == 1


def test_a_limited_share_must_cover_a_new_party_as_it_did_the_first(partnership):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="vulnerable-child", title="Worries at Elm School")
    shared_on(case, partnership.partner, "safeguarding-children", ShareLevel.LIMITED)
    with pytest.raises(services.PartyNotCovered):
        add(manager, case, adult(partnership.owner), "parent-carer")


def test_a_waiting_referral_must_cover_a_new_party(partnership):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="vulnerable-child", title="Worries at Elm School")
    services.refer_case(get_case_for_user(manager, case.pk), manager, agency=partnership.partner,
                        reason=REASON, basis="safeguarding-children")
    with pytest.raises(services.PartyNotCovered, match="referral to Colchester City Council"):
        add(manager, case, adult(partnership.owner), "parent-carer")


def test_a_waiting_transfer_must_cover_a_new_party(partnership):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="vulnerable-child", title="Worries at Elm School")
    services.offer_transfer(get_case_for_user(manager, case.pk), manager,
                            agency=partnership.partner, reason=REASON,
                            basis="safeguarding-children")
    with pytest.raises(services.PartyNotCovered, match="transfer to Colchester City Council"):
        add(manager, case, adult(partnership.owner), "parent-carer")


def test_an_ended_share_needs_no_cover(child_case, partnership):
    manager = partnership.user("owner", "case_manager")
    share = CaseShare.objects.get(case=child_case)
    services.end_share(get_case_for_user(manager, child_case.pk), manager, share.pk)
    add(manager, child_case, adult(partnership.owner), "parent-carer")


def test_the_override_needs_the_capability(child_case, partnership):
    manager = partnership.user("owner", "case_manager")  # no cases.share_without_basis
    with pytest.raises(PermissionDenied):
        services.add_party(get_case_for_user(manager, child_case.pk), manager,
                           person_id=adult(partnership.owner).pk, role="parent-carer",
                           override_reason=OVERRIDE)
    assert not Party.objects.exists()


def test_the_override_needs_a_reason_and_is_stored_and_audited(child_case, partnership):
    coordinator = partnership.user("owner", "coordinator")
    access = get_case_for_user(coordinator, child_case.pk)
    parent = adult(partnership.owner)
    with pytest.raises(services.CaseRuleError, match="at least"):
        services.add_party(access, coordinator, person_id=parent.pk, role="parent-carer",
                           override_reason="urgent")
    party = services.add_party(access, coordinator, person_id=parent.pk, role="parent-carer",
                               override_reason=OVERRIDE)
    assert party.override_reason == OVERRIDE
    event = AuditEvent.objects.filter(object_type="case", object_id=str(child_case.pk),
                                      changed_fields=["parties"]).get()
    assert event.reason == f"override: {OVERRIDE}" and event.username == "owner-coordinator"
    entry = child_case.timeline.filter(kind="party").get()
    assert "override" in entry.text and "Alex" not in entry.text


def test_the_add_party_page_shows_what_is_missing_and_saves_nothing(child_case, partnership,
                                                                   signed_in_client):
    parent = adult(partnership.owner)
    client = signed_in_client(partnership.user("owner", "practitioner"))
    response = client.post(f"/cases/{child_case.pk}/parties/add/",
                           {"person": parent.pk, "role": "parent-carer"})
    html = response.content.decode()
    assert response.status_code == 400 and "children only" in html
    assert 'name="override_reason"' not in html  # a practitioner is not offered the override
    assert not Party.objects.exists()
    coordinator = signed_in_client(partnership.user("owner", "coordinator"))
    assert 'name="override_reason"' in coordinator.get(
        f"/cases/{child_case.pk}/parties/add/").content.decode()
    assert coordinator.post(f"/cases/{child_case.pk}/parties/add/", {
        "person": parent.pk, "role": "parent-carer", "override_reason": OVERRIDE}).status_code == 302
    assert Party.objects.get().override_reason == OVERRIDE


def test_the_api_refuses_an_uncovered_party_with_400(child_case, partnership, signed_in_client):
    parent = adult(partnership.owner)
    client = signed_in_client(partnership.user("owner", "practitioner"))
    refused = client.post(f"/api/cases/{child_case.pk}/parties/",
                          {"person_id": parent.pk, "role": "parent-carer"},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "person"
    assert "children only" in refused.json()["detail"]
    assert not Party.objects.exists()


# --- a partner adding its own person, with a third agency on the case -------------------------


@pytest.fixture
def three_agencies(partnership):
    """The police's ASB case, shared in full with the council (crime and disorder) and with
    the fire service (child safeguarding only)."""
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    shared_on(case, partnership.partner, "crime-and-disorder-s115")
    shared_on(case, partnership.outsider, "safeguarding-children")
    return case


def test_a_partner_cannot_disclose_its_own_adult_to_a_third_agency_the_share_does_not_cover(
        three_agencies, partnership, signed_in_client):
    tenant = adult(partnership.partner, "Terry")
    partner = partnership.user("partner", "practitioner")
    with pytest.raises(services.PartyNotCovered) as refused:
        add(partner, three_agencies, tenant, "alleged-perpetrator")
    assert "Suffolk Fire and Rescue" in str(refused.value)
    assert "Colchester City Council" not in str(refused.value)  # that share covers everyone
    assert not Party.objects.filter(person=tenant).exists()
    fire = signed_in_client(partnership.user("outsider", "case_manager"))
    assert fire.get(f"/people/{tenant.pk}/").status_code == 404


def test_once_the_partner_records_its_persons_consent_the_third_agency_may_read_them(
        three_agencies, partnership, signed_in_client):
    tenant = adult(partnership.partner, "Terry")
    council = signed_in_client(partnership.user("partner", "case_manager"))
    assert council.post(f"/people/{tenant.pk}/consent/", {
        "status": ConsentStatus.GIVEN, "recorded_on_day": "6", "recorded_on_month": "1",
        "recorded_on_year": "2025", "note": "Asked at the housing office"}).status_code == 302
    assert council.post(f"/cases/{three_agencies.pk}/parties/add/",
                        {"person": tenant.pk, "role": "alleged-perpetrator"}).status_code == 302
    fire = signed_in_client(partnership.user("outsider", "case_manager"))
    assert fire.get(f"/people/{tenant.pk}/").status_code == 200
    entry = three_agencies.timeline.filter(kind="party").get()
    assert "Colchester City Council" in entry.text and "Terry" not in entry.text


def test_the_owners_case_managers_are_told_when_a_partner_adds_a_party(three_agencies,
                                                                       partnership):
    partner = partnership.user("partner", "practitioner")
    add(partner, three_agencies, child(partnership.partner), "victim")
    told = Notification.objects.filter(case=three_agencies)
    assert {n.user.username for n in told} == {"owner-case_manager", "owner-coordinator"}
    assert all(three_agencies.reference in n.text and "Casey" not in n.text for n in told)


def test_the_owner_adding_a_party_tells_no_one(three_agencies, partnership):
    add(partnership.user("owner", "practitioner"), three_agencies, child(partnership.owner))
    assert not Notification.objects.exists()


def test_a_share_on_a_basis_since_removed_from_the_file_is_covered_by_consent_only(partnership):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    shared_on(case, partnership.partner, "a-basis-no-longer-configured")
    newcomer = adult(partnership.owner)
    with pytest.raises(services.PartyNotCovered, match="no longer configured"):
        add(manager, case, newcomer)
    consent(newcomer)
    add(manager, case, newcomer)
