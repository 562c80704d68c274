"""Withdrawing a horizon item, recommendation or target asks first, on a GOV.UK confirmation page
that works without JavaScript: the link in the list opens it, nothing changes until its button is
pressed, and Cancel goes back."""

from __future__ import annotations

import pytest

from saferplaces.apps.assessments.models import HorizonItem

pytestmark = pytest.mark.django_db


def test_the_withdraw_link_opens_a_confirmation_page_that_changes_nothing(analyst_client):
    item = HorizonItem.objects.create(heading="economic", title="Night-time economy grows")
    url = f"/assessments/entries/horizon/{item.pk}/withdraw/"
    assert f'href="{url}"' in analyst_client.get("/assessments/entries/").content.decode()

    page = analyst_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Are you sure you want to withdraw this horizon scanning item?" in html
    assert "Night-time economy grows" in html and "govuk-button--warning" in html
    assert 'href="/assessments/entries/#horizon">Cancel' in html
    item.refresh_from_db()
    assert item.active

    done = analyst_client.post(url)
    assert done.status_code == 302 and done["Location"] == "/assessments/entries/#horizon"
    item.refresh_from_db()
    assert not item.active
    assert analyst_client.get(url).status_code == 404  # already withdrawn


def test_a_viewer_cannot_open_the_confirmation_page(viewer_client):
    item = HorizonItem.objects.create(heading="economic", title="Night-time economy grows")
    assert viewer_client.get(f"/assessments/entries/horizon/{item.pk}/withdraw/").status_code == 403
