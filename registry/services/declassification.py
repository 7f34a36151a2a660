"""Declassification, change of level and periodic review (國家機密保護法第10、11、27、28條).

A level changes only here, as a recorded decision that owes a notice to every earlier recipient.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import DeclassKind, Level, Protection
from registry import audit
from registry.errors import NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    ClassificationDecision,
    CopyState,
    Decision,
    DecisionKind,
    DistributionRecipient,
    Document,
    DocumentCopy,
    NeedToKnowGrant,
    ReclassificationNotice,
    ReviewOutcome,
    ReviewRecord,
    User,
)
from registry.policies import (
    require_mark_notice_told,
    require_reclassify,
    require_record_declass_event,
    require_record_review,
)
from registry.policies.base import need_clearance
from registry.policies.declassification import CLOSED_STATES, reclassify_authority_errors
from registry.services.locking import locked, locked_item

__all__ = ["CLOSED_STATES"]



@transaction.atomic
def declass_event_record(*, document: Document, actor: User, happened_on: date, note: str = "") -> Document:
    """Record that the event a document's condition names has happened (e.g. 公布)."""
    document = locked(document)
    require_record_declass_event(actor, document)
    if happened_on is None or happened_on > timezone.localdate():
        raise ValidationFailed(_("Give the day the event happened; it cannot lie in the future."), field_errors={"happened_on": [_("Invalid date.")]})
    document.declass_event_met_on = happened_on
    document.save(update_fields=["declass_event_met_on"])
    audit.record(
        action=AuditAction.DECLASS_EVENT,
        actor=actor,
        document=document,
        details={"happened_on": happened_on.isoformat(), "note": note.strip()},
    )
    return document


@transaction.atomic
def review_record(*, document: Document, actor: User, outcome: str, note: str = "") -> ReviewRecord:
    """Record the periodic review of a classified document."""
    document = locked(document)
    require_record_review(actor, document)
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed(_("Choose the outcome of the review."), field_errors={"outcome": [_("Unknown outcome.")]})
    record = ReviewRecord.objects.create(document=document, reviewed_by=actor, outcome=outcome, note=note.strip())
    document.last_reviewed_on = record.reviewed_on
    document.save(update_fields=["last_reviewed_on"])
    audit.record(
        action=AuditAction.REVIEW_RECORD,
        actor=actor,
        document=document,
        details={"review": record.pk, "outcome": outcome, "note": record.note},
    )
    return record


def _people_to_tell(document: Document) -> list[tuple[User, DocumentCopy | None]]:
    """Holders of outstanding copies first, then every approved recipient, each once."""
    seen: dict[int, tuple[User, DocumentCopy | None]] = {}
    for copy in DocumentCopy.objects.filter(document=document, state=CopyState.HELD).select_related("holder"):
        if copy.holder_id and copy.holder_id not in seen:
            seen[copy.holder_id] = (copy.holder, copy)
    recipients = DistributionRecipient.objects.filter(request__document=document, decision=Decision.APPROVED)
    for recipient in recipients.select_related("user"):
        seen.setdefault(recipient.user_id, (recipient.user, None))
    return list(seen.values())


@transaction.atomic
def reclassify(
    *,
    document: Document,
    actor: User,
    kind: str,
    reason: str,
    authority: str,
    new_level: int | None = None,
    new_protection_years: int | None = None,
    agency: str = "",
    agency_decided_on: date | None = None,
    agency_ref: str = "",
    agency_is_superior: bool = False,
) -> ClassificationDecision:
    """Declassify, downgrade or upgrade a document by a recorded decision; earlier recipients are owed notice.

    §10: a document this office classified is decided here; one another agency classified is
    changed only by recording that agency's (or its superior's) decision: agency, day and 文號.
    """
    document = locked(document)
    require_reclassify(actor, document)
    if kind not in DecisionKind.values:
        raise ValidationFailed(_("Choose the decision."), field_errors={"kind": [_("Unknown decision.")]})
    errors = reclassify_authority_errors(
        document,
        authority=authority,
        agency=agency,
        agency_decided_on=agency_decided_on,
        agency_ref=agency_ref,
        agency_is_superior=agency_is_superior,
    )
    if not reason.strip():
        errors = {"reason": [_("Required.")], **errors}
    if agency_decided_on is not None and agency_decided_on > timezone.localdate():
        errors.setdefault("agency_decided_on", []).append(_("The agency's decision cannot lie in the future."))
    if errors:
        first = next(iter(errors.values()))[0]
        if "reason" in errors or "authority" in errors:
            first = _("A decision needs its reason and the authority it rests on.")
        raise ValidationFailed(first, field_errors=errors, rule="original_agency_decides")
    if not authority.strip():
        authority = _("%(agency)s's decision %(ref)s of %(date)s") % {
            "agency": agency.strip(),
            "ref": agency_ref.strip(),
            "date": agency_decided_on.isoformat(),
        }
    old_level = document.level_enum
    decision = ClassificationDecision(
        document=document,
        kind=kind,
        old_level=old_level,
        old_protection_years=document.protection_years,
        reason=reason.strip(),
        authority=authority.strip(),
        agency=agency.strip(),
        agency_decided_on=agency_decided_on,
        agency_ref=agency_ref.strip(),
        decided_by=actor,
    )
    if kind == DecisionKind.DECLASSIFY:
        document.declassified_on = timezone.localdate()
        document.save(update_fields=["declassified_on"])
    else:
        _change_level(document, actor, kind, old_level, new_level, new_protection_years)
        decision.new_level = document.level
        decision.new_protection_years = document.protection_years
    decision.save()
    people = _people_to_tell(document)
    for person, copy in people:
        ReclassificationNotice.objects.create(decision=decision, recipient=person, copy=copy)
    audit.record(
        action=AuditAction.RECLASSIFY,
        actor=actor,
        document=document,
        details={
            "decision": decision.pk,
            "kind": kind,
            "old_level": int(old_level),
            "new_level": decision.new_level,
            "reason": decision.reason,
            "notices": [p.pk for p, _copy in people],
        },
    )
    return decision


def _change_level(document, actor, kind, old_level, new_level, new_protection_years) -> None:
    try:
        target = Level(int(new_level))
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose the new level."), field_errors={"new_level": [_("Required.")]}) from None
    if kind == DecisionKind.DOWNGRADE and target >= old_level:
        raise ValidationFailed(_("A downgrade must choose a lower level."), field_errors={"new_level": [_("Not lower.")]})
    if kind == DecisionKind.UPGRADE and target <= old_level:
        raise ValidationFailed(_("An upgrade must choose a higher level."), field_errors={"new_level": [_("Not higher.")]})
    if not target.rule.is_classified:
        raise ValidationFailed(
            _("To make a document unclassified, declassify it."), field_errors={"new_level": [_("Not a level.")]}
        )
    years = new_protection_years if new_protection_years is not None else document.protection_years
    # §11: a change of level does not restart the count; the original approval date stays.
    protection = Protection(
        level=target,
        approval_date=document.approval_date,
        protection_years=years,
        declass_kind=DeclassKind(document.declass_kind) if document.declass_kind else None,
        declass_date=document.declass_date,
        declass_event=document.declass_event,
        declass_other=document.declass_other,
    )
    errors: dict[str, list[str]] = {}
    for violation in protection.violations():
        field = "new_protection_years" if violation.field == "protection_years" else violation.field
        errors.setdefault(field, []).append(str(violation.message))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], field_errors=errors)
    try:
        need_clearance(actor, target)
    except NotPermitted:
        raise NotPermitted(_("Your clearance does not reach the new level.")) from None
    if target > old_level:
        _refuse_knowers_below(document, target)
    document.level = target
    document.protection_years = years
    document.declass_due_on = protection.deemed_declassified_on()
    document._level_decision = True
    document.save(update_fields=["level", "protection_years", "declass_due_on"])


def _refuse_knowers_below(document: Document, target: Level) -> None:
    """An upgrade may not leave anyone knowing the document above their clearance."""
    live = NeedToKnowGrant.objects.filter(document=document, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    holders = DocumentCopy.objects.filter(document=document, state=CopyState.HELD)
    people = User.objects.filter(
        Q(pk__in=live.values("user_id")) | Q(pk__in=holders.values("holder_id")) | Q(pk=document.custodian_id or 0)
    ).filter(Q(clearance__lt=target) | Q(clearance__isnull=True))
    names = [p.display_name for p in people.order_by("pk")]
    if names:
        raise NotPermitted(
            _(
                "%(people)s know this document or hold a copy but are not cleared for %(level)s: end their "
                "need-to-know and take their copies back before upgrading."
            )
            % {"people": "、".join(names), "level": target.label}
        )


@transaction.atomic
def notice_mark_told(*, notice: ReclassificationNotice, actor: User, method: str) -> ReclassificationNotice:
    """Record that a change notice was given (變更或註銷通知單)."""
    document, notice = locked_item(
        ReclassificationNotice, notice.pk, document_field="decision__document_id", related=("decision",)
    )
    notice.decision.document = document
    require_mark_notice_told(actor, notice)
    if not method.strip():
        raise ValidationFailed(_("Say how the person was told."), field_errors={"method": [_("Required.")]})
    notice.told_at = timezone.now()
    notice.told_by = actor
    notice.method = method.strip()
    notice.save()
    audit.record(
        action=AuditAction.NOTICE_TOLD,
        actor=actor,
        document=document,
        details={"notice": notice.pk, "recipient": notice.recipient_id, "method": notice.method},
    )
    return notice
