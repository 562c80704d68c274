"""National Referral Mechanism (NRM) referrals on modern-slavery cases, and Duty to Notify
records. The rules are the engine's (:mod:`saferplaces.casework.nrm`), applied by
:mod:`saferplaces.apps.slavery.services`.

- An :class:`NrmReferral` hangs off a case and names its potential victim as a party of that
  case; it is read only through the case's access helper.
- A :class:`DutyToNotify` record is what an adult who declines a referral becomes (Modern
  Slavery Act 2015 s.52; SI 2015/1743): it holds **nothing that identifies the person**, by
  construction. It has no link to a person, a party or a case (with two potential victims on a
  case, a link to the case would say which one declined) and no field for a name, date of
  birth, address, contact details or free text: only the day, the first responder, the
  exploitation types and whether the notifying body is under the statutory duty. It belongs to
  the agency that made it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case, Party

USER = settings.AUTH_USER_MODEL


class NrmReferral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="nrm_referrals")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="nrm_referrals",
                              help_text="The potential victim: a party of the case")
    first_responder = models.CharField(max_length=40,
                                       help_text="Key of the vocabulary nrm_first_responders")
    referred_on = models.DateField()
    exploitation_types = models.JSONField(default=list,
                                          help_text="Keys of the vocabulary nrm_exploitation_types")
    child = models.BooleanField(help_text="A child on the referral day (or believed to be one): "
                                          "referred without consent")
    believed_child = models.BooleanField(default=False, help_text="Reasonable grounds to "
                                         "believe the person is a child (s.51)")
    consented = models.BooleanField(default=False)
    rg_decided_on = models.DateField(null=True, blank=True)
    rg_positive = models.BooleanField(null=True, blank=True)
    cg_decided_on = models.DateField(null=True, blank=True)
    cg_positive = models.BooleanField(null=True, blank=True)
    support_outcome = models.CharField(max_length=40, blank=True,
                                       help_text="Key of the vocabulary nrm_support_outcomes")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking: +1 on every change")

    class Meta:
        ordering = ["referred_on", "pk"]


class DutyToNotify(models.Model):
    """An anonymous notification: no person, party or case, and no identifying field."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               help_text="The agency that made the notification")
    notified_on = models.DateField()
    organisation = models.CharField(max_length=40,
                                    help_text="Key of the vocabulary nrm_first_responders")
    exploitation_types = models.JSONField(default=list)
    statutory = models.BooleanField(help_text="Made under the statutory duty (s.52): the "
                                              "organisation is a specified public authority")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notified_on", "-pk"]
        verbose_name = "Duty to Notify record"
