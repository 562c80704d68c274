"""The NRM referral and decision forms (the rules are the services')."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.slavery.models import NrmReferral
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.web.govuk import DayField

__all__ = ["DecisionsForm", "ReferForm"]

CONSENT = (("given", "The adult consents to the referral"),
           ("declined", "The adult declines: make an anonymous Duty to Notify record instead"))
DECISION = (("", "Not decided yet"), ("positive", "Positive"), ("negative", "Negative"))


class ReferForm(forms.Form):
    party = forms.TypedChoiceField(label="Potential victim", coerce=int, widget=forms.RadioSelect)
    first_responder = forms.ChoiceField(label="First responder organisation")
    referred_on = DayField(label="Referred on", name="Referral date")
    exploitation_types = forms.MultipleChoiceField(label="Exploitation types",
                                                   widget=forms.CheckboxSelectMultiple)
    consent = forms.ChoiceField(label="Consent (adults)", choices=CONSENT, required=False,
                                widget=forms.RadioSelect,
                                help_text="A child is referred without consent: leave this for a "
                                          "child. An adult must consent to be referred.")
    believed_child = forms.BooleanField(
        label="There are reasonable grounds to believe the person is a child (s.51)",
        required=False)

    def __init__(self, *args: Any, parties: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = parties  # type: ignore[attr-defined]
        self.fields["first_responder"].choices = vocabulary(  # type: ignore[attr-defined]
            "nrm_first_responders").choices()
        self.fields["exploitation_types"].choices = vocabulary(  # type: ignore[attr-defined]
            "nrm_exploitation_types").choices()


def consent_of(value: str) -> bool | None:
    return None if not value else value == "given"


def _decision(value: bool | None) -> str:
    return "" if value is None else ("positive" if value else "negative")


def as_positive(value: str) -> bool | None:
    return None if not value else value == "positive"


class DecisionsForm(forms.Form):
    rg_decided_on = DayField(label="Reasonable-grounds decision on", name="Reasonable-grounds "
                             "decision date", required=False)
    rg = forms.ChoiceField(label="Reasonable-grounds decision", choices=DECISION,
                           required=False, widget=forms.RadioSelect)
    cg_decided_on = DayField(label="Conclusive-grounds decision on", name="Conclusive-grounds "
                             "decision date", required=False)
    cg = forms.ChoiceField(label="Conclusive-grounds decision", choices=DECISION,
                           required=False, widget=forms.RadioSelect)
    support_outcome = forms.ChoiceField(label="Support outcome", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["support_outcome"].choices = [  # type: ignore[attr-defined]
            ("", "None yet"), *vocabulary("nrm_support_outcomes").choices()]

    @staticmethod
    def initial_for(referral: NrmReferral) -> dict[str, Any]:
        return {"rg_decided_on": referral.rg_decided_on, "rg": _decision(referral.rg_positive),
                "cg_decided_on": referral.cg_decided_on, "cg": _decision(referral.cg_positive),
                "support_outcome": referral.support_outcome, "version": referral.version}
