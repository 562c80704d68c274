"""The Cases pages and API endpoints as each kind of person (columns in ``tests/sweep.py``):
the case belongs to the owner agency and is shared in full with the partner, so the outsider's
case manager gets 404 for the case, its parts and its referral and transfer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferplaces.apps.cases import attachments, services
from saferplaces.apps.cases.access import get_case_for_user
from tests.apps.cases.conftest import REASON, open_case, share
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'cases/': ('/cases/', "302 200 200 403 200 403 403 403"),
    'cases/new/': ('/cases/new/', "302 200 200 403 200 403 403 403"),
    'cases/referrals/': ('/cases/referrals/', "302 200 403 403 200 403 403 403"),
    'cases/referrals/<id:pk>/': ('/cases/referrals/{referral}/', "302 404 403 403 200 403 403 403"),
    'cases/transfers/': ('/cases/transfers/', "302 200 403 403 200 403 403 403"),
    'cases/transfers/<id:pk>/': ('/cases/transfers/{transfer}/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/': ('/cases/{case}/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/edit/': ('/cases/{case}/edit/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/status/': ('/cases/{case}/status/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/parties/add/': ('/cases/{case}/parties/add/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/incidents/': ('/cases/{case}/incidents/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/notes/add/': ('/cases/{case}/notes/add/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/attachments/add/': ('/cases/{case}/attachments/add/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/attachments/<id:attachment_pk>/': ('/cases/{case}/attachments/{attachment}/', "302 404 200 403 200 403 403 403"),
    'cases/<id:pk>/attachments/<id:attachment_pk>/delete/': ('/cases/{case}/attachments/{attachment}/delete/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/share/': ('/cases/{case}/share/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/shares/<id:share_pk>/end/': ('/cases/{case}/shares/{share}/end/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/refer/': ('/cases/{case}/refer/', "302 404 403 403 200 403 403 403"),
    'cases/<id:pk>/transfer/': ('/cases/{case}/transfer/', "302 404 403 403 200 403 403 403"),
    'api/cases/': ('/api/cases/', "401 200 200 403 200 403 403 403"),
    'api/cases/<id:pk>/': ('/api/cases/{case}/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/parties/': ('/api/cases/{case}/parties/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/notes/': ('/api/cases/{case}/notes/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/attachments/': ('/api/cases/{case}/attachments/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/attachments/<id:attachment_pk>/': ('/api/cases/{case}/attachments/{attachment}/', "401 404 200 403 200 403 403 403"),
    'api/cases/<id:pk>/referrals/': ('/api/cases/{case}/referrals/', "401 404 200 403 200 403 403 403"),
    'api/cases/referrals/': ('/api/cases/referrals/', "401 200 403 403 200 403 403 403"),
    'api/cases/referrals/<id:pk>/decision/': ('/api/cases/referrals/{referral}/decision/', "401 405 403 403 405 403 403 403"),
}


@pytest.fixture
def objects(partnership, settings, tmp_path):
    manager = partnership.user("owner", "case_manager")
    case = open_case(manager)
    shared = share(case, partnership.partner)
    settings.MEDIA_ROOT = str(tmp_path / "files")  # the attachment's file goes to this test's folder
    attachment = attachments.add_attachment(
        get_case_for_user(manager, case.pk), manager, visibility="shared",
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n%%EOF\n"))
    access = get_case_for_user(manager, case.pk)
    referral = services.refer_case(access, manager, agency=partnership.partner, reason=REASON)
    transfer = services.offer_transfer(access, manager, agency=partnership.partner, reason=REASON)
    return {"case": case.pk, "share": shared.pk, "referral": referral.pk,
            "transfer": transfer.pk, "attachment": attachment.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)
