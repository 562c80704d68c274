"""The incidents API: ``/api/incidents/summary/``, the Overview page's figures as data; and
``/api/incidents/push/``, partner systems sending incident rows (:class:`IncidentPush`).

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

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from saferplaces.apps.agencies.authentication import service_token_of
from saferplaces.apps.agencies.declare import requires_rule
from saferplaces.apps.agencies.models import ServiceToken
from saferplaces.apps.agencies.roles import INCIDENTS_PUSH, INCIDENTS_VIEW
from saferplaces.apps.agencies.service_tokens import AUDIT_RECORD
from saferplaces.apps.audit.services import record
from saferplaces.apps.incidents import access, queries
from saferplaces.apps.incidents.services import ingest_mapped_rows
from saferplaces.ingest.mapped import MappingError, load_mapping, shipped_mappings
from saferplaces.ingest.policeuk import SOURCE as POLICE_UK

__all__ = ["IncidentPush", "IncidentSummary", "summary_data"]


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


# --- partner systems pushing incidents ------------------------------------------------------------

#: The most rows one push may carry: bigger loads go in several pushes (or a file through
#: ``saferplaces ingest csv``), so one request cannot hold the store's write lock for long.
PUSH_MAX_ROWS = 20_000

#: What a row's value may be: JSON text, a number, true/false or null (read as empty).
_SCALARS = (str, int, float, bool, type(None))


class PushRequestSerializer(serializers.Serializer[Any]):
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="The incident rows, each an object from the "
        "mapping's column names to values (as the columns of the partner's CSV file)")
    mapping = serializers.CharField(
        required=False, help_text="A person's token only: the shipped mapping the rows come in "
        "(e.g. council-asb). A service token always uses its own mapping.")


class PushProblemSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(allow_null=True, help_text="1 is the first of `rows`")
    column = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class PushReportSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(help_text="Every row was accepted (otherwise nothing was written)")
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The store source the mapping loads into")
    mapping = serializers.CharField()
    rows = serializers.IntegerField(help_text="Rows received")
    added = serializers.IntegerField()
    updated = serializers.IntegerField(help_text="Stored incidents these rows had a later version of")
    present = serializers.IntegerField(help_text="Already stored as they are (a re-push adds nothing)")
    rejected = serializers.IntegerField(help_text="Rows not written: every row when any is bad")
    bad_rows = serializers.IntegerField(help_text="Rows with a problem")
    problems = PushProblemSerializer(many=True, help_text="Each bad value: row, column and why")
    notices = serializers.ListField(child=serializers.CharField())


class PushRefused(Exception):
    """The request itself is wrong (not the rows' values): answered 400 with the message."""


def _rows_of(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise PushRefused('Send a JSON object with "rows": a list of incident rows.')
    rows: list[dict[str, Any]] = data["rows"]
    if not rows:
        raise PushRefused('"rows" is empty: send at least one row.')
    if len(rows) > PUSH_MAX_ROWS:
        raise PushRefused(f"At most {PUSH_MAX_ROWS} rows in one push: send the rest in another.")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise PushRefused(f"Row {number} is not an object of column names and values.")
        for column, value in row.items():
            if not isinstance(value, _SCALARS):
                raise PushRefused(f"Row {number}, column {str(column)[:60]!r}: a value must be "
                                  "text, a number, true/false or null.")
    return rows


def _mapping_for(request: Request, data: Any) -> str:
    """A service token's own mapping (a different one named in the body is refused); for a
    person's token, a shipped mapping named in the body (never a file on the server)."""
    asked = str(data.get("mapping") or "").strip()
    token = service_token_of(request)
    if token is not None:
        if asked and asked != token.mapping:
            raise PushRefused(f"This token sends rows in the mapping {token.mapping!r}: leave "
                              '"mapping" out, or ask your agency administrator for another token.')
        return str(token.mapping)
    if asked not in shipped_mappings():
        raise PushRefused(f'Name the mapping the rows come in ("mapping": one of '
                          f"{', '.join(shipped_mappings())}).")
    return asked


def _report(report: Any, mapping: Any, mapping_name: str, rows: int) -> dict[str, Any]:
    outcome = report.files[0]
    problems = list(outcome.problems) or (list(outcome.error.problems) if outcome.error else [])
    return {
        "ok": report.ok, "source": mapping.source, "mapping": mapping_name, "rows": rows,
        "added": outcome.rows_added, "updated": outcome.rows_updated,
        "present": outcome.rows_present, "rejected": outcome.rows_rejected,
        "bad_rows": len({p.row for p in problems if p.row is not None}),
        "problems": [{"row": p.row, "column": p.column,
                      "value": None if p.value is None else p.value[:60], "reason": p.reason}
                     for p in problems],
        "notices": outcome.notices,
    }


class IncidentPush(APIView):
    """``POST /api/incidents/push/``: a partner system sends incident rows in its agency's
    column mapping, and they go through the one mapped-ingest path of ``saferplaces ingest csv
    --mapping`` (``services.ingest_mapped_rows``): every row checked first; one bad row and
    nothing is written (400, each problem naming its row and column); otherwise all are written
    in one transaction, each matched to the record stored before, so pushing the same rows
    again adds nothing.

    Who: a service token with the scope ``incidents.push`` (its mapping is the token's), or a
    person's token or session with the capability ``incidents.push`` (analysts, co-ordinators;
    they name a shipped mapping). Each push is one audit event (the token's or the person's),
    stored with the rows it wrote.
    """

    access = requires_rule(INCIDENTS_PUSH)

    @extend_schema(summary="Send incident rows from a partner system (same checks and "
                   "identity rules as `saferplaces ingest csv --mapping`)",
                   request=PushRequestSerializer,
                   responses={200: PushReportSerializer, 400: PushReportSerializer})
    def post(self, request: Request) -> Response:
        try:
            rows = _rows_of(request.data)
            mapping_name = _mapping_for(request, request.data)
            mapping = load_mapping(mapping_name)
        except (PushRefused, MappingError) as refused:
            return Response({"detail": str(refused)}, status=400)
        token = service_token_of(request)
        name = (f"API push, service token {token.pk}" if token is not None
                else f"API push, user {request.user.pk}")
        with transaction.atomic():
            report = ingest_mapped_rows(rows, mapping, name=name)
            data = _report(report, mapping, mapping_name, len(rows))
            outcome = ("refused, nothing written" if not report.ok else
                       f"{data['added']} added, {data['updated']} updated, {data['present']} "
                       "already present")
            record("create", request=request,
                   object_type=AUDIT_RECORD if token is not None else "incident-push",
                   object_id=token.pk if token is not None else "",
                   reason=f"incident push to {mapping.source}: {len(rows)} rows, {outcome}"
                          + (f", {data['bad_rows']} bad rows" if data["bad_rows"] else ""))
            if token is not None:
                ServiceToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return Response(PushReportSerializer(data).data, status=200 if report.ok else 400)
