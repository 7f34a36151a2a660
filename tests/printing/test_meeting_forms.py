"""The printed forms of a classified meeting: the attendance sheet (簽到表) and the recall list of the
materials (回收清單). Each opens with pypdf and carries the level, the meeting's subject and the copy
numbers as extracted TEXT; the level is on every page. Only people who know the meeting print them
(otherwise the audited 404), and every print is itself an audit event.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level, format_roc
from registry.models import AuditAction, AuditEvent, MeetingAttendee
from registry.roles import Role
from registry.services import distribution as dist_svc
from registry.services import meetings as meeting_svc
from tests.printing.conftest import _person, pdf_pages
from tests.support import head_seq

SUBJECT = "跨局處防災機密會議"
FORMS = ["meeting_attendance", "meeting_recall"]


@pytest.fixture
def pr_meeting(pr_office, pr_document):
    """A 極機密 meeting the handler organizes and the supervisor chairs: 承辦李 admitted and given
    copy 1, 政風吳 admitted and given copy 2 and already returned it, 局外周 refused."""
    office = pr_office
    materials = pr_document(level=Level.SECRET, subject="防災會議資料")
    meeting = meeting_svc.meeting_register(
        actor=office.handler,
        subject=SUBJECT,
        level=Level.SECRET,
        starts_at=timezone.now() + timedelta(hours=2),
        place="市府大樓十樓第一會議室",
        chair=office.supervisor,
    )
    meeting_svc.venue_check_record(
        meeting=meeting, actor=office.handler, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
    )
    for person, approve in ((office.colleague, True), (office.ethics, True), (office.outsider, False)):
        attendee = meeting_svc.attendee_propose(meeting=meeting, actor=office.handler, person=person, reason="業務相關")
        meeting_svc.attendee_decide(attendee=attendee, actor=office.handler, approve=approve, reason="審查")
    meeting_svc.materials_set(meeting=meeting, actor=office.handler, document=materials)
    meeting_svc.meeting_announce(meeting=meeting, actor=office.handler)
    for person in (office.colleague, office.ethics):
        attendee = MeetingAttendee.objects.get(meeting=meeting, user=person)
        meeting_svc.materials_hand_out(meeting=meeting, actor=office.handler, attendee=attendee)
    returned = MeetingAttendee.objects.get(meeting=meeting, user=office.ethics).copy
    dist_svc.copy_return(copy=returned, actor=office.handler)
    meeting.refresh_from_db()
    return meeting


def _get(client, user, name, meeting):
    client.force_login(user)
    return client.get(reverse(f"print:{name}", args=[meeting.pk]))


def _text(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="meeting-')
    assert response["Content-Disposition"].isascii()
    assert response.content.startswith(b"%PDF-")
    return [re.sub(r"\s+", " ", page) for page in pdf_pages(response.content)]


def test_attendance_sheet(client, pr_office, pr_meeting):
    pages = _text(_get(client, pr_office.handler, "meeting_attendance", pr_meeting))
    assert len(pages) == 1
    text = pages[0]
    assert "簽到表" in text
    assert "極機密" in text and SUBJECT in text
    assert "市府大樓十樓第一會議室" in text
    assert "主管林" in text  # the chair
    local = timezone.localtime(pr_meeting.starts_at)
    assert f"{format_roc(local.date())} {local:%H:%M}" in text
    # The admitted attendees with their units and copy numbers; the refused one is not on it.
    assert "承辦李" in text and "政風吳" in text and "機要科" in text and "政風室" in text
    assert "第 1 份" in text and "第 2 份" in text
    assert "局外周" not in text
    assert "簽名" in text


def test_recall_list(client, pr_office, pr_meeting):
    pages = _text(_get(client, pr_office.handler, "meeting_recall", pr_meeting))
    assert len(pages) == 1
    text = pages[0]
    assert "回收清單" in text
    assert "極機密" in text and SUBJECT in text
    assert "第 1 份" in text and "第 2 份" in text
    assert "承辦李" in text and "政風吳" in text  # the holder a returned copy was handed to stays named
    assert "未繳回" in text and "已繳回" in text
    assert "發出 2 份；已繳回 1 份；未繳回 1 份" in text


@pytest.mark.parametrize("name", FORMS)
def test_the_level_is_on_every_page(client, pr_office, pr_document, name):
    """Forty admitted attendees with copies, all through the services: the form runs to several
    pages, and each carries the level."""
    office = pr_office
    materials = pr_document(level=Level.TOP_SECRET, subject="大型會議資料")
    meeting = meeting_svc.meeting_register(
        actor=office.handler, subject="大型機密會議", level=Level.TOP_SECRET,
        starts_at=timezone.now() + timedelta(hours=1), place="大禮堂", chair=office.supervisor,
    )
    meeting_svc.venue_check_record(
        meeting=meeting, actor=office.handler, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
    )
    attendees = []
    for n in range(40):
        person = _person(f"pr-att-{n:02d}", office.confidential, Role.HANDLER, full_name=f"與會者{n:02d}")
        attendee = meeting_svc.attendee_propose(meeting=meeting, actor=office.handler, person=person, reason="列席")
        attendees.append(meeting_svc.attendee_decide(attendee=attendee, actor=office.handler, approve=True, reason="准"))
    meeting_svc.materials_set(meeting=meeting, actor=office.handler, document=materials)
    meeting_svc.meeting_announce(meeting=meeting, actor=office.handler)
    for attendee in attendees:
        meeting_svc.materials_hand_out(meeting=meeting, actor=office.handler, attendee=attendee)
    pages = _text(_get(client, office.handler, name, meeting))
    assert len(pages) >= 2
    for page in pages:
        assert "絕對機密" in page
    joined = " ".join(pages)
    assert "大型機密會議" in joined and "第 1 份" in joined and "第 40 份" in joined


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("who", ["supervisor", "colleague"])
def test_others_who_know_the_meeting_may_print(client, pr_office, pr_meeting, name, who):
    """The chair (the supervisor of the organizing unit) and an admitted attendee."""
    pages = _text(_get(client, getattr(pr_office, who), name, pr_meeting))
    assert SUBJECT in pages[0]


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("who", ["outsider", "clerk", "other_clerk"])
def test_stranger_gets_an_audited_404(client, pr_office, pr_meeting, name, who):
    person = getattr(pr_office, who)
    client.force_login(person)
    before = head_seq()
    response = client.get(reverse(f"print:{name}", args=[pr_meeting.pk]))
    assert response.status_code == 404
    assert SUBJECT.encode() not in response.content
    assert not response.content.startswith(b"%PDF")
    denied = AuditEvent.objects.filter(seq__gt=before, action=AuditAction.ACCESS_DENIED)
    assert denied.count() == 1
    assert denied.get().actor_id == person.pk and json.loads(denied.get().details)["purpose"] == "meeting"
    assert not AuditEvent.objects.filter(seq__gt=before, action=AuditAction.PRINT).exists()


@pytest.mark.parametrize("name", FORMS)
def test_ethics_office_does_not_print_a_meeting_it_does_not_know(client, pr_office, pr_meeting, name):
    """政風吳 attended (admitted): a second ethics officer who did not gets the 404."""
    other = _person("pr-ethics2", pr_office.ethics_unit, Role.ETHICS, full_name="政風二")
    client.force_login(other)
    assert client.get(reverse(f"print:{name}", args=[pr_meeting.pk])).status_code == 404


@pytest.mark.parametrize("name", FORMS)
def test_unknown_meeting_is_the_same_404(client, pr_office, name):
    client.force_login(pr_office.handler)
    before = head_seq()
    assert client.get(reverse(f"print:{name}", args=[999999])).status_code == 404
    assert AuditEvent.objects.filter(seq__gt=before, action=AuditAction.ACCESS_DENIED).count() == 1


@pytest.mark.parametrize("name", FORMS)
def test_print_is_audited(client, pr_office, pr_meeting, name):
    client.force_login(pr_office.handler)
    before = head_seq()
    response = client.get(reverse(f"print:{name}", args=[pr_meeting.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(seq__gt=before, action=AuditAction.PRINT)
    details = json.loads(event.details)
    assert event.actor_id == pr_office.handler.pk
    assert details["form"] == name and details["meeting"] == pr_meeting.pk
    assert SUBJECT not in event.details


@pytest.mark.parametrize("name", FORMS)
def test_post_is_refused_and_anonymous_logs_in(client, pr_office, pr_meeting, name):
    target = reverse(f"print:{name}", args=[pr_meeting.pk])
    anonymous = client.get(target)
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    client.force_login(pr_office.handler)
    assert client.post(target).status_code == 405


def test_attendance_sheet_of_a_planned_meeting_has_no_copies_yet(client, pr_office):
    meeting = meeting_svc.meeting_register(
        actor=pr_office.handler,
        subject="籌備中之機密會議",
        level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=3),
        place="第二會議室",
        chair=pr_office.supervisor,
    )
    attendee = meeting_svc.attendee_propose(meeting=meeting, actor=pr_office.handler, person=pr_office.colleague, reason="承辦")
    meeting_svc.attendee_decide(attendee=attendee, actor=pr_office.handler, approve=True, reason="准")
    text = _text(_get(client, pr_office.handler, "meeting_attendance", meeting))[0]
    assert "機密" in text and "籌備中之機密會議" in text and "承辦李" in text
    assert "第 1 份" not in text
    recall = _text(_get(client, pr_office.handler, "meeting_recall", meeting))[0]
    assert "本會議尚未發出會議資料" in recall
