"""待辦: the work waiting for a person, one list per part of their roles."""

from __future__ import annotations

from django.db import connections, router
from django.db.models import Q, QuerySet

from registry import policies
from registry.models import (
    CopyState,
    Decision,
    Direction,
    DistributionRecipient,
    Document,
    DocumentCopy,
    DocumentState,
    Loan,
    LoanState,
    ReproductionRequest,
    User,
)
from registry.policies import UnitScope
from registry.roles import Role
from registry.selectors import archive, declassification, destruction, dispatch
from registry.selectors.documents import register_rows

DASHBOARD_LIMIT = 20
DECISIONS_LIMIT = 50


def copies_to_sign(user: User) -> QuerySet:
    """Numbered copies given to this person that they have not signed for yet (a to-do)."""
    return _my_copies(user).filter(signed_at__isnull=True)


def copies_held(user: User) -> QuerySet:
    """Numbered copies this person holds, signed for."""
    return _my_copies(user).filter(signed_at__isnull=False)


def _my_copies(user: User) -> QuerySet:
    # Only copies of documents the person may know now (a revoked need-to-know hides the copy's
    # document here as everywhere; the recall list still names the copy).
    return (
        DocumentCopy.objects.filter(holder_id=user.pk, state=CopyState.HELD)
        .filter(document__in=Document.objects.visible_to(user).values("pk"))
        .select_related("document")
        .order_by("document__registered_at", "document_id", "number")
    )


def my_loans(user: User) -> QuerySet:
    """This person's loans still open: asked for, approved, or lent."""
    return (
        Loan.objects.filter(borrower_id=user.pk, state__in=[LoanState.REQUESTED, LoanState.APPROVED, LoanState.LENT])
        .select_related("document")
        .order_by("requested_at", "pk")
    )


def loans_to_hand_out() -> QuerySet:
    """Loans approved and not yet lent: the archive hands them out."""
    return Loan.objects.filter(state=LoanState.APPROVED).select_related("document", "borrower").order_by("decided_at", "pk")


def todo_querysets(user: User) -> dict[str, QuerySet]:
    """Every to-do of this person, one queryset per kind (unsliced, unordered where it can be):
    the dashboard lists them and the menu counts them."""
    todo: dict[str, QuerySet] = {}
    register = policies.register_for(user, known=False)
    units = UnitScope.of(user)
    if user.has_role(Role.SUPERVISOR):
        todo["to_open"] = register.filter(units.receiving_q(), state=DocumentState.REGISTERED).exclude(
            direction=Direction.OUTGOING
        )
        if units:
            todo["pending_recipients"] = DistributionRecipient.objects.filter(decision=Decision.PENDING).filter(
                units.documents_q("request__document__")
            )
            todo["pending_reproductions"] = ReproductionRequest.objects.filter(
                units.documents_q("document__"), decision=Decision.PENDING
            )
            todo["pending_loans"] = archive.pending_loans(user)
    if user.has_role(Role.CLERK):
        mine = units.receiving_q() | Q(registered_by_id=user.pk)
        todo["to_route"] = register.filter(mine, state=DocumentState.OPENED)
        todo["to_dispatch"] = register.filter(mine, state=DocumentState.DRAFTED)
    if user.has_role(Role.HANDLER):
        todo["to_sign"] = register.filter(routed_to_id=user.pk, state=DocumentState.ROUTED)
    if user.is_active:
        todo["copies_to_sign"] = copies_to_sign(user)
    if user.has_role(Role.ARCHIVIST):
        todo["archive_to_file"] = register.filter(state=DocumentState.TO_ARCHIVE)
        todo["loans_to_hand_out"] = loans_to_hand_out()
    return todo


def todo_counts(user: User) -> dict[str, int]:
    """How many of each to-do wait for this person, and ``total``: one query, whatever the roles."""
    todo = todo_querysets(user)
    if not todo:
        return {"total": 0}
    # Each count is a scalar subquery over the SQL Django compiles for the queryset (values stay
    # parameters; the aliases are this module's own names), so the menu costs one round trip.
    parts, params = [], []
    for name, queryset in todo.items():
        sql, values = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {name}_rows) AS {name}")  # noqa: S608  # nosec B608: SQL compiled by Django, values passed as parameters
        params.extend(values)
    connection = connections[router.db_for_read(Document)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = dict(zip(todo, cursor.fetchone(), strict=True))
    counts["total"] = sum(counts.values())
    counts["archive"] = counts.get("archive_to_file", 0) + counts.get("loans_to_hand_out", 0)
    return counts


def document_lists(user: User) -> dict[str, QuerySet]:
    """The documents waiting for a person (待辦), one list per role they hold."""
    lists: dict[str, QuerySet] = {}
    register = policies.register_for(user)
    units = UnitScope.of(user)
    if user.has_role(Role.SUPERVISOR):
        # 拆閱 is for what the office receives: its own outgoing documents are never opened.
        lists["to_open"] = register.filter(units.receiving_q(), state=DocumentState.REGISTERED).exclude(
            direction=Direction.OUTGOING
        )
    if user.has_role(Role.CLERK):
        mine = units.receiving_q() | Q(registered_by_id=user.pk)
        lists["to_route"] = register.filter(mine, state=DocumentState.OPENED)
        lists["to_dispatch"] = register.filter(mine, state=DocumentState.DRAFTED)
        lists["recent"] = register.filter(mine)
    if user.has_role(Role.HANDLER):
        # A handler's register reaches what is routed to them, subject masked until they sign.
        lists["to_sign"] = register.filter(routed_to_id=user.pk, state=DocumentState.ROUTED)
        lists["in_hand"] = register.filter(
            custodian_id=user.pk, state__in=[DocumentState.SIGNED, DocumentState.IN_HANDLING]
        )
    return {name: register_rows(qs)[:DASHBOARD_LIMIT] for name, qs in lists.items()}


def dashboard_for(user: User) -> dict:
    """Everything the dashboard shows this person."""
    context: dict = {"lists": document_lists(user)}
    units = UnitScope.of(user)
    if user.has_role(Role.SUPERVISOR) and units:
        context["pending_recipients"] = (
            DistributionRecipient.objects.filter(decision=Decision.PENDING)
            .filter(units.documents_q("request__document__"))
            .select_related("user", "request__document")
            .order_by("request__requested_at", "pk")[:DECISIONS_LIMIT]
        )
        context["pending_reproductions"] = (
            ReproductionRequest.objects.filter(units.documents_q("document__"), decision=Decision.PENDING)
            .select_related("document", "requested_by")
            .order_by("requested_at", "pk")[:DECISIONS_LIMIT]
        )
        context["show_decisions"] = True
        context["pending_loans"] = list(archive.pending_loans(user)[:DASHBOARD_LIMIT])
        context["show_loan_decisions"] = True
        due = declassification.due_declassifications(user).filter(units.documents_q())
        context["declass_due"] = register_rows(due)[:DASHBOARD_LIMIT]
        context["show_declass_due"] = True
    if user.has_role(Role.SUPERVISOR):
        context["destruction_drafts"] = destruction.inventories_to_approve()
        context["show_destruction_drafts"] = True
    if user.has_role(Role.CLERK):
        context["overdue_count"] = dispatch.clerk_overdue(user).count()
        context["show_overdue"] = True
    if user.has_role(Role.ARCHIVIST):
        context["archive_to_file"] = register_rows(
            policies.register_for(user).filter(state=DocumentState.TO_ARCHIVE)
        )[:DASHBOARD_LIMIT]
        context["archive_overdue"] = list(archive.overdue_loans().order_by("due_on", "pk")[:DASHBOARD_LIMIT])
        context["show_archive_work"] = True
    if user.has_role(Role.ARCHIVIST):
        context["loans_to_hand_out"] = list(loans_to_hand_out()[:DASHBOARD_LIMIT])
    context["copies_to_sign"] = list(copies_to_sign(user)[:DASHBOARD_LIMIT])
    context["copies_held"] = list(copies_held(user)[:DASHBOARD_LIMIT])
    context["my_loans"] = list(my_loans(user)[:DASHBOARD_LIMIT])
    if user.has_role(Role.ETHICS):
        context["destruction_to_witness"] = destruction.inventories_to_witness()
        context["show_destruction_witness"] = True
    return context
