"""The demo's synthetic casework, built by ``saferplaces demo`` from the demo town's planted truth
(``ground_truth.json``) so every page has something to show:

- **repeat ASB** cases for the planted repeat complainants, owned by the council and shared with
  the police in full on the Crime and Disorder Act 1998 s.115 basis (one also with probation,
  limited, so a limited share and its own task can be seen);
- **hate** cases for the repeat hate victims, owned by the police and shared with the council
  and the victim support charity in full, with the victim's consent;
- two **exploitation / county lines** cases for the county line: its child nominals (shared with
  the council in full on the safeguarding-children basis, a parent consenting) and its cuckooed
  addresses, resident victims and adult nominals (shared with the council on s.115, with a
  referral to probation waiting for an answer); the cuckooed addresses are **places**;
- a **modern slavery** case with an adult victim (consent given) and a child victim (covered by
  the modern-slavery basis), referred to the charity;
- the town's repeat locations and hotspots as places;
- 220 people for the **duplicate check**: 200 different people and a second record of 20 of
  them (``saferplaces.demo.people``).

Everything goes through the services of the people, cases and places apps, so their rules (a
lawful basis for every share) apply, and each change is audited. The changes are made by one
demo officer account per agency (``demo-officer-police`` ...: case managers with no password,
so nobody signs in as them; each change's audit event names the officer). People's names are
invented; each record says it is synthetic. Nothing is copied from a person's address into a
place.

Case records are shared case work, not intelligence: no case, place, person or note carries the
county line's intelligence names (its line name, the nominals' pseudonyms, its deal-line numbers
or the intelligence's address labels, ``commands/demo_intelligence.py``). Cases say "county
line"; a cuckooed address is a place named by its building ("Flat, Church Court").

Running the demo again adds nothing: the cases carry a marker in their summary, and when it is
found the casework is left as it is. Everything is made in one transaction, so an interrupted
run leaves none of it.
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferplaces.commands.demo_people import DEMO, DEMO_AGENCIES

__all__ = ["DEMO_OFFICERS", "DUPLICATE_SET", "MARKER", "DemoCases", "case_place_name",
           "make_demo_cases"]

#: Written into every demo case's summary: how a later run knows the casework is there.
MARKER = "Synthetic demo case (saferplaces demo)"
#: Written into the notes of the duplicate-check people, with their key (P0001...).
DUPLICATE_SET = "Synthetic person (saferplaces demo), duplicate-check set"
#: The notes of the people who are parties to the demo cases.
PARTY_NOTE = "Synthetic person (saferplaces demo): invented for the demo cases"

#: The account that does each agency's demo casework.
DEMO_OFFICERS = {key: f"demo-officer-{key}" for key in ("police", "council", "health",
                                                         "probation", "charity")}

#: Invented names for the parties to the demo cases (none is in the duplicate-check set).
PARTY_NAMES = (
    ("Hazel", "Wortlebury", "female"), ("Desmond", "Cressington", "male"),
    ("Imogen", "Mallowby", "female"), ("Rufus", "Bryonwick", "male"),
    ("Nadia", "Sedgecombe", "female"), ("Callum", "Fallowmead", "male"),
    ("Precious", "Gillyflower", "female"), ("Tobias", "Hartsease", "male"),
    ("Marguerite", "Eldersnook", "female"), ("Kofi", "Corvendale", "male"),
    ("Beatrix", "Applewhistle", "female"), ("Lennox", "Drummondley", "male"),
    ("Ottilie", "Brindlecott", "female"), ("Jasper", "Quenbury", "male"),
    ("Sunita", "Oakenshaw", "female"), ("Ewan", "Pimpernell", "male"),
    ("Rosalind", "Vetchley", "female"), ("Marek", "Woadfield", "male"),
    ("Delphine", "Lovageby", "female"), ("Ashton", "Madderley", "male"),
    ("Iris", "Sainfoyne", "female"), ("Dylan", "Agrimony", "male"),
)

#: How many of each planted pattern get a case.
ASB_CASES = 4
HATE_CASES = 3


@dataclass
class DemoCases:
    """What one run made (all zero when the casework was already there)."""

    cases: int = 0
    people: int = 0
    places: int = 0
    seconds: float = 0.0
    already_present: bool = False

    def __str__(self) -> str:
        if self.already_present:
            return "Demo cases already present: nothing added."
        return (f"Demo cases made: {self.cases} cases, {self.people} synthetic people "
                f"(220 for the duplicate check), {self.places} places, in {self.seconds:.1f} s.")


def case_place_name(address: str) -> str:
    """The case wording of a planted address: its parts without the house and flat numbers
    ("Flat 7, 47 Church Court" is "Flat, Church Court (synthetic)"), so the place never carries
    the intelligence's address label (module docstring)."""
    parts = [" ".join(word for word in part.split() if not any(c.isdigit() for c in word))
             for part in address.split(",")]
    return ", ".join(part for part in parts if part) + " (synthetic)"


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Builder:
    """The demo's casework, made by each agency's officer through the services."""

    def __init__(self, truth: dict[str, Any], today: datetime.date) -> None:
        from django.contrib.auth import get_user_model

        from saferplaces.apps.agencies.models import Agency

        self.truth = truth
        self.today = today
        self.agencies = {key: Agency.objects.get(name=name)
                         for key, (name, _) in DEMO_AGENCIES.items()}
        self.officers = {key: self._officer(key, username)
                         for key, username in DEMO_OFFICERS.items()}
        users = get_user_model().objects
        self.practitioner = users.filter(username="demo-practitioner").first()
        self.probation_manager = users.filter(username="demo-case-manager").first()
        self.made = DemoCases()
        self._names = iter(PARTY_NAMES)

    def _officer(self, key: str, username: str) -> Any:
        from django.contrib.auth import get_user_model

        from saferplaces.apps.agencies import services

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            # no password at all (nobody signs in as an officer), so none to hash
            user = get_user_model().objects.create_user(username)
        if getattr(user, "membership", None) is None:
            services.update_membership(user, agency=self.agencies[key], role="case_manager",
                                       reason=DEMO)
            user.refresh_from_db()
        return user

    # --- people ------------------------------------------------------------------------------

    def person(self, agency: str, *, age: int | None = None, born: datetime.date | None = None,
               estimated: bool = False, aliases: tuple[str, ...] = (), address: str = "",
               postcode: str = "", consent: bool = False, locked_down: bool = False,
               confidential_address: bool = False, vulnerabilities: tuple[str, ...] = (),
               name: tuple[str, str, str] | None = None, notes: str = PARTY_NOTE) -> Any:
        from saferplaces.apps.people import services
        from saferplaces.apps.people.access import get_person_for_user
        from saferplaces.apps.people.models import ConsentStatus

        given, family, gender = name or next(self._names)
        if born is None and age is not None and not estimated:
            born = _years_before(self.today, age) - datetime.timedelta(days=97)
        officer = self.officers[agency]
        person = services.create_person(officer, {
            "given_name": given, "family_name": family, "gender": gender,
            "date_of_birth": born, "estimated_age": age if estimated else None,
            "aliases": list(aliases), "address": address, "postcode": postcode,
            "vulnerabilities": list(vulnerabilities), "notes": notes,
            "locked_down": locked_down, "confidential_address": confidential_address})
        if consent:
            services.record_consent(officer, get_person_for_user(officer, person.pk),
                                    ConsentStatus.GIVEN, self.today,
                                    "Consent to share with the partnership (synthetic)")
        self.made.people += 1
        return person

    def duplicate_check_people(self) -> None:
        from saferplaces.demo.people import synthetic_people

        for planted in synthetic_people(seed=int(self.truth.get("seed", 1)), today=self.today):
            self.person(planted.agency, born=planted.date_of_birth,
                        age=planted.estimated_age, estimated=planted.estimated_age is not None,
                        address=planted.address, postcode=planted.postcode,
                        name=(planted.given_name, planted.family_name, planted.gender),
                        notes=f"{DUPLICATE_SET} {planted.key}")

    # --- cases -------------------------------------------------------------------------------

    def case(self, agency: str, case_type: str, title: str, summary: str, *,
             risk: str = "standard", lead: Any = None) -> Any:
        from saferplaces.apps.cases import services

        officer = self.officers[agency]
        case = services.create_case(officer, case_type_key=case_type, title=title,
                                    summary=f"{summary}\n\n{MARKER}.", risk=risk,
                                    lead_officer=lead or officer)
        self.made.cases += 1
        return case

    def access(self, case: Any, agency: str | None = None) -> Any:
        from saferplaces.apps.cases.access import get_case_for_user

        return get_case_for_user(self.officers[agency or self._owner(case)], case.pk)

    def _owner(self, case: Any) -> str:
        return next(k for k, a in self.agencies.items() if a.pk == case.owner_agency_id)

    def party(self, case: Any, person: Any, role: str) -> None:
        from saferplaces.apps.cases import services

        owner = self.officers[self._owner(case)]
        services.add_party(self.access(case), owner, person_id=person.pk, role=role)

    def share(self, case: Any, agency: str, basis: str, level: str = "full") -> None:
        from saferplaces.apps.cases import services

        services.share_case(self.access(case), self.officers[self._owner(case)],
                            agency=self.agencies[agency], level=level, basis=basis)

    def refer(self, case: Any, agency: str, basis: str, reason: str) -> None:
        from saferplaces.apps.cases import services

        services.refer_case(self.access(case), self.officers[self._owner(case)],
                            agency=self.agencies[agency], reason=reason, basis=basis)

    def note(self, case: Any, text: str, *, owner_only: bool = False,
             agency: str | None = None) -> None:
        from saferplaces.apps.cases import services

        by = agency or self._owner(case)
        services.add_note(self.access(case, by), self.officers[by], text=text,
                          visibility="owner" if owner_only else "shared")

    def move(self, case: Any, *statuses: str) -> None:
        from saferplaces.apps.cases import services
        from saferplaces.apps.cases.models import Case

        for status in statuses:
            current = Case.objects.get(pk=case.pk)
            services.change_status(self.access(current), self.officers[self._owner(case)],
                                   version=current.version, status=status)

    def task(self, case: Any, title: str, *, agency: str, user: Any = None,
             due_in_days: int) -> None:
        """A task made through the service (due today or later), then, for an overdue one,
        its due date moved back as if it had been set weeks ago: the service refuses a past
        due date for a new task, rightly. The new-task notices and the timeline entry the
        service wrote name the due date it was given, so they are moved back with it."""
        from saferplaces.apps.cases.models import Notification, Task, TimelineEntry
        from saferplaces.apps.cases.tasks import create_task

        due = self.today + datetime.timedelta(days=max(0, due_in_days))
        last = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                for model in (Notification, TimelineEntry)}
        task = create_task(self.access(case), self.officers[self._owner(case)], title=title,
                           due=due, assigned_agency=self.agencies[agency], assigned_user=user)
        if due_in_days < 0:
            moved = self.today + datetime.timedelta(days=due_in_days)
            Task.objects.filter(pk=task.pk).update(due=moved)
            said, meant = f"due {due:%-d %B %Y}", f"due {moved:%-d %B %Y}"
            for model, newest in last.items():
                for pk, text in (model.objects.filter(case=case, pk__gt=newest)
                                 .values_list("pk", "text")):
                    model.objects.filter(pk=pk).update(text=text.replace(said, meant))

    def incidents(self, case: Any, **lookup: Any) -> None:
        from saferplaces.apps.cases import linking, services

        officer = self.officers[self._owner(case)]
        found = linking.visible_incidents(officer).filter(**lookup)
        services.link_incidents(self.access(case), officer, found)

    def place(self, agency: str, name: str, x: float, y: float, *, kind: str = "address",
              description: str = "") -> Any:
        from saferplaces.apps.places import services

        place = services.create_place(self.officers[agency], name=name, kind=kind, x=x, y=y,
                                      description=description)
        self.made.places += 1
        return place

    def link_place(self, case: Any, place: Any) -> None:
        from saferplaces.apps.places import services

        services.link_place(self.access(case), self.officers[self._owner(case)], place)

    # --- the planted patterns ----------------------------------------------------------------

    def asb(self) -> None:
        complainants = sorted((c for c in self.truth.get("repeat_complainants", [])
                               if c.get("kind") == "repeat complainant"),
                              key=lambda c: (-int(c["count"]), c["complainant_ref"]))[:ASB_CASES]
        for n, planted in enumerate(complainants):
            category = planted["categories"][0] if planted.get("categories") else "Anti-social behaviour"
            street = planted["address"].split(" ", 1)[-1]
            case = self.case("council", "repeat-asb", f"{category}, {street}",
                             f"{planted['count']} reports to the council from one household "
                             f"between {planted['first']} and {planted['last']} "
                             f"(complainant {planted['complainant_ref']} in the council's log).",
                             risk="high" if n == 0 else "medium" if n == 1 else "standard",
                             lead=self.practitioner)
            complainant = self.person("council", age=40 + 7 * n, address=planted["address"],
                                      consent=True, vulnerabilities=("repeat-victim",))
            neighbour = self.person("council", age=25 + 5 * n, estimated=True)
            self.party(case, complainant, "complainant")
            self.party(case, neighbour, "alleged-perpetrator")
            self.incidents(case, source="council-asb", victim_ref=planted["complainant_ref"])
            self.share(case, "police", "crime-and-disorder-s115")
            self.move(case, "active", *(["under_review"] if n == 3 else []))
            self.note(case, "Visited the complainant; diary sheets left. Noise app offered.")
            self.note(case, "The neighbour's tenancy officer has been told (owner only).",
                      owner_only=True)
            self.note(case, "Two calls to the address last month; no offences disclosed.",
                      agency="police")
            who = self.practitioner
            self.task(case, "Review the diary sheets with the complainant", agency="council",
                      user=who, due_in_days=-6 if n < 2 else 5)
            self.task(case, "Check police calls to the address", agency="police",
                      due_in_days=3 + n)
            if n == 1:
                self.share(case, "probation", "crime-and-disorder-s115", level="limited")
                self.task(case, "Say whether the neighbour is under supervision",
                          agency="probation", user=self.probation_manager, due_in_days=-3)

    def hate(self) -> None:
        victims = sorted((v for v in self.truth.get("repeat_victims", [])
                          if v.get("kind") == "hate"),
                         key=lambda v: (-int(v["count"]), v["victim_ref"]))[:HATE_CASES]
        for n, planted in enumerate(victims):
            case = self.case("police", "hate",
                             f"Repeat hate incidents, {planted['first'][:7]} to {planted['last'][:7]}",
                             f"{planted['count']} crimes against one victim "
                             f"({planted['victim_ref']} in the local police records).",
                             risk="high" if n == 0 else "medium")
            victim = self.person("police", age=34 + 9 * n, consent=True,
                                 vulnerabilities=("repeat-victim",) + (("language",) if n == 1 else ()),
                                 locked_down=n == 1, confidential_address=n == 0,
                                 address="Address held by the police (synthetic)" if n == 0 else "",
                                 postcode="ZZ9 9ZZ" if n == 0 else "")
            self.party(case, victim, "victim")
            self.incidents(case, source="local", victim_ref=planted["victim_ref"])
            self.share(case, "council", "")
            self.share(case, "charity", "")
            self.move(case, "active")
            self.note(case, "Victim supported to report online; hate crime advocate assigned.")
            self.note(case, "Suspect identified from CCTV; enquiries continue (owner only).",
                      owner_only=True)
            self.task(case, "Offer a support visit", agency="charity", due_in_days=-2 if n == 0 else 4)
            self.task(case, "Consider a target-hardening visit", agency="council",
                      user=self.practitioner, due_in_days=10)

    def county_line(self) -> None:
        line = self.truth.get("county_line") or {}
        nominals = {n["ref"]: n for n in line.get("nominals", [])}
        addresses = line.get("cuckooed_addresses", [])
        places = [self.place("police", case_place_name(a["address"]), a["easting"], a["northing"],
                             description=f"Cuckooed address, {a['cuckooed_from']} to "
                                         f"{a['cuckooed_to']} (synthetic).")
                  for a in addresses]
        children = [n for n in nominals.values() if int(n["age"]) < 18]
        adults = [n for n in nominals.values() if int(n["age"]) >= 18]
        child_case = self.case("police", "exploitation",
                               "Child criminal exploitation (county line)",
                               f"{len(children)} children running drugs for a county line.",
                               risk="high")
        for nominal in children:
            child = self.person("police", age=int(nominal["age"]),
                                vulnerabilities=("exploitation",))
            self.party(child_case, child, "nominal")
        carer = self.person("police", age=44, consent=True)
        self.party(child_case, carer, "parent-carer")
        for place in places:
            self.link_place(child_case, place)
        self.share(child_case, "council", "safeguarding-children")
        self.move(child_case, "active")
        self.note(child_case, "Strategy discussion held with children's services.")
        self.note(child_case, "Handset attribution from intelligence (owner only).", owner_only=True)
        self.task(child_case, "Return-home interview after the last missing episode",
                  agency="council", user=self.practitioner, due_in_days=-1)

        cuckoo_case = self.case("police", "exploitation",
                                "Cuckooed addresses: " + "; ".join(
                                    case_place_name(a["address"]).split(", ")[-1]
                                    .removesuffix(" (synthetic)") for a in addresses),
                                f"{len(addresses)} homes taken over by a county line; resident victims "
                                "supported, adult nominals investigated.", risk="high")
        for n, address in enumerate(addresses):
            resident = self.person("police", age=52 - 9 * n, consent=n == 0, locked_down=n == 1,
                                   vulnerabilities=("learning-disability",) if n == 0
                                   else ("substance-misuse",))
            self.party(cuckoo_case, resident, "vulnerable-person")
            self.incidents(cuckoo_case, source="local", source_ref__in=address.get("local_refs", []))
        for nominal in adults:
            adult = self.person("police", age=int(nominal["age"]),
                                locked_down=nominal.get("role") == "line holder")
            self.party(cuckoo_case, adult, "alleged-perpetrator")
        for place in places:
            self.link_place(cuckoo_case, place)
        self.share(cuckoo_case, "council", "crime-and-disorder-s115")
        self.refer(cuckoo_case, "probation", "crime-and-disorder-s115",
                   "One alleged perpetrator is believed to be under probation supervision: "
                   "please share offender management information.")
        self.move(cuckoo_case, "active")
        self.note(cuckoo_case, "Closure order applied for at the first address.")
        self.note(cuckoo_case, "Covert tactics authorised (owner only).", owner_only=True)
        self.task(cuckoo_case, "Housing: assess the resident for a management move",
                  agency="council", user=self.practitioner, due_in_days=2)

    def modern_slavery(self) -> None:
        case = self.case("police", "modern-slavery", "Labour exploitation at a hand car wash",
                         "Two workers found living on site; passports held by the employer. "
                         "National Referral Mechanism referral made.", risk="high")
        adult = self.person("police", age=31, consent=True, locked_down=True,
                            confidential_address=True, vulnerabilities=("language",),
                            address="Safe house (synthetic)", postcode="ZZ9 8ZZ")
        child = self.person("police", age=17, estimated=True, vulnerabilities=("language",))
        self.party(case, adult, "victim")
        self.party(case, child, "victim")
        self.share(case, "council", "modern-slavery")
        self.refer(case, "charity", "modern-slavery",
                   "Please offer independent support and an interpreter to both victims.")
        self.note(case, "Both victims moved to safe accommodation.")
        self.task(case, "Age assessment for the younger victim", agency="council",
                  user=self.practitioner, due_in_days=-4)

    def landmarks(self) -> None:
        for spot in self.truth.get("repeat_locations", []):
            self.place("police", f"{spot['kind']} ({spot['business_ref']}, synthetic)",
                       spot["easting"], spot["northing"], kind="location",
                       description=f"Repeat location: {', '.join(spot['categories'])}.")
        for hotspot in self.truth.get("hotspots", []):
            self.place("council", f"{hotspot['label']} (synthetic hotspot)", hotspot["x"],
                       hotspot["y"], kind="location",
                       description=f"Planted hotspot within {hotspot['radius_m']} m.")


def make_demo_cases(directory: Path, *, today: datetime.date | None = None) -> DemoCases:
    """Build the demo's casework from ``directory``'s ``ground_truth.json`` (module docstring),
    unless an earlier run already did."""
    from django.db import transaction
    from django.utils import timezone

    from saferplaces.apps.cases.models import Case

    started = time.perf_counter()
    if Case.objects.filter(summary__contains=MARKER).exists():
        return DemoCases(already_present=True)
    truth = json.loads((directory / "ground_truth.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        builder = _Builder(truth, today or timezone.localdate())
        builder.duplicate_check_people()
        builder.asb()
        builder.hate()
        builder.county_line()
        builder.modern_slavery()
        builder.landmarks()
    builder.made.seconds = time.perf_counter() - started
    return builder.made
