"""Template context shared by every page: the service's name, the banners every page shows (data
that is synthetic, two-factor sign-in switched off) and which management links to offer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.roles import (
    AGENCIES_MANAGE,
    CASES_MANAGE,
    CASES_VIEW,
    INCIDENTS_PUSH,
    INTELLIGENCE_VIEW,
    USERS_MANAGE,
)
from saferplaces.apps.incidents.services import store_is_synthetic


def synthetic_agencies() -> bool:
    """Whether the store holds the demo's made-up agencies (``saferplaces demo``)."""
    from saferplaces.apps.agencies.models import Agency

    try:
        return Agency.objects.filter(synthetic=True).exists()
    except Exception:  # no tables yet (before migrate): nothing to label
        return False


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "synthetic_data": store_is_synthetic() or synthetic_agencies(),
        "two_factor_off": not getattr(settings, "SAFERPLACES_REQUIRE_2FA", True),
        "can_manage_users": has_capability(user, USERS_MANAGE),
        "can_manage_agencies": has_capability(user, AGENCIES_MANAGE),
        "can_view_cases": has_capability(user, CASES_VIEW),
        "can_manage_cases": has_capability(user, CASES_MANAGE),
        "can_view_intelligence": has_capability(user, INTELLIGENCE_VIEW),
        "can_upload_data": has_capability(user, INCIDENTS_PUSH),
        "service_name": "saferplaces",
    }
