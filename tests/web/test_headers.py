"""Security headers on every response: a Content Security Policy with no inline script or style
(and the map's tile server allowed for images only), Permissions-Policy switching off the browser
features no page needs, and Django's referrer, sniffing, framing and opener headers.

The templates themselves carry no inline script, style block or style attribute: the policy would
refuse them, and a page would quietly lose its behaviour or its look.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from saferplaces.web.headers import tile_origin

SOURCE = Path(__file__).parents[2] / "src" / "saferplaces"


def policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


@pytest.fixture
def sign_in_page(client, db):
    return client.get("/accounts/login/")


def test_the_sign_in_page_allows_scripts_and_styles_from_this_site_only(sign_in_page):
    csp = policy(sign_in_page)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in sign_in_page["Content-Security-Policy"]
    assert "'unsafe-eval'" not in sign_in_page["Content-Security-Policy"]


def test_the_map_tile_server_may_send_images_and_nothing_else(client, db, settings):
    settings.SAFERPLACES_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    csp = policy(client.get("/accounts/login/"))
    assert csp["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]
    assert all("example.org" not in " ".join(v) for k, v in csp.items() if k != "img-src")


def test_without_tiles_no_other_site_is_in_the_policy(client, db, settings):
    settings.SAFERPLACES_TILE_URL = ""
    assert policy(client.get("/accounts/login/"))["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize(("template", "origin"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ("https://user:secret@Tiles.Example.org/{z}/{x}/{y}.png?key=abc", "https://tiles.example.org"),
    ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https://*.example.org"),
    ("https://maps.{s}.example.org/{z}/{x}/{y}.png", "https:"),
    ("/tiles/{z}/{x}/{y}.png", None),
    ("", None),
])
def test_tile_origin_is_the_narrowest_source_csp_can_name(template, origin):
    assert tile_origin(template) == origin


def test_browser_features_no_page_needs_are_switched_off(sign_in_page):
    features = dict(part.strip().split("=", 1) for part in sign_in_page["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_referrer_sniffing_framing_and_opener_headers(sign_in_page):
    assert sign_in_page["Referrer-Policy"] == "same-origin"
    assert sign_in_page["X-Content-Type-Options"] == "nosniff"
    assert sign_in_page["X-Frame-Options"] == "DENY"
    assert sign_in_page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_static_file_carries_the_headers_too(client, db):
    response = client.get("/static/web/saferplaces.css")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_https_adds_hsts_and_keeps_cookies_to_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")  # never over plain HTTP


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on...= event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]
TEMPLATES = sorted(p for p in SOURCE.rglob("templates/**/*.html"))


def test_the_templates_are_found():
    assert len(TEMPLATES) > 10


#: Self-contained documents (printed to PDF as well) written as Django templates: each is served
#: only with its own policy, which allows its inline style and nothing else.
DOCUMENTS = {
    "apps/hiddenharms/templates/hiddenharms/briefing.html":
        ("saferplaces.apps.hiddenharms.views", "BRIEFING_CSP"),
    "apps/operations/templates/operations/result.html":
        ("saferplaces.apps.operations.impact_views", "RESULT_CSP"),
}


@pytest.mark.parametrize("template", sorted(DOCUMENTS))
def test_a_self_contained_document_is_served_with_a_policy_that_runs_no_script(template):
    import importlib

    module, name = DOCUMENTS[template]
    policy = getattr(importlib.import_module(module), name)
    assert "default-src 'none'" in policy and "script-src" not in policy
    text = (SOURCE / template).read_text(encoding="utf-8")
    assert not INLINE[0][0].search(text) and not INLINE[3][0].search(text), template


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_template_has_inline_script_or_style(template):
    """Web page templates only (the report files, ``*.html.j2``, and the ``DOCUMENTS`` are
    self-contained documents served with their own policy)."""
    if str(template.relative_to(SOURCE)) in DOCUMENTS:
        pytest.skip("a self-contained document: see DOCUMENTS")
    text = template.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert found == [], f"{template.relative_to(SOURCE)} has {', '.join(found)}: move it to a static file"
