"""The people page's forms: clearance, transfer, deactivation, hand-over. A successor is named by
log-in name (a text box, not a list of every person)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from classification import Level
from registry.forms.base import ServiceErrorsMixin
from registry.forms.fields import choices_with_blank
from registry.models import HandoverReason, Unit, User


class PersonField(forms.CharField):
    """A person named by log-in name; cleans to the active person, or None when left empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("help_text", _("The successor's log-in name."))
        super().__init__(**kwargs)

    def clean(self, value):
        username = super().clean(value)
        if not username:
            return None
        person = User.objects.filter(username=username.strip(), is_active=True).select_related("unit").first()
        if person is None:
            raise forms.ValidationError(_("No active person has this log-in name."), code="no_person")
        return person


class PersonActionForm(ServiceErrorsMixin, forms.Form):
    """A form of one action on one person (the person is given, as an action form's document is)."""

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = document


class ClearanceForm(PersonActionForm):
    clearance = forms.TypedChoiceField(
        label=_("New clearance"),
        choices=choices_with_blank(Level.choices(), _("none")),
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TransferForm(PersonActionForm):
    unit = forms.ModelChoiceField(label=_("New unit"), queryset=Unit.objects.order_by("code"))
    successor = PersonField(label=_("Successor for what they hold"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DeactivateForm(PersonActionForm):
    successor = PersonField(label=_("Successor for what they hold"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ConfirmForm(PersonActionForm):
    """An action with nothing to fill in (reactivate, designate the agency head)."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class HandoverForm(PersonActionForm):
    successor = PersonField(label=_("Successor (接交人)"))
    reason = forms.ChoiceField(label=_("Reason"), choices=HandoverReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SignHandoverForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
