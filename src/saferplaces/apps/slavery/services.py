"""NRM referrals and Duty to Notify records, through the engine's rules
(:func:`saferplaces.casework.nrm.refer`: a first responder organisation from the vocabulary; a
child referred without consent; an adult only with consent, otherwise a Duty to Notify record
with no identifiers; decisions in order; the support outcome suited to the age), with the rules
in force for this partnership (``apps.cases.law.rules``).

- Who: the agencies that work on the modern-slavery case (owner or a full share) with
  ``cases.edit``; break-glass and limited shares read only.
- Days: a referral, a notification or a decision is not dated after today nor before 1900
  (:mod:`saferplaces.web.recorded_days`), and a referral not before the person's date of birth.
- Child or adult: from the person's date of birth on the referral day (engine), or, without
  one, from their estimated age on that day, or when the referrer says there are reasonable
  grounds to believe the person is a child (s.51).
- An adult who declines: a :class:`~.models.DutyToNotify` record is made with nothing of the
  person (module docstring of :mod:`.models`), and nothing is written to the case, its
  timeline or the case's audit trail that would tie the record to the case or the person: the
  audit event is about the Duty to Notify record alone.
- No lost updates on a referral (``version``); changes audited (field names only) and told on
  the case's timeline naming the case only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, get_case_for_user
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Party, TimelineEntry
from saferplaces.apps.slavery.models import DutyToNotify, NrmReferral
from saferplaces.casework import nrm
from saferplaces.casework.refusals import Refused
from saferplaces.web.recorded_days import day_problem

__all__ = ["CASE_TYPE", "Conflict", "NrmRuleError", "Progress", "decide", "duty_to_notify_for_user",
           "get_referral_for_user", "notify", "progress", "refer"]

CASE_TYPE = "modern-slavery"

_FIELDS = {"nrm.first_responders": "first_responder", "nrm.exploitation_types": "exploitation_types",
           "nrm.support_outcomes": "support_outcome", "nrm.dates": "cg_decided_on",
           "nrm.dates.reasonable_grounds": "rg_decided_on",
           "nrm.cg_not_before_days": "cg_decided_on"}


class NrmRuleError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """The referral changed since the form was opened: nothing was saved."""

    def __init__(self, current: NrmReferral, attempted: dict[str, Any]) -> None:
        super().__init__("The referral was changed by someone else.")
        self.current = current
        self.attempted = attempted


def _require_contributor(access: CaseAccess, user: Any) -> None:
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    if access.case.case_type != CASE_TYPE:
        raise NrmRuleError("NRM referrals are made on modern-slavery cases only.")


def _refused(exc: Refused) -> NrmRuleError:
    return NrmRuleError(str(exc), _FIELDS.get(exc.rule))


def _estimated_child(party: Party, day: datetime.date) -> bool:
    person = party.person
    if person.date_of_birth is not None:
        return False  # the engine decides from the date of birth
    age = person.age_on(day)
    return age is not None and age < int(rules().on("safeguarding.adult_age", day))


def refer(access: CaseAccess, user: Any, *, party_id: int, first_responder: str,
          referred_on: datetime.date, exploitation_types: Iterable[str], consented: bool | None,
          believed_child: bool = False,
          request: HttpRequest | None = None) -> NrmReferral | DutyToNotify:
    """Refer a party of the case to the NRM; an adult who declines becomes an anonymous
    :class:`DutyToNotify` record instead (module docstring). ``consented`` None: not asked,
    refused for an adult (a Duty to Notify record is never made by omission)."""
    _require_contributor(access, user)
    case = access.case
    party = Party.objects.select_related("person").filter(case=case, pk=party_id).first()
    if party is None:
        raise NrmRuleError("Choose the potential victim from the case's parties.", "party")
    person = party.person
    types = tuple(dict.fromkeys(exploitation_types))
    if not types:
        raise NrmRuleError("Choose at least one exploitation type.", "exploitation_types")
    problem = day_problem(referred_on, "day of the referral", not_before=person.date_of_birth,
                          not_before_what="person's date of birth")
    if problem:
        raise NrmRuleError(problem, "referred_on")
    believed = believed_child or _estimated_child(party, referred_on)
    try:
        made = nrm.refer(referred_on=referred_on, first_responder=first_responder,
                         name=person.name or "(no name)", date_of_birth=person.date_of_birth,
                         exploitation_types=types, consented=bool(consented),
                         believed_child=believed, rules=rules())
    except Refused as exc:
        raise _refused(exc) from None
    if isinstance(made, nrm.DutyToNotify) and consented is None:
        raise NrmRuleError("An adult must consent to be referred: say whether they consent "
                           "(rule nrm.adult_consent_required).", "consent")
    if isinstance(made, nrm.DutyToNotify):
        return _store_notice(user, made, request)
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    with transaction.atomic():
        referral = NrmReferral.objects.create(
            case=case, party=party, first_responder=made.first_responder,
            referred_on=made.referred_on, exploitation_types=list(made.exploitation_types),
            child=made.child, believed_child=believed, consented=made.consented,
            agency=agency, made_by=user)
        TimelineEntry.objects.create(case=case, user=user, agency=agency, kind="nrm",
                                     text=f"NRM referral made on {case.reference}")
        record("create", user=user, request=request, object_type="case", object_id=case.pk,
               fields=["nrm_referral"])
    return referral


def _store_notice(user: Any, made: nrm.DutyToNotify,
                  request: HttpRequest | None) -> DutyToNotify:
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    with transaction.atomic():
        notice = DutyToNotify.objects.create(
            agency=agency, notified_on=made.notified_on, organisation=made.organisation,
            exploitation_types=list(made.exploitation_types), statutory=made.statutory)
        record("create", user=user, request=request, object_type="duty-to-notify",
               object_id=notice.pk,
               fields=["notified_on", "organisation", "exploitation_types", "statutory"])
    return notice


def notify(user: Any, *, notified_on: datetime.date, organisation: str,
           exploitation_types: Iterable[str], request: HttpRequest | None = None) -> DutyToNotify:
    """A Duty to Notify record for an adult who declined a referral, made without a case (a
    first responder may meet them before any case exists): the engine is asked to refer an
    adult who does not consent, with no identifying details to drop."""
    require_capability(user, CASES_EDIT)
    problem = day_problem(notified_on, "day of the notification")
    if problem:
        raise NrmRuleError(problem, "notified_on")
    try:
        made = nrm.refer(referred_on=notified_on, first_responder=organisation, name="(none)",
                         date_of_birth=None, exploitation_types=tuple(exploitation_types),
                         consented=False, rules=rules())
    except Refused as exc:
        raise _refused(exc) from None
    if not isinstance(made, nrm.DutyToNotify):
        raise NrmRuleError("Adults need no consent under the rules in force: make a referral.")
    return _store_notice(user, made, request)


def get_referral_for_user(user: Any, pk: int,
                          capability: str = CASES_VIEW) -> tuple[NrmReferral, CaseAccess]:
    """One referral and its case as ``user`` may see it: 404 for an unknown referral or a case
    outside their scope, 403 without ``capability`` or without a full view of the case."""
    referral = NrmReferral.objects.select_related("party__person").filter(pk=pk).first()
    if referral is None:
        require_capability(user, capability)
        raise Http404("No such referral.")
    access = get_case_for_user(user, referral.case_id, capability)
    if not access.full:
        raise PermissionDenied("NRM referrals need a full share of the case.")
    return referral, access


def _decision(day: datetime.date | None, positive: bool | None) -> nrm.Decision | None:
    return None if day is None or positive is None else nrm.Decision(decided_on=day, positive=positive)


def decide(access: CaseAccess, user: Any, referral: NrmReferral, *, version: int,
           rg_decided_on: datetime.date | None, rg_positive: bool | None,
           cg_decided_on: datetime.date | None, cg_positive: bool | None,
           support_outcome: str = "", request: HttpRequest | None = None) -> NrmReferral:
    """Record the reasonable-grounds and conclusive-grounds decisions and the support outcome,
    checked in order by the engine; a stale ``version`` saves nothing (:class:`Conflict`)."""
    _require_contributor(access, user)
    for day, positive, field in ((rg_decided_on, rg_positive, "rg"),
                                 (cg_decided_on, cg_positive, "cg")):
        if (day is None) != (positive is None):
            raise NrmRuleError("Give both the day of the decision and the decision.",
                               f"{field}_decided_on")
        problem = day_problem(day, "day of the decision")
        if problem:
            raise NrmRuleError(problem, f"{field}_decided_on")
    try:
        nrm.refer(referred_on=referral.referred_on, first_responder=referral.first_responder,
                  name="(checked)", date_of_birth=None,
                  exploitation_types=tuple(referral.exploitation_types),
                  consented=referral.consented, believed_child=referral.child,
                  reasonable_grounds=_decision(rg_decided_on, rg_positive),
                  conclusive_grounds=_decision(cg_decided_on, cg_positive),
                  support_outcome=support_outcome, rules=rules())
    except Refused as exc:
        raise _refused(exc) from None
    wanted = {"rg_decided_on": rg_decided_on, "rg_positive": rg_positive,
              "cg_decided_on": cg_decided_on, "cg_positive": cg_positive,
              "support_outcome": support_outcome}
    changed = [name for name, value in wanted.items() if getattr(referral, name) != value]
    case = access.case
    with transaction.atomic():
        saved = NrmReferral.objects.filter(pk=referral.pk, version=version).update(
            **wanted, version=F("version") + 1)
        current = NrmReferral.objects.select_related("party__person").get(pk=referral.pk)
        if not saved:
            raise Conflict(current, wanted)
        if changed:
            TimelineEntry.objects.create(case=case, user=user, agency=agency_of(user), kind="nrm",
                                         text=f"NRM decisions recorded on {case.reference}")
            record("update", user=user, request=request, object_type="case", object_id=case.pk,
                   fields=[f"nrm_referral.{name}" for name in changed])
    return current


@dataclass(frozen=True)
class Progress:
    """Where a referral stands on ``today``: the engine's target and recovery period."""

    reasonable_grounds_due: datetime.date
    overdue: bool
    recovery_period_ends: datetime.date | None


def progress(referral: NrmReferral, today: datetime.date) -> Progress:
    # built without checking again: the stored referral was checked when saved
    engine = nrm.NrmReferral.model_construct(
        referred_on=referral.referred_on,
        reasonable_grounds=_decision(referral.rg_decided_on, referral.rg_positive),
        conclusive_grounds=_decision(referral.cg_decided_on, referral.cg_positive))
    law = rules()
    try:
        return Progress(engine.reasonable_grounds_due_on(law),
                        engine.reasonable_grounds_overdue(today, law),
                        engine.recovery_period_ends(law))
    except (OverflowError, ValueError):
        # a day stored before the date rules existed, at the calendar's end: nothing to count
        return Progress(datetime.date.max, False, None)


def duty_to_notify_for_user(user: Any) -> QuerySet[DutyToNotify]:
    """The Duty to Notify records of the user's agency (403 without ``cases.view``)."""
    require_capability(user, CASES_VIEW)
    agency = agency_of(user)
    if agency is None:
        return DutyToNotify.objects.none()
    return DutyToNotify.objects.filter(agency=agency)
