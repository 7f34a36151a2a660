"""An outgoing document (發文) in the browser, in Traditional Chinese.

The clerk opens the registration page, chooses 發文, and registers a 機密 document on one page: its
速別, 受文者, 發文字號 and 發文日期 typed in the compact ROC form (1151120), the level chosen (none is
chosen for her), the original agency left for the registry to fill in. The document then waits to be
dispatched (待發文); the clerk records its dispatch in double envelopes on the document page, and it
shows as 已發文, never in the supervisor's list of documents to open.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
SUBJECT = "函復國防部戰備整備事項"


@pytest.fixture
def people(clerk, supervisor):
    for person in (clerk, supervisor):
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return {"clerk": clerk, "supervisor": supervisor}


def compact(day) -> str:
    return f"{day.year - 1911:03d}{day.month:02d}{day.day:02d}"


def test_a_clerk_registers_an_outgoing_document_and_dispatches_it(people, new_page):
    from registry.models import Direction, Document, DocumentState

    today = timezone.localdate()
    clerk = new_page(people["clerk"].username)
    clerk.goto("/documents/new/")
    clerk.get_by_role("link", name="發文", exact=True).click()
    expect(clerk.locator("label", has_text="受文者").first).to_be_visible()
    expect(clerk.get_by_label(re.compile(r"^來文機關"))).to_have_count(0)
    level = field(clerk, "密等")
    expect(level).to_have_value("")  # no level is chosen for the clerk

    clerk.get_by_label("速件", exact=True).check()
    level.select_option(label="機密")
    field(clerk, "主旨").fill(SUBJECT)
    field(clerk, "受文者").fill("國防部")
    field(clerk, "發文字號").fill("府授秘字第1150000123號")
    field(clerk, "發文日期").fill(compact(today))
    field(clerk, "限辦日期").fill(compact(today + timedelta(days=10)))
    field(clerk, "核定人").fill("秘書長")
    field(clerk, "原核定日期").fill(compact(today - timedelta(days=2)))
    field(clerk, "保密期限（年）").fill("5")
    clerk.get_by_role("button", name="登記", exact=True).click()

    document = Document.objects.get(subject=SUBJECT)
    assert (document.direction, document.state) == (Direction.OUTGOING, DocumentState.DRAFTED)
    assert document.original_agency == settings.REGISTRY_AGENCY_NAME
    assert document.received_on == today and document.urgency == "urgent"
    expect(clerk.locator(".messages .message--success")).to_have_text(f"已完成登記，登記號為{document.number}。")
    expect(clerk.locator(".state")).to_have_text("待發文")

    # The dispatch, in double envelopes, on the document page.
    section = clerk.locator("section", has=clerk.get_by_role("heading", name="封發", exact=True))
    field(section, "受文者").fill("國防部")
    field(section, "地址").fill("臺北市中正區重慶南路一段122號")
    field(section, "傳遞方式").select_option(label="雙掛號")
    field(section, "掛號號碼").fill("雙掛第115001號")
    section.get_by_label("內封已加蓋密封章").check()
    section.get_by_role("button", name="登錄封發").click()

    expect(clerk.locator(".messages .message--success")).to_contain_text("國防部")
    expect(clerk.locator(".state")).to_have_text("已發文")
    document.refresh_from_db()
    assert document.state == DocumentState.DISPATCHED

    # The supervisor has nothing of it to open.
    supervisor = new_page(people["supervisor"].username)
    supervisor.goto("/")
    expect(supervisor.locator("body")).not_to_contain_text(document.number)


def field(scope, label: str):
    """The form field labelled ``label`` within ``scope`` (Django adds a full-width colon)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}：?$"))
