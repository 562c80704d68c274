"""Sections other apps add to the case page: shown to readers who see the case in full, only for
the case types they are for, and never on a limited share."""

from __future__ import annotations

import pytest
from django.template import engines

from saferplaces.apps.cases import panels
from saferplaces.apps.cases.models import ShareLevel
from tests.apps.cases.conftest import open_case, share

seen: list[str] = []


def _context(request, access):
    seen.append(access.scope)
    return {"words": f"Panel for {access.case.reference}"}


@pytest.fixture
def test_panel(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})
    template = "cases/_panel_under_test.html"
    monkeypatch.setattr(engines["django"].engine, "get_template",
                        _with_template(engines["django"].engine.get_template, template,
                                       '<p id="panel-under-test">{{ panel.words }}</p>'))
    panels.register(panels.CasePanel("under-test", template, _context,
                                     case_types=frozenset({"repeat-asb"})))
    seen.clear()
    yield


def _with_template(original, name, text):
    def get_template(template_name):
        if template_name == name:
            return engines["django"].engine.from_string(text)
        return original(template_name)
    return get_template


def test_owner_sees_a_registered_panel_on_a_case_of_its_type(partnership, signed_in_client,
                                                              test_panel):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    page = signed_in_client(manager).get(f"/cases/{case.pk}/").content.decode()
    assert f"Panel for {case.reference}" in page and seen == ["owner"]


def test_panel_is_not_asked_for_a_case_of_another_type(partnership, signed_in_client, test_panel):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager, case_type="hate")
    page = signed_in_client(manager).get(f"/cases/{case.pk}/").content.decode()
    assert "panel-under-test" not in page and seen == []


def test_limited_share_never_shows_a_panel(partnership, signed_in_client, test_panel):
    case = open_case(partnership.user("owner", "case_manager"))
    share(case, partnership.partner, ShareLevel.LIMITED)
    page = signed_in_client(partnership.user("partner", "case_manager")).get(
        f"/cases/{case.pk}/").content.decode()
    assert "panel-under-test" not in page and seen == []


def test_full_share_sees_the_panel_as_shared(partnership, signed_in_client, test_panel):
    case = open_case(partnership.user("owner", "case_manager"))
    share(case, partnership.partner)
    page = signed_in_client(partnership.user("partner", "case_manager")).get(
        f"/cases/{case.pk}/").content.decode()
    assert "panel-under-test" in page and seen == ["shared"]
