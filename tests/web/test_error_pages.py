"""Error pages in the GOV.UK look that say what to do and reveal nothing about the record."""

from __future__ import annotations

from django.test import Client


def test_a_missing_record_gets_a_plain_not_found_page(partnership, signed_in_client):
    response = signed_in_client(partnership.user("owner", "viewer")).get("/assessments/424242/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text and "govuk-heading-l" in text and "424242" not in text


def test_a_missing_capability_gets_a_page_saying_so(partnership, signed_in_client):
    response = signed_in_client(partnership.user("owner", "viewer")).get("/manage/users/")
    assert response.status_code == 403 and "You cannot do this" in response.content.decode()


def test_the_server_error_page_renders_without_a_request(settings):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html and "<script" not in html


def test_signed_out_visitors_still_go_to_sign_in_not_an_error_page():
    assert Client().get("/assessments/424242/").status_code == 302


def test_with_debug_off_an_unknown_address_gets_the_govuk_not_found_page(partnership, signed_in_client,
                                                                          settings):
    settings.DEBUG = False
    response = signed_in_client(partnership.user("owner", "viewer")).get("/no-such-page-for-jane-smith/")
    text = response.content.decode()
    assert response.status_code == 404 and "Page not found" in text and "govuk-template" in text
    assert "jane-smith" not in text and "Traceback" not in text and "URLconf" not in text


def test_with_debug_off_a_broken_page_gets_the_govuk_server_error_page_and_nothing_of_the_error(
        partnership, settings):
    from django.test import Client
    from django.urls import get_resolver

    from saferplaces.web.errors import server_error

    settings.DEBUG = False
    request = Client().get("/accounts/login/").wsgi_request
    assert get_resolver().resolve("/accounts/login/")  # a real request, through the site's handler
    response = server_error(request)
    text = response.content.decode()
    assert response.status_code == 500 and "Sorry, there is a problem with the service" in text
    assert "govuk-frontend" in text and "Try again later" in text
    assert "Traceback" not in text and "Exception" not in text
