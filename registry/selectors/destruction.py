"""Reads of destruction: what may go on an inventory, the inventories, an inventory's documents."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from classification import Level
from registry import policies
from registry.models import DestructionList, DestructionState, Document, DocumentState, User
from registry.policies.destruction import destruction_obstacle

DASHBOARD_LIMIT = 20


def destructible(*, today: date | None = None) -> list[Document]:
    """Archived documents that could go on an inventory today (for the archivist's draft form)."""
    today = today or timezone.localdate()
    candidates = Document.objects.filter(state=DocumentState.ARCHIVED, retention_years__isnull=False).exclude(
        level__gte=Level.CONFIDENTIAL, declassified_on__isnull=True
    )
    return [d for d in candidates.order_by("pk")[:500] if not destruction_obstacle(d, today=today)]


def destruction_candidates(user: User) -> QuerySet:
    """What the archivist may put on an inventory today, from the register (``known`` annotated)."""
    ids = [document.pk for document in destructible()]
    return (
        policies.register_for(user)
        .filter(pk__in=ids)
        .select_related("storage_location", "responsible_unit")
        .order_by("archived_at", "pk")
    )


def inventories() -> QuerySet:
    """Every destruction inventory, newest first, with how many documents it lists."""
    return (
        DestructionList.objects.select_related("drafted_by", "approved_by", "destroyed_by", "witness")
        .annotate(item_count=Count("items"))
        .order_by("-drafted_at", "-pk")
    )


def inventory(pk) -> DestructionList | None:
    return (
        DestructionList.objects.filter(pk=pk).select_related("drafted_by", "approved_by", "destroyed_by", "witness").first()
    )


def inventory_documents(user: User, inventory: DestructionList) -> list[Document]:
    """An inventory's documents, ``known`` annotated for this person."""
    return list(
        Document.objects.filter(destruction_items__destruction_list=inventory)
        .with_need_to_know(user)
        .select_related("storage_location", "responsible_unit")
        .order_by("pk")
    )


def inventories_to_approve() -> list[DestructionList]:
    return list(
        DestructionList.objects.filter(state=DestructionState.DRAFT)
        .select_related("drafted_by")
        .annotate(item_count=Count("items"))
        .order_by("drafted_at", "pk")[:DASHBOARD_LIMIT]
    )


def inventories_to_witness() -> list[DestructionList]:
    return list(
        DestructionList.objects.filter(state=DestructionState.APPROVED)
        .select_related("drafted_by", "approved_by")
        .annotate(item_count=Count("items"))
        .order_by("approved_at", "pk")[:DASHBOARD_LIMIT]
    )
