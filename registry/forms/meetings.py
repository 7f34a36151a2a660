"""Forms of classified meetings (會議機密維護)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from classification import Level
from registry.errors import RegistryError
from registry.forms.base import DecisionChoice, ServiceErrorsMixin
from registry.forms.fields import HourMinuteField, RocDateField, taipei_datetime
from registry.forms.people import active_people, cleared_people
from registry.forms.picker import PersonPickerField
from registry.models import Document


def _meeting_label(field_name: str):
    from registry.models import Meeting

    return capfirst(Meeting._meta.get_field(field_name).verbose_name)


class MeetingRegisterForm(ServiceErrorsMixin, forms.Form):
    """登記機密會議: every argument ``meeting_register`` takes, except the actor."""

    subject = forms.CharField(label=_meeting_label("subject"), max_length=200)
    level = forms.TypedChoiceField(label=_meeting_label("level"), choices=Level.choices(), coerce=int)
    starts_on = RocDateField(label=_("Date of the meeting"))
    starts_time = HourMinuteField(label=_("Starting time"))
    place = forms.CharField(label=_meeting_label("place"), max_length=120)
    chair = PersonPickerField(
        label=_meeting_label("chair"),
        help_text=_("Type a login name or a name. The chair must be cleared to the meeting's level."),
    )

    # The service names the start ``starts_at``; the form asks for it as a date and a time.
    SERVICE_FIELDS = (("starts_at", "starts_on"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = active_people()
        # A meeting not yet registered has no number: the picker's "chair" list is asked with 0.
        self.fields["chair"].set_source(reverse("registry:people_pick", args=["chair", 0]))

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "level": data["level"],
            "starts_at": taipei_datetime(data["starts_on"], data["starts_time"]),
            "place": data["place"],
            "chair": data["chair"],
        }

    def add_service_error(self, error: RegistryError) -> None:
        names = dict(self.SERVICE_FIELDS)
        renamed = {names.get(name, name): messages for name, messages in error.field_errors.items()}
        error.field_errors = renamed
        super().add_service_error(error)


class MeetingForm(ServiceErrorsMixin, forms.Form):
    """A form of one action on one meeting; the meeting (and the person) given so choices can depend on them."""

    def __init__(self, *args, meeting, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.user = user


class MeetingEmptyForm(MeetingForm):
    """An action with nothing to fill in (announce, hand out, close, publish)."""


class VenueCheckForm(MeetingForm):
    """清查會場: when the venue was checked and what was found."""

    checked_on = RocDateField(label=_("Checked on"), required=False, past=True, help_text=_("ROC calendar; empty means now."))
    checked_time = HourMinuteField(label=_("Checked at (time)"), required=False)
    no_eavesdropping = forms.BooleanField(label=_("No eavesdropping device found"), required=False)
    no_recording = forms.BooleanField(label=_("No recording device found"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Required when a device was found: describe it and what was done."),
    )

    def clean(self):
        from datetime import timedelta

        from django.utils import timezone

        data = super().clean()
        day, moment = data.get("checked_on"), data.get("checked_time")
        if self.errors:
            return data
        if (day is None) != (moment is None):
            raise forms.ValidationError(_("Give both the date and the time of the check, or neither (now)."))
        data["checked_at"] = taipei_datetime(day, moment) if day is not None else None
        if data["checked_at"] is not None and data["checked_at"] > timezone.now() + timedelta(minutes=5):
            self.add_error("checked_on", _("A check is recorded after it was done: the time lies in the future."))
        return data


class StaffChooseForm(MeetingForm):
    """慎選會場服務工作人員: a cleared person and their duty."""

    person = PersonPickerField(
        label=_("Service staff member"),
        help_text=_("Type a login name or a name; only active people cleared to the meeting's level can be named."),
    )
    duty = forms.CharField(label=_("Duty"), max_length=100, help_text=_("For example 會場引導 or 記錄."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = staff_candidates(self.meeting)
        field.set_source(reverse("registry:people_pick", args=["staff", self.meeting.pk]))


def staff_candidates(meeting):
    """Who may serve at the meeting: active people cleared to its level, not yet chosen."""
    return cleared_people(meeting.level).exclude(pk__in=meeting.staff.values("person_id"))


class AttendeeProposeForm(MeetingForm):
    """會前審查與會人員資格: propose an attendee and say why they must attend."""

    person = PersonPickerField(
        label=_("Attendee"),
        help_text=_("Type a login name or a name; only active people cleared to the meeting's level can be named."),
    )
    reason = forms.CharField(label=_("Why they must attend"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = attendee_candidates(self.meeting)
        field.set_source(reverse("registry:people_pick", args=["attendee", self.meeting.pk]))


def attendee_candidates(meeting):
    """Who may be proposed as an attendee: active people cleared to its level, not yet proposed."""
    return cleared_people(meeting.level).exclude(pk__in=meeting.attendees.values("user_id"))


class MeetingDecideForm(MeetingForm):
    """An approve/refuse decision with its reason (attendees; publications)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(DecisionChoice.APPROVE, _("Approve")), (DecisionChoice.REFUSE, _("Refuse"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason for the decision"), max_length=300, required=False)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == DecisionChoice.APPROVE


def _document_label(document) -> str:
    return f"{document.number} {document.subject}（{document.level_label}）"


class MeetingDocumentForm(MeetingForm):
    """Name the registered document that holds the materials (or the minutes): one the person knows."""

    document = forms.ModelChoiceField(label=_("Registered document"), queryset=Document.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["document"]
        field.queryset = Document.objects.visible_to(self.user).order_by("-registered_at", "-pk")
        field.label_from_instance = _document_label


class MeetingCopyReturnForm(MeetingForm):
    """繳回 one copy of the materials: an optional note."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MinutesDistributeForm(MeetingForm):
    """會議紀錄之分發: only to the attending units and the superior agency, each copy numbered."""

    recipients = PersonPickerField(
        label=_("Recipients of the minutes"),
        multiple=True,
        help_text=_(
            "Type login names or names, separated by 、 or commas; only people of the units that "
            "attended and of the superior agency can be named."
        ),
    )
    reason = forms.CharField(label=_("Why they receive the minutes"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        field.queryset = minutes_candidates(self.meeting, self.user)
        field.set_source(reverse("registry:people_pick", args=["minutes", self.meeting.pk]))


def minutes_candidates(meeting, user=None):
    """Who may receive the minutes: people cleared to the meeting's level, of the units that
    attended or of the superior agency, but the person distributing (the form and its picker)."""
    from django.db.models import Q

    from registry.services.meetings import attending_units

    units = attending_units(meeting)
    people = cleared_people(meeting.level).filter(Q(unit_id__in=units) | Q(unit__is_superior_agency=True))
    if user is not None:
        people = people.exclude(pk=user.pk)
    return people


class PublicationRequestForm(MeetingForm):
    """簽陳首長: what would be published about the meeting."""

    text = forms.CharField(
        label=_("What would be published"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
