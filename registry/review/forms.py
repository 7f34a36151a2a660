"""The review's GET forms: the trail search and the period of a report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from classification import Level
from registry.forms import FilterForm, RocDateField
from registry.models import AuditAction, Unit
from registry.review.scope import ReviewScope


def _with_blank(choices, label):
    return [("", label), *choices]


class PeriodForm(FilterForm):
    """A period of whole days (Taipei time), typed in the ROC calendar or as ISO dates."""

    date_from = RocDateField(label=_("From"), required=False, help_text="")
    date_to = RocDateField(label=_("Until"), required=False, help_text="")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period lies before its start."))
            cleaned.pop("date_to", None)
        return cleaned


class TrailSearchForm(PeriodForm):
    """The search of the audit trail: person, unit of the actor, document, action, level, period."""

    person = forms.CharField(label=_("Person"), max_length=150, required=False,
                             help_text=_("User name, or part of the full name."))
    unit = forms.ModelChoiceField(label=_("Unit of the person"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("all units"), help_text=_("With the units below it."))
    number = forms.CharField(label=_("Registration number"), max_length=20, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=_with_blank(AuditAction.choices, _("all actions")),
                               required=False)
    level = forms.TypedChoiceField(label=_("Level of the document"),
                                   choices=_with_blank(Level.choices(), _("all levels")),
                                   coerce=int, required=False, empty_value=None)

    field_order = ["person", "unit", "number", "action", "level", "date_from", "date_to"]

    def __init__(self, *args, scope: ReviewScope, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.order_by("code")
        if not scope.whole_office:
            units = units.filter(pk__in=sorted(scope.units))
        self.fields["unit"].queryset = units
