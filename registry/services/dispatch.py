"""Dispatch in double envelopes by the method the level allows (辦公室機密維護 rule 4)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import TransitMethod, TransitRuleError, check_method
from registry import audit
from registry.errors import ValidationFailed
from registry.models import (
    AuditAction,
    Direction,
    Dispatch,
    DispatchState,
    Document,
    DocumentCopy,
    DocumentState,
    User,
)
from registry.policies import require_dispatch, require_record_receipt
from registry.services.locking import locked, locked_item


@transaction.atomic
def dispatch_record(
    *,
    document: Document,
    actor: User,
    recipient: str,
    address: str,
    method: str,
    registered_no: str = "",
    carrier: str = "",
    inner_sealed: bool = True,
    copy: DocumentCopy | None = None,
) -> Dispatch:
    """Record an outgoing dispatch: double envelope, the method the level allows, the mail number.
    An outgoing document (發文) waiting to be sent is dispatched by its first dispatch."""
    document = locked(document)
    require_dispatch(actor, document)
    errors: dict[str, list[str]] = {}
    if not recipient.strip():
        errors["recipient"] = [_("Required.")]
    if not address.strip():
        errors["address"] = [_("Required.")]
    try:
        check_method(document.level_enum, method, strict_secret=settings.REGISTRY_STRICT_TOP_SECRET_TRANSIT)
    except TransitRuleError as refusal:
        errors["method"] = [str(refusal)]
    if method == TransitMethod.DOUBLE_REGISTERED and not registered_no.strip():
        errors["registered_no"] = [_("Double-registered mail needs its registered-mail number.")]
    if method == TransitMethod.BY_HAND and not carrier.strip():
        errors["carrier"] = [_("Name the handler or designated person who carries it.")]
    if document.level_enum.rule.is_classified and not inner_sealed:
        errors["inner_sealed"] = [
            _("The inner envelope of a classified document must be sealed with the 密封章 (office rule 4).")
        ]
    if copy is not None and copy.document_id != document.pk:
        errors["copy"] = [_("That copy belongs to another document.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, field_errors=errors)
    dispatch = Dispatch.objects.create(
        document=document,
        copy=copy,
        recipient=recipient.strip(),
        address=address.strip(),
        method=method,
        carrier=carrier.strip(),
        registered_no=registered_no.strip(),
        inner_sealed=inner_sealed,
        dispatched_by=actor,
    )
    if document.direction == Direction.OUTGOING and document.state == DocumentState.DRAFTED:
        document.state = DocumentState.DISPATCHED
        document.save(update_fields=["state"])
    audit.record(
        action=AuditAction.DISPATCH_SEND,
        actor=actor,
        document=document,
        details={
            "dispatch": dispatch.pk,
            "method": method,
            "recipient": dispatch.recipient,
            "registered_no": dispatch.registered_no,
            "state": document.state,
        },
    )
    return dispatch


@transaction.atomic
def dispatch_receipt(
    *, dispatch: Dispatch, actor: User, received_on: date, receipt_by: str, discrepancy: str = ""
) -> Dispatch:
    """Record the returned receipt (回執), or the discrepancy the recipient reported."""
    document, dispatch = locked_item(Dispatch, dispatch.pk)
    dispatch.document = document
    require_record_receipt(actor, dispatch)
    if received_on is None or received_on > timezone.localdate():
        raise ValidationFailed(_("Give the date on the receipt; it cannot lie in the future."), field_errors={"received_on": [_("Invalid date.")]})
    if received_on < timezone.localtime(dispatch.dispatched_at).date():
        raise ValidationFailed(_("The receipt cannot be older than the dispatch."), field_errors={"received_on": [_("Before the dispatch.")]})
    dispatch.receipt_on = received_on
    dispatch.receipt_by = receipt_by.strip()
    dispatch.discrepancy = discrepancy.strip()
    dispatch.recorded_by = actor
    dispatch.state = DispatchState.DISCREPANCY if dispatch.discrepancy else DispatchState.RECEIVED
    dispatch.save()
    audit.record(
        action=AuditAction.DISPATCH_DISCREPANCY if dispatch.discrepancy else AuditAction.DISPATCH_RECEIPT,
        actor=actor,
        document=dispatch.document,
        details={"dispatch": dispatch.pk, "received_on": received_on.isoformat(), "discrepancy": dispatch.discrepancy},
    )
    return dispatch
