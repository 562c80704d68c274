"""The incident store: incidents from every source, the areas they fall in, and import records.

Bulk loading bypasses the ORM (see ``saferplaces.apps.incidents.store``); these models define the
schema and serve the web app's queries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F

from saferplaces.vocab import AREA_KIND_CHOICES


class Precision(models.TextChoices):
    MONTH = "month", "Month only"
    DAY = "day", "Day"
    MINUTE = "minute", "Date and time"


class Area(models.Model):
    """A named polygon of a given kind (an LSOA, a ward, a PSPO zone...), stored as GeoJSON in WGS84."""

    kind = models.CharField(max_length=20, choices=AREA_KIND_CHOICES)
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

    @property
    def incidents(self) -> models.QuerySet[Incident]:
        """The incidents in this area (through their map points)."""
        return Incident.objects.filter(point__areas=self)


class Incident(models.Model):
    """One crime, ASB report or fire, from one source.

    ``source_ref`` is the stable identity inside the source: the police.uk Crime ID, or for rows
    without one (ASB) a fingerprint of the row's content and its occurrence number in its file,
    so that re-ingesting the same file adds nothing. A later file's version of a record updates
    it in place, keeping its id (``saferplaces.apps.incidents.identity``); ``batch`` is the file the
    stored version comes from.
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
    # no index: queries reach incidents by month (indexed) or read them all; by area they join
    # the few map points of the area to the incidents (a hash join on PostgreSQL)
    point = models.ForeignKey("MapPoint", null=True, on_delete=models.SET_NULL, related_name="incidents",
                              db_index=False, db_constraint=False,
                              help_text="Where it was recorded; the areas it falls in are the point's")

    class Meta:
        # Written with F() so that both SQLite and PostgreSQL make it a plain unique index (not a
        # table constraint), which a bulk load can drop and rebuild (see ``store``). The
        # reference comes first: it varies, so the sort building the index settles most
        # comparisons on its first bytes (the source is the same for a whole file). On PostgreSQL
        # both columns compare byte by byte (collation "C", set by migration 0002): they are
        # identifiers, and a locale-aware sort of a million of them takes twice as long.
        constraints = [
            models.UniqueConstraint(F("source_ref"), F("source"), name="incident_source_ref_unique")
        ]
        # one month's rows are the most any page lists; a (month, category) index took four
        # times as long to build in a bulk load for no query that needs it
        indexes = [models.Index(fields=["month"], name="incident_month"),
                   # incidents near a place: a box on x (range) then y, read from the index alone
                   models.Index(fields=["x", "y"], name="incident_grid_point")]

    def __str__(self) -> str:
        return f"{self.category} {self.month:%Y-%m} ({self.source})"

    @property
    def areas(self) -> models.QuerySet[Area]:
        """The areas this incident falls in (those of its map point)."""
        return Area.objects.filter(points__incidents=self)


class MapPoint(models.Model):
    """A distinct place incidents are recorded at: a WGS84 point, and the LSOA code recorded with
    it (police.uk gives one; partner files do not). Either may be missing, not both.

    police.uk snaps every location to one of a limited set of anonymous map points and partner
    records repeat addresses, so a store holds many times fewer map points than incidents. The
    areas an incident falls in depend only on its point and code, so they are worked out and
    stored once per map point (``MapPointArea``), not once per incident.
    """

    lon = models.FloatField(null=True)
    lat = models.FloatField(null=True)
    lsoa_code = models.CharField(max_length=12, blank=True, default="")
    areas = models.ManyToManyField(Area, through="MapPointArea", related_name="points")

    class Meta:
        # NULL coordinates (a code only) are told apart by the store, which holds the write lock
        constraints = [models.UniqueConstraint(fields=["lsoa_code", "lon", "lat"], name="map_point_unique")]

    def __str__(self) -> str:
        return f"({self.lon}, {self.lat}) {self.lsoa_code}".strip()


class MapPointArea(models.Model):
    """Which areas a map point falls in: a derived index, rebuilt from geometry by
    ``store.link_kind`` and written only by the store."""

    point = models.ForeignKey(MapPoint, on_delete=models.CASCADE, db_index=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, db_index=False)

    class Meta:
        # the unique (point, area) index serves lookups by point, the (area, point) index lookups by area
        constraints = [models.UniqueConstraint(fields=["point", "area"], name="map_point_area_unique")]
        indexes = [models.Index(fields=["area", "point"])]


class ImportBatch(models.Model):
    """One file loaded into the store, with what happened to its rows."""

    source = models.CharField(max_length=40)
    path = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    rows_added = models.PositiveIntegerField(default=0)
    rows_present = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(
        default=0, help_text="Stored incidents this file had a later version of, updated in place")
    rows_removed = models.PositiveIntegerField(
        default=0, help_text="Stored incidents of a force's month this later download no longer has")
    rows_rejected = models.PositiveIntegerField(default=0)
    synthetic = models.BooleanField(default=False, help_text="The file is labelled synthetic (demo data)")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
