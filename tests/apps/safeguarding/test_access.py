"""Who sees the safeguarding records: readers of the case in full (the owner, a partner with a
full share); an outsider agency and a limited share get 404, a member without the capability
403; the pages' edits are guarded by the record's version."""

from __future__ import annotations

from saferplaces.apps.cases.models import CaseShare, ShareLevel
from saferplaces.apps.safeguarding.models import MashReferral

MASH_API = "/api/cases/{}/mash-referrals/"
MARAC_API = "/api/cases/{}/marac-referrals/"


def test_partner_with_a_full_share_reads_the_mash_referral_and_the_panel(world, signed_in_client):
    client = signed_in_client(world.user("partner-practitioner"))
    page = client.get(f"/safeguarding/mash/{world.mash.pk}/")
    assert page.status_code == 200 and b"Waiting for screening" in page.content
    rows = client.get(MASH_API.format(world.child_case.pk)).json()
    assert [(r["id"], r["child"], r["mash_agency"]) for r in rows] == [
        (world.mash.pk, True, "Colchester City Council")]
    case_page = client.get(f"/cases/{world.child_case.pk}/")
    assert b'id="mash-list"' in case_page.content and b"Record a concern" in case_page.content
    marac = client.get(MARAC_API.format(world.da_case.pk)).json()
    assert marac["repeat_marac"] is False and len(marac["referrals"]) == 1


def test_outsider_agency_gets_404_for_every_safeguarding_record(world, signed_in_client):
    client = signed_in_client(world.user("outsider-case_manager"))
    for path in (f"/safeguarding/mash/{world.mash.pk}/", f"/safeguarding/mash/{world.mash.pk}/edit/",
                 f"/safeguarding/concerns/{world.concern.pk}/edit/",
                 f"/safeguarding/marac/{world.marac.pk}/edit/",
                 MASH_API.format(world.child_case.pk), MARAC_API.format(world.da_case.pk)):
        assert client.get(path).status_code == 404, path


def test_a_limited_share_sees_no_safeguarding_record(world, signed_in_client):
    CaseShare.objects.filter(case__in=[world.child_case, world.da_case]).update(
        level=ShareLevel.LIMITED)
    client = signed_in_client(world.user("partner-practitioner"))
    assert client.get(f"/safeguarding/mash/{world.mash.pk}/").status_code == 404
    assert client.get(MASH_API.format(world.child_case.pk)).status_code == 404
    assert client.get(MARAC_API.format(world.da_case.pk)).status_code == 404
    page = client.get(f"/cases/{world.child_case.pk}/")
    assert page.status_code == 200 and b"MASH" not in page.content


def test_a_member_without_the_capability_gets_403(world, signed_in_client):
    client = signed_in_client(world.user("owner-viewer"))
    assert client.get(f"/safeguarding/mash/{world.mash.pk}/").status_code == 403
    assert client.get(MASH_API.format(world.child_case.pk)).status_code == 403


def test_the_mash_screens_on_the_page_and_a_stale_form_shows_both_versions(world, signed_in_client):
    client = signed_in_client(world.user("partner-practitioner"))
    path = f"/safeguarding/mash/{world.mash.pk}/edit/"
    form = {"version": "1", "rag": "amber", "strategy_on_day": "", "strategy_on_month": "",
            "strategy_on_year": "", "strategy_time": "", "strategy_decision": "",
            "responded_on_day": "", "responded_on_month": "", "responded_on_year": "",
            "responded_time": "", "outcome": ""}
    assert client.post(path, form).status_code == 302
    assert MashReferral.objects.get(pk=world.mash.pk).rag == "amber"
    stale = client.post(path, form | {"rag": "red"})
    assert stale.status_code == 409 and b'id="conflict-versions"' in stale.content
    assert MashReferral.objects.get(pk=world.mash.pk).rag == "amber"
    # the owner works on the case but is not the MASH: it cannot screen
    owner = signed_in_client(world.user("owner-case_manager"))
    assert owner.get(path).status_code == 403


def test_a_concern_and_a_mash_referral_are_made_on_the_pages(world, signed_in_client):
    client = signed_in_client(world.user("owner-case_manager"))
    made = client.post(f"/safeguarding/cases/{world.child_case.pk}/concerns/add/", {
        "person": str(world.child.pk), "concern_on_day": "2", "concern_on_month": "6",
        "concern_on_year": "2026", "exploitation_types": ["cuckooing", "other"]})
    assert made.status_code == 302
    concern = world.child_case.safeguarding_concerns.order_by("-pk").first()
    assert concern.exploitation_types == ["cuckooing", "other"] and concern.child
    referred = client.post(f"/safeguarding/cases/{world.child_case.pk}/mash/add/", {
        "concern": str(concern.pk), "mash_agency": str(world.partnership.partner.pk),
        "received_on_day": "3", "received_on_month": "6", "received_on_year": "2026",
        "received_time": "9:30"})
    assert referred.status_code == 302
    assert MashReferral.objects.filter(concern=concern).count() == 1
    refused = client.post(f"/safeguarding/cases/{world.child_case.pk}/mash/add/", {
        "concern": str(concern.pk), "mash_agency": str(world.partnership.partner.pk),
        "received_on_day": "1", "received_on_month": "6", "received_on_year": "2026",
        "received_time": "09:30"})
    assert refused.status_code == 400 and b"concern cannot be dated after" in refused.content


def test_the_case_page_shows_the_repeat_marac_flag_on_the_new_case(world, signed_in_client):
    from tests.apps.safeguarding.conftest import da_case

    second = da_case(world.user("owner-case_manager"), world.victim, world.perpetrator)
    client = signed_in_client(world.user("owner-case_manager"))
    page = client.get(f"/cases/{second.pk}/")
    assert b'id="repeat-marac"' in page.content and world.da_case.reference.encode() in page.content
    first = client.get(f"/cases/{world.da_case.pk}/")
    assert b'id="marac-list"' in first.content and b'id="repeat-marac"' not in first.content
    flags = client.get(MARAC_API.format(second.pk)).json()
    assert flags["repeat_marac"] is True and flags["repeats"][0]["referral_case"] == world.da_case.reference
