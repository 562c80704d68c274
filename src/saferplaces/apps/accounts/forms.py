"""The two-factor forms: one box for a code, worded as the GOV.UK Design System asks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

__all__ = ["PasswordChangeForm", "SetUpForm", "VerifyForm"]


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the password rules (``AUTH_PASSWORD_VALIDATORS``) as one plain hint."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = (
            f"Use at least {minimum_password_length()} characters. Three random words make a strong "
            "password that is easy to remember. Do not use a common password, only numbers, or "
            "something like your name or username.")


def minimum_password_length() -> int:
    """The shortest password the validators accept (``SAFERPLACES_PASSWORD_MIN_LENGTH``)."""
    from django.contrib.auth.password_validation import (
        MinimumLengthValidator,
        get_default_password_validators,
    )

    return max((v.min_length for v in get_default_password_validators()
                if isinstance(v, MinimumLengthValidator)), default=0)


class SetUpForm(forms.Form):
    """The first code the authenticator app shows, to confirm it was set up."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for saferplaces, for example 123456.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class VerifyForm(forms.Form):
    """A code from the authenticator app, or one of the person's recovery codes."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for saferplaces. If you do not have your "
                  "phone, enter one of your recovery codes instead.",
        max_length=40,
        error_messages={"required": "Enter the 6-digit code from your authenticator app, "
                                    "or a recovery code"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
