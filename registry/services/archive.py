"""The archive (辦公室機密維護 rule 5, 安全保管): hand-over, filing apart by zone, and loans."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.errors import ValidationFailed
from registry.models import (
    AuditAction,
    Decision,
    Document,
    DocumentState,
    Loan,
    LoanState,
    NeedToKnowGrant,
    StorageLocation,
    StorageZone,
    User,
)
from registry.models.documents import GrantBasis
from registry.policies import (
    require_decide_loan,
    require_file,
    require_hand_over,
    require_lend,
    require_request_loan,
    require_take_back,
)
from registry.services.grants import grant_create, grant_end
from registry.services.locking import locked, locked_item

RETENTION_CHOICES = (1, 3, 5, 10, 15, 20, 25, 30)  # 檔案法 retention periods; None means 永久


def zone_for(document: Document) -> str:
    """Classified files (密 and above) are kept apart from unclassified ones (限閱 included)."""
    return StorageZone.CLASSIFIED if document.level_enum.rule.is_classified else StorageZone.UNCLASSIFIED


@transaction.atomic
def archive_handover(*, document: Document, actor: User, note: str = "") -> Document:
    """The handler, done with the document, hands it to the archive (送歸檔)."""
    document = locked(document)
    require_hand_over(actor, document)
    document.state = DocumentState.TO_ARCHIVE
    document.save(update_fields=["state"])
    audit.record(action=AuditAction.ARCHIVE_HANDOVER, actor=actor, document=document, details={"note": note.strip()})
    return document


@transaction.atomic
def archive_receive(
    *,
    document: Document,
    actor: User,
    location: StorageLocation,
    retention_years: int | None,
    class_number: str = "",
) -> Document:
    """The archivist receives the document and files it in a location of the right zone."""
    document = locked(document)
    require_file(actor, document)
    if not location.active:
        raise ValidationFailed(_("That storage location is no longer in use."), field_errors={"location": [_("Not in use.")]})
    wanted = zone_for(document)
    if location.zone != wanted:
        message = _(
            "%(location)s is for %(zone)s; a %(level)s document belongs in a location for %(wanted)s "
            "(classified files are kept apart from unclassified ones, office rule 5)."
        ) % {
            "location": location.code,
            "zone": StorageZone(location.zone).label,
            "level": document.level_label,
            "wanted": StorageZone(wanted).label,
        }
        raise ValidationFailed(message, field_errors={"location": [message]})
    if retention_years is not None and retention_years not in RETENTION_CHOICES:
        raise ValidationFailed(
            _("The retention period is permanent or one of 1, 3, 5, 10, 15, 20, 25 or 30 years."),
            field_errors={"retention_years": [_("Not a retention period.")]},
        )
    handler = document.custodian
    document.state = DocumentState.ARCHIVED
    document.custodian = None
    document.storage_location = location
    document.retention_years = retention_years
    document.class_number = class_number.strip()
    document.archived_at = timezone.now()
    document.save(update_fields=["state", "custodian", "storage_location", "retention_years", "class_number", "archived_at"])
    # Handling is over: the handler's need-to-know from signing for it ends here.
    if handler is not None:
        for grant in NeedToKnowGrant.objects.filter(document=document, user=handler, basis=GrantBasis.SIGNED, ended_at__isnull=True):
            grant_end(grant=grant, actor=actor, reason=_("Handling ended; filed in the archive"))
    audit.record(
        action=AuditAction.ARCHIVE_RECEIVE,
        actor=actor,
        document=document,
        details={"location": location.code, "retention_years": retention_years},
    )
    return document


@transaction.atomic
def loan_request(*, document: Document, actor: User, reason: str) -> Loan:
    """Ask to borrow an archived document (借調)."""
    document = locked(document)
    require_request_loan(actor, document)
    if not reason.strip():
        raise ValidationFailed(_("Say why you need the document."), field_errors={"reason": [_("Required.")]})
    loan = Loan.objects.create(document=document, borrower=actor, reason=reason.strip())
    audit.record(action=AuditAction.LOAN_REQUEST, actor=actor, document=document, details={"loan": loan.pk, "reason": loan.reason})
    return loan


@transaction.atomic
def loan_decide(*, loan: Loan, actor: User, approve: bool, reason: str, due_on: date | None = None) -> Loan:
    """The supervisor approves (with a due date) or refuses a loan."""
    document, loan = locked_item(Loan, loan.pk)
    loan.document = document
    require_decide_loan(actor, loan)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the decision."), field_errors={"reason": [_("Required.")]})
    if approve and (due_on is None or due_on < timezone.localdate()):
        raise ValidationFailed(_("An approved loan needs a due date that is not in the past."), field_errors={"due_on": [_("Required.")]})
    loan.decision = Decision.APPROVED if approve else Decision.REFUSED
    loan.state = LoanState.APPROVED if approve else LoanState.REFUSED
    loan.decided_by = actor
    loan.decided_at = timezone.now()
    loan.decision_reason = reason.strip()
    loan.due_on = due_on if approve else None
    loan.save()
    audit.record(
        action=AuditAction.LOAN_APPROVE if approve else AuditAction.LOAN_REFUSE,
        actor=actor,
        document=document,
        details={"loan": loan.pk, "due_on": due_on.isoformat() if approve else None, "reason": loan.decision_reason},
    )
    return loan


@transaction.atomic
def loan_lend(*, loan: Loan, actor: User) -> Loan:
    """The archivist lends the document; the borrower's need-to-know lasts as long as the loan."""
    document, loan = locked_item(Loan, loan.pk, related=("borrower",))
    loan.document = document
    require_lend(actor, loan)
    grant = grant_create(
        document=document,
        user=loan.borrower,
        basis=GrantBasis.LOAN,
        reason=loan.reason,
        granted_by=loan.decided_by,
    )
    loan.state = LoanState.LENT
    loan.lent_by = actor
    loan.lent_at = timezone.now()
    loan.grant = grant
    loan.save()
    document.state = DocumentState.ON_LOAN
    document.custodian = loan.borrower
    document.save(update_fields=["state", "custodian"])
    audit.record(
        action=AuditAction.LOAN_LEND,
        actor=actor,
        document=document,
        details={"loan": loan.pk, "borrower": loan.borrower_id, "due_on": loan.due_on.isoformat()},
    )
    return loan


@transaction.atomic
def loan_return(*, loan: Loan, actor: User) -> Loan:
    """The archivist takes the document back; the borrower's need-to-know ends with the loan."""
    document, loan = locked_item(Loan, loan.pk)
    loan.document = document
    require_take_back(actor, loan)
    loan.state = LoanState.RETURNED
    loan.returned_at = timezone.now()
    loan.received_by = actor
    loan.save()
    document.state = DocumentState.ARCHIVED
    document.custodian = None
    document.save(update_fields=["state", "custodian"])
    if loan.grant_id:
        grant_end(grant=loan.grant, actor=actor, reason=_("Loan returned"))
    audit.record(action=AuditAction.LOAN_RETURN, actor=actor, document=document, details={"loan": loan.pk})
    return loan
