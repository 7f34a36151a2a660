"""Nothing about a classified meeting is published without the head's approval (rule 6)."""

from __future__ import annotations

import pytest

from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import AuditAction, MeetingPublication, PublicationState
from registry.roles import Role
from registry.services import meetings as svc
from tests.meetings.helpers import meeting_event, message, refused
from tests.support import head_seq


@pytest.fixture
def publication(meeting, organizer):
    """A pending proposal to publish a press line about the meeting."""
    return svc.publication_request(meeting=meeting, actor=organizer, text="本局今日召開年度保防工作會報。")


def _state(publication) -> str:
    return MeetingPublication.objects.get(pk=publication.pk).state


def test_someone_who_knows_the_meeting_proposes_a_publication(meeting, organizer):
    seq = head_seq()

    publication = svc.publication_request(meeting=meeting, actor=organizer, text=" 新聞稿 ")

    stored = MeetingPublication.objects.get(pk=publication.pk)
    assert (stored.meeting, stored.text, stored.requested_by, stored.state) == (
        meeting,
        "新聞稿",
        organizer,
        PublicationState.PENDING,
    )
    details = meeting_event(AuditAction.MEETING_PUBLICATION, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "publication": publication.pk, "state": "requested"}


@pytest.mark.parametrize("who", ["outsider", "foreign_supervisor", "head"])
def test_someone_who_does_not_know_the_meeting_may_not_propose(who, request, meeting):
    refused(NotPermitted, svc.publication_request, meeting=meeting, actor=request.getfixturevalue(who), text="新聞稿")


def test_a_proposal_needs_a_text(meeting, organizer):
    refusal = refused(ValidationFailed, svc.publication_request, meeting=meeting, actor=organizer, text="  ")

    assert list(refusal.field_errors) == ["text"]


def test_a_pending_publication_is_not_published(publication, organizer):
    refusal = refused(NotPermitted, svc.publication_publish, publication=publication, actor=organizer)

    assert "head's approval" in message(refusal)
    assert _state(publication) == PublicationState.PENDING


def test_a_refused_publication_is_not_published(publication, head, organizer):
    svc.publication_decide(publication=publication, actor=head, approve=False, reason="涉及機密")

    refused(NotPermitted, svc.publication_publish, publication=publication, actor=organizer)

    assert _state(publication) == PublicationState.REFUSED


@pytest.mark.parametrize("who", ["organizer", "chair", "supervisor", "administrator"])
def test_only_the_head_decides(who, request, publication):
    actor = request.getfixturevalue(who)
    assert not actor.is_agency_head

    refusal = refused(
        NotPermitted, svc.publication_decide, publication=publication, actor=actor, approve=True, reason="准予發布"
    )

    assert "head of the agency" in message(refusal)
    assert _state(publication) == PublicationState.PENDING


def test_a_disabled_head_does_not_decide(publication, head):
    head.is_active = False
    head.save(update_fields=["is_active"])

    refused(NotPermitted, svc.publication_decide, publication=publication, actor=head, approve=True, reason="准予發布")


@pytest.mark.parametrize("approve", [True, False])
def test_the_head_decides_with_a_reason(approve, publication, meeting, head):
    seq = head_seq()

    svc.publication_decide(publication=publication, actor=head, approve=approve, reason=" 簽陳奉核 ")

    stored = MeetingPublication.objects.get(pk=publication.pk)
    expected = PublicationState.APPROVED if approve else PublicationState.REFUSED
    assert (stored.state, stored.decided_by, stored.decision_reason) == (expected, head, "簽陳奉核")
    assert stored.decided_at is not None and stored.published_at is None
    details = meeting_event(AuditAction.MEETING_PUBLICATION, since=seq, actor=head, meeting=meeting)
    assert details == {"meeting": meeting.pk, "publication": publication.pk, "state": str(expected)}


def test_the_heads_decision_needs_a_reason(publication, head):
    refusal = refused(
        ValidationFailed, svc.publication_decide, publication=publication, actor=head, approve=True, reason=""
    )

    assert list(refusal.field_errors) == ["reason"]


def test_a_publication_is_decided_once(publication, head):
    svc.publication_decide(publication=publication, actor=head, approve=False, reason="不宜")

    refused(InvalidTransition, svc.publication_decide, publication=publication, actor=head, approve=True, reason="改准")

    assert _state(publication) == PublicationState.REFUSED


def test_approved_by_the_head_it_is_published(publication, meeting, head, organizer):
    svc.publication_decide(publication=publication, actor=head, approve=True, reason="簽陳奉核")
    seq = head_seq()

    published = svc.publication_publish(publication=publication, actor=organizer)

    stored = MeetingPublication.objects.get(pk=published.pk)
    assert stored.state == PublicationState.PUBLISHED and stored.published_at is not None
    details = meeting_event(AuditAction.MEETING_PUBLICATION, since=seq, actor=organizer, meeting=meeting)
    assert details == {"meeting": meeting.pk, "publication": publication.pk, "state": "published"}


def test_a_head_made_by_setting_the_flag_approves(publication, meeting, make_person, head_office, organizer):
    """is_agency_head is what makes the head: the same person is refused before and heard after."""
    deputy = make_person(Role.SUPERVISOR, unit=head_office, username="deputy", full_name="副首長")
    refused(NotPermitted, svc.publication_decide, publication=publication, actor=deputy, approve=True, reason="准")

    deputy.is_agency_head = True
    deputy.save(update_fields=["is_agency_head"])
    svc.publication_decide(publication=publication, actor=deputy, approve=True, reason="代理首長核准")
    svc.publication_publish(publication=publication, actor=organizer)

    assert _state(publication) == PublicationState.PUBLISHED


def test_a_publication_is_published_once(publication, head, organizer):
    svc.publication_decide(publication=publication, actor=head, approve=True, reason="准")
    svc.publication_publish(publication=publication, actor=organizer)

    refused(NotPermitted, svc.publication_publish, publication=publication, actor=organizer)


@pytest.mark.parametrize("who", ["outsider", "foreign_supervisor"])
def test_someone_who_does_not_know_the_meeting_may_not_publish(who, request, publication, head):
    svc.publication_decide(publication=publication, actor=head, approve=True, reason="准")

    refused(NotPermitted, svc.publication_publish, publication=publication, actor=request.getfixturevalue(who))

    assert _state(publication) == PublicationState.APPROVED
