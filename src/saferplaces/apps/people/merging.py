"""Merging two records of one person, and undoing a merge.

- **Who**: a case manager (``cases.manage``) of the agency that owns *both* records merges
  them; an administrator of that agency (``users.manage``) or a site administrator undoes it.
- **What**: the user chooses the record to keep and, for each field that differs
  (``MERGE_FIELDS``), which record's value it keeps. The restrictions are never loosened: the
  kept record is locked down, or its address confidential, when either record was. Aliases,
  addresses, consents, access requests and case parties move to the kept record (a party the
  kept record already has in the same case and role is dropped); the merged record's own name
  becomes an alias of the kept one. The merged record stays, marked ``merged_into``, and is no
  longer listed or offered by the duplicate check.
- **History**: a :class:`~saferplaces.apps.people.models.PersonMerge` keeps each field's source,
  both records' values before the merge and every row moved, dropped or added, so
  :func:`undo_merge` puts both records back as they were (rows added to the kept record after
  the merge stay with it). Merge and undo are audited on both records.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, is_site_admin, require_capability
from saferplaces.apps.agencies.roles import CASES_MANAGE, USERS_MANAGE
from saferplaces.apps.audit.services import record
from saferplaces.apps.people.access import RECORD_TYPE, PersonAccess
from saferplaces.apps.people.models import (
    Address,
    Alias,
    Consent,
    Person,
    PersonMerge,
    ProfileAccessRequest,
)

__all__ = ["MERGE_FIELDS", "differing_fields", "get_merge_for_user", "merge_people",
           "merges_for_user", "undo_merge"]

#: The fields the user chooses between (each field's source is kept).
MERGE_FIELDS = ("given_name", "family_name", "date_of_birth", "estimated_age", "estimated_on",
                "gender", "ethnicity", "phone", "email", "vulnerabilities", "notes")
#: Restrictions: the kept record takes the stricter of the two.
FLAGS = ("locked_down", "confidential_address")
_ROWS: dict[str, type[Alias | Address | Consent | ProfileAccessRequest]] = {
    "aliases": Alias, "addresses": Address, "consents": Consent,
    "access_requests": ProfileAccessRequest}


def _value(person: Person, name: str) -> Any:
    value = getattr(person, name)
    return value.isoformat() if isinstance(value, datetime.date) else value


def _snapshot(person: Person) -> dict[str, Any]:
    return {name: _value(person, name) for name in (*MERGE_FIELDS, *FLAGS)}


def _restore(person: Person, snapshot: Mapping[str, Any]) -> None:
    for name, value in snapshot.items():
        field = Person._meta.get_field(name)
        assert isinstance(field, models.Field)
        setattr(person, name, field.to_python(value))


def differing_fields(kept: Person, merged: Person) -> list[str]:
    """The merge fields whose values differ (the ones the user chooses between)."""
    return [name for name in MERGE_FIELDS if getattr(kept, name) != getattr(merged, name)]


@transaction.atomic
def merge_people(user: Any, kept_access: PersonAccess, merged_access: PersonAccess,
                 sources: Mapping[str, str], *, request: HttpRequest | None = None
                 ) -> PersonMerge:
    """Merge ``merged`` into ``kept``; ``sources`` maps a field to "kept" or "merged" (a field
    not named keeps the kept record's value)."""
    require_capability(user, CASES_MANAGE)
    if kept_access.scope != "owner" or merged_access.scope != "owner":
        raise PermissionDenied("Only the agency that holds both records may merge them.")
    kept = Person.objects.select_for_update().get(pk=kept_access.person.pk)
    merged = Person.objects.select_for_update().get(pk=merged_access.person.pk)
    if kept.pk == merged.pk:
        raise ValidationError("Choose two different records.", code="same")
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError("One of these records has already been merged.", code="merged")
    unknown = {value for value in sources.values()} - {"kept", "merged"}
    if unknown or set(sources) - set(MERGE_FIELDS):
        raise ValidationError("Choose which record each value comes from.", code="sources")
    kept_before, merged_before = _snapshot(kept), _snapshot(merged)
    field_sources: dict[str, str] = {}
    for name in MERGE_FIELDS:
        source = sources.get(name, "kept")
        field_sources[name] = source
        if source == "merged":
            setattr(kept, name, getattr(merged, name))
    for name in FLAGS:
        field_sources[name] = "kept" if getattr(kept, name) or not getattr(merged, name) \
            else "merged"
        setattr(kept, name, getattr(kept, name) or getattr(merged, name))
    moved: dict[str, Any] = {}
    for key, model in _ROWS.items():
        rows = model.objects.filter(person=merged)
        moved[key] = sorted(rows.values_list("pk", flat=True))
        rows.update(person=kept)
    moved["parties"], moved["dropped_parties"] = _move_parties(merged, kept)
    moved["added_aliases"] = []
    aliases = {a.lower() for a in kept.aliases.values_list("name", flat=True)}
    if merged.name.lower() != kept.name.lower() and merged.name.lower() not in aliases:
        moved["added_aliases"].append(Alias.objects.create(person=kept, name=merged.name).pk)
    kept.version += 1
    kept.save()
    merged.merged_into = kept
    merged.version += 1
    merged.save()
    merge = PersonMerge.objects.create(
        kept=kept, merged=merged, owner_agency=kept.owner_agency, merged_by=user,
        field_sources=field_sources, kept_before=kept_before, merged_before=merged_before,
        moved=moved)
    changed = [name for name in (*MERGE_FIELDS, *FLAGS) if _value(kept, name) != kept_before[name]]
    record("update", user=user, request=request, object_type=RECORD_TYPE, object_id=kept.pk,
           fields=[*changed, *[key for key in moved if moved[key]]],
           reason=f"merge {merge.pk}: record {merged.pk} merged into this one")
    record("update", user=user, request=request, object_type=RECORD_TYPE, object_id=merged.pk,
           fields=["merged_into"], reason=f"merge {merge.pk}: merged into record {kept.pk}")
    return merge


def _move_parties(merged: Person, kept: Person) -> tuple[list[int], list[list[Any]]]:
    from saferplaces.apps.cases.models import Party

    moved, dropped = [], []
    have = set(Party.objects.filter(person=kept).values_list("case_id", "role"))
    for party in Party.objects.filter(person=merged).order_by("pk"):
        if (party.case_id, party.role) in have:
            dropped.append([party.case_id, party.role])
            party.delete()
        else:
            moved.append(party.pk)
            have.add((party.case_id, party.role))
    Party.objects.filter(pk__in=moved).update(person=kept)
    return moved, dropped


def merges_for_user(user: Any) -> QuerySet[PersonMerge]:
    """The merges an administrator may undo: their agency's (a site administrator's: all)."""
    require_capability(user, USERS_MANAGE)
    merges = PersonMerge.objects.select_related("kept", "merged", "merged_by", "owner_agency")
    if is_site_admin(user):
        return merges
    agency = agency_of(user)
    return merges.filter(owner_agency=agency) if agency else merges.none()


def get_merge_for_user(user: Any, pk: int) -> PersonMerge:
    merge = merges_for_user(user).filter(pk=pk).first()
    if merge is None:
        raise Http404("No such merge.")
    return merge


@transaction.atomic
def undo_merge(user: Any, merge: PersonMerge, *, request: HttpRequest | None = None) -> None:
    """Both records as they were before ``merge``."""
    from saferplaces.apps.cases.models import Party

    merge = get_merge_for_user(user, merge.pk)
    if merge.undone_at is not None:
        raise ValidationError("This merge has already been undone.", code="undone")
    kept = Person.objects.select_for_update().get(pk=merge.kept_id)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    if kept.merged_into_id is not None:
        raise ValidationError("The kept record has since been merged into another: undo that "
                              "merge first.", code="merged-again")
    moved = merge.moved
    Alias.objects.filter(pk__in=moved.get("added_aliases", []), person=kept).delete()
    for key, model in _ROWS.items():
        model.objects.filter(pk__in=moved.get(key, []), person=kept).update(person=merged)
    Party.objects.filter(pk__in=moved.get("parties", []), person=kept).update(person=merged)
    for case_id, role in moved.get("dropped_parties", []):
        Party.objects.get_or_create(case_id=case_id, person=merged, role=role)
    _restore(kept, merge.kept_before)
    _restore(merged, merge.merged_before)
    kept.version += 1
    kept.save()
    merged.merged_into = None
    merged.version += 1
    merged.save()
    PersonMerge.objects.filter(pk=merge.pk).update(undone_by=user, undone_at=timezone.now())
    for person in (kept, merged):
        record("update", user=user, request=request, object_type=RECORD_TYPE,
               object_id=person.pk, fields=["merged_into"], reason=f"merge {merge.pk} undone")
