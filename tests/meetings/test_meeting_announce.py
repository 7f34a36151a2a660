"""At the meeting: the level is announced, only after a clear venue check (rules 1 and 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.errors import InvalidTransition, NotPermitted
from registry.models import AuditAction, Meeting, MeetingState
from registry.services import meetings as svc
from tests.meetings.conftest import MEETING_LEVEL
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


def _check(meeting, organizer, *, clear: bool, at):
    return svc.venue_check_record(
        meeting=meeting,
        actor=organizer,
        checked_at=at,
        no_eavesdropping=clear,
        no_recording=True,
        note="" if clear else "發現不明發射器，已通報政風室",
    )


@pytest.mark.parametrize("who", ["chair", "organizer"])
def test_the_chair_or_the_organizer_announces_after_a_clear_check(who, request, meeting, clear_venue):
    actor = request.getfixturevalue(who)
    clear_venue()
    seq = head_seq()

    svc.meeting_announce(meeting=meeting, actor=actor)

    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.state == MeetingState.HELD
    assert stored.announced_by == actor and stored.announced_at is not None
    details = meeting_event(AuditAction.MEETING_ANNOUNCE, since=seq, actor=actor, meeting=meeting)
    assert details == {"meeting": meeting.pk, "level": int(MEETING_LEVEL)}


def test_no_venue_check_no_meeting(meeting, chair):
    refusal = refused(InvalidTransition, svc.meeting_announce, meeting=meeting, actor=chair)

    assert "venue must be checked" in message(refusal)
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED


def test_a_check_that_found_a_device_stops_the_meeting(meeting, organizer, chair):
    _check(meeting, organizer, clear=False, at=timezone.now())

    refused(InvalidTransition, svc.meeting_announce, meeting=meeting, actor=chair)

    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED


def test_the_latest_check_counts_a_device_found_after_a_clear_check(meeting, organizer, chair):
    now = timezone.now()
    _check(meeting, organizer, clear=True, at=now - timedelta(hours=2))
    _check(meeting, organizer, clear=False, at=now - timedelta(hours=1))

    refused(InvalidTransition, svc.meeting_announce, meeting=meeting, actor=chair)


def test_a_clear_check_after_the_device_was_removed_allows_the_meeting(meeting, organizer, chair):
    now = timezone.now()
    _check(meeting, organizer, clear=False, at=now - timedelta(hours=2))
    _check(meeting, organizer, clear=True, at=now - timedelta(hours=1))
    seq = head_seq()

    svc.meeting_announce(meeting=meeting, actor=chair)

    meeting_event(AuditAction.MEETING_ANNOUNCE, since=seq, actor=chair, meeting=meeting)


@pytest.mark.parametrize("who", ["supervisor", "planner", "foreign_supervisor", "outsider", "head"])
def test_only_the_chair_or_the_organizer_announces(who, request, meeting, planner, propose, decide, clear_venue):
    decide(propose(planner), True)
    clear_venue()

    refusal = refused(NotPermitted, svc.meeting_announce, meeting=meeting, actor=request.getfixturevalue(who))

    assert "chair or the organizer" in message(refusal)
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED


def test_a_meeting_is_announced_once(hold, chair):
    held = hold()

    refused(InvalidTransition, svc.meeting_announce, meeting=held.meeting, actor=chair)
