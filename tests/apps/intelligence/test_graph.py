"""The intelligence network page and its JSON: only holders of the intelligence flag see
anything (404 for everyone else, never 403), every entity and link shown is audited, links
filter by date and grading, victims are marked as victims, a C link shows its conditions, the
controller ranks first by betweenness, and the path form finds how a runner reaches an
address."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from saferplaces.analysis.network import LinkFilter
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.intelligence import services
from saferplaces.apps.intelligence.graph import network_for_user

PAGE = "/intelligence/network/"
DATA = "/intelligence/network/data.json"
CONDITIONS = "Share only with the exploitation panel."


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def grant(user: Any) -> Any:
    user.membership.intelligence = True
    user.membership.save()
    return user


@pytest.fixture
def line(partnership) -> dict[str, Any]:
    """A small line held by the owner agency: the controller runs two phones; a child runner
    (a victim of exploitation) uses one and is seen at a cuckooed flat; a dealer uses the
    other; an old vehicle sighting; a car wash nobody is linked to."""
    agency, by = partnership.owner, partnership.user("owner", "analyst")
    grant(by)

    def entity(kind: str, **values: Any) -> Any:
        return services.create_entity(agency=agency, kind=kind, by=by, **values)

    made = {
        "boss": entity("nominal", label="Kestrel", role="line_holder",
                       date_of_birth=days_ago(27 * 366)),
        "runner": entity("nominal", label="Moth", role="runner",
                         date_of_birth=days_ago(15 * 366), victim_of_exploitation=True),
        "dealer": entity("nominal", label="Tarn", role="local_dealer"),
        "phone1": entity("deal_line", phone_number="07700 900418"),
        "phone2": entity("deal_line", phone_number="07700 900731"),
        "flat": entity("address", address_text="Flat 8, 86 Granary Mews",
                       cuckooing_risk="confirmed"),
        "car": entity("vehicle", registration="AB12 CDE"),
        "carwash": entity("address", address_text="Unit 4, Mill Lane"),
    }

    def link(a: str, b: str, kind: str, days: int, grades: str, conditions: str = "") -> Any:
        source, intel, code = grades
        return services.create_link(a=made[a], b=made[b], agency=agency, by=by, kind=kind,
                                    date=days_ago(days), source="Test report",
                                    source_grade=source, intelligence_grade=intel,
                                    handling_code=code, handling_conditions=conditions)

    made["links"] = [
        link("boss", "phone1", "controls deal line", 100, "2BC", CONDITIONS),
        link("boss", "phone2", "controls deal line", 100, "2BP"),
        link("runner", "phone1", "uses phone", 60, "1AP"),
        link("dealer", "phone2", "uses phone", 60, "1BP"),
        link("runner", "flat", "seen at", 30, "2CP"),
        link("car", "dealer", "seen with", 400, "3DP"),
    ]
    return made


def test_without_the_intelligence_flag_the_network_is_404(partnership, line, signed_in_client):
    analyst = partnership.user("owner", "analyst")
    analyst.membership.intelligence = False  # the fixture granted it: take it back
    analyst.membership.save()
    before = AuditEvent.objects.filter(object_type__startswith="intelligence").count()
    for username in ("owner-case_manager", "owner-analyst", "owner-coordinator",
                     "partner-practitioner", "outsider-case_manager", "site-admin"):
        client = signed_in_client(partnership.users[username])
        for path in (PAGE, DATA, f"{PAGE}?origin={line['runner'].pk}&target={line['flat'].pk}"):
            assert client.get(path).status_code == 404, (username, path)
    assert AuditEvent.objects.filter(object_type__startswith="intelligence").count() == before


def test_signed_out_visitors_are_sent_to_sign_in(client, line):
    assert client.get(PAGE).status_code == 302 and client.get(DATA).status_code == 302


def test_a_holder_in_a_partner_agency_sees_the_whole_network(partnership, line, signed_in_client):
    practitioner = grant(partnership.user("partner", "practitioner"))
    data = signed_in_client(practitioner).get(DATA).json()
    assert len(data["elements"]["nodes"]) == 8 and len(data["elements"]["edges"]) == 6


def test_every_entity_and_link_shown_is_in_the_audit_log(partnership, line, signed_in_client):
    analyst = partnership.user("owner", "analyst")
    assert signed_in_client(analyst).get(PAGE).status_code == 200
    entities = AuditEvent.objects.get(object_type="intelligence-entity", action="view",
                                      username="owner-analyst")
    links = AuditEvent.objects.get(object_type="intelligence-link", action="view",
                                   username="owner-analyst")
    shown = {str(line[k].pk) for k in ("boss", "runner", "flat", "car", "carwash")}
    assert entities.reason.startswith("intelligence network graph: 8 shown")
    assert shown <= set(entities.reason.split("(")[1].rstrip(")").split(","))
    assert links.reason.startswith("intelligence network graph: 6 shown")
    assert "Kestrel" not in entities.reason and "07700" not in links.reason


def test_the_controller_ranks_first_and_the_json_is_cytoscape_elements(partnership, line,
                                                                        signed_in_client):
    data = signed_in_client(partnership.user("owner", "analyst")).get(DATA).json()
    assert data["betweenness"][0][0] == line["boss"].pk
    nodes = {n["data"]["entity"]: n["data"] for n in data["elements"]["nodes"]}
    assert nodes[line["boss"].pk]["rank"] == 1 and nodes[line["boss"].pk]["articulation"]
    assert nodes[line["runner"].pk]["victim"] and nodes[line["runner"].pk]["child"]
    assert nodes[line["flat"].pk]["cuckooing"] == "Confirmed"
    edge = next(e["data"] for e in data["elements"]["edges"]
                if e["data"]["link"] == line["links"][0].pk)
    assert (edge["source"], edge["target"]) == (f"e{line['boss'].pk}", f"e{line['phone1'].pk}")
    assert edge["handling_code"] == "C" and edge["handling_conditions"] == CONDITIONS
    assert [line["carwash"].pk] in data["components"]


def test_links_filter_by_date_and_grading(partnership, line, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    start = days_ago(90)
    recent = client.get(DATA, {"start_day": start.day, "start_month": start.month,
                               "start_year": start.year}).json()
    assert {e["data"]["kind"] for e in recent["elements"]["edges"]} == {"uses phone", "seen at"}
    assert recent["filter"]["start"] == start.isoformat()
    graded = client.get(DATA, {"source_grade": "2", "intelligence_grade": "B"}).json()
    assert {e["data"]["link"] for e in graded["elements"]["edges"]} == {
        line["links"][i].pk for i in (0, 1, 2, 3)}


def test_a_backward_date_range_is_refused_and_nothing_is_read(partnership, line,
                                                              signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    query = {"start_day": 2, "start_month": 2, "start_year": 2025,
             "end_day": 1, "end_month": 1, "end_year": 2025}
    page = client.get(PAGE, query)
    assert page.status_code == 400 and "The last day must be the same as or after" in page.text
    assert client.get(DATA, query).status_code == 400
    assert not AuditEvent.objects.filter(object_type="intelligence-entity", action="view").exists()


@pytest.mark.parametrize("query", [
    {"start": "2025-13-01"},                       # no such month
    {"start": "2026-01-01", "end": "2025-01-01"},  # backwards
    {"end": "last week"},                          # not a date at all
])
def test_a_date_filter_that_cannot_be_applied_is_refused_not_ignored(partnership, line,
                                                                     signed_in_client, query):
    client = signed_in_client(partnership.user("owner", "analyst"))
    data = client.get(DATA, query)
    assert data.status_code == 400 and "errors" in data.json()
    assert "elements" not in data.json()
    page = client.get(PAGE, query)
    assert page.status_code == 400 and "govuk-error-summary" in page.text
    assert not AuditEvent.objects.filter(object_type="intelligence-entity", action="view").exists()


def test_an_iso_date_filter_is_applied_like_the_day_boxes(partnership, line, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    start = days_ago(90)
    recent = client.get(DATA, {"start": start.isoformat()}).json()
    assert recent["filter"]["start"] == start.isoformat()
    assert {e["data"]["kind"] for e in recent["elements"]["edges"]} == {"uses phone", "seen at"}


def test_the_page_lists_the_network_as_tables_with_victims_and_conditions(partnership, line,
                                                                           signed_in_client):
    page = signed_in_client(partnership.user("owner", "analyst")).get(PAGE).text
    assert 'src="/static/vendor/cytoscape-3.35.0/cytoscape.min.js"' in page
    assert 'id="network-graph" class="intelligence-graph" aria-hidden="true"' in page
    runner_heading = page.split(f'id="entity-{line["runner"].pk}"')[1].split("</h3>")[0]
    assert "Victim of exploitation" in runner_heading and "Child" in runner_heading
    central = page.split('id="central"')[1].split("</table>")[0]
    assert central.index("Kestrel") < central.index("07700 900418")
    assert CONDITIONS in page
    assert "Unit 4, Mill Lane" in page.split("Not linked in this selection")[1]


def test_the_path_form_shows_how_the_runner_reaches_the_other_phone(partnership, line,
                                                                     signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    page = client.get(PAGE, {"origin": line["runner"].pk, "target": line["dealer"].pk})
    assert page.status_code == 200
    result = page.text.split('id="path-result"')[1].split("</ol>")[0]
    assert "4 links apart" in result
    order = [result.index(name) for name in ("Moth", "07700 900418", "Kestrel", "07700 900731",
                                             "Tarn")]
    assert order == sorted(order)
    data = client.get(DATA, {"origin": line["runner"].pk, "target": line["dealer"].pk}).json()
    assert data["path"]["entities"] == [line[k].pk for k in ("runner", "phone1", "boss",
                                                            "phone2", "dealer")]
    assert data["path"]["links"] == [[line["links"][i].pk] for i in (2, 0, 1, 3)]


def test_no_path_through_the_selection_is_said_so(partnership, line, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    page = client.get(PAGE, {"origin": line["runner"].pk, "target": line["carwash"].pk})
    assert "No path joins them" in page.text
    # the vehicle reaches the runner only through the year-old sighting
    start = days_ago(365)
    path = client.get(DATA, {"origin": line["car"].pk, "target": line["runner"].pk,
                             "start_day": start.day, "start_month": start.month,
                             "start_year": start.year}).json()["path"]
    assert path is None
    assert client.get(DATA, {"origin": line["car"].pk,
                             "target": line["runner"].pk}).json()["path"] is not None


def test_a_path_to_an_entity_that_does_not_exist_is_a_form_error(partnership, line,
                                                                 signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    page = client.get(PAGE, {"origin": line["runner"].pk, "target": 999999})
    assert page.status_code == 400 and "There is a problem" in page.text
    same = client.get(DATA, {"origin": line["runner"].pk, "target": line["runner"].pk})
    assert same.status_code == 400


def test_the_service_needs_the_flag_too(partnership, line):
    from django.http import Http404

    with pytest.raises(Http404):
        network_for_user(partnership.user("owner", "case_manager"), LinkFilter())


def test_the_graph_assets_are_vendored_with_their_licence():
    assert finders.find("vendor/cytoscape-3.35.0/cytoscape.min.js")
    licence = finders.find("vendor/cytoscape-3.35.0/LICENSE")
    assert "Permission is hereby granted" in Path(licence).read_text(encoding="utf-8")
    assert finders.find("intelligence/graph.js") and finders.find("intelligence/graph.css")
