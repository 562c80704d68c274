"""Faults found by trying the PSPO pages as a new user: the evidence pack's numbers (target
problems only, the assessment's harm weights, no comparison area under an operation, no WDQ
read off a ratio near 0/0), zone files (deep nesting, not JSON, unclosed rings, importing
twice), the form's checkboxes, leap-year periods, impossible dates and the breach-list audit."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferplaces.analysis.evaluation import wdq
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.incidents.models import Area
from saferplaces.apps.pspo import services, vocabulary
from saferplaces.apps.pspo.evidence import (
    Evidence,
    _harm,
    _leave_out_operations,
    wdq_not_meaningful,
)
from saferplaces.apps.pspo.geometry import ZoneFileError, read_zones, to_bng_geometry
from saferplaces.apps.pspo.targets import targets_of
from tests.apps.pspo.conftest import ZONE, consult_everyone, made_order

D = datetime.date
RING = [[0.8990, 51.8880], [0.9040, 51.8880], [0.9040, 51.8910], [0.8990, 51.8910],
        [0.8990, 51.8880]]


@pytest.fixture
def officer(partnership):
    return partnership.user("owner", "case_manager")


def zone_file(name="Castle Park", ring=RING):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}).encode()


def post_file(client, order, data):
    return client.post(f"/pspo/{order.pk}/zones/import/",
                       {"file": SimpleUploadedFile("zones.geojson", data)})


# 1 (a) WDQ
def test_wdq_is_not_meaningful_when_the_zone_did_not_clearly_fall():
    level = wdq(100, 98, 5000, 5010, 300, 310, seed=13)  # the zone moved with the comparison
    reason = wdq_not_meaningful(level)
    assert "did not clearly fall" in reason
    fell = wdq(100, 40, 5000, 5000, 300, 300, seed=13)
    assert fell.ci_low <= fell.wdq <= fell.ci_high
    assert wdq_not_meaningful(fell) == ""


# 1 (b) targets
def test_each_listed_term_targets_incident_categories_and_alcohol_targets_street_drinking():
    for key in vocabulary.TERMS:
        assert not targets_of([key]).empty, key
    alcohol = targets_of(["alcohol-when-asked", "alcohol-surrender"])
    assert alcohol.categories == ("Street drinking",) and alcohol.flags == ("alcohol",)
    assert "Aggressive begging" in targets_of(["aggressive-begging"]).categories
    assert "Drugs" in targets_of(["drug-paraphernalia"]).categories
    assert targets_of([vocabulary.OTHER]).empty


def test_the_evidence_pack_states_what_it_counts(partnership, signed_in_client):
    order = made_order(partnership.user("owner", "case_manager"))
    page = signed_in_client(partnership.user("owner", "viewer")).get(f"/pspo/{order.pk}/evidence/")
    assert b"terms target are counted: incidents recorded as" in page.content
    assert b"Street drinking" in page.content and b"Aggressive begging" in page.content


# 1 (c) harm weights
def test_the_harm_weights_are_the_strategic_assessments_with_its_extra_weights():
    lookup = _harm().lookup()
    for category in ("Violence with injury", "Robbery of personal property", "Street drinking",
                     "Anti-social behaviour"):
        assert category.casefold() in lookup, category


# 1 (d) comparison areas under an operation
def square(x0, y0, size=0.01):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size],
                                                [x0, y0 + size], [x0, y0]]]}


def test_a_comparison_area_under_an_operation_or_street_week_in_the_periods_is_left_out(
        partnership):
    from shapely.geometry import shape

    from saferplaces.apps.assessments.models import StreetWeek
    from saferplaces.apps.operations.models import Operation

    areas = {code: Area.objects.create(kind="neighbourhood", code=code, name=code,
                                       geometry=square(0.80 + 0.02 * n, 51.90))
             for n, code in enumerate(["A", "B", "C", "D"])}
    agency = partnership.owner
    op = Operation.objects.create(name="Nightjar", kind="town-centre", start=D(2024, 3, 1),
                                  end=D(2024, 4, 30), lead_agency=agency)
    op.areas.add(areas["A"])
    Operation.objects.create(name="Long ago", kind="other", start=D(2020, 1, 1),
                             end=D(2020, 2, 1), lead_agency=agency, polygon=square(0.82, 51.90))
    StreetWeek.objects.create(area_code="C", area_name="C", start=D(2023, 6, 5),
                              end=D(2023, 6, 11))
    candidates = [(a.code, a.name, to_bng_geometry(shape(a.geometry))) for a in areas.values()]
    evidence = Evidence((D(2023, 1, 1), D(2023, 12, 31)), None, 400, False)
    kept = _leave_out_operations(candidates, evidence, D(2023, 1, 1), D(2024, 12, 31))
    assert [code for code, _, _ in kept] == ["B", "D"]
    assert [(e["code"], e["why"]) for e in evidence.excluded] == [
        ("A", "an operation"), ("C", "a Street Week")]


# 2 zone files
def test_a_deeply_nested_or_non_json_zone_file_is_refused_in_plain_words(officer,
                                                                        signed_in_client):
    with pytest.raises(ZoneFileError, match="nested far deeper"):
        read_zones(b"[" * 100000 + b"]" * 100000)
    with pytest.raises(ZoneFileError, match="not in UTF-8") as refused:
        read_zones(b"\xff\xfe not json")
    assert "codec" not in str(refused.value)
    with pytest.raises(ZoneFileError, match="not readable JSON"):
        read_zones(b"{not json")
    order = made_order(officer)
    answer = post_file(signed_in_client(officer), order, b"[" * 100000 + b"]" * 100000)
    assert answer.status_code == 400 and b"nested far deeper" in answer.content


# 4 import twice, unclosed ring
def test_importing_the_same_zone_file_twice_adds_nothing_the_second_time(officer,
                                                                        signed_in_client):
    order = made_order(officer)
    client = signed_in_client(officer)
    assert post_file(client, order, zone_file()).status_code == 302
    count = order.zones.count()
    again = post_file(client, order, zone_file())
    assert again.status_code == 200 and b"nothing was added" in again.content
    assert order.zones.count() == count
    post_file(client, order, zone_file(name="Another name"))
    assert order.zones.count() == count + 1


def test_an_unclosed_ring_is_refused_not_closed():
    zones, problems = read_zones(zone_file(ring=RING[:3]))
    assert zones == [] and "at least four" in problems[0].message
    zones, problems = read_zones(zone_file(ring=RING[:4] + [RING[1]]))
    assert zones == [] and "not closed" in problems[0].message


# 3 checkboxes
def test_the_new_order_form_offers_the_terms_as_govuk_checkboxes(officer, signed_in_client):
    page = signed_in_client(officer).get("/pspo/new/").content.decode()
    assert 'class="govuk-checkboxes"' in page
    for key in vocabulary.TERMS:
        assert f'name="terms" type="checkbox" value="{key}"' in page
    assert 'name="terms" type="text"' not in page


def test_the_zone_import_form_offers_a_file_upload(officer, signed_in_client):
    order = made_order(officer)
    page = signed_in_client(officer).get(f"/pspo/{order.pk}/zones/import/").content.decode()
    assert 'type="file"' in page and 'class="govuk-file-upload' in page


# 5 leap years
def test_an_order_made_on_29_february_may_run_to_28_february_three_years_on(officer):
    assert services.latest_expiry(D(2024, 2, 29)) == D(2027, 2, 28)
    assert services.latest_expiry(D(2024, 1, 1)) == D(2026, 12, 31)
    assert services.period_end(D(2023, 3, 1), 1) == D(2024, 2, 29)
    order = services.create_order(officer, title="Leap", made=D(2024, 2, 29),
                                  expires=D(2027, 2, 28), terms=["dog-fouling"], today=D(2024, 2, 1))
    assert order.expires == D(2027, 2, 28)


def test_an_extension_runs_three_years_from_the_day_after_the_expiry(officer):
    order = made_order(officer, made=D(2022, 3, 1), expires=D(2025, 2, 28))
    consult_everyone(officer, order, D(2025, 1, 1))
    extension = services.extend_order(officer, order, decided=D(2025, 2, 1),
                                      new_expiry=D(2028, 2, 29), review="Still needed")
    assert extension.new_expiry == D(2028, 2, 29)


# 7 impossible dates
def test_an_order_already_expired_cannot_be_made_and_a_made_date_years_ahead_is_refused(officer):
    order = services.create_order(officer, title="Old", made=D(2024, 1, 1), expires=D(2025, 1, 1),
                                  terms=["dog-fouling"], today=D(2024, 1, 1))
    services.add_zones(officer, order, read_zones(zone_file())[0])
    consult_everyone(officer, order, D(2023, 12, 1))
    with pytest.raises(services.PspoRuleError, match="has already passed"):
        services.make_order(officer, order, today=D(2025, 1, 2))
    assert services.make_order(officer, order, today=D(2025, 1, 1)).status == "made"
    with pytest.raises(services.PspoRuleError, match="at most 12 months ahead") as refused:
        services.create_order(officer, title="Typo", made=D(2099, 1, 1), expires=D(2100, 1, 1),
                              terms=["dog-fouling"], today=D(2026, 11, 30))
    assert refused.value.field == "made"


# 6 audit
def test_reading_the_breach_list_is_audited_against_the_order(officer, signed_in_client):
    order = made_order(officer)
    assert signed_in_client(officer).get(f"/pspo/{order.pk}/breaches/").status_code == 200
    event = AuditEvent.objects.filter(action="view").latest("pk")
    assert (event.object_type, str(event.object_id), event.reason) == (
        services.RESOURCE, str(order.pk), "breach list")


def test_zone_used_in_tests_is_a_closed_ring():
    assert ZONE["coordinates"][0][0] == ZONE["coordinates"][0][-1]
