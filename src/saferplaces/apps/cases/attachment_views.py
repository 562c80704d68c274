"""The attachment pages of a case: add a file, download one, delete one. Each reaches the case
through ``get_case_for_user`` (outsiders 404, members without the capability 403); the rules
are in :mod:`saferplaces.apps.cases.attachments`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW
from saferplaces.apps.cases import attachments
from saferplaces.apps.cases.access import get_case_for_user
from saferplaces.apps.cases.models import NoteVisibility

__all__ = ["add_attachment", "delete_attachment", "download_attachment"]


def _case_url(pk: int) -> str:
    return reverse("cases:case", args=[pk]) + "#attachments"


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Upload a file", allow_empty_file=True,
                           error_messages={"required": "Select a file"})
    visibility = forms.ChoiceField(label="Who may see it", choices=NoteVisibility.choices,
                                   initial=NoteVisibility.SHARED, widget=forms.RadioSelect)

    def __init__(self, *args: Any, owner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not owner:
            field = self.fields["visibility"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(NoteVisibility.SHARED.value, NoteVisibility.SHARED.label)]


@requires(CASES_EDIT)
@require_http_methods(["GET", "POST"])
def add_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_case_for_user(request.user, pk, CASES_EDIT)
    if not access.contributes:
        raise PermissionDenied("Your agency does not work on this case.")
    form = AttachmentForm(request.POST or None, request.FILES or None, owner=access.is_owner)
    if request.method == "POST" and form.is_valid():
        try:
            attachments.add_attachment(access, request.user, upload=form.cleaned_data["file"],
                                       visibility=form.cleaned_data["visibility"], request=request)
        except attachments.AttachmentError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect(_case_url(access.case.pk))
    status = 400 if form.errors else 200
    return render(request, "cases/attachments/add.html", {
        "case": access.case, "form": form, "kinds": attachments.allowed_kinds(),
        "max_mb": attachments.max_bytes() // (1024 * 1024)}, status=status)


@requires(CASES_VIEW)
@require_GET
def download_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    access, attachment = attachments.get_attachment_for_user(request.user, pk, attachment_pk)
    path = attachments.file_path(attachment)
    handle = path.open("rb")
    attachments.record_download(access, attachment, request.user, request=request)
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachments.CONTENT_TYPES[attachment.kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@requires(CASES_MANAGE)
@require_http_methods(["GET", "POST"])
def delete_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    access, attachment = attachments.get_attachment_for_user(request.user, pk, attachment_pk,
                                                             CASES_MANAGE)
    if not access.is_owner:
        raise PermissionDenied("Only the agency that owns the case can delete its files.")
    if request.method == "POST":
        attachments.delete_attachment(access, attachment, request.user, request=request)
        return redirect(_case_url(access.case.pk))
    return render(request, "cases/attachments/delete.html",
                  {"case": access.case, "attachment": attachment})
