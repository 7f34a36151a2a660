"""Numbered copies: signing for them, passing them on, recalling and taking them back."""

from __future__ import annotations

import json

import pytest

from registry.errors import InvalidTransition, NotPermitted
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyCustody,
    CopyMovement,
    CopyState,
    Document,
    DocumentCopy,
    NeedToKnowGrant,
)
from registry.selectors import outstanding_copies
from registry.services.distribution import (
    copy_pass,
    copy_recall,
    copy_return,
    copy_sign_for,
    distribution_decide,
    distribution_request,
)
from tests.support import Snapshot, actions_since, head_seq, the_event


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


@pytest.fixture
def distribute(document, handler, supervisor):
    """``distribute(*people)``: request and approve distribution to each; returns their copies in order."""

    def give(*people):
        request = distribution_request(document=document, actor=handler, recipients=list(people), reason="會辦本案")
        copies = []
        for user in people:
            recipient = distribution_decide(
                recipient=request.recipients.get(user=user), actor=supervisor, approve=True, reason="准"
            )
            copies.append(recipient.copy)
        return copies

    return give


def _movements(copy: DocumentCopy) -> list[str]:
    return list(CopyCustody.objects.filter(copy=copy).values_list("movement", flat=True))


def test_holder_signs_for_their_copy(document, colleague_a, distribute):
    (copy,) = distribute(colleague_a)
    seq = head_seq()

    signed = copy_sign_for(copy=copy, actor=colleague_a)

    assert signed.signed_at is not None
    assert _movements(copy) == [CopyMovement.ISSUE, CopyMovement.SIGN]
    assert CopyCustody.objects.get(copy=copy, movement=CopyMovement.SIGN).by == colleague_a
    event = the_event(AuditAction.COPY_SIGN, since=seq, actor=colleague_a, document=document)
    assert json.loads(event.details) == {"copy": 1}


def test_only_the_holder_may_sign_for_a_copy(document, handler, supervisor, colleague_a, colleague_b, distribute):
    (copy,) = distribute(colleague_a)
    before = Snapshot.take(CopyCustody, AuditEvent)

    for someone in (colleague_b, handler, supervisor):
        with pytest.raises(NotPermitted):
            copy_sign_for(copy=copy, actor=someone)

    copy.refresh_from_db()
    assert copy.signed_at is None
    assert Snapshot.take(CopyCustody, AuditEvent) == before


def test_a_copy_is_signed_for_once(colleague_a, distribute):
    (copy,) = distribute(colleague_a)
    copy_sign_for(copy=copy, actor=colleague_a)
    before = Snapshot.take(CopyCustody, AuditEvent)

    with pytest.raises(InvalidTransition):
        copy_sign_for(copy=copy, actor=colleague_a)

    assert Snapshot.take(CopyCustody, AuditEvent) == before


def test_holder_passes_a_copy_to_someone_who_may_know_and_they_sign_again(document, colleague_a, colleague_b, distribute):
    copy_a, _copy_b = distribute(colleague_a, colleague_b)
    copy_sign_for(copy=copy_a, actor=colleague_a)
    seq = head_seq()

    passed = copy_pass(copy=copy_a, actor=colleague_a, to_user=colleague_b, note="移交會辦")

    assert passed.holder == colleague_b and passed.signed_at is None
    movement = CopyCustody.objects.get(copy=copy_a, movement=CopyMovement.PASS)
    assert (movement.from_user, movement.to_user, movement.by, movement.note) == (
        colleague_a,
        colleague_b,
        colleague_a,
        "移交會辦",
    )
    event = the_event(AuditAction.COPY_PASS, since=seq, actor=colleague_a, document=document)
    assert json.loads(event.details) == {"copy": copy_a.number, "from": colleague_a.pk, "to": colleague_b.pk}
    # The former holder can no longer sign for it; the new holder must.
    with pytest.raises(NotPermitted):
        copy_sign_for(copy=copy_a, actor=colleague_a)
    assert copy_sign_for(copy=copy_a, actor=colleague_b).signed_at is not None
    assert _movements(copy_a) == [CopyMovement.ISSUE, CopyMovement.SIGN, CopyMovement.PASS, CopyMovement.SIGN]


def test_a_copy_is_not_passed_to_someone_without_need_to_know(document, colleague_a, colleague_b, distribute):
    (copy,) = distribute(colleague_a)
    assert not _visible(colleague_b, document)
    before = Snapshot.take(CopyCustody, NeedToKnowGrant, AuditEvent)

    with pytest.raises(NotPermitted) as refusal:
        copy_pass(copy=copy, actor=colleague_a, to_user=colleague_b)

    assert "未經核准知悉" in str(refusal.value.message)
    copy.refresh_from_db()
    assert copy.holder == colleague_a
    assert Snapshot.take(CopyCustody, NeedToKnowGrant, AuditEvent) == before
    assert not _visible(colleague_b, document)


def test_only_the_holder_may_pass_a_copy_on(handler, colleague_a, colleague_b, distribute):
    copy_a, _copy_b = distribute(colleague_a, colleague_b)
    before = Snapshot.take(CopyCustody, AuditEvent)

    # The custodian of the document is not the holder of this copy.
    with pytest.raises(NotPermitted):
        copy_pass(copy=copy_a, actor=handler, to_user=colleague_b)

    copy_a.refresh_from_db()
    assert copy_a.holder == colleague_a
    assert Snapshot.take(CopyCustody, AuditEvent) == before


def test_recall_makes_every_held_copy_outstanding_until_each_is_returned(
    document, handler, colleague_a, colleague_b, distribute
):
    copy_a, copy_b = distribute(colleague_a, colleague_b)
    assert list(outstanding_copies(document)) == []
    seq = head_seq()

    recalled = copy_recall(document=document, actor=handler, reason="本案結案，收回副本")

    assert sorted(c.number for c in recalled) == [1, 2]
    assert sorted(c.number for c in outstanding_copies(document)) == [1, 2]
    for copy in (copy_a, copy_b):
        copy.refresh_from_db()
        assert copy.outstanding and copy.state == CopyState.HELD
        assert CopyCustody.objects.get(copy=copy, movement=CopyMovement.RECALL).by == handler
    event = the_event(AuditAction.COPY_RECALL, since=seq, actor=handler, document=document)
    assert sorted(json.loads(event.details)["copies"]) == [1, 2]

    seq = head_seq()
    copy_return(copy=copy_a, actor=handler, note="已繳回")

    copy_a.refresh_from_db()
    assert copy_a.state == CopyState.RETURNED and copy_a.holder is None and copy_a.returned_at is not None
    assert [c.number for c in outstanding_copies(document)] == [copy_b.number]
    returned = CopyCustody.objects.get(copy=copy_a, movement=CopyMovement.RETURN)
    assert (returned.from_user, returned.by) == (colleague_a, handler)
    assert actions_since(seq) == [AuditAction.GRANT_END, AuditAction.COPY_RETURN]
    event = the_event(AuditAction.COPY_RETURN, since=seq, actor=handler, document=document)
    assert json.loads(event.details) == {"copy": copy_a.number, "from": colleague_a.pk}

    copy_return(copy=copy_b, actor=handler)

    assert list(outstanding_copies(document)) == []


def test_returning_a_copy_ends_its_grant_and_the_holder_loses_access(document, handler, colleague_a, distribute):
    (copy,) = distribute(colleague_a)
    assert _visible(colleague_a, document)

    copy_return(copy=copy, actor=handler)

    grant = NeedToKnowGrant.objects.get(pk=copy.grant_id)
    assert grant.ended_at is not None and grant.ended_by == handler
    assert not _visible(colleague_a, document)


def test_holder_with_another_live_grant_keeps_access_after_returning(document, handler, colleague_a, distribute):
    first, second = distribute(colleague_a) + distribute(colleague_a)
    assert (first.number, second.number) == (1, 2)

    copy_return(copy=first, actor=handler)

    assert _visible(colleague_a, document)
    copy_return(copy=second, actor=handler)
    assert not _visible(colleague_a, document)


def test_a_recalled_copy_is_returned_not_passed_on(handler, colleague_a, colleague_b, distribute, document):
    copy_a, _copy_b = distribute(colleague_a, colleague_b)
    copy_recall(document=document, actor=handler, reason="收回")

    with pytest.raises(InvalidTransition):
        copy_pass(copy=copy_a, actor=colleague_a, to_user=colleague_b)

    copy_a.refresh_from_db()
    assert copy_a.holder == colleague_a


def test_a_copy_is_returned_once(document, handler, colleague_a, distribute):
    (copy,) = distribute(colleague_a)
    copy_return(copy=copy, actor=handler)
    seq = head_seq()

    with pytest.raises(InvalidTransition):
        copy_return(copy=copy, actor=handler)

    assert actions_since(seq) == []


def test_recall_and_return_need_the_custodian_or_the_units_supervisor_or_clerk(
    document, colleague_a, colleague_b, other_supervisor, distribute
):
    (copy,) = distribute(colleague_a)
    before = Snapshot.take(CopyCustody, NeedToKnowGrant, AuditEvent)

    for someone in (colleague_a, colleague_b, other_supervisor):
        with pytest.raises(NotPermitted):
            copy_recall(document=document, actor=someone, reason="收回")
        with pytest.raises(NotPermitted):
            copy_return(copy=copy, actor=someone)

    copy.refresh_from_db()
    assert copy.state == CopyState.HELD and copy.recalled_at is None
    assert Snapshot.take(CopyCustody, NeedToKnowGrant, AuditEvent) == before
    assert list(outstanding_copies(document)) == []


def test_supervisor_and_clerk_of_the_unit_may_recall_and_take_back(document, supervisor, clerk, colleague_a, distribute):
    (copy,) = distribute(colleague_a)
    seq = head_seq()

    copy_recall(document=document, actor=supervisor, reason="收回")
    copy_return(copy=copy, actor=clerk)

    the_event(AuditAction.COPY_RECALL, since=seq, actor=supervisor, document=document)
    the_event(AuditAction.COPY_RETURN, since=seq, actor=clerk, document=document)
    assert list(outstanding_copies(document)) == []
