"""The data protection pages' forms: a subject access request and its exemption review, export
filters, and the reason an unredacted export or a deletion needs (kept in the audit log)."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.agencies.breakglass import MIN_REASON_LENGTH
from saferplaces.apps.cases.models import Status
from saferplaces.apps.cases.services import case_types_choices
from saferplaces.apps.dataprotection.exemptions import choices as exemption_choices
from saferplaces.apps.dataprotection.review import Decision, Item

__all__ = ["CaseFilterForm", "PeopleFilterForm", "ReasonForm", "ReviewForm", "SubjectAccessForm"]


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
    #: set by the button pressed: a draft for review (the default) or the reviewed release
    stage = forms.ChoiceField(required=False, choices=[("draft", "Draft"), ("release", "Release")])


class ReviewForm(forms.Form):
    """One decision per note or file of the copy (``decision-<item>``: disclose or withhold)
    and, for a withheld one, the exemption claimed (``exemption-<item>``)."""

    def __init__(self, items: list[Item], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        exemptions = [("", "Choose the exemption (only if withheld)"), *exemption_choices()]
        for item in items:
            excerpt = item.text if len(item.text) <= 300 else item.text[:300] + "…"
            self.fields[f"decision-{item.key}"] = forms.ChoiceField(
                label=f"{item.key}: {item.kind} in {item.case}, "
                      f"{item.when[:10]}, {item.agency}",
                help_text=excerpt, widget=forms.RadioSelect,
                choices=[("disclose", "Disclose"), ("withhold", "Withhold")],
                error_messages={"required": f"Choose whether to disclose or withhold {item.key}"})
            self.fields[f"exemption-{item.key}"] = forms.ChoiceField(
                label=f"Exemption claimed for {item.key}", required=False, choices=exemptions)

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"decision-{item.key}"], self[f"exemption-{item.key}"])
                for item in self.items]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            if (data.get(f"decision-{item.key}") == "withhold"
                    and not data.get(f"exemption-{item.key}")):
                self.add_error(f"exemption-{item.key}",
                               f"Choose the exemption claimed for withholding {item.key}")
        return data

    def decisions(self) -> dict[str, Decision]:
        data = self.cleaned_data
        return {item.key: Decision(data[f"decision-{item.key}"] == "withhold",
                                   data.get(f"exemption-{item.key}") or "")
                for item in self.items}


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
