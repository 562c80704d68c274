"""How a person is shown: the summary a list row or page heading uses, the rows of their
details, and the cases on their page. Addresses are never part of these (the page shows them
separately, and only when the access allows)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from saferplaces.apps.people.access import PersonAccess
from saferplaces.apps.people.models import ADULT_AGE, Gender, Person
from saferplaces.apps.people.vocab import ethnicity_label, vulnerability_label

__all__ = ["age_text", "detail_rows", "person_summary", "visible_cases"]


def age_text(person: Person, day: datetime.date) -> str:
    """"34 (adult)", "about 15 (child)", or "" when nothing is known."""
    age = person.age_on(day)
    if age is None:
        return ""
    about = "about " if person.date_of_birth is None else ""
    return f"{about}{age} ({'child' if age < ADULT_AGE else 'adult'})"


def person_summary(access: PersonAccess, day: datetime.date) -> dict[str, Any]:
    """What a list row shows: the name always; age and flags only in the full view."""
    person = access.person
    return {"id": person.pk, "name": person.name, "full": access.full,
            "locked_down": person.locked_down, "owner": person.owner_agency.name,
            "age": age_text(person, day) if access.full else "",
            "child": person.is_child_on(day) if access.full else None,
            "confidential_address": person.confidential_address and access.full}


def detail_rows(person: Person, day: datetime.date, *, raw: bool = False) -> list[dict[str, Any]]:
    """The person's own fields as (name, label, value) rows, in reading order."""
    born = person.date_of_birth.strftime("%-d %B %Y") if person.date_of_birth else ""
    estimate = (f"{person.estimated_age} on {person.estimated_on:%-d %B %Y}"
                if person.estimated_age is not None and person.estimated_on else "")
    rows = [
        ("given_name", "First name", person.given_name),
        ("family_name", "Last name", person.family_name),
        ("date_of_birth", "Date of birth", born),
        ("estimated_age", "Estimated age", estimate),
        ("estimated_on", "Age estimated on",
         f"{person.estimated_on:%-d %B %Y}" if person.estimated_on else ""),
        ("age", "Age today", age_text(person, day)),
        ("gender", "Gender", Gender(person.gender).label if person.gender else ""),
        ("ethnicity", "Ethnic group", ethnicity_label(person.ethnicity)),
        ("phone", "Phone", person.phone),
        ("email", "Email", person.email),
        ("vulnerabilities", "Vulnerabilities",
         ", ".join(vulnerability_label(v) for v in person.vulnerabilities or [])),
        ("notes", "Notes", person.notes),
    ]
    if not raw:
        rows = [row for row in rows if row[0] != "estimated_on"]
    return [{"name": name, "label": label, "value": value} for name, label, value in rows]


def visible_cases(user: Any, person: Person) -> list[dict[str, Any]]:
    """The cases the person is a party in that the user may see in full, with the person's
    roles in each (a limited share does not show its parties, so it is not listed here)."""
    from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
    from saferplaces.apps.cases.models import Party

    shown = []
    for case in cases_for_user(user).filter(parties__person=person).distinct():
        try:
            if not get_case_for_user(user, case.pk).full:
                continue
        except Http404:
            continue
        try:
            url = reverse("cases:case", args=[case.pk])
        except NoReverseMatch:  # the cases pages are not installed
            url = ""
        roles = sorted(Party.objects.filter(case=case, person=person)
                       .values_list("role", flat=True))
        shown.append({"case": case, "url": url, "roles": [r.replace("_", " ") for r in roles]})
    return shown
