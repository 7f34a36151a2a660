"""Need-to-know from an approved distribution: until when it lasts, how it expires or is revoked."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from registry.errors import ValidationFailed
from registry.models import (
    AuditAction,
    Decision,
    Document,
    DocumentUserObjectPermission,
    NeedToKnowGrant,
)
from registry.services.distribution import distribution_decide, distribution_request
from registry.services.grants import expire_grants, grant_end
from tests.support import actions_since, head_seq, the_event


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


@pytest.fixture
def approve_until(document, handler, supervisor):
    """``approve_until(user, expires_at)``: request and approve distribution to ``user``; returns the grant."""

    def approve(user, expires_at):
        request = distribution_request(document=document, actor=handler, recipients=[user], reason="會辦本案")
        recipient = distribution_decide(
            recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准", expires_at=expires_at
        )
        assert recipient.expires_at == expires_at
        return recipient.grant

    return approve


def _run_out(grant: NeedToKnowGrant) -> None:
    """Move the grant and its guardian row into the past, as if its time had run out."""
    past = timezone.now() - timedelta(minutes=1)
    NeedToKnowGrant.objects.filter(pk=grant.pk).update(expires_at=past)
    DocumentUserObjectPermission.objects.filter(user=grant.user, content_object=grant.document).update(expires_at=past)


def test_approval_until_a_future_time_gives_access_until_then(document, colleague_a, approve_until):
    until = timezone.now() + timedelta(days=7)

    grant = approve_until(colleague_a, until)

    assert grant.expires_at == until and grant.is_live()
    permission = DocumentUserObjectPermission.objects.get(user=colleague_a, content_object=document)
    assert permission.expires_at == until
    assert _visible(colleague_a, document)


def test_approval_with_an_end_in_the_past_is_refused(document, handler, supervisor, colleague_a):
    request = distribution_request(document=document, actor=handler, recipients=[colleague_a], reason="會辦本案")
    seq = head_seq()

    with pytest.raises(ValidationFailed):
        distribution_decide(
            recipient=request.recipients.get(),
            actor=supervisor,
            approve=True,
            reason="准",
            expires_at=timezone.now() - timedelta(hours=1),
        )

    assert request.recipients.get().decision == Decision.PENDING
    assert not NeedToKnowGrant.objects.filter(user=colleague_a).exists()
    assert actions_since(seq) == []


def test_run_out_grant_hides_the_document_on_the_next_query(document, colleague_a, approve_until):
    grant = approve_until(colleague_a, timezone.now() + timedelta(hours=1))
    assert _visible(colleague_a, document)

    _run_out(grant)

    # Before expire_grants() tidies up, the list's EXISTS already hides it.
    assert DocumentUserObjectPermission.objects.filter(user=colleague_a, content_object=document).exists()
    assert not _visible(colleague_a, document)


def test_expire_grants_ends_the_grant_removes_the_permission_and_is_idempotent(document, colleague_a, approve_until):
    grant = approve_until(colleague_a, timezone.now() + timedelta(hours=1))
    _run_out(grant)
    seq = head_seq()

    assert expire_grants() == 1

    grant.refresh_from_db()
    assert grant.ended_at is not None and grant.end_reason == "expired"
    assert not DocumentUserObjectPermission.objects.filter(user=colleague_a, content_object=document).exists()
    assert not _visible(colleague_a, document)
    event = the_event(AuditAction.GRANT_EXPIRE, since=seq, actor=None, document=document)
    assert json.loads(event.details)["grant"] == grant.pk
    assert json.loads(event.details)["user"] == colleague_a.pk
    assert actions_since(seq) == [AuditAction.GRANT_EXPIRE]

    seq = head_seq()
    assert expire_grants() == 0
    assert actions_since(seq) == []


def test_expire_grants_leaves_live_grants_alone(document, colleague_a, colleague_b, approve_until):
    ran_out = approve_until(colleague_a, timezone.now() + timedelta(hours=1))
    lasting = approve_until(colleague_b, timezone.now() + timedelta(days=30))
    _run_out(ran_out)

    assert expire_grants() == 1

    lasting.refresh_from_db()
    assert lasting.ended_at is None
    assert _visible(colleague_b, document)
    assert not _visible(colleague_a, document)


def test_revoking_a_grant_removes_access_at_once(document, supervisor, colleague_a, approve_until):
    grant = approve_until(colleague_a, None)
    assert _visible(colleague_a, document)
    seq = head_seq()

    grant_end(grant=grant, actor=supervisor, reason="已無知悉必要")

    grant.refresh_from_db()
    assert grant.ended_at is not None and grant.ended_by == supervisor and grant.end_reason == "已無知悉必要"
    assert not DocumentUserObjectPermission.objects.filter(user=colleague_a, content_object=document).exists()
    assert not _visible(colleague_a, document)
    event = the_event(AuditAction.GRANT_END, since=seq, actor=supervisor, document=document)
    assert json.loads(event.details) == {"grant": grant.pk, "user": colleague_a.pk, "reason": "已無知悉必要"}
    # A revoked grant is not picked up again by the expiry run.
    assert expire_grants() == 0


def test_revoking_one_of_two_grants_keeps_access_through_the_other(document, colleague_a, approve_until, supervisor):
    short = approve_until(colleague_a, timezone.now() + timedelta(days=1))
    approve_until(colleague_a, None)

    grant_end(grant=short, actor=supervisor, reason="改以長期授權")

    permission = DocumentUserObjectPermission.objects.get(user=colleague_a, content_object=document)
    assert permission.expires_at is None
    assert _visible(colleague_a, document)


def test_expire_grants_command_ends_run_out_grants(document, colleague_a, approve_until):
    grant = approve_until(colleague_a, timezone.now() + timedelta(hours=1))
    _run_out(grant)
    seq = head_seq()
    out = StringIO()

    call_command("expire_grants", stdout=out)

    assert out.getvalue().strip() == "1 grant(s) expired"
    grant.refresh_from_db()
    assert grant.ended_at is not None
    assert not _visible(colleague_a, document)
    the_event(AuditAction.GRANT_EXPIRE, since=seq, actor=None, document=document)

    out = StringIO()
    call_command("expire_grants", stdout=out)
    assert out.getvalue().strip() == "0 grant(s) expired"
