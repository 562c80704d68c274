"""Safeguarding and exploitation on the shared case record: the concern about a person (child
or adult at the date of the concern, the exploitation types), MASH referrals (RAG screening,
response target, strategy discussion, outcome) and, on domestic-abuse cases, the risk-checklist
score and MARAC referrals.

Special-category records hanging off a case: read only through
:mod:`saferplaces.apps.safeguarding.access` (whoever cannot see the case in full gets 404);
every read and change is audited; ``version`` guards against lost updates. The rules are the
casework engine's (:mod:`saferplaces.casework.mash`, :mod:`saferplaces.casework.marac`), called
from :mod:`saferplaces.apps.safeguarding.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case
from saferplaces.apps.people.models import Person

USER = settings.AUTH_USER_MODEL


class AgeFrom(models.TextChoices):
    DATE_OF_BIRTH = "date-of-birth", "Date of birth"
    ESTIMATED_AGE = "estimated-age", "Estimated age (the youngest date of birth it allows)"


class Concern(models.Model):
    """A safeguarding concern about one party of the case, on ``concern_on``. ``child`` is
    decided by the engine from the date of birth on that day and kept with what it was
    worked out from."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safeguarding_concerns")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    concern_on = models.DateField()
    child = models.BooleanField()
    age_from = models.CharField(max_length=20, choices=AgeFrom.choices)
    exploitation_types = models.JSONField(default=list, help_text="Keys of the exploitation_types "
                                          "vocabulary (data/casework/vocabularies.toml)")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-concern_on", "-pk"]


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class MashReferral(models.Model):
    """A referral of a concern to the Multi-Agency Safeguarding Hub (``mash_agency``): screened
    red, amber or green by the MASH, answered by the response target the rating sets."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mash_referrals")
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="mash_referrals")
    mash_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField()
    decision_due_on = models.DateField(null=True, blank=True, help_text="A child: children's "
                                       "social care decides the response by this day")
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    screened_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    screened_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True, help_text="Key of the mash_outcomes "
                               "vocabulary")
    strategy_at = models.DateTimeField(null=True, blank=True)
    strategy_attendees = models.ManyToManyField(Agency, blank=True, related_name="+")
    strategy_decision = models.TextField(blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, help_text="When the one "
                                              "overdue alert was sent")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]


class RiskChecklist(models.Model):
    """A domestic-abuse risk checklist's result: the number of yes answers (the questions are
    the licensed checklist's, not reproduced here), when and by whom it was completed, and the
    MARAC referral decision the engine made from it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_checklists")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    completed_by = models.CharField(max_length=200, help_text="Who completed it (role and "
                                    "organisation, e.g. IDVA, Next Chapter)")
    yes_answers = models.PositiveSmallIntegerField()
    police_callouts = models.PositiveSmallIntegerField(default=0)
    professional_judgement = models.TextField(blank=True)
    threshold = models.PositiveSmallIntegerField(help_text="The referral threshold in force "
                                                 "on the day completed")
    criteria = models.JSONField(default=list, help_text="The MARAC referral criteria met")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]


class MaracReferral(models.Model):
    """A victim referred to the Multi-Agency Risk Assessment Conference, and the meeting that
    heard (or will hear) the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="marac_referrals")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(RiskChecklist, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    referred_on = models.DateField()
    meeting_on = models.DateField(null=True, blank=True)
    referred_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_on", "-pk"]
