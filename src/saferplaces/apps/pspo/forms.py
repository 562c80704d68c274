"""The PSPO pages' forms. The rules are in ``services``."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms

from saferplaces.apps.pspo import vocabulary
from saferplaces.apps.pspo.evidence import BUFFERS_M, DEFAULT_BUFFER_M
from saferplaces.apps.pspo.models import Consultee, PenaltyStatus
from saferplaces.web.govuk import DayField

#: The largest zone file accepted (a town's zones are a few hundred kilobytes at most).
MAX_ZONE_FILE_BYTES = 5 * 1024 * 1024


class OrderForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Purpose (optional)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    made = DayField(label="Made on", name="The day it is made")
    expires = DayField(label="Expires on", name="The expiry",
                       help_text="The last day it has effect: at most 3 years after it is made")
    terms = forms.MultipleChoiceField(label="Prohibitions and requirements", required=False,
                                      choices=[(k, w) for k, (w, _) in vocabulary.TERMS.items()],
                                      widget=forms.CheckboxSelectMultiple)
    other_terms = forms.CharField(label="Other prohibitions (optional, one a line)",
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DrawZoneForm(forms.Form):
    name = forms.CharField(label="Zone name", max_length=200)
    geometry = forms.CharField(label="Outline", widget=forms.HiddenInput,
                               error_messages={"required": "Draw the zone on the map"})

    def clean_geometry(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data["geometry"])
        except json.JSONDecodeError:
            raise forms.ValidationError("Draw the zone on the map") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("Draw the zone on the map")
        return value


class ImportZonesForm(forms.Form):
    file = forms.FileField(label="GeoJSON file",
                           help_text="WGS84 (longitude, latitude) or British National Grid "
                                     "(EPSG:27700); polygons only")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ZONE_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB")
        return upload


class ConsultationForm(forms.Form):
    consultee = forms.ChoiceField(label="Who was consulted", choices=Consultee.choices,
                                  widget=forms.RadioSelect)
    consulted_on = DayField(label="Consulted on", name="The day consulted")
    summary = forms.CharField(label="What they said (optional)", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    decided = DayField(label="Decided on", name="The day decided")
    new_expiry = DayField(label="New expiry", name="The new expiry",
                          help_text="At most 3 years after the current expiry")
    review = forms.CharField(label="The review", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Why extending is necessary to prevent the activities "
                                       "recurring or increasing (s.60(2))")


class ShareForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", choices=())

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [(str(pk), name) for pk, name in agencies]


class BreachForm(forms.Form):
    term = forms.ChoiceField(label="Which term was breached", choices=(),
                             widget=forms.RadioSelect)
    occurred_on = DayField(label="When", name="The day of the breach")
    person_name = forms.CharField(label="Name of the person", max_length=200)
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)
    officer = forms.CharField(label="Officer (optional)", required=False, max_length=200)
    penalty_status = forms.ChoiceField(label="Fixed penalty", choices=PenaltyStatus.choices,
                                       initial=PenaltyStatus.NONE, widget=forms.RadioSelect)
    penalty_amount = forms.IntegerField(label="Amount in pounds (if issued)", required=False,
                                        min_value=1)
    penalty_issued_on = DayField(label="Notice issued on (if issued)", name="The day issued",
                                 required=False)
    notes = forms.CharField(label="Notes (optional)", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, terms: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["term"]).choices = [(str(pk), text) for pk, text in terms]


class PenaltyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    penalty_status = forms.ChoiceField(label="Fixed penalty", choices=PenaltyStatus.choices,
                                       widget=forms.RadioSelect)
    penalty_amount = forms.IntegerField(label="Amount in pounds (if issued)", required=False,
                                        min_value=1)
    penalty_issued_on = DayField(label="Notice issued on (if issued)", name="The day issued",
                                 required=False)
    notes = forms.CharField(label="Notes (optional)", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    buffer = forms.TypedChoiceField(label="Displacement buffer", coerce=int, required=False,
                                    choices=[(str(m), f"{m:,} m") for m in BUFFERS_M],
                                    initial=str(DEFAULT_BUFFER_M),
                                    empty_value=DEFAULT_BUFFER_M)  # type: ignore[arg-type]
