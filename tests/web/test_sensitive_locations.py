"""Exact locations of sensitive incidents go only to analysts and co-ordinators.

Sensitive: the listed categories and flags (``data/access/sensitive-categories.toml``) and any
record with a victim or complainant reference. Everyone else with ``incidents.view`` sees those
counted by area (neighbourhoods here: the smallest configured kind loaded), with counts below
the public report's threshold withheld. The store is ``tests.web.conftest.LOCAL_ROWS`` on top of
the small store (police.uk and a council ASB log with complainant references).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.web.conftest import (
    AREAS,
    COUNCIL_ADDRESS,
    COUNCIL_COMPLAINANT,
    ORDINARY_LOCAL_REF,
    build_store,
    html_tables,
    square,
    write_local_csv,
)

from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.incidents.sensitive import DEFAULT_FILE, SensitivityError, load_rules
from saferplaces.apps.incidents.services import ingest_mapped
from saferplaces.demo.scenario import LOCAL_CATEGORIES
from saferplaces.ingest.mapped import load_mapping
from saferplaces.strategic.config import config_from_dict

pytestmark = pytest.mark.django_db

THRESHOLD = int(config_from_dict(None).section("public")["suppress_below"])
WITHOUT_CAPABILITY = ["viewer", "practitioner", "case_manager", "administrator"]
WITH_CAPABILITY = ["analyst", "coordinator"]


def geojson(client, **params) -> dict:
    response = client.get("/map/incidents.geojson", {"month": "2024-03", **params})
    assert response.status_code == 200
    return response.json()


def points(data: dict) -> list[dict]:
    return [f for f in data["features"] if not f["properties"].get("aggregated")]


def counted(data: dict) -> dict[str, dict[str, int | None]]:
    """Aggregated features as {area name: {category: count or None}}."""
    return {f["properties"]["name"]: {e["category"]: e["count"] for e in f["properties"]["counts"]}
            for f in data["features"] if f["properties"].get("aggregated")}


def sensitive_coordinates() -> list[str]:
    """The text of every sensitive record's longitude and latitude, to four decimal places
    (a prefix of any way the coordinates could be written, rounded or not)."""
    rows = Incident.objects.exclude(source="police-uk").exclude(source_ref=ORDINARY_LOCAL_REF)
    texts = []
    for lon, lat in rows.values_list("lon", "lat"):
        texts += [f"{lon:.6f}"[:6], f"{lat:.6f}"[:7]]
    return texts


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("agency", ["owner", "partner", "outsider"])
def test_a_viewer_of_any_agency_sees_sensitive_incidents_only_as_counts_by_neighbourhood(
        client_for, sensitive_store, agency):
    data = geojson(client_for(agency, "viewer"), source="local")
    assert data["exact_sensitive_locations"] is False
    assert data["aggregation"]["area_kind"] == "neighbourhood"
    assert [(f["properties"]["category"], f["properties"]["count"]) for f in points(data)] == [
        ("Other theft", 1)]
    assert counted(data) == {
        "Castle": {"Domestic abuse": 12, "Public fear, alarm or distress": None,
                   "Violence with injury": None},
        "Berechurch": {"Criminal damage to a vehicle": None, "Sexual offences": None},
        "1,000 m grid cell": {"Domestic abuse": None},
    }


@pytest.mark.parametrize("role", WITH_CAPABILITY)
def test_analysts_and_coordinators_get_exact_points_and_the_response_says_so(
        client_for, sensitive_store, role):
    data = geojson(client_for("partner", role), source="local")
    assert data["exact_sensitive_locations"] is True
    assert counted(data) == {}
    located = {(f["properties"]["category"], f["properties"]["count"]) for f in points(data)}
    assert ("Domestic abuse", 1) in located and ("Sexual offences", 1) in located
    assert sum(f["properties"]["count"] for f in points(data)) == 20


@pytest.mark.parametrize("role", WITHOUT_CAPABILITY)
def test_every_role_without_the_capability_gets_no_exact_sensitive_point(
        client_for, sensitive_store, role):
    data = geojson(client_for("owner", role), source="all")
    assert data["exact_sensitive_locations"] is False
    assert {f["properties"]["source"] for f in points(data)} == {"police-uk", "local"}
    assert [f["properties"]["category"] for f in points(data)
            if f["properties"]["source"] == "local"] == ["Other theft"]


def test_the_exact_coordinates_of_sensitive_records_appear_nowhere_in_a_viewers_responses(
        client_for, sensitive_store):
    client = client_for("owner", "viewer")
    coordinates = sensitive_coordinates()
    assert len(coordinates) == 2 * 21  # 19 local records and 2 council reports
    urls = ["/", "/?source=local", "/?source=all", "/map/", "/map/?source=local",
            "/map/?source=all", "/map/areas.geojson"]
    for source in ("", "local", "council-asb", "all"):
        for category in ("", "Domestic abuse", "Sexual offences", "Noise nuisance"):
            urls.append(f"/map/incidents.geojson?month=2024-03&source={source}&category={category}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in coordinates:
            assert text not in body, f"{text} in {url}"
        assert COUNCIL_ADDRESS not in body and COUNCIL_COMPLAINANT not in body


def test_the_coordinates_searched_for_are_in_an_analysts_response(client_for, sensitive_store):
    """The search above can fail: the same text is found in what an analyst gets."""
    body = client_for("owner", "analyst").get(
        "/map/incidents.geojson?month=2024-03&source=all").content.decode()
    assert all(text in body for text in sensitive_coordinates())


def test_a_signed_in_user_with_no_agency_is_refused(client_for, sensitive_store):
    client = client_for(None, "nobody")
    for url in ("/", "/map/", "/map/incidents.geojson?month=2024-03", "/map/areas.geojson"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Domestic abuse" not in response.content


def test_a_member_of_a_deactivated_agency_is_refused(client_for, partnership, sensitive_store):
    partnership.outsider.active = False
    partnership.outsider.save()
    response = client_for("outsider", "analyst").get("/map/incidents.geojson?month=2024-03")
    assert response.status_code == 403


# --- what counts as sensitive -----------------------------------------------------------------


def test_partner_records_with_a_victim_reference_are_counted_whatever_their_category(
        client_for, sensitive_store):
    data = geojson(client_for("owner", "viewer"), source="council-asb")
    assert points(data) == []  # both Noise nuisance reports carry a complainant reference
    assert counted(data) == {"Castle": {"Noise nuisance": None}}
    vehicle = geojson(client_for("owner", "viewer"), source="local",
                      category="Criminal damage to a vehicle")
    assert points(vehicle) == [] and counted(vehicle) == {
        "Berechurch": {"Criminal damage to a vehicle": None}}


def test_flags_make_an_unlisted_category_sensitive(client_for, sensitive_store):
    for category in ("Violence with injury", "Public fear, alarm or distress"):
        data = geojson(client_for("owner", "viewer"), source="local", category=category)
        assert points(data) == [], category
        assert counted(data) == {"Castle": {category: None}}


def test_police_uk_points_stay_points_even_violence_and_sexual_offences(client_for, sensitive_store):
    """police.uk publishes them to everyone, already snapped to anonymous map points."""
    data = geojson(client_for("owner", "viewer"), source="police-uk")
    assert counted(data) == {}
    assert ("Violence and sexual offences", 1, [0.95, 51.85]) in [
        (f["properties"]["category"], f["properties"]["count"], f["geometry"]["coordinates"])
        for f in points(data)]


def test_small_counts_are_withheld_below_the_public_reports_threshold(client_for, sensitive_store):
    data = geojson(client_for("owner", "viewer"), source="local", category="Domestic abuse")
    assert data["aggregation"]["suppress_below"] == THRESHOLD == 10
    entries = {f["properties"]["name"]: f["properties"]["counts"][0] for f in data["features"]}
    assert entries["Castle"] == {"category": "Domestic abuse", "source": "local", "count": 12,
                                 "suppressed": False}
    assert entries["1,000 m grid cell"] == {"category": "Domestic abuse", "source": "local",
                                            "count": None, "suppressed": True}


def test_one_more_record_below_the_threshold_is_still_withheld(client_for, sensitive_store):
    """Nine Sexual offences in Berechurch: still withheld; the tenth shows them all."""
    extra = [[f"L-SO-x{i}", "Sexual offences", f"VX{i}", "", "2024-03-06", str(602600 + i),
              "222050", "N", "N", "N", "N", "", ""] for i in range(7)]
    assert ingest_mapped([write_local_csv(sensitive_store / "more" / "a.csv", extra[:6])],
                         load_mapping("local-incidents")).ok
    client = client_for("owner", "viewer")
    assert counted(geojson(client, source="local", category="Sexual offences")) == {
        "Berechurch": {"Sexual offences": None}}
    assert ingest_mapped([write_local_csv(sensitive_store / "more" / "b.csv", extra[6:])],
                         load_mapping("local-incidents")).ok
    assert counted(geojson(client, source="local", category="Sexual offences")) == {
        "Berechurch": {"Sexual offences": 10}}


def test_counts_go_to_lsoas_when_lsoas_are_loaded(client_for, sensitive_store):
    Area.objects.create(kind="lsoa", code="E01", name="Colchester 001A",
                        geometry=square(0.88, 51.87, 0.04))
    from saferplaces.apps.incidents import store

    store.link_kind("lsoa")
    data = geojson(client_for("owner", "viewer"), source="local", category="Domestic abuse")
    assert data["aggregation"]["area_kind"] == "lsoa"
    assert {f["properties"]["area_kind"] for f in data["features"]} == {"lsoa", "grid"}
    assert counted(data)["Colchester 001A"] == {"Domestic abuse": 12}


def test_grid_cells_when_no_areas_are_loaded(client_for, tmp_path: Path):
    build_store(tmp_path)
    Area.objects.all().delete()
    assert ingest_mapped([write_local_csv(tmp_path / "local.csv")], load_mapping("local-incidents")).ok
    data = geojson(client_for("owner", "viewer"), source="local")
    assert data["aggregation"]["area_kind"] is None
    cells = [f for f in data["features"] if f["properties"].get("aggregated")]
    assert cells and {f["properties"]["area_kind"] for f in cells} == {"grid"}
    assert all(f["geometry"]["type"] == "Polygon" for f in cells)
    body = json.dumps(data)
    assert all(text not in body for text in sensitive_coordinates())


def test_a_partnership_can_list_its_own_categories(client_for, sensitive_store, settings, tmp_path):
    own = tmp_path / "ours.toml"
    own.write_text(DEFAULT_FILE.read_text(encoding="utf-8") + '''
[[category]]
name = "other  THEFT"
reason = "Our partnership's decision, for a test."
source = "Test partnership information sharing agreement"
''', encoding="utf-8")
    client = client_for("owner", "viewer")
    assert len(points(geojson(client, source="local"))) == 1
    settings.SAFERPLACES_SENSITIVE_CATEGORIES_FILE = str(own)
    data = geojson(client, source="local")
    assert points(data) == [] and counted(data)["Castle"]["Other theft"] is None


@pytest.mark.parametrize("entry, message", [
    ('[[category]]\nname = "Arson"\nsource = "x"\n', "needs a reason"),
    ('[[category]]\nname = "Arson"\nreason = "x"\n', "needs a source"),
    ('[[flag]]\nname = "sunny"\nreason = "x"\nsource = "y"\n', "unknown flags"),
    ('[aggregation]\narea_kinds = ["county"]\n', "area_kinds"),
])
def test_an_entry_without_its_reason_or_source_is_refused(tmp_path, entry, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(entry, encoding="utf-8")
    with pytest.raises(SensitivityError, match=message):
        load_rules(bad)


def test_the_shipped_list_covers_what_the_public_report_treats_as_sensitive():
    rules = load_rules()
    public = config_from_dict(None).section("public")
    assert all(rules.category_is_sensitive(c) for c in public["sensitive_categories"])
    assert set(public["sensitive_flags"]) <= set(rules.flags)
    assert rules.published_sources == {"police-uk"}
    assert not rules.category_is_sensitive("Violence and sexual offences")


def test_the_demo_towns_sensitive_local_categories_are_on_the_shipped_list():
    local = {name for options in LOCAL_CATEGORIES.values() for name, _, _ in options}
    listed = {c for c in local if load_rules().category_is_sensitive(c)}
    assert listed == {"Domestic abuse", "Sexual offences", "Stalking and harassment",
                      "Racially or religiously aggravated public order"}


# --- the map page -----------------------------------------------------------------------------


def test_the_map_page_tells_a_viewer_how_sensitive_incidents_are_shown(client_for, sensitive_store):
    html = client_for("owner", "viewer").get("/map/?source=local").content.decode()
    assert 'id="sensitive-locations-note"' in html
    assert "shown as counts for each Neighbourhood" in html
    assert 'Counts from 1 to 9 are shown as "fewer than 10"' in html


def test_the_map_page_has_no_such_note_for_an_analyst(client_for, sensitive_store):
    html = client_for("owner", "analyst").get("/map/?source=local").content.decode()
    assert 'id="sensitive-locations-note"' not in html
    assert 'id="public-map-note"' not in html


def test_counts_of_incidents_are_the_same_for_everyone_signed_in(client_for, sensitive_store):
    """Only where an incident is shown differs: the month's table counts every record for both."""
    tables = [html_tables(client_for("owner", role).get("/map/?source=local").content.decode())
              for role in ("viewer", "analyst")]
    assert tables[0]["Incidents by category, March 2024"] == \
        tables[1]["Incidents by category, March 2024"]
    assert ["Domestic abuse", "13", "13"] in tables[0]["Incidents by category, March 2024"]


def test_area_outlines_cover_every_kind_drawn(client_for, sensitive_store):
    data = client_for("owner", "viewer").get("/map/areas.geojson").json()
    assert len(data["features"]) == sum(len(v) for v in AREAS.values())


# --- reports ----------------------------------------------------------------------------------


def test_the_panel_report_gives_no_address_of_a_victim_and_no_small_cell_counts_of_a_sensitive_map():
    """The panel report is a file passed to partners and councillors, so it holds no exact
    location of a sensitive record whoever opens it (``disclosure.panel_view``)."""
    from tests.strategic.test_json_snapshot import snapshot

    from saferplaces.strategic.disclosure import panel_view
    from saferplaces.strategic.report import render_html

    result = snapshot()["assessment"]
    assert "66 Acacia Avenue" in json.dumps(result)  # complainants' addresses in the stored result
    panel = panel_view(result)
    asb = next(c for c in panel["candidates"] if c["id"] == "theme:anti-social-behaviour")
    assert asb["measures"]["repeat"]["repeat_locations"] == []
    assert asb["measures"]["repeat"]["repeat_locations_withheld"] == 10
    abuse = next(c for c in panel["candidates"] if c["id"] == "local:domestic-abuse")
    original = next(c for c in result["candidates"] if c["id"] == "local:domestic-abuse")
    assert [c[1] for c in abuse["hotspots"]["cells"]] == [
        None if 0 < c[1] < THRESHOLD else c[1] for c in original["hotspots"]["cells"]]
    assert [c[2:] for c in abuse["hotspots"]["cells"]] == [c[2:] for c in original["hotspots"]["cells"]]
    assert asb["hotspots"]["cells"] == next(
        c for c in result["candidates"] if c["id"] == "theme:anti-social-behaviour")["hotspots"]["cells"]
    html = render_html(result, public=False)
    assert "Acacia Avenue" not in html
    assert "Repeat locations: 10 places with repeat incidents." in html
