"""Every error under /api/ answers JSON, never the site's HTML pages, and says nothing about the
record or the person: a partner system reads ``{"detail": ...}`` whatever went wrong, whether
Django REST Framework answered or Django itself (an id too long for a record id, a path that
does not exist, a refused request, a server error). The pages keep their HTML error pages."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, override_settings
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView
from tests.apps.cases.conftest import REASON, open_case, share
from tests.partnership import sign_in

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.web import urls as site_urls

pytestmark = pytest.mark.django_db

HUGE = "9" * 20  # longer than any record id: refused by the URL, before any view runs
UNKNOWN = "9" * 18  # a record id no record has: the view's own "not found"
NAME = "Hazel Wortlebury"


class Breaks(APIView):
    """An endpoint that fails with a name in its exception (as a bug might)."""

    access = requires_rule("cases.view")

    def get(self, request: Any) -> Response:
        raise RuntimeError(f"could not load {NAME}")


class Suspicious(APIView):
    access = requires_rule("cases.view")

    def get(self, request: Any) -> Response:
        raise SuspiciousOperation(f"odd request about {NAME}")


class Forgetful(APIView):
    """No ``access``: refused by the deny-by-default middleware."""

    def get(self, request: Any) -> Response:
        return Response({"names": NAME})


# A site like the real one (same error handlers), with three extra endpoints that fail.
urlpatterns = [path("api/breaks/", Breaks.as_view()), path("api/suspicious/", Suspicious.as_view()),
               path("api/forgetful/", Forgetful.as_view()),
               path("", include("saferplaces.web.urls"))]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def client_for(partnership: Any, username: str) -> Client:
    return sign_in(Client(raise_request_exception=False), partnership.users[username])


def assert_plain_json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert isinstance(body.get("detail"), str) and body["detail"]
    text = response.content.decode()
    assert NAME not in text and "<html" not in text.lower() and "Traceback" not in text
    return body


@pytest.fixture
def referral(partnership) -> Any:
    from saferplaces.apps.cases import services
    from saferplaces.apps.cases.access import get_case_for_user

    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    share(case, partnership.partner)
    return services.refer_case(get_case_for_user(manager, case.pk), manager,
                               agency=partnership.outsider, reason=REASON)


@pytest.mark.parametrize("method, path", [
    ("post", f"/api/cases/referrals/{HUGE}/decision/"),
    ("post", f"/api/cases/referrals/{UNKNOWN}/decision/"),
    ("get", f"/api/cases/{HUGE}/"),
    ("get", f"/api/cases/{HUGE}/notes/"),
    ("get", f"/api/cases/{UNKNOWN}/parties/"),
    ("get", f"/api/people/{HUGE}/"),
    ("get", f"/api/places/{HUGE}/"),
    ("post", f"/api/tasks/{HUGE}/complete/"),
    ("get", f"/api/assessments/runs/{HUGE}/"),
    ("get", "/api/no-such-endpoint/"),
    ("get", "/api/cases/referrals/x/decision/"),
])
def test_a_record_that_cannot_be_found_is_a_json_404(method, path, partnership):
    response = getattr(client_for(partnership, "owner-case_manager"), method)(
        path, data={"accept": True}, content_type="application/json")
    assert_plain_json(response, 404)


def test_deciding_another_agencys_referral_is_the_same_json_404_as_no_referral(partnership,
                                                                                referral):
    client = client_for(partnership, "partner-case_manager")  # the referral went to the outsider
    seen = assert_plain_json(client.post(f"/api/cases/referrals/{referral.pk}/decision/",
                                         {"accept": True}, content_type="application/json"), 404)
    missing = assert_plain_json(client.post(f"/api/cases/referrals/{UNKNOWN}/decision/",
                                            {"accept": True}, content_type="application/json"),
                                404)
    assert seen == missing


def test_a_member_without_the_capability_gets_a_json_403(partnership):
    assert_plain_json(client_for(partnership, "owner-viewer").get("/api/cases/referrals/"), 403)


@override_settings(ROOT_URLCONF=__name__)
def test_an_endpoint_that_declares_no_rule_is_a_json_403(partnership, caplog):
    with caplog.at_level(logging.ERROR):
        assert_plain_json(client_for(partnership, "owner-case_manager").get("/api/forgetful/"),
                          403)


def test_a_method_the_endpoint_does_not_take_is_a_json_405(partnership):
    assert_plain_json(client_for(partnership, "owner-case_manager").get(
        f"/api/cases/referrals/{UNKNOWN}/decision/"), 405)


def test_a_body_that_is_not_json_is_a_json_400(partnership):
    response = client_for(partnership, "owner-case_manager").post(
        "/api/cases/", "{not json", content_type="application/json")
    assert_plain_json(response, 400)


@override_settings(ROOT_URLCONF=__name__)
def test_a_suspicious_request_is_a_json_400(partnership):
    assert_plain_json(client_for(partnership, "owner-case_manager").get("/api/suspicious/"), 400)


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_json_500_with_the_request_id_and_no_detail_of_the_failure(
        partnership):
    response = client_for(partnership, "owner-case_manager").get("/api/breaks/")
    body = assert_plain_json(response, 500)
    assert body["request_id"] == response["X-Request-ID"]
    assert "could not load" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_pages_outside_the_api_keep_their_html_error_pages(partnership):
    client = client_for(partnership, "owner-viewer")
    for page, status in ((f"/cases/{HUGE}/", 404), ("/no-such-page/", 404),
                         ("/manage/users/", 403)):
        response = client.get(page)
        assert response.status_code == status
        assert response["Content-Type"].startswith("text/html")
        assert "govuk-template" in response.content.decode()


def test_the_token_page_under_api_is_a_page_and_keeps_html(partnership):
    response = Client().get("/api/token/")  # signed out: sent to sign in, as any page
    assert response.status_code == 302
