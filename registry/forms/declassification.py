"""Forms of declassification: the condition met, the yearly review, a change of level, the notices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from classification import Level
from registry.forms.base import ActionForm, confirmation
from registry.forms.fields import RocDateField, choices_with_blank


class DeclassEventForm(ActionForm):
    """The event the declassification condition names has happened."""

    happened_on = RocDateField(label=_("The event happened on"), past=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReviewForm(ActionForm):
    """定期檢討: the outcome of the yearly review."""

    outcome = forms.ChoiceField(label=_("Outcome of the review"), choices=[])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from registry.models import ReviewOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = choices_with_blank(ReviewOutcome.choices)


class ReclassifyForm(ActionForm):
    """解除機密或變更等級: the decision, the new level and period, the reason and the authority."""

    kind = forms.ChoiceField(label=_("Decision"), choices=[])
    new_level = forms.TypedChoiceField(
        label=_("New level"),
        choices=[],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For a downgrade or an upgrade."),
    )
    new_protection_years = forms.IntegerField(
        label=_("New protection period (years)"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Empty keeps the present period; counted from the original approval date."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    authority = forms.CharField(
        label=_("Authority (核定依據)"),
        max_length=200,
        required=False,
        help_text=_("For a document this office classified."),
    )
    agency = forms.CharField(
        label=_("Deciding agency"),
        max_length=100,
        required=False,
        help_text=_("For a document another agency classified: only it (or its superior) decides (Article 10)."),
    )
    agency_is_superior = forms.BooleanField(label=_("The deciding agency is the original agency's superior"), required=False)
    agency_decided_on = RocDateField(label=_("Day of the agency's decision"), required=False, past=True)
    agency_ref = forms.CharField(label=_("Document number of the agency's decision (文號)"), max_length=60, required=False)
    confirm = confirmation(_("I confirm this decision: it is recorded for good and everyone who received the document is owed a notice."))

    def __init__(self, *args, **kwargs):
        from registry.models import DecisionKind

        super().__init__(*args, **kwargs)
        # No default decision: 解除機密 is never chosen for the person.
        self.fields["kind"].choices = choices_with_blank(DecisionKind.choices)
        classified = [(value, label) for value, label in Level.choices() if Level(value).rule.is_classified]
        self.fields["new_level"].choices = choices_with_blank(classified)


class NoticeToldForm(ActionForm):
    """變更通知: how the earlier recipient was told."""

    method = forms.CharField(
        label=_("How the person was told"), max_length=100, help_text=_("For example: notice sent, by hand.")
    )
