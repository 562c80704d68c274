"""Who may see a person: the one access helper for people, used by the pages, the API, search,
exports, subject access and maps alike.

- Reading needs ``cases.view`` (403 without it); changing needs ``cases.edit``.
- Scope by agency: the owner agency; agencies working with the person (the owner of, or a full
  share of, a case where the person is a party); an agency granted access to a locked-down
  profile by its owner (until a date); a user who broke the glass for the person. Anyone else
  gets 404.
- A **locked-down** profile shows other agencies in scope only that it exists, its name and
  which agencies work with it (``PersonAccess.full`` False) until the owner grants their
  request. Break-glass does not open a locked-down profile: only the owner's grant does.
- A **confidential address** is shown only to the owner agency's case managers, each time with
  a recorded reason (``address_visible``); never in lists, letters, exports, maps or linked
  records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.agencies import breakglass
from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.models import Agency, BreakGlassAccess
from saferplaces.apps.agencies.roles import CASES_MANAGE, CASES_VIEW
from saferplaces.apps.people.models import AccessRequestStatus, Person

__all__ = ["PersonAccess", "RECORD_TYPE", "agencies_working_with", "get_person_for_user",
           "people_for_user", "register_break_glass"]

RECORD_TYPE = "person"


@dataclass(frozen=True)
class PersonAccess:
    """A person as one user may see them: ``scope`` says why; ``full`` False is the
    locked-down view (existence, name, agencies working with them)."""

    person: Person
    scope: str
    full: bool
    can_reveal_address: bool

    @property
    def address_hidden(self) -> bool:
        """The addresses are withheld from this view (confidential, or locked down)."""
        return not self.full or self.person.confidential_address


def _cases_of_agency(agency: Agency) -> Q:
    """Cases the agency owns or holds a live full share of."""
    from saferplaces.apps.cases.models import CaseShare, ShareLevel

    shared = CaseShare.objects.filter(agency=agency, ended_at__isnull=True, level=ShareLevel.FULL)
    return Q(owner_agency=agency) | Q(pk__in=shared.values("case"))


def _people_via_cases(agency: Agency) -> QuerySet[Any]:
    from saferplaces.apps.cases.models import Case, Party

    return Party.objects.filter(case__in=Case.objects.filter(_cases_of_agency(agency))
                                ).values("person")


def _granted(agency: Agency) -> Q:
    today = timezone.localdate()
    return Q(access_requests__agency=agency,
             access_requests__status=AccessRequestStatus.GRANTED,
             access_requests__granted_until__gte=today)


def _glass(user: Any) -> list[int]:
    ids = (BreakGlassAccess.objects
           .filter(user=user, record_type=RECORD_TYPE, expires_at__gt=timezone.now())
           .values_list("record_id", flat=True))
    return [int(pk) for pk in ids if str(pk).isdigit()]


def people_for_user(user: Any, capability: str = CASES_VIEW) -> QuerySet[Person]:
    """Every person in the user's agency's scope (locked-down ones included: callers show
    them through ``get_person_for_user``'s rules). Merged-away records are left out."""
    require_capability(user, capability)
    agency = agency_of(user)
    if agency is None:
        return Person.objects.none()
    return (Person.objects.filter(merged_into__isnull=True)
            .filter(Q(owner_agency=agency) | Q(pk__in=_people_via_cases(agency))
                    | _granted(agency) | Q(pk__in=_glass(user)))
            .distinct())


def get_person_for_user(user: Any, pk: int, capability: str = CASES_VIEW) -> PersonAccess:
    """One person as ``user`` may see them: 403 without ``capability``, 404 outside scope."""
    require_capability(user, capability)
    agency = agency_of(user)
    person = Person.objects.filter(pk=pk).select_related("owner_agency").first()
    if person is None or agency is None:
        raise Http404("No such person.")
    owner = person.owner_agency_id == agency.pk
    if owner:
        scope = "owner"
    elif Person.objects.filter(pk=pk).filter(_granted(agency)).exists():
        scope = "granted"
    elif Person.objects.filter(pk=pk, pk__in=_people_via_cases(agency)).exists():
        scope = "case"
    elif breakglass.active_break_glass(user, RECORD_TYPE, str(pk)) is not None:
        scope = "break-glass"
    else:
        raise Http404("No such person.")
    full = not person.locked_down or scope in ("owner", "granted")
    reveal = owner and full and has_capability(user, CASES_MANAGE)
    return PersonAccess(person, scope, full, reveal)


def agencies_working_with(person: Person) -> list[Agency]:
    """The owner agency and every agency holding a live case with the person as a party (owner
    or share): what a locked-down profile still shows."""
    from saferplaces.apps.cases.models import Case, CaseShare

    cases = Case.objects.filter(parties__person=person)
    ids = {person.owner_agency_id}
    ids |= set(cases.values_list("owner_agency", flat=True))
    ids |= set(CaseShare.objects.filter(case__in=cases, ended_at__isnull=True)
               .values_list("agency", flat=True))
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def _owner(record_id: str) -> Agency | None:
    person = Person.objects.filter(pk=int(record_id)).select_related("owner_agency").first() \
        if record_id.isdigit() else None
    return person.owner_agency if person else None


def register_break_glass() -> None:
    breakglass.register(breakglass.ScopedRecordType(
        name=RECORD_TYPE, label="person's record", capability=CASES_VIEW, owner_agency=_owner,
        url=lambda record_id: reverse("people:person", args=[int(record_id)])))
