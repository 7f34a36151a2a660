"""Fixtures for the classified-meeting tests (會議機密維護 rules 1–6).

The office is the shared one (tests/conftest.py): the designated handler of 機要科 organizes the
meeting and holds its materials and minutes, both walked through the services to 承辦中; the
supervisor of 秘書處 (above 機要科) supervises the organizing unit. Here are added the units
that send attendees, the superior agency, a chair from the head's office, the head, and the
people proposed to attend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from classification import Level
from registry.models import DocumentState, Meeting, MeetingAttendee, User
from registry.roles import Role
from registry.services import meetings as svc
from tests.factories import UnitFactory

MEETING_LEVEL = Level.SECRET  # 極機密; the materials and minutes are 機密, below it


@pytest.fixture
def planning_unit(db):
    """企劃科: sends attendees to the meeting."""
    return UnitFactory(code="PLAN", name="企劃科")


@pytest.fixture
def legal_unit(db):
    """法制科: sends attendees to the meeting."""
    return UnitFactory(code="LEG", name="法制科")


@pytest.fixture
def head_office(db):
    """首長室: the chair's and the head's unit."""
    return UnitFactory(code="HEAD", name="首長室")


@pytest.fixture
def superior_agency(db):
    """內政部, marked as the superior agency (上級機關): may receive the minutes."""
    return UnitFactory(code="MOI", name="內政部", is_superior_agency=True)


@pytest.fixture
def organizer(handler):
    """The designated handler of 機要科 organizes the meeting and holds its documents."""
    return handler


@pytest.fixture
def chair(make_person, head_office):
    """主席, cleared to 絕對機密, with no role: presides and announces the level."""
    return make_person(unit=head_office, username="chair", full_name="主席劉")


@pytest.fixture
def head(make_person, head_office):
    """首長 (is_agency_head): the only one who decides a publication."""
    return make_person(unit=head_office, username="head", full_name="首長鄭", is_agency_head=True)


@pytest.fixture
def foreign_supervisor(make_person, other_unit):
    """單位主管 of 政風室, outside the organizing unit's tree."""
    return make_person(Role.SUPERVISOR, unit=other_unit, username="eth_supervisor", full_name="政風主管")


@pytest.fixture
def planner(make_person, planning_unit):
    """An attendee from 企劃科, cleared to 極機密."""
    return make_person(unit=planning_unit, username="planner", full_name="企劃王", clearance=Level.SECRET)


@pytest.fixture
def planner2(make_person, planning_unit):
    """A second attendee from 企劃科, cleared to 極機密."""
    return make_person(unit=planning_unit, username="planner2", full_name="企劃趙", clearance=Level.SECRET)


@pytest.fixture
def lawyer(make_person, legal_unit):
    """An attendee from 法制科, cleared to 極機密."""
    return make_person(unit=legal_unit, username="lawyer", full_name="法制孫", clearance=Level.SECRET)


@pytest.fixture
def uncleared(make_person, planning_unit):
    """A colleague of 企劃科 cleared only to 機密: below a 極機密 meeting."""
    return make_person(unit=planning_unit, username="uncleared", full_name="企劃錢", clearance=Level.CONFIDENTIAL)


@pytest.fixture
def register_meeting(organizer, chair):
    """``register_meeting(**overrides)``: a 極機密 meeting registered by the organizer, chaired by the chair."""

    def make(**overrides) -> Meeting:
        values = {
            "actor": organizer,
            "subject": "年度保防工作會報",
            "level": MEETING_LEVEL,
            "starts_at": timezone.now() + timedelta(days=1),
            "place": "第一會議室",
            "chair": chair,
        }
        values.update(overrides)
        return svc.meeting_register(**values)

    return make


@pytest.fixture
def meeting(register_meeting):
    """A planned 極機密 meeting (籌備中)."""
    return register_meeting()


@pytest.fixture
def materials(walk):
    """The meeting's materials: a 機密 document in handling, held by the organizer, registered in
    twenty copies, one for each attendee."""
    return walk(DocumentState.IN_HANDLING, subject="年度保防工作會報會議資料", copies_count=20)


@pytest.fixture
def minutes_document(walk):
    """The meeting's minutes: a 機密 document in handling, held by the organizer, in ten copies."""
    return walk(DocumentState.IN_HANDLING, subject="年度保防工作會報會議紀錄", copies_count=10)


@pytest.fixture
def propose(meeting, organizer):
    """``propose(person)``: the organizer proposes the person as an attendee (pending)."""

    def make(person: User) -> MeetingAttendee:
        return svc.attendee_propose(meeting=meeting, actor=organizer, person=person, reason="業務相關")

    return make


@pytest.fixture
def decide(organizer):
    """``decide(attendee, approve)``: the organizer admits or refuses a proposed attendee."""

    def make(attendee: MeetingAttendee, approve: bool) -> MeetingAttendee:
        return svc.attendee_decide(
            attendee=attendee, actor=organizer, approve=approve, reason="准" if approve else "非法定人員"
        )

    return make


@pytest.fixture
def clear_venue(meeting, organizer):
    """``clear_venue()``: the organizer records a venue check that found nothing."""

    def make():
        return svc.venue_check_record(
            meeting=meeting, actor=organizer, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
        )

    return make


@dataclass
class Held:
    """A meeting whose level has been announced, and its attendees by person."""

    meeting: Meeting
    attendees: dict[int, MeetingAttendee] = field(default_factory=dict)

    def of(self, person: User) -> MeetingAttendee:
        return MeetingAttendee.objects.get(pk=self.attendees[person.pk].pk)


@pytest.fixture
def hold(meeting, organizer, chair, materials, propose, decide, clear_venue):
    """``hold(*approved, refused=(), pending=())``: name the materials, vet the attendees, check the
    venue and have the chair announce the level. The meeting is then 已召開 (held)."""

    def make(*approved: User, refused=(), pending=()) -> Held:
        svc.materials_set(meeting=meeting, actor=organizer, document=materials)
        held = Held(meeting=meeting)
        for person in approved:
            held.attendees[person.pk] = decide(propose(person), True)
        for person in refused:
            held.attendees[person.pk] = decide(propose(person), False)
        for person in pending:
            held.attendees[person.pk] = propose(person)
        clear_venue()
        svc.meeting_announce(meeting=meeting, actor=chair)
        held.meeting = Meeting.objects.get(pk=meeting.pk)
        return held

    return make
