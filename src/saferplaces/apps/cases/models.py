"""The partnership's shared cases: owner agency, shares with other agencies, parties, linked
incidents, notes, a timeline, referrals and ownership transfers, tasks.

Special-category personal data. Read only through :mod:`saferplaces.apps.cases.access`; every
read and change is audited; ``version`` guards against lost updates. Case types, their party
roles, retention periods and referral response targets are configuration
(``saferplaces/data/cases/case-types.toml``, read by :mod:`saferplaces.apps.cases.types`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.incidents.models import Incident
from saferplaces.apps.people.models import Person

USER = settings.AUTH_USER_MODEL


class Status(models.TextChoices):
    OPEN = "open", "Open"
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    CLOSED = "closed", "Closed"


class Risk(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Case(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    case_type = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.STANDARD)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    lead_officer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="led_cases")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    outcome = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.reference


class ShareLevel(models.TextChoices):
    FULL = "full", "Full: parties, notes for all, incidents, tasks"
    LIMITED = "limited", "Limited: the case's existence, type, status, owner and their own tasks"


class CaseShare(models.Model):
    """A case shared with another agency, with the lawful basis (or consent) it was shared on."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shared_cases")
    level = models.CharField(max_length=10, choices=ShareLevel.choices, default=ShareLevel.FULL)
    basis = models.CharField(max_length=40, blank=True, help_text="Key of the lawful basis used")
    override_reason = models.TextField(blank=True, help_text="Shared without a basis: why")
    shared_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"],
                                               condition=models.Q(ended_at__isnull=True),
                                               name="one_live_share_per_agency")]


class Party(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=30)
    added_at = models.DateTimeField(auto_now_add=True)
    override_reason = models.TextField(
        blank=True, help_text="Added to a shared case without consent or a basis covering "
                              "them: why")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"],
                                               name="party_once_per_role")]


class CaseIncident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="case_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "incident"],
                                               name="incident_once_per_case")]


class NoteVisibility(models.TextChoices):
    SHARED = "shared", "Every agency the case is shared with in full"
    OWNER = "owner", "The owner agency only"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    visibility = models.CharField(max_length=10, choices=NoteVisibility.choices,
                                  default=NoteVisibility.SHARED)
    written_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-pk"]


class TimelineEntry(models.Model):
    """One thing that happened to a case, in words that name no special-category value."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    when = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    owner_only = models.BooleanField(
        default=False, help_text="About something only the owner agency sees (an owner-only note)")

    class Meta:
        ordering = ["-when", "-pk"]


class Decision(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Referral(models.Model):
    """A case referred to another agency for its help: accepted (the case is shared with it in
    full) or declined with a reason; answered within the case type's response target."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_in")
    reason = models.TextField()
    basis = models.CharField(max_length=40, blank=True)
    override_reason = models.TextField(blank=True)
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(auto_now_add=True)
    respond_by = models.DateField()
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-referred_at"]


class Transfer(models.Model):
    """Ownership of a case offered to another agency: accepted (it becomes the owner; the old
    owner keeps a full share) or rejected with a reason. History kept. Ownership discloses every
    party, so the offer records its lawful basis (or consent), or the override's reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="transfers_in")
    reason = models.TextField()
    basis = models.CharField(max_length=40, blank=True, help_text="Key of the lawful basis used "
                             "(empty: the consent of every party)")
    override_reason = models.TextField(blank=True, help_text="Offered without a basis: why")
    offered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-offered_at"]


class TaskStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    assigned_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="tasks")
    assigned_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tasks")
    due = models.DateField()
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due", "pk"]


class Notification(models.Model):
    """An in-app message to one user (new referral, task due, transfer offered...); the text
    names the case reference, never a person."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, null=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Attachment(models.Model):
    """A file attached to a case: kept outside the web root under a random name
    (``stored_name``), served only through the case's access helper; read by the same agencies
    as a note of the same ``visibility``. The rules are in :mod:`saferplaces.apps.cases.attachments`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200, help_text="The file's name as uploaded (shown, "
                            "never used on disk)")
    kind = models.CharField(max_length=10, help_text="Its checked type: pdf, docx, xlsx, jpg, png, txt")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=64, unique=True)
    visibility = models.CharField(max_length=10, choices=NoteVisibility.choices,
                                  default=NoteVisibility.SHARED)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
