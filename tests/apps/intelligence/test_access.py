"""Who sees intelligence: only holders of the per-user intelligence flag. Everyone else gets
404 from every page and API endpoint (an outsider agency, a colleague in the same agency
without the flag, even a co-ordinator), signed-out visitors the sign-in page; nothing of it
turns up in search or on the map; and every read is in the audit log."""

from __future__ import annotations

from django.test import Client

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.intelligence.access import ENTITY, LINK
from tests.partnership import sign_in

PAGES = ("/intelligence/", "/intelligence/kinds/nominal/", "/intelligence/entities/{pk}/",
         "/intelligence/entities/{pk}/export/", "/intelligence/reviews/", "/intelligence/alerts/",
         "/api/intelligence/entities/", "/api/intelligence/entities/{pk}/",
         "/api/intelligence/links/")


def _paths(pk: int) -> list[str]:
    return [path.format(pk=pk) for path in PAGES]


def test_outsider_agency_gets_404_for_intelligence_it_cannot_see(intel, partnership):
    client = sign_in(Client(), partnership.user("outsider", "coordinator"))
    for path in _paths(intel.runner.pk):
        assert client.get(path).status_code == 404, path


def test_same_agency_without_the_flag_gets_404_never_403(intel, partnership):
    for role in ("coordinator", "case_manager", "administrator"):
        client = sign_in(Client(), partnership.user("owner", role))
        for path in _paths(intel.runner.pk):
            response = client.get(path)
            assert response.status_code == 404, (role, path)
            assert b"Moth" not in response.content


def test_signed_out_visitors_are_sent_to_sign_in_and_see_nothing(intel):
    client = Client()
    page = client.get(f"/intelligence/entities/{intel.runner.pk}/")
    assert page.status_code == 302 and "/accounts/" in page["Location"]
    assert client.get("/api/intelligence/entities/").status_code == 401


def test_the_flag_is_per_user_and_an_unknown_entity_is_404(intel):
    client = sign_in(Client(), intel.partner)  # a partner agency's practitioner with the flag
    assert client.get(f"/intelligence/entities/{intel.runner.pk}/").status_code == 200
    assert client.get("/intelligence/entities/999999/").status_code == 404


def test_every_read_is_in_the_audit_log(intel):
    client = sign_in(Client(), intel.analyst)

    def events() -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(username=intel.analyst.username, action="view")
                    .order_by("pk"))

    before = len(events())
    client.get(f"/intelligence/entities/{intel.runner.pk}/")
    seen = events()[before:]
    assert any(e.object_type == ENTITY and e.object_id == str(intel.runner.pk) for e in seen)
    shown_links = [e for e in seen if e.object_type == LINK]
    assert shown_links and str(intel.runner_uses.pk) in shown_links[0].reason

    for path in ("/intelligence/kinds/nominal/", "/intelligence/reviews/",
                 "/intelligence/alerts/", "/intelligence/retention/", "/intelligence/",
                 "/api/intelligence/entities/", f"/api/intelligence/links/{intel.runner_uses.pk}/"):
        count = len(events())
        assert client.get(path).status_code == 200
        assert len(events()) > count, f"{path} was read without an audit event"
    listed = events()[-1]
    assert listed.object_type == LINK and listed.object_id == str(intel.runner_uses.pk)


def test_the_audit_of_a_list_names_ids_never_labels(intel):
    client = sign_in(Client(), intel.analyst)
    client.get("/intelligence/kinds/nominal/")
    event = AuditEvent.objects.filter(username=intel.analyst.username,
                                      reason__startswith="list of nominal").get()
    assert str(intel.runner.pk) in event.reason
    assert "Moth" not in event.reason and "Kestrel" not in event.reason


def test_search_and_the_map_hold_no_intelligence(intel, rf):
    from saferplaces.apps.workbench.search import search
    from saferplaces.web.maplayers import layers_for

    for term in ("Moth", "Granary", "07700 900418", "AB12 CDE"):
        results = search(intel.analyst, term)
        assert "Moth" not in repr(results) and "Granary Mews" not in repr(results)
        assert "07700" not in repr(results)
    request = rf.get("/map/")
    request.user = intel.analyst
    assert not [layer.key for layer in layers_for(request) if "intel" in layer.key]
