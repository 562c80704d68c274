"""The safeguarding pages' forms: choices limited to the case's parties, its concerns, the
agencies working on it and the configured vocabularies. The rules are in ``services``."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.utils import timezone

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.presenters import PartyRow
from saferplaces.apps.safeguarding.models import Concern, Rag, RiskChecklist
from saferplaces.casework.vocabularies import vocabulary
from saferplaces.web.govuk import DayField, mark_invalid

CHECKBOXES = forms.CheckboxSelectMultiple
_CLOCK = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$")


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _time(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=5,
                           help_text="24-hour clock, for example 09:30 or 16:05",
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def moment(form: forms.Form, day_field: str, time_field: str) -> datetime.datetime | None:
    """The day and time entered as a local (Europe/London) moment, or None when both are empty;
    marks the fields invalid otherwise."""
    day, text = form.cleaned_data.get(day_field), (form.cleaned_data.get(time_field) or "").strip()
    if day is None and not text:
        return None
    if day is None:
        mark_invalid(form, day_field, f"Enter the day of the {str(form.fields[day_field].label).lower()}")
        return None
    found = _CLOCK.match(text)
    if found is None or int(found["hour"]) > 23 or int(found["minute"]) > 59:
        form.add_error(time_field, "Enter a time on the 24-hour clock, such as 09:30")
        return None
    clock = datetime.time(int(found["hour"]), int(found["minute"]))
    return datetime.datetime.combine(day, clock, timezone.get_current_timezone())


def exploitation_choices() -> tuple[tuple[str, str], ...]:
    return vocabulary("exploitation_types").choices()


def outcome_choices(child: bool) -> list[tuple[str, str]]:
    vocab = vocabulary("mash_outcomes")
    return [("", "Not yet")] + [(key, term.label) for key, term in vocab.terms.items()
                                if term.applies(child)]


def _people(parties: list[PartyRow], roles: set[str] | None = None) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for row in parties:
        if roles is None or row.role in roles:
            seen.setdefault(row.person_id, f"{row.name} ({row.role_label.lower()})")
    return list(seen.items())


class ConcernForm(forms.Form):
    person = forms.TypedChoiceField(label="Person concerned", coerce=int,
                                    help_text="A party of the case. Child or adult is worked out "
                                              "from their date of birth on the day of the concern")
    concern_on = DayField(label="Date of the concern")
    exploitation_types = forms.MultipleChoiceField(label="Exploitation or abuse", widget=CHECKBOXES,
                                                   help_text="Select all that apply")

    def __init__(self, *args: Any, parties: list[PartyRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "person").choices = _people(parties)
        _choices(self, "exploitation_types").choices = exploitation_choices()


class ConcernEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    concern_on = DayField(label="Date of the concern")
    exploitation_types = forms.MultipleChoiceField(label="Exploitation or abuse", widget=CHECKBOXES,
                                                   help_text="Select all that apply")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "exploitation_types").choices = exploitation_choices()

    @staticmethod
    def initial_for(concern: Concern) -> dict[str, Any]:
        return {"version": concern.version, "concern_on": concern.concern_on,
                "exploitation_types": list(concern.exploitation_types)}


class MashReferralForm(forms.Form):
    concern = forms.TypedChoiceField(label="Concern", coerce=int)
    mash_agency = forms.TypedChoiceField(label="MASH agency", coerce=int,
                                         help_text="The agency that screens it: the owner or an "
                                                   "agency the case is shared with in full")
    received_on = DayField(label="Day the MASH received it")
    received_time = _time("Time the MASH received it")

    def __init__(self, *args: Any, concerns: list[tuple[int, str]], agencies: list[Agency],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "concern").choices = concerns
        _choices(self, "mash_agency").choices = [(a.pk, a.name) for a in agencies]

    def received_at(self) -> datetime.datetime | None:
        return moment(self, "received_on", "received_time")


class MashUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(label="RAG screening", choices=Rag.choices, widget=forms.RadioSelect,
                            help_text="The rating sets the response target in working hours")
    strategy_on = DayField(label="Strategy discussion", required=False)
    strategy_time = _time("Strategy discussion time", required=False)
    strategy_attendees = forms.TypedMultipleChoiceField(label="Agencies at the strategy discussion",
                                                        coerce=int, required=False,
                                                        widget=CHECKBOXES)
    strategy_decision = forms.CharField(label="Strategy discussion decision", required=False,
                                        widget=_textarea())
    responded_on = DayField(label="Response", required=False)
    responded_time = _time("Response time", required=False)
    outcome = forms.ChoiceField(label="Outcome", required=False)

    def __init__(self, *args: Any, agencies: list[Agency], child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "strategy_attendees").choices = [(a.pk, a.name) for a in agencies]
        _choices(self, "outcome").choices = outcome_choices(child)

    @staticmethod
    def initial_for(referral: Any) -> dict[str, Any]:
        def split(value: datetime.datetime | None) -> tuple[Any, str]:
            if value is None:
                return None, ""
            local = timezone.localtime(value)
            return local.date(), f"{local:%H:%M}"

        strategy_on, strategy_time = split(referral.strategy_at)
        responded_on, responded_time = split(referral.responded_at)
        return {"version": referral.version, "rag": referral.rag, "strategy_on": strategy_on,
                "strategy_time": strategy_time,
                "strategy_attendees": list(referral.strategy_attendees.values_list("pk", flat=True)),
                "strategy_decision": referral.strategy_decision, "responded_on": responded_on,
                "responded_time": responded_time, "outcome": referral.outcome}


class ChecklistForm(forms.Form):
    victim = forms.TypedChoiceField(label="Victim", coerce=int)
    completed_on = DayField(label="Day the checklist was completed")
    completed_by = forms.CharField(label="Completed by", max_length=200,
                                   help_text="Role and organisation, e.g. IDVA, Next Chapter")
    yes_answers = forms.IntegerField(label="Number of yes answers", min_value=0,
                                     help_text="From your licensed copy of the risk checklist; "
                                               "saferplaces records the count, not the answers",
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    police_callouts = forms.IntegerField(label="Police call-outs for domestic abuse in the last "
                                               "12 months", min_value=0, initial=0,
                                         widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    professional_judgement = forms.CharField(label="Professional judgement (optional)",
                                             required=False, widget=_textarea(3),
                                             help_text="Why you refer below the threshold, if "
                                                       "you do")

    def __init__(self, *args: Any, parties: list[PartyRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "victim").choices = _people(parties, {"victim"})


class MaracForm(forms.Form):
    victim = forms.TypedChoiceField(label="Victim", coerce=int)
    referred_on = DayField(label="Day of the referral")
    meeting_on = DayField(label="MARAC meeting (if known)", required=False)
    checklist = forms.TypedChoiceField(label="Risk checklist", coerce=int, required=False,
                                       empty_value=None)

    def __init__(self, *args: Any, parties: list[PartyRow], checklists: list[RiskChecklist],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "victim").choices = _people(parties, {"victim"})
        _choices(self, "checklist").choices = [("", "None")] + [
            (item.pk, f"Completed {item.completed_on:%-d %B %Y}: {item.yes_answers} yes answers")
            for item in checklists]


class MaracEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    referred_on = DayField(label="Day of the referral")
    meeting_on = DayField(label="MARAC meeting", required=False)
