"""The people pages' forms (GOV.UK Design System wording: errors say what to do)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from saferplaces.apps.people.consent import consent_date_problem
from saferplaces.apps.people.merging import MERGE_FIELDS
from saferplaces.apps.people.models import ConsentStatus, Gender, Person
from saferplaces.apps.people.services import MIN_REASON_LENGTH, check_date_of_birth
from saferplaces.apps.people.vocab import VULNERABILITIES, ethnicity_choices
from saferplaces.web.govuk import DayField
from saferplaces.web.textlimits import TextLengthValidator

__all__ = ["AccessRequestForm", "AddressForm", "AliasForm", "CloseAddressForm", "ConsentForm",
           "DecisionForm", "MergeForm", "PersonForm", "ReasonForm", "RestrictionsForm"]

MAX_AGE = 120


def _text(label: str, *, required: bool = False, max_length: int = 200, help_text: str = ""
          ) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=help_text)


def _area(label: str, *, required: bool = False, help_text: str = "", rows: int = 4,
          min_length: int | None = None) -> forms.CharField:
    # the longest text is SAFERPLACES_TEXT_MAX_CHARS, read when the form is checked
    return forms.CharField(label=label, required=required, help_text=help_text,
                           min_length=min_length, validators=[TextLengthValidator(label)],
                           widget=forms.Textarea(attrs={"rows": rows}))


class PersonForm(forms.Form):
    """A new person (``new=True``: with aliases, address and restrictions) or their details."""

    given_name = _text("First name", required=True, max_length=100)
    family_name = _text("Last name", max_length=100)
    aliases = _area("Other names they are known by", rows=2,
                    help_text="One a line: maiden names, nicknames, other spellings")
    date_of_birth = DayField(label="Date of birth", required=False,
                             help_text="For example, 27 3 2007")
    estimated_age = forms.IntegerField(
        label="Estimated age in years", required=False, min_value=0, max_value=MAX_AGE,
        help_text="Only when the date of birth is not known",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, initial=Gender.UNKNOWN,
                               widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnic group (optional)", required=False,
                                  choices=ethnicity_choices,
                                  help_text="The ONS Census 2021 categories")
    phone = _text("Phone number", max_length=40)
    email = forms.EmailField(label="Email address", required=False, max_length=200)
    address = _text("Current address", max_length=300)
    postcode = _text("Postcode", max_length=10)
    vulnerabilities = forms.MultipleChoiceField(
        label="Vulnerabilities", required=False, choices=VULNERABILITIES,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply")
    notes = _area("Notes", rows=5)
    confidential_address = forms.BooleanField(
        label="The address is confidential", required=False,
        help_text="Only your agency's case managers can see it, each time giving a reason")
    locked_down = forms.BooleanField(
        label="Lock the profile down", required=False,
        help_text="Other agencies see only that it exists, the name and which agencies work "
                  "with the person, until you grant their request")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        if not new:
            for name in ("aliases", "address", "postcode", "confidential_address",
                         "locked_down"):
                del self.fields[name]
            self.fields["version"].required = True

    def clean_date_of_birth(self) -> datetime.date | None:
        born: datetime.date | None = self.cleaned_data.get("date_of_birth")
        try:
            check_date_of_birth(born)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["date_of_birth"]) from error
        return born

    def clean_aliases(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data.get("aliases", "").splitlines()
                 if line.strip()]
        if any(len(name) > 200 for name in names):  # Alias.name holds 200 characters
            raise forms.ValidationError("Each other name must be 200 characters or fewer")
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_of_birth") and data.get("estimated_age") is not None:
            self.add_error("estimated_age", "Leave the estimated age empty when you give the "
                                            "date of birth")
        if self.new and data.get("postcode") and not data.get("address"):
            self.add_error("address", "Enter the address the postcode belongs to")
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {"given_name": person.given_name, "family_name": person.family_name,
                "date_of_birth": person.date_of_birth, "estimated_age": person.estimated_age,
                "gender": person.gender, "ethnicity": person.ethnicity, "phone": person.phone,
                "email": person.email, "vulnerabilities": list(person.vulnerabilities or []),
                "notes": person.notes, "version": person.version}


class AliasForm(forms.Form):
    name = _text("Other name", required=True)


class AddressForm(forms.Form):
    text = _text("Address", required=True, max_length=300)
    postcode = _text("Postcode", max_length=10)
    since = DayField(label="Living there since", required=False)
    current = forms.BooleanField(label="This is their current address", required=False,
                                 initial=True,
                                 help_text="Their current address is closed on this one's "
                                           "first day")


class CloseAddressForm(forms.Form):
    until = DayField(label="Last day at this address", required=False,
                     help_text="Leave empty for today")


class ConsentForm(forms.Form):
    """Consent as of a real day of the person's life (:func:`~.consent.consent_date_problem`)."""

    status = forms.ChoiceField(label="Consent to share their information",
                               choices=ConsentStatus.choices, widget=forms.RadioSelect)
    recorded_on = DayField(label="Date", required=True)
    note = _area("Note", rows=3, help_text="How it was asked, by whom, any limits they set")

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_recorded_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["recorded_on"]
        problem = consent_date_problem(self.person, day, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return day


class RestrictionsForm(forms.Form):
    locked_down = PersonForm.base_fields["locked_down"]
    confidential_address = PersonForm.base_fields["confidential_address"]
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = _area("Why do you need to see it?", required=True, rows=3,
                   min_length=MIN_REASON_LENGTH,
                   help_text="Recorded in the audit log with your name")


class AccessRequestForm(forms.Form):
    reason = _area("Why does your agency need the full record?", required=True, rows=4,
                   min_length=MIN_REASON_LENGTH,
                   help_text="The agency that holds it reads this to decide")
    token = forms.CharField(required=False, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Your answer", widget=forms.RadioSelect,
                                 choices=[("grant", "Give access"), ("decline", "Decline")])
    until = DayField(label="Give access until", required=False,
                     help_text="They see the full record up to and including this day")
    reason = _area("Reason", rows=3, help_text="Needed when you decline: the requester sees it")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "grant" and not data.get("until"):
            self.add_error("until", "Enter the last day of access")
        reason = (data.get("reason") or "").strip()
        if data.get("decision") == "decline" and len(reason) < MIN_REASON_LENGTH:
            self.add_error("reason", f"Give the reason you decline (at least "
                                     f"{MIN_REASON_LENGTH} characters)")
        return data


class MergeForm(forms.Form):
    """Which record to keep, and for each differing field which value (a field not chosen
    keeps the kept record's value)."""

    def __init__(self, *args: Any, first: Person, second: Person, differing: list[str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"] = forms.ChoiceField(
            label="Which record do you keep?", widget=forms.RadioSelect,
            choices=[(str(first.pk), f"Record {first.pk}"), (str(second.pk),
                                                             f"Record {second.pk}")],
            initial=str(first.pk))
        for name in differing:
            if name in MERGE_FIELDS:
                self.fields[f"field_{name}"] = forms.ChoiceField(
                    label=str(getattr(Person._meta.get_field(name), "verbose_name",
                                      name)).capitalize(),
                    widget=forms.RadioSelect, required=False,
                    choices=[(str(first.pk), f"Record {first.pk}"),
                             (str(second.pk), f"Record {second.pk}")],
                    initial=str(first.pk),
                    help_text="Not chosen: the value of the record you keep")
