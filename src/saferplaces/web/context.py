"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from saferplaces.apps.incidents.services import store_is_synthetic


def site(request: HttpRequest) -> dict[str, object]:
    return {"synthetic_data": store_is_synthetic(), "service_name": "saferplaces"}
