"""Restricted distribution (office rule 3, 限制分發): who asks, who decides, numbered copies, copying
and publication, and the need-to-know grants they give."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import (
    CopyState,
    Decision,
    DistributionRecipient,
    Document,
    DocumentCopy,
    DocumentState,
    NeedToKnowGrant,
    ReproductionKind,
    ReproductionRequest,
    User,
)
from registry.policies.access import can_know
from registry.policies.base import active, need_clearance, not_own, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role

# A document is distributed, copied or recalled only while someone is handling it.
ACTIVE_STATES = (DocumentState.SIGNED, DocumentState.IN_HANDLING)


def need_active(document: Document) -> None:
    """Refuse a document nobody is handling (not yet signed for, archived, cancelled, destroyed)."""
    if document.state not in ACTIVE_STATES:
        raise InvalidTransition(
            _(
                "Only a document that has been signed for and is being handled can be distributed or "
                "copied; this one is %(state)s."
            )
            % {"state": document.get_state_display()}
        )


@rule("decide_for_document")
def require_decide_for_document(user: User, document: Document) -> None:
    """The supervisor of the receiving or the handling unit (or of a unit above), or the head of
    the agency, cleared to the document's level, decides distribution, copying, loans and changes
    of level: a decision belongs to the unit that owns the document."""
    head = active(user) and user.is_agency_head
    if not head and (not active(user) or not user.has_role(Role.SUPERVISOR) or user.unit_id is None):
        raise NotPermitted(_("Only a unit supervisor may approve or refuse distribution and copying."))
    if not head and not UnitScope.of(user).reaches_document(document):
        raise NotPermitted(_("Only the supervisor of the receiving or handling unit may decide for this document."))
    need_clearance(user, document.level)


can_decide_for_document = permits(require_decide_for_document)


def _need_knowing_handler(user: User, document: Document) -> None:
    if not active(user) or not user.has_role(Role.HANDLER) or not can_know(user, document):
        raise NotPermitted(_("Only a handler who knows this document may ask for its distribution or copying."))


@rule("request_distribution")
def require_request_distribution(user: User, document: Document) -> None:
    """A handler who knows the document asks that named people receive it (限制分發)."""
    _need_knowing_handler(user, document)
    need_active(document)


can_request_distribution = permits(require_request_distribution)


@rule("decide_distribution")
def require_decide_distribution(user: User, recipient: DistributionRecipient) -> None:
    """The deciding supervisor approves or refuses one pending recipient."""
    require_decide_for_document(user, recipient.request.document)
    not_own(user, recipient.request.requested_by_id, recipient.user_id, doing=_("decide this distribution"))
    if recipient.decision != Decision.PENDING:
        raise InvalidTransition(_("This recipient has already been decided."))


can_decide_distribution = permits(require_decide_distribution)


@rule("revoke_grant")
def require_revoke_grant(user: User, grant: NeedToKnowGrant) -> None:
    """The deciding supervisor withdraws a live need-to-know grant."""
    require_decide_for_document(user, grant.document)
    if grant.ended_at is not None:
        raise InvalidTransition(_("This grant has already ended."))


can_revoke_grant = permits(require_revoke_grant)


@rule("request_reproduction")
def require_request_reproduction(user: User, document: Document, kind: str | None = None) -> None:
    """A handler who knows the document asks to copy or publish it; 絕對機密 may not be copied at
    all (國家機密保護法第15條)."""
    _need_knowing_handler(user, document)
    need_active(document)
    if kind == ReproductionKind.COPY:
        need_copyable(document)


can_request_reproduction = permits(require_request_reproduction)


def need_copyable(document: Document) -> None:
    """Refuse a further copy (複製物) of a level that may not be copied (國家機密保護法第15條)."""
    if not document.level_enum.rule.may_be_copied:
        raise NotPermitted(
            _("A %(level)s document may not be copied at all (National Secrets Protection Act, Article 15).")
            % {"level": document.level_label}
        )


@rule("decide_reproduction")
def require_decide_reproduction(user: User, request: ReproductionRequest) -> None:
    """The deciding supervisor approves or refuses a pending request to copy or publish."""
    require_decide_for_document(user, request.document)
    not_own(user, request.requested_by_id, doing=_("decide this request"))
    if request.decision != Decision.PENDING:
        raise InvalidTransition(_("This request has already been decided."))


can_decide_reproduction = permits(require_decide_reproduction)


@rule("sign_for_copy")
def require_sign_for_copy(user: User, copy: DocumentCopy) -> None:
    """The person holding a numbered copy signs for it, once."""
    if not active(user) or copy.state != CopyState.HELD or copy.holder_id != user.pk:
        raise NotPermitted(_("Only the person holding this copy may sign for it."))
    if copy.signed_at is not None:
        raise InvalidTransition(_("This copy has already been signed for."))


can_sign_for_copy = permits(require_sign_for_copy)


@rule("pass_copy")
def require_pass_copy(user: User, copy: DocumentCopy) -> None:
    """The holder passes a copy to someone who already has need-to-know (not once it is recalled)."""
    if not active(user) or copy.state != CopyState.HELD or copy.holder_id != user.pk:
        raise NotPermitted(_("Only the person holding this copy may pass it on."))
    if copy.recalled_at is not None:
        raise InvalidTransition(_("This copy has been recalled: return it instead of passing it on."))


can_pass_copy = permits(require_pass_copy)


@rule("manage_copies")
def require_manage_copies(user: User, document: Document) -> None:
    """The custodian, or a supervisor or clerk of the receiving or handling unit, recalls copies
    and takes them back."""
    if not active(user):
        raise NotPermitted(_("Only the custodian, or a supervisor or clerk of the unit, may recall copies."))
    if document.custodian_id == user.pk:
        return
    if user.has_role(Role.SUPERVISOR, Role.CLERK) and UnitScope.of(user).reaches_document(document):
        return
    raise NotPermitted(_("Only the custodian, or a supervisor or clerk of the unit, may recall copies."))


can_manage_copies = permits(require_manage_copies)


@rule("recall_copies")
def require_recall_copies(user: User, document: Document) -> None:
    """Ask every holder to return their copy; there must be a copy out that was not yet recalled."""
    require_manage_copies(user, document)
    if not DocumentCopy.objects.filter(document=document, state=CopyState.HELD, recalled_at__isnull=True).exists():
        raise InvalidTransition(_("No copy of this document is held outside the archive: there is nothing to recall."))


can_recall_copies = permits(require_recall_copies)


@rule("return_copy")
def require_return_copy(user: User, copy: DocumentCopy) -> None:
    """Take a copy that is out back."""
    try:
        require_manage_copies(user, copy.document)
    except NotPermitted:
        raise NotPermitted(
            _("Only the custodian, or a supervisor or clerk of the unit, may take a copy back.")
        ) from None
    if copy.state != CopyState.HELD:
        raise InvalidTransition(_("This copy has already been returned."))


can_return_copy = permits(require_return_copy)
