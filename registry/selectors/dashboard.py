"""待辦: the work waiting for a person, one list per part of their roles."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from registry import policies
from registry.models import Decision, Direction, DistributionRecipient, DocumentState, ReproductionRequest, User
from registry.policies import UnitScope
from registry.roles import Role
from registry.selectors import archive, declassification, destruction, dispatch
from registry.selectors.documents import register_rows

DASHBOARD_LIMIT = 20
DECISIONS_LIMIT = 50


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
    if user.has_role(Role.ETHICS):
        context["destruction_to_witness"] = destruction.inventories_to_witness()
        context["show_destruction_witness"] = True
    return context
