"""Who may know a meeting: Meeting.objects.visible_to and can_know_meeting."""

from __future__ import annotations

import pytest

from registry.models import Meeting
from registry.policies import can_know_meeting
from registry.services import meetings as svc


def _sees(user, meeting) -> bool:
    listed = Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()
    assert can_know_meeting(user, meeting) == listed
    return listed


@pytest.fixture
def vetted(meeting, planner, planner2, lawyer, propose, decide):
    """The planner admitted, the lawyer refused, planner2 still pending."""
    decide(propose(planner), True)
    decide(propose(lawyer), False)
    propose(planner2)
    return meeting


@pytest.mark.parametrize("who", ["organizer", "chair", "planner", "supervisor"])
def test_those_who_may_know_the_meeting_see_it(who, request, vetted):
    assert _sees(request.getfixturevalue(who), vetted)


@pytest.mark.parametrize(
    "who",
    [
        "lawyer",  # refused by the organizer
        "planner2",  # proposed, not yet admitted
        "outsider",  # same unit as the organizer, no role
        "second_handler",  # a handler of the organizing unit, not the organizer
        "foreign_supervisor",  # supervisor of a unit outside the organizing unit's tree
        "clerk",
        "archivist",
        "ethics_officer",
        "administrator",
        "head",
    ],
)
def test_nobody_else_sees_it(who, request, vetted):
    assert not _sees(request.getfixturevalue(who), vetted)


def test_a_supervisor_below_the_organizing_unit_does_not_see_it(
    register_meeting, supervisor, make_person, handling_unit
):
    from registry.roles import Role

    # The supervisor of 秘書處 organizes; the supervisor of 機要科 (below it) is not above that unit.
    above = register_meeting(actor=supervisor)
    below = make_person(Role.SUPERVISOR, unit=handling_unit, username="conf_supervisor")

    assert _sees(supervisor, above)
    assert not _sees(below, above)


def test_a_disabled_organizer_no_longer_sees_it(meeting, organizer):
    organizer.is_active = False
    organizer.save(update_fields=["is_active"])

    assert not _sees(organizer, meeting)


def test_the_list_holds_only_the_meetings_a_person_may_know(register_meeting, chair, planner):
    first = register_meeting(subject="第一次會報")
    second = register_meeting(subject="第二次會報")
    svc.attendee_decide(
        attendee=svc.attendee_propose(meeting=second, actor=chair, person=planner, reason="業務相關"),
        actor=second.organizer,
        approve=True,
        reason="准",
    )

    assert set(Meeting.objects.visible_to(planner)) == {second}
    assert set(Meeting.objects.visible_to(chair)) == {first, second}
