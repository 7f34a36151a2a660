"""The one field of the second step: the code from the authenticator app."""

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
