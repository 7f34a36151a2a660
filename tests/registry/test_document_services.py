"""The handling services: register, open, route, sign for, begin handling, cancel.

Each transition is checked for what it changes (state, custodian, routed_to, handling unit, the
handling step), for its refusal from a wrong state (InvalidTransition) and by a wrong person
(NotPermitted), and for its audit event. A refusal writes nothing.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from classification import Level, roc_year
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    AuditEvent,
    Direction,
    DocumentState,
    DocumentUserObjectPermission,
    HandlingStep,
    NeedToKnowGrant,
)
from registry.models.documents import VIEW_PERMISSION, GrantBasis, StepKind
from registry.roles import Role
from registry.services.documents import (
    document_begin_handling,
    document_cancel,
    document_open,
    document_register,
    document_route,
    document_sign_for,
)
from tests.factories import UnitFactory, register_document, valid_registration
from tests.support import document_snapshot, head_seq, the_event

pytestmark = pytest.mark.django_db

ALL_STATES = list(DocumentState)


def states_except(*allowed):
    return [s for s in ALL_STATES if s not in allowed]


def steps_of(document, kind):
    return list(HandlingStep.objects.filter(document=document, kind=kind))


# --- register -----------------------------------------------------------------------------------


def test_clerk_registers_a_document_in_custody_with_a_number_a_step_and_an_audit_event(clerk, receiving_unit):
    document = register_document(clerk, subject="  國防採購案  ")

    document.refresh_from_db()
    assert document.state == DocumentState.REGISTERED
    assert document.custodian == clerk
    assert document.registered_by == clerk
    assert document.responsible_unit == receiving_unit
    assert document.routed_to is None and document.handling_unit is None
    assert document.subject == "國防採購案"
    assert (document.reg_year, document.reg_series, document.reg_serial) == (roc_year(timezone.localdate()), "收", 1)
    assert document.number == f"{roc_year(timezone.localdate())}收000001"
    [step] = steps_of(document, StepKind.REGISTER)
    assert (step.actor, step.to_unit) == (clerk, receiving_unit)
    event = the_event(AuditAction.DOCUMENT_REGISTER, actor=clerk, document=document)
    assert f'"number":"{document.number}"' in event.details


def test_outgoing_documents_are_numbered_in_their_own_series(clerk):
    incoming = register_document(clerk)
    outgoing = register_document(clerk, direction=Direction.OUTGOING, authorization_ref="", authorization_by="")

    assert (incoming.reg_series, incoming.reg_serial) == ("收", 1)
    assert (outgoing.reg_series, outgoing.reg_serial) == ("發", 1)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.HANDLER, Role.ARCHIVIST, Role.ETHICS, Role.ADMIN, None])
def test_only_a_clerk_may_register(make_person, receiving_unit, role):
    person = make_person(*([role] if role else []), unit=receiving_unit, is_superuser=role is Role.ADMIN)
    before = document_snapshot()

    with pytest.raises(NotPermitted, match="收發人員"):
        register_document(person)

    assert document_snapshot() == before


def test_inactive_clerk_cannot_register(make_person, receiving_unit):
    clerk = make_person(Role.CLERK, unit=receiving_unit, is_active=False)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        register_document(clerk)

    assert document_snapshot() == before


def test_clerk_without_a_unit_cannot_register(make_person):
    clerk = make_person(Role.CLERK, unit=None)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        register_document(clerk)

    assert document_snapshot() == before


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"subject": "   "}, "subject"),
        ({"level": 9}, "level"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_register_refuses_malformed_input_and_writes_nothing(clerk, overrides, field):
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        document_register(actor=clerk, **valid_registration(**overrides))

    assert field in refusal.value.field_errors
    assert document_snapshot() == before


# --- open ---------------------------------------------------------------------------------------


def test_supervisor_opens_instructs_and_gains_need_to_know(walk, supervisor, clerk, handling_unit):
    document = walk(DocumentState.REGISTERED)
    seq = head_seq()

    document_open(document=document, actor=supervisor, instruction="  請機要科速辦  ", handling_unit=handling_unit)

    document.refresh_from_db()
    assert document.state == DocumentState.OPENED
    assert document.instruction == "請機要科速辦"
    assert document.handling_unit == handling_unit
    assert document.custodian == clerk  # opening does not move the paper
    [step] = steps_of(document, StepKind.OPEN)
    assert (step.actor, step.to_unit, step.note) == (supervisor, handling_unit, "請機要科速辦")
    [grant] = NeedToKnowGrant.objects.filter(document=document, user=supervisor)
    assert grant.basis == GrantBasis.OPENED
    assert grant.granted_by == supervisor
    assert grant.is_live()
    [perm] = DocumentUserObjectPermission.objects.filter(content_object=document, user=supervisor)
    assert perm.permission.codename == VIEW_PERMISSION
    assert perm.expires_at is None
    the_event(AuditAction.DOCUMENT_OPEN, actor=supervisor, document=document, since=seq)
    the_event(AuditAction.GRANT_CREATE, actor=supervisor, document=document, since=seq)


def test_supervisor_of_a_unit_above_the_receiving_unit_may_open(walk, make_person, receiving_unit, handling_unit):
    head_office = UnitFactory(code="HQ", name="本府")
    receiving_unit.parent = head_office
    receiving_unit.save()
    director = make_person(Role.SUPERVISOR, unit=head_office)
    document = walk(DocumentState.REGISTERED)

    document_open(document=document, actor=director, instruction="交辦", handling_unit=handling_unit)

    document.refresh_from_db()
    assert document.state == DocumentState.OPENED
    the_event(AuditAction.DOCUMENT_OPEN, actor=director, document=document)


@pytest.mark.parametrize("state", states_except(DocumentState.REGISTERED))
def test_open_is_refused_unless_the_document_is_registered(walk, supervisor, handling_unit, state):
    document = walk(state)
    before = document_snapshot()

    with pytest.raises(InvalidTransition):
        document_open(document=document, actor=supervisor, instruction="再批", handling_unit=handling_unit)

    document.refresh_from_db()
    assert document.state == state
    assert document_snapshot() == before


@pytest.mark.parametrize("who", ["clerk", "handler", "archivist", "ethics_officer", "administrator", "outsider"])
def test_only_a_supervisor_may_open(walk, everyone, handling_unit, who):
    document = walk(DocumentState.REGISTERED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_open(document=document, actor=everyone[who], instruction="批示", handling_unit=handling_unit)

    document.refresh_from_db()
    assert document.state == DocumentState.REGISTERED
    assert document_snapshot() == before


def test_supervisor_of_another_unit_cannot_open(walk, make_person, other_unit, handling_unit):
    stranger = make_person(Role.SUPERVISOR, unit=other_unit)
    document = walk(DocumentState.REGISTERED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_open(document=document, actor=stranger, instruction="批示", handling_unit=handling_unit)

    assert document_snapshot() == before


def test_supervisor_cleared_below_the_level_cannot_open(walk, make_person, receiving_unit, handling_unit):
    low = make_person(Role.SUPERVISOR, unit=receiving_unit, clearance=Level.OFFICIAL_SECRET)
    document = walk(DocumentState.REGISTERED)  # 機密
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_open(document=document, actor=low, instruction="批示", handling_unit=handling_unit)

    assert document_snapshot() == before


def test_open_without_an_instruction_is_refused(walk, supervisor, handling_unit):
    document = walk(DocumentState.REGISTERED)
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        document_open(document=document, actor=supervisor, instruction="  ", handling_unit=handling_unit)

    assert "instruction" in refusal.value.field_errors
    assert document_snapshot() == before


# --- route --------------------------------------------------------------------------------------


def test_clerk_routes_an_opened_document_to_a_handler_of_the_instructed_unit(walk, clerk, handler, handling_unit):
    document = walk(DocumentState.OPENED)
    seq = head_seq()

    document_route(document=document, actor=clerk, handler=handler, note=" 速件 ")

    document.refresh_from_db()
    assert document.state == DocumentState.ROUTED
    assert document.routed_to == handler
    assert document.custodian == clerk  # the paper moves only when the handler signs for it
    [step] = steps_of(document, StepKind.ROUTE)
    assert (step.actor, step.to_user, step.to_unit, step.note) == (clerk, handler, handling_unit, "速件")
    event = the_event(AuditAction.DOCUMENT_ROUTE, actor=clerk, document=document, since=seq)
    assert event.details == f'{{"handler":{handler.pk}}}'
    # Routing alone gives the handler no need-to-know.
    assert not NeedToKnowGrant.objects.filter(document=document, user=handler).exists()


@pytest.mark.parametrize("state", states_except(DocumentState.OPENED))
def test_route_is_refused_unless_the_document_is_opened(walk, clerk, handler, state):
    document = walk(state)
    before = document_snapshot()

    with pytest.raises(InvalidTransition):
        document_route(document=document, actor=clerk, handler=handler)

    document.refresh_from_db()
    assert document.state == state
    assert document_snapshot() == before


@pytest.mark.parametrize("who", ["supervisor", "handler", "archivist", "ethics_officer", "administrator", "outsider"])
def test_only_a_clerk_may_route(walk, everyone, handler, who):
    document = walk(DocumentState.OPENED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_route(document=document, actor=everyone[who], handler=handler)

    document.refresh_from_db()
    assert (document.state, document.routed_to) == (DocumentState.OPENED, None)
    assert document_snapshot() == before


def test_clerk_of_another_unit_cannot_route(walk, make_person, other_unit, handler):
    stranger = make_person(Role.CLERK, unit=other_unit)
    document = walk(DocumentState.OPENED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_route(document=document, actor=stranger, handler=handler)

    assert document_snapshot() == before


def test_route_to_a_person_who_is_not_a_designated_handler_is_refused(walk, clerk, outsider):
    document = walk(DocumentState.OPENED)
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        document_route(document=document, actor=clerk, handler=outsider)

    assert "handler" in refusal.value.field_errors
    assert document_snapshot() == before


def test_route_to_a_handler_outside_the_instructed_unit_is_refused(walk, clerk, make_person, other_unit):
    elsewhere = make_person(Role.HANDLER, unit=other_unit)
    document = walk(DocumentState.OPENED)
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        document_route(document=document, actor=clerk, handler=elsewhere)

    assert "handler" in refusal.value.field_errors
    assert "機要科" in refusal.value.message
    assert document_snapshot() == before


# --- sign for -----------------------------------------------------------------------------------


def test_handler_signs_for_takes_custody_and_gains_need_to_know(walk, handler, clerk):
    document = walk(DocumentState.ROUTED)
    seq = head_seq()

    document_sign_for(document=document, actor=handler, note="已收")

    document.refresh_from_db()
    assert document.state == DocumentState.SIGNED
    assert document.custodian == handler
    [step] = steps_of(document, StepKind.SIGN_FOR)
    assert (step.actor, step.note) == (handler, "已收")
    [grant] = NeedToKnowGrant.objects.filter(document=document, user=handler)
    assert (grant.basis, grant.granted_by, grant.expires_at) == (GrantBasis.SIGNED, handler, None)
    [perm] = DocumentUserObjectPermission.objects.filter(content_object=document, user=handler)
    assert perm.permission.codename == VIEW_PERMISSION
    event = the_event(AuditAction.DOCUMENT_SIGN_FOR, actor=handler, document=document, since=seq)
    assert event.details == f'{{"previous_custodian":{clerk.pk}}}'
    the_event(AuditAction.GRANT_CREATE, actor=handler, document=document, since=seq)


@pytest.mark.parametrize("state", states_except(DocumentState.ROUTED))
def test_sign_for_is_refused_unless_the_document_is_routed(walk, handler, state):
    document = walk(state)
    before = document_snapshot()

    with pytest.raises(InvalidTransition):
        document_sign_for(document=document, actor=handler)

    document.refresh_from_db()
    assert document.state == state
    assert document_snapshot() == before


@pytest.mark.parametrize("who", ["clerk", "supervisor", "archivist", "ethics_officer", "administrator", "outsider"])
def test_only_a_handler_may_sign_for(walk, everyone, clerk, who):
    document = walk(DocumentState.ROUTED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_sign_for(document=document, actor=everyone[who])

    document.refresh_from_db()
    assert (document.state, document.custodian) == (DocumentState.ROUTED, clerk)
    assert document_snapshot() == before


def test_handler_it_was_not_routed_to_cannot_sign_for(walk, second_handler, clerk):
    document = walk(DocumentState.ROUTED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_sign_for(document=document, actor=second_handler)

    document.refresh_from_db()
    assert document.custodian == clerk
    assert not NeedToKnowGrant.objects.filter(document=document, user=second_handler).exists()
    assert document_snapshot() == before


# --- begin handling -----------------------------------------------------------------------------


def test_handler_who_signed_for_begins_handling(walk, handler):
    document = walk(DocumentState.SIGNED)
    seq = head_seq()

    document_begin_handling(document=document, actor=handler)

    document.refresh_from_db()
    assert document.state == DocumentState.IN_HANDLING
    assert document.custodian == handler
    [step] = steps_of(document, StepKind.BEGIN_HANDLING)
    assert step.actor == handler
    the_event(AuditAction.DOCUMENT_BEGIN_HANDLING, actor=handler, document=document, since=seq)


@pytest.mark.parametrize("state", states_except(DocumentState.SIGNED))
def test_begin_handling_is_refused_unless_the_document_is_signed_for(walk, handler, state):
    document = walk(state)
    before = document_snapshot()

    with pytest.raises(InvalidTransition):
        document_begin_handling(document=document, actor=handler)

    document.refresh_from_db()
    assert document.state == state
    assert document_snapshot() == before


@pytest.mark.parametrize("who", ["clerk", "supervisor", "archivist", "ethics_officer", "administrator", "outsider"])
def test_only_a_handler_may_begin_handling(walk, everyone, who):
    document = walk(DocumentState.SIGNED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_begin_handling(document=document, actor=everyone[who])

    assert document_snapshot() == before


def test_handler_without_custody_cannot_begin_handling(walk, second_handler):
    document = walk(DocumentState.SIGNED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_begin_handling(document=document, actor=second_handler)

    document.refresh_from_db()
    assert document.state == DocumentState.SIGNED
    assert document_snapshot() == before


# --- cancel -------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [DocumentState.REGISTERED, DocumentState.OPENED])
@pytest.mark.parametrize("who", ["clerk", "supervisor"])
def test_registration_is_cancelled_keeping_its_number_and_saying_why(walk, everyone, state, who):
    actor = everyone[who]
    document = walk(state)
    number = document.number
    seq = head_seq()

    document_cancel(document=document, actor=actor, reason="  重複登記  ")

    document.refresh_from_db()
    assert document.state == DocumentState.CANCELLED
    assert document.cancel_reason == "重複登記"
    assert document.number == number
    [step] = steps_of(document, StepKind.CANCEL)
    assert (step.actor, step.note) == (actor, "重複登記")
    event = the_event(AuditAction.DOCUMENT_CANCEL, actor=actor, document=document, since=seq)
    assert event.details == '{"reason":"重複登記"}'


def test_a_cancelled_number_is_never_given_again(walk, clerk):
    cancelled = walk(DocumentState.CANCELLED)

    following = register_document(clerk)

    assert following.reg_serial == cancelled.reg_serial + 1
    assert following.reg_series == cancelled.reg_series


@pytest.mark.parametrize(
    "state", states_except(DocumentState.REGISTERED, DocumentState.OPENED, DocumentState.DRAFTED)
)
def test_cancel_is_refused_once_the_document_is_routed(walk, clerk, state):
    document = walk(state)
    before = document_snapshot()

    with pytest.raises(InvalidTransition):
        document_cancel(document=document, actor=clerk, reason="誤登")

    document.refresh_from_db()
    assert document.state == state
    assert document_snapshot() == before


@pytest.mark.parametrize("who", ["handler", "archivist", "ethics_officer", "administrator", "outsider"])
def test_only_a_clerk_or_supervisor_may_cancel(walk, everyone, who):
    document = walk(DocumentState.REGISTERED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_cancel(document=document, actor=everyone[who], reason="誤登")

    document.refresh_from_db()
    assert document.state == DocumentState.REGISTERED
    assert document_snapshot() == before


def test_clerk_of_another_unit_cannot_cancel(walk, make_person, other_unit):
    stranger = make_person(Role.CLERK, unit=other_unit)
    document = walk(DocumentState.REGISTERED)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        document_cancel(document=document, actor=stranger, reason="誤登")

    assert document_snapshot() == before


def test_cancel_without_a_reason_is_refused(walk, clerk):
    document = walk(DocumentState.REGISTERED)
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        document_cancel(document=document, actor=clerk, reason="   ")

    assert "reason" in refusal.value.field_errors
    assert document_snapshot() == before


# --- the whole walk -----------------------------------------------------------------------------


def test_the_whole_walk_leaves_one_step_per_transition_and_a_whole_audit_chain(walk, clerk, supervisor, handler):
    from registry.audit import verify_chain

    document = walk(DocumentState.IN_HANDLING)

    kinds = list(HandlingStep.objects.filter(document=document).values_list("kind", "actor"))
    assert kinds == [
        (StepKind.REGISTER, clerk.pk),
        (StepKind.OPEN, supervisor.pk),
        (StepKind.ROUTE, clerk.pk),
        (StepKind.SIGN_FOR, handler.pk),
        (StepKind.BEGIN_HANDLING, handler.pk),
    ]
    actions = list(AuditEvent.objects.filter(document=document).values_list("action", flat=True))
    assert actions == [
        AuditAction.DOCUMENT_REGISTER,
        AuditAction.GRANT_CREATE,
        AuditAction.DOCUMENT_OPEN,
        AuditAction.DOCUMENT_ROUTE,
        AuditAction.GRANT_CREATE,
        AuditAction.DOCUMENT_SIGN_FOR,
        AuditAction.DOCUMENT_BEGIN_HANDLING,
    ]
    assert verify_chain().whole
