"""Forms of the archive (歸檔) and of loans from it (借調)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.forms.base import ActionForm, DecideForm
from registry.forms.fields import RocDateField


class ArchiveHandoverForm(ActionForm):
    """送歸檔: the handler hands the finished document to the archive."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)


PERMANENT = "permanent"


class ArchiveReceiveForm(ActionForm):
    """歸檔: where it is kept, how long, under which class number."""

    location = forms.ModelChoiceField(label=_("Storage location"), queryset=None)
    retention_years = forms.ChoiceField(label=_("Retention period"), choices=[])
    class_number = forms.CharField(label=_("Class number (分類號)"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        from registry.models import StorageLocation, StorageZone
        from registry.services.archive import RETENTION_CHOICES, zone_for

        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        field.queryset = StorageLocation.objects.filter(active=True).order_by("zone", "code")
        field.label_from_instance = lambda loc: f"{loc.code} {loc.name}（{loc.get_zone_display()}）"
        wanted = zone_for(self.document)
        first = field.queryset.filter(zone=wanted).first()
        if first is not None:
            field.initial = first.pk
        field.help_text = _("Classified files are kept apart from unclassified ones: choose a location for %(zone)s.") % {
            "zone": StorageZone(wanted).label
        }
        # No default period: the archivist chooses it (a silent 永久 was filed by mistake).
        self.fields["retention_years"].choices = [("", "---------"), (PERMANENT, _("permanent (永久)"))] + [
            (str(years), _("%(years)d years") % {"years": years}) for years in RETENTION_CHOICES
        ]

    def clean_retention_years(self):
        value = self.cleaned_data["retention_years"]
        return None if value == PERMANENT else int(value)


class LoanRequestForm(ActionForm):
    """借調申請: why the paper is needed."""

    reason = forms.CharField(label=_("Why you need the document"), max_length=300)


class LoanDecideForm(DecideForm):
    """The supervisor approves a loan with the day it is due back, or refuses it."""

    due_on = RocDateField(
        label=_("Due back on"),
        required=False,
        help_text=_("Required for an approval. ROC calendar, e.g. 115/12/31."),
    )


class LoanLendForm(ActionForm):
    """借出: nothing to fill in."""


class LoanReturnForm(ActionForm):
    """歸還: nothing to fill in."""
