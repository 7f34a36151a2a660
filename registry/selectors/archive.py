"""Reads of the archive: its register, the loans, the storage locations."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from registry import policies
from registry.models import DocumentState, Loan, LoanState, StorageLocation, User
from registry.policies import UnitScope
from registry.roles import Role
from registry.selectors.pages import KeysetPage, keyset_page

ARCHIVE_STATES = (DocumentState.TO_ARCHIVE, DocumentState.ARCHIVED, DocumentState.ON_LOAN)
SHELVED_STATES = (DocumentState.ARCHIVED, DocumentState.ON_LOAN)
OPEN_LOAN_STATES = (LoanState.REQUESTED, LoanState.APPROVED, LoanState.LENT)


def archive_register(user: User, *, known: bool = True) -> QuerySet:
    """Documents in the archive's care that the person's register reaches (``known`` annotated
    unless asked not to): everything for the archive, the units' documents for a supervisor."""
    queryset = policies.register_for(user, known=known).filter(state__in=ARCHIVE_STATES)
    if not user.has_role(Role.ARCHIVIST):
        queryset = queryset.filter(UnitScope.of(user).documents_q())
    return queryset


def archive_page(user: User, *, after: str = "", before: str = "", size: int | None = None) -> KeysetPage:
    """One page of the documents on the shelves or out on loan, newest registration first, found by
    key like the register's (the same cost on the last page as on the first)."""
    return keyset_page(
        archive_register(user, known=False).filter(state__in=SHELVED_STATES),
        after=after,
        before=before,
        size=size or settings.REGISTRY_PAGE_SIZE,
        decorate=lambda rows: rows.select_related("storage_location", "responsible_unit").with_need_to_know(user),
    )


def to_file(user: User, *, limit: int) -> list:
    """Documents handed to the archive and waiting to be filed, the longest waiting first (an index
    on (state, registered_at, id) finds them without reading the shelved ones)."""
    return list(
        archive_register(user)
        .filter(state=DocumentState.TO_ARCHIVE)
        .select_related("custodian", "responsible_unit")
        .order_by("registered_at", "pk")[:limit]
    )


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
        .annotate(held=Count("documents", filter=Q(documents__state__in=SHELVED_STATES)))
        .order_by("zone", "code")
    )
