"""The forms every page builds on: one action on one document, a GET form of filters, a decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.errors import RegistryError
from registry.hygiene import CleanInputMixin
from registry.models import Document


class ServiceErrorsMixin(CleanInputMixin):
    """Put a service's refusal back on the form: field messages on their fields, the rest on top.

    Every form of the registry is built on it (or on ``FilterForm``), so every text field and every
    past-event date is checked by ``registry.hygiene`` before the service sees it.
    """

    def add_service_error(self, error: RegistryError) -> None:
        """The service's message on top, and each field's messages on that field."""
        self.add_error(None, str(error.message))
        for field, messages in error.field_errors.items():
            target = field if field in self.fields else None
            for message in messages:
                if target is not None or str(message) not in self.non_field_errors():
                    self.add_error(target, str(message))


class ActionForm(ServiceErrorsMixin, forms.Form):
    """A form of one action on one document; the document is given so choices can depend on it."""

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document


def confirmation(label) -> forms.BooleanField:
    """The box a person ticks to confirm an irreversible action: required, never ticked beforehand,
    so a stray click or a resubmitted page does nothing."""
    return forms.BooleanField(
        label=label,
        required=True,
        error_messages={"required": _("Tick the box to confirm: this cannot be undone.")},
    )


class FilterForm(CleanInputMixin, forms.Form):
    """A GET form of filters: a bad value is reported on its field and that filter is ignored."""

    def filters(self) -> dict:
        """The filters that passed validation and were filled in."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class DecisionChoice:
    """The two answers of a decision form."""

    APPROVE = "approve"
    REFUSE = "refuse"


class DecideForm(ActionForm):
    """A supervisor's decision: approve or refuse, with the reason (the service requires it)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(DecisionChoice.APPROVE, _("Approve")), (DecisionChoice.REFUSE, _("Refuse"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason for the decision"), max_length=300, required=False)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == DecisionChoice.APPROVE
