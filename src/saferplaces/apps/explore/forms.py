"""The Explore page's choices: a range of months, a source (or all together), a category group
and a category. Messages say what to do, as the GOV.UK Design System asks."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from saferplaces.apps.explore.groups import Grouping
from saferplaces.apps.explore.tables import Selection
from saferplaces.apps.incidents.queries import ALL_SOURCES, SourceCount
from saferplaces.periods import month_label, shift_month

__all__ = ["DEFAULT_MONTHS", "ExploreForm"]

#: Months shown when none are chosen: the latest year of the source shown.
DEFAULT_MONTHS = 12


class ExploreForm(forms.Form):
    source = forms.ChoiceField(label="Source", error_messages={
        "required": "Choose a source", "invalid_choice": "Choose a source from the list"})
    first = forms.ChoiceField(label="From", error_messages={
        "required": "Choose the first month", "invalid_choice": "Choose the first month from the list"})
    last = forms.ChoiceField(label="To", error_messages={
        "required": "Choose the last month", "invalid_choice": "Choose the last month from the list"})
    group = forms.ChoiceField(label="Category group", required=False, error_messages={
        "invalid_choice": "Choose a category group from the list"})
    category = forms.ChoiceField(label="Category", required=False, error_messages={
        "invalid_choice": "Choose a category from the list"})

    def __init__(self, data: Any = None, *, sources: list[SourceCount], months: list[str],
                 categories: list[str], grouping: Grouping, default_source: str | None,
                 latest: dict[str | None, str]) -> None:
        """``months``: every month with incidents, oldest first; ``latest``: the latest month
        of each source (None: of all), for the default range."""
        self.grouping = grouping
        super().__init__(data, auto_id="%s")
        month_choices = [(m, month_label(m)) for m in months]
        for name, choices in (
                ("source", [(s.source, s.label) for s in sources] + [(ALL_SOURCES, "All sources together")]),
                ("first", month_choices), ("last", month_choices),
                ("group", [("", "All groups")] + [(g.key, g.label) for g in grouping.groups]),
                ("category", [("", "All categories")] + [(c, c) for c in categories])):
            cast(forms.ChoiceField, self.fields[name]).choices = choices
        last = latest.get(default_source) or (months[-1] if months else "")
        first = max(shift_month(last, 1 - DEFAULT_MONTHS), months[0]) if months else ""
        self.default = Selection(first, last, default_source)
        if data is None:
            self.initial = self.default.params()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", "The last month must be the same as or after the first month")
        group, category = data.get("group"), data.get("category")
        if group and category and self.grouping.group_of(category).key != group:
            self.add_error("category", "Choose a category in the group chosen, or all categories")
        return data

    def selection(self) -> Selection:
        """The selection chosen (the default when the form was not filled in)."""
        if not self.is_bound:
            return self.default
        data = self.cleaned_data
        source = data["source"]
        return Selection(data["first"], data["last"], None if source == ALL_SOURCES else source,
                         data.get("group") or None, data.get("category") or None)
