"""Restricted distribution (限制分發) in the browser, in Traditional Chinese.

The handler who holds a document asks for it to be distributed to two colleagues; the supervisor
approves one and refuses the other, each with a reason. The approved colleague then opens the
document page and sees their copy number; the refused one gets the not-found page.

The document is taken to 已簽收 through the services in the test body (register → open → route →
sign for); every distribution step is taken through the pages.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
SUBJECT = "國防部函送限制分發演練計畫"


@pytest.fixture
def people(clerk, supervisor, handler, second_handler, outsider):
    """The handler holds the document; 承辦李 (second_handler) and 局外周 (outsider) are the two
    recipients asked for. All get the password the browser logs in with."""
    everyone = {
        "clerk": clerk,
        "supervisor": supervisor,
        "handler": handler,
        "approved": second_handler,
        "refused": outsider,
    }
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


@pytest.fixture
def held_document(people, clerk, supervisor, handler, handling_unit):
    """Register → open → route → sign for, through the services: the handler holds it."""
    from registry.models import DocumentState
    from registry.services import documents as svc
    from tests.factories import register_document

    document = register_document(clerk, subject=SUBJECT)
    document = svc.document_open(document=document, actor=supervisor, instruction="請依限制分發辦理", handling_unit=handling_unit)
    document = svc.document_route(document=document, actor=clerk, handler=handler)
    document = svc.document_sign_for(document=document, actor=handler)
    document.refresh_from_db()
    assert document.state == DocumentState.SIGNED
    return document


def test_request_approve_refuse_and_the_recipients_pages(people, held_document, new_page):
    path = f"/documents/{held_document.pk}/"
    number = held_document.number

    # The handler asks for distribution to two colleagues, saying why.
    handler = new_page("handler")
    handler.goto(path)
    section = handler.locator("section", has=handler.get_by_role("heading", name="分發", exact=True))
    # The picker suggests as one types (at most 20, from the registry); what is typed is resolved.
    recipients = field(section, "分發對象")
    recipients.fill("承辦")
    datalist = section.locator(f"datalist#{recipients.get_attribute('list')}")
    expect(datalist.locator("option[label='承辦李（機要科）']")).to_have_count(1)
    recipients.fill("承辦李（機要科）、局外周（機要科）")
    field(section, "須知悉之理由").fill("需會同辦理演練計畫")
    section.get_by_role("button", name="申請分發").click()
    expect_message(handler, "已申請分發予2人，待主管核定。")

    # The supervisor approves 承辦李 and refuses 局外周, each with a reason.
    supervisor = new_page("supervisor")
    supervisor.goto(path)
    pending = supervisor.locator("li.decision", has_text="承辦李")
    field(pending, "核定理由").fill("承辦演練業務")
    pending.get_by_role("button", name="核准").click()
    expect_message(supervisor, "已核准分發予承辦李，發給第 1 份。")

    pending = supervisor.locator("li.decision", has_text="局外周")
    field(pending, "核定理由").fill("與本案無業務關聯")
    pending.get_by_role("button", name="不准").click()
    expect_message(supervisor, "不准分發予局外周。")

    decided = supervisor.locator("table", has=supervisor.locator("caption", has_text="已核定之分發對象"))
    approved_row = decided.get_by_role("row").filter(has_text="承辦李")
    expect(approved_row).to_contain_text("核准")
    expect(approved_row).to_contain_text("承辦演練業務")
    refused_row = decided.get_by_role("row").filter(has_text="局外周")
    expect(refused_row).to_contain_text("不准")
    expect(refused_row).to_contain_text("與本案無業務關聯")

    # The approved colleague sees the document and their copy number.
    approved = new_page(people["approved"].username)
    response = approved.goto(path)
    assert response is not None and response.status == 200
    expect(approved.locator("h1")).to_contain_text(SUBJECT)
    expect(approved.locator(".copy-held")).to_contain_text("您持有第 1 份")
    copies = approved.locator("table.copies")
    expect(copies.get_by_role("row").filter(has_text="承辦李")).to_contain_text("第 1 份／共 1 份")

    # The refused colleague gets the not-found page and learns nothing of the document.
    refused = new_page(people["refused"].username)
    response = refused.goto(path)
    assert response is not None and response.status == 404
    expect(refused.get_by_role("heading", name="查無資料")).to_be_visible()
    html = refused.content()
    assert number not in html and SUBJECT not in html


def field(scope, label: str):
    """The form field labelled ``label`` within ``scope`` (Django adds a full-width colon)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}：?$"))


def expect_message(page, text: str) -> None:
    expect(page.locator(".messages .message--success")).to_have_text(text)
