"""The handling path of a document: register, open and instruct, route, sign for, handle, cancel.

Office rule 2 (減少層次): the unit supervisor opens, the clerk routes as instructed, the designated
handler signs for it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import NotPermitted
from registry.models import Document, DocumentState, User
from registry.policies.base import need_clearance, need_role, need_state, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role

CANCELLABLE = (DocumentState.REGISTERED, DocumentState.OPENED, DocumentState.DRAFTED)


@rule("register")
def require_register(user: User) -> None:
    """A clerk of a unit registers documents (收文/發文登記)."""
    need_role(user, Role.CLERK, doing=_("register documents"))
    if user.unit_id is None:
        raise NotPermitted(_("You belong to no unit, so there is no register to write in."))


can_register = permits(require_register)


@rule("import_register")
def require_import_register(user: User) -> None:
    """A clerk brings their units' paper registers into the registry (匯入舊登記簿)."""
    need_role(user, Role.CLERK, doing=_("import registers"))
    if user.unit_id is None:
        raise NotPermitted(_("You belong to no unit, so there is no register to write in."))


can_import_register = permits(require_import_register)


@rule("open")
def require_open(user: User, document: Document) -> None:
    """The supervisor of the receiving unit (or a unit above it), cleared to the level, opens a
    registered document and instructs (拆閱批示)."""
    need_role(user, Role.SUPERVISOR, doing=_("open and instruct documents"))
    need_state(document, (DocumentState.REGISTERED,), _("opened"))
    if document.responsible_unit_id not in UnitScope.of(user):
        raise NotPermitted(
            _("Only the supervisor of %(unit)s or of a unit above it may open this document.")
            % {"unit": document.responsible_unit.name}
        )
    need_clearance(user, document.level)


can_open = permits(require_open)


@rule("route")
def require_route(user: User, document: Document) -> None:
    """A clerk of the receiving unit (or the registering clerk holding it) routes an opened
    document to a handler of the instructed unit (分文)."""
    need_role(user, Role.CLERK, doing=_("route documents"))
    need_state(document, (DocumentState.OPENED,), _("routed"))
    if document.custodian_id != user.pk and document.responsible_unit_id not in UnitScope.of(user):
        raise NotPermitted(_("Only a clerk of the receiving unit may route this document."))


can_route = permits(require_route)


@rule("sign_for")
def require_sign_for(user: User, document: Document) -> None:
    """Only the designated handler the document was routed to signs for it (簽收)."""
    need_role(user, Role.HANDLER, doing=_("sign for documents"))
    need_state(document, (DocumentState.ROUTED,), _("signed for"))
    if document.routed_to_id != user.pk:
        raise NotPermitted(_("This document was routed to someone else; only they may sign for it."))
    need_clearance(user, document.level)


can_sign_for = permits(require_sign_for)


@rule("begin_handling")
def require_begin_handling(user: User, document: Document) -> None:
    """The handler who signed for the document begins handling it (承辦)."""
    need_role(user, Role.HANDLER, doing=_("handle documents"))
    need_state(document, (DocumentState.SIGNED,), _("taken into handling"))
    if document.custodian_id != user.pk:
        raise NotPermitted(_("Only the handler who signed for the document may handle it."))


can_begin_handling = permits(require_begin_handling)


@rule("cancel")
def require_cancel(user: User, document: Document) -> None:
    """A clerk or supervisor of the receiving unit cancels a registration made in error, before
    anyone has signed for the document (or, for an outgoing one, before it is sent)."""
    need_role(user, Role.CLERK, Role.SUPERVISOR, doing=_("cancel a registration"))
    need_state(document, CANCELLABLE, _("cancelled"))
    if document.responsible_unit_id not in UnitScope.of(user):
        raise NotPermitted(_("Only the receiving unit may cancel this registration."))


can_cancel = permits(require_cancel)
