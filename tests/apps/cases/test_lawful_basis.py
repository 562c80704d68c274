"""Consent and lawful basis to share: a share or referral needs, for every person party, their
consent given or a recorded basis in force that covers them; otherwise it is refused, unless the
sharer holds cases.share_without_basis and gives a reason (the override, audited)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import CaseShare, Referral
from saferplaces.apps.cases.sharing import check_basis
from saferplaces.apps.people.models import ConsentStatus
from tests.apps.cases.conftest import REASON, add, consent, open_case, person

TODAY = datetime.date(2026, 3, 2)
OVERRIDE = "Immediate risk to life: the family cannot be reached for consent tonight"


@pytest.fixture
def unshared(partnership):
    """An ASB case with one adult party who has not given consent, shared with no one."""
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    adult = person(partnership.owner, "Alex", "Adult", born=datetime.date(1980, 5, 1))
    add(manager, case, adult)
    return case, adult, manager


def share(user, case, agency, **kwargs):
    return services.share_case(get_case_for_user(user, case.pk), user, agency=agency,
                               level="full", **kwargs)


def test_sharing_is_refused_with_neither_consent_nor_a_basis(unshared, partnership):
    case, _, manager = unshared
    with pytest.raises(services.BasisRefused) as refused:
        share(manager, case, partnership.partner)
    assert [p.person.name for p in refused.value.check.uncovered] == ["Alex Adult"]
    assert not CaseShare.objects.filter(case=case).exists()


def test_sharing_is_allowed_when_the_party_gave_consent(unshared, partnership):
    case, adult, manager = unshared
    consent(adult)
    made = share(manager, case, partnership.partner)
    assert made.basis == "" and made.override_reason == ""
    assert "with the consent of every party" in case.timeline.first().text


def test_the_latest_consent_counts_so_a_withdrawal_refuses_the_share(unshared, partnership):
    case, adult, manager = unshared
    consent(adult, ConsentStatus.GIVEN, datetime.date(2024, 1, 1))
    consent(adult, ConsentStatus.REFUSED, datetime.date(2025, 1, 1))
    with pytest.raises(services.BasisRefused):
        share(manager, case, partnership.partner)


def test_sharing_is_allowed_with_a_recorded_basis_that_covers_everyone(unshared, partnership):
    case, _, manager = unshared
    made = share(manager, case, partnership.partner, basis="crime-and-disorder-s115")
    assert made.basis == "crime-and-disorder-s115"
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk),
                                      changed_fields=["shares"]).get()
    assert event.reason == "basis: crime-and-disorder-s115"


def test_a_basis_not_yet_in_force_on_the_day_does_not_count(unshared):
    _, adult, _ = unshared
    check = check_basis([adult], "crime-and-disorder-s115", datetime.date(1998, 1, 1))
    assert not check.allowed and "not in force" in check.problem


def test_child_safeguarding_covers_a_child_without_consent_but_not_an_adult(partnership):
    child = person(partnership.owner, "Casey", "Child", born=datetime.date(2015, 2, 1))
    adult = person(partnership.owner, "Alex", "Adult", born=datetime.date(1980, 5, 1))
    unknown = person(partnership.owner, "Sam", "Unknown")
    check = check_basis([child, adult, unknown], "safeguarding-children", TODAY)
    assert [p.person.given_name for p in check.uncovered] == ["Alex", "Sam"]
    assert check_basis([child], "safeguarding-children", TODAY).allowed
    assert check_basis([child], "modern-slavery", TODAY).allowed
    assert not check_basis([adult], "modern-slavery", TODAY).allowed  # adults consent (NRM)
    assert check_basis([adult], "safeguarding-adults", TODAY).allowed
    assert not check_basis([child], "safeguarding-adults", TODAY).allowed


def test_a_child_turns_adult_on_their_eighteenth_birthday(partnership):
    teen = person(partnership.owner, "Tee", "Teen", born=datetime.date(2008, 3, 2))
    assert check_basis([teen], "safeguarding-children", datetime.date(2026, 3, 1)).allowed
    assert not check_basis([teen], "safeguarding-children", datetime.date(2026, 3, 2)).allowed


def test_the_consent_basis_needs_the_consent_itself(unshared):
    _, adult, _ = unshared
    assert not check_basis([adult], "consent", TODAY).allowed


def test_the_override_needs_the_capability(unshared, partnership):
    case, _, manager = unshared  # a case manager does not hold cases.share_without_basis
    with pytest.raises(PermissionDenied):
        share(manager, case, partnership.partner, override_reason=OVERRIDE)
    assert not CaseShare.objects.filter(case=case).exists()


def test_the_override_needs_a_real_reason_and_is_audited_with_it(unshared, partnership):
    case, _, _ = unshared
    coordinator = partnership.user("owner", "coordinator")
    with pytest.raises(services.CaseRuleError, match="at least"):
        share(coordinator, case, partnership.partner, override_reason="urgent")
    made = share(coordinator, case, partnership.partner, override_reason=OVERRIDE)
    assert made.override_reason == OVERRIDE
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk),
                                      changed_fields=["shares"]).get()
    assert event.reason == f"override: {OVERRIDE}" and event.username == "owner-coordinator"
    assert "override" in case.timeline.first().text
    assert "Alex" not in case.timeline.first().text


def test_a_referral_is_held_to_the_same_rule(unshared, partnership):
    case, _, manager = unshared
    access = get_case_for_user(manager, case.pk)
    with pytest.raises(services.BasisRefused):
        services.refer_case(access, manager, agency=partnership.partner, reason=REASON)
    assert not Referral.objects.exists()
    made = services.refer_case(access, manager, agency=partnership.partner, reason=REASON,
                               basis="crime-and-disorder-s115")
    assert made.basis == "crime-and-disorder-s115"


def test_the_share_page_shows_who_is_not_covered_and_saves_nothing(unshared, partnership,
                                                                  signed_in_client):
    case, _, manager = unshared
    response = signed_in_client(manager).post(f"/cases/{case.pk}/share/", {
        "agency": partnership.partner.pk, "level": "full", "basis": "safeguarding-children"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="basis-check"' in html
    assert "an adult: safeguarding a child" in html.lower()
    assert not CaseShare.objects.filter(case=case).exists()
    # a case manager is not offered the override at all
    assert 'name="override_reason"' not in html


def test_the_api_refuses_a_referral_without_a_basis_with_400(unshared, partnership,
                                                            signed_in_client):
    case, _, manager = unshared
    client = signed_in_client(manager)
    refused = client.post(f"/api/cases/{case.pk}/referrals/",
                          {"agency": partnership.partner.pk, "reason": REASON},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "basis"
    made = client.post(f"/api/cases/{case.pk}/referrals/",
                       {"agency": partnership.partner.pk, "reason": REASON,
                        "basis": "crime-and-disorder-s115"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["basis"] == "crime-and-disorder-s115"


def test_a_case_with_no_person_parties_may_be_shared_with_nothing_to_cover():
    assert check_basis([], "", TODAY).allowed
    assert not check_basis([], "no-such-basis", TODAY).allowed  # a named basis must still exist


# --- the lawful bases file: one loader, whom each basis covers -----------------------------------


def test_people_and_cases_read_the_bases_through_one_loader():
    from saferplaces.apps.cases import sharing
    from saferplaces.apps.people import consent as people_consent

    assert sharing.lawful_bases is people_consent.lawful_bases
    assert sharing.LawfulBasis is people_consent.LawfulBasis


def test_the_file_says_whom_each_basis_covers_without_consent():
    from saferplaces.apps.people.consent import lawful_bases

    covers = {key: basis.covers for key, basis in lawful_bases().items()}
    assert covers["safeguarding-children"] == covers["modern-slavery"] == "children"
    assert covers["safeguarding-adults"] == "adults"
    assert covers["crime-and-disorder-s115"] == covers["public-task"] == "everyone"


BASIS = """
[bases.youth-panel]
label = "Referral order youth panel"
source = "Sentencing Act 2020 s.83"
valid_from = "2020-12-01"
{extra}
"""


def test_a_partnership_basis_limited_to_children_is_applied_from_the_file(tmp_path, partnership):
    from saferplaces.apps.people.consent import lawful_bases

    path = tmp_path / "bases.toml"
    path.write_text(BASIS.format(extra='covers = "children"\n'
                                       'covers_source = "Sentencing Act 2020 s.83(2)"'))
    bases = lawful_bases(str(path))
    child = person(partnership.owner, "Casey", "Child", born=datetime.date(2015, 2, 1))
    adult = person(partnership.owner, "Alex", "Adult", born=datetime.date(1980, 5, 1))
    assert check_basis([child], "youth-panel", TODAY, bases=bases).allowed
    refused = check_basis([adult], "youth-panel", TODAY, bases=bases)
    assert "covers children only" in refused.uncovered[0].how


@pytest.mark.parametrize("extra, where", [
    ('covers = "teenagers"', "bases.youth-panel.covers"),
    ('covered = "children"', "bases.youth-panel.covered"),
    ('covers = "children"', "bases.youth-panel: .*needs covers_source"),  # a limit needs its source
])
def test_a_wrong_covers_key_is_refused_naming_the_file_and_the_key(tmp_path, extra, where):
    from saferplaces.apps.people.consent import BasisError, lawful_bases

    path = tmp_path / "local-bases.toml"
    path.write_text(BASIS.format(extra=extra))
    with pytest.raises(BasisError, match=f"local-bases.toml: {where}"):
        lawful_bases(str(path))
