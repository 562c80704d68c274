"""The accessibility statement (GOV.UK's pattern): open to everyone, signed in or not, linked from
every page's footer, with the sections the Public Sector Bodies Accessibility Regulations 2018 and
the GOV.UK sample statement ask for, and the partnership's contact when it sets one."""

from __future__ import annotations

from django.test import Client

SECTIONS = ("How accessible this website is", "Feedback and contact information",
            "Reporting accessibility problems with this website", "Enforcement procedure",
            "Technical information about this website's accessibility", "Compliance status",
            "Non-accessible content", "Preparation of this accessibility statement")


def test_a_signed_out_visitor_reads_every_section_of_the_statement(db):
    response = Client().get("/accessibility/")
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "Accessibility statement for saferplaces" in page
    for heading in SECTIONS:
        assert heading in page, heading
    assert "Equality and Human Rights Commission" in page
    assert "Equality Commission for Northern Ireland" in page
    assert "partially compliant with the" in page and "2.2 AA" in page
    assert "axe-core" in page and "320 pixels" in page
    assert "contact the partnership's co-ordinator" in page


def test_every_page_links_the_statement_from_its_footer(db, partnership, signed_in_client):
    for client, path in ((Client(), "/accounts/login/"),
                         (signed_in_client(partnership.user("owner", "analyst")), "/map/")):
        page = client.get(path).content.decode()
        footer = page[page.index('<footer class="govuk-footer">'):]
        assert 'href="/accessibility/">Accessibility statement</a>' in footer, path


def test_the_statement_names_the_partnership_contact_when_one_is_set(db, settings):
    settings.SAFERPLACES_ACCESSIBILITY_CONTACT = "access@example.org"
    page = Client().get("/accessibility/").content.decode()
    assert 'href="mailto:access@example.org"' in page
    assert "contact the partnership's co-ordinator" not in page.replace("&#x27;", "'")
    settings.SAFERPLACES_ACCESSIBILITY_CONTACT = "https://example.org/contact"
    assert 'href="https://example.org/contact"' in Client().get("/accessibility/").content.decode()
