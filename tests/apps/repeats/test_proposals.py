"""Repeats found in the incident store are proposed to the case managers of the agency holding
the records, as a new case or a link to the agency's case; decided once (accept through the
cases services, or dismiss with a reason), audited, and never proposed again after dismissal
unless new incidents arrive."""

from __future__ import annotations

import datetime

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases import services as cases
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Case, CaseIncident, Status
from saferplaces.apps.incidents.models import Area, Incident, MapPoint, MapPointArea
from saferplaces.apps.repeats import services
from saferplaces.apps.repeats.figures import figures
from saferplaces.apps.repeats.models import Proposal
from tests.apps.cases.conftest import open_case, share
from tests.apps.repeats.conftest import FLAT, HOME, incident, only, propose


def test_a_repeat_victim_in_police_records_is_proposed_to_the_police_with_its_evidence(repeat_victim, holders):
    run = propose()
    proposal = only(kind="victim")
    assert (run.proposed, proposal.agency, proposal.key, proposal.source) == (
        1, holders.owner, "V100001", "local")
    assert sorted(proposal.evidence.values_list("incident_id", flat=True)) == [i.pk for i in repeat_victim]
    assert (str(proposal.first_on), str(proposal.last_on)) == ("2025-03-02", "2025-04-02")
    assert proposal.categories == ["Violence with injury"]
    assert "repeats.victim.threshold" in proposal.rule
    assert proposal.existing_case is None and proposal.status == "open"
    assert AuditEvent.objects.filter(object_type="repeat-proposal", action="create",
                                     object_id=str(proposal.pk)).count() == 1


def test_running_detection_again_proposes_nothing_twice(repeat_victim):
    propose()
    again = propose()
    assert (again.proposed, again.updated) == (0, 0)
    assert Proposal.objects.count() == 1


def test_a_source_with_no_holding_agency_is_not_read(partnership):
    incident("2025-03-02", victim="V1", source="fire")
    incident("2025-03-09", victim="V1", source="fire")
    run = propose()
    assert run.unheld == ["fire"] and Proposal.objects.count() == 0


def test_a_repeat_complainant_in_the_council_log_goes_to_the_council(holders):
    for day in ("2025-02-01", "2025-05-01"):
        incident(day, victim="C555", category="Noise nuisance", source="council-asb",
                 location="12 Elm Road")
    propose()
    proposal = only(kind="complainant")
    assert (proposal.agency, proposal.key) == (holders.partner, "C555")


def test_a_cuckooed_flat_is_a_repeat_location_of_each_agency_that_holds_records_of_it(holders):
    for day, victim in (("2025-03-01", ""), ("2025-03-20", ""), ("2025-04-02", "V7"), ("2025-05-02", "V8")):
        incident(day, victim=victim, category="Trafficking of drugs", at=FLAT)
    for day, who in (("2025-03-05", "C1"), ("2025-03-25", "C2"), ("2025-04-05", "C1"), ("2025-04-25", "C2")):
        incident(day, victim=who, category="Drug dealing", source="council-asb", at=FLAT,
                 location="Flat 3, 52 Falcon Walk")
    propose()
    places = Proposal.objects.filter(kind="location")
    assert sorted((p.agency.name, p.key) for p in places) == [
        ("Colchester City Council", "601111,226969"), ("Essex Police", "601111,226969")]
    assert places.get(agency=holders.partner).place == "Flat 3, 52 Falcon Walk"
    assert sorted(Proposal.objects.filter(kind="complainant").values_list("key", flat=True)) == ["C1", "C2"]


def test_a_dismissed_proposal_is_not_proposed_again_until_a_new_incident_arrives(repeat_victim, holders):
    propose()
    manager = holders.user("owner", "case_manager")
    proposal = only(kind="victim")
    services.dismiss(manager, proposal, version=proposal.version,
                     reason="Known to the neighbourhood team; managed without a case")
    assert propose().proposed == 0
    assert propose().decided == 1
    incident("2025-06-01", victim="V100001")
    assert propose().proposed == 1
    newest = Proposal.objects.filter(kind="victim").latest("pk")
    assert newest.status == "open" and newest.evidence.count() == 3


def test_a_new_incident_joins_the_open_proposal_and_a_decision_on_the_old_evidence_is_refused(
        repeat_victim, holders):
    propose()
    proposal = only(kind="victim")
    seen = proposal.version
    incident("2025-04-20", victim="V100001")
    assert propose().updated == 1
    proposal.refresh_from_db()
    assert proposal.evidence.count() == 3 and proposal.version == seen + 1
    with pytest.raises(services.Conflict):
        services.dismiss(holders.user("owner", "case_manager"), proposal, version=seen,
                         reason="Dealt with by the safer neighbourhood team already")
    assert only(kind="victim").status == "open"


def test_accepting_opens_a_case_of_the_agency_with_the_incidents_through_the_cases_services(
        repeat_victim, holders):
    propose()
    manager = holders.user("owner", "case_manager")
    proposal = only(kind="victim")
    case = services.accept(manager, proposal, version=proposal.version, link=False,
                           case_type="hate", risk="medium")
    proposal.refresh_from_db()
    assert (case.owner_agency, case.case_type, case.risk) == (holders.owner, "hate", "medium")
    assert case.title == "Repeat victim, Colchester 016C: March 2025 to April 2025"
    assert "V100001" not in case.title
    assert sorted(case.incident_links.values_list("incident_id", flat=True)) == [i.pk for i in repeat_victim]
    assert (proposal.status, proposal.case, proposal.decided_by) == ("accepted", case, manager)
    assert case.timeline.filter(kind="incidents").exists()
    assert AuditEvent.objects.filter(object_type="repeat-proposal", action="update",
                                     object_id=str(proposal.pk), username=manager.username).exists()
    with pytest.raises(services.Conflict):
        services.accept(manager, proposal, version=proposal.version, link=False)


def test_incidents_partly_on_a_case_of_the_agency_are_proposed_as_a_link_to_that_case(
        repeat_victim, holders):
    manager = holders.user("owner", "case_manager")
    case = open_case(manager, case_type="hate")
    cases.link_incidents(get_case_for_user(manager, case.pk), manager,
                         Incident.objects.filter(pk=repeat_victim[0].pk))
    propose()
    proposal = only(kind="victim")
    assert proposal.existing_case == case
    linked = services.accept(manager, proposal, version=proposal.version, link=True)
    assert linked == case and Case.objects.count() == 1
    assert case.incident_links.count() == 2


def test_a_repeat_whose_incidents_are_all_on_the_agencys_cases_is_not_proposed(repeat_victim, holders):
    manager = holders.user("owner", "case_manager")
    case = open_case(manager)
    cases.link_incidents(get_case_for_user(manager, case.pk), manager,
                         Incident.objects.filter(pk__in=[i.pk for i in repeat_victim]))
    run = propose()
    assert (run.proposed, run.on_cases) == (0, 1)


def test_a_case_of_another_agency_not_shared_with_the_holder_is_not_offered_for_a_link(
        repeat_victim, holders):
    council = holders.user("partner", "case_manager")
    theirs = open_case(council)
    CaseIncident.objects.create(case=theirs, incident=repeat_victim[0])
    propose()
    assert only(kind="victim").existing_case is None
    share(theirs, holders.owner)
    incident("2025-04-09", victim="V100001")
    propose()
    assert only(kind="victim").existing_case == theirs


def test_a_closed_case_is_not_offered_for_a_link(repeat_victim, holders):
    manager = holders.user("owner", "case_manager")
    case = open_case(manager)
    cases.link_incidents(get_case_for_user(manager, case.pk), manager,
                         Incident.objects.filter(pk=repeat_victim[0].pk))
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    propose()
    assert only(kind="victim").existing_case is None


def test_a_dismissal_needs_a_reason_and_is_audited_without_it(repeat_victim, holders):
    propose()
    manager = holders.user("owner", "case_manager")
    proposal = only(kind="victim")
    with pytest.raises(services.RepeatRuleError, match="Say why"):
        services.dismiss(manager, proposal, version=proposal.version, reason="no")
    services.dismiss(manager, proposal, version=proposal.version,
                     reason="Victim moved away; the force's safeguarding team has it")
    event = AuditEvent.objects.get(object_type="repeat-proposal", action="update")
    assert event.changed_fields == ["reason", "status"] and "moved" not in event.reason
    assert only(kind="victim").reason.startswith("Victim moved away")


def test_another_agencys_case_manager_cannot_decide_a_proposal(repeat_victim, holders):
    propose()
    proposal = only(kind="victim")
    with pytest.raises(services.RepeatRuleError, match="holds the records"):
        services.dismiss(holders.user("partner", "case_manager"), proposal,
                         version=proposal.version, reason="Not ours to decide, but trying anyway")


def test_a_home_with_four_crimes_against_one_repeat_victim_is_proposed_once_as_the_victim(holders):
    for day in ("2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"):
        incident(day, victim="V42", category="Domestic abuse", at=HOME)
    propose()
    assert list(Proposal.objects.values_list("kind", flat=True)) == ["victim"]


def test_the_figures_count_proposals_and_decisions_in_aggregate(repeat_victim, holders):
    for day in ("2025-02-01", "2025-05-01"):
        incident(day, victim="C9", category="Noise nuisance", source="council-asb")
    propose()
    manager = holders.user("owner", "case_manager")
    proposal = only(kind="victim")
    services.accept(manager, proposal, version=proposal.version, link=False)
    today = datetime.date.today()
    counted = figures(today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))
    assert counted == {"repeat_proposals": 2, "repeat_proposals_victim": 1,
                       "repeat_proposals_complainant": 1, "repeat_proposals_location": 0,
                       "repeat_accepted_new_case": 1, "repeat_accepted_link": 0,
                       "repeat_dismissed": 0}
    assert figures(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))["repeat_proposals"] == 0


def test_partner_records_are_named_by_the_lsoa_their_map_point_falls_in(holders):
    lsoa = Area.objects.create(kind="lsoa", code="E01021670", name="Colchester 002C", geometry={})
    point = MapPoint.objects.create(lon=0.92211, lat=51.904947)
    MapPointArea.objects.create(point=point, area=lsoa)
    for day in ("2025-02-01", "2025-05-01"):
        incident(day, victim="C31", category="Noise nuisance", source="council-asb", area="",
                 point=point)
    propose()
    assert only(kind="complainant").area == "Colchester 002C"
