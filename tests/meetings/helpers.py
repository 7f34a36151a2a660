"""Assertions the meeting tests share: the event about a meeting, and a refusal that writes nothing."""

from __future__ import annotations

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
from tests.support import Snapshot, details, the_event

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


def meeting_event(action, *, since: int, actor, meeting, document=None) -> dict:
    """Exactly one ``action`` event after ``since``, by ``actor``, about ``meeting`` (and on
    ``document``, or on none); returns its details."""
    found = details(the_event(action, since=since, actor=actor, document=document))
    assert found["meeting"] == meeting.pk, "event names the wrong meeting"
    return found


def refused(error, service, /, **arguments):
    """Call ``service`` in English, expect ``error``, and check that nothing at all was written.

    Returns the refusal, so that the caller can read its message and field errors.
    """
    before = Snapshot.take(*WRITTEN)
    with translation.override("en"), pytest.raises(error) as caught:
        service(**arguments)
    assert Snapshot.take(*WRITTEN) == before, "a refused action wrote something"
    return caught.value


def message(refusal) -> str:
    return str(refusal.message)
