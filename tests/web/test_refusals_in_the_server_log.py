"""What the server prints for an expected refusal, read from the log handler the settings
configure (as ``saferplaces serve`` writes it): one line per refusal, no traceback, whether a
page, the API, the CSRF check or the agency scope refused it. A server error keeps its traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client
from tests.partnership import sign_in

from saferplaces.web.logfilters import QuietClientErrors

pytestmark = pytest.mark.django_db


@contextmanager
def server_log() -> Iterator[io.StringIO]:
    """What the site's console handler (``LOGGING`` in web/settings.py) prints meanwhile."""
    (console,) = [handler for handler in logging.getLogger().handlers
                  if any(isinstance(each, QuietClientErrors) for each in handler.filters)]
    printed = io.StringIO()
    previous = console.setStream(printed)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield printed
    finally:
        root.setLevel(level)
        console.setStream(previous)


def refused(client: Client, method: str, path: str, **data: str) -> str:
    with server_log() as printed:
        response = getattr(client, method)(path, data)
    assert response.status_code == 403, (path, response.status_code)
    return printed.getvalue()


def assert_one_quiet_line(printed: str, path: str) -> None:
    lines = [line for line in printed.splitlines() if line.strip()]
    assert len(lines) == 1 and path in lines[0] and "Forbidden" in lines[0], printed
    assert "Traceback" not in printed


def test_a_page_refused_for_want_of_a_capability_is_one_line(partnership):
    client = sign_in(Client(raise_request_exception=False), partnership.user("owner", "viewer"))
    assert_one_quiet_line(refused(client, "get", "/manage/users/"), "/manage/users/")


def test_an_api_refusal_is_one_line(partnership):
    client = sign_in(Client(raise_request_exception=False), partnership.user("owner", "viewer"))
    assert_one_quiet_line(refused(client, "get", "/api/cases/"), "/api/cases/")


def test_a_form_posted_without_its_csrf_token_is_one_line(partnership):
    client = sign_in(Client(enforce_csrf_checks=True, raise_request_exception=False),
                     partnership.user("owner", "case_manager"))
    assert_one_quiet_line(refused(client, "post", "/search/", term="x"), "/search/")
