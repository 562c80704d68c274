"""The operations forms (the rules are the services')."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.operations.models import Kind
from saferplaces.apps.operations.vocab import activity_kinds
from saferplaces.web.govuk import DayField

__all__ = ["ActivityForm", "ComparisonForm", "ExclusionForm", "FollowUpForm", "LegacyForm",
           "LinkCaseForm", "OperationForm"]

Choices = list[tuple[Any, str]]


class OperationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the operation's name"})
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the kind of operation"})
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="What the operation sets out to do")
    categories = forms.MultipleChoiceField(label="Target problems", required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text="The incident categories it sets out to "
                                                     "reduce: its impact is measured on these")
    areas = forms.TypedMultipleChoiceField(label="Areas", required=False, coerce=int,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text="A Street Week is in one area")
    polygon = forms.CharField(label="Or a polygon (GeoJSON)", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Paste a GeoJSON polygon in WGS84 or British National "
                                        "Grid (EPSG:27700), for example exported from your GIS")
    start = DayField(label="First day", name="First day")
    end = DayField(label="Last day", name="Last day")
    partners = forms.TypedMultipleChoiceField(label="Partner agencies", required=False, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    pspo = forms.TypedChoiceField(label="Public Spaces Protection Order (optional)", required=False,
                                  coerce=int, empty_value=None,
                                  help_text="The PSPO the operation enforces, if any")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, categories: Choices, areas: Choices, partners: Choices,
                 orders: Choices | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = categories  # type: ignore[attr-defined]
        self.fields["areas"].choices = areas  # type: ignore[attr-defined]
        self.fields["partners"].choices = partners  # type: ignore[attr-defined]
        self.fields["pspo"].choices = [("", "None"), *(orders or [])]  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    day = DayField(label="Day", name="Day")
    kind = forms.ChoiceField(label="Activity", error_messages={"required": "Choose the activity"})
    amount = forms.DecimalField(label="How many", min_value=0, max_digits=12, decimal_places=2,
                                help_text="In the unit shown with the activity",
                                error_messages={"required": "Enter how many"})
    note = forms.CharField(label="Note (optional)", required=False, max_length=300,
                           help_text="No names: activity is counted, not about people")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "activity-%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", "Choose an activity"),
            *[(k.key, f"{k.label} ({k.unit})") for k in activity_kinds()]]


class LegacyForm(forms.Form):
    description = forms.CharField(label="Legacy action", max_length=300,
                                  error_messages={"required": "Describe the legacy action"})
    owner_agency = forms.TypedChoiceField(label="Owning agency", coerce=int)
    follow_up_on = DayField(label="Follow-up date (optional)", name="Follow-up date",
                            required=False)

    def __init__(self, *args: Any, agencies: Choices, months: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "legacy-%s")
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].choices = agencies  # type: ignore[attr-defined]
        self.fields["follow_up_on"].help_text = (
            f"Leave it empty for {months} months after the operation's last day")


class FollowUpForm(forms.Form):
    done_on = DayField(label="Done on", name="Day done", required=False,
                       help_text="Leave it empty if it is not done yet")
    outcome = forms.CharField(label="Outcome", required=False, max_length=300)
    follow_up_on = DayField(label="Next follow-up", name="Next follow-up date", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class LinkCaseForm(forms.Form):
    reference = forms.CharField(label="Case reference", max_length=30,
                                error_messages={"required": "Enter the case reference"})


class ComparisonForm(forms.Form):
    codes = forms.MultipleChoiceField(label="Comparison areas", required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, areas: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comparison-%s")
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = areas  # type: ignore[attr-defined]


class ExclusionForm(forms.Form):
    area = forms.ChoiceField(label="Area", error_messages={"required": "Choose the area"})
    reason = forms.CharField(label="Reason", max_length=300,
                             error_messages={"required": "Give the reason"})
    until = DayField(label="Until (optional)", name="Until", required=False,
                     help_text="Leave it empty to leave the area out until you lift it")

    def __init__(self, *args: Any, areas: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "exclusion-%s")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose an area"), *areas]  # type: ignore[attr-defined]
