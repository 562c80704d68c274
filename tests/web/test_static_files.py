"""Static files come straight from the installed package; the folder ``collectstatic`` fills is
served only where a deployment made it, and its absence (the usual case) is not worth a warning
on every start."""

from __future__ import annotations

import warnings

from django.test import Client, override_settings


def first_response(path: str) -> tuple[int, bytes, list[str]]:
    """A fresh client (its own middleware, as a newly started server builds it) answers ``path``;
    with every warning raised while it did."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = Client().get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, [str(warning.message) for warning in caught]


def test_no_collected_folder_means_no_warning_and_the_site_still_has_its_styles(tmp_path):
    with override_settings(STATIC_ROOT=str(tmp_path / "saferplaces-static")):
        status, body, warned = first_response("/static/web/saferplaces.css")
    assert status == 200 and b".sp-swatch" in body
    assert not [message for message in warned if "No directory" in message], warned


def test_a_collected_folder_is_served_where_a_deployment_made_one(tmp_path):
    collected = tmp_path / "saferplaces-static"
    (collected / "partnership").mkdir(parents=True)
    (collected / "partnership" / "logo.txt").write_text("collected only")
    with override_settings(STATIC_ROOT=str(collected)):
        status, body, warned = first_response("/static/partnership/logo.txt")
    assert status == 200 and body == b"collected only"
    assert warned == [] or not [message for message in warned if "No directory" in message]
