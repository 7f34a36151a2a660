"""Copying and publication need their own approval; 絕對機密 may not be copied at all (§15)."""

from __future__ import annotations

import json

import pytest

from classification import Level
from registry.errors import InvalidTransition, NotPermitted
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyCustody,
    CopyMovement,
    Decision,
    DocumentCopy,
    ReproductionKind,
    ReproductionRequest,
)
from registry.services.distribution import (
    distribution_decide,
    distribution_request,
    reproduction_decide,
    reproduction_request,
)
from tests.support import Snapshot, actions_since, head_seq, the_event


def test_top_secret_document_may_not_be_copied_and_nothing_is_written(in_handling, handler):
    document = in_handling(Level.TOP_SECRET)
    before = Snapshot.take(ReproductionRequest, DocumentCopy, AuditEvent)

    with pytest.raises(NotPermitted) as refusal:
        reproduction_request(document=document, actor=handler, kind=ReproductionKind.COPY, reason="需影印一份")

    message = str(refusal.value.message)
    assert "Article 15" in message or "第15條" in message
    assert "絕對機密" in message
    assert Snapshot.take(ReproductionRequest, DocumentCopy, AuditEvent) == before


def test_top_secret_publication_may_be_asked_for(in_handling, handler):
    document = in_handling(Level.TOP_SECRET)
    seq = head_seq()

    request = reproduction_request(document=document, actor=handler, kind=ReproductionKind.PUBLISH, reason="公佈")

    assert request.decision == Decision.PENDING
    the_event(AuditAction.REPRODUCTION_REQUEST, since=seq, actor=handler, document=document)


def test_approved_copy_gets_the_next_number_and_is_marked_as_reproduction(
    in_handling, handler, supervisor, colleague_a
):
    """Registered in one copy, handed to colleague a as copy 1: the reproduction is copy 2."""
    document = in_handling(copies_count=1)
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason="會辦")
    distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准")
    seq = head_seq()

    asked = reproduction_request(document=document, actor=handler, kind=ReproductionKind.COPY, reason="送會計室")

    event = the_event(AuditAction.REPRODUCTION_REQUEST, since=seq, actor=handler, document=document)
    assert json.loads(event.details) == {"request": asked.pk, "kind": "copy", "reason": "送會計室"}
    assert DocumentCopy.objects.filter(document=document).count() == 1

    seq = head_seq()
    decided = reproduction_decide(request=asked, actor=supervisor, approve=True, reason="准予複製一份")

    assert decided.decision == Decision.APPROVED and decided.decided_by == supervisor
    copy = decided.copy
    assert copy.number == 2 and copy.is_reproduction is True and copy.purpose == "reproduction"
    assert copy.holder == handler
    assert CopyCustody.objects.get(copy=copy).movement == CopyMovement.ISSUE
    assert actions_since(seq) == [AuditAction.COPY_ISSUE, AuditAction.REPRODUCTION_APPROVE]
    the_event(AuditAction.COPY_ISSUE, since=seq, actor=supervisor, document=document)
    approved = the_event(AuditAction.REPRODUCTION_APPROVE, since=seq, actor=supervisor, document=document)
    assert json.loads(approved.details)["request"] == asked.pk


def test_refused_copying_issues_no_copy(document, handler, supervisor):
    asked = reproduction_request(document=document, actor=handler, kind=ReproductionKind.COPY, reason="送會計室")
    seq = head_seq()

    decided = reproduction_decide(request=asked, actor=supervisor, approve=False, reason="無複製必要")

    assert decided.decision == Decision.REFUSED and decided.copy is None
    assert not DocumentCopy.objects.filter(document=document).exists()
    assert actions_since(seq) == [AuditAction.REPRODUCTION_REFUSE]
    the_event(AuditAction.REPRODUCTION_REFUSE, since=seq, actor=supervisor, document=document)


def test_approved_publication_issues_no_copy(document, handler, supervisor):
    asked = reproduction_request(document=document, actor=handler, kind=ReproductionKind.PUBLISH, reason="公告")

    decided = reproduction_decide(request=asked, actor=supervisor, approve=True, reason="准予公佈")

    assert decided.decision == Decision.APPROVED and decided.copy is None
    assert not DocumentCopy.objects.filter(document=document).exists()


def test_copying_request_is_decided_once(document, handler, supervisor):
    asked = reproduction_request(document=document, actor=handler, kind=ReproductionKind.COPY, reason="送會計室")
    reproduction_decide(request=asked, actor=supervisor, approve=True, reason="准")
    before = Snapshot.take(DocumentCopy, AuditEvent)

    with pytest.raises(InvalidTransition):
        reproduction_decide(request=asked, actor=supervisor, approve=True, reason="再准")

    assert Snapshot.take(DocumentCopy, AuditEvent) == before


def test_copying_is_asked_by_a_knowing_handler_and_decided_by_the_units_supervisor(
    document, handler, clerk, unaware_handler, other_supervisor
):
    before = Snapshot.take(ReproductionRequest, AuditEvent)
    for someone in (clerk, unaware_handler):
        with pytest.raises(NotPermitted):
            reproduction_request(document=document, actor=someone, kind=ReproductionKind.COPY, reason="影印")
    assert Snapshot.take(ReproductionRequest, AuditEvent) == before

    asked = reproduction_request(document=document, actor=handler, kind=ReproductionKind.COPY, reason="影印")
    before = Snapshot.take(DocumentCopy, AuditEvent)
    with pytest.raises(NotPermitted):
        reproduction_decide(request=asked, actor=other_supervisor, approve=True, reason="准")
    asked.refresh_from_db()
    assert asked.decision == Decision.PENDING
    assert Snapshot.take(DocumentCopy, AuditEvent) == before
