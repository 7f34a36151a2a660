"""Forms of the registry's pages. They only check the shape of the input; the rules of secrecy are
the services' business, and the services' refusals are attached back to these fields."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from classification import DeclassKind, Level, RocDateError, format_roc, parse_roc
from registry.errors import RegistryError
from registry.models import AuditAction, Direction, Document, DocumentState, Unit, User
from registry.models.documents import MarkingPosition
from registry.selectors import handlers_for, handling_units, people_who_know


def _label(field_name: str):
    """The model's verbose name, so the form and the document page use one translated label."""
    return capfirst(Document._meta.get_field(field_name).verbose_name)


class RocDateInput(forms.TextInput):
    """A text box that shows a date as 「115年11月22日」."""

    def format_value(self, value):
        if isinstance(value, date):
            try:
                return format_roc(value)
            except RocDateError:
                return value.isoformat()
        return super().format_value(value)


class RocDateField(forms.Field):
    """A date typed in the ROC calendar (115年11月22日, 115/11/22) or as ISO (2026-11-22)."""

    widget = RocDateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("ROC calendar, for example 115年11月22日 or 115/11/22."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "115/11/22")
        attrs.setdefault("maxlength", "40")
        return attrs

    def to_python(self, value) -> date | None:
        if isinstance(value, date):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_roc(str(value))
        except RocDateError as error:
            raise forms.ValidationError(str(error), code="roc_date") from None


def _choices_with_blank(choices, blank_label=None):
    return [("", blank_label or "---------"), *choices]


class ServiceErrorsMixin:
    """Put a service's refusal back on the form: field messages on their fields, the rest on top."""

    def add_service_error(self, error: RegistryError) -> None:
        """The service's message on top, and each field's messages on that field."""
        self.add_error(None, str(error.message))
        for field, messages in error.field_errors.items():
            target = field if field in self.fields else None
            for message in messages:
                if target is not None or str(message) not in self.non_field_errors():
                    self.add_error(target, str(message))


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
        required=False,
        help_text=_("ROC calendar; empty means today."),
    )
    original_agency = forms.CharField(label=_label("original_agency"), max_length=100)
    approving_official = forms.CharField(label=_label("approving_official"), max_length=60)
    approval_date = RocDateField(label=_label("approval_date"), required=False)
    protection_years = forms.IntegerField(
        label=_label("protection_years"), required=False, min_value=1, max_value=200
    )
    declass_kind = forms.ChoiceField(
        label=_label("declass_kind"),
        choices=_choices_with_blank(DeclassKind.choices(), _("none (protection period only)")),
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


class ActionForm(ServiceErrorsMixin, forms.Form):
    """A form of one action on one document; the document is given so choices can depend on it."""

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document


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


class FilterForm(forms.Form):
    """A GET form of filters: a bad value is reported on its field and that filter is ignored."""

    def filters(self) -> dict:
        """The filters that passed validation and were filled in."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class RegisterFilterForm(FilterForm):
    """Filters of the register (登記簿)."""

    number = forms.CharField(label=_("Registration number"), max_length=20, required=False,
                             help_text=_("All or part of it, e.g. 115收000012."))
    level = forms.TypedChoiceField(
        label=_label("level"), choices=_choices_with_blank(Level.choices(), _("all levels")),
        coerce=int, required=False, empty_value=None,
    )
    state = forms.ChoiceField(
        label=_label("state"), choices=_choices_with_blank(DocumentState.choices, _("all states")), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("all units"))
    registered_from = RocDateField(label=_("Registered from"), required=False, help_text="")
    registered_to = RocDateField(label=_("Registered until"), required=False, help_text="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("code")



class AuditSearchForm(FilterForm):
    """The ethics office's search of the audit chain."""

    person = forms.CharField(label=_("Person"), max_length=150, required=False,
                             help_text=_("User name, or part of the full name."))
    number = forms.CharField(label=_("Registration number"), max_length=20, required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=_choices_with_blank(AuditAction.choices, _("all actions")), required=False
    )
    date_from = RocDateField(label=_("From"), required=False, help_text="")
    date_to = RocDateField(label=_("Until"), required=False, help_text="")



# --- restricted distribution (限制分發), copying and dispatch -------------------------------------


class DecisionChoice:
    APPROVE = "approve"
    REFUSE = "refuse"


def _active_people():
    return User.objects.filter(is_active=True).select_related("unit").order_by("unit__code", "full_name", "username")


def _person_label(user) -> str:
    unit = user.unit.name if user.unit_id else ""
    return f"{user.display_name}（{unit}）" if unit else user.display_name


def end_of_roc_day(day: date):
    """The last moment of ``day`` in Taipei time: a grant "until 115年12月31日" lasts that whole day."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.max).replace(tzinfo=ZoneInfo("Asia/Taipei"))


class DistributionRequestForm(ActionForm):
    """分發申請: the people who must know the document, and why."""

    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"),
        queryset=User.objects.none(),
        help_text=_("Only active people cleared to the document's level are listed."),
    )
    reason = forms.CharField(label=_("Why they must know it"), max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = _active_people().filter(clearance__gte=self.document.level)
        if user is not None:
            people = people.exclude(pk=user.pk)
        field = self.fields["recipients"]
        field.queryset = people
        field.label_from_instance = _person_label
        field.widget.attrs["size"] = "6"


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

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReproductionKind.choices


class ReproductionDecideForm(DecideForm):
    """核准或不准 a copying or publication request."""


class GrantRevokeForm(ActionForm):
    """撤銷知悉授權: the reason."""

    reason = forms.CharField(label=_("Reason for revoking"), max_length=300, required=False)


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
        self.fields["to_user"].label_from_instance = _person_label


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
    method = forms.ChoiceField(label=_("Method of transit"), choices=[])
    registered_no = forms.CharField(label=_("Registered-mail number"), max_length=40, required=False)
    carrier = forms.CharField(label=_("Carried by"), max_length=60, required=False,
                              help_text=_("The handler or designated person, when delivered by hand."))
    inner_sealed = forms.BooleanField(label=_("Inner envelope sealed with the 密封章"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        from classification import TransitMethod

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = TransitMethod.choices()


class DispatchReceiptForm(ActionForm):
    """回執: the date on it, who received it, and any discrepancy the recipient reported."""

    received_on = RocDateField(label=_("Receipt date"))
    receipt_by = forms.CharField(label=_("Received by"), max_length=60, required=False)
    discrepancy = forms.CharField(label=_("Discrepancy"), max_length=300, required=False,
                                  help_text=_("Empty when everything arrived as sent."))

# --- classified meetings (會議機密維護) -----------------------------------------------------------


def _meeting_label(field_name: str):
    from registry.models import Meeting

    return capfirst(Meeting._meta.get_field(field_name).verbose_name)


class HourMinuteField(forms.TimeField):
    """A time of day typed as HH:MM (24-hour clock, Taipei time)."""

    widget = forms.TimeInput(format="%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H：%M"])
        kwargs.setdefault("help_text", _("24-hour clock, for example 14:30."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "14:30")
        attrs.setdefault("maxlength", "5")
        attrs.setdefault("inputmode", "numeric")
        return attrs


def taipei_datetime(day: date, moment):
    """The aware datetime of ``day`` at ``moment`` (a time of day) in the registry's time zone."""
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, moment), timezone.get_current_timezone())


def cleared_people(level: int):
    """Active people cleared to ``level`` (listed by unit and name)."""
    return _active_people().filter(clearance__gte=int(level))


class MeetingRegisterForm(ServiceErrorsMixin, forms.Form):
    """登記機密會議: every argument ``meeting_register`` takes, except the actor."""

    subject = forms.CharField(label=_meeting_label("subject"), max_length=200)
    level = forms.TypedChoiceField(label=_meeting_label("level"), choices=Level.choices(), coerce=int)
    starts_on = RocDateField(label=_("Date of the meeting"))
    starts_time = HourMinuteField(label=_("Starting time"))
    place = forms.CharField(label=_meeting_label("place"), max_length=120)
    chair = forms.ModelChoiceField(
        label=_meeting_label("chair"),
        queryset=User.objects.none(),
        help_text=_("The chair must be cleared to the meeting's level."),
    )

    # The service names the start ``starts_at``; the form asks for it as a date and a time.
    SERVICE_FIELDS = (("starts_at", "starts_on"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _active_people()
        self.fields["chair"].label_from_instance = _person_label

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

    checked_on = RocDateField(label=_("Checked on"), required=False, help_text=_("ROC calendar; empty means now."))
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

    person = forms.ModelChoiceField(
        label=_("Service staff member"),
        queryset=User.objects.none(),
        help_text=_("Only active people cleared to the meeting's level are listed."),
    )
    duty = forms.CharField(label=_("Duty"), max_length=100, help_text=_("For example 會場引導 or 記錄."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = cleared_people(self.meeting.level).exclude(
            pk__in=self.meeting.staff.values("person_id")
        )
        field.label_from_instance = _person_label


class AttendeeProposeForm(MeetingForm):
    """會前審查與會人員資格: propose an attendee and say why they must attend."""

    person = forms.ModelChoiceField(
        label=_("Attendee"),
        queryset=User.objects.none(),
        help_text=_("Only active people cleared to the meeting's level are listed."),
    )
    reason = forms.CharField(label=_("Why they must attend"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = cleared_people(self.meeting.level).exclude(
            pk__in=self.meeting.attendees.values("user_id")
        )
        field.label_from_instance = _person_label


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

    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients of the minutes"),
        queryset=User.objects.none(),
        help_text=_("Only people of the units that attended and of the superior agency are listed."),
    )
    reason = forms.CharField(label=_("Why they receive the minutes"), max_length=300)

    def __init__(self, *args, **kwargs):
        from django.db.models import Q

        from registry.services.meetings import attending_units

        super().__init__(*args, **kwargs)
        units = attending_units(self.meeting)
        people = cleared_people(self.meeting.level).filter(Q(unit_id__in=units) | Q(unit__is_superior_agency=True))
        if self.user is not None:
            people = people.exclude(pk=self.user.pk)
        field = self.fields["recipients"]
        field.queryset = people
        field.label_from_instance = _person_label
        field.widget.attrs["size"] = "6"


class PublicationRequestForm(MeetingForm):
    """簽陳首長: what would be published about the meeting."""

    text = forms.CharField(
        label=_("What would be published"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


# --- the document's later life: archive and loans, declassification, destruction, parties ---------


def _roles_people(*roles):
    """Active people holding one of ``roles``, for a choice of who did something."""
    return _active_people().filter(groups__name__in=[str(r) for r in roles]).distinct()


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
        self.fields["retention_years"].choices = [(PERMANENT, _("permanent (永久)"))] + [
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


class DeclassEventForm(ActionForm):
    """The event the declassification condition names has happened."""

    happened_on = RocDateField(label=_("The event happened on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReviewForm(ActionForm):
    """定期檢討: the outcome of the yearly review."""

    outcome = forms.ChoiceField(label=_("Outcome of the review"), choices=[])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from registry.models import ReviewOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = ReviewOutcome.choices


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
    agency_decided_on = RocDateField(label=_("Day of the agency's decision"), required=False)
    agency_ref = forms.CharField(label=_("Document number of the agency's decision (文號)"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        from registry.models import DecisionKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DecisionKind.choices
        classified = [(value, label) for value, label in Level.choices() if Level(value).rule.is_classified]
        self.fields["new_level"].choices = _choices_with_blank(classified)


class NoticeToldForm(ActionForm):
    """變更通知: how the earlier recipient was told."""

    method = forms.CharField(
        label=_("How the person was told"), max_length=100, help_text=_("For example: notice sent, by hand.")
    )


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
    destroyed_on = RocDateField(label=_("Destroyed on"))

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        from registry.models import DestructionMethod
        from registry.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["destroyed_by"].queryset = _roles_people(Role.ARCHIVIST)
        self.fields["witness"].queryset = _roles_people(Role.ETHICS)
        for name in ("destroyed_by", "witness"):
            self.fields[name].label_from_instance = _person_label
        self.fields["method"].choices = DestructionMethod.choices
        self.fields["destroyed_on"].initial = timezone.localdate()


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
    received_on = RocDateField(label=_("Received on"), required=False, help_text=_("ROC calendar; empty means today."))

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

    read_on = RocDateField(label=_("Read on"))
    supervised_by = forms.ModelChoiceField(label=_("Supervised by"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, request=None, **kwargs):
        from django.utils import timezone

        super().__init__(*args, **kwargs)
        field = self.fields["supervised_by"]
        if request is not None:
            field.queryset = _active_people().filter(unit_id__in=request.unit.descendant_ids())
        field.label_from_instance = _person_label
        self.fields["read_on"].initial = timezone.localdate()
