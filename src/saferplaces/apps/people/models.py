"""People the partnership works with: one record per person, held by an owner agency.

Special-category personal data. Read only through :mod:`saferplaces.apps.people.access`; every
read and change is audited. ``version`` guards against lost updates (optimistic locking: a save
names the version it was made from, and a newer stored version refuses it).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency

#: Under 18 on a given day is a child (Children Act 1989 s.105).
ADULT_AGE = 18


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Person(models.Model):
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When the date of birth is not known: age on estimated_on")
    estimated_on = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    ethnicity = models.CharField(max_length=40, blank=True,
                                 help_text="ONS Census 2021 category key (optional)")
    phone = models.CharField(max_length=40, blank=True)
    email = models.CharField(max_length=200, blank=True)
    vulnerabilities = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    confidential_address = models.BooleanField(
        default=False, help_text="Address shown only to the owner agency's case managers, "
                                 "with a recorded reason")
    locked_down = models.BooleanField(
        default=False, help_text="Other agencies see only that the profile exists, its name and "
                                 "which agencies work with it")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int | None:
        """Whole years on ``day``: from the date of birth, else from the estimate."""
        if self.date_of_birth is not None:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.estimated_age is not None and self.estimated_on is not None:
            return self.estimated_age + (day - self.estimated_on).days // 365
        return None

    def is_child_on(self, day: date) -> bool | None:
        age = self.age_on(day)
        return None if age is None else age < ADULT_AGE


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)


class Address(models.Model):
    """Where a person lives or lived (history kept: ``until`` empty for the current one)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    text = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    x = models.FloatField(null=True, blank=True, help_text="British National Grid easting (m)")
    y = models.FloatField(null=True, blank=True, help_text="British National Grid northing (m)")
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-since", "-pk"]


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class Consent(models.Model):
    """Consent to share, as recorded over time (the latest is current)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(max_length=12, choices=ConsentStatus.choices)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the owner"
    GRANTED = "granted", "Granted"
    DECLINED = "declined", "Declined"


class ProfileAccessRequest(models.Model):
    """Another agency asking to see a locked-down profile; the owner grants (until a date) or
    declines with a reason."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=AccessRequestStatus.choices,
                              default=AccessRequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    granted_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]


class PersonMerge(models.Model):
    """Two records of one person made one, kept so an administrator can undo it.

    ``field_sources`` names, for each merged field, which record its value came from ("kept" or
    "merged"); ``kept_before`` and ``merged_before`` hold both records' field values as they
    were; ``moved`` the ids of the rows moved from the merged record to the kept one (aliases,
    addresses, consents, parties, access requests), the parties dropped because the kept record
    already had them (as ``[case id, role]``) and the aliases the merge added. Undo puts every
    one back (:func:`saferplaces.apps.people.merging.undo_merge`).
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    field_sources = models.JSONField(default=dict)
    kept_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
