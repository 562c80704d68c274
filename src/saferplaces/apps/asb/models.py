"""Repeat anti-social behaviour on a case: risk assessments of the people harmed, and the Anti-social
Behaviour, Crime and Policing Act 2014 actions taken about the people (or premises) causing it.

Special-category personal data hanging off a case: read only through the case's access helper
(:func:`saferplaces.apps.cases.access.get_case_for_user`), in full view only; every read and
change is audited. The rules are in :mod:`saferplaces.apps.asb.risk` and
:mod:`saferplaces.apps.asb.actions`, which call the casework engine.

- A :class:`RiskAssessment` is **immutable once saved**: a later one of the same person on the
  same case *supersedes* it (``supersedes``, one successor each, so the history is a line).
- An :class:`AsbAction` records what was done. Breaches are added to it, guarded by its
  ``version`` so two officers recording at once do not lose one another's work. A wrong
  detail of an action or a breach is put right by a :class:`Correction`, never a silent edit:
  the correction keeps the values it replaced and the reason, is on the case's timeline and
  audited, and is judged by the engine like a new record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case, Task
from saferplaces.apps.people.models import Person
from saferplaces.apps.places.models import Place

USER = settings.AUTH_USER_MODEL


class ImmutableRecord(ValueError):
    """A saved risk assessment was about to be changed: each is kept as it was made."""


class RiskAssessment(models.Model):
    """One scored questionnaire about one person on one case, as the engine scored it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.CharField(max_length=60, help_text="Key of the questionnaire file")
    questionnaire_version = models.CharField(max_length=30)
    assessed_on = models.DateField()
    answers = models.JSONField(help_text="Question key → option key")
    section_scores = models.JSONField()
    score = models.PositiveIntegerField()
    band = models.CharField(max_length=30)
    band_label = models.CharField(max_length=60)
    set_by = models.JSONField(default=list, help_text="Questions whose answer set the band by itself")
    judgement_reason = models.TextField(blank=True, help_text="Why professional judgement raised "
                                                              "the band (empty: not raised)")
    alert = models.BooleanField(default=False)
    contact_by = models.DateField(help_text="The band's response target (working days)")
    reassess_on = models.DateField()
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    contact_task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    assessed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord("A saved risk assessment is never changed: make a new one.")
        super().save(*args, **kwargs)


class ActionKind(models.TextChoices):
    WARNING_LETTER = "warning-letter", "Warning letter"
    ABC = "abc", "Acceptable Behaviour Contract"
    CPW = "cpw", "Community Protection Warning"
    CPN = "cpn", "Community Protection Notice"
    INJUNCTION = "injunction", "Civil injunction"
    CBO = "cbo", "Criminal Behaviour Order"
    DISPERSAL = "dispersal", "Dispersal direction"
    CLOSURE_NOTICE = "closure-notice", "Closure notice"
    CLOSURE_ORDER = "closure-order", "Closure order"
    CLOSURE_EXTENSION = "closure-extension", "Closure order extension"


class Issuer(models.TextChoices):
    POLICE = "police", "Police"
    COUNCIL = "council", "Council"


class AsbAction(models.Model):
    """One action of the ASB ladder about a person who is a party to the case, a body (a company
    or organisation: ``body_name``, where the engine allows it) or (closure) premises linked to
    it. Fields a kind does not use stay empty."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="asb_actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="The premises (closure)")
    body_name = models.CharField(max_length=200, blank=True,
                                 help_text="A body (company or organisation) the action is about, "
                                           "instead of a person (2014 Act s.43(1))")
    body_company_number = models.CharField(max_length=20, blank=True,
                                           help_text="The body's Companies House number, if any")
    on = models.DateField(null=True, blank=True, help_text="Given, agreed, issued or made on")
    at = models.DateTimeField(null=True, blank=True, help_text="Given or served at (powers "
                                                               "counted in hours)")
    officer = models.CharField(max_length=120, help_text="The officer who took the action")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    conditions = models.TextField(blank=True, help_text="One condition or requirement a line")
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    comply_by = models.DateField(null=True, blank=True)
    yot_consulted_on = models.DateField(null=True, blank=True)
    without_notice = models.BooleanField(default=False)
    excluded_until = models.DateTimeField(null=True, blank=True)
    taken_home = models.BooleanField(default=False)
    believed_under_16 = models.BooleanField(default=False)
    locality = models.CharField(max_length=200, blank=True, help_text="The dispersal area")
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_until = models.DateTimeField(null=True, blank=True)
    authorising_rank = models.CharField(max_length=40, blank=True)
    authorising_officer = models.CharField(max_length=120, blank=True)
    issuer = models.CharField(max_length=10, choices=Issuer.choices, blank=True)
    signed_by = models.CharField(max_length=40, blank=True)
    hours = models.PositiveSmallIntegerField(null=True, blank=True)
    extended_to_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    extended_by = models.CharField(max_length=40, blank=True)
    heard_at = models.DateTimeField(null=True, blank=True)
    review_task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-at", "-pk"]

    def condition_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.conditions.splitlines() if line.strip())


class Breach(models.Model):
    """A breach of an action, with the fixed penalty given for it (Community Protection Notice
    only, 2014 Act s.52)."""

    action = models.ForeignKey(AsbAction, on_delete=models.CASCADE, related_name="breaches")
    on = models.DateField()
    description = models.TextField()
    penalty_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    penalty_on = models.DateField(null=True, blank=True, help_text="Fixed penalty notice given on")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]


class Correction(models.Model):
    """One correction of a recorded action (``breach`` empty) or of one of its breaches: the
    values it replaced (``previous``, field → value as recorded, dates in ISO form), the
    fields it changed, and why. The record itself holds the corrected values; the original
    is this row's ``previous`` (the first correction's ``previous`` for the earliest)."""

    action = models.ForeignKey(AsbAction, on_delete=models.CASCADE, related_name="corrections")
    breach = models.ForeignKey(Breach, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="corrections")
    previous = models.JSONField(help_text="Field → the value before the correction")
    changed = models.JSONField(help_text="The fields the correction changed")
    reason = models.TextField()
    corrected_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["corrected_at", "pk"]
