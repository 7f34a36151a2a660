"""Forms of a document's registration and handling: 登記, 拆閱, 分文, 簽收, 承辦, 註銷, and the register's filters."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from classification import DeclassKind, Level
from registry.forms.base import ActionForm, FilterForm, ServiceErrorsMixin
from registry.forms.fields import RocDateField, choices_with_blank
from registry.models import Direction, Document, DocumentState, Unit, User
from registry.models.documents import MarkingPosition
from registry.selectors import handlers_for, handling_units


def _label(field_name: str):
    """The model's verbose name, so the form and the document page use one translated label."""
    return capfirst(Document._meta.get_field(field_name).verbose_name)


class DocumentRegisterForm(ServiceErrorsMixin, forms.Form):
    """收文/發文登記: every argument ``document_register`` takes, except the actor."""

    direction = forms.ChoiceField(label=_label("direction"), choices=Direction.choices)
    subject = forms.CharField(label=_label("subject"), max_length=300)
    level = forms.TypedChoiceField(label=_label("level"), choices=Level.choices(), coerce=int)
    marking_position = forms.ChoiceField(
        label=_label("marking_position"), choices=MarkingPosition.choices, initial=MarkingPosition.TOP_LEFT
    )
    sender = forms.CharField(label=_label("sender"), max_length=100, required=False)
    sender_ref = forms.CharField(label=_label("sender_ref"), max_length=60, required=False)
    received_on = RocDateField(
        label=_label("received_on"),
        past=True,
        required=False,
        help_text=_("ROC calendar; empty means today."),
    )
    original_agency = forms.CharField(label=_label("original_agency"), max_length=100)
    approving_official = forms.CharField(label=_label("approving_official"), max_length=60)
    approval_date = RocDateField(label=_label("approval_date"), required=False, past=True)
    protection_years = forms.IntegerField(
        label=_label("protection_years"), required=False, min_value=1, max_value=200
    )
    declass_kind = forms.ChoiceField(
        label=_label("declass_kind"),
        choices=choices_with_blank(DeclassKind.choices(), _("none (protection period only)")),
        required=False,
    )
    declass_date = RocDateField(label=_label("declass_date"), required=False)
    declass_event = forms.CharField(
        label=_label("declass_event"), max_length=100, required=False, help_text=_("For example 公布.")
    )
    declass_other = forms.CharField(label=_label("declass_other"), max_length=200, required=False)
    authorization_ref = forms.CharField(
        label=_label("authorization_ref"),
        max_length=60,
        required=False,
        help_text=_("Required for a national secret received from another agency (Article 14)."),
    )
    authorization_by = forms.CharField(label=_label("authorization_by"), max_length=100, required=False)
    authorization_scope = forms.CharField(label=_label("authorization_scope"), max_length=200, required=False)
    pages = forms.IntegerField(label=_label("pages"), min_value=1, max_value=100000, initial=1)
    attachments = forms.IntegerField(label=_label("attachments"), min_value=0, max_value=100000, initial=0)
    attachment_note = forms.CharField(label=_label("attachment_note"), max_length=200, required=False)
    copies_count = forms.IntegerField(label=_label("copies_count"), min_value=1, max_value=10000, initial=1)
    responsible_unit = forms.ModelChoiceField(
        label=_label("responsible_unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("my own unit"),
    )

    # The groups the template lays out as fieldsets, in order.
    FIELDSETS = (
        (_("The document"), ("direction", "subject", "sender", "sender_ref", "received_on", "responsible_unit")),
        (_("Classification"), ("level", "marking_position", "original_agency", "approving_official", "approval_date")),
        (
            _("Protection period and declassification"),
            ("protection_years", "declass_kind", "declass_date", "declass_event", "declass_other"),
        ),
        (
            _("Written authorization (national secrets received from elsewhere)"),
            ("authorization_ref", "authorization_by", "authorization_scope"),
        ),
        (_("Pages, attachments and copies"), ("pages", "attachments", "attachment_note", "copies_count")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = handling_units()
        # The page's small script shows only the detail field the chosen condition needs.
        for name in ("declass_date", "declass_event", "declass_other"):
            self.fields[name].widget.attrs["data-declass-detail"] = name.removeprefix("declass_")
        self.fields["declass_kind"].widget.attrs["data-declass-kind"] = ""

    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]

    def service_arguments(self) -> dict:
        """The cleaned input as keyword arguments of ``document_register``."""
        return dict(self.cleaned_data)


class OpenForm(ActionForm):
    """拆閱批示: the supervisor's instruction and the unit that is to handle the document."""

    instruction = forms.CharField(
        label=_label("instruction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    handling_unit = forms.ModelChoiceField(label=_label("handling_unit"), queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_unit"].queryset = handling_units()
        self.fields["handling_unit"].initial = self.document.handling_unit_id or self.document.responsible_unit_id


class RouteForm(ActionForm):
    """分文: the designated handler in the instructed unit."""

    handler = forms.ModelChoiceField(label=_("Handler (密件承辦人)"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        field.queryset = handlers_for(self.document)
        field.label_from_instance = self.handler_label

    @staticmethod
    def handler_label(user) -> str:
        clearance = user.clearance_level.label if user.clearance_level else _("no clearance")
        unit = user.unit.name if user.unit_id else ""
        return f"{user.display_name}（{unit}，{clearance}）"


class SignForForm(ActionForm):
    """簽收: an optional note."""

    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BeginHandlingForm(ActionForm):
    """承辦: nothing to fill in."""


class CancelForm(ActionForm):
    """註銷登記: the reason, which stays with the number."""

    reason = forms.CharField(label=_label("cancel_reason"), max_length=200)


class RegisterFilterForm(FilterForm):
    """Filters of the register (登記簿)."""

    number = forms.CharField(label=_("Registration number"), max_length=20, required=False,
                             help_text=_("All or part of it, e.g. 115收000012."))
    level = forms.TypedChoiceField(
        label=_label("level"), choices=choices_with_blank(Level.choices(), _("all levels")),
        coerce=int, required=False, empty_value=None,
    )
    state = forms.ChoiceField(
        label=_label("state"), choices=choices_with_blank(DocumentState.choices, _("all states")), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("all units"))
    registered_from = RocDateField(label=_("Registered from"), required=False, help_text="")
    registered_to = RocDateField(label=_("Registered until"), required=False, help_text="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("code")
