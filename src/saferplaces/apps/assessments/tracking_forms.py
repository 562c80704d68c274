"""Forms for tracking recommendations: who leads one and when it is due (added to the entries
page's recommendation form and the edit form), and a dated progress update. Messages follow
the GOV.UK Design System's wording."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.assessments.models import Recommendation, RecommendationStatus
from saferplaces.web.govuk import DayField, mark_invalid

__all__ = ["ProgressUpdateForm", "RecommendationEditForm", "agency_field", "due_field"]

if TYPE_CHECKING:
    AgencyChoiceField = forms.ModelChoiceField[Agency]
    RecommendationModelForm = forms.ModelForm[Recommendation]
else:  # Django's form classes are generic only to the type checker
    AgencyChoiceField = forms.ModelChoiceField
    RecommendationModelForm = forms.ModelForm


def agency_field() -> AgencyChoiceField:
    return AgencyChoiceField(
        label="Lead agency (optional)", required=False, empty_label="Choose an agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        error_messages={"invalid_choice": "Choose the lead agency from the list"})


def due_field() -> DayField:
    return DayField(label="Due by (optional)", name="Due date", required=False,
                    help_text="For example, 31 3 2026")


class RecommendationEditForm(RecommendationModelForm):
    """Change a recommendation's wording, lead, agency or due date; ``version`` is the one the
    form was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Recommendation
        fields = ["text", "owner", "agency", "due"]
        labels = {"text": "Recommendation", "owner": "Who leads it (optional)"}
        help_texts = {"owner": "A role, team or group, for example the town centre partnership"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {"required": "Enter the recommendation"},
            "owner": {"max_length": "Who leads it must be 200 characters or fewer"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("prefix", "edit")
        super().__init__(*args, **kwargs)
        self.fields["agency"] = agency_field()
        self.fields["due"] = due_field()
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class ProgressUpdateForm(forms.Form):
    """Progress as of a day (today or earlier), the status then, what was done, and why when
    the recommendation is dropped."""

    on = DayField(label="Progress as of", name="Date of the progress", help_text="For example, 14 11 2025")
    status = forms.ChoiceField(label="Status", choices=RecommendationStatus.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose the status",
                                               "invalid_choice": "Choose the status"})
    note = forms.CharField(label="What has been done", widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=5000,
                           error_messages={"required": "Enter what has been done",
                                           "max_length": "What has been done must be 5000 characters or fewer"})
    reason = forms.CharField(label="Why it was dropped (if dropped)", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             error_messages={"max_length": "Why it was dropped must be 2000 characters or fewer"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("prefix", "progress")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        on = data.get("on")
        if isinstance(on, datetime.date) and on > timezone.localdate():
            mark_invalid(self, "on", "Date of the progress must be today or in the past")
        if data.get("status") == RecommendationStatus.DROPPED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the recommendation was dropped")
        return data
