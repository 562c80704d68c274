"""The rules for changing people's records. Views and the API stay thin and call these.

- Creating a person needs ``cases.edit`` and an agency; the person belongs to that agency.
- Consent is recorded only by the agency that holds the record (``cases.edit``), on a real
  day of the person's life (:func:`~saferplaces.apps.people.consent.consent_date_problem`).
- Changing a record (details, aliases, addresses, consent) needs ``cases.edit`` and the full
  view of it by scope (owner agency, an agency working the person's case, or a granted
  locked-down request): a break-glass reader may read, not change.
- A confidential address is added, closed or shown only by the owner agency's case managers
  (``PersonAccess.can_reveal_address``); showing it needs a reason, recorded in the audit log.
- Locking down a profile and marking the address confidential is for the owner agency's case
  managers (``cases.manage``).
- Edits name the ``version`` they were made from: a newer stored version refuses the save
  (:class:`EditConflict`) and nothing is saved (optimistic locking).
- Every change and every read is one audit event (field names, never values).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.people.access import RECORD_TYPE, PersonAccess
from saferplaces.apps.people.consent import consent_date_problem
from saferplaces.apps.people.models import (
    AccessRequestStatus,
    Address,
    Alias,
    Consent,
    Person,
    ProfileAccessRequest,
)
from saferplaces.web.textlimits import too_long

__all__ = ["EARLIEST_BIRTH", "EDITABLE_FIELDS", "MIN_REASON_LENGTH", "EditConflict",
           "add_address", "add_alias", "check_date_of_birth", "close_address", "create_person",
           "decide_request", "edit_person",
           "get_request_for_user", "pending_requests_for", "record_consent", "record_read",
           "request_access", "reveal_address", "set_restrictions"]

#: A reason (for revealing an address, asking for or declining access) must say why.
MIN_REASON_LENGTH = 15

#: The earliest date of birth taken. Nobody alive was born before 1900 (the oldest person
#: recorded was born in 1875 and died in 1997), so an earlier date is a slip such as 0001-01-01,
#: which would make an adult of a child in every age rule. The site's date boxes take years
#: from 1900 too (``web/govuk.DayField``).
EARLIEST_BIRTH = datetime.date(1900, 1, 1)

#: The person's own fields a form edits (the flags have their own rule).
EDITABLE_FIELDS = ("given_name", "family_name", "date_of_birth", "estimated_age", "gender",
                   "ethnicity", "phone", "email", "vulnerabilities", "notes")


class EditConflict(Exception):
    """The record changed since the form was opened: nothing was saved."""

    def __init__(self, current: Person) -> None:
        super().__init__("This record was changed by someone else since you opened it.")
        self.current = current


def _limited(text: str | None, what: str, field: str) -> str:
    """``text`` stripped, or ValidationError when longer than ``SAFERPLACES_TEXT_MAX_CHARS``
    (web/textlimits.py)."""
    text = (text or "").strip()
    problem = too_long(text, what)
    if problem:
        raise ValidationError({field: ValidationError(problem, code="max_length")})
    return text


def check_date_of_birth(born: datetime.date | None) -> None:
    """A date of birth from :data:`EARLIEST_BIRTH` to today, or ValidationError."""
    if born is None:
        return
    if born < EARLIEST_BIRTH:
        raise ValidationError({"date_of_birth": ValidationError(
            f"Date of birth must be on or after {EARLIEST_BIRTH:%-d %B %Y}", code="too_early")})
    if born > _today():
        raise ValidationError({"date_of_birth": ValidationError(
            "Date of birth must be today or in the past", code="future")})


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """The person's values with their date of birth and notes checked (notes stripped)."""
    check_date_of_birth(values.get("date_of_birth"))
    if "notes" in values:
        values["notes"] = _limited(values["notes"], "Notes", "notes")
    return values


def _reason(reason: str) -> str:
    reason = _limited(reason, "The reason", "reason")
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(f"Give the reason (at least {MIN_REASON_LENGTH} characters)",
                              code="reason")
    return reason


def record_read(user: Any, access: PersonAccess, *, request: HttpRequest | None = None) -> None:
    """One read of a person's record (full or the locked-down view)."""
    record("view", user=user, request=request, object_type=RECORD_TYPE,
           object_id=access.person.pk, reason="" if access.full else "locked-down view")


def _require_change(user: Any, access: PersonAccess) -> None:
    require_capability(user, CASES_EDIT)
    if not access.full or access.scope == "break-glass":
        raise PermissionDenied("You may read this record but not change it.")


def _require_owner_manager(user: Any, access: PersonAccess) -> None:
    require_capability(user, CASES_MANAGE)
    if access.scope != "owner":
        raise PermissionDenied("Only the agency that owns this record may do this.")


def _require_address(access: PersonAccess) -> None:
    if access.person.confidential_address and not access.can_reveal_address:
        raise PermissionDenied("This person's address is confidential.")


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def create_person(user: Any, data: Mapping[str, Any], *, request: HttpRequest | None = None
                  ) -> Person:
    """A new person owned by the user's agency, with their aliases and current address.

    ``data`` holds the model's fields plus ``aliases`` (names), ``address``, ``postcode`` and
    ``address_since``. The duplicate check is the caller's step before this one."""
    require_capability(user, CASES_EDIT)
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You need to belong to an agency to add a person.")
    fields = _checked({name: data[name] for name in (*EDITABLE_FIELDS, "confidential_address",
                                                     "locked_down") if name in data})
    if fields.get("estimated_age") is not None and not fields.get("date_of_birth"):
        fields["estimated_on"] = _today()
    else:
        fields["estimated_age"] = None
    person = Person.objects.create(owner_agency=agency, created_by=user, **fields)
    for name in data.get("aliases") or ():
        if name.strip():
            Alias.objects.create(person=person, name=name.strip())
    if (data.get("address") or "").strip():
        Address.objects.create(person=person, text=data["address"].strip(),
                               postcode=(data.get("postcode") or "").strip().upper(),
                               since=data.get("address_since"))
    given = [name for name, value in data.items() if value not in (None, "", [], (), False)]
    record("create", user=user, request=request, object_type=RECORD_TYPE, object_id=person.pk,
           fields=given)
    return person


@transaction.atomic
def edit_person(user: Any, access: PersonAccess, changes: Mapping[str, Any], version: int, *,
                request: HttpRequest | None = None) -> Person:
    """Save ``changes`` made from ``version``; :class:`EditConflict` when it is not the stored
    version (nothing saved)."""
    _require_change(user, access)
    person = access.person
    values = _checked({name: changes[name] for name in EDITABLE_FIELDS if name in changes})
    if values.get("date_of_birth"):
        values["estimated_age"] = None
        values["estimated_on"] = None
    elif values.get("estimated_age") is not None and (
            values["estimated_age"] != person.estimated_age or person.estimated_on is None):
        values["estimated_on"] = _today()
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    saved = Person.objects.filter(pk=person.pk, version=version).update(
        **values, version=F("version") + 1, updated_at=timezone.now())
    if not saved:
        raise EditConflict(Person.objects.get(pk=person.pk))
    record("update", user=user, request=request, object_type=RECORD_TYPE, object_id=person.pk,
           fields=changed)
    person.refresh_from_db()
    return person


def _touch(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def add_alias(user: Any, access: PersonAccess, name: str, *,
              request: HttpRequest | None = None) -> Alias:
    _require_change(user, access)
    if not name.strip():
        raise ValidationError("Enter the other name", code="required")
    alias = Alias.objects.create(person=access.person, name=name.strip())
    _touch(access.person)
    record("update", user=user, request=request, object_type=RECORD_TYPE,
           object_id=access.person.pk, fields=["aliases"])
    return alias


@transaction.atomic
def add_address(user: Any, access: PersonAccess, text: str, postcode: str = "",
                since: datetime.date | None = None, *, current: bool = True,
                request: HttpRequest | None = None) -> Address:
    """A new address; when ``current``, the open current address(es) close on its first day
    (or today)."""
    _require_change(user, access)
    _require_address(access)
    if not text.strip():
        raise ValidationError("Enter the address", code="required")
    person = access.person
    if current:
        person.addresses.filter(until__isnull=True).update(until=since or _today())
    address = Address.objects.create(person=person, text=text.strip(),
                                     postcode=postcode.strip().upper(), since=since,
                                     until=None if current else _today())
    _touch(person)
    record("update", user=user, request=request, object_type=RECORD_TYPE, object_id=person.pk,
           fields=["addresses"])
    return address


@transaction.atomic
def close_address(user: Any, access: PersonAccess, address_id: int,
                  until: datetime.date | None = None, *, request: HttpRequest | None = None
                  ) -> Address:
    """The person no longer lives there (from ``until``, default today)."""
    _require_change(user, access)
    _require_address(access)
    address = access.person.addresses.filter(pk=address_id, until__isnull=True).first()
    if address is None:
        raise Http404("No such current address.")
    address.until = until or _today()
    address.save(update_fields=["until"])
    _touch(access.person)
    record("update", user=user, request=request, object_type=RECORD_TYPE,
           object_id=access.person.pk, fields=["addresses.until"])
    return address


@transaction.atomic
def record_consent(user: Any, access: PersonAccess, status: str, recorded_on: datetime.date,
                   note: str = "", *, request: HttpRequest | None = None) -> Consent:
    """Consent to share as given, refused or not sought on a day of the person's life (history
    kept). Only the agency that holds the record records it: consent is its to seek, and a
    partner recording it would open the person to every agency the partner's cases reach."""
    _require_change(user, access)
    if access.scope != "owner":
        raise PermissionDenied("Only the agency that holds this person's record may record "
                               "their consent.")
    problem = consent_date_problem(access.person, recorded_on, _today())
    if problem:
        raise ValidationError(problem, code="consent_date")
    note = _limited(note, "The note", "note")
    consent = Consent.objects.create(person=access.person, status=status,
                                     recorded_on=recorded_on, recorded_by=user, note=note)
    _touch(access.person)
    record("update", user=user, request=request, object_type=RECORD_TYPE,
           object_id=access.person.pk, fields=["consents"])
    return consent


@transaction.atomic
def set_restrictions(user: Any, access: PersonAccess, *, locked_down: bool,
                     confidential_address: bool, version: int,
                     request: HttpRequest | None = None) -> Person:
    """Lock the profile down or open it; mark the address confidential or not."""
    _require_owner_manager(user, access)
    person = access.person
    changed = [name for name, value in (("locked_down", locked_down),
                                        ("confidential_address", confidential_address))
               if getattr(person, name) != value]
    saved = Person.objects.filter(pk=person.pk, version=version).update(
        locked_down=locked_down, confidential_address=confidential_address,
        version=F("version") + 1, updated_at=timezone.now())
    if not saved:
        raise EditConflict(Person.objects.get(pk=person.pk))
    record("update", user=user, request=request, object_type=RECORD_TYPE, object_id=person.pk,
           fields=changed)
    person.refresh_from_db()
    return person


def reveal_address(user: Any, access: PersonAccess, reason: str, *,
                   request: HttpRequest | None = None) -> list[Address]:
    """A confidential address shown once to an owner case manager, with the reason recorded."""
    if not access.can_reveal_address:
        raise PermissionDenied("You may not see this address.")
    reason = _reason(reason)
    with transaction.atomic():
        record("view", user=user, request=request, object_type=RECORD_TYPE,
               object_id=access.person.pk, fields=["addresses"], reason=reason)
    return list(access.person.addresses.all())


# --- locked-down profiles: asking for access, and the owner's answer -------------------------


@transaction.atomic
def request_access(user: Any, person: Person, reason: str, *,
                   request: HttpRequest | None = None) -> ProfileAccessRequest:
    """Another agency asks the owner for the full profile (a locked-down one, or a possible
    duplicate it holds). The caller has already checked the user may know of the request's
    target (the locked-down view, or a duplicate-check token)."""
    require_capability(user, CASES_VIEW)
    agency = agency_of(user)
    if agency is None:
        raise PermissionDenied("You need to belong to an agency to ask for access.")
    if person.owner_agency_id == agency.pk:
        raise ValidationError("This record belongs to your agency.", code="own")
    if ProfileAccessRequest.objects.filter(person=person, agency=agency,
                                           status=AccessRequestStatus.PENDING).exists():
        raise ValidationError("Your agency has already asked; the owner has not answered yet.",
                              code="pending")
    asked = ProfileAccessRequest.objects.create(person=person, agency=agency, requested_by=user,
                                                reason=_reason(reason))
    record("access-requested", user=user, request=request, object_type=RECORD_TYPE,
           object_id=person.pk, reason=asked.reason)
    return asked


def pending_requests_for(user: Any) -> QuerySet[ProfileAccessRequest]:
    """Requests waiting for the user's agency (the owner) to answer, oldest first."""
    require_capability(user, CASES_MANAGE)
    agency = agency_of(user)
    return (ProfileAccessRequest.objects
            .filter(person__owner_agency=agency, status=AccessRequestStatus.PENDING)
            .select_related("person", "agency", "requested_by").order_by("requested_at"))


def get_request_for_user(user: Any, pk: int) -> ProfileAccessRequest:
    """One request to the user's agency (404 for anyone else's)."""
    require_capability(user, CASES_MANAGE)
    agency = agency_of(user)
    asked = (ProfileAccessRequest.objects.select_related("person", "agency", "requested_by")
             .filter(pk=pk).first())
    if asked is None or agency is None or asked.person.owner_agency_id != agency.pk:
        raise Http404("No such request.")
    return asked


@transaction.atomic
def decide_request(user: Any, asked: ProfileAccessRequest, *, grant: bool,
                   until: datetime.date | None = None, reason: str = "",
                   request: HttpRequest | None = None) -> ProfileAccessRequest:
    """Grant until a date (today or later) or decline with a reason."""
    require_capability(user, CASES_MANAGE)
    agency = agency_of(user)
    if agency is None or asked.person.owner_agency_id != agency.pk:
        raise Http404("No such request.")
    if asked.status != AccessRequestStatus.PENDING:
        raise ValidationError("This request has already been answered.", code="answered")
    asked.decided_by, asked.decided_at = user, timezone.now()
    if grant:
        if until is None or until < _today():
            raise ValidationError("Enter the last day of access (today or later)", code="until")
        asked.status, asked.granted_until = AccessRequestStatus.GRANTED, until
        asked.decision_reason = _limited(reason, "The reason", "reason")
        record("access-granted", user=user, request=request, object_type=RECORD_TYPE,
               object_id=asked.person_id, reason=f"to {asked.agency.name} until {until:%Y-%m-%d}")
    else:
        asked.status, asked.decision_reason = AccessRequestStatus.DECLINED, _reason(reason)
        record("update", user=user, request=request, object_type=RECORD_TYPE,
               object_id=asked.person_id, fields=["access_requests.status"],
               reason=f"access declined: {asked.decision_reason}")
    asked.save()
    return asked
