"""``/api/me/``: who the caller is to the partnership (agency, role, capabilities); and the
API's permission class, :class:`~saferplaces.apps.agencies.permissions.DeclaredAccess`, which
enforces every API view's declared rule the way the middleware does for pages (see that module).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.access import capabilities, is_site_admin, membership_of
from saferplaces.apps.agencies.declare import signed_in_rule
from saferplaces.apps.agencies.permissions import DeclaredAccess

__all__ = ["DeclaredAccess", "Me"]


class AgencySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    agency = AgencySerializer(allow_null=True, help_text="The agency the user acts for; null "
                              "when they belong to none (or it has been deactivated)")
    role = serializers.CharField(allow_null=True, help_text="Their role in that agency")
    role_label = serializers.CharField(allow_null=True)
    site_administrator = serializers.BooleanField()
    capabilities = serializers.ListField(child=serializers.CharField(),
                                         help_text="Everything they may do, e.g. assessments.view")


class Me(APIView):
    """``/api/me/``: who the caller is to the partnership: agency, role and capabilities."""

    access = signed_in_rule()

    @extend_schema(responses=MeSerializer, summary="The signed-in user's agency, role and "
                   "capabilities")
    def get(self, request: Request) -> Response:
        membership = membership_of(request.user)
        agency = membership.agency if membership else None
        data = {
            "username": request.user.get_username(),
            "agency": ({"id": agency.pk, "name": agency.name, "kind": agency.kind}
                       if agency else None),
            "role": membership.role if membership else None,
            "role_label": membership.get_role_display() if membership else None,
            "site_administrator": is_site_admin(request.user),
            "capabilities": sorted(capabilities(request.user)),
        }
        return Response(MeSerializer(data).data)
