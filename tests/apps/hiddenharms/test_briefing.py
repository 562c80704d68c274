"""The practitioner briefing for 2026-Q2: referrals by type and age band, addresses at risk of
cuckooing by neighbourhood (counts, never addresses), deal lines, trends and what to look for,
with small counts about people and addresses withheld (and a total withheld with them when the
withheld count could be worked out from it), no personal data, and each download audited."""

from __future__ import annotations

import datetime

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.hiddenharms.briefing import render_html
from saferplaces.apps.incidents.sensitive import suppress_below
from saferplaces.apps.intelligence.figures import briefing_counts, phone_key
from tests.apps.hiddenharms.checks import row, small_counts_shown
from tests.apps.hiddenharms.conftest import QUARTER, entity

BRIEFING = f"/hidden-harms/briefing/{QUARTER.key}.html"
CCE = "Safeguarding concerns: Child criminal exploitation (including county lines)"
DA = "Safeguarding concerns: Domestic abuse"


def test_the_intelligence_counts_are_aggregates_by_neighbourhood_role_and_age_band(harms):
    counts = briefing_counts(QUARTER.first_day, QUARTER.last_day)
    assert counts["lines_active"] == 2 and counts["lines_opened"] == 0
    assert counts["cuckooing_addresses"] == {"possible": 10, "confirmed": 3, "total": 13}
    assert counts["cuckooing_by_neighbourhood"] == {"Castle": 11, "Greenstead": 2}
    assert counts["nominals_by_role"] == {"runner": {"child": 3, "adult": 0, "unknown": 0}}
    assert counts["victims_of_exploitation"] == {"child": 1, "adult": 0, "unknown": 0}
    before = briefing_counts(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert before["cuckooing_addresses"]["total"] == 0 and before["lines_active"] == 0


def test_the_briefing_shows_no_small_count_about_people_or_addresses(harms):
    html = render_html(QUARTER)
    threshold = suppress_below()
    assert small_counts_shown(html, threshold) == []
    assert row(html, "lines", "Lines active in the quarter") == [None]  # 2 lines: withheld
    assert row(html, "referrals", DA) == [0, 11, 11]
    assert row(html, "referrals", CCE) == [None, 0, None]  # 2 children: withheld, and the total
    assert row(html, "referrals", "National Referral Mechanism referrals") == [None, 0, None]
    assert row(html, "cuckooing", "Castle") == [11]
    assert row(html, "cuckooing", "Greenstead") == [None]
    # 13 in all would give Greenstead's 2 away: the total and the split are withheld too
    assert row(html, "cuckooing", "All neighbourhoods") == [None]
    assert row(html, "cuckooing", "of which confirmed") == [None]
    assert row(html, "nominals", "Runner") == [None, 0, 0, None]
    assert row(html, "nominals", "Victims of exploitation") == [None, 0, 0, None]
    assert row(html, "trend-domestic-abuse", "Recorded incidents flagged domestic")[-1] == 12
    assert row(html, "trend-county-lines", "Addresses at risk of cuckooing (intelligence)")[-1] == 13


def test_the_briefing_holds_no_personal_data_and_says_what_to_look_for(harms):
    html = render_html(QUARTER)
    for text in harms.personal:
        assert text not in html, text
    assert "Not for publication" in html
    assert "What to look for" in html and "Missing episodes" in html
    assert "08000 121 700" in html  # where to report
    assert 'id="synthetic"' not in html  # the test data is not the demo's


def test_a_partner_downloads_the_html_and_pdf_and_each_download_is_audited(harms, signed_in_client):
    client = signed_in_client(harms.partnership.user("partner", "practitioner"))
    page = client.get("/hidden-harms/briefing/?quarter=2026-Q2").content.decode()
    assert BRIEFING in page and f"/hidden-harms/briefing/{QUARTER.key}.pdf" in page
    html = client.get(BRIEFING)
    assert html.status_code == 200 and "default-src 'none'" in html["Content-Security-Policy"]
    pdf = client.get(f"/hidden-harms/briefing/{QUARTER.key}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'filename="hidden-harms-briefing-2026-Q2.pdf"' in pdf["Content-Disposition"]
    events = AuditEvent.objects.filter(object_type="hidden-harms-briefing", object_id="2026-Q2")
    assert list(events.values_list("action", "username")) == [
        ("export", "partner-practitioner"), ("export", "partner-practitioner")]


def test_a_quarter_not_yet_ended_has_no_briefing(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    assert client.get("/hidden-harms/briefing/2999-Q1.html").status_code == 404
    answer = client.get("/hidden-harms/briefing/?quarter=2026-Q9")
    assert answer.status_code == 400 and "write it as YYYY-Qn" in answer.content.decode()


def test_a_user_with_no_agency_gets_no_briefing(partnership, signed_in_client):
    assert signed_in_client(partnership.users["nobody"]).get(BRIEFING).status_code == 403


def test_demo_data_is_labelled_synthetic_in_the_briefing_and_on_the_page(harms, signed_in_client):
    from saferplaces.apps.agencies.models import Agency

    Agency.objects.filter(pk=harms.partnership.owner.pk).update(synthetic=True)
    assert 'id="synthetic"' in render_html(QUARTER)
    page = signed_in_client(harms.partnership.user("owner", "viewer")).get("/hidden-harms/")
    assert 'id="synthetic-data-banner"' in page.content.decode()


def test_a_quarter_outside_the_countable_range_has_no_briefing_file(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "analyst"))
    for quarter in ("0001-Q1.pdf", "0000-Q1.html", "1900-Q1.html", "1999-Q4.pdf"):
        assert client.get(f"/hidden-harms/briefing/{quarter}").status_code == 404, quarter
    for quarter in ("0001-Q1", "0000-Q1", "1900-Q1"):
        answer = client.get(f"/hidden-harms/briefing/?quarter={quarter}")
        assert answer.status_code == 400, quarter
        assert f"{quarter} is too early: the figures start with 2000-Q1" in answer.content.decode()
    assert client.get("/hidden-harms/briefing/?quarter=2000-Q1").status_code == 200
    assert not AuditEvent.objects.filter(object_type="hidden-harms-briefing").exists()


def test_a_deal_line_count_reads_the_same_in_the_lines_table_and_the_trends(harms):
    html = render_html(QUARTER)
    trend = "Deal lines active (intelligence)"
    assert row(html, "lines", "Lines active in the quarter") == [None]
    assert row(html, "trend-county-lines", trend)[-1] is None
    police = harms.partnership.owner
    for n in range(suppress_below()):
        entity(police, "deal_line", f"Line {n}", phone_number=f"07700 9005{n:02d}", status="open",
               opened=datetime.date(2026, 4, 1))
    html = render_html(QUARTER)
    shown = 2 + suppress_below()
    assert row(html, "lines", "Lines active in the quarter") == [shown]
    assert row(html, "trend-county-lines", trend)[-1] == shown


def test_a_deal_line_recorded_by_two_agencies_counts_once(harms):
    partner = harms.partnership.partner
    # the police's line "07700 900461" (open since January), as the partner agency wrote it
    entity(partner, "deal_line", "Their line", phone_number="+44 (0)7700-900461", status="closed",
           opened=datetime.date(2026, 5, 1), closed=datetime.date(2026, 5, 20))
    entity(partner, "deal_line", "Their other", phone_number="0044 7700 900462", status="open")
    counts = briefing_counts(QUARTER.first_day, QUARTER.last_day)
    # still two lines: first seen in January, and not closed while the police hold it open
    assert (counts["lines_active"], counts["lines_opened"], counts["lines_closed"]) == (2, 0, 0)
    entity(partner, "deal_line", "A new line", phone_number="07700 900463", status="open",
           opened=datetime.date(2026, 5, 2))
    counts = briefing_counts(QUARTER.first_day, QUARTER.last_day)
    assert (counts["lines_active"], counts["lines_opened"]) == (3, 1)


def test_a_phone_number_is_one_line_however_it_is_written():
    one = {phone_key(n) for n in ("07700 900461", "07700-900461", "+44 7700 900461",
                                  "+44 (0)7700 900461", "0044 7700 900461", "447700900461")}
    assert one == {"07700900461"}
    assert phone_key("+33 6 12 34 56 78") == phone_key("0033 612345678") != phone_key("0612345678")
    assert phone_key("unknown") is None
