"""The incident store: incidents from every source, the areas they fall in, and import records.

Bulk loading bypasses the ORM (see ``saferplaces.incidents.store``); these models define the
schema and serve the web app's queries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F


class Precision(models.TextChoices):
    MONTH = "month", "Month only"
    DAY = "day", "Day"
    MINUTE = "minute", "Date and time"


class AreaKind(models.TextChoices):
    WARD = "ward", "Ward"
    LSOA = "lsoa", "LSOA"
    MSOA = "msoa", "MSOA"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    PSPO = "pspo", "PSPO zone"
    TOWN_CENTRE = "town-centre", "Town centre"
    CUSTOM = "custom", "Custom area"


class Area(models.Model):
    """A named polygon of a given kind (an LSOA, a ward, a PSPO zone...), stored as GeoJSON in WGS84."""

    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    geometry = models.JSONField(help_text="GeoJSON geometry in WGS84 (lon/lat)")
    population = models.PositiveIntegerField(null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    source_file = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="area_kind_code_unique")]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.code})"


class Incident(models.Model):
    """One crime, ASB report or fire, from one source.

    ``source_ref`` is the stable identity inside the source: the police.uk Crime ID, or for rows
    without one (ASB) a fingerprint of the row's content and its occurrence number in its file,
    so that re-ingesting the same file adds nothing.
    """

    source = models.CharField(max_length=40)
    source_ref = models.CharField(max_length=100)
    category = models.CharField(max_length=100)
    month = models.DateField(help_text="First day of the month the incident happened in")
    occurred = models.DateTimeField(help_text="Best known time; the first of the month when only the month is known")
    precision = models.CharField(max_length=10, choices=Precision.choices)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    x = models.FloatField(null=True, help_text="British National Grid easting (m)")
    y = models.FloatField(null=True, help_text="British National Grid northing (m)")
    location = models.CharField(max_length=300, blank=True, default="", db_default="")
    lsoa_code = models.CharField(max_length=12, blank=True, default="", db_default="")
    lsoa_name = models.CharField(max_length=100, blank=True, default="", db_default="")
    outcome = models.CharField(max_length=200, blank=True, default="", db_default="")
    context = models.TextField(blank=True, default="", db_default="")
    reported_by = models.CharField(max_length=100, blank=True, default="", db_default="")
    falls_within = models.CharField(max_length=100, blank=True, default="", db_default="")
    victim_ref = models.CharField(max_length=100, blank=True, default="", db_default="")
    hate_race = models.BooleanField(default=False, db_default=False)
    hate_religion = models.BooleanField(default=False, db_default=False)
    hate_sexual_orientation = models.BooleanField(default=False, db_default=False)
    hate_disability = models.BooleanField(default=False, db_default=False)
    hate_transgender = models.BooleanField(default=False, db_default=False)
    domestic = models.BooleanField(default=False, db_default=False)
    alcohol = models.BooleanField(default=False, db_default=False)
    drugs = models.BooleanField(default=False, db_default=False)
    weapon = models.BooleanField(default=False, db_default=False)
    batch = models.ForeignKey("ImportBatch", null=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False, db_constraint=False)
    areas = models.ManyToManyField(Area, through="IncidentArea", related_name="incidents")

    class Meta:
        # Written with F() so that both SQLite and PostgreSQL make it a plain unique index (not a
        # table constraint), which a bulk load can drop and rebuild (see ``store``).
        constraints = [
            models.UniqueConstraint(F("source"), F("source_ref"), name="incident_source_ref_unique")
        ]
        indexes = [models.Index(fields=["month", "category"])]

    def __str__(self) -> str:
        return f"{self.category} {self.month:%Y-%m} ({self.source})"


class IncidentArea(models.Model):
    """Which areas an incident falls in: a derived index, rebuilt from geometry by
    ``store.link_kind`` and written only by the store, so the database does not re-check its
    foreign keys row by row (bulk loads would spend most of their time there). Deleting an
    incident or area through Django still cascades to its links."""

    # the unique (incident, area) index serves lookups by incident, the (area, incident) index
    # lookups by area (both as index-only scans): no separate FK indexes
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, db_index=False, db_constraint=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, db_index=False, db_constraint=False)

    class Meta:
        constraints = [  # F(): a plain unique index on both databases, as for Incident
            models.UniqueConstraint(F("incident"), F("area"), name="incident_area_unique")
        ]
        indexes = [models.Index(fields=["area", "incident"])]


class ImportBatch(models.Model):
    """One file loaded into the store, with what happened to its rows."""

    source = models.CharField(max_length=40)
    path = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    rows_added = models.PositiveIntegerField(default=0)
    rows_present = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    synthetic = models.BooleanField(default=False, help_text="The file is labelled synthetic (demo data)")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
