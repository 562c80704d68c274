"""The management pages as the right and the wrong people: an agency administrator runs their
own agency's accounts, a site administrator every agency and the agencies themselves; everyone
else is refused, and another agency's account is a 404."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.audit.models import AuditEvent
from tests.partnership import sign_in

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).parents[3] / "src" / "saferplaces" / "apps" / "agencies" / "templates" / "agencies"
MANAGEMENT_TEMPLATES = ("base.html", "_checkbox.html", "_roles.html", "agencies.html", "add_agency.html",
                        "deactivate_agency.html", "reactivate_agency.html", "users.html", "add_user.html", "user_added.html",
                        "user.html", "confirm.html")


def html(response) -> str:
    return response.content.decode("utf-8")


def user_urls(pk: int) -> list[str]:
    return [f"/manage/users/{pk}/", f"/manage/users/{pk}/disable/", f"/manage/users/{pk}/reset-two-factor/",
            f"/manage/users/{pk}/enable/", f"/manage/users/{pk}/unlock/"]


# --- who gets in ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "practitioner", "case_manager", "analyst", "coordinator"])
def test_only_administrators_reach_the_users_pages(partnership, signed_in_client, role):
    client = signed_in_client(partnership.user("owner", role))
    colleague = partnership.user("owner", "viewer").pk
    for url in ["/manage/users/", "/manage/users/add/", *user_urls(colleague)]:
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(partnership):
    for url in ["/manage/users/", "/manage/agencies/", *user_urls(partnership.user("owner", "viewer").pk)]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_an_agency_administrator_lists_only_their_agency(partnership, signed_in_client):
    page = html(signed_in_client(partnership.user("owner", "administrator")).get("/manage/users/"))
    assert "Users of Essex Police" in page
    assert "owner-viewer" in page and "partner-viewer" not in page and "site-admin" not in page


def test_a_site_administrator_lists_every_agencys_users(partnership, signed_in_client):
    page = html(signed_in_client(partnership.users["site-admin"]).get("/manage/users/"))
    for name in ("owner-viewer", "partner-analyst", "outsider-administrator", "nobody"):
        assert name in page
    assert "Suffolk Fire and Rescue" in page


def test_another_agencys_account_is_a_404_for_an_agency_administrator(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "administrator"))
    outsider = partnership.user("outsider", "analyst")
    for url in user_urls(outsider.pk):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": "viewer"}).status_code == 404, url
    outsider.refresh_from_db()
    assert outsider.is_active and Membership.objects.get(user=outsider).role == "analyst"


def test_the_agencies_pages_are_for_site_administrators_only(partnership, signed_in_client):
    partner = partnership.partner.pk
    urls = ["/manage/agencies/", "/manage/agencies/add/", f"/manage/agencies/{partner}/deactivate/",
            f"/manage/agencies/{partner}/reactivate/"]
    admin = signed_in_client(partnership.user("owner", "administrator"))
    for url in urls:
        assert admin.get(url).status_code == 403, url
    assert admin.post(urls[2]).status_code == 403
    site = signed_in_client(partnership.users["site-admin"])
    for url in urls:
        assert site.get(url).status_code == 200, url
    assert Agency.objects.get(pk=partner).active


def test_the_manage_link_shows_only_to_those_who_manage(partnership, signed_in_client):
    assert 'href="/manage/users/"' in html(signed_in_client(partnership.user("owner", "administrator")).get("/"))
    assert 'href="/manage/users/"' not in html(signed_in_client(partnership.user("owner", "analyst")).get("/"))


# --- what they do ---------------------------------------------------------------------------------

def test_an_agency_administrator_adds_a_user_and_sees_the_password_once(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "administrator"))
    response = client.post("/manage/users/add/", {"username": "j.smith", "role": "practitioner",
                                                  "intelligence": "on", "agency": partnership.partner.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r'id="new-password">([^<]+)<', html(response)).group(1)
    added = get_user_model().objects.get(username="j.smith")
    assert added.check_password(password)
    membership = added.membership
    # the agency field is not offered to an agency administrator: posting one changes nothing
    assert (membership.agency, membership.role, membership.intelligence) == (partnership.owner, "practitioner", True)
    assert password not in html(client.get(f"/manage/users/{added.pk}/"))


def test_a_taken_username_is_shown_as_an_error_on_the_form(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "administrator"))
    page = html(client.post("/manage/users/add/", {"username": "Partner-Viewer", "role": "viewer"}))
    assert "There is a problem" in page and "There is already a user called Partner-Viewer" in page


def test_a_site_administrator_adds_a_user_to_any_agency(partnership, signed_in_client):
    client = signed_in_client(partnership.users["site-admin"])
    client.post("/manage/users/add/", {"username": "fire-analyst", "role": "analyst",
                                       "agency": partnership.outsider.pk})
    assert Membership.objects.get(user__username="fire-analyst").agency == partnership.outsider


def test_changing_a_role_is_saved_and_audited(partnership, signed_in_client):
    admin = partnership.user("owner", "administrator")
    viewer = partnership.user("owner", "viewer")
    response = signed_in_client(admin).post(f"/manage/users/{viewer.pk}/", {"role": "analyst"})
    assert response.status_code == 302
    assert Membership.objects.get(user=viewer).role == "analyst"
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.username, event.object_id, event.changed_fields) == (admin.username, str(viewer.pk), ["role"])


def test_an_administrator_cannot_change_their_own_role(partnership, signed_in_client):
    admin = partnership.user("owner", "administrator")
    client = signed_in_client(admin)
    assert "This is your own account" in html(client.get(f"/manage/users/{admin.pk}/"))
    assert client.post(f"/manage/users/{admin.pk}/", {"role": "coordinator", "intelligence": "on"}).status_code == 403
    assert client.post(f"/manage/users/{admin.pk}/disable/").status_code == 403
    membership = Membership.objects.get(user=admin)
    assert (membership.role, membership.intelligence) == ("administrator", False)


def test_disabling_asks_first_then_disables(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "administrator"))
    practitioner = partnership.user("owner", "practitioner")
    assert "Disable this account" in html(client.get(f"/manage/users/{practitioner.pk}/disable/"))
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert client.post(f"/manage/users/{practitioner.pk}/disable/").status_code == 302
    practitioner.refresh_from_db()
    assert not practitioner.is_active


def test_resetting_two_factor_from_the_page(partnership, signed_in_client):
    viewer = partnership.user("owner", "viewer")
    sign_in(Client(), viewer)  # gives the viewer a confirmed device
    client = signed_in_client(partnership.user("owner", "administrator"))
    assert "Yes" in html(client.get("/manage/users/"))
    assert client.post(f"/manage/users/{viewer.pk}/reset-two-factor/").status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()


def test_a_site_administrator_adds_and_deactivates_an_agency(partnership, signed_in_client):
    client = signed_in_client(partnership.users["site-admin"])
    page = client.post("/manage/agencies/add/", {"name": "Essex Police", "kind": "police"})
    assert "There is already an agency called Essex Police" in html(page)
    assert client.post("/manage/agencies/add/", {"name": "Essex Probation", "kind": "probation"}).status_code == 302
    added = Agency.objects.get(name="Essex Probation")
    assert "Essex Probation" in html(client.get("/manage/agencies/"))
    assert client.post(f"/manage/agencies/{added.pk}/deactivate/").status_code == 302
    added.refresh_from_db()
    assert not added.active


def test_changes_need_the_csrf_token(partnership):
    client = sign_in(Client(enforce_csrf_checks=True), partnership.user("owner", "administrator"))
    practitioner = partnership.user("owner", "practitioner")
    assert client.post(f"/manage/users/{practitioner.pk}/disable/").status_code == 403
    practitioner.refresh_from_db()
    assert practitioner.is_active


# --- banners and page rules -----------------------------------------------------------------------

@override_settings(SAFERPLACES_REQUIRE_2FA=False)
def test_every_page_says_when_two_factor_sign_in_is_off(partnership):
    assert "Two-factor sign-in is off: local demo only" in html(Client().get("/accounts/login/"))
    password_only = Client()
    password_only.force_login(partnership.user("owner", "administrator"))
    for url in ("/", "/manage/users/"):
        response = password_only.get(url)
        assert response.status_code == 200, url
        assert "Two-factor sign-in is off: local demo only" in html(response), url


def test_no_two_factor_banner_when_it_is_on(partnership, signed_in_client):
    assert "Two-factor sign-in is off" not in html(signed_in_client(partnership.users["site-admin"]).get("/manage/users/"))


def test_synthetic_agencies_bring_the_synthetic_data_banner(partnership, signed_in_client):
    client = signed_in_client(partnership.users["site-admin"])
    assert 'id="synthetic-data-banner"' not in html(client.get("/manage/agencies/"))
    Agency.objects.create(name="Demo Constabulary (synthetic)", kind="police", synthetic=True)
    assert 'id="synthetic-data-banner"' in html(client.get("/manage/agencies/"))


def test_addresses_hold_numeric_ids_never_names(partnership, signed_in_client):
    page = html(signed_in_client(partnership.users["site-admin"]).get("/manage/users/"))
    links = re.findall(r'href="(/manage/[^"]*)"', page)
    assert links and all(re.fullmatch(r"/manage/[a-z/-]*(\d+/)?[a-z/-]*", link) for link in links), links


@pytest.mark.parametrize("name", MANAGEMENT_TEMPLATES)
def test_templates_have_no_inline_script_or_style(name):
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    assert "<script" not in source and "<style" not in source and "style=" not in source


# --- higher standing, and bringing accounts and agencies back ---------------------------------------

def test_an_agency_administrator_cannot_touch_a_site_administrator_in_their_agency(partnership, signed_in_client):
    from saferplaces.apps.agencies import services

    boss, _ = services.add_user("police-site-admin", agency=partnership.owner, role="administrator",
                                site_admin=True)
    sign_in(Client(), boss)  # gives them a confirmed device
    client = signed_in_client(partnership.user("owner", "administrator"))
    page = html(client.get(f"/manage/users/{boss.pk}/"))
    assert "Only a site administrator changes a site administrator" in page
    assert "Save role" not in page and "/disable/" not in page and "/reset-two-factor/" not in page
    for url in user_urls(boss.pk):
        assert client.post(url, {"role": "viewer"}).status_code == 403, url
    boss.refresh_from_db()
    assert boss.is_active and TOTPDevice.objects.filter(user=boss).exists()
    assert Membership.objects.get(user=boss).role == "administrator"


def test_a_disabled_account_is_enabled_from_its_page(partnership, signed_in_client):
    client = signed_in_client(partnership.user("owner", "administrator"))
    practitioner = partnership.user("owner", "practitioner")
    client.post(f"/manage/users/{practitioner.pk}/disable/")
    page = html(client.get(f"/manage/users/{practitioner.pk}/"))
    assert f'href="/manage/users/{practitioner.pk}/enable/"' in page
    assert "Enable this account" in html(client.get(f"/manage/users/{practitioner.pk}/enable/"))
    assert client.post(f"/manage/users/{practitioner.pk}/enable/").status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert AuditEvent.objects.order_by("-sequence").first().changed_fields == ["is_active"]


def test_a_locked_username_is_unlocked_from_its_page(partnership, signed_in_client):
    from saferplaces.apps.accounts.lockout import is_locked

    practitioner = partnership.user("owner", "practitioner")
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "owner-practitioner", "password": "a wrong guess"})
    client = signed_in_client(partnership.user("owner", "administrator"))
    page = html(client.get(f"/manage/users/{practitioner.pk}/"))
    assert "Locked after failed sign-ins" in page and f'href="/manage/users/{practitioner.pk}/unlock/"' in page
    assert client.post(f"/manage/users/{practitioner.pk}/unlock/").status_code == 302
    assert not is_locked("owner-practitioner")
    assert "Locked after failed sign-ins" not in html(client.get(f"/manage/users/{practitioner.pk}/"))


def test_a_site_administrator_reactivates_an_agency(partnership, signed_in_client):
    client = signed_in_client(partnership.users["site-admin"])
    partner = partnership.partner
    client.post(f"/manage/agencies/{partner.pk}/deactivate/")
    assert f'href="/manage/agencies/{partner.pk}/reactivate/"' in html(client.get("/manage/agencies/"))
    assert "Reactivate" in html(client.get(f"/manage/agencies/{partner.pk}/reactivate/"))
    assert client.post(f"/manage/agencies/{partner.pk}/reactivate/").status_code == 302
    partner.refresh_from_db()
    assert partner.active
