"""The home page, the map page and its GeoJSON, the synthetic-data banner and the vendored assets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest import write_police_csv
from tests.web.conftest import COUNCIL_ADDRESS, COUNCIL_COMPLAINANT, html_tables, square

from saferplaces.apps.incidents.models import Area, ImportBatch
from saferplaces.apps.incidents.services import ingest_police_uk

pytestmark = pytest.mark.django_db

MARCH_TABLE = "Incidents by category, March 2024"
HOME_TABLE = ("Incidents from police.uk street-level crime and anti-social behaviour by category, "
              "April 2023 to March 2024")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def geojson(client, **params):
    return client.get("/map/incidents.geojson", params)


# --- home -------------------------------------------------------------------------------------


def test_home_counts_every_source_separately(client, small_store):
    html = page(client, "/")
    assert "<h1 class=\"govuk-heading-xl\">Overview</h1>" in html
    cards = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>', html, re.S)
    values = {key.strip(): " ".join(re.sub(r"<[^>]+>", " ", value).split()) for key, value in cards}
    assert values["police.uk street-level crime and anti-social behaviour"] == "7"
    assert values["District council anti-social behaviour case log"] == "2"
    assert values["All records"] == "9"
    assert values["Months"] == "January 2024 to March 2024 2 months with incidents"
    assert values["Neighbourhoods"].startswith("2 areas")
    assert values["PSPO zones"].startswith("1 area ")
    assert values["Files imported"] == "3"


def test_home_table_is_last_twelve_months_by_category_with_totals(client, small_store):
    rows = html_tables(page(client, "/"))[HOME_TABLE]
    header, *body, totals = rows
    assert header[0] == "Category" and header[-1] == "Total"
    assert header[1:-1] == ["Apr 2023", "May 2023", "Jun 2023", "Jul 2023", "Aug 2023", "Sep 2023",
                            "Oct 2023", "Nov 2023", "Dec 2023", "Jan 2024", "Feb 2024", "Mar 2024"]
    nine_zeros = ["0"] * 9
    assert body == [
        ["Burglary", *nine_zeros, "2", "0", "1", "3"],
        ["Anti-social behaviour", *nine_zeros, "0", "0", "2", "2"],
        ["Shoplifting", *nine_zeros, "0", "0", "1", "1"],
        ["Violence and sexual offences", *nine_zeros, "0", "0", "1", "1"],
    ]
    assert totals == ["All categories", *nine_zeros, "2", "0", "5", "7"]


def test_home_table_numbers_are_right_aligned_and_the_table_has_a_caption(client, small_store):
    html = page(client, "/")
    assert html.count("govuk-table__cell govuk-table__cell--numeric") == 5 * 13
    assert '<caption class="govuk-table__caption govuk-table__caption--s" id="month-table-caption">' in html


def test_home_table_for_another_source(client, small_store):
    tables = html_tables(page(client, "/?source=council-asb"))
    rows = tables["Incidents from District council anti-social behaviour case log by category, "
                  "April 2023 to March 2024"]
    assert rows[1] == ["Noise nuisance", *["0"] * 11, "2", "2"]


def test_empty_store_explains_how_to_load_data(client):
    html = page(client, "/")
    assert "<h1 class=\"govuk-heading-xl\">No data yet</h1>" in html
    assert "saferplaces demo" in html and "saferplaces ingest police-uk" in html
    assert "govuk-table" not in html


def test_pages_make_as_many_queries_for_more_months_categories_and_areas(client, small_store):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    before = {url: queries(url) for url in ("/", "/map/", "/map/?month=2024-03")}
    more = [[f"{i:064x}", "2023-11", "Essex Police", "Essex Police", "0.91", "51.88", "On or near Park Road",
             "", "", category, "", ""] for i, category in enumerate(["Drugs", "Robbery", "Bicycle theft"])]
    write_police_csv(small_store / "more" / "2023-11" / "2023-11-essex-street.csv", more)
    assert ingest_police_uk([small_store / "more"]).ok
    Area.objects.create(kind="ward", code="W1", name="Castle ward", geometry=square(0.88, 51.87, 0.04))
    after = {url: queries(url) for url in before}
    assert after == before
    assert before["/"] <= 18  # 14 for the page, 4 for signing in (session, user, device, membership)


# --- synthetic-data banner --------------------------------------------------------------------


def test_synthetic_banner_on_every_page_when_a_synthetic_file_was_loaded(client, synthetic_store):
    assert ImportBatch.objects.filter(synthetic=True).exists()
    for url in ("/", "/map/"):
        html = page(client, url)
        assert 'id="synthetic-data-banner"' in html
        assert "This is synthetic demo data: the incidents are invented." in html


def test_no_synthetic_banner_for_real_data(client, small_store):
    assert not ImportBatch.objects.filter(synthetic=True).exists()
    for url in ("/", "/map/"):
        html = page(client, url)
        assert 'id="synthetic-data-banner"' not in html
        assert "synthetic demo data" not in html


# --- map page ---------------------------------------------------------------------------------


def test_map_shows_the_latest_month_by_default_with_a_text_alternative(client, small_store):
    html = page(client, "/map/")
    assert '<option value="2024-03" selected>March 2024</option>' in html
    assert '<option value="2024-01">January 2024</option>' in html
    assert html_tables(html)[MARCH_TABLE] == [
        ["Category", "Incidents", "Shown on the map"],
        ["Anti-social behaviour", "2", "2"],
        ["Burglary", "1", "0"],
        ["Shoplifting", "1", "1"],
        ["Violence and sexual offences", "1", "1"],
        ["All categories", "5", "4"],
    ]


def test_map_month_and_category_chosen_without_javascript(client, small_store):
    html = page(client, "/map/?month=2024-01&category=Burglary&source=police-uk")
    assert '<option value="2024-01" selected>January 2024</option>' in html
    assert '<option value="Burglary" selected>Burglary</option>' in html
    assert html_tables(html)["Incidents by category, January 2024"] == [
        ["Category", "Incidents", "Shown on the map"], ["Burglary", "2", "2"]]


def test_map_month_with_no_data_falls_back_to_the_latest_and_says_so(client, small_store):
    html = page(client, "/map/?month=2019-05")
    assert "There are no incidents from this source for May 2019. Showing March 2024" in html
    assert MARCH_TABLE in html_tables(html)


def test_map_config_is_passed_as_json_script(client, small_store, settings):
    settings.SAFERPLACES_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    html = page(client, "/map/?category=Shoplifting")
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    config = json.loads(match.group(1))
    assert config["month"] == "2024-03" and config["category"] == "Shoplifting"
    assert config["source"] == "police-uk"
    assert config["geojsonUrl"] == "/map/incidents.geojson" and config["areasUrl"] == "/map/areas.geojson"
    assert config["tileUrl"] == "https://tiles.example.test/{z}/{x}/{y}.png"
    assert set(config["colours"]) == {"Anti-social behaviour", "Burglary", "Shoplifting",
                                      "Violence and sexual offences"}


def test_empty_tile_setting_reaches_the_map_as_no_tiles(client, small_store, settings):
    settings.SAFERPLACES_TILE_URL = ""
    html = page(client, "/map/")
    config = json.loads(re.search(r'id="map-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["tileUrl"] == ""


def test_map_page_on_an_empty_store(client):
    """No incident layers and no time slider; the map stays for the other layers (case
    places, PSPO zones...), which ``test_map_layers.py`` tests."""
    html = page(client, "/map/")
    assert "There are no incidents to map yet." in html
    assert 'id="layer-incidents"' not in html and 'id="month-range"' not in html


# --- GeoJSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("month", [None, "", "2024-13", "2024-3", "March", "2024-03-01"])
def test_geojson_rejects_a_month_that_is_not_yyyy_mm(client, small_store, month):
    response = geojson(client, **({} if month is None else {"month": month}))
    assert response.status_code == 400
    assert "YYYY-MM" in response.json()["error"]


def test_geojson_groups_incidents_by_map_point_and_category(client, small_store):
    data = geojson(client, month="2024-03", source="police-uk").json()
    assert data["truncated"] is False
    points = sorted((f["properties"]["category"], f["properties"]["count"], *f["geometry"]["coordinates"])
                    for f in data["features"])
    assert points == [
        ("Anti-social behaviour", 2, 0.901, 51.889),
        ("Shoplifting", 1, 0.901, 51.889),
        ("Violence and sexual offences", 1, 0.95, 51.85),
    ]


def test_geojson_category_filter(client, small_store):
    data = geojson(client, month="2024-03", category="Anti-social behaviour", source="police-uk").json()
    assert [(f["properties"]["category"], f["properties"]["count"]) for f in data["features"]] == [
        ("Anti-social behaviour", 2)]


def test_geojson_month_without_incidents_is_empty(client, small_store):
    data = geojson(client, month="2024-02").json()
    assert data["features"] == [] and data["truncated"] is False


def test_geojson_never_carries_victim_references_or_partner_addresses(client, small_store):
    response = geojson(client, month="2024-03", source="all")
    body = response.content.decode()
    features = response.json()["features"]
    council = [f for f in features if f["properties"]["source"] == "council-asb"]
    assert len(council) == 1 and council[0]["properties"]["count"] == 2
    assert COUNCIL_ADDRESS not in body and COUNCIL_COMPLAINANT not in body
    assert "victim" not in body and "Loud music" not in body
    assert all(set(f["properties"]) == {"category", "source", "count", "location"} for f in features)
    police = {f["properties"]["location"] for f in features if f["properties"]["source"] == "police-uk"}
    assert police == {"On or near High Street", "On or near Bromley Road"}


def test_geojson_point_limit_truncates_and_says_so(client, small_store, settings):
    settings.SAFERPLACES_MAP_POINT_LIMIT = 2
    data = geojson(client, month="2024-03", source="police-uk").json()
    assert data["truncated"] is True
    assert [f["properties"]["count"] for f in data["features"]] == [2, 1]


def test_area_outlines_for_the_map(client, small_store):
    data = client.get("/map/areas.geojson").json()
    names = sorted((f["properties"]["kind"], f["properties"]["name"]) for f in data["features"])
    assert names == [("neighbourhood", "Berechurch"), ("neighbourhood", "Castle"),
                     ("pspo", "Town centre alcohol PSPO"), ("town-centre", "Colchester town centre")]


# --- vendored assets --------------------------------------------------------------------------


def static_urls(html: str) -> set[str]:
    found = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    found |= set(re.findall(r'from "(/static/[^"]+)"', html))
    return found


def test_every_static_file_a_page_uses_is_served(client, small_store):
    urls = static_urls(page(client, "/")) | static_urls(page(client, "/map/"))
    # GOV.UK Frontend is imported by the page's start-up module (no inline script: the CSP)
    init = b"".join(client.get("/static/web/govuk-init.js").streaming_content).decode()
    urls |= {"/static/web/" + path for path in re.findall(r'from "([^"]+)"', init)}
    urls = {re.sub(r"/web/\.\./", "/", url) for url in urls}
    assert {"/static/vendor/govuk-frontend-5.14.0/govuk-frontend.min.css",
            "/static/vendor/govuk-frontend-5.14.0/govuk-frontend.min.js",
            "/static/vendor/leaflet-1.9.4/leaflet.js", "/static/vendor/leaflet-1.9.4/leaflet.css",
            "/static/web/map.js", "/static/web/saferplaces.css"} <= urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content), url


@pytest.mark.parametrize("stylesheet", ["vendor/govuk-frontend-5.14.0/govuk-frontend.min.css",
                                        "vendor/leaflet-1.9.4/leaflet.css"])
def test_every_url_inside_the_vendored_css_resolves(stylesheet):
    path = Path(finders.find(stylesheet))
    urls = re.findall(r"url\(([^)]+)\)", path.read_text(encoding="utf-8"))
    assert urls
    for url in (u.strip("\"'") for u in urls):
        if url.startswith(("data:", "#")):  # inline images; leaflet.css has an old IE "#default#VML"
            continue
        assert not url.startswith("/"), f"{url} would resolve outside STATIC_URL"
        assert (path.parent / url).is_file(), url


def test_vendored_packages_carry_their_licences():
    for licence in ("vendor/govuk-frontend-5.14.0/LICENSE.txt", "vendor/leaflet-1.9.4/LICENSE"):
        text = Path(finders.find(licence)).read_text(encoding="utf-8")
        assert "Permission" in text or "Redistribution" in text
