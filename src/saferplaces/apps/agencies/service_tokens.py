"""Per-agency service tokens: how a partner agency's own system (a council ASB log, a fire
service's incident system) calls the API without a person's account.

Rules:

- a token belongs to one agency and is made by that agency's administrator (``users.manage``,
  on ``/manage/service-tokens/``), a site administrator for any agency, or on the command line
  (``saferplaces agency token add``);
- the key is 40 random bytes (``secrets``), shown once when it is made; only its SHA-256 digest
  is stored, so a copy of the database does not give anyone a working key. SHA-256 without a
  salt is enough here: the key is random and long, not a password someone chose;
- a token does only what its **scopes** name, and the only scopes there are
  (:data:`SERVICE_SCOPES`) are machine jobs: ``incidents.push``. A scope is never a role's
  capability to read cases or people, and the API refuses a service token on every endpoint
  that does not name one of its scopes (``permissions.DeclaredAccess``), so a service token
  cannot read cases, people or anything a person's token can;
- it expires ``SAFERPLACES_SERVICE_TOKEN_DAYS`` days after it is made (default 365: partner
  systems are configured once a year or so, and a forgotten token still dies), can be revoked
  at once, and stops working while its agency is deactivated;
- a token with ``incidents.push`` names the column mapping its rows come in (a shipped mapping
  such as ``council-asb``, or on the command line a mapping file), as ``saferplaces ingest csv
  --mapping`` does;
- making and revoking a token are audited (``service-token`` events: the token's id and name,
  never the key), and so is each use (one event per push).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from saferplaces.apps.agencies.access import agency_of, has_capability, is_site_admin
from saferplaces.apps.agencies.models import Agency, ServiceToken
from saferplaces.apps.agencies.roles import INCIDENTS_PUSH, USERS_MANAGE
from saferplaces.apps.audit.services import record

__all__ = ["AUDIT_RECORD", "KEY_BYTES", "KEY_PREFIX", "SERVICE_SCOPES", "NewToken", "create_token",
           "digest", "find_live_token", "get_token_for_manager", "revoke_token", "tokens_for"]

#: Bytes of randomness in a key (320 bits): far past guessing, short enough for a header.
KEY_BYTES = 40
#: Every key starts with this, so secret scanners and people can tell what a leaked string is.
KEY_PREFIX = "sps_"
#: The audit log's record type for service tokens; the record id is the token's id.
AUDIT_RECORD = "service-token"

#: What a service token may be allowed to do, with what it lets the partner system do. Only
#: machine jobs: none of these is a capability to read cases or people.
SERVICE_SCOPES: dict[str, str] = {
    INCIDENTS_PUSH: "send incident rows to the store through POST /api/incidents/push/, in the "
                    "token's column mapping",
}


class NewToken:
    """A token just made, with its key: the only time the key exists outside the caller."""

    def __init__(self, token: ServiceToken, key: str) -> None:
        self.token = token
        self.key = key


def digest(key: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _require_manager(by: Any, agency: Agency) -> None:
    """``by=None`` is the command line; otherwise the agency's administrator or a site
    administrator (another agency's administrator: 403)."""
    if by is None:
        return
    if not has_capability(by, USERS_MANAGE):
        raise PermissionDenied("You do not have permission to do this.")
    if not is_site_admin(by) and agency_of(by) != agency:
        raise PermissionDenied("You may manage only your own agency's service tokens.")


def _check_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    chosen = sorted(set(scopes))
    if not chosen:
        raise ValidationError("Choose what the token may do", code="scopes")
    unknown = [scope for scope in chosen if scope not in SERVICE_SCOPES]
    if unknown:
        raise ValidationError(f"Unknown scope {unknown[0]!r}: a service token may have "
                              f"{', '.join(SERVICE_SCOPES)}", code="scopes")
    return chosen


def _check_mapping(mapping: str, scopes: list[str]) -> str:
    """The mapping a pushing token needs, loaded once now so a typing mistake shows at once."""
    from saferplaces.ingest.mapped import MappingError, load_mapping

    mapping = mapping.strip()
    if INCIDENTS_PUSH not in scopes:
        return ""
    if not mapping:
        raise ValidationError("Name the column mapping its incident rows come in (for example "
                              "council-asb)", code="mapping")
    try:
        load_mapping(mapping)
    except MappingError as error:
        raise ValidationError(str(error), code="mapping") from None
    return mapping


def create_token(agency: Agency, *, name: str, scopes: list[str] | tuple[str, ...],
                 mapping: str = "", days: int | None = None, by: Any = None,
                 request: HttpRequest | None = None, reason: str = "") -> NewToken:
    """Make a token for ``agency`` and return it with its key (shown once; see the module)."""
    _require_manager(by, agency)
    if not agency.active:
        raise ValidationError(f"{agency.name} is deactivated: reactivate it first", code="invalid")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter a name for the token (what will use it)", code="name")
    chosen = _check_scopes(scopes)
    mapping = _check_mapping(mapping, chosen)
    days = int(settings.SAFERPLACES_SERVICE_TOKEN_DAYS if days is None else days)
    if days < 1:
        raise ValidationError("A token must work for at least one day", code="invalid")
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    try:
        with transaction.atomic():
            token = ServiceToken.objects.create(
                agency=agency, name=name[:100], key_hash=digest(key), prefix=key[:12],
                scopes=chosen, mapping=mapping, created_by=by,
                expires_at=timezone.now() + datetime.timedelta(days=days))
            record("create", user=by, request=request, object_type=AUDIT_RECORD,
                   object_id=token.pk, fields=["scopes", *(["mapping"] if mapping else [])],
                   reason=f"service token {name[:100]!r} for {agency.name}: "
                          f"{', '.join(chosen)}, {days} days" + (f"; {reason}" if reason else ""))
    except IntegrityError:
        raise ValidationError(f"{agency.name} already has a working token called {name!r}: "
                              "revoke it or choose another name", code="name") from None
    return NewToken(token, key)


def revoke_token(token: ServiceToken, *, by: Any = None, request: HttpRequest | None = None,
                 reason: str = "") -> bool:
    """Stop ``token`` working now; False if it was already revoked."""
    _require_manager(by, token.agency)
    with transaction.atomic():
        changed = ServiceToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        if changed:
            record("delete", user=by, request=request, object_type=AUDIT_RECORD,
                   object_id=token.pk, fields=["revoked_at"],
                   reason=f"service token {token.name!r} of {token.agency.name} revoked"
                          + (f"; {reason}" if reason else ""))
    token.refresh_from_db()
    return bool(changed)


def tokens_for(manager: Any) -> QuerySet[ServiceToken]:
    """The tokens ``manager`` may see: their agency's, or every agency's for a site
    administrator (403 without ``users.manage``)."""
    if not has_capability(manager, USERS_MANAGE):
        raise PermissionDenied("You do not have permission to do this.")
    tokens = ServiceToken.objects.select_related("agency", "created_by")
    if is_site_admin(manager):
        return tokens
    agency = agency_of(manager)
    return tokens.filter(agency=agency) if agency else tokens.none()


def get_token_for_manager(manager: Any, pk: int) -> ServiceToken:
    """One token ``manager`` may manage; another agency's token is a 404."""
    token = tokens_for(manager).filter(pk=pk).first()
    if token is None:
        raise Http404("No such service token.")
    return token


def find_live_token(key: str) -> ServiceToken | None:
    """The working token whose key is ``key``: known, not revoked, not expired, its agency
    active; None otherwise (the caller says only that the key is not valid)."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (ServiceToken.objects.select_related("agency")
             .filter(key_hash=digest(key), revoked_at__isnull=True).first())
    if token is None or token.expires_at <= timezone.now() or not token.agency.active:
        return None
    return token
