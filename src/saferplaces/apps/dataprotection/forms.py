"""The data protection pages' forms: a subject access request, export filters, and the reason
an unredacted export or a deletion needs (kept in the audit log)."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.agencies.breakglass import MIN_REASON_LENGTH
from saferplaces.apps.cases.models import Status
from saferplaces.apps.cases.services import case_types_choices

__all__ = ["CaseFilterForm", "PeopleFilterForm", "ReasonForm", "SubjectAccessForm"]


def _reason(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, min_length=MIN_REASON_LENGTH,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"})


class SubjectAccessForm(forms.Form):
    format = forms.ChoiceField(
        label="Format", widget=forms.RadioSelect, initial="pdf",
        choices=[("pdf", "PDF, to send to the person"),
                 ("json", "JSON, a machine-readable copy")])
    others = forms.ChoiceField(
        label="Information about other people", widget=forms.RadioSelect, initial="redact",
        choices=[("redact", "Remove it (other people shown as [another person])"),
                 ("include", "Include it: they agreed, or it is reasonable to disclose")])
    reason = _reason("The request's reference and who asked",
                     "Recorded in the audit log with your name. Do not write the person's name.")


class ReasonForm(forms.Form):
    reason = _reason("Why", "Recorded in the audit log with your name. Do not write anyone's "
                            "name or details: the log keeps it for ever.")


class CaseFilterForm(forms.Form):
    case_type = forms.ChoiceField(label="Type", required=False)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *Status.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All types"), *case_types_choices()]

    def filters(self) -> list[str]:
        data = self.cleaned_data
        return [f"type {data['case_type']}" if data.get("case_type") else "",
                f"status {data['status']}" if data.get("status") else ""]


class PeopleFilterForm(forms.Form):
    held = forms.ChoiceField(label="Which people", required=False,
                             choices=[("", "Everyone your agency may see"),
                                      ("ours", "Only people your agency holds")])

    def filters(self) -> list[str]:
        return ["held by your agency" if self.cleaned_data.get("held") == "ours" else ""]
