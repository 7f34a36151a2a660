"""Reads of the later life's due lists: declassification due and the yearly review."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from classification import Level
from registry import policies
from registry.models import Document, User
from registry.policies.declassification import CLOSED_STATES

REVIEW_INTERVAL = timedelta(days=365)


def _open_classified() -> QuerySet:
    return Document.objects.filter(declassified_on__isnull=True).exclude(state__in=CLOSED_STATES)


def declassification_due(*, today: date | None = None) -> QuerySet:
    """Documents whose condition is met (a date passed, an event recorded) and not yet declassified."""
    today = today or timezone.localdate()
    return _open_classified().filter(Q(declass_due_on__lte=today) | Q(declass_event_met_on__isnull=False))


def reviews_due(*, today: date | None = None) -> QuerySet:
    """Classified documents not reviewed in the last year (the yearly review, LAW-NOTES)."""
    today = today or timezone.localdate()
    cutoff = today - REVIEW_INTERVAL
    return _open_classified().filter(level__gte=Level.OFFICIAL_SECRET).filter(
        Q(last_reviewed_on__lte=cutoff) | Q(last_reviewed_on__isnull=True, registered_at__date__lte=cutoff)
    )


def due_declassifications(user: User) -> QuerySet:
    """Documents due for declassification in the person's register (``known`` annotated)."""
    return policies.register_for(user).filter(pk__in=declassification_due().values("pk"))


def due_reviews(user: User) -> QuerySet:
    """Documents due for the yearly review in the person's register (``known`` annotated)."""
    return policies.register_for(user).filter(pk__in=reviews_due().values("pk"))
