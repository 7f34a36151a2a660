"""Dispatch in double envelopes (office rule 4, 妥慎傳送) and its receipts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import Dispatch, DispatchState, Document, DocumentState, User
from registry.policies.base import active, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role

# Dispatch is for documents that are in the office's hands: registered up to in handling, and an
# outgoing document waiting to be sent or already sent to one addressee (正本, then 副本). A
# cancelled registration, a document in the archive (or out on loan) and a destroyed one are not sent.
DISPATCHABLE = (
    DocumentState.DRAFTED,
    DocumentState.DISPATCHED,
    DocumentState.REGISTERED,
    DocumentState.OPENED,
    DocumentState.ROUTED,
    DocumentState.SIGNED,
    DocumentState.IN_HANDLING,
)


def _need_dispatching_clerk(user: User, document: Document) -> None:
    if not active(user) or not user.has_role(Role.CLERK) or user.unit_id is None:
        raise NotPermitted(_("Only a clerk records dispatches."))
    if not UnitScope.of(user).reaches_document(document) and document.custodian_id != user.pk:
        raise NotPermitted(_("Only a clerk of the document's unit may dispatch it."))


@rule("dispatch")
def require_dispatch(user: User, document: Document) -> None:
    """A clerk of the document's unit records a dispatch of a document the office still handles."""
    _need_dispatching_clerk(user, document)
    if document.state not in DISPATCHABLE:
        raise InvalidTransition(_("A %(state)s document cannot be dispatched.") % {"state": document.get_state_display()})


can_dispatch = permits(require_dispatch)


@rule("record_receipt")
def require_record_receipt(user: User, dispatch: Dispatch) -> None:
    """A clerk of the document's unit records the receipt (回執) of a dispatch, once."""
    _need_dispatching_clerk(user, dispatch.document)
    if dispatch.state != DispatchState.SENT:
        raise InvalidTransition(_("The receipt of this dispatch has already been recorded."))


can_record_receipt = permits(require_record_receipt)
