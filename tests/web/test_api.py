"""The API at /api/: the pages' rules through tokens and sessions, tokens a user makes for
themselves, and an OpenAPI description of every endpoint.

The shared partnership (tests/partnership.py) gives the people; runs are stored rows with
hand-made results (tests/apps/assessments/conftest.py); the incident store is the web tests'
small store.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, override_settings
from django.urls import URLPattern, include, path, reverse
from django.utils import timezone
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView
from tests.apps.assessments.conftest import first_result, store_run
from tests.web.conftest import build_store

from saferplaces.apps.agencies.declare import is_api_view, requires_rule
from saferplaces.apps.assessments import access as run_access
from saferplaces.apps.assessments.models import RunKind, RunStatus
from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.incidents import queries
from saferplaces.web import api as api_urls

pytestmark = pytest.mark.django_db


class Forgetful(APIView):
    """An API view whose author forgot ``access``."""

    def get(self, request: Any) -> Response:
        return Response({"names": "everyone on the gangs list"})


class AuditorsOnly(APIView):
    """An API view that declares its rule and checks nothing else itself."""

    access = requires_rule("audit.view")

    def get(self, request: Any) -> Response:
        return Response({"events": "who saw what"})


urlpatterns = [path("api/forgetful/", Forgetful.as_view()),
               path("api/auditors-only/", AuditorsOnly.as_view()),
               path("", include("saferplaces.web.urls"))]  # the error pages link to the site


# --- helpers --------------------------------------------------------------------------------------


def endpoints() -> list[tuple[str, str]]:
    """(url name, OpenAPI path) of every DRF endpoint under /api/, the schema itself aside."""
    found = []
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if is_api_view(pattern.callback) and pattern.name != "schema":
            route = re.sub(r"<(?:int|id):(\w+)>",
                           lambda m: "{id}" if m[1] == "pk" else f"{{{m[1]}}}", str(pattern.pattern))
            found.append((str(pattern.name), "/api/" + route))
    return found


def url_of(name: str, run_pk: int = 1) -> str:
    return reverse(f"api:{name}", kwargs={"pk": run_pk} if name == "run" else None)


def token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def create_token(browser: Client) -> str:
    response = browser.post(reverse("api:token"), {"action": "create"})
    assert response.status_code == 200
    key: str = response.context["new_key"]
    assert key.encode() in response.content
    return key


@pytest.fixture
def anonymous() -> Client:
    """A browser that has not signed in (this folder's ``client`` is a signed-in analyst)."""
    return Client()


@pytest.fixture
def runs(partnership) -> dict[str, Any]:
    analyst = partnership.user("owner", "analyst")
    dive_result = {
        "kind": "saferplaces deep dive", "synthetic": False,
        "topic": {"id": "theme:violence", "name": "Violence"},
        "period": {"first_month": "2023-04", "last_month": "2024-03", "months": 12},
        "same_period_last_year": {"first_month": "2022-04", "last_month": "2023-03"},
        "period_before": {"first_month": "2022-04", "last_month": "2023-03"},
        "measures": {"count": 130, "same_period_last_year": {"count": 100},
                     "period_before": {"count": 120}},
        "quarterly": [], "finding": "Violence rose by 30%.", "finding_plain": "Violence rose.",
    }
    return {
        "annual": store_run(first_result(), user=analyst),
        "queued": store_run(None, status=RunStatus.QUEUED, user=analyst),
        "deep_dive": store_run(dive_result, user=analyst, kind=RunKind.DEEP_DIVE,
                               topic="theme:violence"),
    }


# --- who may call what ----------------------------------------------------------------------------


def test_the_endpoints_this_file_tests_are_there():
    # the people, cases and tasks endpoints are tested in their apps' tests and URL sweeps
    assert {"me", "runs", "run", "incident-summary"} <= {name for name, _ in endpoints()}


def test_a_caller_without_credentials_gets_401_on_every_endpoint_of_every_app():
    for name, route in endpoints():
        response = Client().get(re.sub(r"\{\w+\}", "1", route))
        assert response.status_code == 401, name


@pytest.mark.parametrize("name", ["schema", "me", "runs", "run", "incident-summary"])
def test_a_caller_without_credentials_gets_401_on_every_endpoint(anonymous, runs, name):
    response = anonymous.get(url_of(name, runs["annual"].pk))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert b"Violence" not in response.content


@override_settings(SAFERPLACES_PUBLIC_SITE=True)
def test_on_a_public_site_only_the_public_summary_opens_to_everyone(anonymous, runs, tmp_path):
    build_store(tmp_path)
    summary = anonymous.get(url_of("incident-summary"))
    assert summary.status_code == 200
    # a signed-out visitor counts police.uk only: the council's ASB log stays private
    assert [s["source"] for s in summary.json()["sources"]] == ["police-uk"]
    assert summary.json()["total"] == 7
    for name in ("schema", "me", "runs", "run"):
        assert anonymous.get(url_of(name, runs["annual"].pk)).status_code == 401, name


def test_a_token_made_on_the_token_page_signs_in_the_api(partnership, signed_in_client):
    user = partnership.user("partner", "analyst")
    key = create_token(signed_in_client(user))
    me = token_client(key).get(url_of("me"))
    assert me.status_code == 200
    assert me.json() == {
        "username": "partner-analyst",
        "agency": {"id": partnership.partner.pk, "name": "Colchester City Council",
                   "kind": "council"},
        "role": "analyst", "role_label": "Analyst", "site_administrator": False,
        "capabilities": ["assessments.run", "assessments.view", "incidents.push",
                         "incidents.view", "incidents.view_sensitive_locations",
                         "operations.record"],
    }


def test_a_wrong_token_is_refused(partnership):
    assert token_client("0" * 40).get(url_of("me")).status_code == 401


def test_the_token_is_shown_once_and_creating_and_revoking_it_are_audited(partnership,
                                                                         signed_in_client):
    user = partnership.user("owner", "viewer")
    browser = signed_in_client(user)
    first = create_token(browser)
    page = browser.get(reverse("api:token"))
    assert page.status_code == 200
    assert first.encode() not in page.content
    assert "no-store" in page["Cache-Control"]

    second = create_token(browser)  # replacing a token revokes the old one at once
    assert token_client(first).get(url_of("me")).status_code == 401
    assert token_client(second).get(url_of("me")).status_code == 200

    revoked = browser.post(reverse("api:token"), {"action": "revoke"})
    assert revoked.status_code == 302
    assert token_client(second).get(url_of("me")).status_code == 401

    events = list(AuditEvent.objects.filter(object_type="api-token").order_by("sequence")
                  .values_list("action", "username", "object_id"))
    assert events == [("create", "owner-viewer", str(user.pk)),
                      ("delete", "owner-viewer", str(user.pk)),
                      ("create", "owner-viewer", str(user.pk)),
                      ("delete", "owner-viewer", str(user.pk))]
    stored = " ".join(str(v) for e in AuditEvent.objects.values() for v in e.values())
    assert first not in stored and second not in stored


def test_the_token_page_needs_a_verified_sign_in(anonymous, partnership, settings):
    settings.SAFERPLACES_REQUIRE_2FA = True
    response = anonymous.get(reverse("api:token"))
    assert response.status_code == 302 and "login" in response["Location"]
    anonymous.force_login(partnership.user("owner", "viewer"))  # password only
    assert anonymous.post(reverse("api:token"), {"action": "create"}).status_code == 302
    assert not AuditEvent.objects.filter(object_type="api-token").exists()


@pytest.mark.parametrize("required, status", [(True, 403), (False, 200)])
def test_a_session_that_has_not_passed_two_factor_sign_in_is_refused(anonymous, partnership,
                                                                     settings, required, status):
    settings.SAFERPLACES_REQUIRE_2FA = required
    anonymous.force_login(partnership.user("owner", "coordinator"))  # password only
    for name in ("me", "runs", "incident-summary"):
        assert anonymous.get(url_of(name)).status_code == status, name


def test_a_verified_session_uses_the_api_as_a_browser(partnership, signed_in_client, settings):
    settings.SAFERPLACES_REQUIRE_2FA = True
    response = signed_in_client(partnership.user("owner", "viewer")).get(url_of("runs"))
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("who", ["nobody", "deactivated"])
def test_a_user_without_the_capability_gets_403(partnership, signed_in_client, runs, who):
    user = partnership.users["nobody"]
    if who == "deactivated":
        user = partnership.user("outsider", "coordinator")
        partnership.outsider.active = False
        partnership.outsider.save()
    browser = signed_in_client(user)
    key = create_token(browser)
    for caller in (browser, token_client(key)):
        for name in ("runs", "run", "incident-summary"):
            response = caller.get(url_of(name, runs["annual"].pk))
            assert response.status_code == 403, name
            assert b"Violence" not in response.content
        assert caller.get(url_of("me")).json()["capabilities"] == []


@override_settings(ROOT_URLCONF=__name__)
def test_the_declared_capability_is_enforced_by_the_api_itself(partnership, signed_in_client):
    """Even on a view whose code checks nothing, the declared rule decides, by session and by
    token alike."""
    for name, status in (("owner-viewer", 403), ("owner-coordinator", 403),
                         ("owner-administrator", 200), ("site-admin", 200)):
        user = partnership.users[name]
        assert signed_in_client(user).get("/api/auditors-only/").status_code == status, name
        key = Token.objects.create(user=user).key
        assert token_client(key).get("/api/auditors-only/").status_code == status, name
    request = APIRequestFactory().get("/api/auditors-only/")
    force_authenticate(request, user=partnership.user("owner", "viewer"))
    assert AuditorsOnly.as_view()(request).status_code == 403


def test_a_run_that_does_not_exist_is_404(partnership, signed_in_client, runs):
    missing = max(r.pk for r in runs.values()) + 1
    response = signed_in_client(partnership.user("owner", "viewer")).get(url_of("run", missing))
    assert response.status_code == 404


# --- the same answer everywhere -------------------------------------------------------------------


PEOPLE = ["owner-viewer", "partner-analyst", "outsider-practitioner", "site-admin", "nobody",
          "deactivated-coordinator"]


def test_list_detail_and_pages_give_each_user_the_same_answer(partnership, signed_in_client, runs):
    """The regulator's failure mode: a record hidden from a list but served by its detail (or by
    the API but not the page). Everyone is checked against the pages' own helper."""
    partnership.outsider.active = False
    partnership.outsider.save()
    people = {**partnership.users,
              "deactivated-coordinator": partnership.user("outsider", "coordinator")}
    every_run = [r.pk for r in runs.values()] + [max(r.pk for r in runs.values()) + 1]
    for name in PEOPLE:
        user = people[name]
        browser = signed_in_client(user)
        try:
            helper = {run.pk for run in run_access.runs_for_user(user)}
        except PermissionDenied:
            helper = None
        listed = browser.get(url_of("runs"))
        if helper is None:
            assert listed.status_code == 403, name
        else:
            assert {r["id"] for r in listed.json()["results"]} == helper, name
        for pk in every_run:
            try:
                run_access.get_run_for_user(user, pk)
                expected = 200
            except PermissionDenied:
                expected = 403
            except Http404:
                expected = 404
            detail = browser.get(url_of("run", pk))
            page = browser.get(reverse("assessments:run", kwargs={"pk": pk}))
            assert (detail.status_code, page.status_code) == (expected, expected), (name, pk)
            if expected == 200 and helper is not None:
                assert pk in helper
                shared = {k: v for k, v in detail.json().items()
                          if k not in ("assessment", "deep_dive", "reports")}
                assert shared == next(r for r in listed.json()["results"] if r["id"] == pk)


def test_a_run_in_detail_carries_its_result_in_brief_and_its_report_links(
        partnership, signed_in_client, runs):
    browser = signed_in_client(partnership.user("partner", "viewer"))
    annual = browser.get(url_of("run", runs["annual"].pk)).json()
    assert annual["status"] == "done" and annual["kind"] == "annual"
    assert annual["started_by"] == "owner-analyst"
    assert annual["deep_dive"] is None
    summary = annual["assessment"]
    assert [p["name"] for p in summary["priorities"]] == ["Violence", "Burglary"]
    assert summary["candidates"] == 3
    assert summary["period"] == {"first_month": "2023-04", "last_month": "2024-03", "months": 12}
    assert summary["warnings"] == [
        "entered community concern score for unknown candidate 'theme:old' ignored"]
    links = {(r["version"], r["format"]): r["url"] for r in annual["reports"]}
    assert set(links) == {(v, f) for v in ("panel", "public") for f in ("html", "pdf", "json", "docx")}
    public_json = browser.get(links[("public", "json")])
    assert public_json.status_code == 200 and public_json.content == b'{"public": true}'

    dive = browser.get(url_of("run", runs["deep_dive"].pk)).json()
    assert dive["assessment"] is None
    assert dive["deep_dive"] == {"topic_id": "theme:violence", "topic": "Violence",
                                 "period": {"first_month": "2023-04", "last_month": "2024-03",
                                            "months": 12},
                                 "synthetic": False, "incidents": 130, "finding": "Violence rose."}

    queued = browser.get(url_of("run", runs["queued"].pk)).json()
    assert (queued["assessment"], queued["deep_dive"], queued["reports"]) == (None, None, [])


def test_the_run_list_is_paged_and_filtered(partnership, signed_in_client, runs, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    browser = signed_in_client(partnership.user("owner", "viewer"))
    first = browser.get(url_of("runs")).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = browser.get(first["next"]).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == [r.pk for r in run_access.runs_for_user(partnership.user("owner", "viewer"))]
    dives = browser.get(url_of("runs"), {"kind": "deep-dive"}).json()
    assert [r["id"] for r in dives["results"]] == [runs["deep_dive"].pk]
    finished = browser.get(url_of("runs"), {"status": "done"}).json()
    assert {r["id"] for r in finished["results"]} == {runs["annual"].pk, runs["deep_dive"].pk}


def test_the_incident_summary_is_the_overview_pages_table(partnership, signed_in_client, tmp_path):
    build_store(tmp_path)
    browser = signed_in_client(partnership.user("owner", "viewer"))
    for source in (None, "all", "council-asb"):
        params = {"source": source} if source else {}
        summary = browser.get(url_of("incident-summary"), params).json()
        page = browser.get(reverse("home"), params)
        table: queries.MonthTable = page.context["table"]
        assert summary["source"] == page.context["source"]
        assert summary["months"] == list(table.months)
        assert summary["categories"] == [
            {"category": r.category, "counts": list(r.counts), "total": r.total} for r in table.rows]
        assert summary["month_totals"] == list(table.month_totals)
        assert summary["total"] == page.context["total"] == 9
        assert [s["incidents"] for s in summary["sources"]] == [
            s.incidents for s in page.context["sources"]]
    default = browser.get(url_of("incident-summary")).json()
    assert default["source"] == "police-uk"
    assert default["months"][0] == "2023-04" and default["months"][-1] == "2024-03"
    burglary = next(c for c in default["categories"] if c["category"] == "Burglary")
    assert burglary["total"] == 3 and burglary["counts"][9] == 2  # January 2024


# --- deny by default ------------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=__name__)
def test_an_api_view_that_declares_no_rule_is_refused_for_everyone(partnership, signed_in_client,
                                                                   anonymous):
    for user in (partnership.users["site-admin"], partnership.user("owner", "coordinator")):
        response = signed_in_client(user).get("/api/forgetful/")
        assert response.status_code == 403
        assert b"gangs list" not in response.content
    assert anonymous.get("/api/forgetful/").status_code == 403


def test_drf_itself_refuses_a_view_with_no_rule_even_past_the_middleware(partnership):
    request = APIRequestFactory().get("/api/forgetful/")
    force_authenticate(request, user=partnership.users["site-admin"])
    response = Forgetful.as_view()(request)
    assert response.status_code == 403
    assert "gangs list" not in json.dumps(response.data)


# --- the description ------------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_and_describes_every_endpoint(partnership, signed_in_client):
    browser = signed_in_client(partnership.user("owner", "viewer"))
    response = browser.get(url_of("schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert set(schema["paths"]) == {route for _, route in endpoints()}
    # service tokens (Bearer) are described on the incident push endpoint, the one they may use
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth", "serviceToken"}
    assert schema["info"]["title"] == "saferplaces API"
    # the run list documents what a run looks like, and its filters
    runs_get = schema["paths"]["/api/assessments/runs/"]["get"]
    assert {p["name"] for p in runs_get["parameters"]} >= {"kind", "status", "page"}


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_api_answers_json_only(partnership, signed_in_client):
    browser = signed_in_client(partnership.user("owner", "viewer"))
    response = browser.get(url_of("me"), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"] == "application/json"
    assert b"<script" not in response.content
    assert browser.get(url_of("me"), {"format": "api"}).status_code == 404


def test_a_token_user_still_gets_only_what_the_helpers_allow(partnership, signed_in_client, runs):
    key = create_token(signed_in_client(partnership.user("partner", "viewer")))
    caller = token_client(key)
    assert caller.get(url_of("run", runs["annual"].pk)).status_code == 200
    # panel report links point at the site's pages, which still need a signed-in browser
    links = caller.get(url_of("run", runs["annual"].pk)).json()["reports"]
    assert all(link["url"].startswith("http://testserver/assessments/") for link in links)


# --- tokens expire, and end with a disabled account, a reset or a new password --------------------


def test_a_token_older_than_the_setting_is_refused_as_expired(partnership, signed_in_client, settings):
    assert settings.SAFERPLACES_API_TOKEN_DAYS == 90
    user = partnership.user("owner", "viewer")
    key = create_token(signed_in_client(user))
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=89))
    assert token_client(key).get(url_of("me")).status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=91))
    refused = token_client(key).get(url_of("me"))
    assert refused.status_code == 401 and refused.json() == {"detail": "token expired"}
    assert refused["WWW-Authenticate"].startswith("Token")
    settings.SAFERPLACES_API_TOKEN_DAYS = 120
    assert token_client(key).get(url_of("me")).status_code == 200


def test_the_token_page_says_when_the_token_expires(partnership, signed_in_client):
    browser = signed_in_client(partnership.user("owner", "viewer"))
    create_token(browser)
    token = Token.objects.get(user=partnership.user("owner", "viewer"))
    expires = timezone.localtime(token.created + datetime.timedelta(days=90))
    page = browser.get(reverse("api:token")).content.decode()
    assert "Expires" in page and f"{expires:%-d %B %Y}" in page


@pytest.mark.parametrize("change", ["disable", "reset-2fa", "new password"])
def test_disabling_resetting_two_factor_or_a_new_password_deletes_the_token(partnership, signed_in_client,
                                                                            change):
    from saferplaces.apps.agencies import services

    user = partnership.user("owner", "case_manager")
    key = create_token(signed_in_client(user))
    administrator = partnership.user("owner", "administrator")
    if change == "disable":
        services.disable_user(user, by=administrator)
        services.enable_user(user, by=administrator)  # back again: the old token stays dead
    elif change == "reset-2fa":
        services.reset_two_factor_for(user, by=administrator)
    else:
        services.set_password(user, "a fresh long passphrase")
    assert not Token.objects.filter(user=user).exists()
    assert token_client(key).get(url_of("me")).status_code == 401
    deleted = AuditEvent.objects.filter(object_type="api-token", action="delete").get()
    assert deleted.object_id == str(user.pk)
