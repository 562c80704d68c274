"""The rules of case work: creating a case, its status workflow, parties, linked incidents,
notes, shares, referrals and ownership transfers. Pages and API endpoints call these and stay
thin; each takes the :class:`~saferplaces.apps.cases.access.CaseAccess` the one access helper
gave them.

- Every change is written to the audit log (``record``: the names of the fields changed, never
  their values) and to the case's timeline in words that name the case, agencies and roles,
  never a person or a special-category value.
- **No lost updates**: an edit names the ``version`` it was made from; when the stored case is
  newer the edit saves nothing and :class:`Conflict` carries the stored case to show.
- Only the owner agency edits the case's details and moves its status. Closing and reopening,
  sharing, referring and offering a transfer need ``cases.manage``; the other changes
  ``cases.edit``. Agencies with a full share add parties, notes and incidents; break-glass is
  for reading.
- A share, referral or transfer offer needs consent or a lawful basis for every person party
  (:mod:`saferplaces.apps.cases.sharing`), or the ``cases.share_without_basis`` override with a
  reason. So does a party added to a case already disclosed to another agency (a live share, a
  waiting referral or transfer): each disclosure must cover the new party. A party added by an
  agency other than the owner is told to the owner's case managers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.breakglass import MIN_REASON_LENGTH
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import (
    CASES_EDIT,
    CASES_MANAGE,
    ROLE_CAPABILITIES,
    SHARE_WITHOUT_BASIS,
)
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.access import CaseAccess, live_shares
from saferplaces.apps.cases.models import (
    Case,
    CaseIncident,
    CaseShare,
    Decision,
    Note,
    NoteVisibility,
    Notification,
    Party,
    Referral,
    Risk,
    ShareLevel,
    Status,
    TimelineEntry,
    Transfer,
)
from saferplaces.apps.cases.sharing import (
    BasisCheck,
    Disclosure,
    check_basis,
    check_new_party,
    lawful_bases,
)
from saferplaces.apps.cases.types import CaseType, case_type, case_types, role_label
from saferplaces.apps.cases.workingdays import add_working_days
from saferplaces.apps.people.access import get_person_for_user
from saferplaces.apps.people.models import Person
from saferplaces.web.textlimits import too_long

__all__ = ["BasisRefused", "CaseRuleError", "Conflict", "PartyNotCovered", "TRANSITIONS",
           "add_note", "add_party", "disclosures", "set_risk",
           "case_managers", "change_status", "create_case", "decide_referral",
           "decide_transfer", "end_share", "is_overdue", "lead_officers", "link_incidents",
           "offer_transfer", "other_agencies", "refer_case", "share_case", "update_details"]

RESOURCE = "case"

#: The status workflow: open → active → under review → closed; a review may send the case back
#: to active; a closed case is reopened to active (``cases.manage``).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.ACTIVE}),
    Status.ACTIVE: frozenset({Status.UNDER_REVIEW}),
    Status.UNDER_REVIEW: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.ACTIVE}),
}

#: How many times creating a case retries when another one took the same reference first.
REFERENCE_ATTEMPTS = 20


class CaseRuleError(ValueError):
    """A change the rules refuse; the message says what to do, for the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class BasisRefused(CaseRuleError):
    """Sharing or referring refused: some person party has neither consent nor a basis."""

    def __init__(self, check: BasisCheck) -> None:
        super().__init__(check.problem or "Some parties have neither consent given nor a lawful "
                         "basis that covers them: choose a basis that does, or record consent.",
                         "basis")
        self.check = check


class PartyNotCovered(CaseRuleError):
    """A party refused: the case is disclosed to agencies whose share, referral or transfer
    covers them neither by consent nor by its basis. ``gaps`` says which and why (no names)."""

    def __init__(self, gaps: list[str]) -> None:
        super().__init__("This person is not covered for every agency the case is disclosed "
                         f"to: {'; '.join(gaps)}. Their own agency can record their consent, "
                         "or end or change what does not cover them.", "person")
        self.gaps = gaps


class Conflict(Exception):
    """The case changed since the form was opened: nothing was saved. ``current`` is the stored
    case, ``attempted`` the values the user tried to save."""

    def __init__(self, current: Case, attempted: dict[str, Any]) -> None:
        super().__init__("The case was changed by someone else while you were editing it.")
        self.current = current
        self.attempted = attempted


# --- who ---------------------------------------------------------------------------------------


def _roles_with(capability: str) -> list[str]:
    return [role.value for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def _members_with(agency: Agency, capability: str) -> QuerySet[Any]:
    return (get_user_model().objects
            .filter(is_active=True, membership__agency=agency,
                    membership__role__in=_roles_with(capability))
            .order_by("username"))


def lead_officers(agency: Agency) -> QuerySet[Any]:
    """Who may lead the agency's cases: its active users who may edit cases."""
    return _members_with(agency, CASES_EDIT)


def case_managers(agency: Agency) -> QuerySet[Any]:
    """The agency's active users who may manage cases (they answer referrals and transfers)."""
    return _members_with(agency, CASES_MANAGE)


def other_agencies(agency: Agency) -> QuerySet[Agency]:
    """Active agencies a case of ``agency`` may be shared with, referred or transferred to."""
    return Agency.objects.filter(active=True).exclude(pk=agency.pk).order_by("name")


def _require_owner(access: CaseAccess) -> None:
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns the case can do this.")


def _require_contributor(access: CaseAccess) -> None:
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")


def _user_agency(user: Any) -> Agency:
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You do not belong to an agency.")
    return agency


# --- the timeline, notifications, audit -------------------------------------------------------------


def _timeline(case: Case, user: Any, kind: str, text: str, *, owner_only: bool = False) -> None:
    TimelineEntry.objects.create(case=case, user=user, agency=agency_of(user), kind=kind,
                                 text=text[:300], owner_only=owner_only)


def _notify(agency: Agency, case: Case, text: str) -> None:
    Notification.objects.bulk_create(Notification(user=user, case=case, text=text[:300])
                                     for user in case_managers(agency))


def _audit(action: str, user: Any, request: HttpRequest | None, case: Case,
           fields: Iterable[str] = (), reason: str = "") -> None:
    record(action, user=user, request=request, object_type=RESOURCE, object_id=case.pk,
           fields=fields, reason=reason)


def _limited(text: str, what: str, field: str) -> str:
    """``text`` stripped, or CaseRuleError when longer than ``SAFERPLACES_TEXT_MAX_CHARS``
    (web/textlimits.py)."""
    text = text.strip()
    problem = too_long(text, what)
    if problem:
        raise CaseRuleError(f"{problem}.", field)
    return text


def _reason(text: str, what: str, field: str = "reason") -> str:
    text = _limited(text, f"The {what}", field)
    if len(text) < MIN_REASON_LENGTH:
        raise CaseRuleError(f"Give the {what} (at least {MIN_REASON_LENGTH} characters).", field)
    return text


# --- creating a case and editing it --------------------------------------------------------------


def _next_sequence(prefix: str, year: int) -> int:
    stem = f"{prefix}-{year}-"
    last = (Case.objects.filter(reference__startswith=stem)
            .order_by(Length("reference").desc(), "-reference")
            .values_list("reference", flat=True).first())
    tail = last[len(stem):] if last else "0"
    return (int(tail) if tail.isdigit() else 0) + 1


def _check_lead(agency: Agency, lead_officer: Any) -> None:
    if lead_officer is not None and not lead_officers(agency).filter(pk=lead_officer.pk).exists():
        raise CaseRuleError("Choose a lead officer from your agency.", "lead_officer")


def create_case(user: Any, *, case_type_key: str, title: str, summary: str = "",
                risk: str = Risk.STANDARD, lead_officer: Any = None,
                request: HttpRequest | None = None) -> Case:
    """A new case owned by the user's agency, its reference the type's prefix, the year and the
    next number (``ASB-2026-0001``). The reference is unique even when two are made at once:
    the database refuses a repeat, and the loser takes the next number."""
    require_capability(user, CASES_EDIT)
    agency = _user_agency(user)
    kind = case_type(case_type_key)
    if kind is None:
        raise CaseRuleError("Choose a case type from the list.", "case_type")
    if risk not in Risk.values:
        raise CaseRuleError("Choose a risk level.", "risk")
    _check_lead(agency, lead_officer)
    summary = _limited(summary, "The summary", "summary")
    today = timezone.localdate()
    for _ in range(REFERENCE_ATTEMPTS):
        reference = f"{kind.reference_prefix}-{today.year}-{_next_sequence(kind.reference_prefix, today.year):04d}"
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=reference, case_type=kind.key, title=title.strip(),
                    summary=summary, risk=risk, owner_agency=agency,
                    lead_officer=lead_officer, opened_on=today, created_by=user)
                _timeline(case, user, "created", f"Case {reference} opened by {agency.name}")
                _audit("create", user, request, case,
                       ["reference", "case_type", "title", "summary", "risk", "lead_officer"])
            return case
        except IntegrityError:
            if not Case.objects.filter(reference=reference).exists():
                raise
    raise CaseRuleError("Could not give the case a reference: try again.")


def _save_if_current(case: Case, version: int, changes: dict[str, Any]) -> Case:
    """Write ``changes`` only if the stored case is still at ``version``; else Conflict."""
    saved = Case.objects.filter(pk=case.pk, version=version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now())
    current = Case.objects.select_related("owner_agency", "lead_officer").get(pk=case.pk)
    if not saved:
        raise Conflict(current, changes)
    return current


def update_details(access: CaseAccess, user: Any, *, version: int, title: str, summary: str,
                   risk: str, lead_officer: Any, request: HttpRequest | None = None) -> Case:
    """Change the case's title, summary, risk or lead officer (owner agency, ``cases.edit``)."""
    require_capability(user, CASES_EDIT)
    _require_owner(access)
    case = access.case
    if risk not in Risk.values:
        raise CaseRuleError("Choose a risk level.", "risk")
    _check_lead(case.owner_agency, lead_officer)
    wanted = {"title": title.strip(), "summary": _limited(summary, "The summary", "summary"),
              "risk": risk,
              "lead_officer_id": lead_officer.pk if lead_officer else None}
    changed = [name for name, value in wanted.items() if getattr(case, name) != value]
    with transaction.atomic():
        current = _save_if_current(case, version, wanted)
        if changed:
            names = [name.removesuffix("_id") for name in changed]
            _timeline(current, user, "updated",
                      f"Case {case.reference}: {', '.join(n.replace('_', ' ') for n in names)} changed")
            _audit("update", user, request, current, names)
    return current


def set_risk(access: CaseAccess, user: Any, *, risk: str, why: str,
             request: HttpRequest | None = None) -> Case:
    """Set the case's risk from a recorded assessment (``why`` names it, "an ASB victim risk
    assessment"): any agency working on the case with ``cases.edit``, not only the owner, since
    the assessment is the evidence. The version moves on, so an edit form opened before it is
    refused as stale rather than putting the old risk back."""
    require_capability(user, CASES_EDIT)
    _require_contributor(access)
    if risk not in Risk.values:
        raise CaseRuleError("Choose a risk level.", "risk")
    case = access.case
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(risk=risk, version=F("version") + 1,
                                               updated_at=timezone.now())
        current = Case.objects.select_related("owner_agency", "lead_officer").get(pk=case.pk)
        _timeline(current, user, "updated", f"Case {case.reference}: risk set to "
                  f"{Risk(risk).label.lower()} by {why}")
        _audit("update", user, request, current, ["risk"], reason=why)
    return current


def change_status(access: CaseAccess, user: Any, *, version: int, status: str,
                  closure_reason: str = "", outcome: str = "",
                  request: HttpRequest | None = None) -> Case:
    """Move the case along the workflow (:data:`TRANSITIONS`). Closing needs a closure reason and
    an outcome; closing and reopening need ``cases.manage``."""
    require_capability(user, CASES_EDIT)
    _require_owner(access)
    case = access.case
    if status not in TRANSITIONS.get(case.status, frozenset()):
        raise CaseRuleError(f"A case that is {case.get_status_display().lower()} cannot be moved "
                            f"to {Status(status).label.lower() if status in Status.values else status}.",
                            "status")
    closing, reopening = status == Status.CLOSED, case.status == Status.CLOSED
    if (closing or reopening) and not has_capability(user, CASES_MANAGE):
        raise PermissionDenied("Closing and reopening a case needs a case manager.")
    changes: dict[str, Any] = {"status": status}
    if closing:
        if not closure_reason.strip():
            raise CaseRuleError("Enter the reason the case is closed.", "closure_reason")
        if not outcome.strip():
            raise CaseRuleError("Enter the outcome of the case.", "outcome")
        changes |= {"closure_reason": closure_reason.strip(),
                    "outcome": _limited(outcome, "The outcome", "outcome"),
                    "closed_on": timezone.localdate()}
    if reopening:
        changes |= {"closed_on": None}
    with transaction.atomic():
        current = _save_if_current(case, version, changes)
        verb = "reopened" if reopening else f"moved to {current.get_status_display().lower()}"
        _timeline(current, user, "status", f"Case {case.reference} {verb}")
        _audit("update", user, request, current, list(changes))
    return current


# --- parties, incidents, notes -------------------------------------------------------------------


def disclosures(case: Case) -> list[Disclosure]:
    """Every agency the case's parties are disclosed to now: its live shares (full or
    limited: the basis recorded must stay true of every party), and the referrals and transfer
    offers waiting for an answer (accepting one discloses the parties on its basis)."""
    found = [Disclosure(share.agency.name, "share", share.basis) for share in live_shares(case)]
    found += [Disclosure(item.to_agency.name, "referral", item.basis)
              for item in case.referrals.filter(status=Decision.PENDING).select_related("to_agency")]
    found += [Disclosure(item.to_agency.name, "transfer", item.basis)
              for item in case.transfers.filter(status=Decision.PENDING).select_related("to_agency")]
    return found


def _override(user: Any, override_reason: str) -> str:
    if not has_capability(user, SHARE_WITHOUT_BASIS):
        raise PermissionDenied("Sharing without consent or a lawful basis needs the "
                               "share-without-basis capability.")
    return _reason(override_reason, "reason for sharing without consent or a lawful basis",
                   "override_reason")


def add_party(access: CaseAccess, user: Any, *, person_id: int, role: str,
              override_reason: str = "", request: HttpRequest | None = None) -> Party:
    """Add a person the user may see (their access helper decides: 404 otherwise) with a role
    of the case type. Every agency the case is disclosed to must be covered for them
    (:func:`disclosures`, :func:`~saferplaces.apps.cases.sharing.check_new_party`), else
    PartyNotCovered, unless overridden with a reason (``cases.share_without_basis``). Added by
    an agency other than the owner, the owner's case managers are told."""
    require_capability(user, CASES_EDIT)
    _require_contributor(access)
    case = access.case
    person = get_person_for_user(user, person_id).person
    kind = case_type(case.case_type)
    if kind is None or role not in kind.party_roles:
        raise CaseRuleError("Choose a role this type of case has.", "role")
    if Party.objects.filter(case=case, person=person, role=role).exists():
        raise CaseRuleError("This person already has that role in the case.", "person")
    override = ""
    gaps = check_new_party(person, disclosures(case), timezone.localdate())
    if gaps:
        if not override_reason.strip():
            raise PartyNotCovered(gaps)
        override = _override(user, override_reason)
    agency = _user_agency(user)
    with transaction.atomic():
        party = Party.objects.create(case=case, person=person, role=role, override_reason=override)
        _timeline(case, user, "party", f"A party was added to {case.reference} as "
                  f"{role_label(role).lower()} by {agency.name}"
                  f"{' without consent or a lawful basis (override)' if override else ''}")
        if agency.pk != case.owner_agency_id:
            _notify(case.owner_agency, case, f"{agency.name} added a party to case {case.reference}")
        _audit("update", user, request, case, ["parties"],
               reason=f"override: {override}" if override else "")
        record("update", user=user, request=request, object_type="person", object_id=person.pk,
               fields=["parties"], reason=f"override: {override}" if override else "")
    return party


def link_incidents(access: CaseAccess, user: Any, incidents: QuerySet[Any],
                   request: HttpRequest | None = None) -> int:
    """Link incidents (already limited to those the user may see) to the case; returns how
    many were new."""
    require_capability(user, CASES_EDIT)
    _require_contributor(access)
    case = access.case
    known = set(case.incident_links.values_list("incident_id", flat=True))
    new = [pk for pk in incidents.values_list("pk", flat=True) if pk not in known]
    if not new:
        return 0
    with transaction.atomic():
        CaseIncident.objects.bulk_create(CaseIncident(case=case, incident_id=pk) for pk in new)
        _timeline(case, user, "incidents",
                  f"{len(new)} incident{'s' if len(new) != 1 else ''} linked to {case.reference}")
        _audit("update", user, request, case, ["incidents"])
    return len(new)


def add_note(access: CaseAccess, user: Any, *, text: str, visibility: str,
             request: HttpRequest | None = None) -> Note:
    """A note for every agency with a full share, or for the owner agency only (only the owner
    may write those). The timeline says a note was added, never what it says; an owner-only
    note's entry is the owner's alone."""
    require_capability(user, CASES_EDIT)
    _require_contributor(access)
    if visibility not in NoteVisibility.values:
        raise CaseRuleError("Choose who may read the note.", "visibility")
    if visibility == NoteVisibility.OWNER and not access.is_owner:
        raise CaseRuleError("Only the agency that owns the case can write owner-only notes.",
                            "visibility")
    if not text.strip():
        raise CaseRuleError("Enter the note.", "text")
    text = _limited(text, "The note", "text")
    case = access.case
    owner_only = visibility == NoteVisibility.OWNER
    agency = _user_agency(user)
    with transaction.atomic():
        note = Note.objects.create(case=case, text=text, visibility=visibility,
                                   written_by=user, agency=agency)
        _timeline(case, user, "note",
                  f"{'Owner-only note' if owner_only else 'Note'} added to {case.reference} by {agency.name}",
                  owner_only=owner_only)
        _audit("update", user, request, case, ["notes"])
    return note


# --- sharing, referrals, transfers ------------------------------------------------------------------


def person_parties(case: Case) -> list[Person]:
    """Each person who is a party to the case, once."""
    return list(Person.objects.filter(parties__case=case).distinct().order_by("pk"))


def _basis_or_override(case: Case, user: Any, basis: str, override_reason: str) -> tuple[str, str]:
    """The basis to store and the override reason (empty unless overriding), or BasisRefused."""
    check = check_basis(person_parties(case), basis, timezone.localdate())
    if check.allowed:
        return basis, ""
    if override_reason.strip():
        return basis if check.basis else "", _override(user, override_reason)
    raise BasisRefused(check)


def _require_manager_of_owner(access: CaseAccess, user: Any) -> None:
    require_capability(user, CASES_MANAGE)
    _require_owner(access)


def _other(access: CaseAccess, agency: Agency) -> None:
    if agency.pk == access.case.owner_agency_id or not agency.active:
        raise CaseRuleError("Choose another active agency.", "agency")


def _basis_words(basis: str, override_reason: str) -> str:
    if override_reason:
        return "without consent or a lawful basis (override)"
    if not basis:
        return "with the consent of every party"
    found = lawful_bases().get(basis)
    return f"on the basis: {found.label if found else basis}"


def share_case(access: CaseAccess, user: Any, *, agency: Agency, level: str, basis: str = "",
               override_reason: str = "", request: HttpRequest | None = None) -> CaseShare:
    """Share the case with ``agency`` (full or limited), if consent or a lawful basis covers
    every person party (:mod:`~saferplaces.apps.cases.sharing`), else with the override."""
    _require_manager_of_owner(access, user)
    _other(access, agency)
    if level not in ShareLevel.values:
        raise CaseRuleError("Choose full or limited.", "level")
    case = access.case
    if live_shares(case).filter(agency=agency).exists():
        raise CaseRuleError(f"The case is already shared with {agency.name}: end that share "
                            "first to change it.", "agency")
    basis, override = _basis_or_override(case, user, basis, override_reason)
    with transaction.atomic():
        share = CaseShare.objects.create(case=case, agency=agency, level=level, basis=basis,
                                         override_reason=override, shared_by=user)
        _timeline(case, user, "shared", f"{case.reference} shared with {agency.name} "
                  f"({ShareLevel(level).name.lower()}) {_basis_words(basis, override)}")
        _audit("update", user, request, case, ["shares"],
               reason=f"override: {override}" if override else f"basis: {basis or 'consent'}")
    return share


def end_share(access: CaseAccess, user: Any, share_id: int,
              request: HttpRequest | None = None) -> CaseShare:
    _require_manager_of_owner(access, user)
    case = access.case
    share = live_shares(case).filter(pk=share_id).first()
    if share is None:
        raise CaseRuleError("That share has already ended.")
    with transaction.atomic():
        CaseShare.objects.filter(pk=share.pk, ended_at__isnull=True).update(ended_at=timezone.now())
        _timeline(case, user, "share-ended", f"{case.reference} no longer shared with {share.agency.name}")
        _audit("update", user, request, case, ["shares"])
    return share


def response_target(kind: CaseType | None, day: datetime.date) -> datetime.date:
    """When a referral made on ``day`` should be answered: the case type's working days (one
    when the type is no longer configured)."""
    return add_working_days(day, kind.referral_response_working_days if kind else 1)


def is_overdue(item: Referral, today: datetime.date | None = None) -> bool:
    return item.status == Decision.PENDING and item.respond_by < (today or timezone.localdate())


def refer_case(access: CaseAccess, user: Any, *, agency: Agency, reason: str, basis: str = "",
               override_reason: str = "", request: HttpRequest | None = None) -> Referral:
    """Refer the case to ``agency`` for its help, answered within the case type's target;
    the receiving case managers are notified (the text names the case reference only)."""
    _require_manager_of_owner(access, user)
    _other(access, agency)
    case = access.case
    reason = _reason(reason, "reason for the referral")
    if case.referrals.filter(to_agency=agency, status=Decision.PENDING).exists():
        raise CaseRuleError(f"{agency.name} has not yet answered the last referral.", "agency")
    basis, override = _basis_or_override(case, user, basis, override_reason)
    today = timezone.localdate()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case, from_agency=case.owner_agency, to_agency=agency, reason=reason,
            basis=basis, override_reason=override, referred_by=user,
            respond_by=response_target(case_type(case.case_type), today))
        _timeline(case, user, "referred", f"{case.reference} referred to {agency.name} "
                  f"{_basis_words(basis, override)}; answer due {referral.respond_by:%d %B %Y}")
        _notify(agency, case, f"New referral of case {case.reference} from "
                f"{case.owner_agency.name}: answer by {referral.respond_by:%d %B %Y}")
        _audit("update", user, request, case, ["referrals"],
               reason=f"override: {override}" if override else f"basis: {basis or 'consent'}")
    return referral


def _require_receiver(user: Any, to_agency_id: int) -> Agency:
    require_capability(user, CASES_MANAGE)
    agency = _user_agency(user)
    if agency.pk != to_agency_id:
        raise PermissionDenied("Only the agency it was made to can answer it.")
    return agency


def _decide(model: type[Referral] | type[Transfer], pk: int, user: Any, accept: bool,
            reason: str) -> None:
    """Record the decision, once: a second answer (another case manager at the same time)
    finds it no longer pending and is refused."""
    reason = _limited(reason, "The reason", "reason")
    updated = model.objects.filter(pk=pk, status=Decision.PENDING).update(
        status=Decision.ACCEPTED if accept else Decision.DECLINED, decided_by=user,
        decided_at=timezone.now(), decision_reason=reason)
    if not updated:
        raise CaseRuleError("This has already been answered.")


def decide_referral(user: Any, referral: Referral, *, accept: bool, reason: str = "",
                    request: HttpRequest | None = None) -> Referral:
    """Accept (the case is shared with the receiving agency in full, on the referral's basis)
    or decline with a reason."""
    agency = _require_receiver(user, referral.to_agency_id)
    reason = reason.strip() if accept else _reason(reason, "reason for declining")
    case = referral.case
    with transaction.atomic():
        _decide(Referral, referral.pk, user, accept, reason)
        if accept:
            existing = live_shares(case).filter(agency=agency).first()
            if existing is None:
                CaseShare.objects.create(case=case, agency=agency, level=ShareLevel.FULL,
                                         basis=referral.basis,
                                         override_reason=referral.override_reason,
                                         shared_by=referral.referred_by)
            elif existing.level != ShareLevel.FULL:
                # the parties are now disclosed on the referral's basis, checked when it was made
                CaseShare.objects.filter(pk=existing.pk).update(
                    level=ShareLevel.FULL, basis=referral.basis,
                    override_reason=referral.override_reason)
        _timeline(case, user, "referral", f"Referral of {case.reference} "
                  f"{'accepted' if accept else 'declined'} by {agency.name}")
        _audit("update", user, request, case, ["referrals", *(["shares"] if accept else [])],
               reason=reason)
    referral.refresh_from_db()
    return referral


def offer_transfer(access: CaseAccess, user: Any, *, agency: Agency, reason: str,
                   basis: str = "", override_reason: str = "",
                   request: HttpRequest | None = None) -> Transfer:
    """Offer ownership of the case to ``agency`` (one offer at a time); its case managers are
    notified. Ownership discloses every party, so the offer needs consent or a lawful basis for
    each, as a share does, or the override with a reason."""
    _require_manager_of_owner(access, user)
    _other(access, agency)
    case = access.case
    reason = _reason(reason, "reason for the transfer")
    if case.transfers.filter(status=Decision.PENDING).exists():
        raise CaseRuleError("A transfer of this case is already waiting for an answer.", "agency")
    basis, override = _basis_or_override(case, user, basis, override_reason)
    with transaction.atomic():
        transfer = Transfer.objects.create(case=case, from_agency=case.owner_agency,
                                           to_agency=agency, reason=reason, basis=basis,
                                           override_reason=override, offered_by=user)
        _timeline(case, user, "transfer", f"Ownership of {case.reference} offered to "
                  f"{agency.name} {_basis_words(basis, override)}")
        _notify(agency, case, f"Ownership of case {case.reference} offered by {case.owner_agency.name}")
        _audit("update", user, request, case, ["transfers"],
               reason=f"override: {override}" if override else f"basis: {basis or 'consent'}")
    return transfer


def decide_transfer(user: Any, transfer: Transfer, *, accept: bool, reason: str = "",
                    request: HttpRequest | None = None) -> Transfer:
    """Accept (the receiving agency becomes the owner, the lead officer is cleared for it to
    choose, and the old owner keeps a full share on the transfer's basis) or reject with a
    reason."""
    agency = _require_receiver(user, transfer.to_agency_id)
    reason = reason.strip() if accept else _reason(reason, "reason for rejecting")
    case = transfer.case
    with transaction.atomic():
        _decide(Transfer, transfer.pk, user, accept, reason)
        if accept:
            if case.owner_agency_id != transfer.from_agency_id:
                raise CaseRuleError("The case has changed owner since the offer.")
            now = timezone.now()
            CaseShare.objects.filter(case=case, agency=agency, ended_at__isnull=True).update(ended_at=now)
            Case.objects.filter(pk=case.pk).update(owner_agency=agency, lead_officer=None,
                                                   version=F("version") + 1, updated_at=now)
            CaseShare.objects.create(case=case, agency=transfer.from_agency, level=ShareLevel.FULL,
                                     basis=transfer.basis,
                                     override_reason=transfer.override_reason, shared_by=user)
        _timeline(case, user, "transfer", f"Ownership of {case.reference} "
                  f"{'accepted' if accept else 'rejected'} by {agency.name}")
        _audit("update", user, request, case,
               ["transfers", *(["owner_agency", "lead_officer", "shares"] if accept else [])],
               reason=reason)
    transfer.refresh_from_db()
    return transfer


def case_types_choices() -> list[tuple[str, str]]:
    return [(key, kind.label) for key, kind in case_types().items()]


def cases_filtered(cases: QuerySet[Case], case_type_key: str = "", status: str = "") -> QuerySet[Case]:
    if case_type_key:
        cases = cases.filter(case_type=case_type_key)
    if status:
        cases = cases.filter(status=status)
    return cases
