"""Managing agencies and their users: the rules, used alike by ``saferplaces agency``,
``saferplaces users`` and the management pages.

Who may do what (the roles are in :mod:`.roles`):

- ``by=None`` is the command line, run by whoever holds the server and its database: anything
  these functions offer, including making a site administrator (``site_admin=True``).
- A **site administrator** (``agencies.manage``) adds, deactivates and reactivates agencies and
  manages any agency's users, site administrators included.
- An **agency administrator** (``users.manage``) manages only their own agency's users: they may
  add users to it, change roles and the intelligence flag, disable and enable accounts, lift a
  lockout and reset two-factor sign-in. They may not make anyone a site administrator, move
  anyone into another agency, act on an account of higher standing than theirs (a site
  administrator's, even one who is a member of their agency), or change, disable or reset their
  own account (another administrator must).
- Anyone else is refused (``PermissionDenied``, a 403). A manager asking for a user outside what
  they manage gets ``Http404``, never a hint that the account exists.

Ending access ends everything that carries it: disabling an account or resetting its two-factor
sign-in signs it out everywhere (every stored session) and deletes its API token; a new password
deletes the API token (Django's session hash already ends the other sessions). A token minted by
whoever had the phone or the password must not outlive the procedure that shuts them out.

Usernames are one account whatever their capitals: a name differing only in case from an
existing one is refused, and names are looked up ignoring case (:func:`find_user`).

Every change is written to the audit log in the same transaction as the change itself.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from saferplaces.apps.accounts.sessions import API_TOKEN_RECORD, end_sessions, revoke_api_token
from saferplaces.apps.agencies.access import _CACHE as CAPABILITY_CACHE
from saferplaces.apps.agencies.access import agency_of, has_capability, is_site_admin
from saferplaces.apps.agencies.models import Agency, AgencyKind, Membership
from saferplaces.apps.agencies.roles import AGENCIES_MANAGE, ROLE_CAPABILITIES, USERS_MANAGE, Role
from saferplaces.apps.audit.models import Action
from saferplaces.apps.audit.services import record

__all__ = ["API_TOKEN_RECORD", "add_agency", "add_user", "agency_named", "deactivate_agency",
           "disable_user", "enable_user", "end_sessions", "find_user", "generate_password",
           "get_agency_for_manager", "get_user_for_manager", "is_locked_out", "managed_users_for",
           "reactivate_agency", "refusal", "reset_two_factor_for", "revoke_api_token",
           "set_password", "unlock_user", "update_membership", "user_named"]

#: The audit log's record type for API tokens; the record id is the token owner's user id.

#: Bytes of randomness in a generated password: 15 give 20 URL-safe characters (120 bits).
GENERATED_PASSWORD_BYTES = 15


def generate_password() -> str:
    """A strong random password, for the person to change after signing in."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


# ---------------------------------------------------------------------------------- agencies

def _require_agency_manager(by: Any) -> None:
    if by is not None and not has_capability(by, AGENCIES_MANAGE):
        raise PermissionDenied("Only a site administrator may add or deactivate agencies.")


def add_agency(name: str, kind: str, *, synthetic: bool = False, by: Any = None,
               request: HttpRequest | None = None, reason: str = "") -> Agency:
    """Add an agency of ``kind`` (one of :class:`AgencyKind`); names are unique, ignoring case."""
    _require_agency_manager(by)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter the agency's name", code="required")
    if kind not in AgencyKind.values:
        raise ValidationError(f"{kind!r} is not a kind of agency: use one of "
                              f"{', '.join(AgencyKind.values)}", code="invalid")
    with transaction.atomic():
        existing = Agency.objects.filter(name__iexact=name).first()
        if existing is not None:
            raise ValidationError(f"There is already an agency called {existing.name}",
                                  code="unique")
        agency = Agency.objects.create(name=name, kind=kind, synthetic=synthetic)
        record(Action.CREATE, user=by, request=request, object_type="agency", object_id=agency.pk,
               fields=["name", "kind", "synthetic"], reason=reason)
    return agency


def _set_active(agency: Agency, active: bool, *, by: Any, request: HttpRequest | None,
                reason: str) -> Agency:
    _require_agency_manager(by)
    with transaction.atomic():
        if agency.active != active:
            agency.active = active
            agency.save(update_fields=["active"])
            record(Action.UPDATE, user=by, request=request, object_type="agency",
                   object_id=agency.pk, fields=["active"], reason=reason)
    return agency


def deactivate_agency(agency: Agency, *, by: Any = None, request: HttpRequest | None = None,
                      reason: str = "") -> Agency:
    """Deactivate ``agency``: its members keep their accounts but can do nothing (access gives
    no capability through an inactive agency) until it is reactivated."""
    return _set_active(agency, False, by=by, request=request, reason=reason)


def reactivate_agency(agency: Agency, *, by: Any = None, request: HttpRequest | None = None,
                      reason: str = "") -> Agency:
    """Make a deactivated ``agency`` active again: its members can do what their roles allow."""
    return _set_active(agency, True, by=by, request=request, reason=reason)


def agency_named(name: str) -> Agency:
    """The agency called ``name`` (ignoring case), or a ``ValidationError`` listing the names."""
    agency = Agency.objects.filter(name__iexact=" ".join(name.split())).first()
    if agency is None:
        known = ", ".join(Agency.objects.values_list("name", flat=True)) or "none yet"
        raise ValidationError(f"There is no agency called {name} (agencies: {known})",
                              code="invalid")
    return agency


def get_agency_for_manager(manager: Any, pk: int) -> Agency:
    """The agency ``pk`` for a site administrator; 403 for anyone else, 404 if there is none."""
    _require_agency_manager(manager)
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise Http404("No such agency.")
    return agency


# ------------------------------------------------------------------------------------- users

def managed_users_for(manager: Any) -> QuerySet[Any]:
    """The accounts ``manager`` may see and manage: every account for a site administrator, the
    members of their own agency for an agency administrator; ``PermissionDenied`` otherwise."""
    users = get_user_model().objects.select_related("membership__agency").order_by("username")
    if is_site_admin(manager):
        return users
    if not has_capability(manager, USERS_MANAGE):
        raise PermissionDenied("You do not have permission to manage users.")
    agency = agency_of(manager)
    return users.filter(membership__agency=agency) if agency else users.none()


def get_user_for_manager(manager: Any, pk: int) -> Any:
    """The account ``pk`` if ``manager`` manages it: 403 without ``users.manage``, 404 for an
    account outside their agency or one that does not exist (the two look the same)."""
    user = managed_users_for(manager).filter(pk=pk).first()
    if user is None:
        raise Http404("No such user.")
    return user


def find_user(username: str) -> Any | None:
    """The account called ``username`` ignoring case, or None. Django's usernames are
    case-sensitive but the lockout counts them case-blind, and people type names as they
    remember them, so one name is one account. Should two accounts differ only in case (made
    before names were checked), the one typed exactly is meant; otherwise a ``ValidationError``
    names them."""
    name = username.strip()
    found = list(get_user_model().objects.filter(username__iexact=name).order_by("username"))
    exact = [user for user in found if user.username == name]
    if exact:
        return exact[0]
    if len(found) > 1:
        names = ", ".join(user.username for user in found)
        raise ValidationError(f"There is more than one user called {name} ({names}): type the "
                              "username exactly as `saferplaces users list` shows it",
                              code="ambiguous")
    return found[0] if found else None


def user_named(username: str) -> Any:
    """The account called ``username`` (see :func:`find_user`), or a ``ValidationError``."""
    user = find_user(username)
    if user is None:
        raise ValidationError(f"There is no user called {username.strip()}", code="invalid")
    return user


def _check_new(by: Any, agency: Agency) -> None:
    """May ``by`` put an account into ``agency``? A site administrator and the command line
    (``by=None``) may; an agency administrator only into their own agency."""
    if by is None or is_site_admin(by):
        return
    if not has_capability(by, USERS_MANAGE):
        raise PermissionDenied("You do not have permission to manage users.")
    own = agency_of(by)
    if own is None or agency.pk != own.pk:
        raise PermissionDenied("You can only manage users of your own agency.")


#: Standing: what an account may manage. Nobody acts on an account of higher standing than their own.
SITE_ADMINISTRATOR, AGENCY_ADMINISTRATOR, MEMBER = 2, 1, 0


def _standing(user: Any, membership: Membership | None) -> int:
    """The account's standing, whether or not it is active now (a disabled site administrator is
    still one: enabling them again is a site administrator's decision)."""
    if user.is_superuser:
        return SITE_ADMINISTRATOR
    if membership is not None and USERS_MANAGE in ROLE_CAPABILITIES[Role(membership.role)]:
        return AGENCY_ADMINISTRATOR
    return MEMBER


def _check_target(by: Any, user: Any) -> Membership | None:
    """May ``by`` change the existing account ``user``? Returns their membership. Nobody changes
    their own account from the pages; an agency administrator asking for an account outside
    their agency gets a 404 (as if it did not exist), and one asking to change an account of
    higher standing (a site administrator's) a 403. The command line (``by=None``) may do all."""
    current = _membership(user)
    if by is None:
        return current
    if user.pk == by.pk:
        raise PermissionDenied("You cannot change your own account: ask another administrator.")
    if is_site_admin(by):
        return current
    if not has_capability(by, USERS_MANAGE):
        raise PermissionDenied("You do not have permission to manage users.")
    own = agency_of(by)
    if current is None or own is None or current.agency_id != own.pk:
        raise Http404("No such user.")
    if _standing(user, current) > AGENCY_ADMINISTRATOR:
        raise PermissionDenied("Only a site administrator changes a site administrator's account.")
    return current


def refusal(by: Any, user: Any) -> str | None:
    """Why ``by`` may not change ``user``'s account, or None when they may (for the pages)."""
    try:
        _check_target(by, user)
    except PermissionDenied as refused:
        return str(refused)
    return None


def _membership(user: Any) -> Membership | None:
    """``user``'s membership as stored now, on the user object itself, so that changes made
    here are what the rest of the request sees (``user.membership``)."""
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    membership.refresh_from_db()
    return membership


def _check_role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError(f"{role!r} is not a role: use one of {', '.join(Role.values)}",
                              code="invalid")
    return Role(role)


def add_user(username: str, *, agency: Agency | str, role: str, intelligence: bool = False,
             password: str | None = None, site_admin: bool = False, by: Any = None,
             request: HttpRequest | None = None, reason: str = "") -> tuple[Any, str | None]:
    """Add an account in ``agency`` with ``role``; returns the user and, when no ``password``
    was given, the strong one generated for it (to be shown once). The password is checked
    against the site's password rules (``AUTH_PASSWORD_VALIDATORS``). Only the command line
    makes a site administrator (``site_admin``)."""
    User = get_user_model()
    if isinstance(agency, str):
        agency = agency_named(agency)
    role = _check_role(role)
    _check_new(by, agency)
    if site_admin and by is not None:
        raise PermissionDenied("Site administrators are made only from the command line.")
    if not agency.active:
        raise ValidationError(f"{agency.name} is deactivated: add users to an active agency",
                              code="invalid")
    username = username.strip()
    if not username:
        raise ValidationError("Enter a username", code="required")
    try:
        User.username_validator(username)
    except ValidationError:
        raise ValidationError("A username may contain only letters, numbers and @ . + - _",
                              code="invalid") from None
    generated = None if password else generate_password()
    chosen = password or generated or ""
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"There is already a user called {username}", code="unique")
        user = User(username=username, is_superuser=site_admin)
        validate_password(chosen, user)
        user.set_password(chosen)
        user.save()
        Membership.objects.create(user=user, agency=agency, role=role, intelligence=intelligence)
        record(Action.CREATE, user=by, request=request, object_type="user", object_id=user.pk,
               fields=["username", "password", "agency", "role", "intelligence"]
               + (["is_superuser"] if site_admin else []), reason=reason)
    return user, generated


def update_membership(user: Any, *, agency: Agency | str | None = None, role: str | None = None,
                      intelligence: bool | None = None, by: Any = None,
                      request: HttpRequest | None = None, reason: str = "") -> Membership:
    """Change ``user``'s agency, role or intelligence flag (None leaves it as it is). An account
    with no agency yet needs both ``agency`` and ``role``. Only a site administrator or the
    command line moves someone to another agency."""
    if isinstance(agency, str):
        agency = agency_named(agency)
    current = _check_target(by, user)
    target_agency = agency or (current.agency if current else None)
    if target_agency is None:
        raise ValidationError(f"{user.get_username()} belongs to no agency: give one",
                              code="required")
    if (current is None or target_agency.pk != current.agency_id) and not (
            by is None or is_site_admin(by)):
        raise PermissionDenied("Only a site administrator may move a user to another agency.")
    new_role = _check_role(role) if role is not None else (Role(current.role) if current else None)
    if new_role is None:
        raise ValidationError(f"{user.get_username()} has no role yet: give one", code="required")
    with transaction.atomic():
        if current is None:
            current = Membership.objects.create(user=user, agency=target_agency, role=new_role,
                                                intelligence=bool(intelligence))
            user.membership = current
            changed = ["agency", "role", "intelligence"]
        else:
            wanted = {"agency_id": target_agency.pk, "role": new_role.value,
                      "intelligence": current.intelligence if intelligence is None else intelligence}
            changed = [name.removesuffix("_id") for name, value in wanted.items()
                       if getattr(current, name) != value]
            for name, value in wanted.items():
                setattr(current, name, value)
            if changed:
                current.save()
        if changed:
            record(Action.UPDATE, user=by, request=request, object_type="user",
                   object_id=user.pk, fields=changed, reason=reason)
    vars(user).pop(CAPABILITY_CACHE, None)  # what they may do changed: forget the cached answer
    return current


def set_password(user: Any, password: str, *, by: Any = None, request: HttpRequest | None = None,
                 reason: str = "") -> None:
    """Set ``user``'s password after checking it against the site's password rules; their API
    token, if any, is deleted (it may have been made by whoever knew the old password)."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(Action.UPDATE, user=by, request=request, object_type="user", object_id=user.pk,
               fields=["password"], reason=reason)
        revoke_api_token(user, by=by, request=request, reason=reason)


def _account(user: Any) -> Any:
    return user_named(user) if isinstance(user, str) else user


def disable_user(user: Any, *, by: Any = None, request: HttpRequest | None = None,
                 reason: str = "") -> Any:
    """Disable ``user`` (a username or an account): they can no longer sign in, the sessions
    they are signed in with now end and their API token is deleted (enabling them again does
    not bring it back). Their records and audit events are kept."""
    user = _account(user)
    _check_target(by, user)
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            record(Action.UPDATE, user=by, request=request, object_type="user",
                   object_id=user.pk, fields=["is_active"], reason=reason)
        end_sessions(user)
        revoke_api_token(user, by=by, request=request, reason=reason)
    return user


def enable_user(user: Any, *, by: Any = None, request: HttpRequest | None = None,
                reason: str = "") -> Any:
    """Enable a disabled ``user`` (a username or an account): they can sign in again with their
    password and second factor, and do what their role allows."""
    user = _account(user)
    _check_target(by, user)
    with transaction.atomic():
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            record(Action.UPDATE, user=by, request=request, object_type="user",
                   object_id=user.pk, fields=["is_active"], reason=reason)
    return user


def is_locked_out(user: Any) -> bool:
    """``user``'s username is locked after failed sign-ins (see ``accounts.lockout``)."""
    from saferplaces.apps.accounts.lockout import is_locked

    return is_locked(user.get_username())


def unlock_user(user: Any, *, by: Any = None, request: HttpRequest | None = None,
                reason: str = "") -> bool:
    """Lift a lockout of ``user`` (a username or an account) before it ends by itself: the failed
    attempts counted against their username are forgotten. True when they were locked; the audit
    log records it (field ``lockout``) when there was any count to clear."""
    from saferplaces.apps.accounts.lockout import is_locked, unlock

    user = _account(user)
    _check_target(by, user)
    username = user.get_username()
    with transaction.atomic():
        was_locked = is_locked(username)
        if unlock(username):
            record(Action.UPDATE, user=by, request=request, object_type="user",
                   object_id=user.pk, fields=["lockout"], reason=reason)
    return was_locked


def reset_two_factor_for(user: Any, *, by: Any = None, request: HttpRequest | None = None,
                         reason: str = "") -> Any:
    """Remove ``user``'s two-factor devices so they set up a new one at their next sign-in, end
    their sessions and delete their API token, under the same rules as any other change to their
    account (``accounts.services.reset_two_factor``, audited there)."""
    from saferplaces.apps.accounts.services import reset_two_factor

    user = _account(user)
    _check_target(by, user)
    reset_two_factor(user, by=by, request=request, reason=reason)
    return user
