"""Assertions the registry's tests share: the audit event a service wrote, and "nothing written"."""

from __future__ import annotations

from dataclasses import dataclass

from registry.models import (
    AuditEvent,
    Document,
    DocumentUserObjectPermission,
    HandlingStep,
    NeedToKnowGrant,
    RegistrationCounter,
)


def assert_audited(action, *, actor, document, after_seq: int = 0) -> AuditEvent:
    """Exactly one event of ``action`` after ``after_seq``, by ``actor``, on ``document``; returned."""
    events = list(AuditEvent.objects.filter(action=action, seq__gt=after_seq))
    assert len(events) == 1, f"expected one {action} event, found {len(events)}"
    event = events[0]
    assert event.actor_id == (actor.pk if actor is not None else None)
    assert event.document_id == (document.pk if document is not None else None)
    return event


def head_seq() -> int:
    """The sequence number of the newest audit event (0 when the chain is empty)."""
    event = AuditEvent.objects.order_by("-seq").first()
    return event.seq if event else 0


@dataclass(frozen=True)
class Snapshot:
    """What a refused action must leave untouched."""

    documents: int
    counters: tuple
    audit_events: int
    steps: int
    grants: int
    permissions: int

    @classmethod
    def take(cls) -> Snapshot:
        return cls(
            documents=Document.objects.count(),
            counters=tuple(RegistrationCounter.objects.order_by("year", "series").values_list("year", "series", "last")),
            audit_events=AuditEvent.objects.count(),
            steps=HandlingStep.objects.count(),
            grants=NeedToKnowGrant.objects.count(),
            permissions=DocumentUserObjectPermission.objects.count(),
        )
