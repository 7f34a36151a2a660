"""Who may do what: the one object check, and the register's scope per role."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from registry import audit
from registry.models import AuditAction, Document, User
from registry.models.documents import need_to_know_q
from registry.roles import Role


def can_know(user: User, document: Document) -> bool:
    """The one object check: may this person know this document (need-to-know or custody)?"""
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def visible_document_or_404(user: User, pk, *, purpose: str = "view") -> Document:
    """Fetch a document the person may know; otherwise audit the refusal and answer 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    document = Document.objects.visible_to(user).filter(pk=pk).first() if pk else None
    if document is None:
        record_denied(user, pk, purpose=purpose)
        raise Http404(_("No such document, or you have no need to know it."))
    return document


def record_denied(user: User, pk, *, purpose: str) -> None:
    """Write the refused access into the chain, naming the document when it exists."""
    target = Document.objects.filter(pk=pk).first() if pk else None
    actor = user if getattr(user, "is_authenticated", False) else None
    audit.record(
        action=AuditAction.ACCESS_DENIED,
        actor=actor,
        document=target,
        details={"requested": pk, "purpose": purpose},
    )


def register_scope(user: User) -> Q:
    """Which register entries (handling metadata, subject masked) a person's roles reach."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    scope = Q(pk__in=[])
    if user.has_role(Role.ETHICS, Role.ARCHIVIST):
        # Not Q(): an empty Q vanishes when OR-ed with the need-to-know filter.
        return Q(pk__isnull=False)
    if user.unit_id and user.has_role(Role.CLERK, Role.SUPERVISOR):
        scope |= Q(responsible_unit_id__in=user.unit.descendant_ids())
    if user.has_role(Role.CLERK):
        scope |= Q(registered_by_id=user.pk)
    if user.has_role(Role.HANDLER):
        # A document routed to a handler waits on their list before they sign for it.
        scope |= Q(routed_to_id=user.pk)
    return scope


def register_for(user: User):
    """The register a person may read: entries in scope plus what they know; ``known`` unmasks."""
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    return Document.objects.filter(register_scope(user) | need_to_know_q(user)).with_need_to_know(user)


def may_read_trail(user: User, document: Document) -> bool:
    """The handling trail (metadata only) is for the ethics office, the register roles in scope,
    and everyone who knows the document."""
    if user.has_role(Role.ETHICS):
        return True
    return register_for(user).filter(pk=document.pk).exists()
