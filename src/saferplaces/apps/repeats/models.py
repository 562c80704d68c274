"""Repeat detection's records: which agency holds each source's records, and the proposals made
to that agency's case managers.

- ``RecordHolder``: the incident store keeps no owning agency on an incident, so a source
  (``local``, ``council-asb``) is given one here, with what its reference column holds (victim or
  complainant references). Only a holder's sources are read, and only its case managers see the
  proposals (``access.py``).
- ``Proposal``: one detected repeat (victim, complainant or location) proposed as a new case, or
  as a link to an existing case of the agency; ``ProposalIncident`` its evidence. Decided once:
  accepted (a case made or linked) or dismissed with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case
from saferplaces.apps.incidents.models import Incident

USER = settings.AUTH_USER_MODEL


class References(models.TextChoices):
    VICTIMS = "victim", "Victim references (crime records)"
    COMPLAINANTS = "complainant", "Complainant references (ASB reports)"


class RecordHolder(models.Model):
    """The agency that holds one source's records (the store's ``source``)."""

    source = models.CharField(max_length=40, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    references = models.CharField(max_length=12, choices=References.choices,
                                  default=References.VICTIMS)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.source} held by {self.agency}"


class Kind(models.TextChoices):
    VICTIM = "victim", "Repeat victim"
    COMPLAINANT = "complainant", "Repeat complainant"
    LOCATION = "location", "Repeat location"


class Status(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class Proposal(models.Model):
    """A repeat found in ``source``'s records, proposed to ``agency``'s case managers.

    ``key`` is the victim or complainant reference, or the place as ``easting,northing``;
    ``place`` the address text for a place (empty when the source has none), ``area`` the LSOA
    name. ``existing_case`` is set when some of the incidents are already linked to a case of
    the agency: the proposal is to link the rest to it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=100)
    place = models.CharField(max_length=300, blank=True)
    area = models.CharField(max_length=100, blank=True)
    first_on = models.DateField()
    last_on = models.DateField()
    categories = models.JSONField(default=list)
    rule = models.TextField(help_text="The rule that found it, with its source, in words")
    existing_case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    proposed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was dismissed")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="The case made or linked on acceptance")
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: +1 on every change")
    incidents = models.ManyToManyField(Incident, through="ProposalIncident", related_name="+")

    class Meta:
        ordering = ["-last_on", "-pk"]
        indexes = [models.Index(fields=["agency", "status"]),
                   models.Index(fields=["agency", "kind", "source", "key"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} proposal {self.pk}"


class ProposalIncident(models.Model):
    """One incident of a proposal's evidence."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evidence")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "incident"],
                                               name="proposal_incident_unique")]
