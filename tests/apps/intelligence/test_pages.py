"""The pages as a holder of the flag uses them: victims of exploitation labelled as victims
wherever they are listed (never mixed unlabelled with suspects), a C link's conditions shown
and its export refused until they are acknowledged, overdue reviews and records past
retention listed, and an edit from an old version showing both versions."""

from __future__ import annotations

import datetime
import re

from django.test import Client
from django.utils import timezone

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.intelligence.models import Entity, Link
from tests.apps.intelligence.conftest import CONDITIONS
from tests.partnership import sign_in


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert found, table_id
    return found.group(0)


def test_victims_of_exploitation_are_labelled_as_victims_wherever_listed(intel):
    client = sign_in(Client(), intel.analyst)
    html = client.get("/intelligence/kinds/nominal/").content.decode()
    victims, others = _table(html, "victims"), _table(html, "others")
    assert "Moth (victim of exploitation)" in victims and "Victim of exploitation" in victims
    assert "Moth" not in others and "Kestrel" in others and "Tarn" in others
    # on the pages of the things linked to the runner, and in the API
    phone = client.get(f"/intelligence/entities/{intel.phone.pk}/").content.decode()
    assert "Moth (victim of exploitation)" in _table(phone, "links")
    flat = client.get(f"/intelligence/entities/{intel.flat.pk}/").content.decode()
    assert "Moth (victim of exploitation)" in flat
    api = client.get("/api/intelligence/entities/?kind=nominal").json()
    moth = next(e for e in api if e["id"] == intel.runner.pk)
    assert moth["victim_of_exploitation"] and moth["label"] == "Moth (victim of exploitation)"
    assert moth["child"] is True


def test_a_c_links_conditions_are_shown_and_its_export_needs_them_acknowledged(intel):
    client = sign_in(Client(), intel.partner)
    page = client.get(f"/intelligence/entities/{intel.runner.pk}/")
    assert CONDITIONS in _text(page)
    form = client.get(f"/intelligence/entities/{intel.runner.pk}/export/")
    assert CONDITIONS in _text(form)
    refused = client.post(f"/intelligence/entities/{intel.runner.pk}/export/", {})
    assert refused.status_code == 400 and "text/csv" not in refused["Content-Type"]
    assert not AuditEvent.objects.filter(action="export", username=intel.partner.username).exists()
    done = client.post(f"/intelligence/entities/{intel.runner.pk}/export/", {"acknowledge": "on"})
    assert done.status_code == 200 and done["Content-Type"].startswith("text/csv")
    body = done.content.decode()
    assert CONDITIONS in body and "Moth (victim of exploitation)" in body
    event = AuditEvent.objects.get(action="export", username=intel.partner.username)
    assert "acknowledged" in event.reason


def test_a_p_only_export_needs_no_acknowledgement(intel):
    client = sign_in(Client(), intel.analyst)
    done = client.post(f"/intelligence/entities/{intel.car.pk}/export/", {})
    assert done.status_code == 200 and done["Content-Type"].startswith("text/csv")


def test_overdue_reviews_are_listed_and_a_review_clears_them(intel):
    past = timezone.localdate() - datetime.timedelta(days=3)
    Entity.objects.filter(pk=intel.dealer.pk).update(review_date=past)
    Link.objects.filter(pk=intel.boss_drives.pk).update(review_date=past)
    client = sign_in(Client(), intel.analyst)
    html = client.get("/intelligence/reviews/").content.decode()
    assert "Tarn" in _table(html, "overdue-entities")
    assert "Kestrel" not in _table(html, "overdue-entities")
    assert "drives" in _table(html, "overdue-links")
    assert client.post(f"/intelligence/entities/{intel.dealer.pk}/review/", {}).status_code == 302
    intel.dealer.refresh_from_db()
    assert intel.dealer.reviewed_on == timezone.localdate()
    assert intel.dealer.review_date > timezone.localdate()
    html = client.get("/intelligence/reviews/").content.decode()
    assert "Tarn" not in _table(html, "overdue-entities")


def test_records_past_retention_are_listed_for_a_decision(intel):
    past = timezone.localdate() - datetime.timedelta(days=1)
    Entity.objects.filter(pk__in=[intel.car.pk, intel.ocg.pk]).update(retain_until=past)
    client = sign_in(Client(), intel.analyst)
    html = client.get("/intelligence/retention/").content.decode()
    table = _table(html, "past-retention")
    assert "AB12 CDE" in table and "The Granary crew" in table and "Kestrel" not in table
    later = timezone.localdate() + datetime.timedelta(days=365)
    kept = client.post(f"/intelligence/entities/{intel.car.pk}/retention/", {
        "decision": "extend", "until_day": later.day, "until_month": later.month,
        "until_year": later.year, "reason": "Linked to a live investigation"})
    assert kept.status_code == 302
    gone = client.post(f"/intelligence/entities/{intel.ocg.pk}/retention/", {
        "decision": "delete", "reason": "No longer needed"})
    assert gone.status_code == 302
    assert not Entity.objects.filter(pk=intel.ocg.pk).exists()
    assert not Link.objects.filter(pk=intel.boss_in_ocg.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(intel.ocg.pk)).exists()
    assert "AB12 CDE" not in _table(client.get("/intelligence/retention/").content.decode(),
                                    "past-retention")


def test_only_the_owner_agencys_flag_holders_change_a_record(intel):
    partner = sign_in(Client(), intel.partner)
    assert partner.get(f"/intelligence/entities/{intel.runner.pk}/edit/").status_code == 403
    analyst = sign_in(Client(), intel.analyst)
    assert analyst.get(f"/intelligence/entities/{intel.runner.pk}/edit/").status_code == 200


def test_an_edit_from_an_old_version_shows_both_versions(intel):
    client = sign_in(Client(), intel.analyst)
    runner = intel.runner
    form = {"label": "Moth", "role": "runner", "victim_of_exploitation": "on",
            "date_of_birth_day": runner.date_of_birth.day,
            "date_of_birth_month": runner.date_of_birth.month,
            "date_of_birth_year": runner.date_of_birth.year, "version": runner.version}
    first = client.post(f"/intelligence/entities/{runner.pk}/edit/", {**form, "label": "Moth A"})
    assert first.status_code == 302
    stale = client.post(f"/intelligence/entities/{runner.pk}/edit/", {**form, "label": "Moth B"})
    assert stale.status_code == 409
    text = _text(stale)
    assert "Moth A" in text and "Moth B" in text
    runner.refresh_from_db()
    assert runner.label == "Moth A"


def test_adding_an_entity_and_a_graded_link_through_the_pages(intel):
    client = sign_in(Client(), intel.analyst)
    made = client.post("/intelligence/kinds/vehicle/new/", {"registration": "xy65 zzz"})
    assert made.status_code == 302
    car = Entity.objects.get(registration="XY65 ZZZ")
    day = timezone.localdate()
    linked = client.post(f"/intelligence/entities/{car.pk}/links/new/", {
        "other": intel.dealer.pk, "direction": "to", "kind": "drives", "date_day": day.day,
        "date_month": day.month, "date_year": day.year, "source": "ANPR",
        "source_grade": "1", "intelligence_grade": "A", "handling_code": "P"})
    assert linked.status_code == 302
    link = Link.objects.get(b=car)
    assert (link.a, link.kind, link.source_grade, link.handling_code) == (intel.dealer, "drives",
                                                                          "1", "P")
    assert link.recorded_by == intel.analyst
