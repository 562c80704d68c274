"""The hate details of a hate case: the monitored strands (several), who perceived the hostility,
and whether it is a crime or a non-crime hate incident (with the Code of Practice's ground and
reasoning). The rules are the engine's (:mod:`saferplaces.casework.hate`), applied by
:mod:`saferplaces.apps.hate.services`; read only through the case's access helper.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    CRIME = "crime", "A hate crime"
    NON_CRIME = "non-crime", "A non-crime hate incident"


class Perceiver(models.TextChoices):
    VICTIM = "victim", "The victim"
    OTHER = "other", "Another person"


class HateDetails(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hate_details")
    recorded_on = models.DateField(help_text="The day it was recorded as hate: the rules in "
                                             "force that day apply")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    strands = models.JSONField(default=list, help_text="Keys of the vocabulary hate_strands")
    perceived_by = models.CharField(max_length=10, choices=Perceiver.choices)
    perceiver = models.CharField(max_length=20, blank=True,
                                 help_text="Who else perceived it, by role: a key of the "
                                           "vocabulary hate_perceivers (never a name)")
    nchi_ground = models.CharField(max_length=40, blank=True,
                                   help_text="Key of the vocabulary nchi_grounds")
    nchi_reasoning = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: +1 on every change")

    class Meta:
        verbose_name_plural = "hate details"
