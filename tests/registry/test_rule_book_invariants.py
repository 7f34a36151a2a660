"""Rules that hold whatever path reaches the outcome: each is enforced in the service that makes the
outcome (issuing a copy, granting need-to-know, registering, deciding), and each test here walks
every path that could reach it and shows each refuses, writing nothing.

- originals never exceed the registered number of copies (國家機密保護法第18條);
- a further copy of a level that may not be copied is refused (§15): distribution, reproduction,
  meeting materials;
- minutes reach only the attending units and the superior agency (會議機密維護 rule 5), through
  their distribution, an ordinary distribution request, a loan, or another meeting's materials;
- the §7 fields are required by the one door, not only by the form;
- a cancelled or destroyed document is not dispatched, routed, distributed or lent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from classification import Level, TransitMethod
from registry.errors import InvalidTransition, NotPermitted, RegistryError, ValidationFailed
from registry.models import (
    AuditEvent,
    CopyState,
    Document,
    DocumentCopy,
    DocumentState,
    Meeting,
    NeedToKnowGrant,
    ReproductionKind,
    StorageLocation,
    StorageZone,
    Unit,
)
from registry.policies import can_know
from registry.roles import Role
from registry.services import archive as archive_svc
from registry.services import dispatch as dispatch_svc
from registry.services import distribution as dist_svc
from registry.services import documents as doc_svc
from registry.services import meetings as meeting_svc
from tests.factories import AGENCY_DECISION, register_document, valid_registration


def _counts() -> tuple:
    return (
        Document.objects.count(),
        DocumentCopy.objects.count(),
        NeedToKnowGrant.objects.count(),
        AuditEvent.objects.count(),
    )


def nothing_written(call, exception=RegistryError):
    """Call, expect ``exception``, and check that no document, copy, grant or event was written."""
    before = _counts()
    with pytest.raises(exception) as info:
        call()
    assert _counts() == before, "a refused action wrote something"
    return info.value


@pytest.fixture
def colleagues(make_person, handling_unit):
    return [make_person(unit=handling_unit, username=f"mate{n}", full_name=f"同仁{n}") for n in range(4)]


def distribute(document, handler, supervisor, person):
    request = dist_svc.distribution_request(document=document, actor=handler, recipients=[person], reason="會辦")
    return dist_svc.distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准")


# --- originals never exceed the registered number of copies ------------------------------------------


def test_a_distribution_beyond_the_registered_copies_is_refused(walk, handler, supervisor, colleagues):
    document = walk(DocumentState.IN_HANDLING, copies_count=2)
    distribute(document, handler, supervisor, colleagues[0])
    distribute(document, handler, supervisor, colleagues[1])
    request = dist_svc.distribution_request(document=document, actor=handler, recipients=[colleagues[2]], reason="會辦")

    with override("en"):
        refusal = nothing_written(
            lambda: dist_svc.distribution_decide(
                recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准"
            ),
            InvalidTransition,
        )

    assert "All 2 registered copies" in str(refusal.message) and "Article 18" in str(refusal.message)
    assert not can_know(colleagues[2], document)
    numbers = sorted(DocumentCopy.objects.filter(document=document).values_list("number", flat=True))
    assert numbers == [1, 2]


def test_a_copy_back_in_hand_is_given_again_under_its_own_number(walk, handler, supervisor, colleagues):
    document = walk(DocumentState.IN_HANDLING, copies_count=1)
    first = distribute(document, handler, supervisor, colleagues[0]).copy
    dist_svc.copy_return(copy=first, actor=supervisor)

    second = distribute(document, handler, supervisor, colleagues[1]).copy

    assert (first.number, second.number) == (1, 1) and first.pk != second.pk
    assert list(DocumentCopy.objects.filter(document=document, state=CopyState.HELD)) == [second]


def test_the_one_registered_copy_of_a_top_secret_document_goes_to_one_person_only(
    walk, handler, supervisor, colleagues
):
    """The finding: a 絕對機密 document registered with one copy became copies 1, 2 and 3."""
    document = walk(DocumentState.IN_HANDLING, level=Level.TOP_SECRET, copies_count=1, protection_years=30)
    request = dist_svc.distribution_request(document=document, actor=handler, recipients=colleagues[:3], reason="會辦")
    recipients = list(request.recipients.order_by("pk"))

    dist_svc.distribution_decide(recipient=recipients[0], actor=supervisor, approve=True, reason="准")
    for recipient in recipients[1:]:
        nothing_written(
            lambda r=recipient: dist_svc.distribution_decide(recipient=r, actor=supervisor, approve=True, reason="准"),
            InvalidTransition,
        )

    copies = list(DocumentCopy.objects.filter(document=document))
    assert [(c.number, c.is_reproduction) for c in copies] == [(1, False)]


# --- a level that may not be copied is copied nowhere (§15) ------------------------------------------


def test_a_top_secret_document_may_not_even_be_asked_to_be_copied(walk, handler):
    document = walk(DocumentState.IN_HANDLING, level=Level.TOP_SECRET, protection_years=30)

    with override("en"):
        refusal = nothing_written(
            lambda: dist_svc.reproduction_request(
                document=document, actor=handler, kind=ReproductionKind.COPY, reason="附卷"
            ),
            NotPermitted,
        )
    assert "Article 15" in str(refusal.message)


def test_copying_approved_after_an_upgrade_to_top_secret_is_refused_at_the_decision(walk, handler, supervisor):
    """The request was made while the document was 極機密; the decision finds it 絕對機密."""
    from registry.services.declassification import reclassify

    document = walk(DocumentState.IN_HANDLING, level=Level.SECRET, protection_years=20)
    asked = dist_svc.reproduction_request(document=document, actor=handler, kind=ReproductionKind.COPY, reason="附卷")
    reclassify(
        document=document, actor=supervisor, kind="upgrade", reason="涉及國防", **AGENCY_DECISION,
        new_level=Level.TOP_SECRET, new_protection_years=30,
    )

    with override("en"):
        refusal = nothing_written(
            lambda: dist_svc.reproduction_decide(request=asked, actor=supervisor, approve=True, reason="准"),
            NotPermitted,
        )
    assert "Article 15" in str(refusal.message)
    assert not DocumentCopy.objects.filter(document=document, is_reproduction=True).exists()


def test_no_path_makes_a_reproduction_of_a_top_secret_document(walk, handler, supervisor):
    """``issue_copy`` is the one place a copy is made: asked for a reproduction of 絕對機密 it refuses."""
    document = walk(DocumentState.IN_HANDLING, level=Level.TOP_SECRET, protection_years=30)

    nothing_written(
        lambda: dist_svc.issue_copy(
            document=document, holder=handler, actor=supervisor, grant=None, reproduction=True, purpose="reproduction"
        ),
        NotPermitted,
    )


# --- meetings: materials and minutes ----------------------------------------------------------------


@pytest.fixture
def held_meeting(walk, supervisor, make_person, handling_unit, other_unit):
    """A held 機密 meeting organized and chaired by the supervisor; its materials registered in one
    copy; two attendees of the handling unit and one of the ethics office admitted."""

    def make(*, materials_copies=1, materials_level=Level.CONFIDENTIAL):
        materials = walk(DocumentState.IN_HANDLING, level=materials_level, copies_count=materials_copies,
                         protection_years=10)
        meeting = meeting_svc.meeting_register(
            actor=supervisor, subject="保防會報", level=Level.CONFIDENTIAL,
            starts_at=timezone.now() + timedelta(days=1), place="第一會議室", chair=supervisor,
        )
        people = [
            make_person(unit=handling_unit, username="att-a", full_name="與會甲"),
            make_person(unit=handling_unit, username="att-b", full_name="與會乙"),
            make_person(unit=other_unit, username="att-c", full_name="與會丙"),
        ]
        attendees = []
        for person in people:
            row = meeting_svc.attendee_propose(meeting=meeting, actor=supervisor, person=person, reason="業務相關")
            attendees.append(meeting_svc.attendee_decide(attendee=row, actor=supervisor, approve=True, reason="同意"))
        meeting_svc.materials_set(meeting=meeting, actor=supervisor, document=materials)
        meeting_svc.venue_check_record(
            meeting=meeting, actor=supervisor, checked_at=timezone.now() - timedelta(minutes=5),
            no_eavesdropping=True, no_recording=True,
        )
        meeting = meeting_svc.meeting_announce(meeting=meeting, actor=supervisor)
        return meeting, attendees, materials

    return make


def test_meeting_materials_beyond_the_registered_copies_are_refused(held_meeting, supervisor):
    meeting, attendees, materials = held_meeting(materials_copies=2)
    meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[0])
    meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[1])

    nothing_written(
        lambda: meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[2]),
        InvalidTransition,
    )
    assert not can_know(attendees[2].user, materials)


def test_top_secret_meeting_materials_stop_at_the_registered_copies(held_meeting, supervisor):
    meeting, attendees, materials = held_meeting(materials_copies=1, materials_level=Level.TOP_SECRET)
    meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[0])

    nothing_written(
        lambda: meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[1]),
        InvalidTransition,
    )
    assert not DocumentCopy.objects.filter(document=materials, is_reproduction=True).exists()


@pytest.fixture
def minutes_of(walk, supervisor, handler):
    """``minutes_of(meeting)``: a 機密 document in handling, named as the meeting's minutes, that the
    handler holds and may ask to distribute."""

    def make(meeting):
        minutes = walk(DocumentState.IN_HANDLING, copies_count=10, subject="保防會報會議紀錄")
        meeting_svc.materials_set(meeting=meeting, actor=supervisor, document=minutes, minutes=True)
        return minutes

    return make


def test_minutes_do_not_reach_a_unit_that_did_not_attend_through_an_ordinary_distribution(
    held_meeting, minutes_of, supervisor, handler, make_person, other_unit
):
    """The finding: minutes reached a person of a unit that did not attend through the ordinary
    distribution request. 政風室 was admitted (與會丙) but never handed a copy, so it did not attend."""
    meeting, attendees, _materials = held_meeting(materials_copies=3)
    meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[0])
    minutes = minutes_of(meeting)
    outsider = make_person(unit=other_unit, username="eth-x", full_name="政風某")
    request = dist_svc.distribution_request(document=minutes, actor=handler, recipients=[outsider], reason="會辦")

    with override("en"):
        refusal = nothing_written(
            lambda: dist_svc.distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准"),
            NotPermitted,
        )
    assert "did not attend" in str(refusal.message)
    assert not can_know(outsider, minutes)

    # A colleague of an attending unit receives them by the same path.
    colleague = make_person(unit=attendees[0].user.unit, username="mate-x", full_name="同仁某")
    request = dist_svc.distribution_request(document=minutes, actor=handler, recipients=[colleague], reason="會辦")
    dist_svc.distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准")
    assert can_know(colleague, minutes)


def test_minutes_do_not_reach_a_unit_that_did_not_attend_through_a_loan(
    held_meeting, minutes_of, supervisor, handler, archivist, make_person, other_unit
):
    meeting, attendees, _materials = held_meeting(materials_copies=3)
    meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[0])
    minutes = minutes_of(meeting)
    minutes = archive_svc.archive_handover(document=minutes, actor=handler)
    location = StorageLocation.objects.create(code="MIN-C", name="機密櫃", zone=StorageZone.CLASSIFIED)
    archive_svc.archive_receive(document=minutes, actor=archivist, location=location, retention_years=5)
    outsider = make_person(unit=other_unit, username="eth-y", full_name="政風乙")
    loan = archive_svc.loan_request(document=minutes, actor=outsider, reason="查考")
    loan = archive_svc.loan_decide(
        loan=loan, actor=supervisor, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
    )

    nothing_written(lambda: archive_svc.loan_lend(loan=loan, actor=archivist), NotPermitted)
    assert not can_know(outsider, minutes)


def test_minutes_do_not_reach_a_unit_that_did_not_attend_as_another_meetings_materials(
    held_meeting, minutes_of, supervisor, make_person, other_unit
):
    meeting, attendees, _materials = held_meeting(materials_copies=3)
    meeting_svc.materials_hand_out(meeting=meeting, actor=supervisor, attendee=attendees[0])
    minutes = minutes_of(meeting)
    follow_up = meeting_svc.meeting_register(
        actor=supervisor, subject="追蹤會議", level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=2), place="第二會議室", chair=supervisor,
    )
    outsider = make_person(unit=other_unit, username="eth-z", full_name="政風丙")
    row = meeting_svc.attendee_propose(meeting=follow_up, actor=supervisor, person=outsider, reason="業務相關")
    row = meeting_svc.attendee_decide(attendee=row, actor=supervisor, approve=True, reason="同意")
    meeting_svc.materials_set(meeting=follow_up, actor=supervisor, document=minutes)
    meeting_svc.venue_check_record(
        meeting=follow_up, actor=supervisor, checked_at=timezone.now() - timedelta(minutes=5),
        no_eavesdropping=True, no_recording=True,
    )
    follow_up = meeting_svc.meeting_announce(meeting=follow_up, actor=supervisor)

    nothing_written(lambda: meeting_svc.materials_hand_out(meeting=follow_up, actor=supervisor, attendee=row), NotPermitted)
    assert not can_know(outsider, minutes)
    assert Meeting.objects.filter(minutes=minutes).count() == 1


def test_minutes_reach_the_superior_agency(held_meeting, minutes_of, supervisor, make_person):
    meeting, _attendees, _materials = held_meeting(materials_copies=3)
    minutes = minutes_of(meeting)
    ministry = Unit.objects.create(code="MOI", name="內政部", is_superior_agency=True)
    official = make_person(unit=ministry, username="moi-a", full_name="內政部承辦")

    copies = meeting_svc.minutes_distribute(meeting=meeting, actor=supervisor, recipients=[official], reason="陳報")
    assert [c.holder for c in copies] == [official] and can_know(official, minutes)


# --- §7: who classified the document and who approved the level ------------------------------------


@pytest.mark.parametrize("field", ["original_agency", "approving_official"])
def test_the_one_door_refuses_a_registration_without_the_article_7_fields(clerk, field):
    # An empty original agency is the sender's (收文): with no sender either, nobody is recorded.
    values = valid_registration(**{field: "  ", "sender": ""})

    with override("en"):
        refusal = nothing_written(lambda: doc_svc.document_register(actor=clerk, **values), ValidationFailed)

    assert list(refusal.field_errors) == [field]
    assert "Article 7" in refusal.field_errors[field][0]


# --- a cancelled or destroyed document goes nowhere ------------------------------------------------


@pytest.fixture(params=[DocumentState.CANCELLED, DocumentState.DESTROYED])
def closed(request, walk):
    return walk(request.param, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")


def test_a_closed_document_is_not_dispatched(closed, clerk):
    nothing_written(
        lambda: dispatch_svc.dispatch_record(
            document=closed, actor=clerk, recipient="內政部", address="臺北市中正區徐州路5號",
            method=TransitMethod.DOUBLE_REGISTERED, registered_no="A123",
        ),
        InvalidTransition,
    )


def test_a_closed_document_is_not_routed(closed, clerk, handler):
    nothing_written(lambda: doc_svc.document_route(document=closed, actor=clerk, handler=handler), InvalidTransition)


def test_a_closed_document_is_not_distributed(closed, handler, supervisor):
    nothing_written(
        lambda: dist_svc.distribution_request(document=closed, actor=handler, recipients=[supervisor], reason="會辦"),
        RegistryError,
    )


def test_a_closed_document_is_not_lent(closed, supervisor):
    nothing_written(lambda: archive_svc.loan_request(document=closed, actor=supervisor, reason="查考"), InvalidTransition)


def test_a_destroyed_documents_approved_loan_is_not_lent(walk, clerk, supervisor, archivist, ethics_officer):
    """A loan approved while the document was in the archive is not lent once it is destroyed."""
    from registry.services import destruction as destruction_svc

    document = walk(DocumentState.ARCHIVED, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")
    loan = archive_svc.loan_request(document=document, actor=clerk, reason="查考")
    loan = archive_svc.loan_decide(
        loan=loan, actor=supervisor, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
    )
    Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=800))
    inventory = destruction_svc.destruction_draft(actor=archivist, documents=[document])
    destruction_svc.destruction_approve(destruction_list=inventory, actor=supervisor)
    destruction_svc.destruction_record(
        destruction_list=inventory, actor=ethics_officer, destroyed_by=archivist, witness=ethics_officer,
        method="shred", destroyed_on=timezone.localdate(),
    )

    nothing_written(lambda: archive_svc.loan_lend(loan=loan, actor=archivist), InvalidTransition)


def test_registering_needs_a_clerk_of_a_unit(make_person):
    nobody = make_person(Role.CLERK, unit=None, username="unitless")
    nothing_written(lambda: register_document(nobody), NotPermitted)
