"""ASB victim risk assessments on a case: the rules (the scoring itself is the casework engine's,
:mod:`saferplaces.casework.risk`, with the questionnaire file
``data/questionnaires/asb-victim-risk.toml`` and the rules in force from
:func:`saferplaces.apps.cases.law.rules`).

- **Who is assessed**: a person who is a party of the case as victim, complainant or vulnerable
  person (:data:`ASSESSED_ROLES`).
- **Who assesses**: an agency working on the case (owner or full share) with ``cases.edit``;
  break-glass is for reading.
- **Every question answered**: a missing answer is refused, never scored as zero (engine rule).
  Professional judgement may raise the band, never lower it, with a written reason (engine).
- **History**: an assessment is never changed; a new one of the same person on the same case
  supersedes the current one. A form carries the current assessment it was opened on: when
  another was saved meanwhile, nothing is saved and both are shown.
- **Dates**: the band's response target (``contact_by``, working days, England and Wales bank
  holidays) and re-assessment date (``reassess_on``) as the band's rules in force on the day.
- **Alert**: a band with ``alert = true`` (high, in the shipped questionnaire) notifies the owner
  agency's case managers and sets a task "Contact the victim" due on the response target (on
  the day it is recorded, when an assessment recorded late finds the target already passed:
  the task service refuses a past due date, and the assessment shows the true target).
- **The case's risk**: raised to the highest band among the current assessments of the case's
  people when that is higher (:func:`saferplaces.apps.cases.services.set_risk`). It is never
  lowered by an assessment: lowering it is the owner's decision on the case's details page.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.asb.models import RiskAssessment
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import services as case_services
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Notification, Party, Risk, TimelineEntry
from saferplaces.apps.cases.services import CaseRuleError, case_managers
from saferplaces.apps.cases.tasks import assignable_users, create_task
from saferplaces.casework.law import Rules
from saferplaces.casework.questionnaire import QUESTIONNAIRE_DIR, Questionnaire, load_questionnaire
from saferplaces.casework.risk import AnswerError, assess
from saferplaces.web.recorded_days import day_problem
from saferplaces.web.textlimits import too_long

__all__ = ["ASB_CASE_TYPES", "ASSESSED_ROLES", "AssessmentConflict", "CONTACT_TASK",
           "QUESTIONNAIRE", "assess_person", "assessed_people", "current_assessments",
           "history_of", "questionnaire"]

QUESTIONNAIRE = "asb-victim-risk"
#: The case types whose people are assessed with the ASB victim questionnaire.
ASB_CASE_TYPES = frozenset({"repeat-asb"})
#: The party roles of the people harmed by the behaviour: the people the questionnaire is about.
ASSESSED_ROLES = frozenset({"victim", "complainant", "vulnerable-person"})
CONTACT_TASK = "Contact the victim"


class AssessmentConflict(Exception):
    """Another assessment of the person was saved since the form was opened: nothing saved."""

    def __init__(self, current: RiskAssessment | None) -> None:
        super().__init__("Another risk assessment of this person was saved while you were "
                         "filling this one in.")
        self.current = current


_LOADED: dict[int, tuple[Rules, Questionnaire]] = {}


def questionnaire() -> Questionnaire:
    """The ASB victim risk questionnaire, checked against the rules in force (each band's
    response-target and re-assessment rules must be defined); read once per set of rules."""
    in_force = rules()
    loaded = _LOADED.get(id(in_force))
    if loaded is None or loaded[0] is not in_force:
        loaded = (in_force, load_questionnaire(QUESTIONNAIRE_DIR / f"{QUESTIONNAIRE}.toml",
                                               in_force))
        _LOADED[id(in_force)] = loaded
    return loaded[1]


def assessed_people(case_pk: int) -> QuerySet[Party]:
    """The case's parties who may be assessed (victims, complainants, vulnerable people)."""
    return (Party.objects.filter(case_id=case_pk, role__in=ASSESSED_ROLES)
            .select_related("person").order_by("pk"))


def latest_of(case_pk: int, person_pk: int) -> RiskAssessment | None:
    return (RiskAssessment.objects.filter(case_id=case_pk, person_id=person_pk)
            .order_by("-assessed_on", "-pk").first())


def current_assessments(case_pk: int) -> list[RiskAssessment]:
    """Each assessed person's current (latest) assessment on the case, soonest re-assessment
    first."""
    current = (RiskAssessment.objects.filter(case_id=case_pk, superseded_by__isnull=True)
               .select_related("person", "agency"))
    return sorted(current, key=lambda a: (a.reassess_on, a.pk))


def history_of(case_pk: int, person_pk: int) -> list[RiskAssessment]:
    """Every assessment of the person on the case, newest first."""
    return list(RiskAssessment.objects.filter(case_id=case_pk, person_id=person_pk)
                .select_related("agency", "assessed_by").order_by("-assessed_on", "-pk"))


def _rank(band: str) -> int:
    return list(Risk.values).index(band) if band in Risk.values else -1


def _raise_case_risk(access: CaseAccess, user: Any, request: HttpRequest | None) -> None:
    bands = [a.band for a in current_assessments(access.case.pk) if a.band in Risk.values]
    if not bands:
        return
    highest = max(bands, key=_rank)
    if _rank(highest) > _rank(access.case.risk):
        case_services.set_risk(access, user, risk=highest,
                               why="an ASB victim risk assessment", request=request)


def _alert(access: CaseAccess, user: Any, made: RiskAssessment,
           request: HttpRequest | None) -> Any:
    """Notify the owner's case managers and set the contact task (see module docstring)."""
    case = access.case
    lead = case.lead_officer
    assignee = lead if lead is not None and assignable_users(case.owner_agency).filter(
        pk=lead.pk).exists() else None
    due = max(made.contact_by, timezone.localdate())
    task = create_task(access, user, title=CONTACT_TASK, due=due,
                       assigned_agency=case.owner_agency, assigned_user=assignee,
                       request=request)
    text = (f"{made.band_label} risk: ASB victim risk assessment on case {case.reference}; "
            f"contact the victim by {made.contact_by:%-d %B %Y}")
    Notification.objects.bulk_create(Notification(user=manager, case=case, text=text[:300])
                                     for manager in case_managers(case.owner_agency))
    return task


def assess_person(access: CaseAccess, user: Any, *, person_id: int, answers: Mapping[str, str],
                  raise_to: str = "", reason: str = "", opened_on_latest: int | None = None,
                  on: datetime.date | None = None,
                  request: HttpRequest | None = None) -> RiskAssessment:
    """Score and keep an assessment of ``person_id`` (module docstring for the rules).
    ``opened_on_latest`` is the current assessment's id when the form was opened (0: none
    then; ``None``: do not check); ``on`` the day it was made (today unless given, never in the
    future)."""
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    case = access.case
    if case.case_type not in ASB_CASE_TYPES:
        raise CaseRuleError("ASB victim risk assessments are for repeat anti-social behaviour "
                            "cases.")
    party = assessed_people(case.pk).filter(person_id=person_id).first()
    if party is None:
        raise CaseRuleError("Choose a victim, complainant or vulnerable person of this case.",
                            "person")
    today = timezone.localdate()
    on = on or today
    problem = day_problem(on, "assessment's date")
    if problem:
        raise CaseRuleError(problem, "assessed_on")
    problem = too_long(reason.strip(), "The reason")
    if problem:
        raise CaseRuleError(f"{problem}.", "reason")
    try:
        scored = assess(questionnaire(), answers, on=on, raise_to=raise_to, reason=reason,
                        rules=rules())
    except AnswerError as exc:
        raise CaseRuleError(f"{str(exc)[:1].upper()}{str(exc)[1:]}.",
                            "reason" if "judgement" in str(exc) else None) from None
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    try:
        with transaction.atomic():
            earlier = latest_of(case.pk, person_id)
            if opened_on_latest is not None and (earlier.pk if earlier else 0) != opened_on_latest:
                raise AssessmentConflict(earlier)
            made = RiskAssessment(
                case=case, person_id=person_id, questionnaire=scored.questionnaire,
                questionnaire_version=scored.version, assessed_on=scored.assessed_on,
                answers=dict(scored.answers), section_scores=dict(scored.section_scores),
                score=scored.score, band=scored.band, band_label=scored.band_label,
                set_by=list(scored.set_by), judgement_reason=scored.judgement_reason,
                alert=scored.alert, contact_by=scored.contact_by,
                reassess_on=scored.reassess_on, supersedes=earlier, assessed_by=user,
                agency=agency)
            if made.alert:
                made.contact_task = _alert(access, user, made, request)
            made.save()
            TimelineEntry.objects.create(
                case=case, user=user, agency=agency, kind="risk-assessment",
                text=f"Risk assessment on {case.reference} by {agency.name}: "
                     f"{made.band_label.lower()}"
                     f"{' (raised by professional judgement)' if made.judgement_reason else ''}"
                     f"; re-assess by {made.reassess_on:%-d %B %Y}")
            record("create", user=user, request=request, object_type="risk-assessment",
                   object_id=made.pk, fields=["answers", "score", "band"])
            record("update", user=user, request=request, object_type="case", object_id=case.pk,
                   fields=["risk_assessments"])
            record("update", user=user, request=request, object_type="person",
                   object_id=person_id, fields=["risk_assessments"])
            _raise_case_risk(access, user, request)
    except IntegrityError:
        # another assessment superseded the same one at the same moment
        raise AssessmentConflict(latest_of(case.pk, person_id)) from None
    return made


def is_reassessment_overdue(item: RiskAssessment, today: datetime.date | None = None) -> bool:
    return item.reassess_on < (today or timezone.localdate())
