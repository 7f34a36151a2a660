"""Reads of the archive: its register, the loans, the storage locations."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from registry import policies
from registry.models import DocumentState, Loan, LoanState, StorageLocation, User
from registry.policies import UnitScope
from registry.roles import Role

ARCHIVE_STATES = (DocumentState.TO_ARCHIVE, DocumentState.ARCHIVED, DocumentState.ON_LOAN)
OPEN_LOAN_STATES = (LoanState.REQUESTED, LoanState.APPROVED, LoanState.LENT)


def archive_register(user: User) -> QuerySet:
    """Documents in the archive's care that the person's register reaches, ``known`` annotated:
    everything for the archive, the units' documents for a supervisor."""
    queryset = policies.register_for(user).filter(state__in=ARCHIVE_STATES)
    if not user.has_role(Role.ARCHIVIST):
        queryset = queryset.filter(UnitScope.of(user).documents_q())
    return queryset


def loans_for(user: User) -> QuerySet:
    """The loans a person may see: their own, their units' for a supervisor, all of them for the
    archive and the ethics office."""
    if user.has_role(Role.ARCHIVIST, Role.ETHICS):
        return Loan.objects.all()
    scope = Q(borrower=user)
    if user.has_role(Role.SUPERVISOR):
        units = UnitScope.of(user)
        if units:
            scope |= units.documents_q("document__")
    return Loan.objects.filter(scope)


def archive_loans(user: User) -> QuerySet:
    """The loans the archive page lists for this person."""
    return loans_for(user).select_related("document", "borrower")


def overdue_loans(*, today: date | None = None) -> QuerySet:
    """Loans out past their due date."""
    today = today or timezone.localdate()
    return Loan.objects.filter(state=LoanState.LENT, due_on__lt=today).select_related("document", "borrower")


def pending_loans(user: User) -> QuerySet:
    """Loan requests of the supervisor's units, waiting for a decision."""
    return (
        Loan.objects.filter(state=LoanState.REQUESTED)
        .filter(UnitScope.of(user).documents_q("document__"))
        .select_related("document", "borrower")
        .order_by("requested_at", "pk")
    )


def storage_locations() -> QuerySet:
    """Locations in use, with how many documents each holds now."""
    return (
        StorageLocation.objects.filter(active=True)
        .select_related("keeper")
        .annotate(held=Count("documents", filter=Q(documents__state__in=[DocumentState.ARCHIVED, DocumentState.ON_LOAN])))
        .order_by("zone", "code")
    )
