"""The handling of a classified document: register, open, route, sign for, handle, cancel."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import DeclassKind, Level, Protection
from classification.roc import roc_year
from registry import audit, hygiene
from registry.errors import NotPermitted, PossibleDuplicate, ValidationFailed
from registry.models import (
    AuditAction,
    Direction,
    Document,
    DocumentState,
    HandlingStep,
    RegistrationCounter,
    Unit,
    Urgency,
    User,
)
from registry.models.documents import FIRST_STATE_BY_DIRECTION, SERIES_BY_DIRECTION, GrantBasis, StepKind
from registry.policies import (
    register_for,
    require_begin_handling,
    require_cancel,
    require_open,
    require_register,
    require_route,
    require_sign_for,
)
from registry.policies.base import need_clearance
from registry.policies.scope import UnitScope
from registry.roles import Role
from registry.services.grants import grant_create
from registry.services.locking import locked


def next_registration_number(*, year: int, series: str) -> int:
    """Take the next number of (year, series) under a row lock: no gap, no duplicate."""
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(year=year, series=series, last=0)], ignore_conflicts=True
    )
    counter = RegistrationCounter.objects.select_for_update(no_key=True).get(year=year, series=series)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def validate_registration(
    *,
    level: int,
    direction: str,
    protection: Protection,
    authorization_ref: str,
    authorization_by: str,
    original_agency: str = "",
    approving_official: str = "",
    urgency: str = Urgency.NORMAL,
    received_on: date | None = None,
    sender_dated_on: date | None = None,
    due_on: date | None = None,
) -> dict[str, list[str]]:
    """Every rule a new registration must meet, as field → messages."""
    errors: dict[str, list[str]] = {}
    errors.update(_dates_and_urgency_errors(urgency, received_on, sender_dated_on, due_on))
    # §7 and LAW-NOTES: every document records who classified it and who approved the level.
    if not original_agency.strip():
        errors.setdefault("original_agency", []).append(
            _("Record the original classifying agency (National Secrets Protection Act, Article 7).")
        )
    if not approving_official.strip():
        errors.setdefault("approving_official", []).append(
            _("Record the official who approved the level (National Secrets Protection Act, Article 7).")
        )
    for violation in protection.violations():
        errors.setdefault(violation.field, []).append(str(violation.message))
    held_from_elsewhere = Level(level).rule.is_national_secret and direction == Direction.INCOMING
    if held_from_elsewhere and (not authorization_ref.strip() or not authorization_by.strip()):
        errors.setdefault("authorization_ref", []).append(
            _(
                "A national secret received from elsewhere is held only under the original "
                "agency's written authorization (National Secrets Protection Act, Article 14): "
                "record its number and who gave it."
            )
        )
    return errors


def _dates_and_urgency_errors(urgency, received_on, sender_dated_on, due_on) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Unknown urgency.")]
    today = timezone.localdate()
    received = received_on or today
    if received_on is not None and received_on > today:
        errors["received_on"] = [_("The date received or issued cannot lie in the future.")]
    if sender_dated_on is not None and sender_dated_on > received:
        errors["sender_dated_on"] = [_("A document cannot be dated after the day it was received.")]
    if due_on is not None and due_on < received:
        errors["due_on"] = [_("The date to deal with it by cannot be before the day it was received.")]
    return errors


def _normal(text: str) -> str:
    return " ".join(text.split())


def registered_duplicates(
    *, actor: User, direction: str, sender: str, sender_ref: str
) -> list[tuple[str, bool]]:
    """(registration number, whether the actor's register shows it) of earlier, uncancelled
    registrations of the same sender's document number (the same 來文文號 from the same 來文機關;
    for 發文, the same 發文字號). Only numbers: nobody learns a subject from the check."""
    if not sender_ref.strip():
        return []
    same = Document.objects.exclude(state=DocumentState.CANCELLED).filter(sender_ref=_normal(sender_ref))
    if direction == Direction.OUTGOING:
        same = same.filter(direction=Direction.OUTGOING)
    else:
        same = same.exclude(direction=Direction.OUTGOING).filter(sender=_normal(sender))
    found = list(same.order_by("registered_at", "pk").values_list("pk", "reg_year", "reg_series", "reg_serial")[:20])
    if not found:
        return []
    shown = set(register_for(actor, known=False).filter(pk__in=[row[0] for row in found]).values_list("pk", flat=True))
    return [(f"{year}{series}{serial:06d}", pk in shown) for pk, year, series, serial in found]


def _duplicate_refusal(duplicates: list[tuple[str, bool]]) -> PossibleDuplicate:
    known = [number for number, shown in duplicates if shown]
    if known:
        message = _(
            "This sender's document number is already registered as %(numbers)s. If this is a "
            "different document (or a second original), tick the confirmation and register again."
        ) % {"numbers": "、".join(known)}
    else:
        message = _(
            "This sender's document number is already registered in another unit's register. If this "
            "is a different document (or a second original), tick the confirmation and register again."
        )
    return PossibleDuplicate(
        message, numbers=known, field_errors={"sender_ref": [_("Already registered: check before going on.")]}
    )


@transaction.atomic
def document_register(
    *,
    actor: User,
    direction: str,
    subject: str,
    level: int,
    original_agency: str,
    approving_official: str,
    approval_date: date | None = None,
    protection_years: int | None = None,
    declass_kind: str = "",
    declass_date: date | None = None,
    declass_event: str = "",
    declass_other: str = "",
    sender: str = "",
    sender_ref: str = "",
    marking_position: str = "top_left",
    authorization_ref: str = "",
    authorization_by: str = "",
    authorization_scope: str = "",
    pages: int = 1,
    attachments: int = 0,
    attachment_note: str = "",
    copies_count: int = 1,
    received_on: date | None = None,
    responsible_unit: Unit | None = None,
    sender_dated_on: date | None = None,
    addressee: str = "",
    urgency: str = Urgency.NORMAL,
    due_on: date | None = None,
    duplicate_confirmed: bool = False,
) -> Document:
    """Register a classified document (收文/發文) and give it the next gapless number.

    An outgoing document (發文) starts as drafted, waiting to be dispatched; an incoming or internal
    one as registered, waiting for its supervisor to open it. The original classifying agency is
    the sender of an incoming document, or this office for an outgoing one, unless given. A sender's
    number registered before is refused as a possible duplicate unless ``duplicate_confirmed``.
    """
    require_register(actor)
    try:
        level_enum = Level(int(level))
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Unknown classification level."), field_errors={"level": [_("Unknown level.")]}
        ) from None
    if direction not in Direction.values:
        raise ValidationFailed(_("Unknown direction."), field_errors={"direction": [_("Unknown direction.")]})
    if not subject.strip():
        raise ValidationFailed(_("A document needs a subject."), field_errors={"subject": [_("Required.")]})
    sender, sender_ref, addressee = _normal(sender), _normal(sender_ref), _normal(addressee)
    if not original_agency.strip():
        original_agency = settings.REGISTRY_AGENCY_NAME if direction == Direction.OUTGOING else sender
    # Before a number is taken: no text that hides what it says, no receipt or approval to come.
    hygiene.require_clean_for(
        Document,
        texts={"subject": subject, "sender": sender, "sender_ref": sender_ref, "original_agency": original_agency,
               "approving_official": approving_official, "addressee": addressee},
        past={"received_on": received_on, "approval_date": approval_date, "sender_dated_on": sender_dated_on},
    )
    protection = Protection(
        level=level_enum,
        approval_date=approval_date,
        protection_years=protection_years,
        declass_kind=DeclassKind(declass_kind) if declass_kind else None,
        declass_date=declass_date,
        declass_event=declass_event.strip(),
        declass_other=declass_other.strip(),
    )
    errors = validate_registration(
        level=level_enum,
        direction=direction,
        protection=protection,
        authorization_ref=authorization_ref,
        authorization_by=authorization_by,
        original_agency=original_agency,
        approving_official=approving_official,
        urgency=urgency,
        received_on=received_on,
        sender_dated_on=sender_dated_on,
        due_on=due_on,
    )
    # A new outgoing document names its addressee (a paper register imported may not have).
    if direction == Direction.OUTGOING and not addressee:
        errors.setdefault("addressee", []).append(_("Name the addressee (受文者) of an outgoing document."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, field_errors=errors)
    duplicates = registered_duplicates(actor=actor, direction=direction, sender=sender, sender_ref=sender_ref)
    if duplicates and not duplicate_confirmed:
        raise _duplicate_refusal(duplicates)
    unit = responsible_unit or actor.unit
    today = timezone.localdate()
    year = roc_year(today)
    series = SERIES_BY_DIRECTION[Direction(direction)]
    document = Document(
        reg_year=year,
        reg_series=series,
        direction=direction,
        subject=subject.strip(),
        level=level_enum,
        original_agency=original_agency.strip(),
        approving_official=approving_official.strip(),
        approval_date=approval_date,
        protection_years=protection_years,
        declass_kind=declass_kind or "",
        declass_date=declass_date,
        declass_event=declass_event.strip(),
        declass_other=declass_other.strip(),
        sender=sender,
        sender_ref=sender_ref,
        sender_dated_on=sender_dated_on,
        addressee=addressee,
        urgency=urgency,
        due_on=due_on,
        marking_position=marking_position,
        authorization_ref=authorization_ref.strip(),
        authorization_by=authorization_by.strip(),
        authorization_scope=authorization_scope.strip(),
        pages=pages,
        attachments=attachments,
        attachment_note=attachment_note.strip(),
        copies_count=copies_count,
        received_on=received_on or today,
        declass_due_on=protection.deemed_declassified_on(),
        responsible_unit=unit,
        custodian=actor,
        registered_by=actor,
        state=FIRST_STATE_BY_DIRECTION[Direction(direction)],
    )
    # The registering clerk holds the paper, so their clearance must reach the level.
    need_clearance(actor, document.level)
    document.reg_serial = next_registration_number(year=year, series=series)
    document.save()
    HandlingStep.objects.create(document=document, kind=StepKind.REGISTER, actor=actor, to_unit=unit)
    audit.record(
        action=AuditAction.DOCUMENT_REGISTER,
        actor=actor,
        document=document,
        details={
            "number": document.number,
            "level": int(level_enum),
            "direction": direction,
            "unit": unit.pk,
            "urgency": urgency,
            # A registration the clerk confirmed despite an earlier one of the same number.
            **({"duplicate_of": [number for number, _shown in duplicates]} if duplicates else {}),
        },
    )
    return document


@transaction.atomic
def document_open(*, document: Document, actor: User, instruction: str, handling_unit: Unit) -> Document:
    """The unit supervisor opens the document (拆閱) and instructs which unit handles it (批示)."""
    document = locked(document)
    require_open(actor, document)
    if not instruction.strip():
        raise ValidationFailed(
            _("Write the instruction (批示) before opening."), field_errors={"instruction": [_("Required.")]}
        )
    document.state = DocumentState.OPENED
    document.instruction = instruction.strip()
    document.handling_unit = handling_unit
    document.save(update_fields=["state", "instruction", "handling_unit"])
    HandlingStep.objects.create(
        document=document, kind=StepKind.OPEN, actor=actor, to_unit=handling_unit, note=document.instruction
    )
    grant_create(
        document=document,
        user=actor,
        basis=GrantBasis.OPENED,
        reason=_("Opened and instructed as unit supervisor"),
        granted_by=actor,
    )
    audit.record(
        action=AuditAction.DOCUMENT_OPEN,
        actor=actor,
        document=document,
        details={"handling_unit": handling_unit.pk, "instruction_length": len(document.instruction)},
    )
    return document


@transaction.atomic
def document_route(*, document: Document, actor: User, handler: User, note: str = "") -> Document:
    """The clerk routes the document (分文) to a designated handler of the instructed unit."""
    document = locked(document)
    require_route(actor, document)
    if not handler.has_role(Role.HANDLER):
        raise ValidationFailed(
            _("%(person)s is not a designated handler of classified documents (密件承辦人).")
            % {"person": handler.display_name},
            field_errors={"handler": [_("Not a designated handler.")]},
        )
    if handler.unit_id not in UnitScope.below(document.handling_unit_id):
        raise ValidationFailed(
            _("The supervisor instructed %(unit)s to handle this document; %(person)s is not in it.")
            % {"unit": document.handling_unit.name, "person": handler.display_name},
            field_errors={"handler": [_("Not in the instructed unit.")]},
        )
    try:
        need_clearance(handler, document.level)
    except NotPermitted as refusal:
        raise ValidationFailed(refusal.message, field_errors={"handler": [refusal.message]}) from None
    document.state = DocumentState.ROUTED
    document.routed_to = handler
    document.save(update_fields=["state", "routed_to"])
    HandlingStep.objects.create(
        document=document, kind=StepKind.ROUTE, actor=actor, to_user=handler, to_unit=handler.unit, note=note.strip()
    )
    audit.record(
        action=AuditAction.DOCUMENT_ROUTE, actor=actor, document=document, details={"handler": handler.pk}
    )
    return document


@transaction.atomic
def document_sign_for(*, document: Document, actor: User, note: str = "") -> Document:
    """The designated handler signs for the document (簽收) and takes custody of it."""
    document = locked(document)
    require_sign_for(actor, document)
    previous = document.custodian_id
    document.state = DocumentState.SIGNED
    document.custodian = actor
    document.save(update_fields=["state", "custodian"])
    HandlingStep.objects.create(document=document, kind=StepKind.SIGN_FOR, actor=actor, note=note.strip())
    grant_create(
        document=document,
        user=actor,
        basis=GrantBasis.SIGNED,
        reason=_("Signed for as designated handler"),
        granted_by=actor,
    )
    audit.record(
        action=AuditAction.DOCUMENT_SIGN_FOR,
        actor=actor,
        document=document,
        details={"previous_custodian": previous},
    )
    return document


@transaction.atomic
def document_begin_handling(*, document: Document, actor: User) -> Document:
    """The handler who signed for the document starts handling it (承辦)."""
    document = locked(document)
    require_begin_handling(actor, document)
    document.state = DocumentState.IN_HANDLING
    document.save(update_fields=["state"])
    HandlingStep.objects.create(document=document, kind=StepKind.BEGIN_HANDLING, actor=actor)
    audit.record(action=AuditAction.DOCUMENT_BEGIN_HANDLING, actor=actor, document=document, details={})
    return document


@transaction.atomic
def document_cancel(*, document: Document, actor: User, reason: str) -> Document:
    """Cancel a registration made in error; the number stays taken and says why."""
    document = locked(document)
    require_cancel(actor, document)
    if not reason.strip():
        raise ValidationFailed(_("Say why the registration is cancelled."), field_errors={"reason": [_("Required.")]})
    document.state = DocumentState.CANCELLED
    document.cancel_reason = reason.strip()[:200]
    document.save(update_fields=["state", "cancel_reason"])
    HandlingStep.objects.create(document=document, kind=StepKind.CANCEL, actor=actor, note=document.cancel_reason)
    audit.record(
        action=AuditAction.DOCUMENT_CANCEL, actor=actor, document=document, details={"reason": document.cancel_reason}
    )
    return document
