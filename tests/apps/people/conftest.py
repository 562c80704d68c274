"""The people a partnership holds, for the people tests (on ``tests/partnership.py``).

- ``john``: John Smith, born 4 March 1990, 12 High Street CO1 1AA; a victim in case ASB-1,
  which Essex Police (owner) shares in full with the council (partner);
- ``mary``: Mary Jones, held by the owner only (no case): partner and outsider cannot see her;
- ``lena``: locked down, a party in ASB-1 (the partner sees the stub);
- ``cora``: confidential address (7 Secret Lane, CO9 9ZZ), a party in ASB-1;
- ``limited``: Lee Limited, a party only in ASB-2, shared with the partner at the *limited*
  level (the partner may not see her).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.cases.models import Case, CaseShare, Party, ShareLevel
from saferplaces.apps.people.models import Address, Alias, Person

SECRET_ADDRESS = "7 Secret Lane"
SECRET_POSTCODE = "CO9 9ZZ"


def make_person(agency: Any, given: str, family: str, *, born: datetime.date | None = None,
                address: str = "", postcode: str = "", aliases: tuple[str, ...] = (),
                **fields: Any) -> Person:
    person = Person.objects.create(owner_agency=agency, given_name=given, family_name=family,
                                   date_of_birth=born, **fields)
    if address:
        Address.objects.create(person=person, text=address, postcode=postcode,
                               since=datetime.date(2020, 1, 1))
    for name in aliases:
        Alias.objects.create(person=person, name=name)
    return person


def make_case(agency: Any, reference: str, *, shared_with: Any = None,
              level: str = ShareLevel.FULL) -> Case:
    case = Case.objects.create(reference=reference, case_type="repeat-asb", title="Noise",
                               owner_agency=agency, opened_on=timezone.localdate())
    if shared_with is not None:
        CaseShare.objects.create(case=case, agency=shared_with, level=level,
                                 basis="crime-and-disorder-s115")
    return case


@dataclass
class World:
    partnership: Any
    john: Person
    mary: Person
    lena: Person
    cora: Person
    limited: Person
    case: Case


@pytest.fixture
def world(partnership) -> World:
    owner, partner = partnership.owner, partnership.partner
    john = make_person(owner, "John", "Smith", born=datetime.date(1990, 3, 4),
                       address="12 High Street, Colchester", postcode="CO1 1AA",
                       aliases=("Johnny Smith",))
    mary = make_person(owner, "Mary", "Jones", born=datetime.date(1985, 6, 1))
    lena = make_person(owner, "Lena", "Locke", born=datetime.date(2010, 2, 2),
                       address="3 Mill Road", postcode="CO2 2BB", locked_down=True)
    cora = make_person(owner, "Cora", "Hidden", born=datetime.date(1979, 9, 9),
                       address=SECRET_ADDRESS, postcode=SECRET_POSTCODE,
                       confidential_address=True)
    limited = make_person(owner, "Lee", "Limited")
    case = make_case(owner, "ASB-1", shared_with=partner)
    for person, role in ((john, "victim"), (lena, "vulnerable_person"), (cora, "complainant")):
        Party.objects.create(case=case, person=person, role=role)
    other = make_case(owner, "ASB-2", shared_with=partner, level=ShareLevel.LIMITED)
    Party.objects.create(case=other, person=limited, role="victim")
    return World(partnership, john, mary, lena, cora, limited, case)


@pytest.fixture
def client_of(partnership, signed_in_client):
    """``client_of("owner-case_manager")``: a signed-in client for that partnership user."""
    return lambda username: signed_in_client(partnership.users[username])
