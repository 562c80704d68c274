"""The 2014 Act actions on a repeat-ASB case: recording them, their breaches and fixed
penalties, and their review tasks. Every rule of the Act is the casework engine's
(:func:`saferplaces.casework.asb_powers.validate`, with the rules in force from
:func:`saferplaces.apps.cases.law.rules`); this module only turns records into the engine's
types and keeps what the engine allows.

- **About whom**: a person who is a party of the case (warning letter to dispersal direction),
  a body (a company or organisation, by name and optional company number: 2014 Act s.43(1)
  "a person aged 16 or over, or a body"; the engine refuses a body for the powers that concern
  individuals, ``powers.about_a_body``), or premises that are a place linked to the case
  (closure notice, order and extension).
- **Against what history**: every action recorded about the same person, body (same company
  number, else the same name ignoring case) or premises in any
  case, since the Act's conditions (a written warning before a notice, a notice before an
  order's extension) concern the person or premises, not one case file. A refusal names the
  rule and its legal source; nothing is saved.
- **Who records**: an agency working on the case (owner or full share) with ``cases.edit``;
  the agency that *took* the action and its officer are data (a dispersal records who
  authorised it and their rank). The agency that took it also works on the case: the owner or
  an agency with a live full share (:func:`acting_agencies`), since an action by an agency
  that cannot read the case would hang its review task on a stranger.
- **Dates**: the day an action was given or made is something that has happened: not after
  today, nor before 1900 (:mod:`saferplaces.web.recorded_days`), nor before its power came
  into force (the engine refuses that, naming the commencement). A youth offending team
  consultation is in the past too. A review or comply-by date is at most
  ``records.review_horizon_years`` (law file; 10 years) after the action's day (the engine).
- **Reviews**: a review date (an Acceptable Behaviour Contract's, an injunction's, a Criminal
  Behaviour Order's; a Community Protection Warning's date to comply by) sets a task for the
  agency that took the action (the owner when that agency no longer works on the case), due on
  that date, or on the day it is recorded when the date has already passed.
- **Breaches**: recorded on any action but a warning letter or an extension; a breach of a
  Community Protection Notice may carry a fixed penalty, checked by the engine (the maximum in
  force on the day of the breach). Adding one names the action's ``version``: a stale one
  saves nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.asb.models import ActionKind, AsbAction, Breach, Issuer
from saferplaces.apps.asb.risk import ASB_CASE_TYPES
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, live_shares
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import Case, Party, ShareLevel, TaskStatus, TimelineEntry
from saferplaces.apps.cases.services import CaseRuleError
from saferplaces.apps.cases.tasks import assignable_agencies, create_task
from saferplaces.apps.places.models import CasePlace
from saferplaces.casework import asb_actions as engine
from saferplaces.casework.asb_powers import Refusal, validate
from saferplaces.web.recorded_days import day_problem
from saferplaces.web.textlimits import too_long

__all__ = ["ActionConflict", "ActionRefused", "BREACHABLE", "FIELDS", "PREMISES_KINDS", "REVIEW_FIELD", "acting_agencies", "add_breach", "next_review", "record_action", "to_engine"]

PREMISES_KINDS = frozenset({ActionKind.CLOSURE_NOTICE, ActionKind.CLOSURE_ORDER,
                            ActionKind.CLOSURE_EXTENSION})
#: The date each kind is reviewed on (a task is set for it).
REVIEW_FIELD = {ActionKind.ABC: "review_on", ActionKind.INJUNCTION: "review_on",
                ActionKind.CBO: "review_on", ActionKind.CPW: "comply_by"}
BREACHABLE = frozenset(ActionKind) - {ActionKind.WARNING_LETTER, ActionKind.CLOSURE_EXTENSION}
#: Moments that are the action itself or something before it (never in the future).
PAST_MOMENTS = ("at", "authorised_at", "heard_at")

#: What each kind records besides the person or premises, the officer, the agency and conditions.
FIELDS: dict[str, tuple[str, ...]] = {
    ActionKind.WARNING_LETTER: ("on",),
    ActionKind.ABC: ("on", "ends_on", "review_on"),
    ActionKind.CPW: ("on", "comply_by"),
    ActionKind.CPN: ("on",),
    ActionKind.INJUNCTION: ("on", "ends_on", "review_on", "yot_consulted_on", "without_notice"),
    ActionKind.CBO: ("on", "ends_on", "review_on"),
    ActionKind.DISPERSAL: ("at", "excluded_until", "taken_home", "believed_under_16", "locality",
                           "authorised_at", "authorised_until", "authorising_rank",
                           "authorising_officer"),
    ActionKind.CLOSURE_NOTICE: ("at", "issuer", "signed_by", "hours", "extended_to_hours",
                                "extended_by"),
    ActionKind.CLOSURE_ORDER: ("on", "heard_at", "ends_on"),
    ActionKind.CLOSURE_EXTENSION: ("on", "ends_on"),
}
#: Of those, the ones that must be given (the others are judged by the engine when missing).
REQUIRED: dict[str, tuple[str, ...]] = {
    ActionKind.CPW: ("on", "comply_by"),
    ActionKind.DISPERSAL: ("at", "excluded_until", "locality", "authorised_at",
                           "authorised_until", "authorising_rank", "authorising_officer"),
    ActionKind.CLOSURE_NOTICE: ("at", "issuer", "signed_by", "hours"),
    ActionKind.CLOSURE_ORDER: ("on", "heard_at", "ends_on"),
    ActionKind.CLOSURE_EXTENSION: ("on", "ends_on"),
}


class ActionRefused(CaseRuleError):
    """The engine found rules the action breaks: ``refusals`` names each rule and its source."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(" ".join(r.message for r in refusals))
        self.refusals = refusals


class ActionConflict(Exception):
    """The action changed (a breach was recorded) since the form was opened: nothing saved."""

    def __init__(self, current: AsbAction) -> None:
        super().__init__("Someone else recorded a breach of this action while you were working.")
        self.current = current


# --- records to the engine's types ---------------------------------------------------------------


def _body_key(action: AsbAction) -> str:
    number = action.body_company_number.strip().upper()
    return f"company:{number}" if number else f"body:{action.body_name.strip().casefold()}"


def _party(action: AsbAction) -> engine.Party:
    if action.kind in PREMISES_KINDS:
        return engine.Party(f"place:{action.place_id}", "premises")
    if action.body_name:
        return engine.Party(_body_key(action), "body")
    born = action.person.date_of_birth if action.person is not None else None
    return engine.Party(f"person:{action.person_id}", "person", born)


def _local(moment: datetime.datetime | None) -> datetime.datetime:
    assert moment is not None  # required for the kinds that use it (REQUIRED)
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _day(value: datetime.date | None) -> datetime.date:
    assert value is not None  # required for the kinds that use it (REQUIRED, form)
    return value


def to_engine(action: AsbAction) -> engine.Action:
    """The engine's record of ``action`` (its party keyed by the person's or place's id)."""
    common: dict[str, Any] = {"party": _party(action), "officer": action.officer,
                              "agency": action.agency.name if action.agency_id else "",
                              "conditions": action.condition_list()}
    kind = action.kind
    if kind == ActionKind.WARNING_LETTER:
        return engine.WarningLetter(**common, on=_day(action.on))
    if kind == ActionKind.ABC:
        return engine.AcceptableBehaviourContract(**common, on=_day(action.on),
                                                  ends_on=action.ends_on,
                                                  review_on=action.review_on)
    if kind == ActionKind.CPW:
        return engine.CommunityProtectionWarning(**common, on=_day(action.on),
                                                 comply_by=_day(action.comply_by))
    if kind == ActionKind.CPN:
        return engine.CommunityProtectionNotice(**common, on=_day(action.on))
    if kind == ActionKind.INJUNCTION:
        return engine.CivilInjunction(**common, on=_day(action.on), ends_on=action.ends_on,
                                      review_on=action.review_on,
                                      youth_offending_team_consulted_on=action.yot_consulted_on,
                                      without_notice=action.without_notice)
    if kind == ActionKind.CBO:
        return engine.CriminalBehaviourOrder(**common, on=_day(action.on), ends_on=action.ends_on,
                                             review_on=action.review_on)
    if kind == ActionKind.DISPERSAL:
        return engine.DispersalDirection(
            **common, at=_local(action.at), authorisation=_authorisation(action),
            excluded_until=_local(action.excluded_until), taken_home=action.taken_home,
            believed_under_16=action.believed_under_16)
    if kind == ActionKind.CLOSURE_NOTICE:
        return engine.ClosureNotice(**common, at=_local(action.at),
                                    issuer="council" if action.issuer == Issuer.COUNCIL else "police",
                                    signed_by=action.signed_by, hours=action.hours or 0,
                                    extended_to_hours=action.extended_to_hours,
                                    extended_by=action.extended_by or None)
    if kind == ActionKind.CLOSURE_ORDER:
        return engine.ClosureOrder(**common, on=_day(action.on), heard_at=_local(action.heard_at),
                                   ends_on=_day(action.ends_on))
    if kind == ActionKind.CLOSURE_EXTENSION:
        return engine.ClosureOrderExtension(**common, on=_day(action.on),
                                            ends_on=_day(action.ends_on))
    raise ValueError(f"unknown action kind {kind!r}")


def _authorisation(action: AsbAction) -> engine.DispersalAuthorisation:
    return engine.DispersalAuthorisation(
        party=engine.Party(f"locality:{action.locality.strip().lower()}", "locality"),
        officer=action.authorising_officer, at=_local(action.authorised_at),
        ends_at=_local(action.authorised_until), rank=action.authorising_rank)


def _penalties(action: AsbAction, leave_out: int | None = None) -> list[engine.Action]:
    party = _party(action)
    return [engine.FixedPenaltyNotice(party=party, on=breach.penalty_on, breach_on=breach.on,
                                      amount=breach.penalty_amount)
            for breach in action.breaches.all()
            if breach.penalty_amount is not None and breach.penalty_on is not None
            and breach.pk != leave_out]


def same_subject(action: AsbAction) -> Q:
    """The actions about the same person, body or premises as ``action`` (any case)."""
    if action.kind in PREMISES_KINDS:
        same = Q(place_id=action.place_id, kind__in=PREMISES_KINDS)
    elif action.body_name:
        number = action.body_company_number.strip()
        same = ((Q(body_company_number__iexact=number) if number
                 else Q(body_company_number="", body_name__iexact=action.body_name.strip()))
                & ~Q(body_name="") & ~Q(kind__in=PREMISES_KINDS))
    else:
        same = Q(person_id=action.person_id) & ~Q(kind__in=PREMISES_KINDS)
    return same


def history(action: AsbAction) -> list[engine.Action]:
    """Every other action recorded about the same person, body or premises, in any case, with
    the fixed penalties given for breaches of them."""
    found: list[engine.Action] = []
    for earlier in (AsbAction.objects.filter(same_subject(action)).exclude(pk=action.pk)
                    .select_related("person", "agency").prefetch_related("breaches")):
        found.append(to_engine(earlier))
        found += _penalties(earlier)
    return found


def refusals_for(action: AsbAction) -> list[Refusal]:
    """Every rule of the Act the action breaks, judged with its history."""
    in_force = rules()
    made = to_engine(action)
    refusals = validate(made, history(action), rules=in_force)
    if isinstance(made, engine.DispersalDirection):
        refusals = validate(made.authorisation, rules=in_force) + refusals
    return refusals


# --- recording ------------------------------------------------------------------------------------


def require_contributor(access: CaseAccess, user: Any) -> Agency:
    require_capability(user, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    return agency


def clean_text(value: str, what: str, field: str) -> str:
    value = value.strip()
    problem = too_long(value, what)
    if problem:
        raise CaseRuleError(f"{problem}.", field)
    return value


def acting_agencies(case: Case) -> list[Agency]:
    """The agencies an action on ``case`` may be attributed to: the owner and every agency
    with a live full share (active ones only)."""
    agencies = [case.owner_agency]
    agencies += [share.agency for share in live_shares(case).filter(level=ShareLevel.FULL)
                 .order_by("agency__name")]
    return [agency for agency in agencies if agency.active]


def _day_of(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return _local(value).date()
    return value if isinstance(value, datetime.date) else None


def check_dates(values: dict[str, Any]) -> None:
    """The record-keeping bounds of the module docstring (the engine judges the law)."""
    words = {"on": "day it was given or made", "at": "moment it was given or served",
             "authorised_at": "start of the dispersal authorisation",
             "heard_at": "court hearing", "yot_consulted_on": "youth offending team consultation"}
    for name in ("on", *PAST_MOMENTS, "yot_consulted_on"):
        problem = day_problem(_day_of(values.get(name)), words.get(name, name))
        if problem:
            raise CaseRuleError(problem, name)
    for name, value in values.items():
        day = _day_of(value)
        if day is None:
            continue
        problem = day_problem(min(day, timezone.localdate()), name.replace("_", " "))
        if problem:
            raise CaseRuleError(problem, name)


def _subject(access: CaseAccess, kind: str, person_id: int | None,
             place_id: int | None, body: tuple[str, str]) -> dict[str, Any]:
    case = access.case
    if kind in PREMISES_KINDS:
        if place_id is None or not CasePlace.objects.filter(case=case, place_id=place_id).exists():
            raise CaseRuleError("Choose premises linked to this case.", "place")
        return {"place_id": place_id}
    name = clean_text(body[0], "The body's name", "body_name")
    number = clean_text(body[1], "The company number", "body_company_number").upper()
    if name:
        if person_id is not None:
            raise CaseRuleError("Choose a person or a body, not both.", "person")
        return {"body_name": name, "body_company_number": number}
    if number:
        raise CaseRuleError("Enter the body's name as well as its company number.", "body_name")
    if person_id is None or not Party.objects.filter(case=case, person_id=person_id).exists():
        raise CaseRuleError("Choose a person who is a party of this case.", "person")
    return {"person_id": person_id}


def _review_task(access: CaseAccess, user: Any, action: AsbAction,
                 request: HttpRequest | None) -> Any:
    field = REVIEW_FIELD.get(ActionKind(action.kind))
    when = getattr(action, field) if field else None
    if when is None:
        return None
    case = access.case
    working = {agency.pk for agency in assignable_agencies(case)}
    agency = action.agency if action.agency_id in working else case.owner_agency
    what = "Check compliance with" if action.kind == ActionKind.CPW else "Review"
    return create_task(access, user, due=max(when, timezone.localdate()),
                       title=f"{what} the {ActionKind(action.kind).label} "
                             f"(action {action.pk}, {when:%-d %B %Y})",
                       assigned_agency=agency, request=request)


def record_action(access: CaseAccess, user: Any, *, kind: str, agency: Agency, officer: str,
                  person_id: int | None = None, place_id: int | None = None,
                  body_name: str = "", body_company_number: str = "",
                  conditions: str = "", request: HttpRequest | None = None,
                  **values: Any) -> AsbAction:
    """Keep ``kind`` of action about a party of the case, a body (``body_name``) or premises
    if the engine finds it lawful; :class:`ActionRefused` (nothing saved) when it does not.
    ``values`` are the kind's :data:`FIELDS`."""
    recorder_agency = require_contributor(access, user)
    case = access.case
    if case.case_type not in ASB_CASE_TYPES:
        raise CaseRuleError("The 2014 Act actions are recorded on repeat anti-social behaviour "
                            "cases.")
    if kind not in ActionKind.values:
        raise CaseRuleError("Choose the kind of action.", "kind")
    unknown = set(values) - set(FIELDS[kind])
    if unknown:
        raise CaseRuleError(f"A {ActionKind(kind).label} does not record {', '.join(sorted(unknown))}.")
    missing = [name for name in REQUIRED.get(kind, ("on",)) if values.get(name) in (None, "")]
    if missing:
        raise CaseRuleError(f"Enter the {missing[0].replace('_', ' ')}.", missing[0])
    if agency.pk not in {item.pk for item in acting_agencies(case)}:
        raise CaseRuleError("Choose the agency that took the action: the owner or an agency "
                            "that works on this case with a full share.", "agency")
    check_dates(values)
    officer = clean_text(officer, "The officer", "officer")
    if not officer:
        raise CaseRuleError("Enter the officer who took the action.", "officer")
    action = AsbAction(case=case, kind=kind, agency=agency, officer=officer,
                       conditions=clean_text(conditions, "The conditions", "conditions"),
                       recorded_by=user,
                       **_subject(access, kind, person_id, place_id,
                                  (body_name, body_company_number)),
                       **{name: value for name, value in values.items() if value is not None})
    refused = refusals_for(action)
    if refused:
        raise ActionRefused(refused)
    label = ActionKind(kind).label
    with transaction.atomic():
        action.save()
        task = _review_task(access, user, action, request)
        if task is not None:
            AsbAction.objects.filter(pk=action.pk).update(review_task=task)
            action.review_task = task
        TimelineEntry.objects.create(case=case, user=user, agency=recorder_agency, kind="asb-action",
                                     text=f"{label} recorded on {case.reference} "
                                          f"({agency.name})")
        fields = ["kind", "officer", "agency", "conditions", *values,
                  "place" if action.place_id else "body" if action.body_name else "person"]
        record("create", user=user, request=request, object_type="asb-action",
               object_id=action.pk, fields=fields)
        record("update", user=user, request=request, object_type="case", object_id=case.pk,
               fields=["asb_actions"])
        if action.person_id is not None:
            record("update", user=user, request=request, object_type="person",
                   object_id=action.person_id, fields=["asb_actions"])
    return action


@dataclass(frozen=True)
class BreachInput:
    on: datetime.date
    description: str
    penalty_amount: Decimal | None = None
    penalty_on: datetime.date | None = None


def check_breach(action: AsbAction, breach: BreachInput, leave_out: int | None = None) -> str:
    """The breach's cleaned description if ``breach`` of ``action`` may be kept (module
    docstring); :class:`CaseRuleError` or :class:`ActionRefused` when not. ``leave_out``: a
    breach being corrected, not counted as an earlier penalty."""
    if action.kind not in BREACHABLE:
        raise CaseRuleError(f"A {ActionKind(action.kind).label.lower()} has no breaches to record.")
    today = timezone.localdate()
    if breach.on > today:
        raise CaseRuleError("A breach cannot be in the future.", "on")
    start = action.on or (timezone.localtime(action.at).date() if action.at else today)
    if breach.on < start:
        raise CaseRuleError(f"The breach is before the {ActionKind(action.kind).label} "
                            f"({start:%-d %B %Y}).", "on")
    description = clean_text(breach.description, "The description", "description")
    if not description:
        raise CaseRuleError("Describe the breach.", "description")
    penalty = breach.penalty_amount is not None or breach.penalty_on is not None
    if penalty:
        if action.kind != ActionKind.CPN:
            raise CaseRuleError("A fixed penalty is given only for a breach of a Community "
                                "Protection Notice.", "penalty_amount")
        if breach.penalty_amount is None or breach.penalty_on is None:
            raise CaseRuleError("Enter both the fixed penalty's amount and the day it was given.",
                                "penalty_amount" if breach.penalty_amount is None else "penalty_on")
        notice = engine.FixedPenaltyNotice(party=_party(action), on=breach.penalty_on,
                                           breach_on=breach.on, amount=breach.penalty_amount)
        history_with = [to_engine(action), *history(action), *_penalties(action, leave_out)]
        refused = validate(notice, history_with, rules=rules())
        if refused:
            raise ActionRefused(refused)
    return description


def add_breach(access: CaseAccess, user: Any, action: AsbAction, *, version: int,
               breach: BreachInput, request: HttpRequest | None = None) -> Breach:
    """Record a breach of ``action`` (module docstring for the rules)."""
    agency = require_contributor(access, user)
    case = access.case
    if action.case_id != case.pk:
        raise CaseRuleError("That action is not on this case.")
    description = check_breach(action, breach)
    penalty = breach.penalty_amount is not None or breach.penalty_on is not None
    with transaction.atomic():
        saved = AsbAction.objects.filter(pk=action.pk, version=version).update(
            version=F("version") + 1)
        if not saved:
            raise ActionConflict(AsbAction.objects.get(pk=action.pk))
        made = Breach.objects.create(action=action, on=breach.on, description=description,
                                     penalty_amount=breach.penalty_amount,
                                     penalty_on=breach.penalty_on, recorded_by=user, agency=agency)
        label = ActionKind(action.kind).label
        TimelineEntry.objects.create(case=case, user=user, agency=agency, kind="asb-breach",
                                     text=f"Breach of a {label} recorded on {case.reference}"
                                          f"{' with a fixed penalty' if penalty else ''}")
        record("update", user=user, request=request, object_type="asb-action",
               object_id=action.pk, fields=["breaches", *(["fixed_penalty"] if penalty else [])])
        record("update", user=user, request=request, object_type="case", object_id=case.pk,
               fields=["asb_actions"])
    return made


def next_review(action: AsbAction) -> datetime.date | None:
    """The open review task's due date, else the recorded review date (``None``: no review)."""
    task = action.review_task
    if task is not None and task.status == TaskStatus.OPEN:
        return task.due
    field = REVIEW_FIELD.get(ActionKind(action.kind))
    return getattr(action, field) if field else None
