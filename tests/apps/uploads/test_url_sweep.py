"""The Upload data pages as each kind of person (columns in ``tests/sweep.py``): only analysts
and co-ordinators (``incidents.push``) of the agency that uploaded; every other member 403,
signed out to sign in. The outsider column is a case manager (403); another agency's analyst
gets 404 (``test_pages``)."""

from __future__ import annotations

import pytest

from saferplaces.apps.uploads.models import Upload, UploadKind, UploadStatus
from tests.sweep import check

#: route pattern → (example path, expected answers A O P V C N D S)
SWEEP: dict[str, tuple[str, str]] = {
    'uploads/': ('/uploads/', "302 403 403 403 403 200 403 403"),
    'uploads/start/': ('/uploads/start/', "302 403 403 403 403 405 403 403"),
    'uploads/<id:pk>/': ('/uploads/{upload}/', "302 403 403 403 403 200 403 403"),
    'uploads/<id:pk>/status.json': ('/uploads/{upload}/status.json', "302 403 403 403 403 200 403 403"),
    'uploads/<id:pk>/rejects.csv': ('/uploads/{upload}/rejects.csv', "302 403 403 403 403 200 403 403"),
}


@pytest.fixture
def objects(partnership):
    upload = Upload.objects.create(
        kind=UploadKind.POLICE_UK, name="2024-03-essex-street.csv", status=UploadStatus.REJECTED,
        agency=partnership.owner, created_by=partnership.user("owner", "analyst"),
        problems=[{"file": "2024-03-essex-street.csv", "row": 2, "line": 3, "column": "Month",
                   "value": "2024-13", "reason": "is not a month"}], problems_total=1,
        rejects=b"file,row,line,column,value,reason\n")
    return {"upload": upload.pk}


@pytest.mark.parametrize("route", sorted(SWEEP))
def test_each_kind_of_person_gets_the_expected_answer(route, partnership, objects):
    check(SWEEP, route, partnership, objects)
