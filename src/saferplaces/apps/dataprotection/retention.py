"""Retention: which closed cases have been kept as long as their type says, and deleting them.

Personal data is kept no longer than necessary (UK GDPR Article 5(1)(e)). Each case type names
its period in the case-types file (:mod:`saferplaces.apps.cases.types`): ``retention_years``
after the case was closed and, for types about children, ``retain_until_age``: until every
party who was a child when the case closed reaches that age, whichever is later (the IRMS
guidelines' "until the child's 25th birthday or closure + 6 years"). A case is *due* on the
first day it may be deleted.

A case cannot be worked out when its type is no longer in the file, or when its type keeps
records until an age and a party's age is not known (professionals excepted: the rule is about
the child): it is listed apart and is not deleted until someone records the age or the type.

Deleting a due case removes the case and everything in it (parties, notes, attached files and
their copies on disk, timeline, tasks, referrals, transfers, shares, links to incidents,
break-glass accesses to it) and the people whose only cases were deleted ones and whose record
the case's owner agency holds (with their aliases, addresses, consents, access requests and
merge history). On SQLite the deleted rows are also overwritten in the database file and the
write-ahead log is emptied (:mod:`.storage`), so no copy of them is left in either file; on
PostgreSQL they remain as dead rows until vacuumed (see :mod:`.storage`). The audit log keeps one
``delete`` event per case and per person, naming the case's reference and the record numbers
only: the tombstone. The reason given must not name a party (it is kept for ever).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from saferplaces.apps.agencies.models import BreakGlassAccess
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases.attachments import remove_files
from saferplaces.apps.cases.models import Case, Party, Status
from saferplaces.apps.cases.types import CaseType, case_type
from saferplaces.apps.dataprotection import storage
from saferplaces.apps.people.models import Person, PersonMerge

__all__ = ["AGE_RULE_EXEMPT_ROLES", "Deletion", "Due", "RetentionError", "Review", "assess",
           "delete_case", "due_on", "review"]

#: Parties in a professional capacity: the "until age" rule is about the child in the case.
AGE_RULE_EXEMPT_ROLES = frozenset({"professional"})

_MIN_REASON = 10


class RetentionError(ValueError):
    """The case may not be deleted (not closed, not yet due, cannot be worked out), or the
    reason is missing or names a party."""


@dataclass(frozen=True)
class Due:
    """A closed case and the first day it may be deleted (``on``), or why that cannot be
    worked out (``undecided``)."""

    case: Case
    kind: CaseType | None
    on: datetime.date | None
    undecided: str = ""

    def is_due(self, today: datetime.date) -> bool:
        return self.on is not None and self.on <= today

    @property
    def type_label(self) -> str:
        return self.kind.label if self.kind else self.case.case_type


@dataclass(frozen=True)
class Review:
    due: list[Due]
    undecided: list[Due]


@dataclass(frozen=True)
class Deletion:
    reference: str
    people: int
    notes: int


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _reaches_age(person: Person, age: int) -> datetime.date | None:
    if person.date_of_birth is not None:
        return _add_years(person.date_of_birth, age)
    if person.estimated_age is not None and person.estimated_on is not None:
        return _add_years(person.estimated_on, age - person.estimated_age)
    return None


def due_on(case: Case, kind: CaseType, parties: list[tuple[Person, str]]) -> Due:
    """When the closed ``case`` of type ``kind`` with these (person, role) parties is due."""
    assert case.closed_on is not None
    on = _add_years(case.closed_on, kind.retention_years)
    if kind.retain_until_age is None:
        return Due(case, kind, on)
    for person, role in parties:
        if role in AGE_RULE_EXEMPT_ROLES:
            continue
        child = person.is_child_on(case.closed_on)
        if child is None:
            return Due(case, kind, None, f"a party's age is not known (this type is kept until "
                                         f"a child reaches {kind.retain_until_age})")
        if child:
            reaches = _reaches_age(person, kind.retain_until_age)
            if reaches is not None:
                on = max(on, reaches)
    return Due(case, kind, on)


def assess(case: Case) -> Due | None:
    """The retention of one case: None while it is not closed."""
    if case.status != Status.CLOSED or case.closed_on is None:
        return None
    kind = case_type(case.case_type)
    if kind is None:
        return Due(case, None, None, f"its type {case.case_type!r} is not in the case-types file")
    parties = [(party.person, party.role) for party in case.parties.select_related("person")]
    return due_on(case, kind, parties)


def review(cases: QuerySet[Case], today: datetime.date | None = None) -> Review:
    """The closed cases among ``cases`` that are due (longest overdue first), and those that
    cannot be worked out."""
    today = today or timezone.localdate()
    closed = (cases.filter(status=Status.CLOSED, closed_on__isnull=False)
              .select_related("owner_agency").prefetch_related("parties__person"))
    assessed = [due for due in (assess(case) for case in closed) if due is not None]
    due = sorted((d for d in assessed if d.is_due(today)),
                 key=lambda d: (d.on or today, d.case.reference))
    undecided = sorted((d for d in assessed if d.undecided), key=lambda d: d.case.reference)
    return Review(due, undecided)


def _names_a_party(reason: str, people: QuerySet[Person]) -> bool:
    text = reason.casefold()
    for person in people.prefetch_related("aliases", "addresses"):
        words = [person.given_name, person.family_name, person.name,
                 *(alias.name for alias in person.aliases.all()),
                 *(address.postcode for address in person.addresses.all())]
        if person.date_of_birth is not None:
            words.append(person.date_of_birth.isoformat())
        if any(len(w.strip()) >= 2 and w.strip().casefold() in text for w in words):
            return True
    return False


def _delete_people(ids: set[int]) -> None:
    """Delete these people with their merge history (records merged into them go too)."""
    family = set(ids)
    while True:
        merged = set(Person.objects.filter(merged_into__in=family).exclude(pk__in=family)
                     .filter(parties__isnull=True).values_list("pk", flat=True))
        if not merged:
            break
        family |= merged
    PersonMerge.objects.filter(Q(kept__in=family) | Q(merged__in=family)).delete()
    BreakGlassAccess.objects.filter(record_type="person",
                                    record_id__in=[str(pk) for pk in family]).delete()
    people = Person.objects.filter(pk__in=family)
    people.update(merged_into=None)
    people.delete()


def delete_case(case: Case, *, reason: str, user: Any = None, request: Any = None,
                today: datetime.date | None = None) -> Deletion:
    """Delete a due case and the personal data only it holds (see the module's rules)."""
    today = today or timezone.localdate()
    reason = " ".join(reason.split())
    if len(reason) < _MIN_REASON:
        raise RetentionError("Give the reason for deleting the case (at least ten characters): "
                             "it is kept in the audit log.")
    due = assess(case)
    if due is None:
        raise RetentionError(f"{case.reference} is not closed: only closed cases are deleted.")
    if due.undecided:
        raise RetentionError(f"{case.reference}: when it is due cannot be worked out: "
                             f"{due.undecided}.")
    if not due.is_due(today):
        raise RetentionError(f"{case.reference} is kept until {due.on:%-d %B %Y} "
                             f"({due.type_label}); it cannot be deleted before then.")
    party_ids = set(Party.objects.filter(case=case).values_list("person", flat=True))
    if _names_a_party(reason, Person.objects.filter(pk__in=party_ids)):
        raise RetentionError("The reason names a person in the case, or their details: give "
                             "a reason without personal data (it is kept in the audit log).")
    reference, pk, owner = case.reference, case.pk, case.owner_agency_id
    notes = case.notes.count()
    try:
        with transaction.atomic():
            erasing = storage.overwrite_deleted_content()
            BreakGlassAccess.objects.filter(record_type="case", record_id=str(pk)).delete()
            # the attached files leave the disk once the deletion is committed
            remove_files(case.attachments.values_list("stored_name", flat=True))
            case.delete()
            people = set(Person.objects.filter(pk__in=party_ids, owner_agency_id=owner,
                                               parties__isnull=True).values_list("pk", flat=True))
            _delete_people(people)
            record("delete", user=user, request=request, object_type="case", object_id=pk,
                   fields=["case", "parties", "notes", "attachments", "timeline", "tasks",
                           "referrals", "transfers", "people"],
                   reason=f"retention: {reference} ({due.case.case_type}) closed "
                          f"{due.case.closed_on}, due since {due.on}; {len(people)} "
                          f"{'person' if len(people) == 1 else 'people'} held only in it "
                          f"deleted. {reason}")
            for person_id in sorted(people):
                record("delete", user=user, request=request, object_type="person",
                       object_id=person_id, fields=["person"],
                       reason=f"retention: held only in case {reference}, deleted with it")
            transaction.on_commit(erasing.finish)
    except ProtectedError as error:
        kinds = sorted({type(obj).__name__ for obj in error.protected_objects})
        raise RetentionError(f"{reference} was not deleted: other records still use it or "
                             f"its people ({', '.join(kinds)}).") from None
    return Deletion(reference, len(people), notes)
