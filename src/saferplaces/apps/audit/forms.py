"""The audit log search form: who, which agency, which record, what, and when (UK calendar
days, both included). Error messages follow the GOV.UK Design System's wording."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from saferplaces.apps.audit.models import Action
from saferplaces.apps.audit.services import Filters
from saferplaces.web.govuk import DayField, mark_invalid

__all__ = ["SearchForm"]


class SearchForm(forms.Form):
    """Every field is optional; an empty form lists the latest events. ``agencies`` (id, name)
    pairs add the agency field (for site administrators, who read every agency's events)."""

    username = forms.CharField(label="Username", required=False, max_length=150,
                               help_text="The exact username, for example owner-viewer")
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label="What they did", required=False,
                               choices=[("", "Anything"), *Action.choices])
    object_type = forms.CharField(label="Record type", required=False, max_length=100,
                                  help_text="For example case or person")
    object_id = forms.CharField(label="Record number", required=False, max_length=100)
    date_from = DayField(label="From", name="The first day", required=False,
                         help_text="For example 1 6 2025")
    date_to = DayField(label="To", name="The last day", required=False,
                       help_text="Included in the search")

    def __init__(self, *args: Any, agencies: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            agency = cast(forms.TypedChoiceField, self.fields["agency"])
            agency.choices = [("", "Any agency"), *agencies]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            mark_invalid(self, "date_to", "The last day must be the same as or after the first day")
        return cleaned

    def filters(self) -> Filters:
        """The search as :class:`Filters` (call after ``is_valid``)."""
        data = self.cleaned_data
        return Filters(username=data.get("username", ""), agency_id=data.get("agency"),
                       object_type=data.get("object_type", ""), object_id=data.get("object_id", ""),
                       action=data.get("action", ""), date_from=data.get("date_from"),
                       date_to=data.get("date_to"))
