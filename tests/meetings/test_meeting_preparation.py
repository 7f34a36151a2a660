"""Before the meeting: registering it, checking the venue and choosing the staff (rule 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import AuditAction, Meeting, MeetingStaff, MeetingState, VenueCheck
from registry.roles import Role
from registry.services import meetings as svc
from tests.meetings.conftest import MEETING_LEVEL
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


def _arguments(organizer, chair, **overrides) -> dict:
    values = {
        "actor": organizer,
        "subject": "年度保防工作會報",
        "level": MEETING_LEVEL,
        "starts_at": timezone.now() + timedelta(days=1),
        "place": "第一會議室",
        "chair": chair,
    }
    values.update(overrides)
    return values


# -- meeting_register ------------------------------------------------------------------------------


def test_a_designated_handler_registers_a_meeting(organizer, chair, handling_unit):
    seq = head_seq()

    meeting = svc.meeting_register(**_arguments(organizer, chair))

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.subject, stored.level, stored.place) == ("年度保防工作會報", MEETING_LEVEL, "第一會議室")
    assert (stored.organizer, stored.chair, stored.organizing_unit) == (organizer, chair, handling_unit)
    assert stored.state == MeetingState.PLANNED and stored.announced_at is None
    details = meeting_event(AuditAction.MEETING_REGISTER, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "level": int(MEETING_LEVEL), "chair": chair.pk}


def test_a_supervisor_registers_a_meeting_of_their_unit(supervisor, chair, receiving_unit):
    seq = head_seq()

    meeting = svc.meeting_register(**_arguments(supervisor, chair))

    assert meeting.organizing_unit == receiving_unit
    meeting_event(AuditAction.MEETING_REGISTER, since=seq, actor=supervisor, meeting=meeting)


def test_an_uncleared_chair_is_refused(organizer, make_person, head_office):
    low_chair = make_person(unit=head_office, username="low_chair", full_name="主席低", clearance=Level.CONFIDENTIAL)

    refusal = refused(NotPermitted, svc.meeting_register, **_arguments(organizer, low_chair))

    assert "主席低" in message(refusal) and "not cleared" in message(refusal)


def test_a_chair_without_any_clearance_is_refused(organizer, make_person, head_office):
    no_clearance = make_person(unit=head_office, username="nobody_chair", clearance=None)

    refused(NotPermitted, svc.meeting_register, **_arguments(organizer, no_clearance))


def test_an_organizer_below_the_level_is_refused(make_person, handling_unit, chair):
    low_handler = make_person(Role.HANDLER, unit=handling_unit, username="low_handler", clearance=Level.CONFIDENTIAL)

    refused(NotPermitted, svc.meeting_register, **_arguments(low_handler, chair))


@pytest.mark.parametrize("who", ["clerk", "outsider", "archivist"])
def test_only_a_supervisor_or_handler_registers_a_meeting(who, everyone, chair):
    refused(NotPermitted, svc.meeting_register, **_arguments(everyone[who], chair))


def test_a_handler_of_no_unit_is_refused(make_person, chair):
    unattached = make_person(Role.HANDLER, unit=None, username="unattached")

    refused(NotPermitted, svc.meeting_register, **_arguments(unattached, chair))


@pytest.mark.parametrize("blank", ["subject", "place"])
def test_subject_and_place_are_required(blank, organizer, chair):
    refusal = refused(ValidationFailed, svc.meeting_register, **_arguments(organizer, chair, **{blank: "   "}))

    assert list(refusal.field_errors) == [blank]


def test_the_start_is_required(organizer, chair):
    refusal = refused(ValidationFailed, svc.meeting_register, **_arguments(organizer, chair, starts_at=None))

    assert list(refusal.field_errors) == ["starts_at"]


@pytest.mark.parametrize("level", [0, 6, "secret", None])
def test_an_unknown_level_is_refused(level, organizer, chair):
    refusal = refused(ValidationFailed, svc.meeting_register, **_arguments(organizer, chair, level=level))

    assert list(refusal.field_errors) == ["level"]


# -- venue_check_record ----------------------------------------------------------------------------


def test_the_organizer_records_a_clear_venue_check(meeting, organizer):
    seq = head_seq()
    checked_at = timezone.now() - timedelta(hours=1)

    check = svc.venue_check_record(
        meeting=meeting, actor=organizer, checked_at=checked_at, no_eavesdropping=True, no_recording=True
    )

    stored = VenueCheck.objects.get(pk=check.pk)
    assert (stored.meeting, stored.checked_by, stored.checked_at) == (meeting, organizer, checked_at)
    assert stored.clear and stored.note == ""
    details = meeting_event(AuditAction.MEETING_VENUE_CHECK, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "clear": True, "note": ""}


def test_a_supervisor_of_the_organizing_unit_may_check_the_venue(meeting, supervisor):
    seq = head_seq()

    svc.venue_check_record(
        meeting=meeting, actor=supervisor, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
    )

    meeting_event(AuditAction.MEETING_VENUE_CHECK, since=seq, actor=supervisor, meeting=meeting)


@pytest.mark.parametrize("found", [(False, True), (True, False), (False, False)])
def test_a_device_found_needs_a_note(found, meeting, organizer):
    no_eavesdropping, no_recording = found

    refusal = refused(
        ValidationFailed,
        svc.venue_check_record,
        meeting=meeting,
        actor=organizer,
        checked_at=timezone.now(),
        no_eavesdropping=no_eavesdropping,
        no_recording=no_recording,
        note="  ",
    )

    assert list(refusal.field_errors) == ["note"]
    assert "device was found" in message(refusal)


def test_a_device_found_is_recorded_with_its_note(meeting, organizer):
    seq = head_seq()

    check = svc.venue_check_record(
        meeting=meeting,
        actor=organizer,
        checked_at=timezone.now(),
        no_eavesdropping=False,
        no_recording=True,
        note=" 講台下發現竊聽器，已保持現場並通報政風室 ",
    )

    assert not check.clear and check.note == "講台下發現竊聽器，已保持現場並通報政風室"
    details = meeting_event(AuditAction.MEETING_VENUE_CHECK, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "clear": False, "note": check.note}


@pytest.mark.parametrize("who", ["chair", "planner", "foreign_supervisor", "outsider", "second_handler"])
def test_only_the_organizer_or_their_supervisor_checks_the_venue(who, request, meeting):
    refused(
        NotPermitted,
        svc.venue_check_record,
        meeting=meeting,
        actor=request.getfixturevalue(who),
        checked_at=timezone.now(),
        no_eavesdropping=True,
        no_recording=True,
    )


def test_the_venue_is_not_checked_after_the_meeting_is_held(hold, organizer):
    held = hold()

    refused(
        InvalidTransition,
        svc.venue_check_record,
        meeting=held.meeting,
        actor=organizer,
        checked_at=timezone.now(),
        no_eavesdropping=True,
        no_recording=True,
    )


# -- staff_choose ----------------------------------------------------------------------------------


def test_the_organizer_chooses_cleared_staff(meeting, organizer, planner):
    seq = head_seq()

    staff = svc.staff_choose(meeting=meeting, actor=organizer, person=planner, duty=" 會場記錄 ")

    stored = MeetingStaff.objects.get(pk=staff.pk)
    assert (stored.meeting, stored.person, stored.duty, stored.chosen_by) == (meeting, planner, "會場記錄", organizer)
    details = meeting_event(AuditAction.MEETING_STAFF, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "person": planner.pk, "duty": "會場記錄"}


def test_uncleared_staff_are_refused(meeting, organizer, uncleared):
    refusal = refused(NotPermitted, svc.staff_choose, meeting=meeting, actor=organizer, person=uncleared, duty="茶水")

    assert "企劃錢" in message(refusal)


def test_staff_without_any_clearance_are_refused(meeting, organizer, make_person, planning_unit):
    nobody = make_person(unit=planning_unit, username="temp_worker", clearance=None)

    refused(NotPermitted, svc.staff_choose, meeting=meeting, actor=organizer, person=nobody, duty="茶水")


def test_staff_need_a_duty(meeting, organizer, planner):
    refusal = refused(ValidationFailed, svc.staff_choose, meeting=meeting, actor=organizer, person=planner, duty=" ")

    assert list(refusal.field_errors) == ["duty"]


def test_the_same_person_is_chosen_once(meeting, organizer, planner):
    svc.staff_choose(meeting=meeting, actor=organizer, person=planner, duty="會場記錄")

    refused(InvalidTransition, svc.staff_choose, meeting=meeting, actor=organizer, person=planner, duty="茶水")


@pytest.mark.parametrize("who", ["chair", "foreign_supervisor", "outsider"])
def test_only_the_organizer_or_their_supervisor_chooses_staff(who, request, meeting, planner):
    refused(
        NotPermitted, svc.staff_choose, meeting=meeting, actor=request.getfixturevalue(who), person=planner, duty="茶水"
    )
