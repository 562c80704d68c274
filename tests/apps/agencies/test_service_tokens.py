"""Per-agency service tokens (``apps/agencies/service_tokens.py``): hashed at rest, scoped,
expiring, revocable, managed by each agency's administrator and audited; the caller they
authenticate holds no person's capability."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from saferplaces.apps.agencies import service_tokens
from saferplaces.apps.agencies.access import capabilities, membership_of
from saferplaces.apps.agencies.authentication import ServicePrincipal
from saferplaces.apps.agencies.models import ServiceToken
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.cases.access import cases_for_user, get_case_for_user
from saferplaces.apps.cases.services import create_case


def make(agency, name: str = "ASB log", **options):
    return service_tokens.create_token(agency, name=name, scopes=["incidents.push"],
                                       mapping="council-asb", **options)


def test_only_a_hash_of_the_key_is_kept(partnership):
    made = make(partnership.partner)
    assert made.key.startswith("sps_") and len(made.key) >= 50
    token = ServiceToken.objects.get()
    assert token.key_hash == hashlib.sha256(made.key.encode()).hexdigest()
    assert token.prefix == made.key[:12]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM agencies_servicetoken")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert made.key not in stored
    assert made.key not in " ".join(AuditEvent.objects.values_list("reason", flat=True))


def test_a_token_expires_after_the_configured_days(partnership, settings):
    assert make(partnership.partner).token.expires_at.date() == (
        timezone.now() + datetime.timedelta(days=365)).date()
    settings.SAFERPLACES_SERVICE_TOKEN_DAYS = 30
    assert make(partnership.partner, "Fire system").token.expires_at.date() == (
        timezone.now() + datetime.timedelta(days=30)).date()


@pytest.mark.parametrize(("scopes", "mapping"), [
    ([], "council-asb"), (["cases.view"], "council-asb"), (["incidents.view"], "council-asb"),
    (["incidents.push"], ""), (["incidents.push"], "no-such-mapping"),
], ids=["no-scope", "cases-view", "incidents-view", "no-mapping", "unknown-mapping"])
def test_a_token_may_have_only_service_scopes_and_a_pushing_token_needs_a_mapping(
        partnership, scopes, mapping):
    with pytest.raises(ValidationError):
        service_tokens.create_token(partnership.partner, name="x", scopes=scopes, mapping=mapping)
    assert not ServiceToken.objects.exists()


def test_a_name_is_one_working_token_of_an_agency(partnership):
    first = make(partnership.partner)
    with pytest.raises(ValidationError, match="already has a working token"):
        make(partnership.partner)
    make(partnership.owner)  # another agency may use the name
    service_tokens.revoke_token(first.token)
    make(partnership.partner)  # and so may a new token once the old one is revoked


def test_an_administrator_manages_only_their_own_agencys_tokens(partnership):
    theirs = make(partnership.partner).token
    owner_admin = partnership.user("owner", "administrator")
    with pytest.raises(PermissionDenied):
        make(partnership.partner, "Mine", by=owner_admin)
    with pytest.raises(PermissionDenied):
        make(partnership.owner, "Mine", by=partnership.user("owner", "coordinator"))
    assert list(service_tokens.tokens_for(owner_admin)) == []
    with pytest.raises(Http404):
        service_tokens.get_token_for_manager(owner_admin, theirs.pk)
    assert list(service_tokens.tokens_for(partnership.users["site-admin"])) == [theirs]


def test_making_and_revoking_are_audited_naming_the_token_never_the_key(partnership):
    admin = partnership.user("partner", "administrator")
    made = make(partnership.partner, by=admin)
    assert service_tokens.revoke_token(made.token, by=admin)
    assert not service_tokens.revoke_token(made.token, by=admin)  # already revoked: nothing more
    events = AuditEvent.objects.filter(object_type="service-token", object_id=str(made.token.pk))
    assert list(events.order_by("sequence").values_list("action", "username")) == [
        ("create", admin.username), ("delete", admin.username)]
    assert service_tokens.find_live_token(made.key) is None


def test_the_caller_of_a_service_token_holds_no_capability_and_sees_no_case(partnership):
    made = make(partnership.partner)
    create_case(partnership.user("partner", "case_manager"), case_type_key="repeat-asb", title="Noise")
    principal = ServicePrincipal(service_tokens.find_live_token(made.key))
    assert capabilities(principal) == frozenset() and membership_of(principal) is None
    assert principal.scopes == {"incidents.push"}
    with pytest.raises(PermissionDenied):
        cases_for_user(principal)
    with pytest.raises(PermissionDenied):
        get_case_for_user(principal, 1)


# --- the pages -------------------------------------------------------------------------------------


def test_an_administrator_makes_a_token_and_sees_its_key_once(partnership, signed_in_client):
    admin = signed_in_client(partnership.user("partner", "administrator"))
    response = admin.post("/manage/service-tokens/add/", {
        "name": "Council ASB system", "scopes": ["incidents.push"], "mapping": "council-asb"})
    assert response.status_code == 200
    token = ServiceToken.objects.get()
    assert token.agency == partnership.partner and token.created_by == partnership.user("partner", "administrator")
    page = response.content.decode()
    key = page.split('id="service-token-key">', 1)[1].split("<", 1)[0]
    assert service_tokens.find_live_token(key) == token
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    listing = admin.get("/manage/service-tokens/").content.decode()
    assert "Council ASB system" in listing and token.prefix in listing and key not in listing


def test_a_site_administrator_chooses_the_agency(partnership, signed_in_client):
    site = signed_in_client(partnership.users["site-admin"])
    response = site.post("/manage/service-tokens/add/", {
        "name": "Fire system", "agency": partnership.outsider.pk, "scopes": ["incidents.push"],
        "mapping": "fire-deliberate"})
    assert response.status_code == 200
    assert ServiceToken.objects.get().agency == partnership.outsider


def test_the_form_refuses_a_token_without_a_mapping(partnership, signed_in_client):
    admin = signed_in_client(partnership.user("partner", "administrator"))
    response = admin.post("/manage/service-tokens/add/", {"name": "x", "scopes": ["incidents.push"]})
    assert response.status_code == 400 and not ServiceToken.objects.exists()
    assert "Name the column mapping" in response.content.decode()


def test_revoking_on_the_page_stops_the_token(partnership, signed_in_client):
    made = make(partnership.partner)
    url = f"/manage/service-tokens/{made.token.pk}/revoke/"
    assert signed_in_client(partnership.user("owner", "administrator")).post(url).status_code == 404
    assert signed_in_client(partnership.user("partner", "coordinator")).post(url).status_code == 403
    assert service_tokens.find_live_token(made.key) is not None
    response = signed_in_client(partnership.user("partner", "administrator")).post(url)
    assert response.status_code == 302
    assert service_tokens.find_live_token(made.key) is None
