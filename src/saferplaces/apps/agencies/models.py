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


class ServiceToken(models.Model):
    """A key a partner agency's system uses to call the API as the agency, never as a person.

    Only the SHA-256 digest of the key is stored (the key is shown once, when it is made); a
    token does only what its ``scopes`` name (``service_tokens.SERVICE_SCOPES``), until it
    expires or is revoked. The rules are in :mod:`saferplaces.apps.agencies.service_tokens`.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="service_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. the council's ASB system")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, hex")
    prefix = models.CharField(max_length=12, help_text="The key's first characters, to tell "
                              "tokens apart (not enough to use it)")
    scopes = models.JSONField(default=list, help_text="What it may do, e.g. incidents.push")
    mapping = models.CharField(max_length=500, blank=True, help_text="The column mapping its "
                               "incident rows come in: a shipped mapping's name or a file")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "name", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"],
                                               condition=models.Q(revoked_at__isnull=True),
                                               name="one_live_service_token_per_name")]

    def __str__(self) -> str:
        return f"service token {self.pk} ({self.name}, {self.agency})"
