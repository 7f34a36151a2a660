"""The fields of the second step: the code from the authenticator app, and the one-time enrolment
code that lets a person enrol their first device."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9 ]*",
                "size": 8,
            }
        ),
    )

    def clean_token(self) -> str:
        token = re.sub(r"\s+", "", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6,8}", token):
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return token


class EnrolmentCodeForm(forms.Form):
    """The one-time enrolment code the system administrator issued for this person."""

    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        help_text=_("Sixteen letters and digits, as the system administrator gave them (XXXX-XXXX-XXXX-XXXX)."),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True, "size": 24}
        ),
    )
