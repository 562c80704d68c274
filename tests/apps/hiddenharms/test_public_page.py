"""The public hidden-harms page: signs to spot, where to report (the national numbers from the
configuration, each with its source and the day it was checked) and the partnership's figures by
quarter with small counts withheld and nothing that identifies a person or an address. Signed-out
visitors reach it only when the public site is on; signed-in partners always."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from saferplaces.apps.hiddenharms import config as harms_config
from saferplaces.apps.hiddenharms.figures import quarter_figures
from saferplaces.apps.incidents.sensitive import suppress_below
from tests.apps.hiddenharms.checks import NO_DATA, row, small_counts_shown, tables
from tests.apps.hiddenharms.conftest import QUARTER

PAGE = f"/hidden-harms/?quarter={QUARTER.key}"


@pytest.fixture
def public_site(settings):
    settings.SAFERPLACES_PUBLIC_SITE = True


def q2(cells):
    """The cell of 2026-Q2: the page shows eight quarters ending with it."""
    return cells[-1]


def test_a_signed_out_visitor_is_sent_to_sign_in_when_the_public_site_is_off(db):
    answer = Client().get("/hidden-harms/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_a_signed_out_visitor_reads_the_page_when_the_public_site_is_on(db, public_site):
    answer = Client().get("/hidden-harms/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Hidden harms: spot the signs and report" in page
    assert "County lines and cuckooing" in page and "Modern slavery" in page


def test_the_briefing_stays_signed_in_only_on_a_public_site(db, public_site):
    for path in ("/hidden-harms/briefing/", f"/hidden-harms/briefing/{QUARTER.key}.html"):
        answer = Client().get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_a_signed_in_partner_reads_the_page_with_the_public_site_off(partnership, signed_in_client):
    client = signed_in_client(partnership.user("partner", "viewer"))
    assert client.get("/hidden-harms/").status_code == 200


def test_every_reporting_number_is_shown_with_its_source_and_the_day_it_was_checked(db, public_site):
    page = Client().get("/hidden-harms/").content.decode()
    config = harms_config.load()
    for service in config.services:
        assert service.contact in page and service.source in page
    for number in ("999", "101", "0800 555 111", "08000 121 700", "0808 2000 247",
                   "www.report-it.org.uk"):
        assert number in page
    assert "checked 29 November 2026 (to verify against the service's own site)" in page


def test_no_small_count_is_shown_and_large_ones_are(harms, public_site):
    page = Client().get(PAGE).content.decode()
    threshold = suppress_below()
    assert small_counts_shown(page, threshold) == []
    assert q2(row(page, "figures-domestic-abuse", "Recorded incidents flagged domestic")) == 12
    assert q2(row(page, "figures-domestic-abuse", "Safeguarding concerns: domestic abuse")) == 11
    assert q2(row(page, "figures-county-lines",
                  "Safeguarding concerns: child criminal exploitation")) is None
    assert q2(row(page, "figures-modern-slavery", "National Referral Mechanism referrals")) is None
    assert q2(row(page, "figures-hate-crime", "Hate crimes recorded in case work")) is None
    assert q2(row(page, "figures-hate-crime", "Recorded incidents flagged hate")) is None
    # an earlier quarter with nothing recorded shows its zeros
    assert row(page, "figures-domestic-abuse", "Recorded incidents flagged domestic")[0] == 0


def test_intelligence_counts_are_shown_only_at_or_above_the_threshold(harms, public_site):
    page = Client().get(PAGE).content.decode()
    counted = quarter_figures(QUARTER.first_day, QUARTER.last_day)
    assert counted["intel_lines_active"] == 2 and counted["intel_cuckooing_addresses"] == 13
    lines = row(page, "figures-county-lines", "Deal lines active (intelligence)")
    assert set(lines) == {None}  # two lines, and none in earlier quarters: all withheld
    assert q2(row(page, "figures-county-lines",
                  "Addresses at risk of cuckooing (intelligence)")) == 13
    assert set(row(page, "figures-exploitation",
                   "People recorded as victims of exploitation (intelligence)")) == {None}


def test_nothing_that_identifies_a_person_or_an_address_is_shown(harms, public_site):
    page = Client().get(PAGE).content.decode()
    for text in harms.personal:
        assert text not in page, text
    assert not re.search(r"\bCO\d \d[A-Z]{2}\b", page)  # no postcode at all
    assert not re.search(r"\b07\d{3} ?\d{6}\b", page)  # no mobile number at all


def test_every_figure_the_configuration_names_is_counted(db):
    counted = quarter_figures(QUARTER.first_day, QUARTER.last_day)
    for harm in harms_config.load().harms:
        for figure in harm.figures:
            assert figure.key in counted, (harm.key, figure.key)


def test_a_quarter_not_yet_ended_is_refused_with_the_latest_complete_one_shown(partnership,
                                                                              signed_in_client):
    answer = signed_in_client(partnership.user("owner", "viewer")).get("/hidden-harms/?quarter=2999-Q1")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "2999-Q1 has not ended yet" in page
    assert "figures-domestic-abuse" in tables(page) or "figures-domestic-abuse" in page


@pytest.mark.parametrize("quarter", ["0001-Q1", "0000-Q1", "1900-Q1", "1999-Q4"])
def test_a_quarter_before_the_figures_start_is_refused_plainly(db, public_site, quarter):
    answer = Client(raise_request_exception=False).get(f"/hidden-harms/?quarter={quarter}")
    assert answer.status_code == 400
    page = answer.content.decode()
    assert f"{quarter} is too early: the figures start with 2000-Q1" in page
    assert "figures-domestic-abuse" in tables(page)  # the latest complete quarters instead


def test_the_first_quarter_that_can_be_counted_is_shown(db, public_site):
    answer = Client().get("/hidden-harms/?quarter=2000-Q1")
    assert answer.status_code == 200 and "2000-Q1" in answer.content.decode()


def test_a_quarter_after_the_latest_incident_month_shows_no_data_yet_not_zero(harms, public_site):
    # the world's incidents end in May 2026: 2026-Q3 has none loaded yet
    page = Client().get("/hidden-harms/?quarter=2026-Q3").content.decode()
    domestic = row(page, "figures-domestic-abuse", "Recorded incidents flagged domestic")
    assert domestic[-2:] == [12, NO_DATA] and domestic[0] == 0
    assert row(page, "figures-county-lines", "Recorded incidents involving drugs")[-1] == NO_DATA
    # case work is recorded as it happens: its zero is a zero
    assert row(page, "figures-domestic-abuse", "Safeguarding concerns: domestic abuse")[-1] == 0
    assert "up to May 2026" in page


def test_with_no_incidents_loaded_every_quarter_shows_no_data_yet(db, public_site):
    page = Client().get("/hidden-harms/").content.decode()
    assert set(row(page, "figures-hate-crime", "Recorded incidents flagged hate")) == {NO_DATA}
