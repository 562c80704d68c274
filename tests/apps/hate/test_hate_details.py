"""Hate details on a hate case: several strands, perceived by the victim or another person,
crime or non-crime hate incident; an NCHI only with the Code of Practice's ground and
reasoning, and only while the partnership's dated rule allows it; no lost updates."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from saferplaces.apps.cases.models import TimelineEntry
from saferplaces.apps.hate.models import HateDetails
from tests.apps.cases.conftest import share
from tests.apps.hate.conftest import DAY, HARM, details, form, hate_case, victim


@pytest.fixture
def manager(partnership):
    return partnership.user("owner", "case_manager")


def test_a_hate_case_records_several_strands_and_who_else_perceived_it(partnership,
                                                                      signed_in_client, manager):
    case = hate_case(manager, victim(partnership.owner))
    client = signed_in_client(manager)
    answer = client.post(f"/hate/cases/{case.pk}/", form(strands=["race", "religion-or-belief"],
                                                         perceived_by="other",
                                                         perceiver="witness"))
    assert answer.status_code == 302
    saved = HateDetails.objects.get(case=case)
    assert saved.strands == ["race", "religion-or-belief"] and saved.perceiver == "witness"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Race, Religion or belief" in page and "Another person (A witness)" in page
    timeline = TimelineEntry.objects.filter(case=case, kind="hate").get()
    assert "Race" not in timeline.text and case.reference in timeline.text


def test_non_crime_hate_incident_without_code_of_practice_ground_is_refused(partnership,
                                                                           signed_in_client,
                                                                           manager):
    case = hate_case(manager)
    client = signed_in_client(manager)
    answer = client.post(f"/hate/cases/{case.pk}/", form(kind="non-crime"))
    assert answer.status_code == 400
    assert "needs a ground from the Code of Practice" in answer.content.decode()
    assert not HateDetails.objects.filter(case=case).exists()
    answer = client.post(f"/hate/cases/{case.pk}/", form(kind="non-crime", nchi_ground=HARM,
                                                         nchi_reasoning="Third threat in a month"))
    assert answer.status_code == 302 and HateDetails.objects.get(case=case).nchi_ground == HARM


def test_non_crime_hate_incidents_switched_off_from_a_date_by_the_law_file(partnership, manager,
                                                                          signed_in_client,
                                                                          settings, tmp_path: Path):
    local = tmp_path / "local-law.toml"
    local.write_text('''
[[rules."hate.nchi.recording_allowed".values]]
from = 2026-06-01
value = false
source = "Partnership decision following the national review"
''', encoding="utf-8")
    settings.SAFERPLACES_LAW_FILE = str(local)
    client = signed_in_client(manager)
    nchi = {"kind": "non-crime", "nchi_ground": HARM, "nchi_reasoning": "Named threats"}
    before, after = hate_case(manager), hate_case(manager)
    assert client.post(f"/hate/cases/{before.pk}/",
                       form(datetime.date(2026, 5, 31), **nchi)).status_code == 302
    refused = client.post(f"/hate/cases/{after.pk}/", form(datetime.date(2026, 6, 1), **nchi))
    assert refused.status_code == 400 and "hate.nchi.recording_allowed" in refused.content.decode()
    assert not HateDetails.objects.filter(case=after).exists()
    assert client.post(f"/hate/cases/{after.pk}/",
                       form(datetime.date(2026, 6, 1))).status_code == 302  # a crime still is


def test_a_stale_change_saves_nothing_and_shows_both_versions(partnership, signed_in_client,
                                                              manager):
    case = hate_case(manager)
    first = details(manager, case)
    client = signed_in_client(manager)
    assert client.post(f"/hate/cases/{case.pk}/",
                       form(strands=["disability"], version=first.version)).status_code == 302
    stale = client.post(f"/hate/cases/{case.pk}/",
                        form(strands=["sexual-orientation"], version=first.version))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Sexual orientation" in page and "Disability" in page and "Nothing was saved" in page
    assert HateDetails.objects.get(case=case).strands == ["disability"]


def test_hate_details_only_on_hate_cases(partnership, signed_in_client, manager):
    from tests.apps.cases.conftest import open_case

    asb = open_case(manager)
    assert signed_in_client(manager).get(f"/hate/cases/{asb.pk}/").status_code == 403


def test_outsider_gets_404_and_a_limited_share_cannot_see_or_change_the_details(
        partnership, signed_in_client, manager):
    case = hate_case(manager)
    details(manager, case, strands=("transgender-identity",))
    share(case, partnership.partner, "limited")
    outsider = signed_in_client(partnership.user("outsider", "case_manager"))
    assert outsider.get(f"/hate/cases/{case.pk}/").status_code == 404
    assert outsider.get(f"/api/cases/{case.pk}/hate/").status_code == 404
    partner = signed_in_client(partnership.user("partner", "case_manager"))
    assert "Transgender identity" not in partner.get(f"/cases/{case.pk}/").content.decode()
    assert partner.get(f"/hate/cases/{case.pk}/").status_code == 403
    assert partner.get(f"/api/cases/{case.pk}/hate/").status_code == 403


def test_a_partner_with_a_full_share_records_the_details_through_the_api(
        partnership, signed_in_client, manager):
    case = hate_case(manager)
    share(case, partnership.partner)
    partner = signed_in_client(partnership.user("partner", "practitioner"))
    answer = partner.put(f"/api/cases/{case.pk}/hate/",
                         {"recorded_on": DAY.isoformat(), "kind": "crime",
                          "strands": ["disability"], "perceived_by": "victim"},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["details"]["strands"] == ["disability"]
    refused = partner.put(f"/api/cases/{case.pk}/hate/",
                          {"recorded_on": DAY.isoformat(), "kind": "non-crime",
                           "strands": ["disability"], "perceived_by": "victim",
                           "version": answer.json()["details"]["version"]},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "nchi_ground"


def test_who_else_perceived_it_is_a_role_from_the_vocabulary_never_a_name(partnership,
                                                                        signed_in_client, manager):
    case = hate_case(manager, victim(partnership.owner))
    client = signed_in_client(manager)
    named = "Her neighbour John Smith 07700900111"
    page = client.post(f"/hate/cases/{case.pk}/", form(perceived_by="other", perceiver=named))
    assert page.status_code == 400 and not HateDetails.objects.filter(case=case).exists()
    api = client.put(f"/api/cases/{case.pk}/hate/",
                     {"recorded_on": DAY.isoformat(), "kind": "crime", "strands": ["race"],
                      "perceived_by": "other", "perceiver": named}, content_type="application/json")
    assert api.status_code == 400 and "perceiver" in api.json()
    assert not HateDetails.objects.filter(case=case).exists()
    ok = client.put(f"/api/cases/{case.pk}/hate/",
                    {"recorded_on": DAY.isoformat(), "kind": "crime", "strands": ["race"],
                     "perceived_by": "other", "perceiver": "family-member"},
                    content_type="application/json")
    assert ok.status_code == 200 and ok.json()["details"]["perceiver"] == "family-member"


@pytest.mark.parametrize("day", ["9999-12-31", "2027-01-01", "1899-12-31"])
def test_a_hate_recorded_day_in_the_future_or_before_1900_is_refused_and_nothing_saved(
        partnership, signed_in_client, manager, day):
    case = hate_case(manager, victim(partnership.owner))
    client = signed_in_client(manager)
    answer = client.put(f"/api/cases/{case.pk}/hate/",
                        {"recorded_on": day, "kind": "crime", "strands": ["race"],
                         "perceived_by": "victim"}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["field"] == "recorded_on"
    assert not HateDetails.objects.filter(case=case).exists()
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/api/cases/{case.pk}/hate/").status_code == 200


def test_a_non_crime_incident_dated_before_the_nchi_rules_began_is_refused_with_a_message(
        partnership, signed_in_client, manager):
    case = hate_case(manager, victim(partnership.owner))
    answer = signed_in_client(manager).put(
        f"/api/cases/{case.pk}/hate/",
        {"recorded_on": "1901-01-01", "kind": "non-crime", "strands": ["race"],
         "perceived_by": "victim", "nchi_ground": HARM, "nchi_reasoning": "Threats"},
        content_type="application/json")
    assert answer.status_code == 400 and "before 1 May 2014" in answer.json()["detail"]
    assert answer.json()["field"] == "kind"


def test_a_case_page_with_hate_details_stored_at_the_end_of_the_calendar_still_opens(
        partnership, signed_in_client, manager):
    """Details stored before the date rule existed: the page and API must not fail."""
    case = hate_case(manager, victim(partnership.owner))
    details(manager, case)
    HateDetails.objects.filter(case=case).update(recorded_on=datetime.date(9999, 12, 31))
    other = hate_case(manager, victim(partnership.owner))
    details(manager, other)
    HateDetails.objects.filter(case=other).update(recorded_on=datetime.date(1, 1, 1))
    client = signed_in_client(manager)
    for pk in (case.pk, other.pk):
        assert client.get(f"/cases/{pk}/").status_code == 200
        assert client.get(f"/api/cases/{pk}/hate/").status_code == 200
