"""Partner agencies and who belongs to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.roles import Role


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    COUNCIL = "council", "Council"
    FIRE = "fire", "Fire and rescue"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING = "housing", "Housing"
    EDUCATION = "education", "Education"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A partner agency of the Community Safety Partnership."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    active = models.BooleanField(default=True)
    synthetic = models.BooleanField(default=False, help_text="Made up for the demo town")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's one agency and one role; ``intelligence`` grants restricted intelligence."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    intelligence = models.BooleanField(
        default=False, help_text="May read restricted intelligence (granted per person)")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.agency})"


class BreakGlassAccess(models.Model):
    """Access to one record outside the user's agency's scope, given with a reason, for a
    limited time (``SAFERPLACES_BREAK_GLASS_HOURS``), audited and shown to the owning agency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="break_glass_accesses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               help_text="The user's agency when access was taken")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT,
                                     related_name="break_glass_to_records")
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40)
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id", "user"])]
        ordering = ["-granted_at"]
