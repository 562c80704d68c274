"""ASB Case Review records, each hanging off a shared case (read only through the case's access
helper, :func:`saferplaces.apps.cases.access.get_case_for_user`):

- :class:`Complaint`: a report of the behaviour by a party of the case, recorded by whichever
  agency took it (the council's ASB log rows and police ASB records linked to the case count
  too, from the incident store: :mod:`saferplaces.apps.casereview.complaints`);
- :class:`Explanation`: staff recording that they explained the Case Review to a complainant
  after their second report within six months (who, when, how);
- :class:`CaseReview`: one application and its stages, guarded by ``version``;
- :class:`ComplainantLink`: a party linked to their complainant reference in the council's ASB
  log, so their reports to the log and to an agency are one complainant's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case
from saferplaces.apps.people.models import Person
from saferplaces.casework.case_review_figures import CHANNELS

USER = settings.AUTH_USER_MODEL

#: How a complaint, an application or an explanation was made (the engine's channels: not only
#: online; the statutory guidance asks that no one be shut out for lack of the internet).
CHANNEL_CHOICES = [(c, c.capitalize()) for c in CHANNELS]


class Complaint(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="asb_complaints")
    complainant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                    help_text="A party of the case")
    behaviour_on = models.DateField(help_text="When the behaviour complained of happened")
    reported_on = models.DateField(help_text="When the complaint was made")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               help_text="The agency the complaint was made to")
    channel = models.CharField(max_length=30, choices=CHANNEL_CHOICES)
    hate = models.BooleanField(default=False, help_text="Reported as a hate incident or crime")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_on", "pk"]


class Explanation(models.Model):
    """The Case Review explained to one complainant (``complainant_key`` as the engine counts
    them: ``person:<id>`` for a party, ``<source>:<reference>`` for a store reference)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_review_explanations")
    complainant_key = models.CharField(max_length=160)
    explained_on = models.DateField()
    how = models.CharField(max_length=30, choices=CHANNEL_CHOICES)
    explained_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["explained_on", "pk"]


class CaseReview(models.Model):
    """One application for an ASB Case Review about a case, and its stages (each dated; the
    engine's :class:`~saferplaces.casework.case_review_figures.CaseReviewRecord` checks their
    order before anything is saved)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_reviews")
    reference = models.CharField(max_length=40, unique=True)
    applied_on = models.DateField()
    channel = models.CharField(max_length=30, choices=CHANNEL_CHOICES)
    applicant = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="A party of the case, when one")
    acknowledged_on = models.DateField(null=True, blank=True)
    threshold_decided_on = models.DateField(null=True, blank=True)
    threshold_met = models.BooleanField(null=True, blank=True)
    threshold_reason = models.TextField(blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    recommendations = models.TextField(blank=True, help_text="One recommendation a line")
    recommendations_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    escalated_to = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-applied_on", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def recommendation_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.recommendations.splitlines() if line.strip())


class ComplainantLink(models.Model):
    """Staff's record that the complainant reference ``reference`` of store ``source`` (the
    council's ASB log) on this case is the party ``person``: their reports in the log and
    their complaints on the case are then one complainant's, so the same day's behaviour
    reported to both counts once. One person per reference on a case.

    A wrong link is **removed, not deleted**: ``removed_at``/``removed_by`` and the reason are
    kept (the link no longer counts, the history stays), so the reference may be linked again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complainant_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=60, help_text="The store source (council-asb)")
    reference = models.CharField(max_length=100, help_text="The complainant reference in it")
    linked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "source", "reference"],
                                               condition=models.Q(removed_at__isnull=True),
                                               name="complainant_reference_once_per_case")]
