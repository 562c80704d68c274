"""Who may see and change Public Spaces Protection Orders: the one access helper for orders and
their breaches, used by the pages, the API, the map layer and the review alerts alike.

- **Orders are public documents** (s.72 publication): every member with ``incidents.view``
  (every role) may read every order, its zones, terms, extensions, consultation and evidence.
- **Changing an order** (zones, terms, extension, consultation, making it) needs ``cases.edit``
  and the owner agency: another agency gets 403 (it may read the order, so not 404).
  Sharing it needs ``cases.manage`` in the owner agency.
- **Breaches and fixed penalties name people**: personal records. Only the owner agency and the
  agencies the order is shared with may see them (``cases.view``; recording one ``cases.edit``);
  anyone else gets 404, as for a case they cannot see. Counts per term (no names) appear in the
  evidence pack for every reader.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from saferplaces.apps.agencies.access import agency_of, has_capability, require_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE, CASES_VIEW, INCIDENTS_VIEW
from saferplaces.apps.pspo.models import Breach, Order

__all__ = ["breaches_for_user", "can_change", "can_see_breaches", "get_breach_for_user",
           "get_order_for_user", "orders_for_user"]


def orders_for_user(user: Any) -> QuerySet[Order]:
    """Every order (403 without ``incidents.view``)."""
    require_capability(user, INCIDENTS_VIEW)
    return Order.objects.select_related("owner_agency")


def get_order_for_user(user: Any, pk: int, *, change: bool = False, manage: bool = False) -> Order:
    """One order; with ``change`` (or ``manage``) only for its owner agency's ``cases.edit``
    (``cases.manage``) members, 403 for the others who may read it; 404 when there is none."""
    order = orders_for_user(user).filter(pk=pk).first()
    if order is None:
        raise Http404("No such order.")
    if change or manage:
        require_capability(user, CASES_MANAGE if manage else CASES_EDIT)
        if not is_owner(user, order):
            raise PermissionDenied("Only the agency that recorded this order can change it.")
    return order


def is_owner(user: Any, order: Order) -> bool:
    agency = agency_of(user)
    return agency is not None and agency.pk == order.owner_agency_id


def can_change(user: Any, order: Order) -> bool:
    return has_capability(user, CASES_EDIT) and is_owner(user, order)


def _sees_breaches(user: Any, order: Order) -> bool:
    agency = agency_of(user)
    if agency is None:
        return False
    return agency.pk == order.owner_agency_id or order.shares.filter(agency=agency).exists()


def can_see_breaches(user: Any, order: Order) -> bool:
    return has_capability(user, CASES_VIEW) and _sees_breaches(user, order)


def breaches_for_user(user: Any, order: Order, capability: str = CASES_VIEW) -> QuerySet[Breach]:
    """The order's breaches: 403 without ``capability``, 404 for an agency the order is not
    shared with."""
    require_capability(user, capability)
    if not _sees_breaches(user, order):
        raise Http404("No such order.")
    return order.breaches.select_related("term")


def get_breach_for_user(user: Any, order_pk: int, pk: int, capability: str = CASES_VIEW) -> Breach:
    order = get_order_for_user(user, order_pk)
    breach = breaches_for_user(user, order, capability).filter(pk=pk).first()
    if breach is None:
        raise Http404("No such breach.")
    return breach


def agencies_seeing_breaches(order: Order) -> Q:
    """The agencies (as a filter on Agency) that see the order's breaches."""
    return Q(pk=order.owner_agency_id) | Q(pk__in=order.shares.values("agency"))
