"""Vetting the attendees before the meeting (rule 3: 會前審查與會人員資格，限制非法定人員參與)."""

from __future__ import annotations

import pytest

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import AuditAction, Decision, MeetingAttendee
from registry.services import meetings as svc
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


def test_the_organizer_proposes_a_cleared_attendee(meeting, organizer, planner):
    seq = head_seq()

    attendee = svc.attendee_propose(meeting=meeting, actor=organizer, person=planner, reason=" 主管業務 ")

    stored = MeetingAttendee.objects.get(pk=attendee.pk)
    assert (stored.meeting, stored.user, stored.proposed_by, stored.reason) == (meeting, planner, organizer, "主管業務")
    assert stored.decision == Decision.PENDING and not stored.attended and stored.copy is None
    details = meeting_event(AuditAction.MEETING_PROPOSE, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "person": planner.pk}


def test_the_chair_may_propose_an_attendee(meeting, chair, planner):
    seq = head_seq()

    svc.attendee_propose(meeting=meeting, actor=chair, person=planner, reason="主席指定")

    meeting_event(AuditAction.MEETING_PROPOSE, since=seq, actor=chair, meeting=meeting)


def test_a_person_below_the_meeting_level_is_refused_at_once(meeting, organizer, uncleared):
    refusal = refused(
        NotPermitted, svc.attendee_propose, meeting=meeting, actor=organizer, person=uncleared, reason="業務相關"
    )

    assert "企劃錢" in message(refusal) and "not cleared" in message(refusal)
    assert not MeetingAttendee.objects.filter(user=uncleared).exists()


def test_a_person_without_any_clearance_is_refused(meeting, organizer, make_person, planning_unit):
    nobody = make_person(unit=planning_unit, username="no_clearance", clearance=None)

    refused(NotPermitted, svc.attendee_propose, meeting=meeting, actor=organizer, person=nobody, reason="業務相關")


@pytest.mark.parametrize("who", ["outsider", "foreign_supervisor", "planner2"])
def test_someone_who_does_not_know_the_meeting_may_not_propose(who, request, meeting, planner):
    refused(
        NotPermitted,
        svc.attendee_propose,
        meeting=meeting,
        actor=request.getfixturevalue(who),
        person=planner,
        reason="業務相關",
    )


def test_a_proposal_needs_a_reason(meeting, organizer, planner):
    refusal = refused(
        ValidationFailed, svc.attendee_propose, meeting=meeting, actor=organizer, person=planner, reason=" "
    )

    assert list(refusal.field_errors) == ["reason"]


def test_a_person_is_proposed_once(meeting, organizer, planner, propose):
    propose(planner)

    refused(InvalidTransition, svc.attendee_propose, meeting=meeting, actor=organizer, person=planner, reason="再提")


def test_attendees_are_not_proposed_once_the_meeting_is_held(hold, organizer, planner):
    held = hold()

    refused(
        InvalidTransition, svc.attendee_propose, meeting=held.meeting, actor=organizer, person=planner, reason="臨時"
    )


@pytest.mark.parametrize("approve", [True, False])
def test_the_organizer_decides_with_a_reason(approve, meeting, organizer, planner, propose):
    attendee = propose(planner)
    seq = head_seq()

    decided = svc.attendee_decide(attendee=attendee, actor=organizer, approve=approve, reason=" 依職務 ")

    stored = MeetingAttendee.objects.get(pk=decided.pk)
    assert stored.decision == (Decision.APPROVED if approve else Decision.REFUSED)
    assert (stored.decided_by, stored.decision_reason) == (organizer, "依職務")
    assert stored.decided_at is not None
    action = AuditAction.MEETING_APPROVE if approve else AuditAction.MEETING_REFUSE
    details = meeting_event(action, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "person": planner.pk, "reason": "依職務"}


def test_a_supervisor_of_the_organizing_unit_may_decide(meeting, supervisor, planner, propose):
    attendee = propose(planner)
    seq = head_seq()

    svc.attendee_decide(attendee=attendee, actor=supervisor, approve=True, reason="准")

    meeting_event(AuditAction.MEETING_APPROVE, since=seq, actor=supervisor, meeting=meeting)


@pytest.mark.parametrize("who", ["chair", "foreign_supervisor", "outsider", "planner"])
def test_only_the_organizer_or_their_supervisor_decides(who, request, planner, propose):
    attendee = propose(planner)

    refused(
        NotPermitted,
        svc.attendee_decide,
        attendee=attendee,
        actor=request.getfixturevalue(who),
        approve=True,
        reason="准",
    )

    assert MeetingAttendee.objects.get(pk=attendee.pk).decision == Decision.PENDING


def test_a_decision_needs_a_reason(organizer, planner, propose):
    attendee = propose(planner)

    refusal = refused(
        ValidationFailed, svc.attendee_decide, attendee=attendee, actor=organizer, approve=False, reason=""
    )

    assert list(refusal.field_errors) == ["reason"]
    assert MeetingAttendee.objects.get(pk=attendee.pk).decision == Decision.PENDING


def test_an_attendee_is_decided_once(organizer, planner, propose, decide):
    attendee = decide(propose(planner), False)

    refused(InvalidTransition, svc.attendee_decide, attendee=attendee, actor=organizer, approve=True, reason="改准")

    assert MeetingAttendee.objects.get(pk=attendee.pk).decision == Decision.REFUSED


def test_an_attendee_whose_clearance_fell_is_not_admitted(organizer, planner, propose):
    attendee = propose(planner)
    planner.clearance = Level.OFFICIAL_SECRET
    planner.save(update_fields=["clearance"])

    refused(NotPermitted, svc.attendee_decide, attendee=attendee, actor=organizer, approve=True, reason="准")

    assert MeetingAttendee.objects.get(pk=attendee.pk).decision == Decision.PENDING


def test_a_pending_attendee_is_not_admitted_once_the_meeting_is_held(hold, organizer, lawyer):
    """Rule 3 vets attendees before the meeting (會前審查), as attendee_propose already enforces: an
    attendee still pending when the level is announced may not be admitted afterwards."""
    held = hold(pending=[lawyer])

    refused(
        InvalidTransition,
        svc.attendee_decide,
        attendee=held.of(lawyer),
        actor=organizer,
        approve=True,
        reason="臨時准予與會",
    )

    assert held.of(lawyer).decision == Decision.PENDING
