"""The hate details form and the figures period form (the rules are the services')."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from saferplaces.apps.hate.figures import whole_months_problem
from saferplaces.apps.hate.models import HateDetails, Kind, Perceiver
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.web.govuk import DayField
from saferplaces.web.textlimits import TextLengthValidator

__all__ = ["DetailsForm", "PeriodForm"]


class DetailsForm(forms.Form):
    recorded_on = DayField(label="Recorded as hate on", name="Date recorded")
    kind = forms.ChoiceField(label="Crime or non-crime hate incident", choices=Kind.choices,
                             widget=forms.RadioSelect)
    strands = forms.MultipleChoiceField(
        label="Monitored strands", widget=forms.CheckboxSelectMultiple,
        help_text="Every strand on which hostility or prejudice is perceived")
    perceived_by = forms.ChoiceField(label="Perceived as hate by", choices=Perceiver.choices,
                                     widget=forms.RadioSelect,
                                     help_text="The victim or any other person: no evidence of "
                                               "hostility is needed to record it")
    perceiver = forms.ChoiceField(label="Who else perceived it (their role, never a name)",
                                  required=False)
    nchi_ground = forms.ChoiceField(
        label="Non-crime hate incident: the Code of Practice's ground", required=False,
        widget=forms.RadioSelect)
    nchi_reasoning = forms.CharField(label="Non-crime hate incident: the reasoning for that ground",
                                     required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                     validators=[TextLengthValidator("The reasoning")])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strands"].choices = vocabulary("hate_strands").choices()  # type: ignore[attr-defined]
        self.fields["perceiver"].choices = [  # type: ignore[attr-defined]
            ("", "Not said"), *vocabulary("hate_perceivers").choices()]
        self.fields["nchi_ground"].choices = [  # type: ignore[attr-defined]
            ("", "None (a hate crime)"), *vocabulary("nchi_grounds").choices()]

    @staticmethod
    def initial_for(details: HateDetails | None, today: datetime.date) -> dict[str, Any]:
        if details is None:
            return {"recorded_on": today, "kind": Kind.CRIME, "perceived_by": Perceiver.VICTIM}
        return {"recorded_on": details.recorded_on, "kind": details.kind,
                "strands": list(details.strands), "perceived_by": details.perceived_by,
                "perceiver": details.perceiver, "nchi_ground": details.nchi_ground,
                "nchi_reasoning": details.nchi_reasoning, "version": details.version}


class PeriodForm(forms.Form):
    start = DayField(label="From", name="First day")
    end = DayField(label="To", name="Last day")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            problem = whole_months_problem(data["start"], data["end"])
            if problem:
                self.add_error("start" if "start on" in problem else "end", problem)
        return data
