"""Operations: a town-centre operation, a Street Week, a modern-slavery or county-lines
operation, planned and recorded by a lead agency with partner agencies, with its activity (typed
counts), its legacy actions and the cases it worked on; and the Street Weeks planner's
exclusions.

An operation is seen by the members of its lead and partner agencies (``access.py``). Activity
is counts only, never names. A Street Week operation also keeps the assessments app's
``StreetWeek`` row (``street_week``), which is what the ranking reads to leave a treated area
out (``services.py`` keeps the two in step).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    TOWN_CENTRE = "town-centre", "Town-centre operation"
    STREET_WEEK = "street-week", "Street Week"
    MODERN_SLAVERY = "modern-slavery", "Modern slavery operation"
    COUNTY_LINES = "county-lines", "County-lines intensification"
    OTHER = "other", "Other operation"


class Operation(models.Model):
    """One operation. ``target_categories`` are incident categories of the store (what it set
    out to reduce); ``areas`` are areas of the store and/or ``polygon`` (GeoJSON geometry in
    WGS84) drawn or imported for it; ``pspo`` the Public Spaces Protection Order it enforces;
    ``comparison_codes`` are the comparison areas a user chose
    over the automatic choice (empty: automatic)."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    target_categories = models.JSONField(default=list, blank=True)
    areas = models.ManyToManyField("incidents.Area", blank=True, related_name="+")
    polygon = models.JSONField(null=True, blank=True,
                               help_text="GeoJSON Polygon or MultiPolygon in WGS84 (lon/lat)")
    start = models.DateField()
    end = models.DateField()
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_operations")
    partner_agencies = models.ManyToManyField(Agency, blank=True, related_name="operations")
    street_week = models.OneToOneField("assessments.StreetWeek", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="operation")
    pspo = models.ForeignKey("pspo.Order", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="operations")
    comparison_codes = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return self.name


class OperationCase(models.Model):
    """A case the operation worked on (seen only by those who see the case)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="operation_links")
    linked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation", "case"],
                                               name="operation_case_unique")]


class Activity(models.Model):
    """A count of one kind of activity (``vocab.activity_kinds()``) on one day, by one agency."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="activities")
    day = models.DateField()
    kind = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "pk"]
        verbose_name_plural = "activities"


class LegacyAction(models.Model):
    """Something the operation leaves behind, with the agency (and officer) that owns it and the
    date it is followed up. ``follow_up_alerted_at``: the one alert when the follow-up fell due."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="legacy_actions")
    description = models.CharField(max_length=300)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    follow_up_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    follow_up_alerted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["follow_up_on", "pk"]


class Exclusion(models.Model):
    """An area the Street Weeks planner leaves out, with the reason (e.g. "major roadworks until
    March"), until a day or until lifted."""

    area_code = models.CharField(max_length=64)
    area_name = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)
    until = models.DateField(null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area_name", "pk"]
