"""The intelligence forms: an entity of each kind, a graded link, a review, a retention
decision, the safeguarding case, and the acknowledgement a C-coded export needs. The rules are
the services' (:mod:`saferplaces.apps.intelligence.services`); these only collect values."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.intelligence.models import (
    CuckooingRisk,
    Entity,
    HandlingCode,
    IntelligenceGrade,
    Kind,
    LineStatus,
    Link,
    NominalRole,
    SourceGrade,
)
from saferplaces.apps.intelligence.services import KIND_FIELDS
from saferplaces.web.govuk import DayField

__all__ = ["CaseLinkForm", "EntityForm", "ExportForm", "LinkForm", "RetentionForm", "ReviewForm",
           "entity_form"]

_PERSON_HELP = "The number of their record in People (shown in its address bar), if there is one"


def _fields_for(kind: str) -> dict[str, forms.Field]:
    """The form fields of ``kind``'s own values."""
    every: dict[str, forms.Field] = {
        "phone_number": forms.CharField(label="Phone number", required=False, max_length=40),
        "line_name": forms.CharField(label="Line name", required=False, max_length=100,
                                     help_text="The name the line is known by"),
        "status": forms.ChoiceField(label="Status", choices=LineStatus.choices,
                                    widget=forms.RadioSelect),
        "opened": DayField(label="Opened on", required=False),
        "closed": DayField(label="Closed on", required=False),
        "exporting_area": forms.CharField(label="Exporting area", required=False, max_length=100,
                                          help_text="Where the line is run from"),
        "role": forms.ChoiceField(label="Role", choices=NominalRole.choices,
                                  widget=forms.RadioSelect),
        "date_of_birth": DayField(label="Date of birth", required=False,
                                  help_text="Tells a child from an adult"),
        "victim_of_exploitation": forms.BooleanField(
            label="A victim of exploitation", required=False,
            help_text="Shown as a victim wherever the nominal is listed"),
        "person": forms.IntegerField(label="Person record number", required=False, min_value=1,
                                     help_text=_PERSON_HELP),
        "address_text": forms.CharField(label="Address", required=False, max_length=300),
        "postcode": forms.CharField(label="Postcode", required=False, max_length=10),
        "x": forms.FloatField(label="Easting (British National Grid)", required=False),
        "y": forms.FloatField(label="Northing (British National Grid)", required=False),
        "lsoa_code": forms.CharField(label="LSOA code", required=False, max_length=9),
        "cuckooing_risk": forms.ChoiceField(label="Cuckooing risk", choices=CuckooingRisk.choices,
                                            widget=forms.RadioSelect),
        "vulnerable_resident": forms.IntegerField(
            label="Vulnerable resident's person record number", required=False, min_value=1,
            help_text=_PERSON_HELP),
        "registration": forms.CharField(label="Registration", max_length=10),
        "name": forms.CharField(label="Group name", max_length=200),
    }
    return {name: every[name] for name in KIND_FIELDS[kind]}


class EntityForm(forms.Form):
    """Base: the fields every entity has; :func:`entity_form` adds the kind's own."""

    label = forms.CharField(label="Label", max_length=200, required=False,
                            help_text="How it is shown (a pseudonym where the source demands "
                                      "one); left empty, it is made from the details")
    review_date = DayField(label="Review by", required=False,
                           help_text="Left empty: the review interval of the partnership policy, from today")
    retain_until = DayField(label="Keep until", required=False,
                            help_text="Left empty: the retention period of the partnership policy, from today")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(entity: Entity) -> dict[str, Any]:
        initial = {name: getattr(entity, name) for name in ("label", "review_date",
                                                            "retain_until", "version")}
        for name in KIND_FIELDS[entity.kind]:
            if name in ("person", "vulnerable_resident"):
                initial[name] = getattr(entity, f"{name}_id")
            else:
                initial[name] = getattr(entity, name)
        return initial


def entity_form(kind: str) -> type[EntityForm]:
    """The form of one kind of entity: its own fields first, then the common ones."""
    fields = _fields_for(kind)
    form = type(f"{Kind(kind).name.title()}Form", (EntityForm,), dict(fields))
    form.field_order = [*fields, "label", "review_date", "retain_until"]  # type: ignore[attr-defined]
    return form


class LinkForm(forms.Form):
    other = forms.TypedChoiceField(label="The other entity", coerce=int)
    direction = forms.ChoiceField(label="Direction", choices=[
        ("from", "From this entity to the other (e.g. this runner runs for the other)"),
        ("to", "From the other entity to this one")], widget=forms.RadioSelect, initial="from")
    kind = forms.CharField(label="What the link is", max_length=60,
                           help_text="e.g. uses, runs for, visits, lives at, drives")
    date = DayField(label="Date of the intelligence")
    source = forms.CharField(label="Source", max_length=200,
                             help_text="Where it came from: a report, an agency, an observation")
    source_grade = forms.ChoiceField(label="Source evaluation", choices=SourceGrade.choices,
                                     widget=forms.RadioSelect)
    intelligence_grade = forms.ChoiceField(label="Intelligence assessment",
                                           choices=IntelligenceGrade.choices,
                                           widget=forms.RadioSelect)
    handling_code = forms.ChoiceField(label="Handling code", choices=HandlingCode.choices,
                                      widget=forms.RadioSelect)
    handling_conditions = forms.CharField(
        label="Handling conditions", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Handling code C only: the conditions every recipient must meet")
    review_date = DayField(label="Review by", required=False,
                           help_text="Left empty: the review interval of the partnership policy, from today")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None,
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["other"]
            del self.fields["direction"]
        else:
            self.fields["other"].choices = choices or []  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(link: Link) -> dict[str, Any]:
        return {name: getattr(link, name) for name in (
            "kind", "date", "source", "source_grade", "intelligence_grade", "handling_code",
            "handling_conditions", "review_date", "version")}


class ReviewForm(forms.Form):
    next_review = DayField(label="Next review by", required=False,
                           help_text="Left empty: the review interval of the partnership policy, from today")


class RetentionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=[
        ("extend", "Keep it longer: it is still needed"),
        ("delete", "Delete it and its links")], widget=forms.RadioSelect)
    until = DayField(label="Keep until", required=False, help_text="When keeping it longer")
    reason = forms.CharField(label="Reason", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class CaseLinkForm(forms.Form):
    case = forms.IntegerField(label="Safeguarding case number", min_value=1,
                              help_text="The number of the case (in its address bar): a "
                                        "safeguarding or exploitation case, open")


class ExportForm(forms.Form):
    acknowledge = forms.BooleanField(
        label="I have read the handling conditions above and will meet them", required=False)
