"""Who sees an upload: the analysts and co-ordinators (``incidents.push``) of the agency whose
member uploaded it. Without the capability, 403; another agency's upload, or an unknown one,
404 (never a hint that it exists). Its problems and rejects hold rows of a partner's file, so
they stay with the agency that brought the file."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.roles import INCIDENTS_PUSH
from saferplaces.apps.uploads.models import Upload

__all__ = ["can_upload", "get_upload_for_user", "uploads_for_user"]


def can_upload(user: Any) -> bool:
    return has_capability(user, INCIDENTS_PUSH) and agency_of(user) is not None


def uploads_for_user(user: Any) -> QuerySet[Upload]:
    """The user's agency's uploads, latest first (403 without ``incidents.push``)."""
    require_capability(user, INCIDENTS_PUSH)
    agency = agency_of(user)
    if agency is None:
        return Upload.objects.none()
    return Upload.objects.filter(agency=agency)


def get_upload_for_user(user: Any, pk: int) -> Upload:
    """One upload the user may see: 403 without the capability, 404 for another agency's."""
    upload = uploads_for_user(user).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload.")
    return upload
