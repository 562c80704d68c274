"""Domestic abuse: the risk checklist's score against the configured MARAC referral threshold,
MARAC referrals, and the repeat-MARAC flag: a new incident (a linked incident, or a new
domestic-abuse case for the same victim and perpetrator) within 12 months of the last referral."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from saferplaces.apps.cases import services as case_services
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.safeguarding import services
from saferplaces.apps.safeguarding.access import get_marac_referral_for_user
from saferplaces.casework.months import add_months
from saferplaces.casework.workingtime import LONDON
from tests.apps.cases.conftest import person
from tests.apps.safeguarding.conftest import da_case

MANAGER = "owner-case_manager"


def test_repeat_marac_within_twelve_months(world):
    manager = world.user(MANAGER)
    first = get_case_for_user(manager, world.da_case.pk)
    assert services.repeats(manager, first) == []  # the referred case's own opening is not new
    # a new domestic-abuse case for the same victim and perpetrator, five months after the referral
    second = da_case(manager, world.victim, world.perpetrator)
    flags = services.repeats(manager, get_case_for_user(manager, second.pk))
    assert [(f.what, f.referred_on, f.referral_case) for f in flags] == [
        (f"new domestic-abuse case {second.reference}", world.marac.referred_on,
         world.da_case.reference)]


def test_a_new_case_thirteen_months_after_the_referral_is_not_a_repeat(world):
    manager = world.user(MANAGER)
    access = get_marac_referral_for_user(manager, world.marac.pk)
    services.update_marac(access, manager, version=world.marac.version,
                          referred_on=add_months(timezone.localdate(), -13), meeting_on=None)
    second = da_case(manager, world.victim, world.perpetrator)
    assert services.repeats(manager, get_case_for_user(manager, second.pk)) == []


def test_a_new_perpetrator_is_not_a_repeat_of_the_referral(world):
    manager = world.user(MANAGER)
    other = person(world.partnership.owner, "Other", "Partner", born=datetime.date(1985, 1, 1))
    second = da_case(manager, world.victim, other)
    assert services.repeats(manager, get_case_for_user(manager, second.pk)) == []


def test_a_new_incident_linked_to_the_referred_case_makes_it_a_repeat(world):
    manager = world.user(MANAGER)
    when = datetime.datetime.combine(add_months(timezone.localdate(), -1), datetime.time(22),
                                     LONDON)
    incident = Incident.objects.create(source="local", source_ref="DA-1", category="Violence",
                                       month=when.date().replace(day=1), occurred=when,
                                       precision="minute", domestic=True)
    access = get_case_for_user(manager, world.da_case.pk)
    case_services.link_incidents(access, manager, Incident.objects.filter(pk=incident.pk))
    flags = services.repeats(manager, access)
    assert [f.occurred_on for f in flags] == [when.date()]
    assert flags[0].what.startswith("incident linked (Violence")


def test_the_flag_never_uses_a_case_the_reader_cannot_see(world, partnership):
    # the outsider's own new case for people it holds is not compared with the owner's referral
    outsider = partnership.user("outsider", "case_manager")
    victim = person(partnership.outsider, "Vic", "Example", born=datetime.date(1990, 2, 2))
    theirs = da_case(outsider, victim, person(partnership.outsider, "Pat", "Example"))
    assert services.repeats(outsider, get_case_for_user(outsider, theirs.pk)) == []


def test_fourteen_yes_answers_meets_the_marac_threshold_and_thirteen_does_not(world):
    manager = world.user(MANAGER)
    access = get_case_for_user(manager, world.da_case.pk)
    high = services.record_checklist(access, manager, victim_id=world.victim.pk,
                                     completed_on=timezone.localdate(), completed_by="IDVA",
                                     yes_answers=14)
    below = services.record_checklist(access, manager, victim_id=world.victim.pk,
                                      completed_on=timezone.localdate(), completed_by="IDVA",
                                      yes_answers=13)
    assert (high.criteria, high.threshold) == (["visible-high-risk"], 14)
    assert below.criteria == []
    with pytest.raises(CaseRuleError, match="marac.checklist_questions"):
        services.record_checklist(access, manager, victim_id=world.victim.pk,
                                  completed_on=timezone.localdate(), completed_by="IDVA",
                                  yes_answers=25)


def test_the_marac_threshold_is_the_partnerships_configuration(world, settings, tmp_path):
    from saferplaces.apps.cases.law import _rules

    local = tmp_path / "law.toml"
    local.write_text('[[rules."marac.referral_threshold".values]]\nfrom = 2020-01-01\nvalue = 10\n'
                     'source = "Colchester MARAC operating protocol"\n', encoding="utf-8")
    settings.SAFERPLACES_LAW_FILE = str(local)
    _rules.cache_clear()
    manager = world.user(MANAGER)
    done = services.record_checklist(get_case_for_user(manager, world.da_case.pk), manager,
                                     victim_id=world.victim.pk, completed_on=timezone.localdate(),
                                     completed_by="PC 1234", yes_answers=10)
    assert done.criteria == ["visible-high-risk"] and done.threshold == 10


def test_a_marac_referral_needs_a_victim_of_the_case(world):
    manager = world.user(MANAGER)
    with pytest.raises(CaseRuleError, match="who is a victim"):
        services.refer_to_marac(get_case_for_user(manager, world.da_case.pk), manager,
                                victim_id=world.perpetrator.pk, referred_on=timezone.localdate())


def test_a_stale_marac_change_saves_nothing(world):
    manager = world.user(MANAGER)
    seen = get_marac_referral_for_user(manager, world.marac.pk)
    services.update_marac(seen, manager, version=1, referred_on=world.marac.referred_on,
                          meeting_on=timezone.localdate())
    with pytest.raises(services.Conflict):
        services.update_marac(seen, manager, version=1, referred_on=world.marac.referred_on,
                              meeting_on=None)
    assert Case.objects.get(pk=world.da_case.pk).marac_referrals.get().meeting_on == timezone.localdate()
