"""Verify the audit chain and keep a note of it (``ChainVerification``)."""

from __future__ import annotations

from registry.audit import verify_chain
from registry.models import AuditEvent, ChainVerification


def verify_and_record(*, source: str, user=None) -> ChainVerification:
    """Re-compute the whole chain (``registry.audit.verify_chain``) and record what it found."""
    report = verify_chain()
    return ChainVerification.objects.create(
        verified_by=user if getattr(user, "pk", None) else None,
        source=source,
        whole=report.whole,
        checked=report.checked,
        through_seq=report.head_seq,
        head_hash=report.head_hash or "",
        broken_seq=report.broken_seq,
        problem=report.problem[:200],
    )


def latest_verification() -> ChainVerification | None:
    return ChainVerification.objects.select_related("verified_by").first()


def chain_head() -> AuditEvent | None:
    """The newest link of the chain as stored now (not verified by reading it)."""
    return AuditEvent.objects.order_by("-seq").only("seq", "at", "hash").first()
