"""Who may know a document, read its register entry or its trail; and the one record of a refusal."""

from __future__ import annotations

from django.db.models import BooleanField, Func, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.errors import NotPermitted
from registry.models import AuditAction, Document, DocumentUserObjectPermission, User
from registry.models.documents import VIEW_PERMISSION
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


def reads_whole_register(user: User) -> bool:
    """The ethics office and the archive read every entry of the register (subjects masked)."""
    return active(user) and user.has_role(Role.ETHICS, Role.ARCHIVIST)


def register_ids(user: User):
    """The ids of the documents in a person's register, as indexed lookups joined by UNION: what
    they know (custody, a live permission — within their present clearance) and what their roles
    reach (their units' documents for clerks and supervisors, what a clerk registered, what is routed
    to a handler). An ``OR`` of the same conditions cannot use an index, and at a million documents
    PostgreSQL then reads the whole table for every list."""
    documents = Document.objects.order_by()
    branches = _known_branches(user)
    if user.has_role(Role.CLERK, Role.SUPERVISOR):
        units = UnitScope.of(user)
        if units:
            branches.append(documents.filter(responsible_unit_id__in=sorted(units.ids)).values("pk"))
    if user.has_role(Role.CLERK):
        branches.append(documents.filter(registered_by_id=user.pk).values("pk"))
    if user.has_role(Role.HANDLER):
        # A document routed to a handler waits on their list before they sign for it.
        branches.append(documents.filter(routed_to_id=user.pk).values("pk"))
    if not branches:
        return documents.none().values("pk")
    return branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]


def _known_branches(user: User) -> list:
    """What a person knows, as indexed lookups: custody, and a live permission, each within the
    person's present clearance (the same rows as ``need_to_know_q``)."""
    if not user.clearance:
        return []
    return [
        Document.objects.order_by().filter(custodian_id=user.pk, level__lte=user.clearance).values("pk"),
        DocumentUserObjectPermission.objects.order_by()
        .filter(
            user_id=user.pk,
            permission__codename=VIEW_PERMISSION,
            permission__content_type__app_label="registry",
            content_object__level__lte=user.clearance,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .values("content_object_id"),
    ]


def known_ids(user: User):
    """The ids of the documents a person knows (need-to-know), for a search that must never match,
    count or order a document they do not know (a subject term)."""
    branches = _known_branches(user) if active(user) else []
    if not branches:
        return Document.objects.none().values("pk")
    return branches[0].union(*branches[1:])


class IsTrue(Func):
    """``(condition) IS TRUE``: the same rows as the condition, but PostgreSQL then plans an
    ``id IN (subquery)`` as a hashed lookup per row of the outer ordered scan instead of joining the
    whole document table to the subquery (measured at a million documents: 0.3 s against 1 s for a
    clerk's first page)."""

    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


def register_for(user: User, *, known: bool = True):
    """The register a person may read: entries in scope plus what they know; ``known`` (annotated
    unless asked not to) unmasks the subject. For a page of it, filter and order this without
    ``known`` and annotate only the page's rows (``registry.selectors.register_page``)."""
    if not active(user):
        return Document.objects.none()
    if reads_whole_register(user):
        queryset = Document.objects.all()
    else:
        in_register = Q(pk__in=register_ids(user))
        # A unit's register (a clerk's, a supervisor's) can hold a large part of the table: each row
        # of the ordered scan is then checked against the hashed ids. What a person knows alone is a
        # few thousand rows at most: those are fetched by their ids and sorted.
        queryset = Document.objects.filter(IsTrue(in_register) if reads_units_register(user) else in_register)
    return queryset.with_need_to_know(user) if known else queryset


def reads_units_register(user: User) -> bool:
    """Whether a person's register reaches whole units' documents (clerks and supervisors)."""
    return user.has_role(Role.CLERK, Role.SUPERVISOR)


@rule("read_register_entry", present_state=False)
def require_read_register_entry(user: User, document: Document) -> None:
    """The document is in the person's register (its handling metadata, subject masked)."""
    if not active(user) or not register_for(user).filter(pk=document.pk).exists():
        raise NotPermitted(_("No such document, or you have no need to know it."))


can_read_register_entry = permits(require_read_register_entry)


@rule("read_trail", present_state=False)
def require_read_trail(user: User, document: Document) -> None:
    """The handling trail (metadata only) is for the ethics office, the register roles in scope,
    and everyone who knows the document."""
    if active(user) and user.has_role(Role.ETHICS):
        return
    require_read_register_entry(user, document)


can_read_trail = permits(require_read_trail)
