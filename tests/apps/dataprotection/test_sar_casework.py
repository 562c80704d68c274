"""Subject access, case-work records: a person's copy holds every record whose subject is them
(risk assessment, 2014 Act action and its breach, complaint, Case Review application,
safeguarding concern, MASH and MARAC referrals, hate details as the victim, NRM referral), the
free text of those records redacted like notes and reviewed like notes; other people's records
and Duty to Notify records never appear. Built through each app's services."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from saferplaces.apps.asb import actions, risk
from saferplaces.apps.casereview import services as casereview
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.dataprotection import review
from saferplaces.apps.dataprotection.redact import THIRD_PARTY
from saferplaces.apps.dataprotection.sar import render_pdf, subject_access, to_json
from saferplaces.apps.hate import services as hate
from saferplaces.apps.people.models import Person
from saferplaces.apps.safeguarding import services as safeguarding
from saferplaces.apps.slavery import services as slavery
from saferplaces.apps.slavery.models import DutyToNotify, NrmReferral
from tests.apps.asb.conftest import MEDIUM
from tests.apps.cases.conftest import add, open_case, person, share
from tests.apps.dataprotection.test_sar import mentions, pdf_text

TODAY = timezone.localdate()
#: A neighbour the system does not hold: her number must not reach the copy.
NEIGHBOURS_PHONE = "07700 900456"
JUDGEMENT = f"Her neighbour rang from {NEIGHBOURS_PHONE} to say Sarah no longer goes out"
BREACH = f"Played music at 2am; reported by the neighbour on {NEIGHBOURS_PHONE}"


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@dataclass
class World:
    subject: Person
    other: Person
    references: dict[str, str]


def _access(user: Any, case: Any) -> Any:
    return get_case_for_user(user, case.pk)


@pytest.fixture
def world(partnership) -> World:
    manager = partnership.user("owner", "case_manager")
    owner = partnership.owner
    subject = person(owner, "Sarah", "Subject", born=datetime.date(1988, 2, 14))
    other = person(owner, "Oliver", "Ockwell", born=datetime.date(1975, 7, 23))
    refs: dict[str, str] = {}

    asb = open_case(manager, "repeat-asb", "Noise next door")
    add(manager, asb, subject, "victim")
    add(manager, asb, other, "alleged-perpetrator")
    add(manager, asb, other, "witness")  # a counter-allegation: he may complain too
    refs["asb"] = asb.reference
    risk.assess_person(_access(manager, asb), manager, person_id=subject.pk, answers=MEDIUM,
                       raise_to="high", reason=JUDGEMENT)
    warning = actions.record_action(_access(manager, asb), manager, kind="cpw",
                                    agency=owner, officer="PC 1234 Example",
                                    person_id=subject.pk, on=days_ago(40),
                                    comply_by=days_ago(26))
    actions.add_breach(_access(manager, asb), manager, warning, version=warning.version,
                       breach=actions.BreachInput(on=days_ago(6), description=BREACH))
    # Oliver's own records: never in Sarah's copy
    others_warning = actions.record_action(_access(manager, asb), manager, kind="cpw",
                                          agency=owner, officer="PC 1234 Example",
                                          person_id=other.pk, on=days_ago(30),
                                          comply_by=days_ago(16),
                                          conditions="Oliver-only condition")
    assert others_warning.person_id == other.pk
    casereview.add_complaint(_access(manager, asb), manager, complainant_id=subject.pk,
                             behaviour_on=days_ago(20), reported_on=days_ago(19),
                             channel="telephone")
    casereview.add_complaint(_access(manager, asb), manager, complainant_id=other.pk,
                             behaviour_on=days_ago(18), reported_on=days_ago(17),
                             channel="telephone")
    casereview.apply(_access(manager, asb), manager, applied_on=days_ago(5), channel="telephone",
                     applicant_id=subject.pk)

    exploited = open_case(manager, "exploitation", "Home taken over")
    add(manager, exploited, subject, "victim")
    share(exploited, partnership.partner)
    refs["exploitation"] = exploited.reference
    concern = safeguarding.record_concern(_access(manager, exploited), manager,
                                          person_id=subject.pk, concern_on=days_ago(10),
                                          exploitation_types=["cuckooing"])
    safeguarding.refer_to_mash(_access(manager, exploited), manager, concern_id=concern.pk,
                               mash_agency=partnership.partner,
                               received_at=timezone.now() - datetime.timedelta(days=9))

    domestic = open_case(manager, "domestic-abuse", "Abuse at home")
    add(manager, domestic, subject, "victim")
    add(manager, domestic, other, "alleged-perpetrator")
    refs["domestic"] = domestic.reference
    safeguarding.refer_to_marac(_access(manager, domestic), manager, victim_id=subject.pk,
                                referred_on=days_ago(8))

    abuse = open_case(manager, "hate", "Abuse at the bus stop")
    add(manager, abuse, subject, "victim")
    add(manager, abuse, other, "alleged-perpetrator")
    refs["hate"] = abuse.reference
    hate.save_details(_access(manager, abuse), manager, version=None, recorded_on=days_ago(3),
                      kind="crime", strands=["race"], perceived_by="victim")

    slavery_case = open_case(manager, "modern-slavery", "Car wash workers")
    add(manager, slavery_case, subject, "victim")
    refs["slavery"] = slavery_case.reference
    party = slavery_case.parties.get(person=subject)
    # Sarah first declines (an anonymous Duty to Notify record), then consents
    declined = slavery.refer(_access(manager, slavery_case), manager, party_id=party.pk,
                             first_responder="police", referred_on=days_ago(4),
                             exploitation_types=["labour"], consented=False)
    assert isinstance(declined, DutyToNotify)
    made = slavery.refer(_access(manager, slavery_case), manager, party_id=party.pk,
                         first_responder="police", referred_on=days_ago(2),
                         exploitation_types=["labour"], consented=True)
    assert isinstance(made, NrmReferral)
    return World(subject, other, refs)


def records(copy: dict[str, Any], section: str) -> list[dict[str, Any]]:
    return next(s["records"] for s in copy["casework"] if s["section"] == section)


def kinds(copy: dict[str, Any]) -> list[str]:
    return sorted(r["kind"] for s in copy["casework"] for r in s["records"])


def test_a_person_gets_every_casework_record_about_them_under_its_heading(world):
    copy = subject_access(world.subject)
    assert kinds(copy) == sorted([
        "ASB risk assessment", "2014 Act action", "Breach of a 2014 Act action",
        "Anti-social behaviour complaint", "ASB Case Review application",
        "Safeguarding concern", "MASH referral", "MARAC referral",
        "Hate crime or incident details", "National Referral Mechanism referral"])
    assessment = records(copy, "asb")[0]
    assert assessment["details"]["band"] == "High"
    assert assessment["details"]["answers"]
    assert records(copy, "hate")[0]["case"] == world.references["hate"]
    assert records(copy, "slavery")[0]["details"]["consented"] is True
    assert [s["heading"] for s in copy["casework"]][0].startswith("Anti-social behaviour")


def test_another_persons_records_are_absent(world):
    copy = subject_access(world.subject)
    actions_in_copy = [r for r in records(copy, "asb") if r["kind"] == "2014 Act action"]
    assert len(actions_in_copy) == 1
    assert "Oliver-only condition" not in to_json(copy)
    assert len(records(copy, "casereview")) == 2  # her complaint and her application
    # and Oliver, the alleged perpetrator, gets his own records and none of Sarah's
    his = subject_access(world.other)
    assert kinds(his) == ["2014 Act action", "Anti-social behaviour complaint"]
    assert "Hate crime or incident details" not in kinds(his)


def test_a_third_partys_phone_in_a_breach_or_judgement_reason_is_redacted(world):
    copy = subject_access(world.subject)
    text = to_json(copy)
    assert not mentions(text, NEIGHBOURS_PHONE)
    asb = {r["kind"]: r for r in records(copy, "asb")}
    assert THIRD_PARTY in asb["Breach of a 2014 Act action"]["free_text"]["description"]
    assert asb["Breach of a 2014 Act action"]["free_text"]["description"].startswith(
        "Played music at 2am")
    assert THIRD_PARTY in asb["ASB risk assessment"]["free_text"]["judgement_reason"]


def test_a_duty_to_notify_record_never_appears(world):
    assert DutyToNotify.objects.count() == 1
    copy = subject_access(world.subject)
    assert len(records(copy, "slavery")) == 1
    text = to_json(copy).casefold()
    assert "duty to notify" not in text and "notified_on" not in text


def test_casework_records_with_free_text_are_review_items_and_withholding_leaves_them_out(world):
    copy = subject_access(world.subject)
    keys = {item.key: item for item in review.items(copy)}
    asb = {r["kind"]: r["item"] for r in records(copy, "asb")}
    breach, judged = asb["Breach of a 2014 Act action"], asb["ASB risk assessment"]
    assert breach in keys and judged in keys
    assert keys[breach].kind == "Breach of a 2014 Act action"
    # records with nothing written by staff are not items
    assert not any(key.startswith(("nrm-referral", "asb-complaint")) for key in keys)
    decisions = {key: review.Decision(False) for key in keys}
    decisions[breach] = review.Decision(True, "crime")
    released = review.release(copy, decisions)
    left = [r["item"] for r in records(released, "asb")]
    assert breach not in left and judged in left
    assert released["exemptions_claimed"][0]["items_withheld"] == 1


def test_a_case_the_managers_agency_cannot_see_leaves_its_records_out_of_the_page_copy(
        world, partnership):
    """The council (partner) sees only the exploitation case in full: only its records."""
    manager = partnership.user("partner", "case_manager")
    copy = subject_access(world.subject, viewer=manager)
    shown = {r["case"] for s in copy["casework"] for r in s["records"]}
    assert shown == {world.references["exploitation"]}


def test_the_pdf_lists_the_casework_records_under_their_headings(world):
    copy = subject_access(world.subject)
    text = " ".join(pdf_text(render_pdf(copy)).split())
    assert "Hate crime and hate incident details" in text
    assert "Breach of a 2014 Act action" in text
    assert "Played music at 2am" in text
    assert not mentions(text, NEIGHBOURS_PHONE)
    assert json.loads(to_json(copy))["casework"] == copy["casework"]
