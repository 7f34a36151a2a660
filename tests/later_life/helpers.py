"""Assertions the later-life tests share: the audit event a service wrote, and "nothing written"."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from registry.models import (
    AuditEvent,
    ClassificationDecision,
    CopyCustody,
    DestructionItem,
    DestructionList,
    Document,
    DocumentCopy,
    DocumentUserObjectPermission,
    HandlingStep,
    Loan,
    NeedToKnowGrant,
    OnSiteReading,
    PartyRequest,
    ReclassificationNotice,
    ReviewRecord,
    StorageLocation,
)

# Every table a later-life service writes to (and the audit chain); a refusal leaves all of them alone.
WATCHED_TABLES = (
    Document,
    HandlingStep,
    NeedToKnowGrant,
    DocumentUserObjectPermission,
    DocumentCopy,
    CopyCustody,
    StorageLocation,
    Loan,
    ReviewRecord,
    ClassificationDecision,
    ReclassificationNotice,
    DestructionList,
    DestructionItem,
    PartyRequest,
    OnSiteReading,
    AuditEvent,
)


def head_seq() -> int:
    """The newest audit event's sequence number (0 on an empty chain)."""
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def actions_since(seq: int) -> list[str]:
    """The actions appended after ``seq``, oldest first."""
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


def the_event(action, *, since: int, actor, document) -> AuditEvent:
    """Exactly one ``action`` event after ``since``, by ``actor`` (None: the system), on ``document``
    (None: an event about no single document, e.g. a destruction inventory)."""
    events = list(AuditEvent.objects.filter(seq__gt=since, action=action))
    assert len(events) == 1, f"expected one {action} event, found {len(events)}: {actions_since(since)}"
    event = events[0]
    assert event.actor_id == (actor.pk if actor is not None else None), "wrong actor"
    assert event.document_id == (document.pk if document is not None else None), "wrong document"
    return event


def details(event: AuditEvent) -> dict:
    return json.loads(event.details)


def snapshot(*rows) -> tuple[dict, dict]:
    """Row counts of every watched table, and the stored values of ``rows`` (model instances)."""
    counts = {model.__name__: model.objects.count() for model in WATCHED_TABLES}
    stored = {
        f"{type(row).__name__}#{row.pk}": type(row).objects.filter(pk=row.pk).values().get() for row in rows
    }
    return counts, stored


@contextmanager
def refused(exception, *rows):
    """``with refused(ValidationFailed, document) as refusal: service(...)``: the call raises
    ``exception`` and writes nothing: no table's row count changes, the audit chain does not grow,
    and the stored values of ``rows`` stay as they were."""
    before = snapshot(*rows)
    with pytest.raises(exception) as info:
        yield info
    after = snapshot(*rows)
    assert after[0] == before[0], "a refused action changed row counts"
    assert after[1] == before[1], "a refused action changed a stored row"
