"""Forms of the Assessments section: starting a run or a deep dive, comparing two runs, the
monitoring period, recording a Street Week, and what partners enter (scores, horizon items,
recommendations, targets). Error messages follow the GOV.UK Design System's wording: they say
what to do, and name the field. The date inputs are in ``saferplaces.web.govuk``; the labels
in ``presenters``; the store's latest months in ``services``."""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from saferplaces.apps.assessments import models
from saferplaces.apps.assessments.presenters import days_label, run_label
from saferplaces.apps.assessments.services import (
    first_month_of_data,
    has_incidents,
    latest_month,
    latest_year,
)
from saferplaces.apps.assessments.tracking_forms import agency_field, due_field
from saferplaces.periods import month_label, month_number
from saferplaces.strategic.config import ConfigError, config_from_dict
from saferplaces.vocab import PESTELO_CHOICES
from saferplaces.web.govuk import DayField, MonthField, initial_month, mark_invalid

__all__ = [
    "CompareForm",
    "DeepDiveForm",
    "EntryForm",
    "HorizonForm",
    "MAX_PERIOD_MONTHS",
    "MonitoringPeriodForm",
    "RecommendationForm",
    "STREET_WEEK_DAYS",
    "STREET_WEEK_MAX_DAYS",
    "ScoreForm",
    "StartRunForm",
    "StreetWeekForm",
    "TargetForm",
]

#: Largest configuration accepted from the form (the shipped default is about 12 kB).
MAX_CONFIG_CHARS = 100_000

Choices = Sequence[tuple[str, str]]

if TYPE_CHECKING:
    RunModelForm = forms.ModelForm[models.AssessmentRun]
    StreetWeekModelForm = forms.ModelForm[models.StreetWeek]
    AnyModelForm = forms.ModelForm[Any]
    RunModelChoiceField = forms.ModelChoiceField[models.AssessmentRun]
else:  # Django's form classes are generic only to the type checker
    RunModelForm = StreetWeekModelForm = AnyModelForm = forms.ModelForm
    RunModelChoiceField = forms.ModelChoiceField


def _months_between(first: str, last: str) -> int:
    """How many months from ``first`` to ``last``, counting both."""
    return month_number(last) - month_number(first) + 1


def _check_period(form: forms.BaseForm, data: dict[str, Any], *, max_months: int | None = None,
                  latest: str | None = None) -> None:
    """Add an error to ``last_month`` when the period runs backwards, is longer than
    ``max_months`` or ends after ``latest`` (the latest month of data)."""
    first, last = data.get("first_month"), data.get("last_month")
    if not (first and last):
        return
    if last < first:
        message = "Last month must be the same as or after the first month"
    elif max_months and _months_between(first, last) > max_months:
        message = (f"Last month must be no more than {max_months - 1} months after the first "
                   f"month ({max_months} months at most)")
    elif latest and last > latest:
        message = f"Last month must be {month_label(latest)} or earlier: the latest month of data"
    else:
        return
    mark_invalid(form, "last_month", message)


class StartRunForm(RunModelForm):
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
                self.initial["first_month"] = initial_month(year[0])
                self.initial["last_month"] = initial_month(year[1])

    def clean_config_toml(self) -> str:
        text: str = self.cleaned_data["config_toml"]
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
        super().clean()
        data = self.cleaned_data
        _check_period(self, data)
        first, last = data.get("first_month"), data.get("last_month")
        if first and last and not self.errors and not has_incidents(first, last):
            held = (first_month_of_data(), latest_month())
            where = (f"the store holds {month_label(held[0])} to {month_label(held[1])}"
                     if held[0] and held[1] else "the store holds no incidents yet: load data first")
            mark_invalid(self, "first_month",
                         f"There are no incidents from {month_label(first)} to "
                         f"{month_label(last)}: choose months with data ({where})")
        return data


class RunChoiceField(RunModelChoiceField):
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
        for name in ("a", "b"):
            cast(RunChoiceField, self.fields[name]).queryset = runs

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("a") and data.get("b") and data["a"].pk == data["b"].pk:
            self.add_error("b", "Choose two different assessments")
        return data


# --- between assessments: deep dives, monitoring, Street Weeks -----------------------------------

#: Longest deep dive or monitoring period: both compare each month with the same month a year
#: before, and monitoring adds up a year to date.
MAX_PERIOD_MONTHS = 12


class DeepDiveForm(RunModelForm):
    """Start a deep dive into one candidate priority over any period of up to 12 months (a
    quarter, usually), ending no later than the latest month of data."""

    first_month = MonthField(label="First month", help_text="For example, 10 2025")
    last_month = MonthField(label="Last month", help_text="For example, 12 2025")

    class Meta:
        model = models.AssessmentRun
        fields = ["topic", "first_month", "last_month"]

    def __init__(self, *args: Any, topics: Choices, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["topic"] = _candidate_field("Topic", topics, "topic of the deep dive",
                                                empty="Choose a topic")
        self.fields["topic"].help_text = "A candidate priority of the latest strategic assessment"
        self.instance.kind = models.RunKind.DEEP_DIVE
        self.latest = latest_month()
        if not self.is_bound and not self.initial.get("first_month"):
            quarter = latest_year(3)
            if quarter:
                self.initial["first_month"] = initial_month(quarter[0])
                self.initial["last_month"] = initial_month(quarter[1])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _check_period(self, data, max_months=MAX_PERIOD_MONTHS, latest=self.latest)
        return data


class MonitoringPeriodForm(forms.Form):
    """The months to monitor (a GET form): up to 12, by default the latest 12 of data."""

    first_month = MonthField(label="First month", help_text="For example, 4 2025")
    last_month = MonthField(label="Last month", help_text="For example, 3 2026")

    def __init__(self, *args: Any, default: tuple[str, str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        if default and not self.is_bound:
            self.initial = {"first_month": initial_month(default[0]),
                            "last_month": initial_month(default[1])}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _check_period(self, data, max_months=MAX_PERIOD_MONTHS)
        return data


#: A Street Week is a week: when the last day is left empty it is the first day + 6 days.
STREET_WEEK_DAYS = 7
#: Longest Street Week accepted: some run over two weekends, so a fixed 7 days would make
#: analysts record wrong dates; anything longer is an operation, not a Street Week.
STREET_WEEK_MAX_DAYS = 14


class StreetWeekForm(StreetWeekModelForm):
    """A Street Week held (or planned) in one area: the area from the ranked list, the first
    day and the last day. The last day may be left empty for the usual 7 days (first day + 6);
    otherwise it must be on or after the first day and the Street Week may last at most 14
    days. A Street Week overlapping one already recorded in the same area is refused."""

    start = DayField(label="First day", help_text="For example, 2 6 2025")
    end = DayField(label="Last day (optional)", name="Last day", required=False,
                   help_text=f"Leave it empty for a {STREET_WEEK_DAYS}-day Street Week. "
                             f"A Street Week can last up to {STREET_WEEK_MAX_DAYS} days.")

    class Meta:
        model = models.StreetWeek
        fields = ["area_code", "start", "end"]

    def __init__(self, *args: Any, areas: Choices, area_label: str = "Area",
                 **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        kwargs.setdefault("prefix", "street-week")
        super().__init__(*args, **kwargs)
        self.area_names = dict(areas)
        what = area_label.lower()
        self.fields["area_code"] = forms.ChoiceField(
            label=area_label, choices=[("", f"Choose a {what}")] + list(areas),
            error_messages={"required": f"Choose the {what} of the Street Week",
                            "invalid_choice": f"Choose the {what} from the list"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        code, start, end = data.get("area_code"), data.get("start"), data.get("end")
        if not start or self.has_error("end"):
            return data
        if end is None:
            end = data["end"] = start + datetime.timedelta(days=STREET_WEEK_DAYS - 1)
        if end < start:
            self._end_error("Last day must be the same as or after the first day")
        elif (end - start).days + 1 > STREET_WEEK_MAX_DAYS:
            self._end_error(f"Last day must be no more than {STREET_WEEK_MAX_DAYS - 1} days after "
                            f"the first day (a Street Week lasts {STREET_WEEK_MAX_DAYS} days at most)")
        elif code:
            self.instance.area_name = self.area_names[code]
            overlap = (models.StreetWeek.objects.filter(area_code=code, start__lte=end, end__gte=start)
                       .order_by("start").first())
            if overlap:
                mark_invalid(self, "start", f"A Street Week in {overlap.area_name} from "
                                            f"{days_label(overlap.start, overlap.end)} is already recorded")
        return data

    def _end_error(self, message: str) -> None:
        mark_invalid(self, "end", message)


# --- partners' entries ---------------------------------------------------------------------------


def _candidate_field(label: str, choices: Choices, what: str, *,
                     empty: str = "Choose a candidate") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=[("", empty)] + list(choices),
        error_messages={"required": f"Choose the {what}",
                        "invalid_choice": f"Choose the {what} from the list"})


class EntryForm(AnyModelForm):
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
        source: str = self.cleaned_data["source"].strip()
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
        heading = cast(forms.ChoiceField, self.fields["heading"])
        heading.choices = [("", "Choose a heading")] + list(PESTELO_CHOICES)


class RecommendationForm(EntryForm):
    """A recommendation tied to the finding (candidate) that supports it."""

    prefix_name = "recommendation"

    class Meta:
        model = models.Recommendation
        fields = ["finding", "text", "owner", "agency", "due"]
        labels = {"text": "Recommendation", "owner": "Who leads it (optional)"}
        help_texts = {"owner": "A role, team or group, for example the town centre partnership"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {"required": "Enter the recommendation"},
            "owner": {"max_length": "Who leads it must be 200 characters or fewer"},
        }

    def __init__(self, *args: Any, candidates: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"] = _candidate_field(
            "Finding it answers", candidates, "finding the recommendation answers")
        self.fields["finding"].help_text = "The candidate priority whose evidence supports it"
        self.fields["agency"] = agency_field()  # tracked: ``tracking``
        self.fields["due"] = due_field()


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
