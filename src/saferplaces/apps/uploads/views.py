"""The Upload data pages: upload a file, follow its load, see its problems, download its
rejects. Views are thin: ``services`` holds the rules, ``access`` who sees which upload."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.roles import INCIDENTS_PUSH
from saferplaces.apps.uploads import access, files, services
from saferplaces.apps.uploads.forms import UploadForm
from saferplaces.apps.uploads.models import Upload, UploadKind
from saferplaces.apps.uploads.tasks import queue_upload

__all__ = ["detail", "index", "rejects", "start", "status"]

#: Uploads listed on the page.
UPLOADS_LISTED = 50
#: Room in a request for the form's other fields around the file.
FORM_OVERHEAD = 64 * 1024


def _index_page(request: HttpRequest, form: UploadForm, status: int = 200, refusal: str = "") -> HttpResponse:
    uploads = access.uploads_for_user(request.user).select_related("created_by")
    return render(request, "uploads/index.html", {
        "form": form, "uploads": uploads[:UPLOADS_LISTED], "max_mb": files.max_bytes() // (1024 * 1024),
        "can_upload": access.can_upload(request.user), "kinds": UploadKind, "refusal": refusal,
    }, status=status)


@requires(INCIDENTS_PUSH)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, UploadForm())


@requires(INCIDENTS_PUSH)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Check and store the file, queue its load and show its page (which follows the load)."""
    announced = request.META.get("CONTENT_LENGTH") or "0"
    if announced.isdigit() and int(announced) > files.max_bytes() + FORM_OVERHEAD:
        # refused before the body is read: Django would otherwise take the whole file first
        return _index_page(request, UploadForm(), status=413,
                           refusal=f"The file must be smaller than {files.max_bytes() // (1024 * 1024)} MB.")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index_page(request, form, status=400)
    data = form.cleaned_data
    try:
        upload = services.create_upload(
            request.user, upload_file=data["file"], kind=data["kind"], mapping=data.get("mapping") or "",
            area_kind=data.get("area_kind") or "", name_field=data.get("name_field") or "",
            code_field=data.get("code_field") or "", skip_invalid=bool(data.get("skip_invalid")),
            request=request)
    except files.UploadRefused as refused:
        form.add_error("file", str(refused))
        return _index_page(request, form, status=400)
    queue_upload(upload)
    return redirect("uploads:upload", pk=upload.pk)


@requires(INCIDENTS_PUSH)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = access.get_upload_for_user(request.user, pk)
    response = render(request, "uploads/detail.html", {
        "upload": upload, "kinds": UploadKind,
        "problems_more": max(upload.problems_total - len(upload.problems), 0)})
    patch_cache_control(response, private=True, no_store=True)
    return response


@requires(INCIDENTS_PUSH)
@require_GET
def status(request: HttpRequest, pk: int) -> JsonResponse:
    """The upload's status for its page's progress poll."""
    upload = access.get_upload_for_user(request.user, pk)
    return JsonResponse({"status": upload.status, "label": upload.get_status_display(),
                         "stage": upload.stage, "progress": upload.progress,
                         "ended": not upload.in_progress})


@requires(INCIDENTS_PUSH)
@require_GET
def rejects(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejects CSV: every problem with the rejected row's own fields (audited)."""
    upload: Upload = access.get_upload_for_user(request.user, pk)
    if not upload.rejects:
        raise Http404("This upload has no rejects.")
    services.record_rejects_download(upload, request.user, request)
    response = HttpResponse(bytes(upload.rejects), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="upload-{upload.pk}-rejects.csv"'
    patch_cache_control(response, private=True, no_store=True)
    return response
