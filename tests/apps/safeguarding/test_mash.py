"""MASH referrals through the services and the reminders: child or adult at the date of the
concern, RAG screening by the MASH agency, the response target in working hours over a bank
holiday, one overdue alert, strategy discussion and outcome, optimistic locking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from saferplaces.apps.cases.models import Notification, TimelineEntry
from saferplaces.apps.cases.reminders import send_reminders
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.apps.safeguarding import services
from saferplaces.apps.safeguarding.access import get_mash_referral_for_user
from saferplaces.apps.safeguarding.alerts import send_overdue_alerts
from saferplaces.apps.safeguarding.models import AgeFrom, MashReferral
from tests.apps.cases.conftest import add, person
from tests.apps.safeguarding.conftest import at

SCREENER = "partner-practitioner"


def screen(world, rag="red", **changes):
    user = world.user(changes.pop("user", SCREENER))
    seen = get_mash_referral_for_user(user, world.mash.pk)
    return services.update_mash(seen, user, version=seen.record.version, rag=rag, **changes)


def overdue_alerts():
    return list(Notification.objects.filter(text__contains="is overdue").values_list("text", flat=True))


def test_mash_red_referral_overdue_after_four_working_hours_over_a_bank_holiday(world):
    # Friday 22 May 2026 15:00: two working hours that day; Monday 25 May is the spring bank
    # holiday; the other two run out at 11:00 on Tuesday 26 May.
    red = screen(world, "red")
    assert red.response_due_at == at(2026, 5, 26, 11, 0)
    assert red.decision_due_on == datetime.date(2026, 5, 26)  # a child: one working day
    assert send_overdue_alerts(at(2026, 5, 25, 16, 0)) == 0   # the bank holiday stops the clock
    assert send_overdue_alerts(at(2026, 5, 26, 11, 0)) == 0
    assert send_reminders(datetime.date(2026, 5, 25)).alerts == 0
    assert send_reminders(datetime.date(2026, 5, 26)).alerts == 1
    texts = overdue_alerts()
    assert texts and all(text == f"MASH referral {red.pk} on case {world.child_case.reference} is "
                                 "overdue: the red response was due by 26 May 2026 11:00"
                         for text in texts)
    # the MASH's and the referring agency's case managers, once each; never the child's name
    managers = {world.user("owner-case_manager").pk, world.user("partner-case_manager").pk}
    assert managers <= set(Notification.objects.filter(text__contains="is overdue")
                           .values_list("user_id", flat=True))
    assert not any("Casey" in text for text in texts)
    assert TimelineEntry.objects.filter(case=world.child_case, text__contains="is overdue").count() == 1


def test_the_overdue_alert_is_raised_once_however_often_the_reminders_run(world):
    screen(world, "amber")
    first = send_reminders(datetime.date(2026, 6, 1))
    sent = len(overdue_alerts())
    assert first.alerts == 1 and sent >= 2
    assert send_reminders(datetime.date(2026, 6, 1)).alerts == 0
    assert send_reminders(datetime.date(2026, 6, 2)).alerts == 0
    assert len(overdue_alerts()) == sent


def test_an_answered_referral_raises_no_alert_and_a_late_answer_is_shown(world):
    answered = screen(world, "red", responded_at=at(2026, 5, 26, 12, 0),
                      outcome="section-47-enquiry")
    assert services.is_answered_late(answered)
    assert not services.is_mash_overdue(answered, at(2026, 6, 1, 9, 0))
    assert send_overdue_alerts(at(2026, 6, 1, 9, 0)) == 0


def test_only_the_mash_agency_screens_the_referral(world):
    with pytest.raises(PermissionDenied):
        screen(world, "red", user="owner-case_manager")


def test_a_care_act_enquiry_is_refused_as_the_outcome_for_a_child(world):
    with pytest.raises(CaseRuleError, match="does not apply to a child"):
        screen(world, "amber", responded_at=at(2026, 5, 26, 9, 30), outcome="care-act-enquiry")


def test_a_strategy_discussion_records_the_agencies_and_decision(world):
    done = screen(world, "red", strategy_at=at(2026, 5, 26, 10, 0),
                  strategy_attendees=[world.partnership.owner, world.partnership.partner],
                  strategy_decision="Section 47 enquiry; joint visit with police")
    assert sorted(done.strategy_attendees.values_list("name", flat=True)) == [
        "Colchester City Council", "Essex Police"]
    with pytest.raises(CaseRuleError, match="strategy discussion cannot be before"):
        screen(world, "red", strategy_at=at(2026, 5, 22, 14, 0))


def test_a_stale_screening_saves_nothing(world):
    user = world.user(SCREENER)
    seen = get_mash_referral_for_user(user, world.mash.pk)
    services.update_mash(seen, user, version=seen.record.version, rag="green")
    with pytest.raises(services.Conflict):
        services.update_mash(seen, user, version=seen.record.version, rag="red")
    assert MashReferral.objects.get(pk=world.mash.pk).rag == "green"


def test_child_or_adult_is_decided_at_the_date_of_the_concern(world):
    manager = world.user("owner-case_manager")
    # turns 18 on 1 June 2026: a concern of 30 May is about a child, one of 1 June an adult
    turning = person(world.partnership.owner, "Tess", "Turning", born=datetime.date(2008, 6, 1))
    add(manager, world.child_case, turning, "vulnerable-person")
    access = world.access("owner-case_manager")
    child = services.record_concern(access, manager, person_id=turning.pk,
                                    concern_on=datetime.date(2026, 5, 30),
                                    exploitation_types=["child-sexual-exploitation"])
    assert child.child and child.age_from == AgeFrom.DATE_OF_BIRTH
    with pytest.raises(CaseRuleError, match="does not apply to an adult"):
        services.record_concern(access, manager, person_id=turning.pk,
                                concern_on=datetime.date(2026, 6, 1),
                                exploitation_types=["child-sexual-exploitation"])


def test_an_estimated_age_is_read_as_the_youngest_date_of_birth_it_allows(world):
    # "about 17" on 1 November 2025: a child until 1 November 2026, the latest day they can
    # turn 18 (the age-dispute presumption: a child while in doubt)
    manager = world.user("owner-case_manager")
    found = person(world.partnership.owner, "Esti", "Mated")
    found.estimated_age, found.estimated_on = 17, datetime.date(2025, 11, 1)
    found.save()
    add(manager, world.child_case, found, "vulnerable-person")
    access = world.access("owner-case_manager")
    before = services.record_concern(access, manager, person_id=found.pk,
                                     concern_on=datetime.date(2026, 10, 31),
                                     exploitation_types=["modern-slavery"])
    on = services.record_concern(access, manager, person_id=found.pk,
                                 concern_on=datetime.date(2026, 11, 1),
                                 exploitation_types=["modern-slavery"])
    assert before.child and before.age_from == AgeFrom.ESTIMATED_AGE
    assert not on.child


def test_the_mash_must_see_the_case_in_full(world):
    manager = world.user("owner-case_manager")
    with pytest.raises(CaseRuleError, match="shared with in full"):
        services.refer_to_mash(world.access("owner-case_manager"), manager,
                               concern_id=world.concern.pk, mash_agency=world.partnership.outsider,
                               received_at=at(2026, 5, 22, 15, 0))
