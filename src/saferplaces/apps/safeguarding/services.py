"""The rules of safeguarding case work, applied through the casework engine: pages and API stay
thin and call these with the access they were given (:mod:`.access`).

- **Concern** (vulnerable-person and exploitation cases): the person concerned is a party of the
  case; child or adult is decided on the **date of the concern** from their date of birth
  (:func:`saferplaces.casework.age.is_child`, rule ``safeguarding.adult_age``). Without a date of
  birth, an estimated age gives the **youngest** date of birth it allows (the estimated age
  reached on the day it was estimated), so a person whose age is in doubt is treated as the child
  they may be (Modern Slavery Act 2015 s.51 and the age-assessment guidance presume a child
  while in doubt). Exploitation types come from the vocabulary, children-only types refused for
  an adult (:func:`saferplaces.casework.mash.check_exploitation_types`).
- **MASH referral**: made by an agency working on the case to a MASH agency that works on it too
  (the owner, or a full share: the MASH must see the case to screen it). On receipt the engine
  checks the dates and types and, for a child, sets the one working day decision date
  (:func:`saferplaces.casework.mash.receive`). The MASH's screener sets the RAG rating; the
  engine sets the response target in working hours (:func:`saferplaces.casework.mash.screen`,
  rules ``mash.response_working_hours.*``, over bank holidays and clock changes). A referral not
  answered by then is **overdue** (one alert: :mod:`.alerts`).
- **Domestic abuse**: a risk checklist's number of yes answers, with the engine's MARAC referral
  decision (:func:`saferplaces.casework.marac.referral_decision`, rule
  ``marac.referral_threshold``); MARAC referrals; the **repeat MARAC** flag (:func:`repeats`).
- Every change is audited on the case (field names only) and written to its timeline in words
  that name the case reference and agencies, never a person or an exploitation type.
- **No lost updates**: an edit names the ``version`` it was made from; a stale one saves nothing
  and :class:`Conflict` carries the stored record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import CASES_EDIT
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, cases_for_user, live_shares
from saferplaces.apps.cases.law import rules
from saferplaces.apps.cases.models import (
    Case,
    Notification,
    Party,
    ShareLevel,
    TimelineEntry,
)
from saferplaces.apps.cases.services import CaseRuleError, case_managers
from saferplaces.apps.people.models import Person
from saferplaces.apps.safeguarding.access import Seen, is_mash_screener
from saferplaces.apps.safeguarding.models import (
    AgeFrom,
    Concern,
    MaracReferral,
    MashReferral,
    RiskChecklist,
)
from saferplaces.casework import marac as marac_rules
from saferplaces.casework import mash as mash_rules
from saferplaces.casework.age import is_child
from saferplaces.casework.months import add_months
from saferplaces.casework.refusals import Refused
from saferplaces.casework.workingtime import is_overdue
from saferplaces.web.recorded_days import day_problem
from saferplaces.web.textlimits import too_long

__all__ = ["Conflict", "DOMESTIC_ABUSE_TYPES", "Repeat", "SAFEGUARDING_TYPES",
           "is_mash_overdue", "mash_agencies", "record_checklist", "record_concern",
           "refer_to_marac", "refer_to_mash", "repeats", "update_concern", "update_marac",
           "update_mash"]

RESOURCE = "case"

#: Case types (keys of the case-types file) with safeguarding concerns and MASH referrals.
SAFEGUARDING_TYPES = frozenset({"vulnerable-child", "vulnerable-adult", "exploitation"})
#: Case types with the risk checklist, MARAC referrals and the repeat-MARAC flag.
DOMESTIC_ABUSE_TYPES = frozenset({"domestic-abuse"})
VICTIM = "victim"
PERPETRATOR = "alleged-perpetrator"


class Conflict(Exception):
    """The record changed since the form was opened: nothing was saved."""

    def __init__(self, current: Any, attempted: dict[str, Any]) -> None:
        super().__init__("The record was changed by someone else while you were editing it.")
        self.current = current
        self.attempted = attempted


# --- shared checks ---------------------------------------------------------------------------------


def _refused(exc: Refused | ValueError, field: str | None = None) -> CaseRuleError:
    text = str(exc)
    return CaseRuleError(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."), field)


def _require_contributor(user: Any, access: CaseAccess) -> Agency:
    require_capability(user, CASES_EDIT)
    agency = agency_of(user)
    if not access.contributes or agency is None:
        raise PermissionDenied("Your agency does not work on this case.")
    return agency


def _require_type(case: Case, types: frozenset[str], what: str) -> None:
    if case.case_type not in types:
        raise CaseRuleError(f"{what} are recorded on {', '.join(sorted(types))} cases only.")


def _party(case: Case, person_id: int, roles: Iterable[str] | None = None,
           field: str = "person") -> Person:
    parties = Party.objects.filter(case=case, person_id=person_id).select_related("person")
    if roles is not None:
        parties = parties.filter(role__in=list(roles))
    party = parties.first()
    if party is None:
        raise CaseRuleError("Choose a party of the case" + (" who is a victim" if roles else "")
                            + ".", field)
    return party.person


def _not_future(day: datetime.date | None, what: str, field: str) -> None:
    """Not after today nor before 1900 (:mod:`saferplaces.web.recorded_days`)."""
    problem = day_problem(day, what)
    if problem:
        raise CaseRuleError(problem, field)


def _text(text: str, what: str, field: str) -> str:
    text = text.strip()
    problem = too_long(text, what)
    if problem:
        raise CaseRuleError(f"{problem}.", field)
    return text


def _timeline(case: Case, user: Any, text: str) -> None:
    TimelineEntry.objects.create(case=case, user=user, agency=agency_of(user),
                                 kind="safeguarding", text=text[:300])


def _audit(action: str, user: Any, request: HttpRequest | None, case: Case,
           fields: Iterable[str]) -> None:
    record(action, user=user, request=request, object_type=RESOURCE, object_id=case.pk,
           fields=list(fields))


def _notify(agency: Agency, case: Case, text: str) -> None:
    Notification.objects.bulk_create(Notification(user=user, case=case, text=text[:300])
                                     for user in case_managers(agency))


def _save_if_current(model: Any, record_: Any, version: int, changes: dict[str, Any]) -> Any:
    saved = model.objects.filter(pk=record_.pk, version=version).update(
        **changes, version=F("version") + 1)
    current = model.objects.get(pk=record_.pk)
    if not saved:
        raise Conflict(current, changes)
    return current


# --- concerns -----------------------------------------------------------------------------------------


def date_of_birth(person: Person) -> tuple[datetime.date, str]:
    """The date of birth the rules use, and what it comes from (module rules)."""
    if person.date_of_birth is not None:
        return person.date_of_birth, AgeFrom.DATE_OF_BIRTH
    if person.estimated_age is not None and person.estimated_on is not None:
        return add_months(person.estimated_on, -12 * person.estimated_age), AgeFrom.ESTIMATED_AGE
    raise CaseRuleError("Record the person's date of birth, or an estimated age, on their "
                        "profile first: child or adult is decided from it.", "person")


def _child(person: Person, concern_on: datetime.date) -> tuple[bool, str]:
    born, age_from = date_of_birth(person)
    if concern_on < born:
        raise CaseRuleError("The concern cannot be dated before the person was born.",
                            "concern_on")
    return is_child(born, concern_on, rules()), age_from


def _types(keys: Iterable[str], child: bool) -> list[str]:
    chosen = tuple(dict.fromkeys(keys))
    try:
        mash_rules.check_exploitation_types(chosen, child)
    except Refused as exc:
        raise _refused(exc, "exploitation_types") from None
    return list(chosen)


def record_concern(access: CaseAccess, user: Any, *, person_id: int, concern_on: datetime.date,
                   exploitation_types: Iterable[str],
                   request: HttpRequest | None = None) -> Concern:
    """A safeguarding concern about a party of the case (module rules)."""
    agency = _require_contributor(user, access)
    case = access.case
    _require_type(case, SAFEGUARDING_TYPES, "Safeguarding concerns")
    person = _party(case, person_id)
    _not_future(concern_on, "date of the concern", "concern_on")
    child, age_from = _child(person, concern_on)
    types = _types(exploitation_types, child)
    with transaction.atomic():
        concern = Concern.objects.create(case=case, person=person, concern_on=concern_on,
                                         child=child, age_from=age_from,
                                         exploitation_types=types, recorded_by=user,
                                         agency=agency)
        _timeline(case, user, f"Safeguarding concern recorded on {case.reference} by {agency.name}")
        _audit("update", user, request, case, ["safeguarding_concerns"])
    return concern


def update_concern(seen: Seen, user: Any, *, version: int, concern_on: datetime.date,
                   exploitation_types: Iterable[str],
                   request: HttpRequest | None = None) -> Concern:
    """Correct the concern's date or types; child or adult is decided again, and so is the
    decision date of each MASH referral made about it (refused if one no longer holds)."""
    agency = _require_contributor(user, seen.case_access)
    concern: Concern = seen.record
    case = seen.case_access.case
    _not_future(concern_on, "date of the concern", "concern_on")
    child, age_from = _child(concern.person, concern_on)
    types = _types(exploitation_types, child)
    decisions: dict[int, datetime.date | None] = {}
    for referral in concern.mash_referrals.all():
        receipt = _receive(referral, concern_on, types)
        decisions[referral.pk] = receipt.decision_due_on
    changes = {"concern_on": concern_on, "child": child, "age_from": age_from,
               "exploitation_types": types}
    with transaction.atomic():
        current: Concern = _save_if_current(Concern, concern, version, changes)
        for pk, due in decisions.items():
            MashReferral.objects.filter(pk=pk).update(decision_due_on=due)
        _timeline(case, user, f"Safeguarding concern on {case.reference} changed by {agency.name}")
        _audit("update", user, request, case, ["safeguarding_concerns"])
    return current


# --- MASH referrals -------------------------------------------------------------------------------------


def mash_agencies(case: Case) -> list[Agency]:
    """The agencies a MASH referral on ``case`` may go to: the owner and every agency with a
    live full share (the MASH screens it, so it must see the case in full)."""
    shared = [share.agency for share in live_shares(case).filter(level=ShareLevel.FULL)
              .order_by("agency__name")]
    return [case.owner_agency, *shared]


def _receive(referral: MashReferral, concern_on: datetime.date,
             types: list[str]) -> mash_rules.Receipt:
    born, _ = date_of_birth(referral.concern.person)
    try:
        return mash_rules.receive(received_at=referral.received_at, concern_on=concern_on,
                                  date_of_birth=born, exploitation_types=tuple(types),
                                  rules=rules())
    except Refused as exc:
        raise _refused(exc, "concern_on") from None


def refer_to_mash(access: CaseAccess, user: Any, *, concern_id: int, mash_agency: Agency | None,
                  received_at: datetime.datetime,
                  request: HttpRequest | None = None) -> MashReferral:
    """A MASH referral of one of the case's concerns (module rules). The MASH agency's case
    managers are told a referral waits for screening."""
    agency = _require_contributor(user, access)
    case = access.case
    _require_type(case, SAFEGUARDING_TYPES, "MASH referrals")
    concern = Concern.objects.filter(pk=concern_id, case=case).select_related("person").first()
    if concern is None:
        raise CaseRuleError("Choose a concern recorded on this case.", "concern")
    allowed = {item.pk: item for item in mash_agencies(case)}
    if mash_agency is None or mash_agency.pk not in allowed:
        raise CaseRuleError("Choose the owner agency or an agency the case is shared with in "
                            "full: the MASH must see the case to screen it.", "mash_agency")
    if received_at > timezone.now():
        raise CaseRuleError("The referral cannot be received in the future.", "received_at")
    draft = MashReferral(case=case, concern=concern, received_at=received_at)
    receipt = _receive(draft, concern.concern_on, list(concern.exploitation_types))
    with transaction.atomic():
        referral = MashReferral.objects.create(
            case=case, concern=concern, mash_agency=allowed[mash_agency.pk],
            referring_agency=agency, referred_by=user, received_at=received_at,
            decision_due_on=receipt.decision_due_on)
        _timeline(case, user, f"MASH referral made on {case.reference} by {agency.name} to "
                              f"{mash_agency.name}")
        _notify(mash_agency, case, f"MASH referral {referral.pk} on case {case.reference} "
                                   "waits for screening")
        _audit("update", user, request, case, ["mash_referrals"])
    return referral


def update_mash(seen: Seen, user: Any, *, version: int, rag: str,
                strategy_at: datetime.datetime | None = None,
                strategy_attendees: Iterable[Agency] = (), strategy_decision: str = "",
                responded_at: datetime.datetime | None = None, outcome: str = "",
                request: HttpRequest | None = None) -> MashReferral:
    """The MASH's screening, strategy discussion, response and outcome (a user of the MASH
    agency). The engine checks them and sets the response target from the RAG rating."""
    referral: MashReferral = seen.record
    access = seen.case_access
    require_capability(user, CASES_EDIT)
    if not is_mash_screener(user, referral, access):
        raise PermissionDenied("Only the MASH agency the referral was made to records its "
                               "screening and response.")
    if not rag:
        raise CaseRuleError("Choose the RAG rating.", "rag")
    now = timezone.now()
    if responded_at is not None and responded_at > now:
        raise CaseRuleError("The response cannot be in the future.", "responded_at")
    if outcome and responded_at is None:
        raise CaseRuleError("Enter when the MASH responded to record its outcome.", "responded_at")
    attendees = list(strategy_attendees)
    if strategy_at is None and (attendees or strategy_decision.strip()):
        raise CaseRuleError("Enter when the strategy discussion was held.", "strategy_at")
    decision = _text(strategy_decision, "The strategy discussion's decision", "strategy_decision")
    concern = referral.concern
    born, _ = date_of_birth(concern.person)
    try:
        screened = mash_rules.screen(
            received_at=referral.received_at, concern_on=concern.concern_on, date_of_birth=born,
            rag=rag,  # type: ignore[arg-type]  # checked by the engine
            exploitation_types=tuple(concern.exploitation_types), strategy_discussion_at=strategy_at,
            responded_at=responded_at, outcome=outcome, rules=rules())
    except Refused as exc:
        field = {"mash.rag": "rag", "mash.outcomes": "outcome"}.get(exc.rule)
        raise _refused(exc, field) from None
    changes: dict[str, Any] = {
        "rag": rag, "response_due_at": screened.response_due_at,
        "decision_due_on": screened.decision_due_on, "strategy_at": strategy_at,
        "strategy_decision": decision, "responded_at": responded_at, "outcome": outcome}
    if rag != referral.rag:
        changes |= {"screened_by_id": user.pk, "screened_at": now, "overdue_alerted_at": None}
    case = access.case
    agency = agency_of(user)
    said = _what_changed(referral, changes, attendees)
    with transaction.atomic():
        current: MashReferral = _save_if_current(MashReferral, referral, version, changes)
        current.strategy_attendees.set(attendees)
        if said:
            _timeline(case, user, f"MASH referral on {case.reference}: {', '.join(said)} by "
                                  f"{agency.name if agency else 'the MASH'}")
            _audit("update", user, request, case, ["mash_referrals"])
    return current


def _what_changed(referral: MashReferral, changes: dict[str, Any],
                  attendees: list[Agency]) -> list[str]:
    said = []
    if changes["rag"] != referral.rag:
        said.append(f"screened {changes['rag']}")
    if changes["strategy_at"] != referral.strategy_at or changes["strategy_decision"] != \
            referral.strategy_decision or {a.pk for a in attendees} != set(
                referral.strategy_attendees.values_list("pk", flat=True)):
        said.append("strategy discussion recorded")
    if changes["responded_at"] != referral.responded_at or changes["outcome"] != referral.outcome:
        said.append("response and outcome recorded")
    return said


def is_mash_overdue(referral: MashReferral, at: datetime.datetime | None = None) -> bool:
    """Screened, not answered by ``at`` (now), and ``at`` is after the response target
    (:func:`saferplaces.casework.workingtime.is_overdue`)."""
    at = at or timezone.now()
    if referral.response_due_at is None:
        return False
    answered = referral.responded_at is not None and referral.responded_at <= at
    return not answered and is_overdue(referral.response_due_at, at)


def is_answered_late(referral: MashReferral) -> bool:
    return (referral.response_due_at is not None and referral.responded_at is not None
            and is_overdue(referral.response_due_at, referral.responded_at))


# --- domestic abuse ------------------------------------------------------------------------------------


def record_checklist(access: CaseAccess, user: Any, *, victim_id: int,
                     completed_on: datetime.date, completed_by: str, yes_answers: int,
                     police_callouts: int = 0, professional_judgement: str = "",
                     request: HttpRequest | None = None) -> RiskChecklist:
    """A completed risk checklist's score, with the engine's MARAC referral decision."""
    agency = _require_contributor(user, access)
    case = access.case
    _require_type(case, DOMESTIC_ABUSE_TYPES, "Risk checklists")
    victim = _party(case, victim_id, [VICTIM], "victim")
    _not_future(completed_on, "day the checklist was completed", "completed_on")
    who = _text(completed_by, "Who completed it", "completed_by")
    if not who:
        raise CaseRuleError("Enter who completed the checklist.", "completed_by")
    judgement = _text(professional_judgement, "The professional judgement", "professional_judgement")
    try:
        decision = marac_rules.referral_decision(
            yes_answers=yes_answers, on=completed_on, police_callouts=police_callouts,
            professional_judgement=judgement, rules=rules())
    except ValueError as exc:
        raise _refused(exc, "police_callouts" if "call-outs" in str(exc) else "yes_answers") \
            from None
    with transaction.atomic():
        checklist = RiskChecklist.objects.create(
            case=case, victim=victim, completed_on=completed_on, completed_by=who,
            yes_answers=yes_answers, police_callouts=police_callouts,
            professional_judgement=judgement, threshold=decision.threshold,
            criteria=list(decision.criteria), recorded_by=user, agency=agency)
        _timeline(case, user, f"Risk checklist recorded on {case.reference} by {agency.name}: "
                              f"MARAC referral criteria {'met' if decision.refer else 'not met'}")
        _audit("update", user, request, case, ["risk_checklists"])
    return checklist


def _marac_dates(referred_on: datetime.date, meeting_on: datetime.date | None) -> None:
    _not_future(referred_on, "referral", "referred_on")
    if meeting_on is not None and meeting_on < referred_on:
        raise CaseRuleError("The MARAC meeting cannot be before the referral.", "meeting_on")


def refer_to_marac(access: CaseAccess, user: Any, *, victim_id: int, referred_on: datetime.date,
                   meeting_on: datetime.date | None = None, checklist_id: int | None = None,
                   request: HttpRequest | None = None) -> MaracReferral:
    """A victim of the case referred to MARAC (a checklist of theirs on the case may be named)."""
    agency = _require_contributor(user, access)
    case = access.case
    _require_type(case, DOMESTIC_ABUSE_TYPES, "MARAC referrals")
    victim = _party(case, victim_id, [VICTIM], "victim")
    _marac_dates(referred_on, meeting_on)
    checklist = None
    if checklist_id is not None:
        checklist = RiskChecklist.objects.filter(pk=checklist_id, case=case, victim=victim).first()
        if checklist is None:
            raise CaseRuleError("Choose a risk checklist of this victim on this case.", "checklist")
    with transaction.atomic():
        referral = MaracReferral.objects.create(
            case=case, victim=victim, checklist=checklist, referred_on=referred_on,
            meeting_on=meeting_on, referred_by=user, agency=agency)
        _timeline(case, user, f"MARAC referral recorded on {case.reference} by {agency.name}")
        _audit("update", user, request, case, ["marac_referrals"])
    return referral


def update_marac(seen: Seen, user: Any, *, version: int, referred_on: datetime.date,
                 meeting_on: datetime.date | None,
                 request: HttpRequest | None = None) -> MaracReferral:
    """Correct the referral date or set the meeting date."""
    agency = _require_contributor(user, seen.case_access)
    case = seen.case_access.case
    _marac_dates(referred_on, meeting_on)
    with transaction.atomic():
        current: MaracReferral = _save_if_current(MaracReferral, seen.record, version,
                                   {"referred_on": referred_on, "meeting_on": meeting_on})
        _timeline(case, user, f"MARAC referral on {case.reference} changed by {agency.name}")
        _audit("update", user, request, case, ["marac_referrals"])
    return current


@dataclass(frozen=True)
class Repeat:
    """A new incident within the repeat window of the last MARAC referral: ``what`` says which
    (a linked incident, or a new domestic-abuse case by its reference)."""

    occurred_on: datetime.date
    what: str
    referred_on: datetime.date
    referral_case: str


def _roles(cases: Iterable[Case]) -> dict[int, tuple[set[str], frozenset[str]]]:
    """Case id → (its victims, its alleged perpetrators), as person ids in text."""
    found: dict[int, tuple[set[str], set[str]]] = {}
    for case_id, person_id, role in (Party.objects.filter(case__in=list(cases),
                                                          role__in=[VICTIM, PERPETRATOR])
                                     .values_list("case_id", "person_id", "role")):
        victims, perps = found.setdefault(case_id, (set(), set()))
        (victims if role == VICTIM else perps).add(str(person_id))
    return {pk: (victims, frozenset(perps)) for pk, (victims, perps) in found.items()}


def repeats(user: Any, access: CaseAccess) -> list[Repeat]:
    """The repeat-MARAC flags of the case: each new incident between the same victim and
    perpetrator within ``marac.repeat_window_months`` of the last MARAC referral
    (:func:`saferplaces.casework.marac.repeat_marac`, SafeLives' definition). A new incident is
    an incident linked to the case, or the case itself when it is a **new** domestic-abuse case
    for a victim referred on another case. Only cases the reader can see are looked at, so the
    flag never discloses another agency's case."""
    case = access.case
    if case.case_type not in DOMESTIC_ABUSE_TYPES:
        return []
    visible = list(cases_for_user(user).filter(case_type__in=DOMESTIC_ABUSE_TYPES))
    roles = _roles(visible)
    references = {item.pk: item.reference for item in visible}
    referrals: list[tuple[marac_rules.MaracReferral, int]] = []
    for item in MaracReferral.objects.filter(case__in=visible):
        perps = roles.get(item.case_id, (set(), frozenset()))[1]
        referrals.append((marac_rules.MaracReferral(item.referred_on, str(item.victim_id), perps),
                          item.case_id))
    victims, perps = roles.get(case.pk, (set(), frozenset()))
    found: list[Repeat] = []
    incidents: list[tuple[datetime.date, str, int | None]] = [(timezone.localtime(link.incident.occurred).date(),
                  f"incident linked ({link.incident.category}, {link.incident.month:%B %Y})",
                  None) for link in case.incident_links.select_related("incident")]
    incidents.append((case.opened_on, f"new domestic-abuse case {case.reference}", case.pk))
    rules_now = rules()
    for day, what, exclude in incidents:
        candidates = [ref for ref, case_id in referrals if case_id != exclude]
        for victim in sorted(victims):
            incident = marac_rules.MaracIncident(day, victim, perps)
            if marac_rules.repeat_marac(candidates, incident, rules_now):
                last = marac_rules.last_referral(candidates, incident)
                assert last is not None
                where = next(case_id for ref, case_id in referrals if ref is last)
                found.append(Repeat(day, what, last.referred_on, references[where]))
    return sorted(set(found), key=lambda r: (r.occurred_on, r.what), reverse=True)
