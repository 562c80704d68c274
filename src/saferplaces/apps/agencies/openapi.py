"""How the OpenAPI description (``/api/schema/``) names the service-token scheme: an HTTP
bearer key, listed only on the endpoints a service token may use (those whose declared
capability is a service scope, ``service_tokens.SERVICE_SCOPES``). Imported by ``web/api.py``
so drf-spectacular finds it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from saferplaces.apps.agencies.declare import AccessRule
from saferplaces.apps.agencies.service_tokens import SERVICE_SCOPES

__all__ = ["ServiceTokenScheme"]


class ServiceTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "saferplaces.apps.agencies.authentication.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        rule = getattr(auto_schema.view, "access", None)
        if isinstance(rule, AccessRule) and rule.capability in SERVICE_SCOPES:
            return [{str(self.name): []}]
        return []  # every other endpoint refuses service tokens

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer",
                "description": "A partner agency's service token (sps_...), made by the "
                               "agency's administrator on /manage/service-tokens/; it reaches "
                               "only the endpoints of its scopes"}
