"""The service-token pages (``/manage/service-tokens/``): an agency's administrator
(``users.manage``) makes and revokes the tokens its partner systems use; a site administrator
does so for any agency. The rules are in :mod:`.service_tokens`; the key is shown once, on the
page that makes it, which no cache keeps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies import service_tokens
from saferplaces.apps.agencies.access import agency_of, is_site_admin
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.models import Agency, ServiceToken
from saferplaces.apps.agencies.roles import USERS_MANAGE

__all__ = ["add_service_token", "revoke_service_token", "service_token_list"]


def _mapping_choices() -> list[tuple[str, str]]:
    from saferplaces.ingest.mapped import shipped_mappings

    return [(name, name) for name in shipped_mappings()]


class ServiceTokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100,
                           help_text="What will use it, for example: council ASB system",
                           error_messages={"required": "Enter a name for the token"})
    agency = forms.TypedChoiceField(label="Agency", coerce=int,
                                    error_messages={"required": "Select the agency"})
    scopes = forms.MultipleChoiceField(
        label="What it may do", widget=forms.CheckboxSelectMultiple,
        choices=list(service_tokens.SERVICE_SCOPES.items()),
        error_messages={"required": "Choose what the token may do"})
    mapping = forms.ChoiceField(
        label="Column mapping of its incident rows", required=False,
        help_text="How the partner system names its columns (a mapping file of your own is set "
                  "with the command saferplaces agency token add)")

    def __init__(self, *args: Any, choose_agency: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = self.fields["mapping"]
        assert isinstance(mapping, forms.ChoiceField)
        mapping.choices = [("", "Select a mapping"), *_mapping_choices()]
        if choose_agency:
            agency = self.fields["agency"]
            assert isinstance(agency, forms.TypedChoiceField)
            agency.choices = [("", "Select an agency"), *Agency.objects.filter(active=True)
                              .order_by("name").values_list("pk", "name")]
        else:
            del self.fields["agency"]


def _state(token: ServiceToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= timezone.now() else "working"


@require_GET
@requires(USERS_MANAGE)
def service_token_list(request: HttpRequest) -> HttpResponse:
    rows = [{"token": token, "state": _state(token)}
            for token in service_tokens.tokens_for(request.user)]
    return render(request, "agencies/service_tokens.html", {
        "rows": rows, "every_agency": is_site_admin(request.user),
        "agency": agency_of(request.user), "scopes": service_tokens.SERVICE_SCOPES})


@require_http_methods(["GET", "POST"])
@requires(USERS_MANAGE)
def add_service_token(request: HttpRequest) -> HttpResponse:
    site_admin = is_site_admin(request.user)
    form = ServiceTokenForm(request.POST or None, choose_agency=site_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = (Agency.objects.filter(pk=data["agency"]).first() if site_admin
                  else agency_of(request.user))
        try:
            if agency is None:
                raise ValidationError("Select the agency", code="required")
            made = service_tokens.create_token(agency, name=data["name"], scopes=data["scopes"],
                                               mapping=data["mapping"], by=request.user,
                                               request=request)
        except ValidationError as error:
            # the service names the field at fault in the error's code
            field = error.code if error.code in form.fields else None
            for message in error.messages:
                form.add_error(field, message)
        else:
            # The key is on this one page only: never in an address, a message or a log.
            response = render(request, "agencies/service_token_made.html",
                              {"token": made.token, "key": made.key})
            add_never_cache_headers(response)
            return response
    return render(request, "agencies/service_token_add.html", {
        "form": form, "agency": agency_of(request.user),
        "token_days": settings.SAFERPLACES_SERVICE_TOKEN_DAYS},
        status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@requires(USERS_MANAGE)
def revoke_service_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = service_tokens.get_token_for_manager(request.user, pk)
    if request.method == "POST":
        revoked = service_tokens.revoke_token(token, by=request.user, request=request)
        messages.success(request, f"The token {token.name} is revoked: it no longer works"
                         if revoked else f"The token {token.name} was already revoked")
        return redirect("agencies:service-tokens")
    return render(request, "agencies/service_token_revoke.html", {"token": token,
                                                                  "state": _state(token)})
