"""The classified-meeting pages (會議機密維護 rules 1–6): every action URL takes POST only, goes through
its service (the rows it writes are checked), answers a person who does not know the meeting with the
audited 404 and writes nothing, and puts bad input back as a message instead of a 500. The list never
shows a meeting's subject to someone without need-to-know.

The office: 承辦張 (handler, 機要科) organizes; 主管林 (supervisor, 秘書處 above 機要科) chairs;
承辦李 (second handler) is admitted and 局外周 (outsider) refused; the clerk and the ethics officer
do not know the meeting.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level, format_roc
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyState,
    Decision,
    DocumentCopy,
    DocumentState,
    Meeting,
    MeetingAttendee,
    MeetingPublication,
    MeetingStaff,
    MeetingState,
    NeedToKnowGrant,
    PublicationState,
    VenueCheck,
)
from registry.selectors.meetings import outstanding_materials
from registry.services import distribution as dist_services
from registry.services import meetings as services
from tests.support import head_seq

pytestmark = pytest.mark.django_db

SUBJECT = "防汛應變機密會議"
MATERIALS = "防汛應變會議資料"


# --- the meeting, taken through the services to each stage ----------------------------------------


@pytest.fixture
def meeting(handler, supervisor):
    """A 機密 meeting the handler organizes and the supervisor chairs, planned for tomorrow."""
    return services.meeting_register(
        actor=handler,
        subject=SUBJECT,
        level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=1),
        place="第一會議室",
        chair=supervisor,
    )


@pytest.fixture
def materials(walk):
    """The materials: a 機密 document in the handler's custody."""
    return walk(DocumentState.IN_HANDLING, subject=MATERIALS, copies_count=10)


@pytest.fixture
def ready(meeting, materials, handler, second_handler, outsider):
    """Venue checked clear, 承辦李 admitted, 局外周 refused, materials named."""
    services.venue_check_record(
        meeting=meeting, actor=handler, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
    )
    for person, approve in ((second_handler, True), (outsider, False)):
        attendee = services.attendee_propose(meeting=meeting, actor=handler, person=person, reason="業務相關")
        services.attendee_decide(attendee=attendee, actor=handler, approve=approve, reason="審查" if approve else "非法定人員")
    services.materials_set(meeting=meeting, actor=handler, document=materials)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held(ready, handler):
    return services.meeting_announce(meeting=ready, actor=handler)


@pytest.fixture
def handed(held, handler, second_handler):
    """The meeting held and copy 1 of the materials handed to 承辦李."""
    attendee = MeetingAttendee.objects.get(meeting=held, user=second_handler)
    services.materials_hand_out(meeting=held, actor=handler, attendee=attendee)
    held.refresh_from_db()
    return held


def attendee_of(meeting, person) -> MeetingAttendee:
    return MeetingAttendee.objects.get(meeting=meeting, user=person)


def url(name, meeting, item=None):
    kwargs = {"pk": meeting.pk}
    if item is not None:
        kwargs["item"] = item
    return reverse(f"registry:{name}", kwargs=kwargs)


def detail(meeting):
    return reverse("registry:meeting_detail", kwargs={"pk": meeting.pk})


def messages_of(response) -> list[tuple[str, str]]:
    # Only the messages this request added (earlier ones wait in the session until a page shows them).
    return [(m.level_tag, str(m)) for m in response.wsgi_request._messages._queued_messages]


def errors_of(response) -> list[str]:
    return [text for level, text in messages_of(response) if level == "error"]


def snapshot():
    """Every row a meeting action may write, and the audit chain apart from refused access."""
    return (
        Meeting.objects.count(),
        tuple(Meeting.objects.order_by("pk").values_list("state", "materials_id", "minutes_id", "announced_at")),
        VenueCheck.objects.count(),
        MeetingStaff.objects.count(),
        tuple(MeetingAttendee.objects.order_by("pk").values_list("decision", "copy_id", "attended")),
        tuple(MeetingPublication.objects.order_by("pk").values_list("state")),
        tuple(DocumentCopy.objects.order_by("pk").values_list("state", "recalled_at", "holder_id")),
        NeedToKnowGrant.objects.filter(ended_at__isnull=True).count(),
        AuditEvent.objects.exclude(action=AuditAction.ACCESS_DENIED).count(),
    )


# --- every action URL: POST only; strangers get the audited 404 and nothing is written -----------


def _items(meeting, people):
    """The row each item URL names, on the handed-out meeting."""
    approved = attendee_of(meeting, people["second_handler"])
    publication = services.publication_request(meeting=meeting, actor=people["handler"], text="會議已召開")
    return {
        "meeting_attendee_decide": approved.pk,
        "meeting_hand_out": approved.pk,
        "meeting_copy_return": approved.copy_id,
        "meeting_publication_decide": publication.pk,
        "meeting_publication_publish": publication.pk,
    }


def _valid_data(name, meeting, people, materials):
    return {
        "meeting_venue_check": {"no_eavesdropping": "on", "no_recording": "on"},
        "meeting_staff": {"person": people["second_handler"].pk, "duty": "記錄"},
        "meeting_attendee_propose": {"person": people["clerk"].pk, "reason": "列席"},
        "meeting_attendee_decide": {"decision": "approve", "reason": "准"},
        "meeting_materials": {"document": materials.pk},
        "meeting_minutes": {"document": materials.pk},
        "meeting_minutes_distribute": {"recipients": [people["second_handler"].pk], "reason": "出席單位"},
        "meeting_publication_request": {"text": "本府召開防汛會議"},
        "meeting_publication_decide": {"decision": "approve", "reason": "准"},
        "meeting_copy_return": {"note": ""},
    }.get(name, {})


ACTIONS = [
    "meeting_venue_check",
    "meeting_staff",
    "meeting_attendee_propose",
    "meeting_materials",
    "meeting_minutes",
    "meeting_minutes_distribute",
    "meeting_announce",
    "meeting_recall",
    "meeting_close",
    "meeting_publication_request",
]
ACTIONS_WITH_ITEM = [
    "meeting_attendee_decide",
    "meeting_hand_out",
    "meeting_copy_return",
    "meeting_publication_decide",
    "meeting_publication_publish",
]


@pytest.mark.parametrize("name", ACTIONS + ACTIONS_WITH_ITEM)
def test_get_is_405(client, handler, meeting, name):
    client.force_login(handler)
    item = 1 if name in ACTIONS_WITH_ITEM else None
    assert client.get(url(name, meeting, item)).status_code == 405


@pytest.mark.parametrize("stranger", ["clerk", "ethics_officer", "outsider", "administrator"])
@pytest.mark.parametrize("name", ACTIONS + ACTIONS_WITH_ITEM)
def test_stranger_gets_404_and_nothing_is_written(client, everyone, handed, materials, name, stranger):
    items = _items(handed, everyone)
    person = everyone[stranger]
    person.is_agency_head = name == "meeting_publication_decide"  # even the head must know the meeting
    person.save(update_fields=["is_agency_head"])
    client.force_login(person)  # the log-in is itself an audit event: take the snapshot after it
    before, seq = snapshot(), head_seq()
    response = client.post(url(name, handed, items.get(name)), _valid_data(name, handed, everyone, materials))
    assert response.status_code == 404
    assert SUBJECT.encode() not in response.content
    assert snapshot() == before
    denied = AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACCESS_DENIED)
    assert denied.count() == 1
    event = denied.get()
    assert event.actor_id == person.pk and json.loads(event.details)["purpose"] == "meeting"


def test_unknown_meeting_is_the_same_404(client, handler):
    client.force_login(handler)
    seq = head_seq()
    response = client.post(reverse("registry:meeting_announce", kwargs={"pk": 999999}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACCESS_DENIED).count() == 1


def test_anonymous_is_sent_to_log_in(client, meeting):
    response = client.post(url("meeting_announce", meeting))
    assert response.status_code == 302 and "/login/" in response.url
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PLANNED


def test_item_of_another_meeting_is_404_and_nothing_written(client, handler, supervisor, ready, outsider):
    other = services.meeting_register(
        actor=handler, subject="另一場會議", level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=2), place="第二會議室", chair=supervisor,
    )
    foreign = services.attendee_propose(meeting=other, actor=handler, person=outsider, reason="列席")
    client.force_login(handler)
    before = snapshot()
    seq = head_seq()
    response = client.post(url("meeting_attendee_decide", ready, foreign.pk), {"decision": "approve", "reason": "准"})
    assert response.status_code == 404
    assert snapshot() == before
    # The refused access is recorded, naming what was asked for.
    denied = AuditEvent.objects.get(seq__gt=seq)
    assert denied.action == AuditAction.ACCESS_DENIED and json.loads(denied.details)["purpose"] == "meeting_attendee_decide"


# --- register ------------------------------------------------------------------------------------


def _register_data(chair_person, **overrides):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {
        "subject": SUBJECT,
        "level": str(int(Level.CONFIDENTIAL)),
        "starts_on": format_roc(tomorrow),
        "starts_time": "14:30",
        "place": "第一會議室",
        "chair": chair_person.pk,
    }
    data.update(overrides)
    return data


def test_register_meeting(client, handler, supervisor):
    client.force_login(handler)
    assert client.get(reverse("registry:meeting_register")).status_code == 200
    response = client.post(reverse("registry:meeting_register"), _register_data(supervisor))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == detail(meeting)
    assert meeting.organizer == handler and meeting.chair == supervisor and meeting.organizing_unit == handler.unit
    local = timezone.localtime(meeting.starts_at)
    assert local.date() == timezone.localdate() + timedelta(days=1)
    assert (local.hour, local.minute) == (14, 30)
    assert str(local.tzinfo) == "Asia/Taipei"
    assert AuditEvent.objects.filter(action=AuditAction.MEETING_REGISTER, details__contains=f'"meeting":{meeting.pk}').exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts_on": "115年13月40日"},
        {"starts_on": ""},
        {"starts_time": "25:99"},
        {"starts_time": "afternoon"},
        {"level": "9"},
        {"level": "x"},
        {"subject": ""},
        {"subject": "   "},
        {"place": ""},
        {"chair": "999999"},
        {"chair": "abc"},
    ],
)
def test_register_bad_input_is_a_form_error(client, handler, supervisor, overrides):
    client.force_login(handler)
    response = client.post(reverse("registry:meeting_register"), _register_data(supervisor, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Meeting.objects.exists()


def test_register_chair_not_cleared_is_refused_on_the_form(client, handler, make_person, handling_unit):
    low = make_person(unit=handling_unit, username="low", full_name="低密等", clearance=Level.OFFICIAL_SECRET)
    client.force_login(handler)
    response = client.post(reverse("registry:meeting_register"), _register_data(low))
    assert response.status_code == 200
    assert "低密等" in " ".join(response.context["form"].non_field_errors())
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "outsider", "ethics_officer", "archivist"])
def test_register_page_is_for_supervisors_and_handlers(client, everyone, who):
    client.force_login(everyone[who])
    seq = head_seq()
    assert client.get(reverse("registry:meeting_register")).status_code == 404
    response = client.post(reverse("registry:meeting_register"), _register_data(everyone["supervisor"]))
    assert response.status_code == 404
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACCESS_DENIED).count() == 2


def test_supervisor_may_register(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("registry:meeting_register"), _register_data(supervisor))
    assert response.status_code == 302
    assert Meeting.objects.get().organizer == supervisor


# --- the meeting page ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "supervisor"])
def test_detail_for_those_who_know(client, everyone, ready, who):
    client.force_login(everyone[who])
    response = client.get(detail(ready))
    assert response.status_code == 200
    html = response.content.decode()
    assert SUBJECT in html
    assert 'class="marking level-3"' in html and "機密" in html
    assert format_roc(timezone.localtime(ready.starts_at).date()) in html


def test_detail_for_an_admitted_attendee(client, second_handler, ready):
    client.force_login(second_handler)
    response = client.get(detail(ready))
    assert response.status_code == 200
    assert SUBJECT in response.content.decode()
    # Not the organizer: no decision or materials forms.
    assert response.context["materials_form"] is None and response.context["venue_form"] is None


@pytest.mark.parametrize("who", ["clerk", "ethics_officer", "outsider", "administrator", "archivist"])
def test_detail_for_strangers_is_an_audited_404(client, everyone, ready, who):
    client.force_login(everyone[who])
    seq = head_seq()
    response = client.get(detail(ready))
    assert response.status_code == 404
    assert SUBJECT.encode() not in response.content
    event = AuditEvent.objects.get(seq__gt=seq, action=AuditAction.ACCESS_DENIED)
    assert event.actor == everyone[who] and json.loads(event.details)["purpose"] == "meeting"


def test_refused_attendee_is_shown_without_a_hand_out(client, handler, held, outsider, second_handler):
    client.force_login(handler)
    response = client.get(detail(held))
    rows = {row["attendee"].user_id: row for row in response.context["attendee_rows"]}
    assert rows[second_handler.pk]["may_hand_out"] is True
    assert rows[outsider.pk]["may_hand_out"] is False
    html = response.content.decode()
    assert "非法定人員" in html
    assert html.count('class="button button--small hand-out"') == 1


# --- each action: the happy path writes through the service -----------------------------------


@pytest.mark.any_hour
def test_venue_check(client, handler, meeting):
    client.force_login(handler)
    today = format_roc(timezone.localdate())
    response = client.post(
        url("meeting_venue_check", meeting),
        {"checked_on": today, "checked_time": "00:01", "no_eavesdropping": "on", "no_recording": "on"},
    )
    assert response.status_code == 302 and response.url == detail(meeting)
    check = VenueCheck.objects.get(meeting=meeting)
    assert check.clear and check.checked_by == handler
    assert timezone.localtime(check.checked_at).date() == timezone.localdate()


@pytest.mark.any_hour
def test_venue_check_empty_time_means_now(client, handler, meeting):
    client.force_login(handler)
    client.post(url("meeting_venue_check", meeting), {"no_eavesdropping": "on", "no_recording": "on"})
    check = VenueCheck.objects.get(meeting=meeting)
    assert abs((timezone.now() - check.checked_at).total_seconds()) < 60


@pytest.mark.parametrize(
    "data",
    [
        {"no_eavesdropping": "on"},  # a recording device found, nothing said about it
        {"checked_on": "115/02/30", "checked_time": "10:00", "no_eavesdropping": "on", "no_recording": "on"},
        {"checked_on": "115/01/01", "no_eavesdropping": "on", "no_recording": "on"},
        {"checked_time": "10:00", "no_eavesdropping": "on", "no_recording": "on"},
        {"checked_on": "199/01/01", "checked_time": "10:00", "no_eavesdropping": "on", "no_recording": "on"},
        {"note": "x" * 400},
    ],
)
def test_venue_check_bad_input(client, handler, meeting, data):
    client.force_login(handler)
    response = client.post(url("meeting_venue_check", meeting), data)
    assert response.status_code == 302
    assert errors_of(response)
    assert not VenueCheck.objects.exists()


def test_venue_check_with_a_device_found_and_described(client, handler, meeting):
    client.force_login(handler)
    client.post(url("meeting_venue_check", meeting), {"no_eavesdropping": "on", "note": "桌下發現錄音筆，已移除並通報政風室"})
    check = VenueCheck.objects.get()
    assert not check.clear and "錄音筆" in check.note


def test_venue_check_by_someone_who_knows_but_does_not_organize(client, second_handler, ready):
    client.force_login(second_handler)
    seq = head_seq()
    response = client.post(url("meeting_venue_check", ready), {"no_eavesdropping": "on", "no_recording": "on"})
    assert response.status_code == 302
    assert errors_of(response)
    assert VenueCheck.objects.filter(meeting=ready).count() == 1  # the fixture's only
    refused = AuditEvent.objects.get(seq__gt=seq, action=AuditAction.ACTION_REFUSED)
    recorded = json.loads(refused.details)
    assert recorded["object"] == f"meeting:{ready.pk}" and recorded["purpose"] == "meeting_venue_check"
    assert recorded["rule"] == "organize"


def test_staff_and_decisions_are_not_offered_after_the_announcement(client, handler, supervisor, held, clerk, second_handler):
    client.force_login(handler)
    context = client.get(detail(held)).context
    assert context["staff_form"] is None and context["propose_form"] is None
    assert all(row["decide_form"] is None for row in context["attendee_rows"])
    response = client.post(url("meeting_staff", held), {"person": second_handler.pk, "duty": "記錄"})
    assert errors_of(response) and not MeetingStaff.objects.exists()


def test_staff_choose(client, handler, meeting, second_handler):
    client.force_login(handler)
    response = client.post(url("meeting_staff", meeting), {"person": second_handler.pk, "duty": "會場引導"})
    assert response.status_code == 302
    staff = MeetingStaff.objects.get(meeting=meeting)
    assert staff.person == second_handler and staff.duty == "會場引導" and staff.chosen_by == handler


@pytest.mark.parametrize("data", [{"person": "", "duty": "記錄"}, {"person": "abc", "duty": "記錄"}, {"duty": ""}])
def test_staff_bad_input(client, handler, meeting, second_handler, data):
    data = {"person": second_handler.pk, **data}
    client.force_login(handler)
    response = client.post(url("meeting_staff", meeting), data)
    assert response.status_code == 302 and errors_of(response)
    assert not MeetingStaff.objects.exists()


def test_staff_not_cleared_is_not_offered(client, handler, meeting, make_person, handling_unit):
    low = make_person(unit=handling_unit, username="low", full_name="低密等", clearance=Level.OFFICIAL_SECRET)
    client.force_login(handler)
    response = client.post(url("meeting_staff", meeting), {"person": low.pk, "duty": "記錄"})
    assert errors_of(response) and not MeetingStaff.objects.exists()


def test_propose_attendee(client, handler, meeting, second_handler):
    client.force_login(handler)
    response = client.post(url("meeting_attendee_propose", meeting), {"person": second_handler.pk, "reason": "承辦業務"})
    assert response.status_code == 302
    attendee = MeetingAttendee.objects.get(meeting=meeting)
    assert attendee.user == second_handler and attendee.decision == Decision.PENDING and attendee.proposed_by == handler


def test_propose_twice_or_uncleared_is_a_message(client, handler, meeting, second_handler, make_person, handling_unit):
    low = make_person(unit=handling_unit, username="low", full_name="低密等", clearance=Level.OFFICIAL_SECRET)
    client.force_login(handler)
    client.post(url("meeting_attendee_propose", meeting), {"person": second_handler.pk, "reason": "承辦業務"})
    again = client.post(url("meeting_attendee_propose", meeting), {"person": second_handler.pk, "reason": "再次"})
    assert errors_of(again)
    uncleared = client.post(url("meeting_attendee_propose", meeting), {"person": low.pk, "reason": "列席"})
    assert errors_of(uncleared)
    blank = client.post(url("meeting_attendee_propose", meeting), {"person": second_handler.pk, "reason": ""})
    assert errors_of(blank)
    assert MeetingAttendee.objects.count() == 1


def test_propose_after_the_meeting_was_announced_is_refused(client, handler, held, clerk):
    client.force_login(handler)
    response = client.post(url("meeting_attendee_propose", held), {"person": clerk.pk, "reason": "列席"})
    assert errors_of(response)
    assert not MeetingAttendee.objects.filter(user=clerk).exists()


@pytest.mark.parametrize("approve", [True, False])
def test_decide_attendee(client, handler, meeting, second_handler, approve):
    attendee = services.attendee_propose(meeting=meeting, actor=handler, person=second_handler, reason="承辦業務")
    client.force_login(handler)
    response = client.post(
        url("meeting_attendee_decide", meeting, attendee.pk),
        {"decision": "approve" if approve else "refuse", "reason": "審查結果"},
    )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.decision == (Decision.APPROVED if approve else Decision.REFUSED)
    assert attendee.decision_reason == "審查結果" and attendee.decided_by == handler


@pytest.mark.parametrize("data", [{"decision": "maybe", "reason": "x"}, {"reason": "x"}, {"decision": "approve", "reason": ""}])
def test_decide_attendee_bad_input(client, handler, meeting, second_handler, data):
    attendee = services.attendee_propose(meeting=meeting, actor=handler, person=second_handler, reason="承辦業務")
    client.force_login(handler)
    response = client.post(url("meeting_attendee_decide", meeting, attendee.pk), data)
    assert response.status_code == 302 and errors_of(response)
    attendee.refresh_from_db()
    assert attendee.decision == Decision.PENDING


def test_admitted_attendee_may_not_decide(client, handler, ready, second_handler, clerk):
    pending = services.attendee_propose(meeting=ready, actor=handler, person=clerk, reason="列席")
    client.force_login(second_handler)
    response = client.post(url("meeting_attendee_decide", ready, pending.pk), {"decision": "approve", "reason": "准"})
    assert response.status_code == 302 and errors_of(response)
    pending.refresh_from_db()
    assert pending.decision == Decision.PENDING


def test_materials_set(client, handler, meeting, materials):
    client.force_login(handler)
    response = client.post(url("meeting_materials", meeting), {"document": materials.pk})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.materials == materials


def test_materials_the_person_does_not_know_is_refused(client, handler, meeting, clerk):
    from tests.factories import register_document

    unknown = register_document(clerk, subject="承辦人不知悉之公文")
    client.force_login(handler)
    for value in (unknown.pk, "abc", ""):
        response = client.post(url("meeting_materials", meeting), {"document": value})
        assert response.status_code == 302 and errors_of(response)
    meeting.refresh_from_db()
    assert meeting.materials is None


def test_materials_form_lists_only_known_documents(client, handler, meeting, materials, clerk):
    from tests.factories import register_document

    unknown = register_document(clerk, subject="承辦人不知悉之公文")
    client.force_login(handler)
    response = client.get(detail(meeting))
    documents = set(response.context["materials_form"].fields["document"].queryset)
    assert materials in documents and unknown not in documents
    assert "承辦人不知悉之公文" not in response.content.decode()


def test_announce(client, handler, ready):
    client.force_login(handler)
    response = client.post(url("meeting_announce", ready))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.state == MeetingState.HELD and ready.announced_by == handler


def test_announce_without_a_clear_venue_check_is_refused(client, handler, meeting):
    client.force_login(handler)
    response = client.post(url("meeting_announce", meeting))
    assert response.status_code == 302 and errors_of(response)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED


def test_hand_out(client, handler, held, second_handler, materials):
    attendee = attendee_of(held, second_handler)
    client.force_login(handler)
    response = client.post(url("meeting_hand_out", held, attendee.pk))
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.copy is not None and attendee.copy.number == 1 and attendee.attended
    assert attendee.copy.document == materials and attendee.copy.holder == second_handler
    assert [text for level, text in messages_of(response) if level == "success"]
    page = client.get(detail(held)).content.decode()
    assert "第 1 份" in page


def test_hand_out_to_a_refused_attendee_is_refused_with_the_reason(client, handler, held, outsider):
    attendee = attendee_of(held, outsider)
    client.force_login(handler)
    seq = head_seq()
    response = client.post(url("meeting_hand_out", held, attendee.pk))
    assert response.status_code == 302
    errors = errors_of(response)
    assert errors and "局外周" in errors[0]
    attendee.refresh_from_db()
    assert attendee.copy is None
    assert not DocumentCopy.objects.filter(holder=outsider).exists()
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACTION_REFUSED).count() == 1


def test_hand_out_twice_or_before_the_announcement_is_refused(client, handler, ready, second_handler):
    client.force_login(handler)
    attendee = attendee_of(ready, second_handler)
    before = client.post(url("meeting_hand_out", ready, attendee.pk))
    assert errors_of(before)
    services.meeting_announce(meeting=ready, actor=handler)
    client.post(url("meeting_hand_out", ready, attendee.pk))
    twice = client.post(url("meeting_hand_out", ready, attendee.pk))
    assert errors_of(twice)
    assert DocumentCopy.objects.filter(document=ready.materials).count() == 1


def test_recall_all(client, handler, handed, second_handler):
    client.force_login(handler)
    response = client.post(url("meeting_recall", handed))
    assert response.status_code == 302 and not errors_of(response)
    copy = attendee_of(handed, second_handler).copy
    copy.refresh_from_db()
    assert copy.recalled_at is not None and copy.state == CopyState.HELD
    # Asked once: a second recall has nothing left to ask for, and says so.
    assert errors_of(client.post(url("meeting_recall", handed)))


def test_recall_asks_back_only_this_meetings_copies(client, handler, supervisor, handed, clerk):
    """A copy of the same document distributed outside the meeting is not recalled with it."""
    from registry.models import DistributionRecipient

    request = dist_services.distribution_request(document=handed.materials, actor=handler, recipients=[clerk], reason="會辦")
    recipient = DistributionRecipient.objects.get(request=request)
    other = dist_services.distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="准").copy
    client.force_login(handler)
    client.post(url("meeting_recall", handed))
    other.refresh_from_db()
    assert other.recalled_at is None


def test_recall_is_for_the_organizer(client, handed, second_handler):
    # 承辦李 knows the meeting and holds the copy, but does not organize it.
    client.force_login(second_handler)
    seq = head_seq()
    assert errors_of(client.post(url("meeting_recall", handed)))
    assert attendee_of(handed, second_handler).copy.recalled_at is None
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACTION_REFUSED).count() == 1


def test_recall_before_the_meeting_is_refused(client, handler, ready):
    client.force_login(handler)
    assert errors_of(client.post(url("meeting_recall", ready)))


def test_take_back(client, handler, handed, second_handler):
    copy = attendee_of(handed, second_handler).copy
    services.materials_recall(meeting=handed, actor=handler)
    client.force_login(handler)
    response = client.post(url("meeting_copy_return", handed, copy.pk), {"note": "會後繳回"})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.state == CopyState.RETURNED and copy.holder is None
    assert not outstanding_materials(handed).exists()


def test_take_back_a_copy_not_handed_out_here_is_404(client, handler, handed, walk, second_handler):
    other = walk(DocumentState.IN_HANDLING, subject="其他公文")
    request = dist_services.distribution_request(document=other, actor=handler, recipients=[second_handler], reason="會辦")
    from registry.models import DistributionRecipient

    recipient = DistributionRecipient.objects.get(request=request)
    from registry.models import User

    supervisor = User.objects.get(username="supervisor")
    copy = dist_services.distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="准").copy
    client.force_login(handler)
    response = client.post(url("meeting_copy_return", handed, copy.pk), {"note": ""})
    assert response.status_code == 404
    copy.refresh_from_db()
    assert copy.state == CopyState.HELD


def test_close_refused_while_copies_are_out_then_closed(client, handler, handed, second_handler):
    client.force_login(handler)
    refused = client.post(url("meeting_close", handed))
    assert refused.status_code == 302
    errors = errors_of(refused)
    assert errors and "承辦李" in errors[0]
    handed.refresh_from_db()
    assert handed.state == MeetingState.HELD
    copy = attendee_of(handed, second_handler).copy
    client.post(url("meeting_recall", handed))
    client.post(url("meeting_copy_return", handed, copy.pk), {"note": ""})
    response = client.post(url("meeting_close", handed))
    assert response.status_code == 302 and not errors_of(response)
    handed.refresh_from_db()
    assert handed.state == MeetingState.CLOSED


def test_minutes_set_and_distribute(client, handler, handed, walk, second_handler, outsider):
    minutes = walk(DocumentState.IN_HANDLING, subject="防汛應變會議紀錄")
    client.force_login(handler)
    response = client.post(url("meeting_minutes", handed), {"document": minutes.pk})
    assert response.status_code == 302 and not errors_of(response)
    handed.refresh_from_db()
    assert handed.minutes == minutes
    form = client.get(detail(handed)).context["distribute_form"]
    assert second_handler in form.fields["recipients"].queryset
    response = client.post(
        url("meeting_minutes_distribute", handed), {"recipients": [second_handler.pk], "reason": "出席單位"}
    )
    assert response.status_code == 302 and not errors_of(response)
    copy = DocumentCopy.objects.get(document=minutes, holder=second_handler)
    assert copy.purpose == services.MINUTES


@pytest.mark.parametrize("data", [{"recipients": [], "reason": "x"}, {"recipients": ["abc"], "reason": "x"}, {"reason": ""}])
def test_minutes_distribute_bad_input(client, handler, handed, walk, second_handler, data):
    minutes = walk(DocumentState.IN_HANDLING, subject="防汛應變會議紀錄")
    services.materials_set(meeting=handed, actor=handler, document=minutes, minutes=True)
    data = {"recipients": [second_handler.pk], **data}
    client.force_login(handler)
    response = client.post(url("meeting_minutes_distribute", handed), data)
    assert response.status_code == 302 and errors_of(response)
    assert not DocumentCopy.objects.filter(document=minutes).exists()


def test_minutes_before_they_are_named_is_a_message(client, handler, handed, second_handler):
    client.force_login(handler)
    response = client.post(
        url("meeting_minutes_distribute", handed), {"recipients": [second_handler.pk], "reason": "出席單位"}
    )
    assert response.status_code == 302 and errors_of(response)


def test_publication_request_decide_publish(client, handler, supervisor, ready):
    client.force_login(handler)
    response = client.post(url("meeting_publication_request", ready), {"text": "本府召開防汛應變會議"})
    assert response.status_code == 302
    publication = MeetingPublication.objects.get(meeting=ready)
    assert publication.state == PublicationState.PENDING and publication.requested_by == handler

    # Publishing before the head's approval is refused.
    refused = client.post(url("meeting_publication_publish", ready, publication.pk))
    assert errors_of(refused)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING

    # A supervisor who is not the head may not decide; the form is not offered either.
    client.force_login(supervisor)
    assert client.get(detail(ready)).context["publication_rows"][0]["decide_form"] is None
    assert errors_of(client.post(url("meeting_publication_decide", ready, publication.pk), {"decision": "approve", "reason": "准"}))

    supervisor.is_agency_head = True
    supervisor.save(update_fields=["is_agency_head"])
    client.force_login(supervisor)
    assert client.get(detail(ready)).context["publication_rows"][0]["decide_form"] is not None
    response = client.post(url("meeting_publication_decide", ready, publication.pk), {"decision": "approve", "reason": "簽陳奉核"})
    assert response.status_code == 302 and not errors_of(response)
    publication.refresh_from_db()
    assert publication.state == PublicationState.APPROVED and publication.decided_by == supervisor

    client.force_login(handler)
    response = client.post(url("meeting_publication_publish", ready, publication.pk))
    assert response.status_code == 302 and not errors_of(response)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED


@pytest.mark.parametrize("data", [{"text": ""}, {"text": "   "}, {"text": "x" * 5000}, {}])
def test_publication_request_bad_input(client, handler, ready, data):
    client.force_login(handler)
    response = client.post(url("meeting_publication_request", ready), data)
    assert response.status_code == 302 and errors_of(response)
    assert not MeetingPublication.objects.exists()


def test_next_outside_the_site_is_ignored(client, handler, ready):
    client.force_login(handler)
    response = client.post(url("meeting_announce", ready), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == detail(ready)


# --- the list: subjects only with need-to-know -----------------------------------------------------


def _list(client, person):
    client.force_login(person)
    response = client.get(reverse("registry:meeting_list"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("who", ["handler", "supervisor", "second_handler"])
def test_list_shows_the_meetings_a_person_knows(client, everyone, ready, who):
    response = _list(client, everyone[who])
    assert SUBJECT in response.content.decode()
    assert [m.pk for m in response.context["page"].object_list] == [ready.pk]


@pytest.mark.parametrize("who", ["clerk", "outsider", "archivist", "administrator"])
def test_list_hides_meetings_from_those_who_do_not_know_them(client, everyone, ready, who):
    response = _list(client, everyone[who])
    html = response.content.decode()
    assert SUBJECT not in html and "第一會議室" not in html
    assert list(response.context["page"].object_list) == []


def test_ethics_office_sees_every_meeting_with_the_subject_withheld(client, ethics_officer, ready):
    response = _list(client, ethics_officer)
    html = response.content.decode()
    rows = list(response.context["page"].object_list)
    assert [m.pk for m in rows] == [ready.pk] and rows[0].known is False
    assert SUBJECT not in html and "第一會議室" not in html
    assert 'class="masked"' in html
    assert detail(ready) not in html


def test_ethics_office_sees_the_subject_of_a_meeting_it_knows(client, handler, ready, ethics_officer):
    attendee = services.attendee_propose(meeting=ready, actor=handler, person=ethics_officer, reason="政風列席")
    services.attendee_decide(attendee=attendee, actor=handler, approve=True, reason="准")
    response = _list(client, ethics_officer)
    assert SUBJECT in response.content.decode()


def test_refused_attendee_does_not_see_the_meeting(client, outsider, ready):
    response = _list(client, outsider)
    assert SUBJECT not in response.content.decode()
    assert client.get(detail(ready)).status_code == 404


def test_list_is_one_query_for_the_page(client, handler, supervisor, django_assert_max_num_queries):
    for n in range(5):
        services.meeting_register(
            actor=handler, subject=f"會議{n}", level=Level.CONFIDENTIAL,
            starts_at=timezone.now() + timedelta(days=n + 1), place="會議室", chair=supervisor,
        )
    client.force_login(handler)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("registry:meeting_list"))
    assert len(response.context["page"].object_list) == 5


# --- navigation and the dashboard ------------------------------------------------------------------


def test_nav_link_for_people_with_a_role(client, clerk, outsider):
    client.force_login(clerk)
    assert reverse("registry:meeting_list") in client.get(reverse("registry:dashboard")).content.decode()
    client.force_login(outsider)
    assert reverse("registry:meeting_list") not in client.get(reverse("registry:dashboard")).content.decode()


def test_dashboard_lists_the_organizers_meetings_with_copies_outstanding(client, handler, handed, second_handler, clerk):
    client.force_login(handler)
    html = client.get(reverse("registry:dashboard")).content.decode()
    assert detail(handed) in html and SUBJECT in html
    client.force_login(clerk)
    assert SUBJECT not in client.get(reverse("registry:dashboard")).content.decode()
    copy = attendee_of(handed, second_handler).copy
    dist_services.copy_return(copy=copy, actor=handler)
    client.force_login(handler)
    assert detail(handed) not in client.get(reverse("registry:dashboard")).content.decode()


def test_minutes_recipients_are_typed_with_suggestions_under_the_same_rule(client, handler, handed, walk, second_handler, clerk):
    """The minutes' recipients: a text box (no list of everyone), resolved by login name; the
    picker suggests only people the form accepts, and refuses (audited) whoever may not distribute."""
    import json

    from tests.support import events_since, head_seq

    minutes = walk(DocumentState.IN_HANDLING, subject="防汛應變會議紀錄")
    services.materials_set(meeting=handed, actor=handler, document=minutes, minutes=True)
    pick = reverse("registry:people_pick", args=["minutes", handed.pk])
    client.force_login(handler)

    html = client.get(detail(handed)).content.decode()
    assert f'data-person-picker="{pick}"' in html and 'name="recipients"' in html
    people = json.loads(client.get(pick, {"q": second_handler.username[:4]}).content)["people"]
    assert second_handler.username in [person["value"] for person in people]
    assert handler.username not in [person["value"] for person in json.loads(client.get(pick, {"q": handler.username}).content)["people"]]
    response = client.post(url("meeting_minutes_distribute", handed), {"recipients": second_handler.username, "reason": "出席單位"})
    assert response.status_code == 302 and not errors_of(response)
    assert DocumentCopy.objects.filter(document=minutes, holder=second_handler).exists()

    client.force_login(clerk)
    seq = head_seq()
    assert client.get(pick, {"q": "a"}).status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1


@pytest.mark.parametrize("kind, view", [("attendee", "meeting_attendee_propose"), ("staff", "meeting_staff")])
def test_attendees_and_staff_are_typed_with_suggestions_under_the_meetings_rule(
    client, handler, meeting, second_handler, outsider, kind, view
):
    import json

    from tests.support import events_since, head_seq

    pick = reverse("registry:people_pick", args=[kind, meeting.pk])
    client.force_login(handler)

    html = client.get(detail(meeting)).content.decode()
    assert f'data-person-picker="{pick}"' in html
    people = json.loads(client.get(pick, {"q": second_handler.full_name[:1]}).content)["people"]
    assert second_handler.username in [person["value"] for person in people] and len(people) <= 20
    data = {"person": f"{second_handler.full_name}（{second_handler.unit.name}）", "reason": "承辦業務", "duty": "記錄"}
    response = client.post(url(view, meeting), data)
    assert response.status_code == 302 and not errors_of(response)

    client.force_login(outsider)
    seq = head_seq()
    assert client.get(pick, {"q": "a"}).status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1
