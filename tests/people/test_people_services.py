"""The services that change a person, and the hand-over (移交): each one door, audited, and a
refusal writes nothing."""

from __future__ import annotations

import pytest

from classification import Level
from registry import policies
from registry.errors import NotPermitted, RegistryError
from registry.models import (
    AuditAction,
    AuditEvent,
    Document,
    HandlingStep,
    Handover,
    HandoverItem,
    ItemKind,
    NeedToKnowGrant,
    User,
)
from registry.models.documents import GrantBasis, StepKind
from registry.selectors.people import holdings, person_changes
from registry.services import people as svc
from tests.factories import UnitFactory
from tests.support import Snapshot, details, head_seq, the_event

pytestmark = pytest.mark.django_db

TABLES = (AuditEvent, Handover, HandoverItem, HandlingStep, NeedToKnowGrant, User)


def untouched(*rows):
    return Snapshot.take(*TABLES, rows=rows)


def live_grants(person, document):
    return NeedToKnowGrant.objects.filter(user=person, document=document, ended_at__isnull=True)


# --- clearance ---------------------------------------------------------------------------------------


def test_lowering_a_clearance_ends_grants_above_it_and_names_what_is_held(administrator, supervisor, handler, held):
    since = head_seq()
    still = svc.person_change_clearance(actor=administrator, person=handler, clearance=Level.CONFIDENTIAL, reason="安全查核")
    assert [item.label for item in still] == [held.number]
    assert not live_grants(handler, held).exists()
    handler.refresh_from_db()
    assert not Document.objects.visible_to(handler).filter(pk=held.pk).exists()
    event = the_event(AuditAction.PERSON_CLEARANCE, since=since, actor=administrator, document=None)
    assert details(event)["subject"] == handler.pk
    assert details(event)["before"] == Level.TOP_SECRET.label
    assert details(event)["after"] == Level.CONFIDENTIAL.label
    assert details(event)["grants_ended"] == [held.number]
    assert list(person_changes(handler)) == [event]


def test_raising_a_clearance_ends_nothing(administrator, handler, held):
    User.objects.filter(pk=handler.pk).update(clearance=Level.SECRET)
    handler.refresh_from_db()
    assert svc.person_change_clearance(actor=administrator, person=handler, clearance=Level.TOP_SECRET, reason="晉升") == []
    assert live_grants(handler, held).exists()


@pytest.mark.parametrize("who", ["handler", "supervisor", "self"])
def test_only_another_administrator_changes_a_clearance_and_a_refusal_writes_nothing(who, administrator, supervisor, handler):
    actor = {"handler": handler, "supervisor": supervisor, "self": administrator}[who]
    person = administrator if who == "self" else handler
    before = untouched(person)
    with pytest.raises(NotPermitted):
        svc.person_change_clearance(actor=actor, person=person, clearance=Level.RESTRICTED, reason="x")
    assert untouched(person) == before


# --- hand-over ------------------------------------------------------------------------------------------


def test_handover_moves_custody_with_a_step_and_a_grant_and_ends_the_predecessors(administrator, handler, successor, held):
    assert [item.kind for item in holdings(handler)] == [ItemKind.CUSTODY]
    since = head_seq()
    handover = svc.handover_record(actor=administrator, person=handler, successor=successor, reason="transfer")
    held.refresh_from_db()
    assert held.custodian == successor
    assert not Document.objects.visible_to(handler).filter(pk=held.pk).exists()
    assert Document.objects.visible_to(successor).filter(pk=held.pk).exists()
    assert live_grants(successor, held).get().basis == GrantBasis.HANDOVER
    assert not NeedToKnowGrant.objects.filter(user=handler, ended_at__isnull=True).exists()
    step = HandlingStep.objects.filter(document=held).last()
    assert (step.kind, step.to_user, step.actor) == (StepKind.HANDOVER, successor, administrator)
    assert [(i.kind, i.document_id, i.level) for i in handover.items.all()] == [(ItemKind.CUSTODY, held.pk, Level.SECRET)]
    event = the_event(AuditAction.HANDOVER, since=since, actor=administrator, document=None)
    assert details(event)["successor"] == successor.pk
    assert the_event(AuditAction.HANDOVER_ITEM, since=since, actor=administrator, document=held)
    assert holdings(handler) == []


def test_the_successor_signs_for_the_handover(administrator, handler, successor, held):
    handover = svc.handover_record(actor=administrator, person=handler, successor=successor)
    assert not policies.can_sign_handover(handler, handover)
    since = head_seq()
    svc.handover_sign(actor=successor, handover=handover)
    handover.refresh_from_db()
    assert handover.signed_at is not None
    assert HandlingStep.objects.filter(document=held, kind=StepKind.HANDOVER_SIGN, actor=successor).exists()
    the_event(AuditAction.HANDOVER_SIGN, since=since, actor=successor, document=None)
    with pytest.raises(RegistryError):
        svc.handover_sign(actor=successor, handover=handover)


def test_handover_to_a_successor_not_cleared_names_the_item_and_writes_nothing(administrator, handler, held, make_person, handling_unit):
    low = make_person(unit=handling_unit, clearance=Level.CONFIDENTIAL)
    before = untouched(handler, low, held)
    with pytest.raises(NotPermitted) as refusal:
        svc.handover_record(actor=administrator, person=handler, successor=low)
    assert held.number in refusal.value.message
    assert refusal.value.rule == "handover_clearance"
    assert untouched(handler, low, held) == before


def test_a_supervisor_hands_over_within_their_units_only(supervisor, handler, successor, held, make_person):
    from registry.roles import Role

    elsewhere = make_person(Role.SUPERVISOR, unit=UnitFactory())
    assert not policies.can_handover(elsewhere, handler)
    before = untouched(handler, held)
    with pytest.raises(NotPermitted):
        svc.handover_record(actor=elsewhere, person=handler, successor=successor)
    assert untouched(handler, held) == before
    svc.handover_record(actor=supervisor, person=handler, successor=successor)
    held.refresh_from_db()
    assert held.custodian == successor


def test_handover_moves_copies_loans_routing_meetings_and_requests(administrator, walk, handler, successor, supervisor, clerk):
    from registry.models import DocumentCopy, DocumentState, Meeting
    from registry.services import distribution as dist

    routed = walk(DocumentState.ROUTED, level=Level.CONFIDENTIAL)
    signed = walk(DocumentState.SIGNED, level=Level.CONFIDENTIAL, copies_count=3)
    request = dist.distribution_request(document=signed, actor=handler, recipients=[supervisor], reason="會辦")
    meeting = Meeting.objects.create(
        subject="會議", level=Level.CONFIDENTIAL, starts_at=signed.registered_at, place="會議室",
        chair=handler, organizing_unit=handler.unit, organizer=handler,
    )
    kinds = {item.kind for item in holdings(handler)}
    assert {ItemKind.ROUTED, ItemKind.CUSTODY, ItemKind.DISTRIBUTION_REQUEST, ItemKind.MEETING_CHAIR, ItemKind.MEETING_ORGANIZER} <= kinds
    svc.handover_record(actor=administrator, person=handler, successor=successor)
    routed.refresh_from_db()
    request.refresh_from_db()
    meeting.refresh_from_db()
    assert routed.routed_to == successor
    assert request.requested_by == successor
    assert (meeting.chair, meeting.organizer) == (successor, successor)
    assert holdings(handler) == []
    assert not DocumentCopy.objects.filter(holder=handler, state="held").exists()


# --- deactivation and transfer --------------------------------------------------------------------------


def test_deactivating_a_holder_is_refused_and_writes_nothing(administrator, handler, held):
    before = untouched(handler, held)
    with pytest.raises(NotPermitted) as refusal:
        svc.person_deactivate(actor=administrator, person=handler, reason="退休")
    assert held.number in refusal.value.message
    assert untouched(handler, held) == before


def test_deactivating_with_a_successor_hands_over_in_the_same_step(administrator, handler, successor, held):
    since = head_seq()
    handover = svc.person_deactivate(actor=administrator, person=handler, reason="退休", successor=successor)
    handler.refresh_from_db()
    held.refresh_from_db()
    assert not handler.is_active
    assert held.custodian == successor
    assert handover.predecessor == handler
    event = the_event(AuditAction.PERSON_ACTIVE, since=since, actor=administrator, document=None)
    assert (details(event)["before"], details(event)["after"], details(event)["handover"]) == (True, False, handover.pk)


def test_deactivating_a_person_holding_nothing_ends_their_grants(administrator, supervisor, held):
    # The supervisor holds only an opened-grant, no custody.
    assert holdings(supervisor) == []
    svc.person_deactivate(actor=administrator, person=supervisor, reason="離職")
    assert not NeedToKnowGrant.objects.filter(user=supervisor, ended_at__isnull=True).exists()


def test_transfer_with_a_successor(administrator, handler, successor, held):
    new_unit = UnitFactory()
    since = head_seq()
    svc.person_transfer(actor=administrator, person=handler, unit=new_unit, reason="調任", successor=successor)
    handler.refresh_from_db()
    assert handler.unit == new_unit
    event = the_event(AuditAction.PERSON_TRANSFER, since=since, actor=administrator, document=None)
    assert details(event)["after"] == new_unit.code


def test_transfer_of_a_holder_without_a_successor_writes_nothing(administrator, handler, held):
    before = untouched(handler, held)
    with pytest.raises(NotPermitted):
        svc.person_transfer(actor=administrator, person=handler, unit=UnitFactory(), reason="調任")
    assert untouched(handler, held) == before


# --- the agency head, roles, passwords ---------------------------------------------------------------


def test_exactly_one_agency_head(administrator, supervisor, clerk):
    svc.designate_agency_head(actor=administrator, person=supervisor)
    since = head_seq()
    svc.designate_agency_head(actor=administrator, person=clerk)
    assert list(User.objects.filter(is_agency_head=True)) == [clerk]
    event = the_event(AuditAction.PERSON_AGENCY_HEAD, since=since, actor=administrator, document=None)
    assert details(event)["before"] == [supervisor.username]


def test_designating_the_head_is_for_an_administrator_and_a_refusal_writes_nothing(supervisor, clerk):
    before = untouched(clerk)
    with pytest.raises(NotPermitted):
        svc.designate_agency_head(actor=supervisor, person=clerk)
    assert untouched(clerk) == before


def test_roles_and_password_changes_are_audited_without_the_password(administrator, handler):
    from registry.roles import Role

    since = head_seq()
    svc.person_set_roles(actor=administrator, person=handler, roles=[Role.HANDLER, Role.CLERK])
    event = the_event(AuditAction.PERSON_ROLES, since=since, actor=administrator, document=None)
    assert details(event)["before"] == [Role.HANDLER.value]
    svc.person_set_password(actor=administrator, person=handler, password="A-new-long-passphrase-115")
    event = the_event(AuditAction.PERSON_PASSWORD, since=since, actor=administrator, document=None)
    assert "A-new-long" not in event.details
    handler.refresh_from_db()
    assert handler.check_password("A-new-long-passphrase-115")


def test_handover_of_a_loan_moves_the_borrower_the_custody_and_the_grant(administrator, walk, clerk, successor):
    from registry.models import DocumentState, Loan

    lent = walk(DocumentState.ON_LOAN, level=Level.CONFIDENTIAL)
    assert [item.kind for item in holdings(clerk)] == [ItemKind.LOAN]
    svc.handover_record(actor=administrator, person=clerk, successor=successor, reason="leave")
    loan = Loan.objects.get(document=lent)
    lent.refresh_from_db()
    assert (loan.borrower, lent.custodian) == (successor, successor)
    assert loan.grant.user == successor and loan.grant.ended_at is None
    assert Document.objects.visible_to(successor).filter(pk=lent.pk).exists()
    assert not Document.objects.visible_to(clerk).filter(pk=lent.pk).exists()
