"""Forms of a party's request to read the files (申請閱卷, 行政程序法第46條)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.forms.base import ServiceErrorsMixin
from registry.forms.fields import RocDateField
from registry.forms.people import active_people, person_label
from registry.models import User
from registry.policies.scope import UnitScope

_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


class PartyRequestForm(ServiceErrorsMixin, forms.Form):
    """申請閱卷: a party's or interested person's request, as the clerk receives it."""

    applicant = forms.CharField(label=_("Applicant"), max_length=100)
    applicant_kind = forms.ChoiceField(label=_("The applicant is"), choices=[])
    applicant_address = forms.CharField(label=_("Applicant's address"), max_length=200, required=False)
    files_described = forms.CharField(label=_("Files asked for"), max_length=300)
    document_number = forms.CharField(
        label=_("Registration number of the document concerned"),
        max_length=20,
        required=False,
        help_text=_("Optional; a document in your register, e.g. 115收000012."),
    )
    legal_interest = forms.CharField(
        label=_("Legal interest claimed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    wants_read = forms.BooleanField(label=_("To read (閱覽)"), required=False, initial=True)
    wants_copy = forms.BooleanField(label=_("To copy (抄寫、複印)"), required=False)
    wants_photo = forms.BooleanField(label=_("To photograph (攝影)"), required=False)
    received_on = RocDateField(label=_("Received on"), required=False, past=True, help_text=_("ROC calendar; empty means today."))

    def __init__(self, *args, user=None, **kwargs):
        from registry.models import ApplicantKind

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["applicant_kind"].choices = ApplicantKind.choices

    def clean_document_number(self):
        """The one document of the clerk's register with exactly this number, or None."""
        import re

        from registry import policies
        from registry.models.documents import SERIES_BY_DIRECTION

        text = "".join(self.cleaned_data["document_number"].translate(_FULL_WIDTH).split())
        if not text:
            return None
        series = "".join(SERIES_BY_DIRECTION.values())
        match = re.fullmatch(rf"([0-9]{{1,3}})([{series}])([0-9]{{1,6}})", text)
        document = None
        if match and self.user is not None:
            document = (
                policies.register_for(self.user)
                .filter(reg_year=int(match[1]), reg_series=match[2], reg_serial=int(match[3]))
                .first()
            )
        if document is None:
            raise forms.ValidationError(_("No document with this registration number is in your register."))
        return document

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["document"] = data.pop("document_number")
        return data


class PartyDecideForm(ServiceErrorsMixin, forms.Form):
    """The unit supervisor's decision on a party's request (行政程序法第46條)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[], widget=forms.RadioSelect)
    grounds = forms.TypedMultipleChoiceField(
        label=_("Grounds of refusal (Article 46 II)"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a refusal or a partial release; none for an approval."),
    )
    conditions = forms.CharField(
        label=_("Conditions"), max_length=300, required=False,
        help_text=_("For example: read on site under supervision."),
    )
    released_part = forms.CharField(
        label=_("Part released"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False,
        help_text=_("For a partial release only."),
    )
    release_basis = forms.CharField(
        label=_("Why what is shown needs no protection"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Required to release any of a classified document, or part of anything (Article 46 III)."),
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        from classification import RefusalGround
        from registry.models import PartyDecision

        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (d.value, d.label) for d in (PartyDecision.APPROVED, PartyDecision.PARTIAL, PartyDecision.REFUSED)
        ]
        self.fields["grounds"].choices = RefusalGround.choices()


class PartyReadingForm(ServiceErrorsMixin, forms.Form):
    """現場閱覽: the day and the person who supervised it."""

    read_on = RocDateField(label=_("Read on"), past=True)
    supervised_by = forms.ModelChoiceField(label=_("Supervised by"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, request=None, **kwargs):
        from django.utils import timezone

        super().__init__(*args, **kwargs)
        field = self.fields["supervised_by"]
        if request is not None:
            field.queryset = active_people().filter(UnitScope.below(request.unit_id).people_q())
        field.label_from_instance = person_label
        self.fields["read_on"].initial = timezone.localdate()
