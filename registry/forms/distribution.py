"""Forms of restricted distribution (限制分發), copying and dispatch."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.forms.base import ActionForm, DecideForm, confirmation
from registry.forms.fields import RocDateField, choices_with_blank, end_of_roc_day
from registry.forms.people import distribution_candidates, people_who_know, person_label
from registry.forms.picker import PersonPickerField
from registry.models import User


class DistributionRequestForm(ActionForm):
    """分發申請: the people who must know the document, and why."""

    recipients = PersonPickerField(
        label=_("Recipients"),
        multiple=True,
        help_text=_(
            "Type login names or names, separated by 、 or commas; only active people cleared to the "
            "document's level can be named."
        ),
    )
    reason = forms.CharField(label=_("Why they must know it"), max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        # Its own ids: the copying request beside it on the document page also has a "reason".
        kwargs.setdefault("auto_id", "id_distribution_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        field.queryset = distribution_candidates(self.document, user)
        field.set_source(reverse("registry:people_pick", args=["distribution", self.document.pk]))


class DistributionDecideForm(DecideForm):
    """核准或不准 one recipient; an approval may end the need-to-know on a given day."""

    until = RocDateField(
        label=_("Need-to-know until"),
        required=False,
        help_text=_("Optional. ROC calendar, e.g. 115/12/31; the grant lasts to the end of that day."),
    )

    def clean_until(self):
        from django.utils import timezone

        day = self.cleaned_data.get("until")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The day lies in the past."), code="past")
        return day

    def expires_at(self):
        day = self.cleaned_data.get("until")
        return end_of_roc_day(day) if day else None


class ReproductionRequestForm(ActionForm):
    """複製或公佈申請."""

    kind = forms.ChoiceField(label=_("Request"), choices=[])
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        from registry.models import ReproductionKind

        kwargs.setdefault("auto_id", "id_reproduction_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReproductionKind.choices


class ReproductionDecideForm(DecideForm):
    """核准或不准 a copying or publication request."""


class GrantRevokeForm(ActionForm):
    """撤銷知悉授權: the reason."""

    reason = forms.CharField(label=_("Reason for revoking"), max_length=300, required=False)
    confirm = confirmation(_("I confirm: this person loses need-to-know of the document at once."))


class CopySignForForm(ActionForm):
    """簽收副本: nothing to fill in."""


class CopyPassForm(ActionForm):
    """移交副本 to someone who already may know the document."""

    to_user = forms.ModelChoiceField(label=_("Pass on to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = people_who_know(self.document)
        if user is not None:
            people = people.exclude(pk=user.pk)
        self.fields["to_user"].queryset = people
        self.fields["to_user"].label_from_instance = person_label


class CopyRecallForm(ActionForm):
    """通知收回 every copy held: the reason."""

    reason = forms.CharField(label=_("Reason for the recall"), max_length=300, required=False)


class CopyReturnForm(ActionForm):
    """繳回: an optional note."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DispatchForm(ActionForm):
    """封發: double envelope, the method of transit, the registered-mail number or the carrier."""

    recipient = forms.CharField(label=_("Recipient (受文者)"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    method = forms.ChoiceField(label=_("Method of transit"), choices=[])  # no default: chosen each time
    registered_no = forms.CharField(label=_("Registered-mail number"), max_length=40, required=False)
    carrier = forms.CharField(label=_("Carried by"), max_length=60, required=False,
                              help_text=_("The handler or designated person, when delivered by hand."))
    # A declaration: the clerk ticks it after sealing, never ticked beforehand.
    inner_sealed = forms.BooleanField(label=_("Inner envelope sealed with the 密封章"), required=False)

    def __init__(self, *args, **kwargs):
        from classification import TransitMethod

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = choices_with_blank(TransitMethod.choices())


class DispatchReceiptForm(ActionForm):
    """回執: the date on it, who received it, and any discrepancy the recipient reported."""

    received_on = RocDateField(label=_("Receipt date"), past=True)
    receipt_by = forms.CharField(label=_("Received by"), max_length=60, required=False)
    discrepancy = forms.CharField(label=_("Discrepancy"), max_length=300, required=False,
                                  help_text=_("Empty when everything arrived as sent."))
