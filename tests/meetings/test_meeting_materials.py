"""Materials handed out at the meeting: one numbered copy per admitted attendee (rule 2)."""

from __future__ import annotations

import pytest

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    CopyState,
    Document,
    DocumentCopy,
    DocumentState,
    Meeting,
    MeetingAttendee,
    NeedToKnowGrant,
)
from registry.models.documents import GrantBasis
from registry.services import meetings as svc
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


# -- materials_set ---------------------------------------------------------------------------------


def test_the_organizer_names_the_materials(meeting, organizer, materials):
    seq = head_seq()

    svc.materials_set(meeting=meeting, actor=organizer, document=materials)

    assert Meeting.objects.get(pk=meeting.pk).materials == materials
    # Naming the materials is written under the register action, with the document and its role.
    details = meeting_event(
        AuditAction.MEETING_MATERIALS, since=seq, actor=organizer, meeting=meeting, document=materials
    )
    assert details == {"meeting": meeting.pk, "role": "meeting"}


def test_only_a_document_the_organizer_knows_is_named(meeting, organizer, clerk, walk):
    unknown = walk(DocumentState.REGISTERED, subject="未分文之公文")
    assert not _visible(organizer, unknown)

    refused(NotPermitted, svc.materials_set, meeting=meeting, actor=organizer, document=unknown)

    assert Meeting.objects.get(pk=meeting.pk).materials_id is None


@pytest.mark.parametrize("who", ["chair", "outsider", "foreign_supervisor"])
def test_only_the_organizer_or_their_supervisor_names_the_materials(who, request, meeting, materials):
    refused(NotPermitted, svc.materials_set, meeting=meeting, actor=request.getfixturevalue(who), document=materials)


# -- materials_hand_out: who is refused ------------------------------------------------------------


def test_a_refused_attendee_gets_no_copy(hold, organizer, materials, planner, lawyer):
    held = hold(planner, refused=[lawyer])

    refusal = refused(
        NotPermitted, svc.materials_hand_out, meeting=held.meeting, actor=organizer, attendee=held.of(lawyer)
    )

    assert "法制孫" in message(refusal) and "not admitted" in message(refusal)
    assert not DocumentCopy.objects.filter(holder=lawyer).exists()
    assert not NeedToKnowGrant.objects.filter(user=lawyer).exists()
    assert not held.of(lawyer).attended
    assert not _visible(lawyer, materials)


def test_a_pending_attendee_gets_no_copy(hold, organizer, planner, lawyer):
    held = hold(planner, pending=[lawyer])

    refused(NotPermitted, svc.materials_hand_out, meeting=held.meeting, actor=organizer, attendee=held.of(lawyer))

    assert held.of(lawyer).decision == "pending" and held.of(lawyer).copy_id is None


def test_materials_are_not_handed_out_before_the_level_is_announced(
    meeting, organizer, materials, planner, propose, decide
):
    svc.materials_set(meeting=meeting, actor=organizer, document=materials)
    attendee = decide(propose(planner), True)

    refused(InvalidTransition, svc.materials_hand_out, meeting=meeting, actor=organizer, attendee=attendee)


def test_an_attendee_of_another_meeting_is_refused(hold, register_meeting, organizer, planner, lawyer):
    held = hold(planner)
    other = register_meeting(subject="另一會議")
    stranger = svc.attendee_propose(meeting=other, actor=organizer, person=lawyer, reason="業務相關")
    svc.attendee_decide(attendee=stranger, actor=organizer, approve=True, reason="准")

    refused(ValidationFailed, svc.materials_hand_out, meeting=held.meeting, actor=organizer, attendee=stranger)


@pytest.mark.parametrize("who", ["chair", "planner", "outsider", "foreign_supervisor"])
def test_only_the_organizer_or_their_supervisor_hands_out(who, request, hold, planner):
    held = hold(planner)

    refused(
        NotPermitted,
        svc.materials_hand_out,
        meeting=held.meeting,
        actor=request.getfixturevalue(who),
        attendee=held.of(planner),
    )


def test_no_materials_named_no_hand_out(meeting, organizer, chair, planner, propose, decide, clear_venue):
    attendee = decide(propose(planner), True)
    clear_venue()
    svc.meeting_announce(meeting=meeting, actor=chair)

    refused(InvalidTransition, svc.materials_hand_out, meeting=meeting, actor=organizer, attendee=attendee)


def test_materials_above_an_attendees_clearance_are_refused(
    meeting, organizer, chair, walk, make_person, planning_unit, propose, decide, clear_venue
):
    """Cleared for the meeting is not enough: the copy is never above the holder's clearance."""
    top = walk(DocumentState.IN_HANDLING, subject="絕對機密附件", level=Level.TOP_SECRET, protection_years=10)
    svc.materials_set(meeting=meeting, actor=organizer, document=top)
    attendee = decide(propose(make_person(unit=planning_unit, username="p_secret", clearance=Level.SECRET)), True)
    clear_venue()
    svc.meeting_announce(meeting=meeting, actor=chair)

    refused(NotPermitted, svc.materials_hand_out, meeting=meeting, actor=organizer, attendee=attendee)

    assert MeetingAttendee.objects.get(pk=attendee.pk).copy_id is None


# -- materials_hand_out: numbered copies -----------------------------------------------------------


def test_each_admitted_attendee_gets_one_numbered_copy(hold, organizer, materials, planner, planner2, lawyer):
    people = [planner, planner2, lawyer]
    held = hold(*people)

    handed = []
    for number, person in enumerate(people, start=1):
        seq = head_seq()
        copy = svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=held.of(person))
        handed.append(copy)

        assert copy.number == number
        details = meeting_event(
            AuditAction.MEETING_HAND_OUT, since=seq, actor=organizer, meeting=held.meeting, document=materials
        )
        assert details == {"meeting": held.meeting.pk, "person": person.pk, "copy": number}
        attendee = held.of(person)
        assert attendee.copy_id == copy.pk and attendee.attended

    stored = list(DocumentCopy.objects.filter(document=materials).order_by("number"))
    assert [c.number for c in stored] == [1, 2, 3]
    assert [c.holder for c in stored] == people
    assert all(c.purpose == "meeting" and c.state == CopyState.HELD and not c.is_reproduction for c in stored)
    for copy, person in zip(stored, people, strict=True):
        assert copy.grant.user == person and copy.grant.basis == GrantBasis.MEETING and copy.grant.ended_at is None
        assert _visible(person, materials)


def test_a_second_hand_out_to_the_same_attendee_is_refused(hold, organizer, planner):
    held = hold(planner)
    first = svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=held.of(planner))

    refusal = refused(
        InvalidTransition, svc.materials_hand_out, meeting=held.meeting, actor=organizer, attendee=held.of(planner)
    )

    assert "already has a copy" in message(refusal)
    assert held.of(planner).copy_id == first.pk
    assert DocumentCopy.objects.filter(holder=planner).count() == 1


def test_a_stale_attendee_object_does_not_get_a_second_copy(hold, organizer, planner):
    """The service reads the attendee again under lock: an object fetched before the first hand-out
    does not slip through."""
    held = hold(planner)
    stale = held.of(planner)
    svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=held.of(planner))

    refused(InvalidTransition, svc.materials_hand_out, meeting=held.meeting, actor=organizer, attendee=stale)


def test_a_supervisor_of_the_organizing_unit_who_knows_the_materials_hands_out(hold, supervisor, materials, planner):
    # The supervisor opened the materials as head of the receiving unit, so knows them.
    assert _visible(supervisor, materials)
    held = hold(planner)
    seq = head_seq()

    copy = svc.materials_hand_out(meeting=held.meeting, actor=supervisor, attendee=held.of(planner))

    assert copy.holder == planner
    meeting_event(AuditAction.MEETING_HAND_OUT, since=seq, actor=supervisor, meeting=held.meeting, document=materials)
