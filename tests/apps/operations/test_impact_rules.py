"""The impact's rules found broken by the fix round, on the demo-like town of ``conftest``
(planted 40% cut in N11): areas treated by something else are neither comparison areas nor
donors, a placebo run in an untreated neighbourhood no longer borrows the treated one, chosen
comparison areas are checked, and the one-page result stays one page."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from saferplaces.apps.assessments.models import StreetWeek
from saferplaces.apps.operations import services
from saferplaces.apps.operations.evaluation import measure
from saferplaces.apps.operations.models import Operation
from saferplaces.apps.operations.vocab import activity_kinds
from tests.apps.operations.conftest import START, TREATED, UNTREATED, access_of, details


@pytest.fixture
def lead(partnership):
    return partnership.user("owner", "analyst")


def _donors(result) -> set[str]:
    return set(result.synthetic.weights) | {p.area for p in result.synthetic.placebos}


def test_areas_treated_by_another_operation_or_a_street_week_are_neither_compared_nor_donors(
        town, lead, partnership, signed_in_client):
    nightjar = services.create_operation(lead, details())
    services.create_operation(lead, details("Elsewhere", kind="other", areas=("N44",),
                                            start=datetime.date(2024, 7, 1),
                                            end=datetime.date(2024, 7, 20)))
    StreetWeek.objects.create(area_code="N40", area_name="Neighbourhood 40",
                              start=datetime.date(2024, 1, 8), end=datetime.date(2024, 1, 14))
    StreetWeek.objects.create(area_code="N04", area_name="Neighbourhood 04",  # long before
                              start=datetime.date(2023, 1, 9), end=datetime.date(2023, 1, 15))
    measured = measure(lead, nightjar)
    assert set(measured.data.left_out) == {"N44", "N40"}
    for code in ("N44", "N40"):
        assert code not in measured.data.candidates
        assert code not in measured.result.comparison.codes
        assert code not in _donors(measured.result)
    assert "N04" in measured.data.candidates
    page = signed_in_client(lead).get(f"/operations/{nightjar.pk}/impact/").content.decode()
    assert 'id="left-out"' in page and "Another operation ran there" in page
    assert "Street Week in Neighbourhood 40" in page
    assert "Elsewhere" not in page  # another operation is not named: the reader may not see it


def test_placebo_in_an_untreated_neighbourhood_does_not_borrow_the_treated_one(town, lead):
    services.create_operation(lead, details())  # the planted operation in N11
    placebo = services.create_operation(lead, details("Placebo", kind="other",
                                                      areas=(UNTREATED,)))
    measured = measure(lead, placebo)
    assert measured.data.left_out[TREATED].startswith("another operation ran there")
    assert TREATED not in _donors(measured.result)
    low, high = measured.result.synthetic.interval
    assert low <= 0 <= high
    assert measured.result.wdd.p_value > 0.05


def test_comparison_areas_that_cannot_be_compared_are_refused_by_name_and_nothing_saved(
        town, lead, signed_in_client):
    nightjar = services.create_operation(lead, details())
    services.create_operation(lead, details("Elsewhere", kind="other", areas=("N44",)))
    refused = {"E99999999": "E99999999 is not a neighbourhood area",
               TREATED: f"Neighbourhood 11 ({TREATED}) is the operation's own area",
               "BUFFER": "BUFFER is the 500 m buffer",
               "N22": "Neighbourhood 22 (N22) touches the operation",
               "N44": "Neighbourhood 44 (N44): another operation ran there"}
    client = signed_in_client(lead)
    answer = client.post(f"/operations/{nightjar.pk}/comparison/",
                         {"codes": ["N40", *refused]}, follow=True)
    page = answer.content.decode().replace("&#x27;", "'")
    for named in refused.values():
        assert named in page
    assert "Comparison areas chosen." not in page and "Neighbourhood 40 (N40)" not in page
    nightjar.refresh_from_db()
    assert nightjar.comparison_codes == []
    for code in refused:  # each alone is refused too, through the service the API would use
        with pytest.raises(services.OperationRuleError, match="cannot be comparison areas"):
            services.set_comparison(access_of(lead, nightjar), lead, ["N40", code])
    services.set_comparison(access_of(lead, nightjar), lead, ["N40", "N04"])
    nightjar.refresh_from_db()
    assert nightjar.comparison_codes == ["N04", "N40"]


def test_self_crossing_or_foreign_outline_of_an_operation_is_refused(areas, lead,
                                                                      signed_in_client):
    bowtie = '{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}'
    with pytest.raises(services.OperationRuleError, match="not a valid area") as refused:
        services.create_operation(lead, details(areas=(), polygon=bowtie, categories=()))
    assert refused.value.field == "polygon"
    paris = '{"type":"Polygon","coordinates":[[[2.3,48.8],[2.4,48.8],[2.4,48.9],[2.3,48.8]]]}'
    with pytest.raises(services.OperationRuleError, match="not inside Great Britain"):
        services.create_operation(lead, details(areas=(), polygon=paris, categories=()))
    answer = signed_in_client(lead).post("/operations/new/", {
        "name": "Bow tie", "kind": "other", "polygon": bowtie, "start_day": "1",
        "start_month": "9", "start_year": "2025", "end_day": "7", "end_month": "9",
        "end_year": "2025"})
    assert answer.status_code == 400 and "not a valid area" in answer.content.decode()
    assert not Operation.objects.filter(name="Bow tie").exists()


def test_one_page_result_stays_one_page_with_long_lists_and_links_back(
        town, lead, partnership, signed_in_client):
    operation = services.create_operation(lead, details(
        partners=(partnership.partner,),
        purpose="High-visibility patrols, dispersal, business visits and community work " * 4))
    access = access_of(lead, operation)
    lead_agency = operation.lead_agency
    kinds = activity_kinds()
    assert len(kinds) > 8  # more than the page lists
    for kind in kinds:
        services.record_activity(access, lead, day=START, kind=kind.key, amount=3)
    for n in range(7):
        services.add_legacy_action(access, lead, description=f"Legacy action number {n}: "
                                   "lighting repaired and the footpath cut back by the council",
                                   owner_agency_id=lead_agency.pk)
    client = signed_in_client(lead)
    html = client.get(f"/operations/{operation.pk}/result.html").content.decode()
    assert f'href="/operations/{operation.pk}/"' in html
    assert "and 4 more" in html  # of the 7 legacy actions
    assert f"and {len(kinds) - 8} more kind" in html
    pdf = client.get(f"/operations/{operation.pk}/result.pdf").content
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
