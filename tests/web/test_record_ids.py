"""Record ids in URLs are whole numbers of 1 to 18 digits (every one fits the database's 64-bit
ids), so an absurdly long id is a plain "not found", never a server error, signed in or out."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.partnership import sign_in

HUGE = "9" * 20  # more than the largest 64-bit integer

SIGNED_IN = [
    f"/assessments/{HUGE}/",
    f"/assessments/{HUGE}/status.json",
    f"/assessments/{HUGE}/report.html",
    f"/assessments/{HUGE}/report.json",
    f"/assessments/{HUGE}/public.html",
    f"/assessments/{HUGE}/public.pdf",
    f"/assessments/entries/target/{HUGE}/withdraw/",
    f"/break-glass/case/{HUGE}/",
    f"/manage/agencies/{HUGE}/deactivate/",
    f"/manage/users/{HUGE}/",
    f"/manage/users/{HUGE}/disable/",
    f"/manage/users/{HUGE}/reset-two-factor/",
    f"/api/assessments/runs/{HUGE}/",
]

SIGNED_OUT_ON_THE_PUBLIC_SITE = [
    f"/assessments/{HUGE}/public.html",
    f"/assessments/{HUGE}/public.json",
    f"/assessments/{HUGE}/public.pdf",
]


@pytest.mark.parametrize("path", SIGNED_IN)
def test_a_huge_id_is_not_found_for_a_site_administrator(path, partnership):
    client = sign_in(Client(raise_request_exception=False), partnership.users["site-admin"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", SIGNED_OUT_ON_THE_PUBLIC_SITE)
def test_a_huge_id_is_not_found_signed_out_on_the_public_site(path, settings, db):
    settings.SAFERPLACES_PUBLIC_SITE = True
    assert Client(raise_request_exception=False).get(path).status_code == 404


def test_the_longest_id_a_url_takes_still_reaches_the_view(partnership):
    """18 digits: the view runs and finds no such run (its own 404, not the URL's)."""
    client = sign_in(Client(raise_request_exception=False), partnership.users["site-admin"])
    assert client.get(f"/assessments/{'9' * 18}/").status_code == 404
    assert client.get(f"/api/assessments/runs/{'9' * 18}/").status_code == 404


def test_ids_still_reverse_into_urls():
    from django.urls import reverse

    assert reverse("assessments:run", args=[123]) == "/assessments/123/"
    assert reverse("assessments:report", kwargs={"pk": 7, "version": "public", "fmt": "json"}) == (
        "/assessments/7/public.json")
    assert reverse("agencies:user", args=[5]) == "/manage/users/5/"
