"""The Places pages' forms. The rules are in ``services``."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from saferplaces.apps.agencies.breakglass import MIN_REASON_LENGTH
from saferplaces.apps.cases.forms import OptionalMonthField
from saferplaces.apps.places.models import Place, PlaceKind
from saferplaces.apps.places.nearby import DEFAULT_DISTANCE_M, DISTANCES_M

#: A search term needs this many characters (fewer would list nearly every place).
MIN_TERM = 2


def _distance_label(metres: int) -> str:
    return "The same map point" if metres == 0 else f"Within {metres:,} m"


class PlaceSearchForm(forms.Form):
    term = forms.CharField(label="Name, address or postcode", min_length=MIN_TERM,
                           max_length=100)


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(label="What is it?", choices=PlaceKind.choices,
                             initial=PlaceKind.ADDRESS, widget=forms.RadioSelect)
    name = forms.CharField(label="Address or name of the location", max_length=200,
                           help_text="For example 12 Orchard Court, or Castle Park bandstand. "
                                     "Do not copy a person's address from their record.")
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)
    uprn = forms.CharField(label="UPRN (optional)", required=False, max_length=12,
                           help_text="The Unique Property Reference Number, if you know it")
    x = forms.FloatField(label="Easting (optional)", required=False,
                         help_text="British National Grid, in metres, e.g. 599500")
    y = forms.FloatField(label="Northing (optional)", required=False,
                         help_text="British National Grid, in metres, e.g. 225100")
    lon = forms.FloatField(label="Longitude (optional)", required=False,
                           help_text="Instead of easting and northing, e.g. 0.8974")
    lat = forms.FloatField(label="Latitude (optional)", required=False,
                           help_text="e.g. 51.8888")
    description = forms.CharField(label="Description (optional)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="What the place is; no names or health details")


class EditPlaceForm(forms.Form):
    """The place's details, guarded by its version (a stale save shows both versions)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = PlaceForm.base_fields["kind"]
    name = PlaceForm.base_fields["name"]
    postcode = PlaceForm.base_fields["postcode"]
    uprn = PlaceForm.base_fields["uprn"]
    x = forms.FloatField(label="Easting (optional)", required=False,
                         help_text="British National Grid, in metres, e.g. 599500. Leave both "
                                   "empty to remove the point.")
    y = PlaceForm.base_fields["y"]
    description = PlaceForm.base_fields["description"]

    @staticmethod
    def initial_for(place: Place) -> dict[str, Any]:
        return {"version": place.version, "kind": place.kind, "name": place.name,
                "postcode": place.postcode, "uprn": place.uprn, "x": place.x, "y": place.y,
                "description": place.description}


class UnlinkForm(forms.Form):
    reason = forms.CharField(
        label="Why is this place no longer part of the case?", min_length=MIN_REASON_LENGTH,
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"At least {MIN_REASON_LENGTH} characters. Kept in the audit log, not on the "
                  "case's timeline; name no one.")


class NearbyForm(forms.Form):
    """Which incidents to show near a place: nothing personal, so it travels in the address."""

    distance = forms.TypedChoiceField(label="Distance", coerce=int, initial=DEFAULT_DISTANCE_M,
                                      choices=[(m, _distance_label(m)) for m in DISTANCES_M])
    first_month = OptionalMonthField(label="From month", required=False)
    last_month = OptionalMonthField(label="To month", required=False)
    category = forms.ChoiceField(label="Category", required=False)

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "Any category"), *((c, c) for c in categories)]

    def chosen(self) -> dict[str, Any]:
        """The cleaned choices, or the defaults when the form was not sent or is wrong."""
        if self.is_bound and self.is_valid():
            return dict(self.cleaned_data)
        return {"distance": DEFAULT_DISTANCE_M, "first_month": "", "last_month": "",
                "category": ""}


class LinkForm(forms.Form):
    case = forms.TypedChoiceField(label="Case", coerce=int,
                                  help_text="Cases your agency works on")

    def __init__(self, *args: Any, cases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["case"]).choices = cases
