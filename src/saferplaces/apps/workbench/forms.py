"""The forms of the task and search pages. Choices are limited to what the user may pick (the
agencies working on the case and their users who may edit cases); the rules themselves are in
``saferplaces.apps.cases.tasks``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.cases.models import Case
from saferplaces.apps.cases.tasks import assignable_agencies, assignable_users
from saferplaces.apps.workbench.search import MAX_TERM, MIN_TERM
from saferplaces.web.govuk import DayField

__all__ = ["SearchForm", "TaskForm", "VersionForm"]


def _user_label(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class TaskForm(forms.Form):
    """What needs doing, by when, and who has it: an agency working on the case (anyone there)
    or one of its users. Carries the task's ``version`` when editing (no lost updates)."""

    title = forms.CharField(label="What needs doing", max_length=200,
                            help_text="Say what, not who: avoid names and health details")
    due = DayField(label="Due", help_text="For example, 27 3 2026")
    assign_to = forms.ChoiceField(label="Assign to")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = []
        for agency in assignable_agencies(case):
            choices.append((f"agency-{agency.pk}", f"{agency.name}: anyone there"))
            choices += [(f"user-{user.pk}", f"{agency.name}: {_user_label(user)}")
                        for user in assignable_users(agency)]
        self.fields["assign_to"].choices = choices  # type: ignore[attr-defined]

    def assignee(self) -> tuple[Agency | None, Any]:
        """The chosen agency and user (None: anyone in the agency)."""
        kind, _, pk = self.cleaned_data["assign_to"].partition("-")
        if kind == "agency":
            return Agency.objects.filter(pk=int(pk)).first(), None
        user = get_user_model().objects.filter(pk=int(pk)).select_related(
            "membership__agency").first()
        membership = getattr(user, "membership", None)
        return (membership.agency if membership else None), user


def assign_value(agency_id: int, user_id: int | None) -> str:
    return f"user-{user_id}" if user_id else f"agency-{agency_id}"


class VersionForm(forms.Form):
    """Completing or cancelling a task: the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class SearchForm(forms.Form):
    term = forms.CharField(label="Search for a person, case or place", min_length=MIN_TERM,
                           max_length=MAX_TERM,
                           help_text="A name, a case reference, a street, postcode or area",
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
