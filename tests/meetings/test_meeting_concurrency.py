"""Copy numbers of the materials stay unique when hand-outs race each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from classification import Level
from registry.audit import verify_chain
from registry.errors import InvalidTransition
from registry.models import (
    AuditAction,
    AuditEvent,
    DocumentCopy,
    MeetingAttendee,
    NeedToKnowGrant,
)
from registry.services import meetings as svc
from registry.services.distribution import distribution_decide, distribution_request

THREADS = 4
ATTENDEES = 8


def _race(work: list) -> list[BaseException]:
    """Run each callable in its own thread, all released at once; return what they raised."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a hand-out hung"
    return errors


@pytest.fixture
def crowd(make_person, planning_unit):
    return [
        make_person(unit=planning_unit, username=f"attendee{i}", full_name=f"與會{i}", clearance=Level.SECRET)
        for i in range(ATTENDEES)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hand_outs_take_unique_numbers(hold, organizer, materials, crowd):
    held = hold(*crowd)
    attendees = [held.of(person) for person in crowd]

    def hand_out(share):
        return lambda: [
            svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=attendee) for attendee in share
        ]

    errors = _race([hand_out(attendees[i::THREADS]) for i in range(THREADS)])

    assert errors == []
    copies = DocumentCopy.objects.filter(document=materials)
    assert sorted(copies.values_list("number", flat=True)) == list(range(1, ATTENDEES + 1))
    assert sorted(copies.values_list("holder_id", flat=True)) == sorted(p.pk for p in crowd)
    assert set(copies.values_list("purpose", flat=True)) == {"meeting"}
    stored = MeetingAttendee.objects.filter(meeting=held.meeting)
    assert all(a.attended and a.copy_id is not None for a in stored)
    assert len({a.copy_id for a in stored}) == ATTENDEES
    assert NeedToKnowGrant.objects.filter(document=materials, basis="meeting").count() == ATTENDEES
    events = AuditEvent.objects.filter(action=AuditAction.MEETING_HAND_OUT, document=materials)
    assert events.count() == ATTENDEES
    assert verify_chain().whole


@pytest.mark.django_db(transaction=True)
def test_racing_hand_outs_to_one_attendee_give_one_copy(hold, organizer, materials, planner):
    held = hold(planner)
    attendee = held.of(planner)

    errors = _race([lambda: svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=attendee)] * THREADS)

    assert len(errors) == THREADS - 1 and all(isinstance(e, InvalidTransition) for e in errors)
    assert list(DocumentCopy.objects.filter(document=materials).values_list("number", "holder_id")) == [(1, planner.pk)]
    assert NeedToKnowGrant.objects.filter(document=materials, user=planner).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.MEETING_HAND_OUT).count() == 1
    assert verify_chain().whole


@pytest.mark.django_db(transaction=True)
def test_hand_outs_and_distribution_approvals_share_one_sequence(
    hold, organizer, handler, supervisor, materials, crowd, make_person, handling_unit
):
    """The materials are also an ordinary document: copies approved for distribution while the
    meeting hands out its own take numbers from the same sequence, without a collision."""
    held = hold(*crowd)
    attendees = [held.of(person) for person in crowd]
    readers = [make_person(unit=handling_unit, username=f"reader{i}", clearance=Level.SECRET) for i in range(ATTENDEES)]
    request = distribution_request(document=materials, actor=handler, recipients=readers, reason="會辦")
    recipients = list(request.recipients.order_by("pk"))

    def hand_out(share):
        return lambda: [
            svc.materials_hand_out(meeting=held.meeting, actor=organizer, attendee=attendee) for attendee in share
        ]

    def approve(share):
        return lambda: [
            distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="准") for recipient in share
        ]

    half = THREADS // 2
    errors = _race(
        [hand_out(attendees[i::half]) for i in range(half)] + [approve(recipients[i::half]) for i in range(half)]
    )

    assert errors == []
    numbers = sorted(DocumentCopy.objects.filter(document=materials).values_list("number", flat=True))
    assert numbers == list(range(1, 2 * ATTENDEES + 1))
    assert svc.outstanding_materials(held.meeting).count() == ATTENDEES
    assert verify_chain().whole
