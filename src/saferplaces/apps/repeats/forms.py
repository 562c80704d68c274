"""The proposal page's forms: accept (link to the existing case or open a new one) and dismiss
with a reason. The rules are in ``services``."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from saferplaces.apps.cases import services as cases
from saferplaces.apps.cases.models import Risk
from saferplaces.apps.repeats.models import Kind, Proposal
from saferplaces.apps.repeats.services import CASE_TYPES, default_title

LINK, NEW = "link", "new"


class AcceptForm(forms.Form):
    decision = forms.ChoiceField(label="What to do", widget=forms.RadioSelect)
    case_type = forms.ChoiceField(label="Type of case (a new case)", required=False)
    title = forms.CharField(label="Title (a new case)", max_length=200, required=False,
                            help_text="A short description, e.g. the street or estate; avoid "
                                      "names and health details")
    risk = forms.ChoiceField(label="Risk (a new case)", choices=Risk.choices,
                             initial=Risk.STANDARD, widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, proposal: Proposal, case_reference: str | None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] |= {"version": proposal.version, "title": default_title(proposal),
                              "case_type": CASE_TYPES[Kind(proposal.kind)],
                              "decision": LINK if case_reference else NEW}
        super().__init__(*args, **kwargs)
        choices = [(NEW, "Open a new case owned by your agency, with these incidents")]
        if case_reference:
            choices.insert(0, (LINK, f"Link these incidents to {case_reference}"))
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices
        cast(forms.ChoiceField, self.fields["case_type"]).choices = cases.case_types_choices()


class DismissForm(forms.Form):
    reason = forms.CharField(label="Why is it dismissed?", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="For example: already known and managed outside a case. "
                                       "The proposal is not made again unless new incidents arrive.")
    version = forms.IntegerField(widget=forms.HiddenInput)
