"""Forms of the management pages. They only check what was typed; who may do what is decided by
:mod:`saferplaces.apps.agencies.services`. Messages follow the GOV.UK Design System's wording."""

from __future__ import annotations

from typing import Any

from django import forms

from saferplaces.apps.agencies.models import Agency, AgencyKind
from saferplaces.apps.agencies.roles import Role

__all__ = ["AgencyForm", "MembershipForm", "NewUserForm"]

ROLE_HELP = "What they may do is listed under \u201cRoles and capabilities\u201d below"


class AgencyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the agency's name"})
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the kind of agency"})


def _agency_choices() -> list[tuple[int, str]]:
    return list(Agency.objects.filter(active=True).order_by("name").values_list("pk", "name"))


class _RoleFields(forms.Form):
    """Role, intelligence flag and, for a site administrator (``choose_agency``), the agency."""

    agency = forms.TypedChoiceField(label="Agency", coerce=int,
                                    error_messages={"required": "Select the agency"})
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect,
                             help_text=ROLE_HELP, error_messages={"required": "Select a role"})
    intelligence = forms.BooleanField(
        label="May read restricted intelligence", required=False,
        help_text="Only for people whose work needs it: every reading is recorded")

    def __init__(self, *args: Any, choose_agency: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_agency:
            agency = self.fields["agency"]
            assert isinstance(agency, forms.TypedChoiceField)
            agency.choices = [("", "Select an agency"), *_agency_choices()]
        else:
            del self.fields["agency"]


class NewUserForm(_RoleFields):
    username = forms.CharField(label="Username", max_length=150,
                               help_text="Letters, numbers and @ . + - _ only, for example "
                                         "j.smith",
                               error_messages={"required": "Enter a username"})
    field_order = ["username", "agency", "role", "intelligence"]


class MembershipForm(_RoleFields):
    pass
