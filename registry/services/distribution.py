"""Restricted distribution (辦公室機密維護 rule 3): need-to-know approval and numbered copies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    CopyCustody,
    CopyMovement,
    CopyState,
    Decision,
    DistributionRecipient,
    DistributionRequest,
    Document,
    DocumentCopy,
    NeedToKnowGrant,
    ReproductionKind,
    ReproductionRequest,
    User,
)
from registry.models.documents import GrantBasis
from registry.policies import (
    can_know,
    require_decide_distribution,
    require_decide_reproduction,
    require_pass_copy,
    require_recall_copies,
    require_request_distribution,
    require_request_reproduction,
    require_return_copy,
    require_revoke_grant,
    require_sign_for_copy,
)
from registry.policies.base import need_clearance
from registry.policies.distribution import ACTIVE_STATES, need_active, need_copyable
from registry.services.grants import grant_create, grant_end
from registry.services.locking import locked, locked_item

__all__ = ["ACTIVE_STATES", "issue_copy"]


def _copy_number(document: Document, *, reproduction: bool) -> int:
    """The number a new copy takes; the caller holds the document's row lock.

    An original (not a reproduction) is one of the copies registered with the document (§18: the
    original records how many exist): the lowest of 1…copies_count not out now, and none when all
    are out. A reproduction (複製物) is numbered after every number ever given.
    """
    copies = DocumentCopy.objects.filter(document=document)
    if reproduction:
        last = copies.aggregate(m=Max("number"))["m"] or 0
        return max(last, document.copies_count) + 1
    out = set(copies.filter(state=CopyState.HELD, is_reproduction=False).values_list("number", flat=True))
    free = [n for n in range(1, document.copies_count + 1) if n not in out]
    if not free:
        raise InvalidTransition(
            _(
                "All %(count)d registered copies of %(number)s are out (National Secrets Protection Act, "
                "Article 18: the original records how many copies exist and where): take one back first, "
                "or ask for approval to copy it (a copy is marked 複製物)."
            )
            % {"count": document.copies_count, "number": document.number},
            rule="copies_within_registered_count",
        )
    return free[0]


def issue_copy(*, document: Document, holder: User, actor: User, grant, reproduction: bool, purpose: str) -> DocumentCopy:
    """Make one numbered copy, the one place every path (distribution, reproduction, meeting
    materials and minutes) makes one: never more originals out than registered, never a
    reproduction of a level that may not be copied (§15)."""
    if reproduction:
        need_copyable(document)
    copy = DocumentCopy.objects.create(
        document=document,
        number=_copy_number(document, reproduction=reproduction),
        is_reproduction=reproduction,
        holder=holder,
        grant=grant,
        purpose=purpose,
    )
    CopyCustody.objects.create(copy=copy, movement=CopyMovement.ISSUE, to_user=holder, by=actor)
    audit.record(
        action=AuditAction.COPY_ISSUE,
        actor=actor,
        document=document,
        details={"copy": copy.number, "holder": holder.pk, "reproduction": reproduction, "purpose": purpose},
    )
    return copy


@transaction.atomic
def distribution_request(*, document: Document, actor: User, recipients: Sequence[User], reason: str) -> DistributionRequest:
    """A handler asks that named people receive the document, saying why they must know it."""
    document = locked(document)
    require_request_distribution(actor, document)
    if not reason.strip():
        raise ValidationFailed(_("Say why the recipients must know the document."), field_errors={"reason": [_("Required.")]})
    people = list(dict.fromkeys(recipients))
    if not people:
        raise ValidationFailed(_("Name at least one recipient."), field_errors={"recipients": [_("Required.")]})
    for person in people:
        try:
            need_clearance(person, document.level)
        except NotPermitted as refusal:
            raise ValidationFailed(refusal.message, field_errors={"recipients": [refusal.message]}) from None
    request = DistributionRequest.objects.create(document=document, requested_by=actor, reason=reason.strip())
    for person in people:
        DistributionRecipient.objects.create(request=request, user=person)
    audit.record(
        action=AuditAction.DISTRIBUTION_REQUEST,
        actor=actor,
        document=document,
        details={"request": request.pk, "recipients": [p.pk for p in people], "reason": request.reason},
    )
    return request


@transaction.atomic
def distribution_decide(
    *,
    recipient: DistributionRecipient,
    actor: User,
    approve: bool,
    reason: str,
    expires_at: datetime | None = None,
) -> DistributionRecipient:
    """The supervisor approves (grant + numbered copy) or refuses one recipient, with a reason."""
    document, recipient = locked_item(
        DistributionRecipient, recipient.pk, document_field="request__document_id", related=("request", "user")
    )
    recipient.request.document = document
    require_decide_distribution(actor, recipient)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the decision."), field_errors={"reason": [_("Required.")]})
    recipient.decided_by = actor
    recipient.decided_at = timezone.now()
    recipient.decision_reason = reason.strip()
    if not approve:
        recipient.decision = Decision.REFUSED
        recipient.save()
        audit.record(
            action=AuditAction.DISTRIBUTION_REFUSE,
            actor=actor,
            document=document,
            details={"recipient": recipient.user_id, "reason": recipient.decision_reason},
        )
        return recipient
    need_active(document)
    grant = grant_create(
        document=document,
        user=recipient.user,
        basis=GrantBasis.DISTRIBUTION,
        reason=recipient.request.reason,
        granted_by=actor,
        expires_at=expires_at,
    )
    copy = issue_copy(
        document=document, holder=recipient.user, actor=actor, grant=grant, reproduction=False, purpose="distribution"
    )
    recipient.decision = Decision.APPROVED
    recipient.expires_at = expires_at
    recipient.grant = grant
    recipient.copy = copy
    recipient.save()
    audit.record(
        action=AuditAction.DISTRIBUTION_APPROVE,
        actor=actor,
        document=document,
        details={"recipient": recipient.user_id, "copy": copy.number, "reason": recipient.decision_reason},
    )
    return recipient


def _live_grant(user: User, document: Document) -> NeedToKnowGrant | None:
    live = NeedToKnowGrant.objects.filter(user=user, document=document, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    return live.order_by("-basis").first()


@transaction.atomic
def grant_revoke(*, grant: NeedToKnowGrant, actor: User, reason: str) -> NeedToKnowGrant:
    """A deciding supervisor withdraws someone's need-to-know; their lists change at once."""
    locked(grant.document_id)
    grant = NeedToKnowGrant.objects.select_related("document").get(pk=grant.pk)
    require_revoke_grant(actor, grant)
    if not reason.strip():
        raise ValidationFailed(_("Say why the grant is revoked."), field_errors={"reason": [_("Required.")]})
    return grant_end(grant=grant, actor=actor, reason=reason)


def _locked_copy(copy: DocumentCopy) -> DocumentCopy:
    return locked_item(DocumentCopy, copy.pk, related=("document",))[1]


@transaction.atomic
def copy_sign_for(*, copy: DocumentCopy, actor: User) -> DocumentCopy:
    """The holder signs for the copy they were given."""
    copy = _locked_copy(copy)
    require_sign_for_copy(actor, copy)
    copy.signed_at = timezone.now()
    copy.save(update_fields=["signed_at"])
    CopyCustody.objects.create(copy=copy, movement=CopyMovement.SIGN, to_user=actor, by=actor)
    audit.record(action=AuditAction.COPY_SIGN, actor=actor, document=copy.document, details={"copy": copy.number})
    return copy


@transaction.atomic
def copy_pass(*, copy: DocumentCopy, actor: User, to_user: User, note: str = "") -> DocumentCopy:
    """The holder passes the copy to someone who already has need-to-know; they sign for it again."""
    copy = _locked_copy(copy)
    require_pass_copy(actor, copy)
    if to_user.pk == actor.pk:
        raise ValidationFailed(_("You already hold this copy."), field_errors={"to_user": [_("Choose someone else.")]})
    if not can_know(to_user, copy.document):
        raise NotPermitted(
            _("%(person)s has no approved need-to-know for this document; ask for distribution first.")
            % {"person": to_user.display_name}
        )
    previous = copy.holder
    copy.holder = to_user
    copy.signed_at = None
    # The copy now rests on the new holder's own need-to-know, so returning it ends theirs.
    copy.grant = _live_grant(to_user, copy.document)
    copy.save(update_fields=["holder", "signed_at", "grant"])
    CopyCustody.objects.create(
        copy=copy, movement=CopyMovement.PASS, from_user=previous, to_user=to_user, by=actor, note=note.strip()
    )
    audit.record(
        action=AuditAction.COPY_PASS,
        actor=actor,
        document=copy.document,
        details={"copy": copy.number, "from": previous.pk, "to": to_user.pk},
    )
    return copy


@transaction.atomic
def copy_recall(*, document: Document, actor: User, reason: str) -> list[DocumentCopy]:
    """Ask every holder to return their copy; the outstanding list runs until all are back."""
    document = locked(document)
    require_recall_copies(actor, document)
    if not reason.strip():
        raise ValidationFailed(_("Say why the copies are recalled."), field_errors={"reason": [_("Required.")]})
    now = timezone.now()
    copies = list(
        DocumentCopy.objects.select_for_update(no_key=True).filter(document=document, state=CopyState.HELD, recalled_at__isnull=True)
    )
    if not copies:
        raise InvalidTransition(_("No copy of this document is held outside the archive: there is nothing to recall."))
    for copy in copies:
        copy.recalled_at = now
        copy.save(update_fields=["recalled_at"])
        CopyCustody.objects.create(copy=copy, movement=CopyMovement.RECALL, from_user=copy.holder, by=actor, note=reason.strip())
    audit.record(
        action=AuditAction.COPY_RECALL,
        actor=actor,
        document=document,
        details={"copies": [c.number for c in copies], "reason": reason.strip()},
    )
    return copies


@transaction.atomic
def copy_return(*, copy: DocumentCopy, actor: User, note: str = "") -> DocumentCopy:
    """Take a copy back; the holder's need-to-know from that copy ends with it."""
    copy = _locked_copy(copy)
    require_return_copy(actor, copy)
    previous = copy.holder
    copy.state = CopyState.RETURNED
    copy.returned_at = timezone.now()
    copy.holder = None
    copy.save(update_fields=["state", "returned_at", "holder"])
    CopyCustody.objects.create(copy=copy, movement=CopyMovement.RETURN, from_user=previous, by=actor, note=note.strip())
    # A grant that another held copy still rests on stays live until that copy is back too.
    still_holds = DocumentCopy.objects.filter(grant_id=copy.grant_id, state=CopyState.HELD).exists()
    if copy.grant_id and previous is not None and copy.grant.user_id == previous.pk and not still_holds:
        grant_end(grant=copy.grant, actor=actor, reason=_("Copy %(n)s returned") % {"n": copy.number})
    audit.record(
        action=AuditAction.COPY_RETURN,
        actor=actor,
        document=copy.document,
        details={"copy": copy.number, "from": previous.pk if previous else None},
    )
    return copy


@transaction.atomic
def reproduction_request(*, document: Document, actor: User, kind: str, reason: str) -> ReproductionRequest:
    """Ask to copy or publish a document: neither happens without approval."""
    document = locked(document)
    if kind not in ReproductionKind.values:
        raise ValidationFailed(_("Unknown kind of request."), field_errors={"kind": [_("Unknown.")]})
    require_request_reproduction(actor, document, kind)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason."), field_errors={"reason": [_("Required.")]})
    request = ReproductionRequest.objects.create(document=document, kind=kind, requested_by=actor, reason=reason.strip())
    audit.record(
        action=AuditAction.REPRODUCTION_REQUEST,
        actor=actor,
        document=document,
        details={"request": request.pk, "kind": kind, "reason": request.reason},
    )
    return request


@transaction.atomic
def reproduction_decide(*, request: ReproductionRequest, actor: User, approve: bool, reason: str) -> ReproductionRequest:
    """Approve or refuse copying/publication; an approved copy is the next number, marked 複製物."""
    document, request = locked_item(ReproductionRequest, request.pk)
    request.document = document
    require_decide_reproduction(actor, request)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the decision."), field_errors={"reason": [_("Required.")]})
    request.decision = Decision.APPROVED if approve else Decision.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason.strip()
    if approve and request.kind == ReproductionKind.COPY:
        need_active(document)
        request.copy = issue_copy(
            document=document,
            holder=request.requested_by,
            actor=actor,
            grant=None,
            reproduction=True,
            purpose="reproduction",
        )
    request.save()
    audit.record(
        action=AuditAction.REPRODUCTION_APPROVE if approve else AuditAction.REPRODUCTION_REFUSE,
        actor=actor,
        document=document,
        details={"request": request.pk, "kind": request.kind, "reason": request.decision_reason},
    )
    return request
