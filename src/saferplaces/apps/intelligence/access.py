"""Who may see and change restricted intelligence: the one access helper, used by the pages, the
API, the graph, exports and the alerts alike.

Rules:

- Only a user holding ``intelligence.view`` sees anything of it. That capability comes from
  the per-user intelligence flag alone, never from a role
  (:mod:`saferplaces.apps.agencies.roles`). **Everyone else gets 404** from every intelligence
  page and API endpoint, an outsider agency and the user's own colleagues alike: never a 403
  that would tell them the record exists. Search, the map and the case exports hold none of it.
- Holders of the flag in any partner agency read every entity and link: the store is the
  partnership's restricted intelligence picture, and each link's handling code (3x5x2: P lawful
  sharing permitted, C permitted with conditions) says how it may be passed on. A C link's
  conditions are shown wherever the link is, and exporting it needs them acknowledged.
- Adding and changing are for holders of the flag in the record's owner agency.
- **Every read is audited**: a record read with ``record("view", object_type="intelligence-
  entity"|"intelligence-link", object_id=pk)``; a list with ``object_type`` and a reason naming
  the list, never a label.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from saferplaces.apps.agencies.access import agency_of, has_capability
from saferplaces.apps.agencies.roles import INTELLIGENCE_VIEW
from saferplaces.apps.audit.services import record
from saferplaces.apps.intelligence.models import Entity, Link

__all__ = ["ENTITY", "LINK", "can_edit", "can_see_intelligence", "get_entity_for_user",
           "get_link_for_user", "intelligence_for_user", "links_for_user", "record_list_read",
           "record_read", "require_intelligence"]

#: The audit log's object types for intelligence records.
ENTITY = "intelligence-entity"
LINK = "intelligence-link"

_NOT_FOUND = "Not found."


def can_see_intelligence(user: Any) -> bool:
    """``user`` holds ``intelligence.view`` (signed in, the per-user flag, an active agency)."""
    return has_capability(user, INTELLIGENCE_VIEW)


def require_intelligence(user: Any) -> None:
    """404 unless ``user`` may see intelligence (never 403: nothing says it exists)."""
    if not can_see_intelligence(user):
        raise Http404(_NOT_FOUND)


def intelligence_for_user(user: Any) -> QuerySet[Entity]:
    """Every entity ``user`` may see; 404 without ``intelligence.view``. Not audited by itself:
    whoever shows the rows records the read (:func:`record_list_read`)."""
    require_intelligence(user)
    return Entity.objects.select_related("agency")


def links_for_user(user: Any) -> QuerySet[Link]:
    """Every link ``user`` may see; 404 without ``intelligence.view`` (audit as above)."""
    require_intelligence(user)
    return Link.objects.select_related("a", "b", "agency")


def record_read(user: Any, object_type: str, pk: object, *,
                request: HttpRequest | None = None, reason: str = "") -> None:
    """Audit one read of an intelligence record."""
    record("view", user=user, request=request, object_type=object_type, object_id=pk,
           reason=reason)


def record_list_read(user: Any, object_type: str, pks: Iterable[object], what: str, *,
                     request: HttpRequest | None = None) -> None:
    """Audit a list of intelligence records shown: one event naming the list and the ids shown
    (ids only: no labels, numbers or addresses)."""
    ids = [str(pk) for pk in pks]
    shown = ",".join(ids)
    reason = f"{what}: {len(ids)} shown" + (f" ({shown})" if len(shown) <= 400 else "")
    record("view", user=user, request=request, object_type=object_type, object_id="",
           reason=reason)


def get_entity_for_user(user: Any, pk: int, *, request: HttpRequest | None = None,
                        audit: bool = True, reason: str = "") -> Entity:
    """The entity ``pk`` as ``user`` may see it, its read audited; 404 without
    ``intelligence.view`` or when there is no such entity."""
    entity = intelligence_for_user(user).filter(pk=pk).first()
    if entity is None:
        raise Http404(_NOT_FOUND)
    if audit:
        record_read(user, ENTITY, entity.pk, request=request, reason=reason)
    return entity


def get_link_for_user(user: Any, pk: int, *, request: HttpRequest | None = None,
                      audit: bool = True, reason: str = "") -> Link:
    """The link ``pk`` as ``user`` may see it, its read audited; 404 as for an entity."""
    link = links_for_user(user).filter(pk=pk).first()
    if link is None:
        raise Http404(_NOT_FOUND)
    if audit:
        record_read(user, LINK, link.pk, request=request, reason=reason)
    return link


def can_edit(user: Any, record_: Entity | Link) -> bool:
    """A holder of the flag in the record's owner agency."""
    agency = agency_of(user)
    return (can_see_intelligence(user) and agency is not None
            and agency.pk == record_.agency_id)
