"""Free text on a case — its summary, outcome, notes and every reason (for a share, referral,
transfer or decision) — is at most ``SAFERPLACES_TEXT_MAX_CHARS`` characters. The limit is a
rule of the services, so the pages and the API refuse the same text with the same message, and
nothing is saved."""

from __future__ import annotations

import pytest

from saferplaces.apps.cases import services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, Note, Referral, Status, Transfer
from saferplaces.apps.cases.services import CaseRuleError
from tests.apps.cases.conftest import REASON

LIMIT = 200
MESSAGE = f"must be {LIMIT} characters or fewer"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.SAFERPLACES_TEXT_MAX_CHARS = LIMIT


def words(count: int) -> str:
    return ("Noise from the flat above every night. " * (count // 39 + 1))[:count - 1] + "."  # no space at either end


def test_the_longest_note_allowed_is_saved(world):
    access = get_case_for_user(world.owner_manager, world.case.pk)
    services.add_note(access, world.owner_manager, text=words(LIMIT), visibility="shared")
    assert len(Note.objects.get().text) == LIMIT


def test_a_note_one_character_too_long_is_refused_on_the_page_and_in_the_api(world,
                                                                             signed_in_client):
    client = signed_in_client(world.owner_manager)
    page = client.post(f"/cases/{world.case.pk}/notes/add/",
                       {"text": words(LIMIT + 1), "visibility": "shared"})
    assert page.status_code == 400 and MESSAGE in page.content.decode()
    api = client.post(f"/api/cases/{world.case.pk}/notes/",
                      {"text": words(LIMIT + 1), "visibility": "shared"},
                      content_type="application/json")
    assert api.status_code == 400
    assert MESSAGE in api.json()["detail"] and api.json()["field"] == "text"
    assert not Note.objects.exists()


def test_a_long_summary_is_refused_when_opening_or_editing_a_case(world, signed_in_client):
    with pytest.raises(CaseRuleError, match=MESSAGE) as refused:
        open_case_with_summary(world.owner_manager, words(LIMIT + 1))
    assert refused.value.field == "summary"
    api = signed_in_client(world.owner_manager).post(
        "/api/cases/", {"case_type": "repeat-asb", "title": "Noise", "summary": words(LIMIT + 1)},
        content_type="application/json")
    assert api.status_code == 400 and MESSAGE in api.json()["detail"]
    assert Case.objects.count() == 1
    access = get_case_for_user(world.owner_manager, world.case.pk)
    with pytest.raises(CaseRuleError, match=MESSAGE):
        services.update_details(access, world.owner_manager, version=world.case.version,
                                title="Noise", summary=words(LIMIT + 1), risk="standard",
                                lead_officer=None)
    assert Case.objects.get(pk=world.case.pk).version == world.case.version


def open_case_with_summary(user, summary):
    return services.create_case(user, case_type_key="repeat-asb", title="Noise", summary=summary)


def test_a_long_outcome_is_refused_when_closing(world):
    case = world.case
    for status in (Status.ACTIVE, Status.UNDER_REVIEW):
        case = services.change_status(get_case_for_user(world.owner_manager, case.pk),
                                      world.owner_manager, version=case.version, status=status)
    with pytest.raises(CaseRuleError, match=MESSAGE) as refused:
        services.change_status(get_case_for_user(world.owner_manager, case.pk),
                               world.owner_manager, version=case.version, status=Status.CLOSED,
                               closure_reason="Resolved", outcome=words(LIMIT + 1))
    assert refused.value.field == "outcome"
    assert Case.objects.get(pk=case.pk).status == Status.UNDER_REVIEW


def test_long_reasons_are_refused_for_referrals_transfers_and_decisions(world, partnership):
    manager = world.owner_manager
    access = get_case_for_user(manager, world.case.pk)
    outsider = partnership.outsider
    with pytest.raises(CaseRuleError, match=MESSAGE):
        services.refer_case(access, manager, agency=outsider, reason=words(LIMIT + 1),
                            basis="crime-and-disorder-s115")
    with pytest.raises(CaseRuleError, match=MESSAGE):
        services.offer_transfer(access, manager, agency=partnership.partner,
                                reason=words(LIMIT + 1))
    assert not Referral.objects.exists() and not Transfer.objects.exists()
    referral = services.refer_case(access, manager, agency=outsider, reason=REASON,
                                   basis="crime-and-disorder-s115")
    receiver = partnership.user("outsider", "case_manager")
    for accept in (False, True):
        with pytest.raises(CaseRuleError, match=MESSAGE):
            services.decide_referral(receiver, referral, accept=accept, reason=words(LIMIT + 1))
    assert Referral.objects.get().status == "pending"


def test_the_limit_is_a_setting_with_a_default_of_twenty_thousand(settings):
    from saferplaces.web.env import SETTINGS

    declared = {setting.name: setting.default for setting in SETTINGS}
    assert declared["SAFERPLACES_TEXT_MAX_CHARS"] == 20_000
