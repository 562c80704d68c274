"""The forms of the repeat-ASB pages: the risk questionnaire, generated from its file (one radio
question per question, in its sections), a 2014 Act action (only the fields its kind records)
and a breach. What is lawful is decided by the services and the engine, not here."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.asb.actions import FIELDS, REQUIRED
from saferplaces.apps.asb.models import ActionKind, Issuer
from saferplaces.casework.asb_actions import COUNCIL_SIGNATORIES, POLICE_RANKS
from saferplaces.casework.questionnaire import Questionnaire
from saferplaces.web.govuk import DayField, mark_invalid

__all__ = ["ActionForm", "BreachForm", "RiskAssessmentForm", "question_field"]

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
#: Datetime fields: entered as a date and a time (24-hour clock, local time).
MOMENTS = ("at", "excluded_until", "authorised_at", "authorised_until", "heard_at")


def question_field(key: str) -> str:
    return f"q_{key}"


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class RiskAssessmentForm(forms.Form):
    """The questionnaire: every question required (a missing answer is refused, never scored as
    zero), then professional judgement (raise only, with a reason)."""

    opened_on_latest = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.sections: list[tuple[str, list[str]]] = []
        for section in questionnaire.sections:
            names = []
            for question in section.questions:
                name = question_field(question.key)
                self.fields[name] = forms.ChoiceField(
                    label=question.text, help_text=question.help, widget=forms.RadioSelect,
                    choices=[(o.key, o.label) for o in question.options],
                    error_messages={"required": "Answer this question: a missing answer is "
                                                "not scored as zero"})
                names.append(name)
            self.sections.append((section.title, names))
        self.fields["raise_to"] = forms.ChoiceField(
            label="Professional judgement: raise the band to", required=False,
            widget=forms.RadioSelect,
            choices=[("", "Keep the scored band"), *((b.key, b.label) for b in questionnaire.bands)],
            help_text="Judgement may raise the band, never lower it")
        self.fields["reason"] = forms.CharField(
            label="Why the band is raised", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def section_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.sections]

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data[question_field(q.key)]
                for _, q in self.questionnaire.questions()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("raise_to") and not str(data.get("reason", "")).strip():
            self.add_error("reason", "Give the reason for raising the band")
        return data


class YesNo(forms.TypedChoiceField):
    def __init__(self, *, label: str, help_text: str = "") -> None:
        super().__init__(label=label, help_text=help_text, choices=[("no", "No"), ("yes", "Yes")],
                         coerce=lambda value: value == "yes", widget=forms.RadioSelect,
                         initial="no", required=False)


def _signatories() -> list[tuple[str, str]]:
    return [("", "Choose"), *((r, r.capitalize()) for r in POLICE_RANKS),
            *((s, s.capitalize()) for s in COUNCIL_SIGNATORIES)]


def _field(name: str, required: bool) -> forms.Field:
    day = {"on": "Date given, agreed, issued or made", "ends_on": "Ends on",
           "review_on": "Review date", "comply_by": "Date to comply by",
           "yot_consulted_on": "Youth offending team consulted on"}
    hints = {"ends_on": "Leave empty for an order with no end date",
             "review_on": "A task is set for the review",
             "comply_by": "A task is set to check compliance on this date",
             "yot_consulted_on": "For a person under 18"}
    if name in day:
        return DayField(label=day[name], required=required, help_text=hints.get(name, ""))
    if name == "without_notice":
        return YesNo(label="Granted without notice")
    if name == "taken_home":
        return YesNo(label="Taken home or to a place of safety")
    if name == "believed_under_16":
        return YesNo(label="The officer believed the person to be under 16")
    if name == "locality":
        return forms.CharField(label="Dispersal area", max_length=200, required=required)
    if name == "authorising_rank":
        return forms.ChoiceField(label="Rank of the officer who authorised the dispersal",
                                 choices=[("", "Choose"), *((r, r.capitalize()) for r in POLICE_RANKS)],
                                 required=required)
    if name == "authorising_officer":
        return forms.CharField(label="Officer who authorised the dispersal", max_length=120,
                               required=required)
    if name == "issuer":
        return forms.ChoiceField(label="Issued by", choices=Issuer.choices,
                                 widget=forms.RadioSelect, required=required)
    if name in ("signed_by", "extended_by"):
        label = "Signed by" if name == "signed_by" else "Extended by"
        return forms.ChoiceField(label=label, choices=_signatories(), required=required)
    if name in ("hours", "extended_to_hours"):
        label = "Hours" if name == "hours" else "Extended to (hours)"
        return forms.IntegerField(label=label, min_value=1, max_value=999, required=required)
    raise KeyError(name)


#: The subject choice for an action about a body rather than a person of the case.
BODY = "body"


class ActionForm(forms.Form):
    """A 2014 Act action of one ``kind``: the person (or premises), officer, agency, conditions
    and the fields the kind records (:data:`saferplaces.apps.asb.actions.FIELDS`)."""

    subject = forms.ChoiceField(label="Person", widget=forms.RadioSelect)
    officer = forms.CharField(label="Officer who took the action", max_length=120)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none(),
                                    empty_label=None)
    conditions = forms.CharField(label="Conditions or requirements", required=False,
                                 help_text="One a line", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, kind: str, subjects: list[tuple[int, str]],
                 agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        premises = kind in (ActionKind.CLOSURE_NOTICE, ActionKind.CLOSURE_ORDER,
                            ActionKind.CLOSURE_EXTENSION)
        subject = _choices(self, "subject")
        subject.label = "Premises (a place linked to the case)" if premises else "About"
        subject.choices = subjects if premises else [*subjects, (BODY, "A body (a company or "
                                                                      "organisation)")]
        if not premises:
            self.fields["body_name"] = forms.CharField(
                label="The body's name", required=False, max_length=200,
                help_text="When the action is about a body, not a person")
            self.fields["body_company_number"] = forms.CharField(
                label="Company number", required=False, max_length=20,
                help_text="Companies House number, if it has one")
        agency_field = cast("forms.ModelChoiceField[Agency]", self.fields["agency"])
        agency_field.queryset = Agency.objects.filter(
            pk__in=[agency.pk for agency in agencies]).order_by("name")
        required = REQUIRED.get(kind, ("on",))
        for name in FIELDS[kind]:
            if name in MOMENTS:
                words = {"at": "Given or served", "excluded_until": "Excluded until",
                         "authorised_at": "Dispersal authorised from",
                         "authorised_until": "Dispersal authorised until",
                         "heard_at": "Heard by the court"}[name]
                self.fields[f"{name}_day"] = DayField(label=f"{words}: date", name=words,
                                                      required=name in required)
                self.fields[f"{name}_time"] = forms.CharField(
                    label=f"{words}: time", required=name in required, max_length=5,
                    help_text="24-hour clock, for example 21:30")
            else:
                self.fields[name] = _field(name, name in required)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("subject") == BODY and not str(data.get("body_name") or "").strip():
            self.add_error("body_name", "Enter the body's name")
        for name in MOMENTS:
            if f"{name}_day" not in self.fields:
                continue
            day, time = data.get(f"{name}_day"), str(data.get(f"{name}_time") or "").strip()
            if day is None and not time:
                data[name] = None
                continue
            match = TIME.match(time)
            if day is None:
                mark_invalid(self, f"{name}_day", "Enter the date as well as the time")
            elif match is None:
                self.add_error(f"{name}_time", "Enter a time on the 24-hour clock, for example 21:30")
            else:
                data[name] = timezone.make_aware(datetime.datetime.combine(
                    day, datetime.time(int(match.group(1)), int(match.group(2)))))
        return data

    def values(self) -> dict[str, Any]:
        """The kind's fields, cleaned (empty ones as ``None``, choices left empty as "")."""
        data = self.cleaned_data
        return {name: data.get(name) for name in FIELDS[self.kind]}


class BreachForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    on = DayField(label="Date of the breach")
    description = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="Describe the conduct; name no one who is not a party")
    penalty_amount = forms.DecimalField(label="Fixed penalty (£)", required=False, min_value=Decimal("0.01"),
                                        max_digits=8, decimal_places=2,
                                        help_text="Community Protection Notice breaches only")
    penalty_on = DayField(label="Fixed penalty notice given on", required=False)

    def __init__(self, *args: Any, penalty: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not penalty:
            del self.fields["penalty_amount"]
            del self.fields["penalty_on"]


class ActionCorrectionForm(ActionForm):
    """A correction of a recorded action: the same fields as recording it, less whom it is
    about (a different subject is a different action), with the reason and the version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label="Why is the record corrected?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept with the values it replaces")

    def __init__(self, *args: Any, kind: str, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, kind=kind, subjects=[], agencies=agencies, **kwargs)
        for name in ("subject", "body_name", "body_company_number"):
            self.fields.pop(name, None)


def correction_initial(action: Any) -> dict[str, Any]:
    """The correction form's starting values: the action as recorded."""
    initial: dict[str, Any] = {"version": action.version, "officer": action.officer,
                               "agency": action.agency_id, "conditions": action.conditions}
    for name in FIELDS[action.kind]:
        value = getattr(action, name)
        if name in MOMENTS:
            if value is not None:
                local = timezone.localtime(value)
                initial[f"{name}_day"] = local.date()
                initial[f"{name}_time"] = f"{local:%H:%M}"
        elif isinstance(value, bool):
            initial[name] = "yes" if value else "no"
        else:
            initial[name] = value
    return initial


class BreachCorrectionForm(BreachForm):
    reason = forms.CharField(label="Why is the record corrected?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept with the values it replaces")
