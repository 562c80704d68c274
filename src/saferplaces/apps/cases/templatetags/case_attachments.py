"""``{% case_attachments access %}``: the Files section of a case page, listing the
attachments the reader may see (``attachments.visible_attachments``) with the links they may
use. The case page's view stays as it is; the list comes from the same access it was given."""

from __future__ import annotations

from typing import Any

from django import template

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import CASES_EDIT, CASES_MANAGE
from saferplaces.apps.cases.access import CaseAccess
from saferplaces.apps.cases.attachments import visible_attachments

register = template.Library()


@register.inclusion_tag("cases/attachments/_list.html", takes_context=True)
def case_attachments(context: Any, access: CaseAccess) -> dict[str, Any]:
    user = context["request"].user
    return {
        "case": access.case,
        "rows": list(visible_attachments(access)),
        "can_add": access.contributes and has_capability(user, CASES_EDIT),
        "can_delete": access.is_owner and has_capability(user, CASES_MANAGE),
    }
