"""The Upload data form: what the file holds, the file, and what reading it needs (a partner
CSV's column mapping; the kind of areas and their property names for boundaries)."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.uploads.models import UploadKind
from saferplaces.apps.uploads.services import mapping_choices
from saferplaces.vocab import AREA_KIND_CHOICES

__all__ = ["UploadForm"]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What does the file hold?", choices=UploadKind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose what the file holds"})
    file = forms.FileField(label="Upload a file", allow_empty_file=True,
                           help_text="A police.uk CSV or zip, a partner's CSV, or a GeoJSON "
                                     "boundary file.",
                           error_messages={"required": "Choose a file to upload"})
    mapping = forms.ChoiceField(label="Column mapping (partner CSV only)", required=False,
                                help_text="How the partner's columns are read: saferplaces ingest "
                                          "csv --mapping uses the same mappings.")
    area_kind = forms.ChoiceField(label="Kind of areas (boundaries only)", required=False,
                                  choices=[("", "Choose the kind of areas"), *AREA_KIND_CHOICES])
    name_field = forms.CharField(label="Property holding the area name (optional)", required=False,
                                 max_length=100, help_text="Left empty, it is guessed (for example "
                                                           "LSOA11NM).")
    code_field = forms.CharField(label="Property holding the area code (optional)", required=False,
                                 max_length=100, help_text="Left empty, it is guessed (for example "
                                                           "LSOA11CD).")
    skip_invalid = forms.BooleanField(
        label="Load the good rows and set the bad ones aside", required=False,
        help_text="Otherwise a file with any bad row loads nothing, as on the command line.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "upload-%s")
        super().__init__(*args, **kwargs)
        mapping_field = self.fields["mapping"]
        assert isinstance(mapping_field, forms.ChoiceField)
        mapping_field.choices = [("", "Choose a mapping"), *mapping_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == UploadKind.PARTNER_CSV and not data.get("mapping"):
            self.add_error("mapping", "Choose the column mapping the partner's file is written in")
        if kind == UploadKind.BOUNDARIES and not data.get("area_kind"):
            self.add_error("area_kind", "Choose what kind of areas the boundaries are")
        return data
