"""The Cases pages' forms: what a user may enter, with choices limited to what they may pick
(the case types of the configuration, their agency's officers, other active agencies, the
lawful bases of the configuration). The rules themselves are in ``services``."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from saferplaces.apps.agencies.access import has_capability
from saferplaces.apps.agencies.breakglass import MIN_REASON_LENGTH
from saferplaces.apps.agencies.models import Agency
from saferplaces.apps.agencies.roles import SHARE_WITHOUT_BASIS
from saferplaces.apps.cases import services
from saferplaces.apps.cases.models import Case, NoteVisibility, Risk, ShareLevel, Status
from saferplaces.apps.cases.sharing import lawful_bases
from saferplaces.apps.cases.types import CaseType
from saferplaces.web.govuk import MonthField


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class CaseFilterForm(forms.Form):
    case_type = forms.ChoiceField(label="Type", required=False)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *Status.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "case_type").choices = [("", "Any type"), *services.case_types_choices()]


class CaseForm(forms.Form):
    """The case's details: title, summary, risk and lead officer (from the owner agency)."""

    title = forms.CharField(label="Title", max_length=200,
                            help_text="A short description, e.g. the street or estate; avoid "
                                      "names and health details")
    summary = forms.CharField(label="Summary", required=False, widget=_textarea(5))
    risk = forms.ChoiceField(label="Risk", choices=Risk.choices, initial=Risk.STANDARD,
                             widget=forms.RadioSelect)
    lead_officer = UserChoice(label="Lead officer", required=False, queryset=None,
                              empty_label="Not assigned yet")

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = services.lead_officers(agency)  # type: ignore[attr-defined]


class CreateCaseForm(CaseForm):
    case_type = forms.ChoiceField(label="Type of case")

    field_order = ["case_type", "title", "summary", "risk", "lead_officer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "case_type").choices = services.case_types_choices()


class EditCaseForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {"title": case.title, "summary": case.summary, "risk": case.risk,
                "lead_officer": case.lead_officer_id, "version": case.version}


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Move the case to", widget=forms.RadioSelect)
    closure_reason = forms.CharField(label="Closure reason", required=False, max_length=200,
                                     help_text="Needed when closing the case")
    outcome = forms.CharField(label="Outcome", required=False, widget=_textarea(),
                              help_text="Needed when closing the case")

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = services.TRANSITIONS.get(case.status, frozenset())
        _choices(self, "status").choices = [(value, label) for value, label in Status.choices
                                         if value in allowed]


def _override_field(what: str) -> forms.CharField:
    return forms.CharField(
        label=f"{what} without consent or a lawful basis: why", required=False,
        widget=_textarea(3),
        help_text=f"Only if neither covers every party (at least {MIN_REASON_LENGTH} "
                  "characters). Recorded in the audit log.")


def _offer_override(form: forms.Form, user: Any) -> None:
    """The override is offered only to holders of cases.share_without_basis."""
    if not has_capability(user, SHARE_WITHOUT_BASIS):
        del form.fields["override_reason"]


class PartyForm(forms.Form):
    person = forms.TypedChoiceField(label="Person", coerce=int,
                                    help_text="People your agency may see")
    role = forms.ChoiceField(label="Role in the case", widget=forms.RadioSelect)
    override_reason = _override_field("Add them")

    def __init__(self, *args: Any, people: list[tuple[int, str]], kind: CaseType | None,
                 user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "person").choices = [("", "Choose a person"), *people]
        _choices(self, "role").choices = kind.role_choices() if kind else []
        _offer_override(self, user)


class OptionalMonthField(MonthField):
    def clean(self, value: Any) -> str:
        if not any(str(part or "").strip() for part in (value or [])):
            return ""
        return super().clean(value)


class IncidentSearchForm(forms.Form):
    place = forms.CharField(label="Place", required=False, max_length=100,
                            help_text="A street, or an area's name or code")
    first_month = OptionalMonthField(label="From month", required=False)
    last_month = OptionalMonthField(label="To month", required=False)
    category = forms.ChoiceField(label="Category", required=False)

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category").choices = [("", "Any category"), *((c, c) for c in categories)]


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=_textarea(5))
    visibility = forms.ChoiceField(label="Who may read it", choices=NoteVisibility.choices,
                                   initial=NoteVisibility.SHARED, widget=forms.RadioSelect)

    def __init__(self, *args: Any, owner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not owner:
            _choices(self, "visibility").choices = [(NoteVisibility.SHARED.value,
                                                  NoteVisibility.SHARED.label)]


def _basis_choices() -> list[tuple[str, str]]:
    return [("", "Consent: every party has given consent"),
            *((key, f"{basis.label} ({basis.source})") for key, basis in lawful_bases().items()
              if not basis.needs_consent)]


class BasisForm(forms.Form):
    """What the share, referral and transfer forms have in common: the other agency, the lawful
    basis (or consent) and, for holders of cases.share_without_basis, the override's reason."""

    basis = forms.ChoiceField(label="Lawful basis", required=False,
                              help_text="What allows sharing each party's information. Consent "
                                        "recorded on a person counts for them whatever you choose.")
    override_reason = _override_field("Share")

    def __init__(self, *args: Any, user: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "basis").choices = _basis_choices()
        self.fields["agency"].queryset = services.other_agencies(case.owner_agency)  # type: ignore[attr-defined]
        _offer_override(self, user)


class ShareForm(BasisForm):
    agency = forms.ModelChoiceField(label="Share with", queryset=Agency.objects.none(),
                                    empty_label="Choose an agency")
    level = forms.ChoiceField(label="What they see", choices=ShareLevel.choices,
                              initial=ShareLevel.FULL, widget=forms.RadioSelect)

    field_order = ["agency", "level", "basis", "override_reason"]


class ReferForm(BasisForm):
    agency = forms.ModelChoiceField(label="Refer to", queryset=Agency.objects.none(),
                                    empty_label="Choose an agency")
    reason = forms.CharField(label="Why are you referring the case?", widget=_textarea(4),
                             min_length=MIN_REASON_LENGTH)

    field_order = ["agency", "reason", "basis", "override_reason"]


class TransferForm(BasisForm):
    agency = forms.ModelChoiceField(label="Offer ownership to", queryset=Agency.objects.none(),
                                    empty_label="Choose an agency")
    reason = forms.CharField(label="Why should they own the case?", widget=_textarea(4),
                             min_length=MIN_REASON_LENGTH)

    field_order = ["agency", "reason", "basis", "override_reason"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Your answer", widget=forms.RadioSelect,
                                 choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.CharField(label="Reason", required=False, widget=_textarea(3),
                             help_text=f"Needed to decline (at least {MIN_REASON_LENGTH} characters)")

    def __init__(self, *args: Any, decline_label: str = "Decline", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "decision").choices = [("accept", "Accept"), ("decline", decline_label)]
