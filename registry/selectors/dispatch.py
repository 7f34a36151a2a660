"""Reads of dispatches: a clerk's dispatches, the day's list, receipts overdue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from registry import policies
from registry.models import Dispatch, DispatchState, User


def overdue_receipts(*, now=None) -> QuerySet:
    """Dispatches still without a receipt after the configured number of days."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REGISTRY_RECEIPT_DUE_DAYS)
    return Dispatch.objects.filter(state=DispatchState.SENT, dispatched_at__lte=cutoff).select_related("document")


def clerk_dispatches(user: User) -> QuerySet:
    """Dispatches of the documents in the person's register."""
    return Dispatch.objects.filter(document_id__in=policies.register_for(user).values("pk")).select_related(
        "document", "dispatched_by"
    )


def clerk_overdue(user: User) -> QuerySet:
    """Receipts overdue of dispatches in the person's register, oldest first."""
    return (
        overdue_receipts()
        .filter(document_id__in=policies.register_for(user).values("pk"))
        .select_related("dispatched_by")
        .order_by("dispatched_at", "pk")
    )


def day_dispatches(user: User, day: date) -> list[Dispatch]:
    """The dispatches of one day (Taipei time) whose documents are in the person's register."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
    return list(
        Dispatch.objects.filter(
            dispatched_at__gte=start,
            dispatched_at__lt=end,
            document_id__in=policies.register_for(user).values("pk"),
        )
        .select_related("document", "copy", "dispatched_by")
        .order_by("dispatched_at", "pk")
    )
