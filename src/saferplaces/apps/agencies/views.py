"""The management pages (``/manage/``): agencies (site administrators, ``agencies.manage``) and
users (agency administrators for their own agency, site administrators for any; ``users.manage``).

Views are thin: every rule is in :mod:`.services`, and every account is reached through
``services.get_user_for_manager`` (another agency's account is a 404). Changes are POSTs with a
CSRF token; a GET of a change shows what will happen and asks to confirm. Addresses hold only
numeric ids, never a name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from saferplaces.apps.agencies import services
from saferplaces.apps.agencies.access import agency_of, is_site_admin
from saferplaces.apps.agencies.declare import requires
from saferplaces.apps.agencies.forms import AgencyForm, MembershipForm, NewUserForm
from saferplaces.apps.agencies.models import Agency, Membership
from saferplaces.apps.agencies.roles import (
    AGENCIES_MANAGE,
    CAPABILITY_HELP,
    ROLE_CAPABILITIES,
    USERS_MANAGE,
)

__all__ = ["add_agency", "add_user", "agencies", "deactivate_agency", "disable_user",
           "enable_user", "reactivate_agency", "reset_two_factor", "unlock_user", "user_detail",
           "users"]

GET_POST = require_http_methods(["GET", "POST"])


def _form_error(form: Any, error: ValidationError, field: str | None = None) -> None:
    """Show a rule the service refused on the form (the username field for a taken name)."""
    if field is None and getattr(error, "code", "") == "unique" and "username" in form.fields:
        field = "username"
    for message in error.messages:
        form.add_error(field, message)


def role_rows() -> list[dict[str, Any]]:
    """Each role with what it may do, for the help table on the user pages."""
    return [{"role": role.label, "can": [CAPABILITY_HELP[c] for c in sorted(caps)]}
            for role, caps in ROLE_CAPABILITIES.items()]


# ---------------------------------------------------------------------------------- agencies

@require_GET
@requires(AGENCIES_MANAGE)
def agencies(request: HttpRequest) -> HttpResponse:
    listed = Agency.objects.order_by("name")
    counts = dict(Membership.objects.values_list("agency").annotate(n=Count("id")).order_by())
    rows = [{"agency": agency, "members": counts.get(agency.pk, 0)} for agency in listed]
    return render(request, "agencies/agencies.html", {"rows": rows})


@GET_POST
@requires(AGENCIES_MANAGE)
def add_agency(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.add_agency(form.cleaned_data["name"], form.cleaned_data["kind"],
                                         by=request.user, request=request)
        except ValidationError as error:
            _form_error(form, error, "name")
        else:
            messages.success(request, f"{agency.name} added")
            return redirect("agencies:agencies")
    return render(request, "agencies/add_agency.html", {"form": form})


def _switch_agency(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    """The confirm page (GET) and the change (POST) of deactivating or reactivating an agency."""
    agency = services.get_agency_for_manager(request.user, pk)
    if request.method == "POST":
        if active:
            services.reactivate_agency(agency, by=request.user, request=request)
            messages.success(request, f"{agency.name} reactivated: its members can work again")
        else:
            services.deactivate_agency(agency, by=request.user, request=request)
            messages.success(request, f"{agency.name} deactivated: its members can no longer do "
                             "anything")
        return redirect("agencies:agencies")
    members = Membership.objects.filter(agency=agency, user__is_active=True).count()
    page = "reactivate_agency" if active else "deactivate_agency"
    return render(request, f"agencies/{page}.html", {"agency": agency, "members": members})


@GET_POST
@requires(AGENCIES_MANAGE)
def deactivate_agency(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch_agency(request, pk, active=False)


@GET_POST
@requires(AGENCIES_MANAGE)
def reactivate_agency(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch_agency(request, pk, active=True)


# ------------------------------------------------------------------------------------- users

@require_GET
@requires(USERS_MANAGE)
def users(request: HttpRequest) -> HttpResponse:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    listed = list(services.managed_users_for(request.user))
    enrolled = set(TOTPDevice.objects.filter(user__in=listed, confirmed=True)
                   .values_list("user_id", flat=True))
    rows = [{"user": user, "membership": getattr(user, "membership", None),
             "two_factor": user.pk in enrolled} for user in listed]
    return render(request, "agencies/users.html", {
        "rows": rows, "every_agency": is_site_admin(request.user), "agency": agency_of(request.user)})


@GET_POST
@requires(USERS_MANAGE)
def add_user(request: HttpRequest) -> HttpResponse:
    site_admin = is_site_admin(request.user)
    form = NewUserForm(request.POST or None, choose_agency=site_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = (Agency.objects.filter(pk=data["agency"]).first() if site_admin
                  else agency_of(request.user))
        try:
            if agency is None:
                raise ValidationError("Select the agency", code="required")
            user, password = services.add_user(
                data["username"], agency=agency, role=data["role"],
                intelligence=data["intelligence"], by=request.user, request=request)
        except ValidationError as error:
            _form_error(form, error)
        else:
            # The password is shown on this one page only: never in an address, a message or a log.
            response = render(request, "agencies/user_added.html",
                              {"added": user, "password": password})
            add_never_cache_headers(response)
            return response
    return render(request, "agencies/add_user.html", {
        "form": form, "roles": role_rows(), "agency": agency_of(request.user)})


@GET_POST
@requires(USERS_MANAGE)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    account = services.get_user_for_manager(request.user, pk)
    membership = getattr(account, "membership", None)
    site_admin = is_site_admin(request.user)
    refused = services.refusal(request.user, account)
    initial = ({"role": membership.role, "intelligence": membership.intelligence,
                "agency": membership.agency_id} if membership else {})
    form = MembershipForm(request.POST or None, initial=initial, choose_agency=site_admin)
    if request.method == "POST" and refused:
        raise PermissionDenied(refused)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = Agency.objects.filter(pk=data["agency"]).first() if site_admin else None
        try:
            services.update_membership(account, agency=agency, role=data["role"],
                                       intelligence=data["intelligence"], by=request.user,
                                       request=request)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"{account.get_username()}'s role is saved")
            return redirect("agencies:user", pk=account.pk)
    return render(request, "agencies/user.html", {
        "account": account, "membership": membership, "form": form, "roles": role_rows(),
        "yourself": account.pk == request.user.pk, "refused": refused,
        "locked": services.is_locked_out(account),
        "two_factor": TOTPDevice.objects.filter(user=account, confirmed=True).exists()})


def _changeable(request: HttpRequest, pk: int) -> Any:
    """The account ``pk`` if the signed-in administrator may change it: 404 outside what they
    manage, 403 for their own account or one of higher standing (asked before showing a form)."""
    account = services.get_user_for_manager(request.user, pk)
    refused = services.refusal(request.user, account)
    if refused:
        raise PermissionDenied(refused)
    return account


@dataclass(frozen=True)
class AccountChange:
    """One confirm-then-change page of an account: the words of the page, and the change."""

    title: str
    explain: str
    button: str
    warning: bool
    change: Callable[..., Any]
    done: Callable[[str, Any], str]


def _change_account(request: HttpRequest, pk: int, page: AccountChange) -> HttpResponse:
    account = _changeable(request, pk)
    if request.method == "POST":
        outcome = page.change(account, by=request.user, request=request)
        messages.success(request, page.done(account.get_username(), outcome))
        return redirect("agencies:user", pk=account.pk)
    return render(request, "agencies/confirm.html", {
        "account": account, "title": page.title, "explain": page.explain,
        "button": page.button, "warning": page.warning})


DISABLE = AccountChange(
    "Disable this account",
    "They will be signed out now and will not be able to sign in again, and their API token is "
    "deleted. What they recorded, and the audit log of what they did, are kept. You can enable "
    "the account again later.",
    "Disable account", True, services.disable_user,
    lambda name, _: f"{name} is disabled and signed out")

RESET_TWO_FACTOR = AccountChange(
    "Reset two-factor sign-in",
    "Do this when they have lost their phone or authenticator app. Their current set-up stops "
    "working, they are signed out everywhere and their API token is deleted; when they next "
    "sign in with their password they set up an authenticator app again. Check who is asking "
    "before you do this.",
    "Reset two-factor sign-in", True, services.reset_two_factor_for,
    lambda name, _: f"{name}'s two-factor sign-in is reset and they are signed out: they set up "
                    "an authenticator app again when they next sign in")

ENABLE = AccountChange(
    "Enable this account",
    "They will be able to sign in again with their password and authenticator app, and do what "
    "their role allows. Their old API token does not come back.",
    "Enable account", False, services.enable_user,
    lambda name, _: f"{name} is enabled: they can sign in again")

UNLOCK = AccountChange(
    "Unlock this account",
    "Their username was locked after too many wrong passwords or codes. Unlock it only when you "
    "know it was them (for example, they phoned you): if someone else was guessing, the lock is "
    "what stops them.",
    "Unlock account", False, services.unlock_user,
    lambda name, was_locked: f"{name} is unlocked: they can sign in again now" if was_locked
    else f"{name} was not locked")


@GET_POST
@requires(USERS_MANAGE)
def disable_user(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_account(request, pk, DISABLE)


@GET_POST
@requires(USERS_MANAGE)
def reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_account(request, pk, RESET_TWO_FACTOR)


@GET_POST
@requires(USERS_MANAGE)
def enable_user(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_account(request, pk, ENABLE)


@GET_POST
@requires(USERS_MANAGE)
def unlock_user(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_account(request, pk, UNLOCK)
