"""Forms of destruction (銷毀): the list, its approval, and the witnessed destruction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.forms.base import ServiceErrorsMixin, confirmation
from registry.forms.fields import RocDateField, choices_with_blank
from registry.forms.people import people_in_roles, person_label
from registry.models import Document, User


class DestructionDraftForm(ServiceErrorsMixin, forms.Form):
    """焚燬清冊: the archivist picks documents that may be destroyed."""

    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to destroy"), queryset=Document.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        if candidates is not None:
            field.queryset = candidates
        field.label_from_instance = self.document_label

    @staticmethod
    def document_label(document) -> str:
        from classification import format_roc as roc

        subject = document.subject if getattr(document, "known", False) else _("subject withheld")
        archived = roc(document.archived_at.date()) if document.archived_at else "—"
        return f"{document.number} {document.level_label} {subject}（{_('archived')} {archived}）"


class DestructionApproveForm(ServiceErrorsMixin, forms.Form):
    """核准焚燬清冊: nothing to fill in."""


class DestructionRecordForm(ServiceErrorsMixin, forms.Form):
    """會同銷毀: who destroyed, the ethics officer who witnessed, how and when."""

    destroyed_by = forms.ModelChoiceField(label=_("Destroyed by"), queryset=User.objects.none())
    witness = forms.ModelChoiceField(label=_("Witness (政風人員)"), queryset=User.objects.none())
    method = forms.ChoiceField(label=_("Method of destruction"), choices=[])
    destroyed_on = RocDateField(label=_("Destroyed on"), past=True)
    confirm = confirmation(_("I confirm the destruction was done as recorded: it cannot be undone."))

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        from registry.models import DestructionMethod
        from registry.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["destroyed_by"].queryset = people_in_roles(Role.ARCHIVIST)
        self.fields["witness"].queryset = people_in_roles(Role.ETHICS)
        for name in ("destroyed_by", "witness"):
            self.fields[name].label_from_instance = person_label
        self.fields["method"].choices = choices_with_blank(DestructionMethod.choices)
        self.fields["destroyed_on"].initial = timezone.localdate()
