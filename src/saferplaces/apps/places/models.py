"""Places the partnership works on: an address (optional UPRN and postcode) or a named location
("Castle Park bandstand"), with a map point in British National Grid and WGS84, and the cases
that involve them.

Places are shared partnership knowledge: every user who may read cases may read them
(:mod:`saferplaces.apps.places.access`). They are typed in, never copied from a person's record,
so no one's home (least of all a confidential address) becomes a place by the back door.
``CasePlace`` links a place to a case; it lives here because the cases app's migrations belong
to that app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case

USER = settings.AUTH_USER_MODEL


class PlaceKind(models.TextChoices):
    ADDRESS = "address", "An address"
    LOCATION = "location", "A named location (a park, a car park, a shop front...)"


class Place(models.Model):
    kind = models.CharField(max_length=10, choices=PlaceKind.choices, default=PlaceKind.ADDRESS)
    name = models.CharField(max_length=200, help_text="The address, or the location's name")
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(max_length=12, blank=True,
                            help_text="Unique Property Reference Number (OS AddressBase), if known")
    x = models.FloatField(null=True, blank=True, help_text="British National Grid easting (m)")
    y = models.FloatField(null=True, blank=True, help_text="British National Grid northing (m)")
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    description = models.TextField(blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="places")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: +1 on every change")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def located(self) -> bool:
        return self.x is not None and self.y is not None


class CasePlace(models.Model):
    """A place involved in a case (the case's own access rules decide who sees the link)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="place_links")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="case_links")
    linked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "place"],
                                               name="place_once_per_case")]
