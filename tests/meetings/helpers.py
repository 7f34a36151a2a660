"""Assertions the meeting tests share: the audit event a service wrote, and "nothing was written"."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from registry.models import (
    AuditEvent,
    DocumentCopy,
    Meeting,
    MeetingAttendee,
    MeetingPublication,
    MeetingStaff,
    NeedToKnowGrant,
    VenueCheck,
)

# Every table a meeting service writes to; a refusal leaves each of them as it was.
WRITTEN = (
    Meeting,
    MeetingAttendee,
    VenueCheck,
    MeetingStaff,
    DocumentCopy,
    NeedToKnowGrant,
    MeetingPublication,
    AuditEvent,
)


def counts() -> dict[str, int]:
    """Row counts of every table a meeting service writes to."""
    return {model.__name__: model.objects.count() for model in WRITTEN}


def head_seq() -> int:
    """The newest audit event's sequence number (0 on an empty chain)."""
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def meeting_event(action, *, since: int, actor, meeting, document=None) -> dict:
    """Exactly one ``action`` event after ``since``, by ``actor``, about ``meeting`` (and on
    ``document``, or on none); returns its details."""
    events = list(AuditEvent.objects.filter(seq__gt=since, action=action))
    assert len(events) == 1, f"expected one {action} event, found {len(events)}"
    event = events[0]
    assert event.actor_id == actor.pk, "wrong actor"
    assert event.document_id == (document.pk if document is not None else None), "wrong document"
    details = json.loads(event.details)
    assert details["meeting"] == meeting.pk, "event names the wrong meeting"
    return details


def refused(error, service, /, **arguments):
    """Call ``service`` in English, expect ``error``, and check that nothing at all was written.

    Returns the refusal, so that the caller can read its message and field errors.
    """
    before = counts()
    with translation.override("en"), pytest.raises(error) as caught:
        service(**arguments)
    assert counts() == before, "a refused action wrote something"
    return caught.value


def message(refusal) -> str:
    return str(refusal.message)
