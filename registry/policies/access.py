"""Who may know a document, read its register entry or its trail; and the one record of a refusal."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from registry import audit
from registry.errors import NotPermitted
from registry.models import AuditAction, Document, User
from registry.models.documents import need_to_know_q
from registry.policies.base import active, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role


@rule("know")
def require_know(user: User, document: Document) -> None:
    """The one object check: the person may know this document (need-to-know or custody, within
    their present clearance, while their account is active)."""
    if not active(user) or not Document.objects.visible_to(user).filter(pk=document.pk).exists():
        raise NotPermitted(_("No such document, or you have no need to know it."))


can_know = permits(require_know)


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


def record_refusal(
    user,
    *,
    purpose: str,
    rule: str = "",
    document: Document | None = None,
    target=None,
    requested=None,
    reason: str = "",
    action: AuditAction = AuditAction.ACTION_REFUSED,
) -> None:
    """The one record of a refusal, in one shape: who, which document or record, what they tried
    (``purpose``), which rule refused (``rule``), and the refusal's text.

    ``ACCESS_DENIED`` for a read answered 404, ``ACTION_REFUSED`` for an action the rule book
    refused; the ethics office's "refused" report reads both.
    """
    details: dict = {"purpose": purpose}
    if rule:
        details["rule"] = rule
    if target is not None:
        details["object"] = f"{target._meta.model_name}:{target.pk}"
    if requested is not None:
        details["requested"] = requested
    if reason:
        details["reason"] = str(reason)
    actor = user if getattr(user, "is_authenticated", False) else None
    audit.record(action=action, actor=actor, document=document, details=details)


def record_denied(user, pk, *, purpose: str) -> None:
    """A refused read (answered 404), naming the document when it exists."""
    target = Document.objects.filter(pk=pk).first() if pk else None
    record_refusal(user, purpose=purpose, document=target, requested=pk, action=AuditAction.ACCESS_DENIED)


def register_scope(user: User) -> Q:
    """Which register entries (handling metadata, subject masked) a person's roles reach."""
    if not active(user):
        return Q(pk__in=[])
    if user.has_role(Role.ETHICS, Role.ARCHIVIST):
        # Not Q(): an empty Q vanishes when OR-ed with the need-to-know filter.
        return Q(pk__isnull=False)
    scope = Q(pk__in=[])
    if user.has_role(Role.CLERK, Role.SUPERVISOR):
        units = UnitScope.of(user)
        if units:
            scope |= units.receiving_q()
    if user.has_role(Role.CLERK):
        scope |= Q(registered_by_id=user.pk)
    if user.has_role(Role.HANDLER):
        # A document routed to a handler waits on their list before they sign for it.
        scope |= Q(routed_to_id=user.pk)
    return scope


def register_for(user: User):
    """The register a person may read: entries in scope plus what they know; ``known`` unmasks."""
    if not active(user):
        return Document.objects.none()
    return Document.objects.filter(register_scope(user) | need_to_know_q(user)).with_need_to_know(user)


@rule("read_register_entry")
def require_read_register_entry(user: User, document: Document) -> None:
    """The document is in the person's register (its handling metadata, subject masked)."""
    if not active(user) or not register_for(user).filter(pk=document.pk).exists():
        raise NotPermitted(_("No such document, or you have no need to know it."))


can_read_register_entry = permits(require_read_register_entry)


@rule("read_trail")
def require_read_trail(user: User, document: Document) -> None:
    """The handling trail (metadata only) is for the ethics office, the register roles in scope,
    and everyone who knows the document."""
    if active(user) and user.has_role(Role.ETHICS):
        return
    require_read_register_entry(user, document)


can_read_trail = permits(require_read_trail)
