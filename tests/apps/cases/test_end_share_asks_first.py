"""Ending a share asks first, on a GOV.UK confirmation page that works without JavaScript, as
deleting an attachment and unlinking a place do."""

from __future__ import annotations

from saferplaces.apps.cases.models import CaseShare


def test_ending_a_share_asks_first_and_only_the_button_ends_it(world, signed_in_client):
    client = signed_in_client(world.owner_manager)
    share = CaseShare.objects.get(case=world.case)
    url = f"/cases/{world.case.pk}/shares/{share.pk}/end/"
    assert f'href="{url}"' in client.get(f"/cases/{world.case.pk}/share/").content.decode()

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Are you sure you want to end the share with {share.agency.name}?" in html
    assert "govuk-button--warning" in html and f'href="/cases/{world.case.pk}/share/">Cancel' in html
    share.refresh_from_db()
    assert share.ended_at is None

    assert client.post(url).status_code == 302
    share.refresh_from_db()
    assert share.ended_at is not None
    assert client.get(url)["Location"] == f"/cases/{world.case.pk}/share/"  # already ended


def test_only_the_owner_agency_reaches_the_confirmation_page(world, signed_in_client):
    share = CaseShare.objects.get(case=world.case)
    response = signed_in_client(world.partner_practitioner).get(f"/cases/{world.case.pk}/shares/{share.pk}/end/")
    assert response.status_code in (403, 404)
    share.refresh_from_db()
    assert share.ended_at is None
