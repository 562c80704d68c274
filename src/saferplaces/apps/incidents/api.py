"""The incidents API: ``/api/incidents/summary/``, the Overview page's figures as data.

Counts only, never records or places: incidents of one source by category and calendar month
over the last twelve months of data (``queries.home_summary``, with the page's ``source``
choice: police.uk when loaded, ``all`` for every source added together), and each source's
total. The rule is the Overview page's: ``incidents.view``, or anyone when
``SAFERPLACES_PUBLIC_SITE`` is on. What may be counted comes from the incidents access helper
(``access.incidents_for_user``): every source for a signed-in user, police.uk only for a
signed-out visitor to a public site.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, Max, Min
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.roles import INCIDENTS_VIEW
from saferplaces.apps.incidents import access, queries
from saferplaces.ingest.policeuk import SOURCE as POLICE_UK

__all__ = ["IncidentSummary", "summary_data"]


# Fields named ``source`` and ``label`` shadow attributes of DRF's Field class in the type
# stubs only: the serializer's metaclass takes declared fields off the class.
class SourceSerializer(serializers.Serializer[Any]):
    source = serializers.CharField()  # type: ignore[assignment]
    label = serializers.CharField()  # type: ignore[assignment]
    incidents = serializers.IntegerField()


class CategorySerializer(serializers.Serializer[Any]):
    category = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(),
                                   help_text="Incidents in each of `months`, in that order")
    total = serializers.IntegerField()


class SummarySerializer(serializers.Serializer[Any]):
    source = serializers.CharField(  # type: ignore[assignment]
        allow_null=True, help_text="The source counted; null: all")
    source_label = serializers.CharField()
    sources = SourceSerializer(many=True, help_text="Every stored source and its records")
    total = serializers.IntegerField(help_text="Records in the store, every source")
    first_month = serializers.CharField(allow_null=True, help_text="YYYY-MM")
    last_month = serializers.CharField(allow_null=True, help_text="YYYY-MM")
    synthetic = serializers.BooleanField(help_text="The store holds the synthetic demo data")
    months = serializers.ListField(child=serializers.CharField(),
                                   help_text="The twelve months counted (YYYY-MM), oldest first")
    categories = CategorySerializer(many=True, help_text="Most incidents first")
    month_totals = serializers.ListField(child=serializers.IntegerField())
    months_total = serializers.IntegerField(help_text="Incidents in the months counted")


def summary_data(user: Any, requested_source: str | None, *, public_view: bool) -> dict[str, Any]:
    """The Overview page's figures (``queries.home_summary``) as plain data, counting only
    what ``access.incidents_for_user`` lets ``user`` count (403 without ``incidents.view``)."""
    scope = access.incidents_for_user(user, public_view=public_view)
    home = queries.home_summary(POLICE_UK if scope.public else requested_source,
                                incidents=scope.incidents, public=scope.public)
    sources = [s for s in cast(list[queries.SourceCount], home["sources"])
               if not scope.public or s.source == POLICE_UK]
    table = cast(queries.MonthTable, home["table"])
    if scope.public and home["source"] != POLICE_UK:  # police.uk is not loaded: nothing public
        table = queries.MonthTable(None, (), (), (), 0)
    span = scope.incidents.aggregate(first=Min("month"), last=Max("month"), n=Count("id"))
    status = cast(dict[str, Any], home["status"])
    return {
        "source": table.source if scope.public else home["source"],
        "source_label": home["source_label"] if table.source or not scope.public else "",
        "sources": [{"source": s.source, "label": s.label, "incidents": s.incidents}
                    for s in sources],
        "total": span["n"],
        "first_month": span["first"].strftime("%Y-%m") if span["first"] else None,
        "last_month": span["last"].strftime("%Y-%m") if span["last"] else None,
        "synthetic": bool(status.get("synthetic")),
        "months": list(table.months),
        "categories": [{"category": row.category, "counts": list(row.counts), "total": row.total}
                       for row in table.rows],
        "month_totals": list(table.month_totals), "months_total": table.total,
    }


class IncidentSummary(APIView):
    access = requires_rule(INCIDENTS_VIEW, public_site=True)

    @extend_schema(
        summary="Incidents by month and category (the Overview page's figures)",
        parameters=[OpenApiParameter(
            "source", OpenApiTypes.STR,
            description="A stored source (e.g. police-uk), or `all`; police.uk when loaded "
                        "if not given")],
        responses=SummarySerializer)
    def get(self, request: Request) -> Response:
        data = summary_data(request.user, request.query_params.get("source"),
                            public_view=getattr(request._request, "public_view", False))
        return Response(SummarySerializer(data).data)
