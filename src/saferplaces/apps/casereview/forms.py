"""The Case Review forms: choices limited to the case's parties and the prompts still due; the
rules themselves are in :mod:`saferplaces.apps.casereview.services`."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.casereview.models import CHANNEL_CHOICES
from saferplaces.apps.casereview.services import complainant_choices
from saferplaces.apps.cases.models import Case
from saferplaces.web.govuk import DayField

__all__ = ["ApplicationForm", "ComplaintForm", "ExplanationForm", "LinkForm", "stage_form"]

EXAMPLE = "For example, 27 3 2026"


def _parties(case: Case) -> list[tuple[str, str]]:
    seen: dict[int, str] = {}
    for party in case.parties.select_related("person").order_by("pk"):
        seen.setdefault(party.person_id, party.person.name)
    return [(str(pk), name) for pk, name in seen.items()]


class ComplaintForm(forms.Form):
    complainant = forms.ChoiceField(label="Who complained",
                                    help_text="A party of the case other than the alleged "
                                              "perpetrator")
    behaviour_on = DayField(label="When the behaviour happened", help_text=EXAMPLE)
    reported_on = DayField(label="When it was reported to your agency", help_text=EXAMPLE)
    channel = forms.ChoiceField(label="How it was reported", choices=CHANNEL_CHOICES,
                                widget=forms.RadioSelect)
    hate = forms.ChoiceField(label="Reported as a hate incident or crime?",
                             choices=[("no", "No"), ("yes", "Yes")], initial="no",
                             widget=forms.RadioSelect)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(pk), name) for pk, name in complainant_choices(case).items()]
        self.fields["complainant"].choices = choices  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    """A party and their complainant reference in a log linked to the case."""

    person = forms.ChoiceField(label="Complainant", help_text="A party of the case other than "
                                                              "the alleged perpetrator")
    source = forms.ChoiceField(label="Log", widget=forms.RadioSelect)
    reference = forms.CharField(label="Their complainant reference in that log", max_length=100,
                                help_text="As written in the log")

    def __init__(self, *args: Any, case: Case, sources: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(str(pk), name) for pk, name in complainant_choices(case).items()]
        self.fields["person"].choices = people  # type: ignore[attr-defined]
        self.fields["source"].choices = sources  # type: ignore[attr-defined]


class RemoveLinkForm(forms.Form):
    """Why a complainant link is removed (kept with the link, shown to staff)."""

    reason = forms.CharField(label="Why is this link wrong?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="For example: the reference belongs to another resident")


class ExplanationForm(forms.Form):
    complainant = forms.ChoiceField(label="Whom you explained the Case Review to")
    explained_on = DayField(label="When you explained it", help_text=EXAMPLE)
    how = forms.ChoiceField(label="How you explained it", choices=CHANNEL_CHOICES,
                            widget=forms.RadioSelect)

    def __init__(self, *args: Any, due: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complainant"].choices = due  # type: ignore[attr-defined]


class ApplicationForm(forms.Form):
    applied_on = DayField(label="When the application was made", help_text=EXAMPLE)
    channel = forms.ChoiceField(label="How it was made", choices=CHANNEL_CHOICES,
                                widget=forms.RadioSelect,
                                help_text="Telephone, letter and in person count as online does")
    applicant = forms.ChoiceField(label="Who applied", required=False,
                                  help_text="A party of the case; leave empty for someone else "
                                            "(a councillor, an advocate)")

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = [("", "Someone else")] + _parties(case)  # type: ignore[attr-defined]


_MET = [("yes", "Met: a review will be held"), ("no", "Not met")]


def stage_form(stage: str) -> type[forms.Form]:
    """The form of one stage of a review, carrying the review's ``version``."""
    fields: dict[str, forms.Field] = {"version": forms.IntegerField(widget=forms.HiddenInput)}
    if stage == "acknowledgement":
        fields["acknowledged_on"] = DayField(label="Acknowledged on", help_text=EXAMPLE)
    elif stage == "threshold":
        fields["threshold_decided_on"] = DayField(label="Decided on", help_text=EXAMPLE)
        fields["threshold_met"] = forms.ChoiceField(label="Is the threshold met?", choices=_MET,
                                                    widget=forms.RadioSelect)
        fields["threshold_reason"] = forms.CharField(label="Why", widget=forms.Textarea,
                                                     required=False, max_length=2000)
    elif stage == "meeting":
        fields["meeting_on"] = DayField(label="Review meeting held on", help_text=EXAMPLE)
    elif stage == "recommendations":
        fields["recommendations"] = forms.CharField(label="Recommendations",
                                                    widget=forms.Textarea, max_length=4000,
                                                    help_text="One a line")
        fields["recommendations_on"] = DayField(label="Made on", help_text=EXAMPLE)
    elif stage == "outcome":
        fields["outcome"] = forms.CharField(label="Outcome told to the applicant",
                                            widget=forms.Textarea, max_length=4000)
        fields["outcome_on"] = DayField(label="Told on", help_text=EXAMPLE)
    elif stage == "escalation":
        fields["escalated_on"] = DayField(label="Escalated on", help_text=EXAMPLE)
        fields["escalated_to"] = forms.CharField(
            label="Escalated to", max_length=200,
            help_text="For example, the Police and Crime Commissioner")
    return type(f"{stage.capitalize()}Form", (forms.Form,), fields)
