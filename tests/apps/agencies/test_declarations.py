"""Deny by default: every URL's view declares who may use it, and a view that does not is
refused for everyone — even a site administrator — before it runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from saferplaces.apps.agencies.declare import rule_for


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(route, view) for every URL pattern, through every include()."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def undeclared(urlconf: str | None = None) -> list[str]:
    return [route for route, view in walk(get_resolver(urlconf).url_patterns)
            if rule_for(view) is None]


def test_every_url_of_the_site_declares_its_access_rule():
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 20
    assert undeclared() == []


def test_a_view_added_without_a_declaration_is_caught_by_the_url_walk():
    assert undeclared("tests.apps.agencies.undeclared_urls") == ["forgotten/"]


@override_settings(ROOT_URLCONF="tests.apps.agencies.undeclared_urls")
def test_an_undeclared_view_is_refused_for_everyone(partnership, signed_in_client, client):
    for user in (partnership.users["site-admin"], partnership.user("owner", "coordinator")):
        response = signed_in_client(user).get("/forgotten/")
        assert response.status_code == 403
        assert b"gangs list" not in response.content
    assert client.get("/forgotten/").status_code == 403
    assert signed_in_client(partnership.user("owner", "viewer")).get("/declared/").status_code == 200
