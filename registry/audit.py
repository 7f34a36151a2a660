"""The one function that appends to the audit chain, and the one that verifies it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from registry.models.audit import GENESIS_HASH, AuditAction, AuditEvent

# Key of the transaction-scoped advisory lock that serializes appends on PostgreSQL. SQLite takes
# its write lock at BEGIN (transaction_mode IMMEDIATE), which serializes appends there.
_CHAIN_LOCK_KEY = 0x5EC2E7A0


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(*, seq: int, at: datetime, actor_id, action: str, document_id, details: str, prev_hash: str) -> str:
    """SHA-256 over the canonical form of every stored field of an event."""
    payload = canonical_json(
        {
            "seq": seq,
            "at": _timestamp(at),
            "actor": actor_id,
            "action": action,
            "document": document_id,
            "details": details,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(*, action: AuditAction | str, actor=None, document=None, details: dict | None = None) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (or a new one)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        # Microseconds survive a round trip through PostgreSQL and SQLite; nothing finer is kept.
        at = timezone.now()
        body = canonical_json(details or {})
        actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
        document_id = document.pk if document is not None else None
        digest = event_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=str(action),
            document_id=document_id,
            details=body,
            prev_hash=prev_hash,
        )
        return AuditEvent.objects.create(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=str(action),
            document_id=document_id,
            details=body,
            prev_hash=prev_hash,
            hash=digest,
        )


@dataclass(frozen=True)
class ChainReport:
    whole: bool
    checked: int
    head_seq: int | None
    head_hash: str | None
    broken_seq: int | None = None
    problem: str = ""


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> ChainReport:
    """Re-compute every hash and link; name the first sequence number that does not hold."""
    expected_seq, prev_hash, checked, last = 1, GENESIS_HASH, 0, None
    for event in _events():
        problem = ""
        if event.seq != expected_seq:
            problem = f"sequence number {expected_seq} is missing"
        elif event.prev_hash != prev_hash:
            problem = "previous hash does not match the event before it"
        elif event.hash != event_hash(
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            document_id=event.document_id,
            details=event.details,
            prev_hash=event.prev_hash,
        ):
            problem = "stored hash does not match the event's contents"
        if problem:
            return ChainReport(False, checked, last and last.seq, last and last.hash, expected_seq, problem)
        checked += 1
        expected_seq, prev_hash, last = event.seq + 1, event.hash, event
    return ChainReport(True, checked, last and last.seq, last and last.hash)
