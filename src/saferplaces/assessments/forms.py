"""Forms of the Assessments section: starting a run, comparing two runs, and what partners
enter (scores, horizon items, recommendations, targets). Error messages follow the GOV.UK
Design System's wording: they say what to do, and name the field."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from typing import Any

import pandas as pd
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from saferplaces.assessment.config import ConfigError, config_from_dict
from saferplaces.assessments import models
from saferplaces.incidents.models import Incident

__all__ = [
    "CompareForm",
    "EntryForm",
    "HorizonForm",
    "MonthField",
    "RecommendationForm",
    "ScoreForm",
    "StartRunForm",
    "TargetForm",
    "latest_year",
    "month_label",
    "period_label",
    "run_label",
]

#: Largest configuration accepted from the form (the shipped default is about 12 kB).
MAX_CONFIG_CHARS = 100_000

Choices = Sequence[tuple[str, str]]


def latest_year() -> tuple[str, str] | None:
    """The latest 12 months of data in the store as ("YYYY-MM", "YYYY-MM"); None when empty."""
    last = Incident.objects.order_by("-month").values_list("month", flat=True).first()
    if last is None:
        return None
    end = pd.Period(last, "M")
    return str(end - 11), str(end)


class MonthInput(forms.MultiWidget):
    """Two text boxes, month and year (GOV.UK date input without the day)."""

    def __init__(self) -> None:
        super().__init__({"month": forms.TextInput(), "year": forms.TextInput()})

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = value.split("-")
            return [str(int(month)), year]
        return [None, None]


class MonthField(forms.Field):
    """A month entered as month and year numbers; cleans to ``"YYYY-MM"``.

    ``label`` names the field in the error messages ("First month must include a year").
    """

    widget = MonthInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return self.widget.decompress(value) if isinstance(value, str) else value

    #: The boxes holding the problem after ``clean`` failed: the error summary links to the
    #: first and only these are outlined in red (GOV.UK date input pattern).
    invalid_parts: tuple[str, ...] = ()

    def _invalid(self, message: str, code: str, *parts: str) -> ValidationError:
        self.invalid_parts = parts
        return ValidationError(message, code=code)

    def clean(self, value: Any) -> str:
        month, year = ((value or [None, None]) + [None, None])[:2]
        month, year = str(month or "").strip(), str(year or "").strip()
        name = str(self.label)
        if not month and not year:
            raise self._invalid(f"Enter the {name.lower()}", "required", "month", "year")
        if not month:
            raise self._invalid(f"{name} must include a month", "incomplete", "month")
        if not year:
            raise self._invalid(f"{name} must include a year", "incomplete", "year")
        bad_month = not month.isdigit() or not 1 <= int(month) <= 12
        bad_year = not year.isdigit() or len(year) != 4 or not 1900 <= int(year) <= 2999
        if bad_month or bad_year:
            raise self._invalid(f"{name} must be a real month, for example 1 2025", "invalid",
                                *(["month"] if bad_month else []) + (["year"] if bad_year else []))
        return f"{int(year):04d}-{int(month):02d}"


def _initial_month(value: str) -> list[str | None]:
    return MonthInput().decompress(value)


class StartRunForm(forms.ModelForm):
    """Start a strategic assessment: the year to assess and an optional configuration."""

    first_month = MonthField(label="First month", help_text="For example, 1 2025")
    last_month = MonthField(label="Last month", help_text="For example, 12 2025")
    config_toml = forms.CharField(
        label="Configuration (optional)", required=False, max_length=MAX_CONFIG_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Leave it empty to use the defaults.",
        error_messages={"max_length": "Configuration must be 100,000 characters or fewer"})

    class Meta:
        model = models.AssessmentRun
        fields = ["first_month", "last_month", "config_toml"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("first_month"):
            year = latest_year()
            if year:
                self.initial["first_month"] = _initial_month(year[0])
                self.initial["last_month"] = _initial_month(year[1])

    def clean_config_toml(self) -> str:
        text = self.cleaned_data["config_toml"]
        if not text.strip():
            return ""
        try:
            overrides = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"The configuration is not valid TOML: {exc}") from None
        try:
            config_from_dict(overrides, path="the pasted configuration")
        except ConfigError as exc:
            raise ValidationError(f"The configuration has a mistake: {exc}") from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_month"), data.get("last_month")
        if first and last and last < first:
            self.add_error("last_month", "Last month must be the same as or after the first month")
            self.fields["last_month"].invalid_parts = ("month", "year")
        return data


def month_label(month: str) -> str:
    """``"2025-01"`` as ``"January 2025"``."""
    return pd.Period(month, "M").strftime("%B %Y")


def period_label(first_month: str, last_month: str) -> str:
    """``"January 2025 to December 2025"``."""
    return f"{month_label(first_month)} to {month_label(last_month)}"


def run_label(run: models.AssessmentRun) -> str:
    """A run as a choice: its period, number and when it finished."""
    label = f"{period_label(run.first_month, run.last_month)} (run {run.pk}"
    if run.finished_at:
        finished = timezone.localtime(run.finished_at)
        label += f", finished {finished.day} {finished:%b %Y}"
    return label + ")"


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.AssessmentRun) -> str:
        return run_label(obj)


class CompareForm(forms.Form):
    """Two finished runs to compare: ``a`` the earlier or baseline, ``b`` the later."""

    a = RunChoiceField(queryset=models.AssessmentRun.objects.none(), label="Compare",
                       empty_label="Choose an assessment",
                       error_messages={"required": "Choose the first assessment to compare",
                                       "invalid_choice": "Choose a finished assessment"})
    b = RunChoiceField(queryset=models.AssessmentRun.objects.none(), label="With",
                       empty_label="Choose an assessment",
                       error_messages={"required": "Choose the assessment to compare it with",
                                       "invalid_choice": "Choose a finished assessment"})

    def __init__(self, *args: Any, runs: QuerySet[models.AssessmentRun], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        # the results are large JSON documents: the choices need only the labels
        runs = runs.defer("result", "config_toml")
        self.fields["a"].queryset = runs
        self.fields["b"].queryset = runs

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("a") and data.get("b") and data["a"].pk == data["b"].pk:
            self.add_error("b", "Choose two different assessments")
        return data


# --- partners' entries ---------------------------------------------------------------------------


def _candidate_field(label: str, choices: Choices, what: str, *,
                     empty: str = "Choose a candidate") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=[("", empty)] + list(choices),
        error_messages={"required": f"Choose the {what}",
                        "invalid_choice": f"Choose the {what} from the list"})


class EntryForm(forms.ModelForm):
    """A partner's entry; ``prefix_name`` keeps its field ids apart from the other forms'
    on the same page."""

    prefix_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)


SCORE_SCALE = [(str(i), str(i)) for i in range(1, 6)]


class ScoreForm(EntryForm):
    """A 1–5 community-concern or capacity score for one candidate, with its source."""

    prefix_name = "score"

    score = forms.TypedChoiceField(
        label="Score", coerce=int, choices=SCORE_SCALE, widget=forms.RadioSelect,
        help_text="1 is the lowest, 5 the highest",
        error_messages={"required": "Choose a score from 1 to 5",
                        "invalid_choice": "Choose a score from 1 to 5"})
    dimension = forms.ChoiceField(
        label="What the score measures", choices=models.Dimension.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the score measures",
                        "invalid_choice": "Choose what the score measures"})

    class Meta:
        model = models.EnteredScore
        fields = ["candidate", "dimension", "score", "source", "note"]
        labels = {"source": "Where the score comes from", "note": "Note (optional)"}
        help_texts = {"source": "For example, residents' survey 2025 (1,200 replies) or "
                                "councillor casework",
                      "note": "Anything the panel should know about the score"}
        error_messages = {
            "source": {"required": "Enter where the score comes from",
                       "max_length": "Where the score comes from must be 300 characters or fewer"},
            "note": {"max_length": "Note must be 500 characters or fewer"},
        }

    def __init__(self, *args: Any, candidates: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"] = _candidate_field("Candidate priority", candidates,
                                                    "candidate priority the score is for")

    def clean_source(self) -> str:
        source = self.cleaned_data["source"].strip()
        if not source:
            raise ValidationError("Enter where the score comes from")
        return source


class HorizonForm(EntryForm):
    """A future or emerging issue under a PESTELO heading."""

    prefix_name = "horizon"

    class Meta:
        model = models.HorizonItem
        fields = ["heading", "title", "description", "source"]
        labels = {"heading": "Heading", "title": "Issue", "description": "Description (optional)",
                  "source": "Source (optional)"}
        help_texts = {"title": "For example, new night-time economy venues opening in the town "
                               "centre",
                      "source": "Who raised it, or where it comes from"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "heading": {"required": "Choose a heading", "invalid_choice": "Choose a heading"},
            "title": {"required": "Enter the issue",
                      "max_length": "Issue must be 200 characters or fewer"},
            "source": {"max_length": "Source must be 300 characters or fewer"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["heading"].choices = [("", "Choose a heading")] + list(models.Pestelo.choices)


class RecommendationForm(EntryForm):
    """A recommendation tied to the finding (candidate) that supports it."""

    prefix_name = "recommendation"

    class Meta:
        model = models.Recommendation
        fields = ["finding", "text", "owner"]
        labels = {"text": "Recommendation", "owner": "Who should act (optional)"}
        help_texts = {"owner": "An agency or group, for example the town centre partnership"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {"required": "Enter the recommendation"},
            "owner": {"max_length": "Who should act must be 200 characters or fewer"},
        }

    def __init__(self, *args: Any, candidates: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"] = _candidate_field(
            "Finding it answers", candidates, "finding the recommendation answers")
        self.fields["finding"].help_text = "The candidate priority whose evidence supports it"


class TargetForm(EntryForm):
    """The partnership's target for one priority's measure."""

    prefix_name = "target"

    change_pct = forms.FloatField(
        label="Change to aim for, in per cent", min_value=-100, max_value=1000,
        help_text="For example, -10 for a 10% fall",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": "Enter the change to aim for, for example -10",
                        "invalid": "Change to aim for must be a number, for example -10",
                        "min_value": "Change to aim for cannot be a fall of more than 100%%",
                        "max_value": "Change to aim for must be 1000%% or less"})
    baseline = forms.FloatField(
        label="Baseline (optional)", required=False, min_value=0,
        help_text="Leave empty to measure against the assessment year's value",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Baseline must be a number",
                        "min_value": "Baseline must be 0 or more"})

    class Meta:
        model = models.Target
        fields = ["candidate", "measure", "change_pct", "baseline", "note"]
        labels = {"measure": "Measure", "note": "Note (optional)"}
        error_messages = {
            "measure": {"required": "Choose the measure", "invalid_choice": "Choose the measure"},
            "note": {"max_length": "Note must be 500 characters or fewer"},
        }

    def __init__(self, *args: Any, candidates: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"] = _candidate_field("Priority", candidates,
                                                    "priority the target is for",
                                                    empty="Choose a priority")
