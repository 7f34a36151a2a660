"""A classified meeting in the browser (會議機密維護 rules 1–4), organized by a designated handler:

register the meeting → record a clear venue check → name the materials → vet two attendees (one
admitted, one refused) → announce the classification → hand out the materials (copy 第 1 份) →
recall them and take the copy back → the outstanding list is empty and the meeting is closed.

The materials document is taken into the handler's custody through the services in the test body
(register → open → route → sign for); every meeting step is taken through the pages. The forms are
found by their element ids and field names rather than by their labels: the meeting pages' zh-Hant
catalogue is made in a later translation pass, and the test holds in either language.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
SUBJECT = "颱風應變機密會議"
MATERIALS = "颱風應變會議資料"


@pytest.fixture
def people(clerk, supervisor, handler, second_handler, outsider):
    """承辦張 organizes, 主管林 chairs, 承辦李 is admitted and 局外周 refused. All get the password
    the browser logs in with."""
    everyone = {
        "clerk": clerk,
        "supervisor": supervisor,
        "handler": handler,
        "admitted": second_handler,
        "refused": outsider,
    }
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


def test_organize_vet_announce_hand_out_recall_close(people, new_page, handling_unit):
    from django.utils import timezone

    from classification import format_roc
    from registry.models import CopyState, Meeting, MeetingState
    from registry.services import documents as svc
    from tests.factories import register_document

    # The materials: a 機密 document the handler holds, through the services.
    document = register_document(people["clerk"], subject=MATERIALS)
    document = svc.document_open(
        document=document, actor=people["supervisor"], instruction="請準備會議資料", handling_unit=handling_unit
    )
    document = svc.document_route(document=document, actor=people["clerk"], handler=people["handler"])
    document = svc.document_sign_for(document=document, actor=people["handler"])

    # Register the meeting from the list page.
    page = new_page("handler")
    page.goto("/")
    page.locator(".site-nav").get_by_role("link", name=re.compile("機密會議|Classified meetings")).click()
    expect(page).to_have_url(re.compile(r"/meetings/$"))
    page.locator("a[href='/meetings/new/']").click()
    page.fill("#id_subject", SUBJECT)
    page.select_option("#id_level", "3")  # 機密
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.fill("#id_starts_on", format_roc(tomorrow))
    page.fill("#id_starts_time", "09:30")
    page.fill("#id_place", "市政大樓第三會議室")
    page.fill("#id_chair", "主管林（秘書處）")
    page.locator("form[action='/meetings/new/'] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(subject=SUBJECT)
    path = f"/meetings/{meeting.pk}/"
    expect(page.locator("h1")).to_have_text(SUBJECT)
    marking = page.locator(".marking.level-3")
    expect(marking).to_be_visible()
    expect(marking.locator(".marking__level")).to_have_text("機密")
    expect(page.locator("dl.fields")).to_contain_text(f"{format_roc(tomorrow)} 09:30")

    # Rule 1: the venue checked and found clear.
    venue = page.locator("#venue-form")
    venue.locator("#id_venue_no_eavesdropping").check()
    venue.locator("#id_venue_no_recording").check()
    venue.locator("button[type=submit]").click()
    expect_success(page)
    expect(page.locator("table.venue-checks tr.venue--clear")).to_have_count(1)

    # Rule 2: name the materials (a document the handler knows).
    materials = page.locator("#materials-form")
    materials.locator("#id_materials_document").select_option(label=f"{document.number} {MATERIALS}（機密）")
    materials.locator("button[type=submit]").click()
    expect_success(page)
    expect(page.locator("dl.fields")).to_contain_text(document.number)

    # Rule 3: propose two attendees and vet them: 承辦李 admitted, 局外周 refused.
    for label, reason in (("承辦李（機要科）", "負責防汛業務"), ("局外周（機要科）", "旁聽")):
        propose = page.locator("#propose-form")
        propose.locator("#id_propose_person").fill(label)
        propose.locator("#id_propose_reason").fill(reason)
        propose.locator("button[type=submit]").click()
        expect_success(page)
    admitted = page.locator("tr.attendee[data-attendee='handler2']")
    refused = page.locator("tr.attendee[data-attendee='outsider']")
    admitted.locator("input[name=reason]").fill("業務相關")
    admitted.locator("button[name=decision][value=approve]").click()
    expect_success(page)
    refused.locator("input[name=reason]").fill("非法定與會人員")
    refused.locator("button[name=decision][value=refuse]").click()
    expect_success(page)
    expect(admitted).to_have_class(re.compile(r"attendee--approved"))
    expect(refused).to_have_class(re.compile(r"attendee--refused"))

    # Rule 4: the level announced; the meeting is held.
    page.locator("#announce-button").click()
    expect_success(page)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD

    # The refused attendee is not offered the materials, and the reason is shown.
    expect(refused.locator(".hand-out")).to_have_count(0)
    expect(refused.locator(".decision-reason")).to_have_text("非法定與會人員")
    expect(refused.locator(".not-admitted")).to_be_visible()

    # Hand out the materials to the admitted attendee: copy 第 1 份.
    admitted.locator(".hand-out").click()
    expect_success(page)
    expect(admitted).to_contain_text(re.compile(r"第\s*1\s*份"))
    expect(admitted.locator(".hand-out")).to_have_count(0)
    outstanding = page.locator("table.outstanding-materials")
    expect(outstanding.get_by_role("row").filter(has_text="承辦李")).to_contain_text(re.compile(r"第\s*1\s*份"))

    # Closing while the copy is out is refused and names it.
    page.locator("#close-button").click()
    expect(page.locator(".messages .message--error")).to_contain_text("承辦李")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD

    # Recall all, then take the copy back.
    page.locator("#recall-form button[type=submit]").click()
    expect_success(page)
    expect(outstanding.locator("tr.copy--outstanding")).to_have_count(1)
    outstanding.locator(".take-back").click()
    expect_success(page)
    expect(page.locator("table.outstanding-materials")).to_have_count(0)
    expect(page.locator(".outstanding-none")).to_be_visible()
    copy = meeting.attendees.get(user=people["admitted"]).copy
    assert copy.number == 1 and copy.state == CopyState.RETURNED

    # The outstanding list is empty: the meeting can be closed.
    page.locator("#close-button").click()
    expect_success(page)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED
    expect(page.locator("#close-button")).to_have_count(0)

    # The refused attendee does not know the meeting: the not-found page, nothing of it shown.
    stranger = new_page("outsider")
    response = stranger.goto(path)
    assert response is not None and response.status == 404
    html = stranger.content()
    assert SUBJECT not in html and "市政大樓第三會議室" not in html


def expect_success(page) -> None:
    """The action succeeded: a success message and no error."""
    expect(page.locator(".messages .message--success")).to_have_count(1)
    expect(page.locator(".messages .message--error")).to_have_count(0)
