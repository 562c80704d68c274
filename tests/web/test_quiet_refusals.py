"""A refused request (403) is logged as one quiet line — the status and the path — never with a
traceback, whose last line repeats the refusal's message and can carry whatever the code put in
it. A search term or a name never reaches the server's log. Server errors keep their traceback:
someone has to fix them."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path
from tests.partnership import sign_in

from saferplaces.apps.agencies.declare import requires
from saferplaces.web import urls as site_urls

pytestmark = pytest.mark.django_db

NAME = "Hazel Wortlebury"


@requires("cases.view")
def refuses_naming_someone(request: Any) -> Any:
    raise PermissionDenied(f"{NAME}'s record is locked down")


@requires("cases.view")
def breaks(request: Any) -> Any:
    raise RuntimeError("a bug")


urlpatterns = [path("refuses/", refuses_naming_someone), path("breaks/", breaks),
               path("", include("saferplaces.web.urls"))]
handler403 = site_urls.handler403
handler500 = site_urls.handler500


def client_for(partnership: Any, username: str) -> Client:
    return sign_in(Client(raise_request_exception=False), partnership.users[username])


def refusals(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "status_code", None) == 403]


def assert_quiet(caplog: Any) -> None:
    logged = refusals(caplog)
    assert len(logged) == 1
    record = logged[0]
    assert record.exc_info is None and not record.exc_text
    line = record.getMessage()
    assert "\n" not in line and NAME not in line
    assert "Traceback" not in caplog.text and NAME not in caplog.text


def test_a_search_by_someone_without_the_capability_is_logged_without_the_term(partnership,
                                                                                caplog):
    client = client_for(partnership, "owner-viewer")  # viewers may not read cases or people
    with caplog.at_level(logging.INFO):
        response = client.post("/search/", {"term": NAME})
    assert response.status_code == 403
    assert_quiet(caplog)
    assert "/search/" in refusals(caplog)[0].getMessage()


def test_an_api_refusal_is_one_line(partnership, caplog):
    with caplog.at_level(logging.INFO):
        response = client_for(partnership, "owner-viewer").get("/api/cases/", {"q": NAME})
    assert response.status_code == 403
    assert_quiet(caplog)


@override_settings(ROOT_URLCONF=__name__)
def test_a_refusal_whose_message_names_someone_logs_no_name_and_no_traceback(partnership,
                                                                              caplog):
    with caplog.at_level(logging.INFO):
        response = client_for(partnership, "owner-case_manager").get("/refuses/")
    assert response.status_code == 403 and NAME not in response.content.decode()
    assert_quiet(caplog)


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_keeps_its_traceback(partnership, caplog):
    with caplog.at_level(logging.INFO):
        response = client_for(partnership, "owner-case_manager").get("/breaks/")
    assert response.status_code == 500
    errors = [r for r in caplog.records if getattr(r, "status_code", None) == 500]
    assert errors and errors[0].exc_info is not None
