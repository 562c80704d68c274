"""Break-glass pages: asking for access to one record outside one's agency, with a reason; and
the owner agency's case managers' list of every such access to their records."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies import breakglass
from saferplaces.apps.agencies.access import agency_of, require_capability
from saferplaces.apps.agencies.declare import requires, signed_in
from saferplaces.apps.agencies.roles import CASES_MANAGE


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need this record?",
        help_text="The agency that owns it sees your name, your agency and this reason.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
        min_length=breakglass.MIN_REASON_LENGTH, max_length=2000)


@signed_in
@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest, record_type: str, record_id: int) -> HttpResponse:
    """Break the glass: the object-level checks are breakglass.break_glass's (404 for an unknown
    record, 403 without the record type's capability)."""
    kind = breakglass.registered(record_type)
    require_capability(request.user, kind.capability)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breakglass.break_glass(request.user, record_type, str(record_id),
                                   form.cleaned_data["reason"], request=request)
        except ValueError as exc:
            form.add_error("reason", str(exc))
        else:
            return redirect(kind.url(str(record_id)))
    hours = settings.SAFERPLACES_BREAK_GLASS_HOURS
    return render(request, "agencies/break_glass_request.html",
                  {"form": form, "kind": kind, "hours": hours}, status=200 if not form.errors else 400)


@requires(CASES_MANAGE)
@require_GET
def agency_accesses(request: HttpRequest) -> HttpResponse:
    """Every break-glass access to the case manager's agency's records."""
    agency = agency_of(request.user)
    accesses = breakglass.break_glass_to_agency(agency) if agency else []
    return render(request, "agencies/break_glass_list.html",
                  {"agency": agency, "accesses": accesses})
