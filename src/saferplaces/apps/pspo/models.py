"""Public Spaces Protection Orders and what hangs off them.

An **order** (s.59) is a public document: every partnership member may read it, its zones,
terms, extensions and consultation. **Breaches** and **fixed penalties** name people, so they
are personal records: only the owner agency and the agencies the order is shared with
(``OrderShare``) see them (:mod:`saferplaces.apps.pspo.access`). Zones keep their outline as a
GeoJSON geometry in WGS84 and their British National Grid bounds for queries.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency

USER = settings.AUTH_USER_MODEL


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft (being consulted on)"
    MADE = "made", "Made"
    DISCHARGED = "discharged", "Discharged"


class Order(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="The order's purpose, as published")
    status = models.CharField(max_length=12, choices=OrderStatus.choices,
                              default=OrderStatus.DRAFT)
    made = models.DateField(help_text="The day the order is (or is to be) made")
    expires = models.DateField(help_text="The last day it has effect, as made (at most 3 years)")
    discharged_on = models.DateField(null=True, blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pspos")
    synthetic = models.BooleanField(default=False, help_text="Demo data")
    review_alerted_for = models.DateField(null=True, blank=True,
                                          help_text="The expiry whose review alert was sent")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-made", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_expiry(self) -> datetime.date:
        """The expiry as extended: the latest extension's, else the one made."""
        last = self.extensions.order_by("-new_expiry").first()
        return last.new_expiry if last else self.expires


class OrderShare(models.Model):
    """An agency that works on the order's enforcement and so sees its breaches."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "agency"],
                                               name="pspo_share_once")]


class Zone(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(max_length=200)
    geometry = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, WGS84")
    source = models.CharField(max_length=40, help_text="drawn, or the imported file's CRS")
    min_x = models.FloatField()
    min_y = models.FloatField()
    max_x = models.FloatField()
    max_y = models.FloatField()
    area_m2 = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]


class TermKind(models.TextChoices):
    PROHIBITION = "prohibition", "Prohibition"
    REQUIREMENT = "requirement", "Requirement"


class Term(models.Model):
    """A prohibition or requirement of the order (s.59(4))."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="terms")
    key = models.CharField(max_length=40, help_text="Vocabulary key, or 'other'")
    kind = models.CharField(max_length=12, choices=TermKind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Extension(models.Model):
    """An extension after a review (s.60(2)): made before the order expires, for at most the
    law's number of years from the expiry it extends."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="extensions")
    decided = models.DateField()
    previous_expiry = models.DateField()
    new_expiry = models.DateField()
    review = models.TextField(help_text="Why extending is necessary (s.60(2))")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided", "pk"]


class Consultee(models.TextChoices):
    POLICE = "chief-officer-of-police", "The chief officer of police"
    PCC = "police-and-crime-commissioner", "The Police and Crime Commissioner"
    COMMUNITY = "community-representatives", "Community representatives"
    LANDOWNERS = "landowners", "Owners and occupiers of the land"


class Consultation(models.Model):
    """One consultation (s.72(3)): who, when, about what, and what they said."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="consultations")
    consultee = models.CharField(max_length=40, choices=Consultee.choices)
    consulted_on = models.DateField()
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["consulted_on", "pk"]


class PenaltyStatus(models.TextChoices):
    NONE = "none", "No fixed penalty"
    UNPAID = "unpaid", "Fixed penalty issued, unpaid"
    PAID = "paid", "Fixed penalty paid"
    PROSECUTED = "prosecuted", "Not paid: prosecution"


class Breach(models.Model):
    """A breach of one term (s.67) and any fixed penalty notice (s.68). Personal: it names the
    person."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="breaches")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField()
    person_name = models.CharField(max_length=200)
    location = models.CharField(max_length=200, blank=True)
    officer = models.CharField(max_length=200, blank=True)
    penalty_status = models.CharField(max_length=12, choices=PenaltyStatus.choices,
                                      default=PenaltyStatus.NONE)
    penalty_amount = models.PositiveIntegerField(null=True, blank=True, help_text="GBP")
    penalty_issued_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
