"""The public site: with ``SAFERPLACES_PUBLIC_SITE`` on, anyone signed out sees police.uk's
published picture (totals, and counts by area on the map) and the public reports; with it off
(the default) every page sends them to sign in.

The store is the small store plus the local police records of ``tests.web.conftest``: police.uk
March 2024 has 1 Shoplifting and 2 ASB at High Street (Castle) and 1 Violence and sexual
offences at Bromley Road (Berechurch), 1 Burglary with no location.
"""

from __future__ import annotations

import pytest
from django.test import Client
from tests.apps.assessments.conftest import first_result, store_run
from tests.web.conftest import COUNCIL_ADDRESS, COUNCIL_COMPLAINANT, html_tables

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/map/", "/map/incidents.geojson?month=2024-03", "/map/areas.geojson"]
PARTNER_WORDS = ["District council anti-social behaviour case log", "Local police crime records",
                 "council-asb", '"local"', "Noise nuisance", "Domestic abuse", "Sexual offences",
                 COUNCIL_ADDRESS, COUNCIL_COMPLAINANT]
#: police.uk's own map points (published, but the public map shows counts by area only).
POLICE_UK_POINTS = ["0.901", "51.889", "0.95,", "51.85]"]


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def public_site(settings) -> None:
    settings.SAFERPLACES_PUBLIC_SITE = True


@pytest.fixture
def run(db):
    return store_run(first_result())


# --- off (the default) ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/assessments/", "/map/?source=local"])
def test_with_the_public_site_off_every_page_sends_a_visitor_to_sign_in(anonymous, sensitive_store,
                                                                      url):
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert b"Domestic abuse" not in response.content


def test_with_the_public_site_off_even_the_public_report_needs_sign_in(anonymous, run):
    response = anonymous.get(f"/assessments/{run.pk}/public.html")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- on ---------------------------------------------------------------------------------------


def test_the_public_home_page_shows_only_police_uk(anonymous, public_site, sensitive_store):
    response = anonymous.get("/?source=local")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="public-overview-note"' in html
    assert "police.uk street-level crime and anti-social behaviour" in html
    for word in PARTNER_WORDS:
        assert word not in html, word
    assert 'name="source"' not in html  # no source choice at all
    assert "All records" not in html
    rows = html_tables(html)["Incidents from police.uk street-level crime and anti-social "
                             "behaviour by category, April 2023 to March 2024"]
    assert rows[-1][-1] == "7"


def test_the_public_map_page_shows_police_uk_counts_and_says_how(anonymous, public_site,
                                                                 sensitive_store):
    html = anonymous.get("/map/?source=all").content.decode()
    assert 'id="public-map-note"' in html and "counts for each Neighbourhood" in html
    assert 'name="source"' not in html
    for word in PARTNER_WORDS:
        assert word not in html, word
    assert html_tables(html)["Incidents by category, March 2024"][-1] == ["All categories", "5", "4"]


@pytest.mark.parametrize("source", ["", "police-uk", "local", "council-asb", "all"])
def test_the_public_geojson_has_no_point_and_no_partner_data(anonymous, public_site,
                                                             sensitive_store, source):
    response = anonymous.get("/map/incidents.geojson", {"month": "2024-03", "source": source})
    assert response.status_code == 200
    data = response.json()
    assert data["public"] is True and data["exact_sensitive_locations"] is False
    assert all(f["geometry"]["type"] != "Point" for f in data["features"])
    assert {e["source"] for f in data["features"] for e in f["properties"]["counts"]} == {"police-uk"}
    body = response.content.decode()
    for text in [*PARTNER_WORDS, *POLICE_UK_POINTS, "On or near"]:
        assert text not in body, text


def test_the_public_map_counts_police_uk_by_neighbourhood(anonymous, public_site, sensitive_store):
    data = anonymous.get("/map/incidents.geojson?month=2024-03").json()
    counts = {f["properties"]["name"]: {e["category"]: e["count"] for e in f["properties"]["counts"]}
              for f in data["features"]}
    # police.uk's own categories are published, so their counts are not withheld
    assert counts == {"Castle": {"Anti-social behaviour": 2, "Shoplifting": 1},
                      "Berechurch": {"Violence and sexual offences": 1}}


def test_a_sensitive_police_uk_category_is_withheld_when_a_partnership_says_so(
        anonymous, public_site, sensitive_store, settings, tmp_path):
    own = tmp_path / "ours.toml"
    own.write_text('''
[[category]]
name = "Violence and sexual offences"
reason = "Our partnership's decision, for a test."
source = "Test partnership information sharing agreement"
''', encoding="utf-8")
    settings.SAFERPLACES_SENSITIVE_CATEGORIES_FILE = str(own)
    data = anonymous.get("/map/incidents.geojson?month=2024-03").json()
    berechurch = next(f for f in data["features"] if f["properties"]["name"] == "Berechurch")
    assert berechurch["properties"]["counts"] == [
        {"category": "Violence and sexual offences", "source": "police-uk", "count": None,
         "suppressed": True}]


def test_the_public_report_opens_but_the_panel_version_does_not(anonymous, public_site, run):
    public = anonymous.get(f"/assessments/{run.pk}/public.html")
    assert public.status_code == 200 and b"Public version" in public.content
    for fmt in ("html", "pdf", "json"):
        panel = anonymous.get(f"/assessments/{run.pk}/report.{fmt}")
        assert panel.status_code == 404, fmt
        assert b"Restricted" not in panel.content


@pytest.mark.parametrize("url", ["/assessments/", "/assessments/compare/", "/assessments/entries/"])
def test_the_rest_of_the_site_still_needs_sign_in(anonymous, public_site, run, url):
    response = anonymous.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signed_in_users_still_see_their_own_view_on_a_public_site(client_for, public_site,
                                                                  sensitive_store):
    viewer = client_for("owner", "viewer").get("/map/incidents.geojson?month=2024-03&source=all")
    data = viewer.json()
    assert data["public"] is False
    assert any(f["geometry"]["type"] == "Point" for f in data["features"])
    assert "local" in {e["source"] for f in data["features"] if f["properties"].get("aggregated")
                       for e in f["properties"]["counts"]}
    home = client_for("owner", "viewer").get("/").content.decode()
    assert "District council anti-social behaviour case log" in home


def test_a_public_site_with_no_police_uk_data_shows_nothing(anonymous, public_site, tmp_path):
    from tests.web.conftest import write_local_csv

    from saferplaces.apps.incidents.services import ingest_mapped
    from saferplaces.ingest.mapped import load_mapping

    assert ingest_mapped([write_local_csv(tmp_path / "local.csv")], load_mapping("local-incidents")).ok
    html = anonymous.get("/").content.decode()
    assert "No published police.uk figures have been loaded yet." in html
    assert "saferplaces ingest" not in html
    assert anonymous.get("/map/incidents.geojson?month=2024-03").json()["features"] == []
