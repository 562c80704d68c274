"""The case list flags a repeat-ASB case whose complaints meet the ASB Case Review threshold,
and one with a second report still to be explained, through the same engine call the case
page's panel uses. A limited share sees neither (it sees no panel either)."""

from __future__ import annotations

from saferplaces.apps.cases.models import CaseShare, ShareLevel
from tests.apps.casereview.conftest import complain, days_ago, store_row


def _row(page: str, reference: str) -> str:
    start = page.index(f">{reference}</a>")
    return page[start:page.index("</tr>", start)]


def test_case_list_shows_case_review_threshold_met(asb, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(20))
    complain(asb.council, asb.case, asb.neighbour, days_ago(10))
    page = signed_in_client(asb.police).get("/cases/").content.decode()
    assert "Case Review threshold met" not in _row(page, asb.case.reference)
    store_row(asb.case, days_ago(5), ref="RC-044")
    for user in (asb.police, asb.council):
        page = signed_in_client(user).get("/cases/").content.decode()
        assert "Case Review threshold met" in _row(page, asb.case.reference)


def test_case_list_shows_the_second_report_prompt(asb, signed_in_client):
    complain(asb.police, asb.case, asb.victim, days_ago(30))
    page = signed_in_client(asb.police).get("/cases/").content.decode()
    assert "Explain the Case Review" not in _row(page, asb.case.reference)
    complain(asb.police, asb.case, asb.victim, days_ago(3))
    page = signed_in_client(asb.police).get("/cases/").content.decode()
    row = _row(page, asb.case.reference)
    assert "Explain the Case Review" in row and "Case Review threshold met" not in row


def test_a_limited_share_sees_no_case_review_tag(asb, partnership, signed_in_client):
    for day in (20, 10, 5):
        complain(asb.police, asb.case, asb.victim, days_ago(day), days_ago(day))
    CaseShare.objects.filter(case=asb.case, agency=partnership.partner).update(
        level=ShareLevel.LIMITED)
    page = signed_in_client(asb.council).get("/cases/").content.decode()
    row = _row(page, asb.case.reference)
    assert "Case Review" not in row
