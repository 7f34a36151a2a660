"""The checks every service makes before it changes anything."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import Document, DocumentState, User
from registry.roles import Role


def require_role(actor: User, role: Role, doing: str) -> None:
    """Refuse an actor who does not hold ``role``."""
    if not actor.has_role(role):
        raise NotPermitted(_("Only a %(role)s may %(doing)s.") % {"role": role.value, "doing": doing})


def require_state(document: Document, allowed: tuple[str, ...], doing: str) -> None:
    """Refuse a transition from a state not in ``allowed``, naming the states that are."""
    if document.state not in allowed:
        raise InvalidTransition(
            _("A document that is %(state)s cannot be %(doing)s; it must be %(allowed)s.")
            % {
                "state": document.get_state_display(),
                "doing": doing,
                "allowed": _(" or ").join(str(DocumentState(s).label) for s in allowed),
            }
        )


def locked(document: Document) -> Document:
    """The document's row, locked for the rest of the transaction."""
    return Document.objects.select_for_update().get(pk=document.pk)
