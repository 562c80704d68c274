"""Search over people, cases and places that never shows more than the searcher may see: the
results, their counts and the suggestions as you type all come from the same rules.

- **People** come only from ``people_for_user`` (outsiders find nothing: the same empty answer
  and count as for a name nobody holds), each shown through ``get_person_for_user``. A name
  matches when every word of the search is in the first or last name. Aliases and addresses
  match only where the searcher sees the full record: a **locked-down** profile held by
  another agency is found by its name alone and shown as that name only (its stub), unless
  the owner granted access. A **confidential address** is never matched by its text or
  postcode, not even for the owner (a search must not confirm where someone lives).
- **Cases** come only from ``cases_for_user``. The reference always matches; the title only
  where the searcher sees the case in full. A case shared in a **limited** way shows its
  reference, type, status and owner, never its title.
- **Places** are the incident store's locations, through the cases app's own incident search
  (``linking.search_incidents``): a street only where the searcher may see it, otherwise the
  area. Each place lists the cases linked to its incidents that the searcher sees in full.

The search term itself is personal data (usually a name): the pages take it in the body of a
POST, never in the address, and the audit log records that a search happened and how many
results it gave, never the term (:func:`audit_search`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.roles import CASES_VIEW, INCIDENTS_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import linking
from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
from saferplaces.apps.cases.models import Case, CaseIncident
from saferplaces.apps.cases.presenters import type_label
from saferplaces.apps.cases.tasks import limited_cases
from saferplaces.apps.people.access import get_person_for_user, people_for_user
from saferplaces.apps.people.models import Address, Alias, Person
from saferplaces.apps.people.presenters import age_text

__all__ = ["CaseHit", "MAX_TERM", "MIN_TERM", "PersonHit", "PlaceHit", "Results", "SHOWN",
           "SUGGESTED", "audit_search", "clean_term", "search", "suggest"]

#: The shortest and longest search terms (shorter ones would list almost everyone).
MIN_TERM = 2
MAX_TERM = 100
#: How many results of each kind a results page lists (the counts cover them all).
SHOWN = 25
#: How many suggestions of each kind the search box offers.
SUGGESTED = 6

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def clean_term(text: str) -> str:
    """The term with spaces tidied; empty when too short to search."""
    term = " ".join(str(text).split())[:MAX_TERM]
    return term if len(term) >= MIN_TERM else ""


@dataclass(frozen=True)
class PersonHit:
    """A person found. ``full`` False: a locked-down profile's stub (its name only)."""

    id: int
    name: str
    url: str
    full: bool
    owner: str = ""
    age: str = ""


@dataclass(frozen=True)
class CaseHit:
    """A case found. ``full`` False: a limited share (no title)."""

    id: int
    reference: str
    url: str
    full: bool
    type_label: str
    status_label: str
    owner: str
    title: str = ""


@dataclass(frozen=True)
class PlaceHit:
    """A place found: its label (a street and area, or the area only), how many incidents the
    searcher may see there, and the cases linked to them that the searcher sees in full."""

    label: str
    incidents: int
    cases: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Results:
    people: list[PersonHit] = field(default_factory=list)
    people_count: int = 0
    cases: list[CaseHit] = field(default_factory=list)
    cases_count: int = 0
    places: list[PlaceHit] = field(default_factory=list)
    places_count: int = 0
    places_partial: bool = False

    @property
    def total(self) -> int:
        return self.people_count + self.cases_count + self.places_count


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


# --- people ----------------------------------------------------------------------------------------


def _name_q(term: str) -> Q:
    q = Q()
    for word in term.split():
        q &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    return q


def _postcode(term: str) -> str | None:
    found = _POSTCODE.match(term.upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


def _detail_ids(term: str) -> QuerySet[Any]:
    """People whose alias or (non-confidential) address matches: ids, as a subquery."""
    aliases = Alias.objects.filter(name__icontains=term).values("person")
    address = Q(text__icontains=term)
    postcode = _postcode(term)
    if postcode:
        address |= Q(postcode__iexact=postcode) | Q(postcode__iexact=postcode.replace(" ", ""))
    addresses = (Address.objects.filter(address).filter(person__confidential_address=False)
                 .values("person"))
    return Person.objects.filter(Q(pk__in=aliases) | Q(pk__in=addresses)).values("pk")


def _people(user: Any, term: str) -> tuple[QuerySet[Person], list[int]]:
    """The matching people the user may see: a query of those matched openly, and the ids of
    locked-down profiles held by others matched by details the owner let them see."""
    visible = people_for_user(user)
    agency = agency_of(user)
    openly = Q(locked_down=False) | Q(owner_agency=agency)
    details = _detail_ids(term)
    named = Person.objects.filter(_name_q(term)).values("pk")
    matched = visible.filter(Q(pk__in=named) | (openly & Q(pk__in=details)))
    extra = [pk for pk in (visible.exclude(openly).filter(pk__in=details).exclude(pk__in=named)
                           .values_list("pk", flat=True))
             if get_person_for_user(user, pk).full]
    return matched, extra


def _person_hit(user: Any, pk: int) -> PersonHit:
    access = get_person_for_user(user, pk)
    person = access.person
    url = _url("people:person", pk)
    if not access.full:
        return PersonHit(pk, person.name, url, False)
    return PersonHit(pk, person.name, url, True, person.owner_agency.name,
                     age_text(person, timezone.localdate()))


def search_people(user: Any, term: str, shown: int = SHOWN) -> tuple[list[PersonHit], int]:
    matched, extra = _people(user, term)
    count = matched.count() + len(extra)
    ids = list(matched.order_by("family_name", "given_name", "pk").values_list("pk", flat=True)
               [:shown])
    ids += extra[:max(0, shown - len(ids))]
    return [_person_hit(user, pk) for pk in ids], count


# --- cases -----------------------------------------------------------------------------------------


def _cases(user: Any, term: str) -> QuerySet[Case]:
    """The reference always; the title only of cases the user sees in full."""
    visible = cases_for_user(user)
    limited = limited_cases(user, visible).values("pk")
    return visible.filter(Q(reference__icontains=term)
                          | (Q(title__icontains=term) & ~Q(pk__in=limited)))


def _case_hit(user: Any, case: Case) -> CaseHit:
    access = get_case_for_user(user, case.pk)
    return CaseHit(case.pk, case.reference, _url("cases:case", case.pk), access.full,
                   type_label(case), case.get_status_display(), case.owner_agency.name,
                   case.title if access.full else "")


def search_cases(user: Any, term: str, shown: int = SHOWN) -> tuple[list[CaseHit], int]:
    matched = _cases(user, term)
    rows = list(matched.order_by("-opened_on", "-pk")[:shown])
    return [_case_hit(user, case) for case in rows], matched.count()


# --- places ----------------------------------------------------------------------------------------


def search_places(user: Any, term: str, shown: int = SHOWN) -> tuple[list[PlaceHit], int, bool]:
    """Places by street (where the user may see it) or area name or code; ``partial`` when more
    incidents matched than one search reads (the newest are grouped)."""
    if not has_capability(user, INCIDENTS_VIEW):
        return [], 0, False
    found = linking.search_incidents(user, place=term)
    rows = linking.incident_rows(user, found, linking.MOST_FOUND + 1)
    partial = len(rows) > linking.MOST_FOUND
    rows = rows[:linking.MOST_FOUND]
    by_place: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_place[row.place].append(row.id)
    cases = cases_for_user(user) if has_capability(user, CASES_VIEW) else Case.objects.none()
    full = cases.exclude(pk__in=limited_cases(user, cases).values("pk"))
    linked: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for incident_id, case_id, reference in (
            CaseIncident.objects.filter(incident_id__in=[row.id for row in rows], case__in=full)
            .values_list("incident_id", "case_id", "case__reference")):
        linked[incident_id].add((reference, _url("cases:case", case_id)))
    places = []
    for label, ids in sorted(by_place.items(), key=lambda item: (-len(item[1]), item[0])):
        refs = sorted(set().union(*(linked[pk] for pk in ids)))
        places.append(PlaceHit(label, len(ids), refs))
    return places[:shown], len(places), partial


# --- all at once, suggestions, the audit -----------------------------------------------------------


def search(user: Any, term: str) -> Results:
    """Everything the user may see that matches ``term`` (a term from :func:`clean_term`)."""
    results = Results()
    if not term:
        return results
    if has_capability(user, CASES_VIEW):
        results.people, results.people_count = search_people(user, term)
        results.cases, results.cases_count = search_cases(user, term)
    results.places, results.places_count, results.places_partial = search_places(user, term)
    return results


def suggest(user: Any, term: str) -> dict[str, Any]:
    """Suggestions as the user types: people and cases by the same rules as :func:`search`,
    the first few of each, with the counts."""
    if not term or not has_capability(user, CASES_VIEW):
        return {"suggestions": [], "counts": {"people": 0, "cases": 0}}
    people, people_count = search_people(user, term, SUGGESTED)
    cases, cases_count = search_cases(user, term, SUGGESTED)
    items = [{"kind": "person", "label": hit.name, "url": hit.url} for hit in people]
    items += [{"kind": "case",
               "label": f"{hit.reference}: {hit.title}" if hit.full and hit.title else hit.reference,
               "url": hit.url} for hit in cases]
    return {"suggestions": items, "counts": {"people": people_count, "cases": cases_count}}


def audit_search(request: HttpRequest, counts: dict[str, int], *, kind: str = "search") -> None:
    """Record that a search happened and how many results of each kind it gave, never the
    term: the audit log is kept for years and cannot be edited, so a name typed into it could
    never be erased."""
    record("search", request=request, object_type=kind,
           reason=", ".join(f"{name} {count}" for name, count in counts.items()))

