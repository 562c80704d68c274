"""A case's files in the API, by the rules of the case page (:mod:`saferplaces.apps.cases.attachments`):

``/api/cases/<id>/attachments/``        GET what files the caller may see (name, type, size,
                                        checksum, who added it and when; never the content);
                                        POST add one (``multipart/form-data``: ``file``,
                                        ``visibility``), with the page's type, content and size limits
``/api/cases/<id>/attachments/<id>/``   GET download one (always as an attachment)

Each reaches the case through ``get_case_for_user`` and the file through
``get_attachment_for_user``: an outsider agency gets 404, a limited share sees no files, an
owner-only file is the owner agency's alone. Listing is a "view" of the case, a download an
"export" of the file, an upload an "update", as on the page.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import CASES_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.cases import attachments, presenters
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import Attachment, NoteVisibility

__all__ = ["CaseAttachmentFile", "CaseAttachments"]


class AttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The file's name as it was uploaded")
    kind = serializers.CharField(help_text="Its checked type: pdf, docx, xlsx, jpg, png or txt")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes")
    sha256 = serializers.CharField()
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices)
    agency = serializers.CharField(help_text="The agency that added it")
    uploaded_by = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.URLField()


class AttachmentInput(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True,
                                 help_text="One of SAFERPLACES_ATTACHMENT_TYPES, at most "
                                           "SAFERPLACES_ATTACHMENT_MAX_MB megabytes; its content "
                                           "is checked to be of that type")
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices,
                                         default=NoteVisibility.SHARED,
                                         help_text="owner: the owner agency only (only it may "
                                                   "choose this)")


class FirstRenderer(BaseContentNegotiation):
    """A download is the file whatever the caller accepts; errors are JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


def _attachment(request: Request, case_pk: int, item: Attachment) -> dict[str, Any]:
    return {"id": item.pk, "name": item.name, "kind": item.kind,
            "content_type": attachments.CONTENT_TYPES.get(item.kind, "application/octet-stream"),
            "size": item.size, "sha256": item.sha256, "visibility": item.visibility,
            "agency": item.agency.name, "uploaded_by": presenters.user_label(item.uploaded_by),
            "uploaded_at": item.uploaded_at,
            "download": request.build_absolute_uri(
                reverse("api:case-attachment", args=[case_pk, item.pk]))}


class CaseAttachments(APIView):
    access = requires_rule(CASES_VIEW)
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="cases_case_attachments_list",
                   summary="The case's files the caller may see (what they are, not their "
                           "content)", responses=AttachmentSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        record("view", request=request, object_type=attachments.RESOURCE, object_id=pk,
               fields=["attachments"])
        return Response([_attachment(request, pk, item)
                         for item in attachments.visible_attachments(access)])

    @extend_schema(summary="Add a file (cases.edit, an agency working on the case)",
                   request={"multipart/form-data": AttachmentInput},
                   responses={201: AttachmentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        access = get_case_for_user(request.user, pk)
        data = AttachmentInput(data=request.data)
        if not data.is_valid():
            return Response(data.errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            item = attachments.add_attachment(access, request.user,
                                              upload=data.validated_data["file"],
                                              visibility=data.validated_data["visibility"],
                                              request=request._request)
        except attachments.AttachmentError as error:
            return Response({"detail": str(error), "field": error.field},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(_attachment(request, pk, item), status=status.HTTP_201_CREATED)


class CaseAttachmentFile(APIView):
    access = requires_rule(CASES_VIEW)
    content_negotiation_class = FirstRenderer

    @extend_schema(summary="Download one file (saved, never shown inline; audited)",
                   responses={(200, "application/octet-stream"): OpenApiResponse(
                       OpenApiTypes.BINARY, description="The file, with its own content type")})
    def get(self, request: Request, pk: int, attachment_pk: int) -> FileResponse:
        access, item = attachments.get_attachment_for_user(request.user, pk, attachment_pk)
        handle = attachments.file_path(item).open("rb")
        attachments.record_download(access, item, request.user, request=request._request)
        response = FileResponse(handle, as_attachment=True, filename=item.name,
                                content_type=attachments.CONTENT_TYPES[item.kind])
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
