"""Forms of a document's registration and handling: 登記, 拆閱, 分文, 簽收, 承辦, 註銷, and the register's filters."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from classification import DeclassKind, Level
from registry.forms.base import ActionForm, FilterForm, ServiceErrorsMixin, confirmation
from registry.forms.fields import RocDateField, choices_with_blank
from registry.models import Direction, Document, DocumentState, Unit, Urgency, User
from registry.models.documents import MarkingPosition
from registry.selectors import handlers_for, handling_units


def _label(field_name: str):
    """The model's verbose name, so the form and the document page use one translated label."""
    return capfirst(Document._meta.get_field(field_name).verbose_name)


class DocumentRegisterForm(ServiceErrorsMixin, forms.Form):
    """收文/發文登記 on one page: every argument ``document_register`` takes, except the actor.

    The direction is chosen first (the page's 收文/發文/內部 tabs, ``?direction=out``), so each
    direction's fields carry its own words: 來文機關, 來文文號, 來文日期, 收文日期, 收文單位 for a
    document received; 受文者, 發文字號, 發文日期, 發文單位 for one sent. The rules of the law are
    explained beside the fields they govern, before anything is submitted.
    """

    direction = forms.ChoiceField(label=_label("direction"), choices=Direction.choices, widget=forms.HiddenInput)
    urgency = forms.ChoiceField(
        label=_label("urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("As marked on the document: 最速件, 速件 or 普通件."),
    )
    level = forms.TypedChoiceField(
        label=_label("level"),
        choices=choices_with_blank(Level.choices(), _("choose the level marked on the document")),
        coerce=int,
        help_text=_(
            "National secrets are 絕對機密, 極機密 and 機密 (National Secrets Protection Act, Article 4); "
            "an official secret is 密. Register the level marked on the document: the registry never "
            "chooses one for you."
        ),
    )
    subject = forms.CharField(
        label=_label("subject"),
        max_length=300,
        help_text=_("Registers of clerks and archivists show 「密不錄由」 instead of the subject."),
    )
    # 收文 (and 內部簽辦): where it came from.
    sender = forms.CharField(label=_("Sending agency (來文機關)"), max_length=100, required=False)
    sender_ref = forms.CharField(
        label=_("Sender's document number (來文文號)"),
        max_length=60,
        required=False,
        help_text=_("The same number from the same sender registered before is flagged before anything is written."),
    )
    sender_dated_on = RocDateField(label=_("Dated (來文日期)"), required=False, past=True)
    received_on = RocDateField(
        label=_("Received on (收文日期)"), required=False, past=True, help_text=_("Empty means today.")
    )
    # 發文: where it goes.
    addressee = forms.CharField(
        label=_label("addressee"),
        max_length=200,
        required=False,
        help_text=_("The agency or person it is addressed to; several separated by 、."),
    )
    issue_ref = forms.CharField(label=_("Document number (發文字號)"), max_length=60, required=False,
                                help_text=_("For example 府授秘字第1150000123號."))
    issued_on = RocDateField(label=_("Issued on (發文日期)"), required=False, help_text=_("Empty means today."))
    responsible_unit = forms.ModelChoiceField(
        label=_("Receiving unit (收文單位)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("my own unit"),
    )
    due_on = RocDateField(
        label=_label("due_on"), required=False, help_text=_("Only if the document sets a deadline.")
    )
    marking_position = forms.ChoiceField(
        label=_label("marking_position"),
        choices=MarkingPosition.choices,
        initial=MarkingPosition.TOP_LEFT,
        help_text=_("An official document is marked at its top left (Article 13: the level marked clearly)."),
    )
    original_agency = forms.CharField(
        label=_label("original_agency"),
        max_length=100,
        required=False,
        help_text=_(
            "The agency that classified it (Article 7). Empty means the sending agency for a document "
            "received, and this office for one sent."
        ),
    )
    approving_official = forms.CharField(
        label=_label("approving_official"),
        max_length=60,
        help_text=_("The official who approved the level (Article 7), for example 部長 or 局長."),
    )
    approval_date = RocDateField(
        label=_label("approval_date"),
        required=False,
        past=True,
        help_text=_("The protection period counts from this date (Article 11)."),
    )
    protection_years = forms.IntegerField(
        label=_label("protection_years"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_(
            "At most 30 years for 絕對機密, 20 for 極機密 and 10 for 機密, from the approval date "
            "(Article 11). A classified document needs a period, a condition, or both."
        ),
    )
    declass_kind = forms.ChoiceField(
        label=_label("declass_kind"),
        choices=choices_with_blank(DeclassKind.choices(), _("none (protection period only)")),
        required=False,
        help_text=_("A date or event on which it is declassified (Article 11); not met by the longest period, it is deemed met then."),
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
    copies_count = forms.IntegerField(
        label=_label("copies_count"),
        min_value=1,
        max_value=10000,
        initial=1,
        help_text=_("Each copy is numbered and marked 複製物 (Article 18); 絕對機密 is never reproduced (Article 15)."),
    )
    duplicate_confirmed = forms.BooleanField(
        label=_("I have checked: this is a different document (or a second original); register it."),
        required=False,
    )

    # Fields that name an agency: the page suggests the agencies already used (a <datalist>).
    AGENCY_FIELDS = ("sender", "addressee", "original_agency", "authorization_by")
    # direction → the fields of where it came from or goes to.
    ROUTE_FIELDS = {
        Direction.INCOMING: ("sender", "sender_ref", "sender_dated_on", "received_on", "responsible_unit"),
        Direction.OUTGOING: ("addressee", "issue_ref", "issued_on", "responsible_unit"),
        Direction.INTERNAL: ("received_on", "responsible_unit"),
    }

    def __init__(self, *args, direction: str = Direction.INCOMING, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("direction") in Direction.values:
            direction = self.data["direction"]
        self.registered_direction = Direction(direction) if direction in Direction.values else Direction.INCOMING
        self.fields["direction"].initial = self.registered_direction
        self.fields["responsible_unit"].queryset = handling_units()
        if self.registered_direction == Direction.OUTGOING:
            self.fields["responsible_unit"].label = _("Issuing unit (發文單位)")
            self.fields["original_agency"].help_text = _(
                "The agency that classified it (Article 7). Empty means this office."
            )
            self.fields["authorization_ref"].help_text = _(
                "Only for a national secret this office holds under another agency's written authorization (Article 14)."
            )
        elif self.registered_direction == Direction.INTERNAL:
            self.fields["received_on"].label = _("Registered on")
            self.fields["responsible_unit"].label = _("Unit")
        for name in self.AGENCY_FIELDS:
            self.fields[name].widget.attrs["list"] = "agency-names"
            self.fields[name].widget.attrs["autocomplete"] = "off"
        # The page's small script copies the sender into the original agency while it is empty.
        self.fields["sender"].widget.attrs["data-agency-source"] = ""
        self.fields["original_agency"].widget.attrs["data-agency-target"] = ""
        # The page's small script shows only the detail field the chosen condition needs.
        for name in ("declass_date", "declass_event", "declass_other"):
            self.fields[name].widget.attrs["data-declass-detail"] = name.removeprefix("declass_")
        self.fields["declass_kind"].widget.attrs["data-declass-kind"] = ""

    def clean_urgency(self) -> str:
        """Not marked means 普通件."""
        return self.cleaned_data["urgency"] or Urgency.NORMAL

    @property
    def duplicate_flagged(self) -> bool:
        """The confirmation is offered once a duplicate was found (or when it was ticked)."""
        return "duplicate_confirmed" in self.errors or bool(self.data.get("duplicate_confirmed")) or getattr(
            self, "_duplicate", False
        )

    def add_service_error(self, error) -> None:
        from registry.errors import PossibleDuplicate

        if isinstance(error, PossibleDuplicate):
            self._duplicate = True
        target = {"sender_ref": "issue_ref", "received_on": "issued_on"} if self.registered_direction == Direction.OUTGOING else {}
        for old, new in target.items():
            if old in error.field_errors:
                error.field_errors[new] = error.field_errors.pop(old)
        super().add_service_error(error)

    def fieldsets(self):
        sets = [
            (_("The document"), ("urgency", "level", "subject")),
            (
                _("Sent to") if self.registered_direction == Direction.OUTGOING else _("Received from"),
                self.ROUTE_FIELDS[self.registered_direction] + ("due_on",),
            ),
            (
                _("Classification"),
                ("marking_position", "original_agency", "approving_official", "approval_date"),
            ),
            (
                _("Protection period and declassification"),
                ("protection_years", "declass_kind", "declass_date", "declass_event", "declass_other"),
            ),
            (
                _("Written authorization (national secrets received from elsewhere)"),
                ("authorization_ref", "authorization_by", "authorization_scope"),
            ),
            (_("Pages, attachments and copies"), ("pages", "attachments", "attachment_note", "copies_count")),
        ]
        return [(title, [self[name] for name in names]) for title, names in sets]

    def service_arguments(self) -> dict:
        """The cleaned input as keyword arguments of ``document_register``, this direction's only."""
        data = dict(self.cleaned_data)
        outgoing = data.pop("issue_ref"), data.pop("issued_on")
        if self.registered_direction == Direction.OUTGOING:
            data["sender_ref"], data["received_on"] = outgoing
            data["sender"], data["sender_dated_on"] = "", None
        else:
            data["addressee"] = ""
            if self.registered_direction == Direction.INTERNAL:
                data["sender"], data["sender_ref"], data["sender_dated_on"] = "", "", None
        return data


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
    confirm = confirmation(_("I confirm the cancellation: it cannot be undone, and the number stays taken with this reason."))


PAGE_SIZES = (25, 50, 100)


class RegisterFilterForm(FilterForm):
    """Filters of the register (登記簿). They stay in the page's address, so a search can be
    bookmarked and sent to a colleague (who sees only what their own register holds)."""

    q = forms.CharField(
        label=_("Search"), max_length=100, required=False,
        help_text=_("A sender's document number (文號), an agency, a whole registration number, or words of the "
                    "subject (the subject only of documents you know)."),
    )
    direction = forms.ChoiceField(
        label=_("Series"), choices=choices_with_blank(Direction.choices, _("all series")), required=False
    )
    sender_ref = forms.CharField(label=_("Sender's document number (文號)"), max_length=60, required=False,
                                 help_text=_("All or part of it."))
    agency = forms.CharField(label=_("Agency"), max_length=100, required=False,
                             help_text=_("Sending or original classifying agency, all or part of its name."))
    custodian = forms.CharField(label=_("Custodian"), max_length=100, required=False,
                                help_text=_("Log-in name or part of the name of the person who holds it."))
    received_from = RocDateField(label=_("Received from"), required=False, help_text="")
    received_to = RocDateField(label=_("Received until"), required=False, help_text="")
    size = forms.TypedChoiceField(
        label=_("Entries per page"), choices=[(n, n) for n in PAGE_SIZES], coerce=int, required=False,
        empty_value=None,
    )
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
