"""Minutes go only to the attending units and the superior agency, each copy numbered (rule 5)."""

from __future__ import annotations

import pytest

from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    CopyState,
    Document,
    DocumentCopy,
    NeedToKnowGrant,
)
from registry.models.documents import GrantBasis
from registry.services import meetings as svc
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


@pytest.fixture
def attended(hold, organizer, minutes_document, planner, lawyer):
    """A held meeting that 企劃科 attended (the planner received the materials), with its minutes
    named; the lawyer of 法制科 was admitted but never handed a copy, so 法制科 did not attend."""
    held = hold(planner, lawyer)
    svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=held.of(planner))
    svc.materials_set(meeting=held.meeting, actor=organizer, document=minutes_document, minutes=True)
    return held.meeting


@pytest.fixture
def colleague(make_person, planning_unit):
    """A colleague of 企劃科 who did not attend himself: his unit did."""
    return make_person(unit=planning_unit, username="planning_colleague", full_name="企劃周")


@pytest.fixture
def ministry_official(make_person, superior_agency):
    return make_person(unit=superior_agency, username="moi_official", full_name="內政部楊")


@pytest.fixture
def stranger(make_person, other_unit):
    """A person of 政風室, a unit that did not attend."""
    return make_person(unit=other_unit, username="eth_member", full_name="政風何")


def test_the_minutes_are_named_at_any_time(meeting, organizer, minutes_document):
    seq = head_seq()

    svc.materials_set(meeting=meeting, actor=organizer, document=minutes_document, minutes=True)

    meeting.refresh_from_db()
    assert meeting.minutes == minutes_document and meeting.materials_id is None
    details = meeting_event(
        AuditAction.MEETING_MATERIALS, since=seq, actor=organizer, meeting=meeting, document=minutes_document
    )
    assert details == {"meeting": meeting.pk, "role": "minutes"}


def test_a_person_of_an_attending_unit_receives_a_numbered_copy(attended, organizer, minutes_document, colleague):
    seq = head_seq()

    (copy,) = svc.minutes_distribute(meeting=attended, actor=organizer, recipients=[colleague], reason=" 會議紀錄分送 ")

    stored = DocumentCopy.objects.get(pk=copy.pk)
    assert (stored.document, stored.number, stored.holder, stored.purpose) == (
        minutes_document,
        1,
        colleague,
        "minutes",
    )
    assert stored.state == CopyState.HELD and not stored.is_reproduction
    grant = stored.grant
    assert (grant.user, grant.basis, grant.reason, grant.granted_by) == (
        colleague,
        GrantBasis.DISTRIBUTION,
        "會議紀錄分送",
        organizer,
    )
    assert _visible(colleague, minutes_document)
    details = meeting_event(
        AuditAction.MEETING_MINUTES, since=seq, actor=organizer, meeting=attended, document=minutes_document
    )
    assert details == {"meeting": attended.pk, "recipients": [colleague.pk]}


def test_a_person_of_the_superior_agency_receives_a_numbered_copy(
    attended, organizer, minutes_document, ministry_official
):
    seq = head_seq()

    (copy,) = svc.minutes_distribute(meeting=attended, actor=organizer, recipients=[ministry_official], reason="陳報")

    assert copy.holder == ministry_official and copy.purpose == "minutes" and copy.number == 1
    assert _visible(ministry_official, minutes_document)
    details = meeting_event(
        AuditAction.MEETING_MINUTES, since=seq, actor=organizer, meeting=attended, document=minutes_document
    )
    assert details["recipients"] == [ministry_official.pk]


def test_several_recipients_get_consecutive_numbers(
    attended, organizer, minutes_document, colleague, planner, ministry_official
):
    copies = svc.minutes_distribute(
        meeting=attended, actor=organizer, recipients=[colleague, ministry_official, colleague, planner], reason="分送"
    )

    assert [(c.number, c.holder) for c in copies] == [(1, colleague), (2, ministry_official), (3, planner)]
    assert DocumentCopy.objects.filter(document=minutes_document).count() == 3


def test_a_person_of_a_unit_that_did_not_attend_is_refused(attended, organizer, minutes_document, stranger):
    refusal = refused(
        ValidationFailed,
        svc.minutes_distribute,
        meeting=attended,
        actor=organizer,
        recipients=[stranger],
        reason="分送",
    )

    assert list(refusal.field_errors) == ["recipients"]
    assert "政風何" in message(refusal) and "did not attend" in message(refusal)
    assert not _visible(stranger, minutes_document)


def test_an_admitted_unit_that_received_no_materials_did_not_attend(attended, organizer, lawyer):
    refused(
        ValidationFailed, svc.minutes_distribute, meeting=attended, actor=organizer, recipients=[lawyer], reason="分送"
    )


def test_one_outsider_in_the_list_stops_the_whole_distribution(
    attended, organizer, minutes_document, colleague, ministry_official, stranger
):
    refused(
        ValidationFailed,
        svc.minutes_distribute,
        meeting=attended,
        actor=organizer,
        recipients=[colleague, ministry_official, stranger],
        reason="分送",
    )

    assert not DocumentCopy.objects.filter(document=minutes_document).exists()
    assert not NeedToKnowGrant.objects.filter(
        document=minutes_document, user__in=[colleague, ministry_official]
    ).exists()


def test_a_recipient_below_the_level_of_the_minutes_writes_nothing(
    attended, organizer, minutes_document, colleague, make_person, planning_unit
):
    from classification import Level

    low = make_person(unit=planning_unit, username="low_planner", clearance=Level.OFFICIAL_SECRET)

    refused(
        NotPermitted,
        svc.minutes_distribute,
        meeting=attended,
        actor=organizer,
        recipients=[colleague, low],
        reason="分送",
    )


def test_minutes_need_a_reason_and_a_recipient(attended, organizer, colleague):
    no_reason = refused(
        ValidationFailed, svc.minutes_distribute, meeting=attended, actor=organizer, recipients=[colleague], reason=" "
    )
    nobody = refused(
        ValidationFailed, svc.minutes_distribute, meeting=attended, actor=organizer, recipients=[], reason="分送"
    )

    assert list(no_reason.field_errors) == ["reason"]
    assert list(nobody.field_errors) == ["recipients"]


def test_no_minutes_before_the_meeting(meeting, organizer, minutes_document, ministry_official):
    svc.materials_set(meeting=meeting, actor=organizer, document=minutes_document, minutes=True)

    refused(
        InvalidTransition,
        svc.minutes_distribute,
        meeting=meeting,
        actor=organizer,
        recipients=[ministry_official],
        reason="分送",
    )


def test_minutes_must_be_named_first(hold, organizer, ministry_official):
    held = hold()

    refused(
        InvalidTransition,
        svc.minutes_distribute,
        meeting=held.meeting,
        actor=organizer,
        recipients=[ministry_official],
        reason="分送",
    )


@pytest.mark.parametrize("who", ["chair", "planner", "foreign_supervisor", "outsider"])
def test_only_the_organizer_or_their_supervisor_distributes_minutes(who, request, attended, colleague):
    refused(
        NotPermitted,
        svc.minutes_distribute,
        meeting=attended,
        actor=request.getfixturevalue(who),
        recipients=[colleague],
        reason="分送",
    )


def test_minutes_are_distributed_after_the_meeting_is_closed(attended, organizer, minutes_document, colleague):
    from registry.services.distribution import copy_return

    for copy in svc.outstanding_materials(attended):
        copy_return(copy=copy, actor=organizer)
    svc.meeting_close(meeting=attended, actor=organizer)
    seq = head_seq()

    svc.minutes_distribute(meeting=attended, actor=organizer, recipients=[colleague], reason="分送")

    meeting_event(AuditAction.MEETING_MINUTES, since=seq, actor=organizer, meeting=attended, document=minutes_document)


@pytest.mark.parametrize("unit_of", ["organizer", "chair"])
def test_the_organizing_unit_and_the_chairs_unit_attended(
    unit_of, request, attended, organizer, make_person, minutes_document
):
    """The organizing unit held the meeting and the chair presided over it: both units attended, so
    their people may receive the minutes (出席會議單位), even with no materials handed to them."""
    unit = request.getfixturevalue(unit_of).unit
    member = make_person(unit=unit, username=f"member_of_{unit.code}")
    seq = head_seq()

    (copy,) = svc.minutes_distribute(meeting=attended, actor=organizer, recipients=[member], reason="分送")

    assert copy.holder == member
    meeting_event(AuditAction.MEETING_MINUTES, since=seq, actor=organizer, meeting=attended, document=minutes_document)
