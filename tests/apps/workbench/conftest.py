"""A partnership at work, for the dashboard, task and search tests (on ``tests/partnership.py``).

Essex Police (owner) holds three cases, opened through the services:

- ``case``: "Noise on Elm Estate", shared in full with the council (partner);
- ``limited_case``: "Cuckooing at Mill Court", shared with the council in a limited way;
- ``private_case``: "Private matter on Oak Road", shared with nobody.

People, all held by the owner: ``john`` (John Smith, alias Johnny Smith, 12 High Street CO1 1AA)
and ``lena`` (Lena Locke, locked down, alias Lenny Locke, 3 Mill Road) and ``cora`` (Cora Hidden,
confidential address 7 Secret Lane CO9 9ZZ), parties in ``case``; ``mary`` (Mary Jones) in no
case, so only the owner sees her. Suffolk Fire and Rescue (outsider) sees none of it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, Party, ShareLevel, Task
from saferplaces.apps.cases.tasks import create_task
from saferplaces.apps.people.models import Address, Alias, Person
from tests.apps.cases.conftest import open_case, share

SECRET_ADDRESS = "7 Secret Lane"
SECRET_POSTCODE = "CO9 9ZZ"


def make_person(agency: Any, given: str, family: str, *, address: str = "", postcode: str = "",
                alias: str = "", **fields: Any) -> Person:
    person = Person.objects.create(owner_agency=agency, given_name=given, family_name=family,
                                   **fields)
    if address:
        Address.objects.create(person=person, text=address, postcode=postcode,
                               since=datetime.date(2020, 1, 1))
    if alias:
        Alias.objects.create(person=person, name=alias)
    return person


@dataclass
class World:
    partnership: Any
    case: Case
    limited_case: Case
    private_case: Case
    john: Person
    lena: Person
    cora: Person
    mary: Person

    def user(self, name: str) -> Any:
        return self.partnership.users[name]

    def task(self, case: Case | None = None, *, by: str = "owner-case_manager", agency: Any = None,
             user: Any = None, due: datetime.date | None = None, title: str = "Visit the estate") -> Task:
        """A task made through the service (due tomorrow unless said), then moved to ``due``."""
        case = case or self.case
        actor = self.user(by)
        task = create_task(get_case_for_user(actor, case.pk), actor, title=title,
                           due=timezone.localdate() + datetime.timedelta(days=1),
                           assigned_agency=agency or self.partnership.owner, assigned_user=user)
        if due is not None:
            Task.objects.filter(pk=task.pk).update(due=due)
            task.refresh_from_db()
        return task


@pytest.fixture
def world(partnership) -> World:
    owner, partner = partnership.owner, partnership.partner
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, title="Noise on Elm Estate")
    share(case, partner)
    limited = open_case(manager, title="Cuckooing at Mill Court")
    share(limited, partner, ShareLevel.LIMITED)
    private = open_case(manager, title="Private matter on Oak Road")
    john = make_person(owner, "John", "Smith", address="12 High Street, Colchester",
                       postcode="CO1 1AA", alias="Johnny Smith")
    lena = make_person(owner, "Lena", "Locke", address="3 Mill Road", postcode="CO2 2BB",
                       alias="Lenny Locke", locked_down=True)
    cora = make_person(owner, "Cora", "Hidden", address=SECRET_ADDRESS, postcode=SECRET_POSTCODE,
                       confidential_address=True)
    mary = make_person(owner, "Mary", "Jones")
    for person, role in ((john, "victim"), (lena, "victim"), (cora, "complainant")):
        Party.objects.create(case=case, person=person, role=role)
    return World(partnership, case, limited, private, john, lena, cora, mary)


@pytest.fixture
def client_of(partnership, signed_in_client):
    """``client_of("owner-case_manager")``: a signed-in client for that partnership user."""
    return lambda username: signed_in_client(partnership.users[username])
