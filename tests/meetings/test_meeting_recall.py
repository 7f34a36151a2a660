"""After the meeting every numbered copy comes back before it is closed (rule 2: 以便會後收回)."""

from __future__ import annotations

import pytest

from registry.errors import InvalidTransition, NotPermitted
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyState,
    Document,
    DocumentCopy,
    Meeting,
    MeetingState,
    NeedToKnowGrant,
)
from registry.selectors import outstanding_copies
from registry.selectors.meetings import outstanding_materials
from registry.services import meetings as svc
from registry.services.distribution import copy_recall, copy_return
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


@pytest.fixture
def handed_out(hold, organizer, planner, planner2, lawyer):
    """A held meeting whose three attendees each hold a numbered copy of the materials."""
    people = [planner, planner2, lawyer]
    held = hold(*people)
    copies = [svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=held.of(p)) for p in people]
    return held.meeting, people, copies


def _outstanding(meeting) -> list[int]:
    return sorted(outstanding_materials(meeting).values_list("number", flat=True))


def test_no_materials_nothing_outstanding(meeting):
    assert list(outstanding_materials(meeting)) == []


def test_every_copy_handed_out_is_outstanding(handed_out):
    meeting, people, copies = handed_out

    outstanding = list(outstanding_materials(meeting))

    assert sorted(c.pk for c in outstanding) == sorted(c.pk for c in copies)
    assert {c.holder for c in outstanding} == set(people)


def test_the_meeting_is_not_closed_while_any_copy_is_out(handed_out, organizer):
    meeting, _people, _copies = handed_out

    refusal = refused(InvalidTransition, svc.meeting_close, meeting=meeting, actor=organizer)

    text = message(refusal)
    for number, name in ((1, "企劃王"), (2, "企劃趙"), (3, "法制孫")):
        assert f"第{number}份（{name}）" in text
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.HELD


def test_the_list_shrinks_as_copies_come_back_and_only_then_the_meeting_closes(handed_out, organizer, materials):
    meeting, people, copies = handed_out
    seq = head_seq()
    recalled = copy_recall(document=materials, actor=organizer, reason="會議結束，收回會議資料")
    assert sorted(c.number for c in recalled) == [1, 2, 3]
    assert sorted(outstanding_copies(materials).values_list("number", flat=True)) == [1, 2, 3]
    # The recall is the copies' own event (on the materials), not yet the meeting's close.
    assert not AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.MEETING_CLOSE).exists()
    assert AuditEvent.objects.get(seq__gt=seq, action=AuditAction.COPY_RECALL).document_id == materials.pk

    remaining = [1, 2, 3]
    for copy, person in zip(copies, people, strict=True):
        with pytest.raises(InvalidTransition):
            svc.meeting_close(meeting=meeting, actor=organizer)
        assert _visible(person, materials)

        copy_return(copy=copy, actor=organizer, note="會後繳回")

        remaining.remove(copy.number)
        assert _outstanding(meeting) == remaining
        assert not _visible(person, materials), "returning the copy ends the meeting grant"
        grant = NeedToKnowGrant.objects.get(pk=copy.grant_id)
        assert grant.ended_at is not None and grant.ended_by == organizer

    seq = head_seq()
    closed = svc.meeting_close(meeting=meeting, actor=organizer)

    assert closed.state == MeetingState.CLOSED
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.CLOSED
    details = meeting_event(AuditAction.MEETING_CLOSE, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk}


def test_a_copy_returned_without_a_recall_also_leaves_the_list(handed_out, organizer, materials):
    meeting, _people, copies = handed_out

    copy_return(copy=copies[1], actor=organizer)

    assert _outstanding(meeting) == [1, 3]
    assert DocumentCopy.objects.get(pk=copies[1].pk).state == CopyState.RETURNED


def test_only_the_meetings_own_copies_are_outstanding(handed_out, register_meeting):
    meeting, _people, _copies = handed_out
    other = register_meeting(subject="另一會議")

    assert _outstanding(other) == []
    assert _outstanding(meeting) == [1, 2, 3]


def test_a_meeting_with_no_copies_out_closes(hold, organizer, planner):
    held = hold(planner)
    seq = head_seq()

    svc.meeting_close(meeting=held.meeting, actor=organizer)

    meeting_event(AuditAction.MEETING_CLOSE, since=seq, actor=organizer, meeting=held.meeting)


def test_a_planned_meeting_is_not_closed(meeting, organizer):
    refused(InvalidTransition, svc.meeting_close, meeting=meeting, actor=organizer)


def test_a_closed_meeting_is_not_closed_again(hold, organizer):
    held = hold()
    svc.meeting_close(meeting=held.meeting, actor=organizer)

    refused(InvalidTransition, svc.meeting_close, meeting=held.meeting, actor=organizer)


@pytest.mark.parametrize("who", ["chair", "planner", "foreign_supervisor", "outsider"])
def test_only_the_organizer_or_their_supervisor_closes(who, request, hold, planner):
    held = hold(planner)

    refusal = refused(NotPermitted, svc.meeting_close, meeting=held.meeting, actor=request.getfixturevalue(who))

    assert "organizer" in message(refusal)
