"""``{% load audit %}{% who_has_seen "case" case.pk %}``: the "who has seen this record" list
for a record page. It shows only to a reader holding ``audit.record_history``; the page itself
decides whether the reader may see the record (its owner agency, as the design notes ask)."""

from __future__ import annotations

from typing import Any

from django import template

from saferplaces.apps.audit.services import record_history

register = template.Library()

#: The latest events listed.
LISTED = 100


@register.inclusion_tag("audit/_who_has_seen.html", takes_context=True)
def who_has_seen(context: dict[str, Any], object_type: str, object_id: object) -> dict[str, Any]:
    from saferplaces.apps.agencies.access import has_capability
    from saferplaces.apps.agencies.roles import RECORD_HISTORY

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not has_capability(user, RECORD_HISTORY):
        return {"history": None}
    return {"history": record_history(object_type, object_id, limit=LISTED), "listed": LISTED}
