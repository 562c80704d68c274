"""The demo's county line as restricted intelligence, made through the services from
``ground_truth.json``: on it the network analysis finds the planted controller as the most
central entity, the runner reaches a cuckooed address through the line, and the cuckooed
addresses are the addresses of the controller's network; victims are marked; the child runner
not tied to a safeguarding case raises the alert; a second run adds nothing."""

from __future__ import annotations

import json

import pytest

from saferplaces.apps.intelligence import services
from saferplaces.apps.intelligence.graph import network_for_user
from saferplaces.apps.intelligence.models import Entity, Link, SafeguardingAlert
from saferplaces.commands import demo_intelligence
from saferplaces.commands.demo_cases import make_demo_cases
from saferplaces.commands.demo_people import make_demo_people
from saferplaces.demo import generate_town


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """One small demo town for the module (generating it is the slow part)."""
    directory = tmp_path_factory.mktemp("town")
    generate_town(directory, seed=1, months=13, scale=0.05)
    return directory


@pytest.fixture
def truth(town):
    return json.loads((town / "ground_truth.json").read_text(encoding="utf-8"))["county_line"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, town):
    """The demo people, cases and intelligence, made once for the module inside a transaction
    rolled back at its end (each test runs in a savepoint of it, through ``db``)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            make_demo_people(two_factor=False)
            make_demo_cases(town)
            made = demo_intelligence.make(town)
            yield made, get_user_model().objects.get(username="demo-analyst")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    """Whatever a test adds is undone after it (the demo itself stays for the module)."""


def node(network, ref):
    """The network's row of the demo entity made from the truth's ``ref``."""
    return network.nodes[Entity.objects.get(source_ref=demo_intelligence.REF + ref).pk]


def test_the_planted_controller_ranks_first_by_betweenness(demo, truth):
    made, analyst = demo
    controller = next(n for n in truth["nominals"] if n["role"] == "line holder")
    network = network_for_user(analyst)
    assert network.ranked[0].label == controller["pseudonym"]
    assert network.ranked[0].articulation
    lines = [row.label for row in network.ranked[1:3]]
    assert set(lines) <= set(truth["deal_lines"])


def test_the_runner_reaches_a_cuckooed_address_through_the_line(demo, truth):
    _, analyst = demo
    network = network_for_user(analyst)
    runner = next(n for n in truth["nominals"] if n["role"] == "runner")
    far = truth["cuckooed_addresses"][-1]
    path = network.path(node(network, runner["ref"]).id, node(network, far["ref"]).id)
    assert path is not None
    labels = [step.node.label for step in path]
    assert labels[0] == f"{runner['pseudonym']} (victim of exploitation)"
    assert labels[-1] == far["address"]
    assert "Kestrel" in labels and set(labels[1:-1]) & set(truth["deal_lines"])
    assert all(step.links for step in path[:-1])


def test_the_cuckooed_addresses_are_the_addresses_of_the_controllers_network(demo, truth):
    _, analyst = demo
    elsewhere = services.create_entity(agency=analyst.membership.agency, kind="address",
                                       address_text="1 Unlinked Road (synthetic)")
    network = network_for_user(analyst)
    controller = network.ranked[0]
    found = {row.label for row in network.nodes.values()
             if row.kind == "address" and row.component == controller.component}
    assert found == {a["address"] for a in truth["cuckooed_addresses"]}
    assert all(network.nodes[Entity.objects.get(address_text=a).pk].cuckooing == "Confirmed"
               for a in found)
    assert network.nodes[elsewhere.pk].component != controller.component


def test_child_runners_are_victims_tied_to_their_people_and_one_alert_fires(demo, truth):
    made, _ = demo
    runners = Entity.objects.filter(kind="nominal", role="runner").order_by("source_ref")
    assert [r.victim_of_exploitation for r in runners] == [True, True]
    assert all(r.person_id is not None for r in runners)
    assert [r.safeguarding_case_id is not None for r in runners] == [True, False]
    assert not Entity.objects.filter(kind="nominal", role="line_holder",
                                     victim_of_exploitation=True).exists()
    alert = SafeguardingAlert.objects.get(cleared_at__isnull=True)
    assert alert.entity == runners[1] and made.alerts == 1
    addresses = Entity.objects.filter(kind="address")
    assert all(a.vulnerable_resident_id and a.safeguarding_case_id for a in addresses)


def test_the_links_are_graded_dated_and_the_demo_is_made_once(demo, truth, town):
    made, _ = demo
    residents = sum(len(a["resident_victim_refs"]) for a in truth["cuckooed_addresses"])
    assert made.links == len(truth["links"]) - residents == Link.objects.count()
    assert made.entities == (len(truth["deal_lines"]) + len(truth["nominals"])
                             + len(truth["cuckooed_addresses"])) == Entity.objects.count()
    c_links = Link.objects.filter(handling_code="C")
    assert c_links.exists() and all(link.handling_conditions for link in c_links)
    assert all(link.source.startswith("Synthetic") for link in Link.objects.all())
    for address in truth["cuckooed_addresses"]:
        to_it = Link.objects.filter(b__address_text=address["address"])
        assert {link.date.isoformat() for link in to_it} == {address["cuckooed_from"]}
    again = demo_intelligence.make(town)
    assert (again.entities, again.links) == (0, 0) and str(again).endswith("nothing added.")
    assert Entity.objects.count() == made.entities and Link.objects.count() == made.links


def test_no_intelligence_name_or_number_is_in_the_shared_case_record(demo):
    """Case records are shared case work, not intelligence: no label, line name or phone number
    of the demo's intelligence entities is in any case title or summary, place name or
    description, person alias, case note or timeline entry, and a council practitioner (no
    intelligence flag) reads none of them on the people, places and cases pages and API."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from saferplaces.apps.agencies.access import has_capability
    from saferplaces.apps.agencies.roles import INTELLIGENCE_VIEW
    from saferplaces.apps.cases.models import Case, Note, TimelineEntry
    from saferplaces.apps.people.models import Alias
    from saferplaces.apps.places.models import Place
    from tests.partnership import sign_in

    entities = Entity.objects.values_list("label", "line_name", "phone_number")
    secret = {value for row in entities for value in row if value}
    secret |= {line.rsplit(" handset", 1)[0] for _, line, _ in entities if line}  # the line
    assert {"nominal", "deal_line", "address"} <= set(Entity.objects.values_list("kind", flat=True))
    assert any(value.startswith("07700") for value in secret)
    record = [*Case.objects.values_list("title", flat=True),
              *Case.objects.values_list("summary", flat=True),
              *Place.objects.values_list("name", flat=True),
              *Place.objects.values_list("description", flat=True),
              *Alias.objects.values_list("name", flat=True),
              *Note.objects.values_list("text", flat=True),
              *TimelineEntry.objects.values_list("text", flat=True)]
    assert Case.objects.filter(title__startswith="Child criminal exploitation").exists()
    assert [(text, name) for text in record for name in secret if name in text] == []
    practitioner = get_user_model().objects.get(username="demo-practitioner")
    assert not has_capability(practitioner, INTELLIGENCE_VIEW)
    client = sign_in(Client(), practitioner)
    for address in ("/api/people/", "/api/places/", "/api/cases/", "/places/", "/cases/",
                    "/people/"):
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode()
        assert [name for name in secret if name in text] == [], address
