"""A handler asks for distribution; the unit supervisor approves or refuses each recipient."""

from __future__ import annotations

import json

import pytest

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyCustody,
    CopyMovement,
    CopyState,
    Decision,
    DistributionRecipient,
    DistributionRequest,
    Document,
    DocumentCopy,
    DocumentUserObjectPermission,
    NeedToKnowGrant,
)
from registry.models.documents import GrantBasis
from registry.policies import can_know
from registry.roles import Role
from registry.services.distribution import distribution_decide, distribution_request
from registry.services.documents import document_register
from tests.distribution.helpers import registration
from tests.support import Snapshot, actions_since, head_seq, the_event

REASON = "兩人須參與本案會簽"


def _recipient(request: DistributionRequest, user) -> DistributionRecipient:
    return request.recipients.get(user=user)


def test_request_names_each_recipient_as_pending_and_is_audited(document, handler, colleague_a, colleague_b):
    seq = head_seq()

    request = distribution_request(document=document, actor=handler, recipients=[colleague_a, colleague_b], reason=REASON)

    assert request.requested_by == handler and request.reason == REASON
    assert sorted(request.recipients.values_list("user_id", "decision")) == sorted(
        [(colleague_a.pk, Decision.PENDING), (colleague_b.pk, Decision.PENDING)]
    )
    event = the_event(AuditAction.DISTRIBUTION_REQUEST, since=seq, actor=handler, document=document)
    details = json.loads(event.details)
    assert details["request"] == request.pk
    assert sorted(details["recipients"]) == sorted([colleague_a.pk, colleague_b.pk])
    assert actions_since(seq) == [AuditAction.DISTRIBUTION_REQUEST]
    # Asking gives nobody access yet.
    assert not can_know(colleague_a, document)
    assert not can_know(colleague_b, document)


def test_approve_one_and_refuse_the_other_end_to_end(document, handler, supervisor, colleague_a, colleague_b):
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a, colleague_b], reason=REASON)

    seq = head_seq()
    approved = distribution_decide(
        recipient=_recipient(request, colleague_a), actor=supervisor, approve=True, reason="確有知悉必要"
    )

    assert approved.decision == Decision.APPROVED
    assert approved.decided_by == supervisor and approved.decision_reason == "確有知悉必要"
    grant = NeedToKnowGrant.objects.get(user=colleague_a, document=document)
    assert grant.basis == GrantBasis.DISTRIBUTION
    assert grant.granted_by == supervisor and grant.reason == REASON and grant.ended_at is None
    assert approved.grant == grant
    assert DocumentUserObjectPermission.objects.filter(user=colleague_a, content_object=document).count() == 1
    copy = DocumentCopy.objects.get(document=document)
    assert copy.number == 1 and copy.holder == colleague_a and copy.state == CopyState.HELD
    assert copy.grant == grant and copy.is_reproduction is False and approved.copy == copy
    issue = CopyCustody.objects.get(copy=copy)
    assert (issue.movement, issue.to_user, issue.by) == (CopyMovement.ISSUE, colleague_a, supervisor)
    assert actions_since(seq) == [AuditAction.GRANT_CREATE, AuditAction.COPY_ISSUE, AuditAction.DISTRIBUTION_APPROVE]
    for action in (AuditAction.GRANT_CREATE, AuditAction.COPY_ISSUE, AuditAction.DISTRIBUTION_APPROVE):
        the_event(action, since=seq, actor=supervisor, document=document)
    assert json.loads(the_event(AuditAction.COPY_ISSUE, since=seq, actor=supervisor, document=document).details)["copy"] == 1
    assert Document.objects.visible_to(colleague_a).filter(pk=document.pk).exists()

    seq = head_seq()
    refused = distribution_decide(
        recipient=_recipient(request, colleague_b), actor=supervisor, approve=False, reason="無知悉必要"
    )

    assert refused.decision == Decision.REFUSED
    assert refused.decided_by == supervisor and refused.decision_reason == "無知悉必要"
    assert refused.grant is None and refused.copy is None
    assert not NeedToKnowGrant.objects.filter(user=colleague_b, document=document).exists()
    assert not DocumentUserObjectPermission.objects.filter(user=colleague_b, content_object=document).exists()
    assert DocumentCopy.objects.filter(document=document).count() == 1
    assert actions_since(seq) == [AuditAction.DISTRIBUTION_REFUSE]
    event = the_event(AuditAction.DISTRIBUTION_REFUSE, since=seq, actor=supervisor, document=document)
    assert json.loads(event.details) == {"recipient": colleague_b.pk, "reason": "無知悉必要"}
    assert not Document.objects.visible_to(colleague_b).filter(pk=document.pk).exists()


def test_recipient_cleared_below_the_level_is_refused_at_request_and_nothing_is_written(
    document, handler, colleague_a, low_cleared
):
    assert document.level == Level.CONFIDENTIAL
    before = Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent)

    with pytest.raises(ValidationFailed) as refusal:
        distribution_request(document=document, actor=handler, recipients=[colleague_a, low_cleared], reason=REASON)

    message = str(refusal.value.message)
    assert "核定知悉等級" in message and "密" in message and "機密" in message
    assert low_cleared.display_name in message
    assert refusal.value.field_errors["recipients"] == [refusal.value.message]
    assert Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent) == before


def test_request_without_a_reason_is_refused_and_writes_nothing(document, handler, colleague_a):
    before = Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent)

    with pytest.raises(ValidationFailed) as refusal:
        distribution_request(document=document, actor=handler, recipients=[colleague_a], reason="  ")

    assert "reason" in refusal.value.field_errors
    assert Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent) == before


def test_clerk_may_not_ask_for_distribution(document, clerk, colleague_a):
    before = Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent)

    with pytest.raises(NotPermitted):
        distribution_request(document=document, actor=clerk, recipients=[colleague_a], reason=REASON)

    assert Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent) == before


def test_handler_who_does_not_know_the_document_may_not_ask(document, unaware_handler, colleague_a):
    before = Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent)

    with pytest.raises(NotPermitted) as refusal:
        distribution_request(document=document, actor=unaware_handler, recipients=[colleague_a], reason=REASON)

    assert "限知悉此文書之承辦人" in str(refusal.value.message)
    assert Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent) == before


def test_supervisor_of_another_unit_may_not_decide(document, handler, other_supervisor, colleague_a):
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason=REASON)
    before = Snapshot.take(NeedToKnowGrant, DocumentCopy, DocumentUserObjectPermission, AuditEvent)

    with pytest.raises(NotPermitted):
        distribution_decide(recipient=_recipient(request, colleague_a), actor=other_supervisor, approve=True, reason="准")

    assert _recipient(request, colleague_a).decision == Decision.PENDING
    assert Snapshot.take(NeedToKnowGrant, DocumentCopy, DocumentUserObjectPermission, AuditEvent) == before
    assert not can_know(colleague_a, document)


def test_handler_may_not_decide_their_own_request(document, handler, colleague_a):
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason=REASON)

    with pytest.raises(NotPermitted):
        distribution_decide(recipient=_recipient(request, colleague_a), actor=handler, approve=True, reason="准")

    assert _recipient(request, colleague_a).decision == Decision.PENDING


@pytest.mark.parametrize("first, second", [(True, True), (True, False), (False, True), (False, False)])
def test_a_recipient_is_decided_only_once(document, handler, supervisor, colleague_a, first, second):
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason=REASON)
    distribution_decide(recipient=_recipient(request, colleague_a), actor=supervisor, approve=first, reason="第一次")
    before = Snapshot.take(NeedToKnowGrant, DocumentCopy, DocumentUserObjectPermission, AuditEvent)

    with pytest.raises(InvalidTransition):
        distribution_decide(recipient=_recipient(request, colleague_a), actor=supervisor, approve=second, reason="第二次")

    recipient = _recipient(request, colleague_a)
    assert recipient.decision == (Decision.APPROVED if first else Decision.REFUSED)
    assert recipient.decision_reason == "第一次"
    assert Snapshot.take(NeedToKnowGrant, DocumentCopy, DocumentUserObjectPermission, AuditEvent) == before


def test_decision_without_a_reason_is_refused(document, handler, supervisor, colleague_a):
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason=REASON)

    with pytest.raises(ValidationFailed):
        distribution_decide(recipient=_recipient(request, colleague_a), actor=supervisor, approve=False, reason=" ")

    assert _recipient(request, colleague_a).decision == Decision.PENDING


def test_document_not_yet_signed_for_cannot_be_distributed(person, office, colleague_a):
    # A clerk who is also a handler holds the paper they registered, so they know it; but a
    # document is distributed only once it has been signed for and is being handled.
    clerk_handler = person("d_clerk_handler", Role.CLERK, Role.HANDLER, unit=office["receiving"])
    registered = document_register(actor=clerk_handler, **registration(Level.CONFIDENTIAL))
    assert can_know(clerk_handler, registered)
    before = Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent)

    with pytest.raises(InvalidTransition):
        distribution_request(document=registered, actor=clerk_handler, recipients=[colleague_a], reason=REASON)

    assert Snapshot.take(DistributionRequest, DistributionRecipient, AuditEvent) == before


def test_supervisor_of_the_handling_unit_may_decide(document, handler, person, office, colleague_a):
    handling_supervisor = person("d_handling_supervisor", Role.SUPERVISOR, unit=office["handling"])
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason=REASON)
    seq = head_seq()

    decided = distribution_decide(
        recipient=_recipient(request, colleague_a), actor=handling_supervisor, approve=True, reason="准"
    )

    assert decided.decision == Decision.APPROVED and decided.copy.number == 1
    the_event(AuditAction.DISTRIBUTION_APPROVE, since=seq, actor=handling_supervisor, document=document)
    assert can_know(colleague_a, document)


def test_supervisor_cleared_below_the_level_may_not_decide(in_handling, handler, person, office, colleague_a):
    document = in_handling(Level.CONFIDENTIAL)
    low_supervisor = person("d_low_supervisor", Role.SUPERVISOR, unit=office["handling"], clearance=Level.OFFICIAL_SECRET)
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason=REASON)

    with pytest.raises(NotPermitted) as refusal:
        distribution_decide(recipient=_recipient(request, colleague_a), actor=low_supervisor, approve=True, reason="准")

    assert "核定知悉等級" in str(refusal.value.message)
    assert _recipient(request, colleague_a).decision == Decision.PENDING
