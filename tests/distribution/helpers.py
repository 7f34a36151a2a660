"""Assertions on the audit chain and on "nothing was written", for the distribution tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from classification import Level
from registry.models import AuditEvent, Direction


def head_seq() -> int:
    """The newest audit event's sequence number (0 on an empty chain)."""
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def actions_since(seq: int) -> list[str]:
    """The actions appended after ``seq``, oldest first."""
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


def the_event(action, *, since: int, actor, document) -> AuditEvent:
    """Exactly one ``action`` event after ``since``, by ``actor`` (None: the system), on ``document``."""
    events = list(AuditEvent.objects.filter(seq__gt=since, action=action))
    assert len(events) == 1, f"expected one {action} event, found {[e.action for e in events]}"
    event = events[0]
    assert event.actor_id == (actor.pk if actor is not None else None), "wrong actor"
    assert event.document_id == document.pk, "wrong document"
    return event


def counts(*models) -> dict[str, int]:
    """Row counts of ``models`` (and of the audit table), to compare before and after a refusal."""
    found = {model.__name__: model.objects.count() for model in models}
    found["AuditEvent"] = AuditEvent.objects.count()
    return found


def registration(level: int, **overrides) -> dict:
    """Arguments for ``document_register`` that meet every rule for ``level``: a document registered
    in five copies, so that distributions have originals to hand out (§18)."""
    values = {
        "direction": Direction.INCOMING,
        "subject": f"分發測試公文（{Level(level).label}）",
        "level": level,
        "original_agency": "國防部",
        "approving_official": "王部長",
        "approval_date": timezone.localdate() - timedelta(days=30),
        "protection_years": 5,
        "sender": "國防部",
        "sender_ref": "國密字第1150000001號",
        "authorization_ref": "國密授字第1150000001號",
        "authorization_by": "國防部",
        "copies_count": 5,
    }
    values.update(overrides)
    return values
