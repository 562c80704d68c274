"""People and cases for the data protection tests (on ``tests/partnership.py``).

- ``subject``: Sarah Subject, born 14 February 1988, 21 Oak Road CO3 3DD, also known as Sally
  Subject; held by the owner agency (Essex Police); a victim in ``case`` (ASB-2019-0001,
  closed 10 January 2019, shared in full with the partner) and in ``elsewhere`` (HATE-1, owned by
  the partner: the owner agency cannot see it);
- ``other``: Oliver Ockwell, born 23 July 1975, 99 Elm Avenue CO4 4EE, 07700 900123, the
  alleged perpetrator in ``case`` and named, with his details, in its note;
- ``stranger``: Mary Elsewhere, in ``unrelated`` (ASB-2019-0002) only: never in Sarah's export.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.cases.models import (
    Case,
    CaseShare,
    Note,
    Party,
    Referral,
    ShareLevel,
    Status,
    Task,
)
from saferplaces.apps.people.models import (
    Address,
    Alias,
    Consent,
    ConsentStatus,
    Person,
    ProfileAccessRequest,
)

OTHER_DETAILS = ("Oliver", "Ockwell", "1975-07-23", "23/07/1975", "99 Elm Avenue", "CO4 4EE",
                 "07700 900123", "oliver@example.org")
STRANGER_DETAILS = ("Mary", "Elsewhere", "ASB-2019-0002", "1 Far Lane")
NOTE = ("Sarah Subject reported that Oliver Ockwell (born 23/07/1975) of 99 Elm Avenue, CO4 4EE "
        "shouted at her again. Oliver rang her from 07700 900123 and wrote from "
        "oliver@example.org. Sarah is scared.")


def person(agency: Any, given: str, family: str, *, born: datetime.date | None = None,
           address: str = "", postcode: str = "", **fields: Any) -> Person:
    made = Person.objects.create(owner_agency=agency, given_name=given, family_name=family,
                                 date_of_birth=born, **fields)
    if address:
        Address.objects.create(person=made, text=address, postcode=postcode,
                               since=datetime.date(2015, 1, 1))
    return made


def case(agency: Any, reference: str, *, kind: str = "repeat-asb", closed: datetime.date | None = None,
         title: str = "Noise and threats", shared_with: Any = None,
         level: str = ShareLevel.FULL) -> Case:
    made = Case.objects.create(
        reference=reference, case_type=kind, title=title, owner_agency=agency,
        opened_on=(closed or timezone.localdate()) - datetime.timedelta(days=200),
        status=Status.CLOSED if closed else Status.OPEN, closed_on=closed,
        closure_reason="Resolved" if closed else "")
    if shared_with is not None:
        CaseShare.objects.create(case=made, agency=shared_with, level=level, basis="public-task")
    return made


@dataclass
class World:
    partnership: Any
    subject: Person
    other: Person
    stranger: Person
    case: Case
    elsewhere: Case
    unrelated: Case


@pytest.fixture
def world(partnership) -> World:
    owner, partner = partnership.owner, partnership.partner
    manager = partnership.user("owner", "case_manager")
    subject = person(owner, "Sarah", "Subject", born=datetime.date(1988, 2, 14),
                     address="21 Oak Road, Colchester", postcode="CO3 3DD", phone="01206 555111",
                     vulnerabilities=["repeat-victim"])
    Alias.objects.create(person=subject, name="Sally Subject")
    Consent.objects.create(person=subject, status=ConsentStatus.GIVEN,
                           recorded_on=datetime.date(2018, 6, 1), note="Agreed to share")
    ProfileAccessRequest.objects.create(person=subject, agency=partner,
                                        requested_by=partnership.user("partner", "practitioner"),
                                        reason="Housing officer visit planned")
    other = person(owner, "Oliver", "Ockwell", born=datetime.date(1975, 7, 23),
                   address="99 Elm Avenue, Colchester", postcode="CO4 4EE",
                   phone="07700 900123", email="oliver@example.org")
    stranger = person(owner, "Mary", "Elsewhere", born=datetime.date(1960, 1, 1),
                      address="1 Far Lane", postcode="CO5 5FF")
    asb = case(owner, "ASB-2019-0001", closed=datetime.date(2019, 1, 10),
               title="Sarah Subject: threats from Oliver Ockwell", shared_with=partner)
    Party.objects.create(case=asb, person=subject, role="victim")
    Party.objects.create(case=asb, person=other, role="alleged-perpetrator")
    Note.objects.create(case=asb, text=NOTE, agency=owner, written_by=manager)
    Task.objects.create(case=asb, title="Visit Sarah at home", assigned_agency=owner,
                        due=datetime.date(2018, 12, 1))
    Referral.objects.create(case=asb, from_agency=owner, to_agency=partner,
                            reason="Oliver Ockwell lives next door to Sarah: housing enforcement",
                            referred_by=manager, respond_by=datetime.date(2018, 12, 8))
    elsewhere = case(partner, "HATE-2019-0001", kind="hate", title="Abuse in the street")
    Party.objects.create(case=elsewhere, person=subject, role="victim")
    Note.objects.create(case=elsewhere, text="Council-only note about the street", agency=partner)
    unrelated = case(owner, "ASB-2019-0002", closed=datetime.date(2019, 1, 10),
                     title="Mary Elsewhere's garden, 1 Far Lane")
    Party.objects.create(case=unrelated, person=stranger, role="complainant")
    return World(partnership, subject, other, stranger, asb, elsewhere, unrelated)


@pytest.fixture
def client_of(partnership, signed_in_client):
    """``client_of("owner-case_manager")``: a signed-in client for that partnership user."""
    return lambda username: signed_in_client(partnership.users[username])
