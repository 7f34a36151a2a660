"""Access is computed from the person's present state: a lowered clearance or a disabled account
hides a document at once, whatever grants remain, on the page, in the register and in the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from classification import Level
from registry import policies
from registry.errors import NotPermitted
from registry.models import Document, DocumentState, NeedToKnowGrant, User
from registry.services import documents as svc

pytestmark = pytest.mark.django_db

SUBJECT = "極機密人事異動測試"


def lower(person, level):
    """Lower a clearance behind the services' back: the grants stay, only the person changes."""
    User.objects.filter(pk=person.pk).update(clearance=level)
    person.refresh_from_db()
    return person


def test_lowered_clearance_hides_a_document_the_old_grant_still_names(client, walk, supervisor):
    document = walk(DocumentState.SIGNED, level=Level.SECRET, subject=SUBJECT)
    assert policies.can_know(supervisor, document)
    lower(supervisor, Level.CONFIDENTIAL)
    assert NeedToKnowGrant.objects.filter(user=supervisor, document=document, ended_at__isnull=True).exists()

    assert not Document.objects.visible_to(supervisor).filter(pk=document.pk).exists()
    assert not policies.can_know(supervisor, document)
    client.force_login(supervisor)
    assert client.get(reverse("registry:document_detail", args=[document.pk])).status_code == 404
    register = client.get(reverse("registry:register"))
    assert register.status_code == 200
    assert SUBJECT not in register.content.decode()


def test_lowered_clearance_refuses_the_custodians_actions(walk, handler):
    document = walk(DocumentState.SIGNED, level=Level.SECRET)
    assert policies.can_begin_handling(handler, document)
    lower(handler, Level.CONFIDENTIAL)
    assert not policies.can_begin_handling(handler, document)
    assert not policies.can_hand_over(handler, document)
    with pytest.raises(NotPermitted):
        svc.document_begin_handling(document=document, actor=handler)
    document.refresh_from_db()
    assert document.state == DocumentState.SIGNED


def test_disabled_account_sees_nothing_and_may_do_nothing(walk, handler):
    document = walk(DocumentState.SIGNED, level=Level.CONFIDENTIAL)
    User.objects.filter(pk=handler.pk).update(is_active=False)
    handler.refresh_from_db()
    assert not Document.objects.visible_to(handler).exists()
    assert not any(policies.document_permissions(handler, document).values())


def test_lowered_clearance_hides_a_meeting_its_chair_held(make_person, receiving_unit):
    from datetime import timedelta

    from django.utils import timezone

    from registry.models import Meeting
    from registry.roles import Role

    chair = make_person(Role.SUPERVISOR, unit=receiving_unit)
    meeting = Meeting.objects.create(
        subject="極機密會議", level=Level.SECRET, starts_at=timezone.now() + timedelta(days=1), place="第一會議室",
        chair=chair, organizing_unit=receiving_unit, organizer=chair,
    )
    assert policies.can_know_meeting(chair, meeting)
    lower(chair, Level.CONFIDENTIAL)
    assert not Meeting.objects.visible_to(chair).filter(pk=meeting.pk).exists()
    assert not policies.can_know_meeting(chair, meeting)
