"""Verify the audit chain and keep a note of it (``ChainVerification``); the latest anchor; and the
measurement of how fast the chain verifies."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from registry import audit
from registry.audit import ChainReport, verify_chain
from registry.models import AuditAction, AuditEvent, ChainVerification
from registry.models.audit import GENESIS_HASH
from registry.review.anchors import Anchor, last_anchor_in_file


def incremental_start() -> tuple[int, str] | None:
    """Where an incremental verification starts: the head of the newest verification, when that one
    found the chain whole. None (verify the whole chain) when there is none or it found a break."""
    newest = ChainVerification.objects.only("whole", "through_seq", "head_hash").first()
    if newest is None or not newest.whole or newest.through_seq is None or not newest.head_hash:
        return None
    return newest.through_seq, newest.head_hash


def record_verification(report: ChainReport, *, source: str, user=None, anchored_to: str = "") -> ChainVerification:
    return ChainVerification.objects.create(
        verified_by=user if getattr(user, "pk", None) else None,
        source=source,
        whole=report.whole,
        checked=report.checked,
        through_seq=report.head_seq,
        head_hash=report.head_hash or "",
        head_key_id=report.head_key_id or "",
        from_seq=report.from_seq,
        broken_seq=report.broken_seq,
        problem=report.problem[:200],
        anchored_to=anchored_to[:300],
    )


def verify_and_record(*, source: str, user=None, incremental: bool = False) -> ChainVerification:
    """Re-compute the chain (``registry.audit.verify_chain``) and record what it found: the whole
    chain, or with ``incremental`` only from the head of the last whole verification onwards."""
    report = verify_chain(since=incremental_start() if incremental else None)
    return record_verification(report, source=source, user=user)


def latest_verification() -> ChainVerification | None:
    return ChainVerification.objects.select_related("verified_by").first()


def chain_head() -> AuditEvent | None:
    """The newest link of the chain as stored now (not verified by reading it)."""
    return AuditEvent.objects.order_by("-seq").only("seq", "at", "hash").first()


@dataclass(frozen=True)
class AnchorState:
    anchor: Anchor
    holds: bool  # the event stored at the anchored sequence number still carries the anchored hash


def latest_anchor() -> AnchorState | None:
    """The newest anchor: from the anchor file when this server can read it, otherwise the note the
    newest anchoring verification kept in the database."""
    anchor = None
    if settings.REGISTRY_AUDIT_ANCHOR_FILE:
        anchor = last_anchor_in_file(settings.REGISTRY_AUDIT_ANCHOR_FILE)
    if anchor is None:
        noted = ChainVerification.objects.filter(whole=True, through_seq__isnull=False).exclude(anchored_to="").first()
        if noted is None:
            return None
        anchor = Anchor(
            at=noted.verified_at,
            seq=noted.through_seq,
            hash=noted.head_hash,
            key_id=noted.head_key_id,
            source="database",
        )
    holds = AuditEvent.objects.filter(seq=anchor.seq, hash=anchor.hash).exists()
    return AnchorState(anchor=anchor, holds=holds)


# --- how fast the chain verifies ------------------------------------------------------------------


def build_bench_chain(events: int) -> int:
    """Append ``events`` keyed events (``AUTH_LOGIN``, no actor, small details) after the head with
    the real hashing, in one COPY (bulk_create elsewhere). Only in a test or bench database: it
    refuses to write synthetic events into a registry's real chain. Returns the new head's seq."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" and not name.startswith(("test_", "bench_")):
        raise RuntimeError(f"refusing to append synthetic audit events to the database {name!r}")
    key_id = audit.current_key_id()
    with transaction.atomic():
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = head if head else (0, GENESIS_HASH)
        start = timezone.now()
        buffer, objects = io.BytesIO(), []
        for i in range(1, events + 1):
            fields = {
                "seq": seq + i,
                "at": start + timedelta(microseconds=i),
                "actor_id": None,
                "action": str(AuditAction.AUTH_LOGIN),
                "document_id": None,
                "details": audit.canonical_json({"bench": i, "字": "機"}),
                "prev_hash": prev,
            }
            prev = audit.event_hash(key_id=key_id, **fields)
            if connection.vendor == "postgresql":
                # The line COPY reads is the line verification hashes: the hash, then the event's text.
                buffer.write(prev.encode() + b"\t" + audit.event_text(key_id=key_id, **fields) + b"\n")
            else:
                objects.append(AuditEvent(hash=prev, key_id=key_id, **fields))
                if len(objects) == 5000 or i == events:
                    AuditEvent.objects.bulk_create(objects)
                    objects = []
        if connection.vendor == "postgresql":
            buffer.seek(0)
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            columns = "hash, key_id, seq, at, actor_id, action, document_id, details, prev_hash"
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL TimeZone TO 'UTC'")  # the lines write ``at`` in UTC, without a zone
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return seq + events


def measure_verification(*, events: int = 200_000, runs: int = 3, out=print) -> dict:
    """Events per second of a full verification (``verify_chain()``) of a chain of at least
    ``events`` events, made with ``build_bench_chain`` if it is shorter: the best of ``runs``, and an
    incremental verification from the middle for comparison. Prints one line; returns the figures."""
    have = AuditEvent.objects.count()
    if have < events:
        build_bench_chain(events - have)
    best, report = None, None
    for _ in range(max(1, runs)):
        began = time.perf_counter()
        report = verify_chain()
        took = time.perf_counter() - began
        best = took if best is None else min(best, took)
    if not report.whole:
        raise RuntimeError(f"the bench chain is broken at {report.broken_seq}: {report.problem}")
    middle = AuditEvent.objects.filter(seq=max(1, report.checked // 2)).values_list("seq", "hash").get()
    began = time.perf_counter()
    partial = verify_chain(since=middle)
    incremental_took = time.perf_counter() - began
    figures = {
        "events": report.checked,
        "seconds": best,
        "events_per_second": report.checked / best if best else float("inf"),
        "incremental_events": partial.checked,
        "incremental_seconds": incremental_took,
    }
    out(
        f"audit chain verification: {figures['events']:,} events in {best:.2f} s = "
        f"{figures['events_per_second']:,.0f} events/s (full, best of {max(1, runs)}); "
        f"incremental from #{middle[0]:,}: {partial.checked:,} events in {incremental_took:.2f} s"
    )
    return figures
