"""``saferplaces demo`` builds the partnership's synthetic casework from the demo town's planted
truth: cases owned by different agencies, shared as a real partnership shares them (each share
with its lawful basis, or consent), places for the county line's cuckooed addresses, and nothing
for an agency that is not involved. Run in a fresh process, checked through Django's own access
helpers in another fresh process; a second run adds nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from saferplaces.commands.demo_cases import case_place_name
from tests.process import environment, ok

pytestmark = pytest.mark.slow

#: Run in a fresh process against the demo's store: what each demo account may see, through the
#: same access helpers the pages use, as JSON.
CHECK = textwrap.dedent("""
    import json, django
    from saferplaces.commands.common import setup_django
    setup_django()
    from django.contrib.auth import get_user_model
    from saferplaces.apps.cases.access import cases_for_user
    from saferplaces.apps.cases.models import Case, CaseShare, Referral, Task
    from saferplaces.apps.people.models import Person
    from saferplaces.apps.places.access import cases_of_place
    from saferplaces.apps.places.models import Place
    from saferplaces.apps.agencies.models import Agency, Membership
    from saferplaces.apps.agencies.roles import Role
    from saferplaces.apps.audit.models import AuditEvent
    from django.utils import timezone

    users = get_user_model().objects
    outsider_agency = Agency.objects.create(name="Outsider Housing Trust (synthetic)", kind="other")
    outsider = users.create_user("outsider-case-manager")
    Membership.objects.create(user=outsider, agency=outsider_agency, role=Role.CASE_MANAGER)
    def seen(name):
        return sorted(cases_for_user(users.get(username=name)).values_list("reference", flat=True))
    places = {p.name: [a.case.reference for a in cases_of_place(users.get(username="demo-coordinator"), p)]
              for p in Place.objects.all()}
    from saferplaces.apps.cases.models import Notification, TimelineEntry
    task_dues = sorted([t.case.reference, f"{t.due:%-d %B %Y}"]
                       for t in Task.objects.select_related("case"))
    said_dues = sorted([row.case.reference, row.text.rsplit("due ", 1)[1]] for row in
                       [*Notification.objects.filter(text__startswith="New task on case"),
                        *TimelineEntry.objects.filter(text__startswith="Task added to")])
    print(json.dumps({
        "owners": {c.reference: c.owner_agency.kind for c in Case.objects.select_related("owner_agency")},
        "shares": sorted([s.case.reference, s.agency.kind, s.level, s.basis] for s in
                         CaseShare.objects.select_related("case", "agency")),
        "coordinator": seen("demo-coordinator"), "probation": seen("demo-case-manager"),
        "outsider": seen("outsider-case-manager"),
        "outsider_places": sum(len(cases_of_place(outsider, p)) for p in Place.objects.all()),
        "places": places,
        "pending_referrals": sorted(r.to_agency.kind for r in Referral.objects.filter(status="pending")),
        "overdue_tasks": Task.objects.filter(due__lt=timezone.localdate()).count(),
        "owner_only_notes": Case.objects.filter(notes__visibility="owner").distinct().count(),
        "people": Person.objects.count(),
        "locked_down": Person.objects.filter(locked_down=True).count(),
        "confidential": Person.objects.filter(confidential_address=True).count(),
        "synthetic_notes": Person.objects.exclude(notes__contains="Synthetic person").count(),
        "officer_events": AuditEvent.objects.filter(username__startswith="demo-officer-").count(),
        "task_dues": task_dues, "said_dues": said_dues,
    }))
""")


def _check(home) -> dict:
    done = subprocess.run([sys.executable, "-c", CHECK], env=environment(home), cwd=home,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo-cases")
    ok("generate", str(home / "town"), "--scale", "0.05", "--months", "13", home=home)
    first = ok("demo", "--dir", str(home / "town"), "--no-serve", "--no-2fa", home=home)
    second = ok("demo", "--dir", str(home / "town"), "--no-serve", "--no-2fa", home=home)
    truth = json.loads((home / "town" / "ground_truth.json").read_text(encoding="utf-8"))
    return {"first": first, "second": second, "seen": _check(home), "truth": truth}


def test_the_demo_says_what_it_made_and_a_second_run_adds_nothing(demo):
    assert "Demo cases made:" in demo["first"] and "220 for the duplicate check" in demo["first"]
    assert "Demo cases already present: nothing added." in demo["second"]
    seen = demo["seen"]
    assert len(seen["owners"]) == len(set(seen["owners"]))  # no case twice
    assert seen["people"] >= 220 + 10


def test_cases_are_owned_by_different_agencies(demo):
    owners = demo["seen"]["owners"]
    by_prefix = {ref.split("-")[0]: kind for ref, kind in owners.items()}
    assert by_prefix == {"ASB": "council", "HATE": "police", "EXP": "police", "MS": "police",
                         "DA": "police"}  # DA: the safeguarding demo's (demo_safeguarding.py)


def test_every_share_has_its_basis_or_the_consent_of_every_party(demo):
    shares = demo["seen"]["shares"]
    asb = [s for s in shares if s[0].startswith("ASB")]
    assert {(s[1], s[3]) for s in asb} >= {("police", "crime-and-disorder-s115")}
    assert all(s[3] == "crime-and-disorder-s115" for s in asb)
    hate = {(s[1], s[2], s[3]) for s in shares if s[0].startswith("HATE")}
    assert hate == {("council", "full", ""), ("charity", "full", "")}  # consent given
    exp = {(s[1], s[3]) for s in shares if s[0].startswith("EXP")}
    assert ("council", "safeguarding-children") in exp
    ms = {(s[1], s[3]) for s in shares if s[0].startswith("MS")}
    assert ms == {("council", "modern-slavery")}
    assert [s[1:3] for s in shares if s[1] == "probation"][0] == ["probation", "limited"]


def test_each_agency_sees_its_own_and_shared_cases_and_an_outsider_sees_none(demo):
    seen = demo["seen"]
    assert set(seen["coordinator"]) == set(seen["owners"])  # the council is in every case
    assert len(seen["probation"]) == 1  # the one limited share; the referral is not yet a share
    assert seen["outsider"] == [] and seen["outsider_places"] == 0


def test_the_cuckooed_addresses_are_places_with_the_county_line_cases(demo):
    places = demo["seen"]["places"]
    addresses = {case_place_name(a["address"])
                 for a in demo["truth"]["county_line"]["cuckooed_addresses"]}
    assert addresses and addresses <= set(places)
    assert all(len(places[name]) == 2 and all(r.startswith("EXP") for r in places[name])
               for name in addresses)
    assert {name for name, refs in places.items() if refs} == addresses
    assert any("synthetic hotspot" in name for name in places)


def test_every_page_has_something_to_show(demo):
    seen = demo["seen"]
    assert sorted(seen["pending_referrals"]) == ["charity", "probation"]
    assert seen["overdue_tasks"] >= 3 and seen["owner_only_notes"] >= 3
    assert seen["locked_down"] >= 2 and seen["confidential"] >= 2
    assert seen["synthetic_notes"] == 0  # every person says they are invented
    assert seen["officer_events"] > 0  # made through the services, audited


def test_each_tasks_notice_and_timeline_entry_give_its_own_due_date(demo):
    """An overdue demo task is made due today, as the service requires, then moved back: what
    its notice and timeline entry say must follow it."""
    seen = demo["seen"]
    dues = {tuple(pair) for pair in seen["task_dues"]}
    assert seen["said_dues"] and {tuple(pair) for pair in seen["said_dues"]} <= dues
    assert len(seen["said_dues"]) >= 2 * len(seen["task_dues"])  # each task: notice and entry
